"""The closing summary table of a command-line run."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..run.summary import RunSummary


def print_summary(summary: RunSummary) -> None:
    console = Console()
    table = Table(title=f"plan-extract: {summary.documents} documents → {summary.out_dir}", show_header=True)
    for col in ("ok", "partial", "failed", "skipped", "actions", "recommendations", "warnings"):
        table.add_column(col, justify="right")
    b = summary.by_status
    table.add_row(str(b.get("ok", 0)), str(b.get("partial", 0)), str(b.get("failed", 0)), str(b.get("skipped", 0)),
                  str(summary.actions), str(summary.recommendations), str(summary.warnings))
    console.print(table)
    if summary.from_cache:
        console.print(f"{summary.from_cache} of {summary.documents} documents unchanged since the last run "
                      "(results reused; --full re-extracts them)")
