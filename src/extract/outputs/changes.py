"""``changes.parquet``: what changed in the plans between two runs, one row per change.

Actions are matched by ``action_key`` (:mod:`extract.outputs.identity`), so a re-issued plan
(renamed, rows re-ordered, a typo fixed) compares with its previous issue. A change is one of:

- ``added`` / ``removed``: an action that is new, or gone (its document removed, or the row);
- ``status_changed``: RAG status ``before`` → ``after`` (``red``, ``amber``, ``green``, ``blue``; empty when none);
- ``due_moved``: the due date (the last date its milestones can mean) moved; ``days_slipped`` is
  positive when it moved later;
- ``owners_changed``: the set of owners changed (``before``/``after`` list them, ``; `` between);
- ``text_changed``: the ``field`` (``title``, ``steps`` or ``targets``) reads differently;
- ``became_overdue``: overdue at this run's date (due date passed, not complete: see
  :mod:`extract.outputs.overdue`) and not at the earlier run's date.

The actions of a document that failed to read this time are not reported removed: the document's
own row in ``documents`` says why it could not be read. A first run has nothing to compare with
and no changes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import UsageError
from .overdue import is_overdue
from .records import SCHEMA_VERSION
from .snapshots import Snapshot, iter_snapshots, load_snapshot

KINDS = ("added", "removed", "status_changed", "due_moved", "owners_changed", "text_changed", "became_overdue")

S, D = pa.string(), pa.date32()
CHANGES_SCHEMA = pa.schema([
    ("run_id", S), ("since_run_id", S), ("change", S), ("document_key", S), ("action_key", S),
    ("document_id", S), ("source_path", S), ("action_ref", S), ("title", S), ("field", S),
    ("before", S), ("after", S), ("due_before", D), ("due_after", D), ("days_slipped", pa.int32()),
])


def _overdue(action: dict[str, Any], on: dt.date) -> bool:
    return is_overdue(action["due"], action["complete"], on)


def _joined(values: list[str] | None) -> str:
    return "; ".join(values or [])


def compare(before: Snapshot, after: Snapshot) -> list[dict[str, Any]]:
    """The change rows from snapshot ``before`` to snapshot ``after``, in document and action order."""
    old = {a["action_key"]: a for a in before.actions}
    new = {a["action_key"]: a for a in after.actions}
    failed_now = {d["source_path"] for d in after.documents if d["status"] in ("failed", "skipped")}
    day_before, day_after = before.started.date(), after.started.date()
    base = {"run_id": after.run_id, "since_run_id": before.run_id}
    rows: list[dict[str, Any]] = []
    reworded: list[str] = []  # actions whose title, steps or targets read differently

    def row(kind: str, a: dict[str, Any], **extra: Any) -> None:
        rows.append({**base, "change": kind, "document_key": a["document_key"], "action_key": a["action_key"],
                     "document_id": a["document_id"], "source_path": a["source_path"], "action_ref": a["action_ref"],
                     "title": a["title"], **extra})

    for key, a in new.items():
        p = old.get(key)
        if p is None:
            row("added", a, due_after=a["due"])
            continue
        if (p["status"] or "") != (a["status"] or ""):
            row("status_changed", a, field="status", before=p["status"], after=a["status"])
        if p["due"] != a["due"]:
            slip = (a["due"] - p["due"]).days if p["due"] and a["due"] else None
            row("due_moved", a, field="due", before=_iso(p["due"]), after=_iso(a["due"]),
                due_before=p["due"], due_after=a["due"], days_slipped=slip)
        if sorted(p["owners"] or []) != sorted(a["owners"] or []):
            row("owners_changed", a, field="owners", before=_joined(p["owners"]), after=_joined(a["owners"]))
        if p["text_digest"] != a["text_digest"]:
            reworded.append(key)
        if _overdue(a, day_after) and not _overdue(p, day_before):
            row("became_overdue", a, field="due", before=_iso(p["due"]), after=_iso(a["due"]),
                due_before=p["due"], due_after=a["due"])
    for key, p in old.items():
        if key not in new and p["source_path"] not in failed_now:
            row("removed", p, due_before=p["due"])
    was_texts, now_texts = before.texts(set(reworded)), after.texts(set(reworded))
    for key in reworded:
        p, a = old[key], new[key]
        for name in ("title", "steps", "targets"):
            if name == "title":
                was, now = p["title"] or "", a["title"] or ""
            else:
                was = "\n".join(was_texts.get(key, {}).get(name) or [])
                now = "\n".join(now_texts.get(key, {}).get(name) or [])
            if was != now:
                row("text_changed", a, field=name, before=was, after=now)
    order = {k: i for i, k in enumerate(KINDS)}
    positions = {a["action_key"]: i for i, a in enumerate(after.actions)}
    positions.update({k: len(positions) + i for i, k in enumerate(old) if k not in positions})
    rows.sort(key=lambda r: (r["source_path"], positions[r["action_key"]], order[r["change"]]))
    return rows


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def changes_table(rows: list[dict[str, Any]]) -> pa.Table:
    table = pa.Table.from_pylist([{n: r.get(n) for n in CHANGES_SCHEMA.names} for r in rows], schema=CHANGES_SCHEMA)
    return table.replace_schema_metadata({b"schema_version": SCHEMA_VERSION.encode(), b"dataset": b"changes"})


def counts(table: pa.Table) -> dict[str, int]:
    """Changes by kind, in :data:`KINDS` order, kinds with none left out."""
    c = Counter(table.column("change").to_pylist())
    return {k: c[k] for k in KINDS if c[k]}


def changes_since(out: Path, since: str | None = None) -> pa.Table:
    """Changes from an earlier run of ``out`` to its latest.

    ``since`` is a run id (or its first characters; see ``runs.parquet``) or a date
    (``2025-03-01``): the last run that started before that day. Without ``since``: between the
    last two runs, as in ``changes.parquet``.

    Example: ``changes_since(Path("outputs"), "2025-03-01")``
    """
    runs = list(iter_snapshots(out))
    if not runs:
        raise UsageError(f"no run history in {out}/history: run `plan-extract run INPUT --out {out}` (twice, to have changes)")
    latest = runs[-1]
    if since is None:
        if len(runs) == 1:
            return changes_table([])
        base = runs[-2]
    else:
        base = _find_run(runs, since)
    return changes_table(compare(load_snapshot(base[0]), load_snapshot(latest[0])))


def _find_run(runs: list[tuple[Path, str, dt.datetime]], since: str) -> tuple[Path, str, dt.datetime]:
    try:
        day = dt.date.fromisoformat(since)
    except ValueError:
        day = None
    if day is not None:
        before = [r for r in runs if r[2].astimezone(dt.timezone.utc).date() < day]
        if not before:
            raise UsageError(f"no run before {day} in {runs[0][0].parent}: the history starts at "
                             f"{runs[0][2]:%Y-%m-%d %H:%M} UTC; give a later date or a run id")
        return before[-1]
    matches = [r for r in runs if r[1].startswith(since)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(r[1][:8] for r in runs[-5:])
    if not matches:
        raise UsageError(f"no run {since!r} in the history of this output folder (latest: {known}); "
                         "give a run id from runs.parquet or a date such as 2025-03-01")
    raise UsageError(f"{since!r} names {len(matches)} runs: give more of the run id")


def _md(text: str) -> str:
    """Document text made inert in markdown: no links, images, markup or code spans."""
    for ch in "\\`*_[]<>#|!":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def markdown(table: pa.Table, *, limit: int = 60) -> str:
    """The changes as a short markdown summary, for the Prefect run's artifact."""
    lines = ["# Changes since the previous run", ""]
    by_kind = counts(table)
    if table.num_rows == 0:
        lines.append("None (or no previous run to compare with).")
        return "\n".join(lines)
    lines.append(" · ".join(f"**{n}** {k.replace('_', ' ')}" for k, n in by_kind.items()))
    lines.append("")
    for r in table.slice(0, limit).to_pylist():
        what = r["change"].replace("_", " ")
        detail = ""
        if r["change"] in ("status_changed", "owners_changed", "due_moved"):
            detail = f": {r['before'] or '—'} → {r['after'] or '—'}"
            if r["days_slipped"] is not None:
                detail += f" ({r['days_slipped']:+d} days)"
        elif r["change"] == "text_changed":
            detail = f": {r['field']}"
        title = _md((r["title"] or "")[:80])
        lines.append(f"- {_md(r['source_path'])} · {_md(r['action_ref'] or '')} {title} — {what}{_md(detail)}")
    if table.num_rows > limit:
        lines.append(f"- … and {table.num_rows - limit} more in changes.parquet")
    return "\n".join(lines)


def print_changes(table: pa.Table) -> None:
    """The changes as a table on the terminal, with their counts by kind."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if table.num_rows == 0:
        console.print("No changes.")
        return
    rows = table.to_pylist()
    out = Table(title=f"{table.num_rows} changes since run {rows[0]['since_run_id'][:8]}", show_lines=False)
    for col in ("change", "file", "ref", "action", "before", "after", "days"):
        out.add_column(col, overflow="fold")
    for r in rows:
        before, after = r["before"] or "", r["after"] or ""
        if r["change"] == "text_changed":
            before, after = f"{r['field']}: {before[:60]}", after[:60]
        out.add_row(r["change"].replace("_", " "), r["source_path"], r["action_ref"] or "", (r["title"] or "")[:50],
                    before, after, "" if r["days_slipped"] is None else f"{r['days_slipped']:+d}")
    console.print(out)
    console.print(" · ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts(table).items()))


def read_changes(out: Path) -> pa.Table:
    path = out / "changes.parquet"
    return pq.read_table(path) if path.exists() else changes_table([])
