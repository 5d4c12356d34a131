"""OUT/history: one snapshot per run, carried into the next output folder; kept are the last
KEEP_RUNS runs and the last run of each of the last KEEP_DAYS days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from extract.outputs.snapshots import KEEP_DAYS, KEEP_RUNS, RunInfo, SnapshotBuilder, carry_forward, run_folders

UTC = dt.timezone.utc


def test_history_keeps_recent_runs_and_one_run_a_day(tmp_path: Path) -> None:
    out = tmp_path / "out"
    now = dt.datetime(2025, 6, 30, 2, 0, tzinfo=UTC)
    # Nightly runs for 120 days, and 40 runs of a watch on the last day.
    starts = [now - dt.timedelta(days=d) for d in range(120, 0, -1)]
    starts += [now.replace(hour=9) + dt.timedelta(minutes=5 * i) for i in range(40)]
    for i, started in enumerate(starts):
        SnapshotBuilder(out / "history" / RunInfo(f"{i:032x}", started).folder_name, RunInfo(f"{i:032x}", started)).finish()
    staged = tmp_path / "staged"
    latest = starts[-1] + dt.timedelta(minutes=5)
    SnapshotBuilder(staged / "history" / RunInfo("f" * 32, latest).folder_name, RunInfo("f" * 32, latest)).finish()
    carry_forward(out, staged, latest)
    names = [p.name for p in run_folders(staged)]
    assert names[-1].endswith("f" * 32)
    watch_runs = [n for n in names if n.startswith("20250630")]
    assert len(watch_runs) == KEEP_RUNS  # 29 of the watch's runs, and this one
    nightly = [n for n in names if not n.startswith("20250630")]
    oldest_day = (latest - dt.timedelta(days=KEEP_DAYS)).strftime("%Y%m%d")
    assert len(nightly) == KEEP_DAYS and min(nightly)[:8] == oldest_day  # one a day, back to 90 days ago
    # Carried by hard links: no snapshot is copied.
    kept = run_folders(staged)[0] / "actions.parquet"
    assert kept.stat().st_ino == (out / "history" / kept.parent.name / "actions.parquet").stat().st_ino
