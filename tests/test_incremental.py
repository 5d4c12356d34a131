"""Incremental runs: an unchanged folder re-extracts nothing and writes identical datasets;
a changed file is redone alone; a removed file drops out; --full redoes everything."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from extract.run.runner import run_folder

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
STABLE = ["actions", "milestones", "recommendations", "code_refs", "owners", "warnings"]


def _docs(out: Path) -> list[tuple]:
    return duckdb.sql(f"select source_path, status, n_actions from '{out}/documents.parquet' order by 1").fetchall()


def test_incremental_reruns(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("cfs-directorate-plan-2003.md", "childrens-services-action-matrix.md"):
        shutil.copy(SAMPLES / name, src / name)
    out = tmp_path / "out"
    cache = {"cache_dir": str(tmp_path / "cache")}

    first = run_folder(src, out, progress=False, settings=cache)
    assert first.from_cache == 0 and first.documents == 2
    before = {n: pq.read_table(out / f"{n}.parquet") for n in STABLE + ["documents"]}

    second = run_folder(src, out, progress=False, settings=cache)
    assert second.from_cache == 2
    for name, table in before.items():
        assert pq.read_table(out / f"{name}.parquet").equals(table), name

    # A changed file is redone alone.
    matrix = src / "childrens-services-action-matrix.md"
    matrix.write_text(matrix.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    third = run_folder(src, out, progress=False, settings=cache)
    assert third.from_cache == 1

    # A removed file drops out of every dataset.
    (src / "cfs-directorate-plan-2003.md").unlink()
    run_folder(src, out, progress=False, settings=cache)
    assert _docs(out) == [("childrens-services-action-matrix.md", "ok", 0)]
    assert pq.read_table(out / "actions.parquet").num_rows == 0

    full = run_folder(src, out, progress=False, settings={**cache, "full": True})
    assert full.from_cache == 0
    runs = duckdb.sql(f"select documents, from_cache from '{out}/runs.parquet'").fetchall()
    assert runs == [(2, 0), (2, 2), (2, 1), (1, 1), (1, 0)]
