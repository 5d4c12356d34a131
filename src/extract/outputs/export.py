"""Exports for downstream tools: an Excel workbook (one sheet per dataset) or a DuckDB database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..errors import UsageError

DATASETS = ("documents", "actions", "milestones", "recommendations", "code_refs", "owners", "warnings", "links",
            "coverage", "runs", "changes")
EXCEL_CELL_MAX = 32_000  # Excel refuses cells over 32,767 characters
MAX_WIDTH = 60


def _datasets(out_dir: Path) -> dict[str, Path]:
    found = {name: out_dir / f"{name}.parquet" for name in DATASETS if (out_dir / f"{name}.parquet").exists()}
    if "documents" not in found:
        raise UsageError(f"no documents.parquet in {out_dir}: give the --out folder of a plan-extract run")
    return found


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "; ".join("" if v is None else str(v) for v in value)
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones; runs are stored in UTC
    if isinstance(value, str) and len(value) > EXCEL_CELL_MAX:
        return value[:EXCEL_CELL_MAX] + "…"
    return value


def to_xlsx(out_dir: Path, dest: Path) -> Path:
    """One sheet per dataset, header frozen and bold, columns sized to their contents."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, path in _datasets(out_dir).items():
        table = pq.read_table(path)
        ws = wb.create_sheet(title=name[:31])
        ws.append(table.column_names)
        widths = [len(c) for c in table.column_names]
        for row in table.to_pylist():
            values = [_cell(row[c]) for c in table.column_names]
            ws.append(values)
            for i, v in enumerate(values):
                if v is not None:
                    widths[i] = max(widths[i], min(MAX_WIDTH, len(str(v))))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width + 2
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def to_duckdb(out_dir: Path, dest: Path, *, views: bool = False) -> Path:
    """A DuckDB database with one table per dataset (or views over the Parquet files)."""
    import duckdb

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for name, path in _datasets(out_dir).items():
            source = f"read_parquet('{_quote(path.resolve())}')"
            # A view reads the Parquet files at query time (always current); a table is a copy.
            con.execute(f"create {'view' if views else 'table'} {name} as select * from {source}")
    finally:
        con.close()
    tmp.replace(dest)
    return dest


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
