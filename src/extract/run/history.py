"""``runs.parquet``: one row per run, appended; the history travels with the datasets it describes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..outputs.records import SCHEMA_VERSION
from .summary import RunSummary

RUNS_SCHEMA = pa.schema([
    ("run_id", pa.string()),
    ("flow_run_id", pa.string()),
    ("started", pa.timestamp("us", tz="UTC")),
    ("ended", pa.timestamp("us", tz="UTC")),
    ("input_dir", pa.string()),
    ("out_dir", pa.string()),
    ("documents", pa.int64()),
    ("ok", pa.int64()),
    ("partial", pa.int64()),
    ("failed", pa.int64()),
    ("skipped", pa.int64()),
    ("from_cache", pa.int64()),
    ("actions", pa.int64()),
    ("recommendations", pa.int64()),
    ("warnings", pa.int64()),
    ("extractor_version", pa.string()),
])


def previous_runs(out: Path) -> pa.Table:
    path = out / "runs.parquet"
    if path.exists():
        try:
            table = pq.read_table(path)
            return table.select(RUNS_SCHEMA.names).cast(RUNS_SCHEMA)
        except (OSError, pa.ArrowException, KeyError):
            pass  # an unreadable history is started afresh rather than stopping the run
    return RUNS_SCHEMA.empty_table()


def runs_table(out: Path, summary: RunSummary, *, run_id: str, flow_run_id: str | None, started: dt.datetime,
               ended: dt.datetime, from_cache: int, extractor_version: str) -> pa.Table:
    row = {
        "run_id": run_id, "flow_run_id": flow_run_id, "started": started, "ended": ended,
        "input_dir": summary.input_dir, "out_dir": summary.out_dir, "documents": summary.documents,
        **{k: summary.by_status.get(k, 0) for k in ("ok", "partial", "failed", "skipped")},
        "from_cache": from_cache, "actions": summary.actions, "recommendations": summary.recommendations,
        "warnings": summary.warnings, "extractor_version": extractor_version,
    }
    new = pa.Table.from_pylist([row], schema=RUNS_SCHEMA)
    table = pa.concat_tables([previous_runs(out), new])
    return table.replace_schema_metadata({"schema_version": SCHEMA_VERSION})
