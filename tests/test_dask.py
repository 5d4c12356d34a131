"""Scale-out: the same flow on a Dask cluster (a LocalCluster here) writes identical datasets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq

from extract.run.runner import run_folder

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
DATASETS = ["actions", "milestones", "recommendations", "code_refs", "owners", "warnings"]


def test_dask_run_equals_local_run(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for path in SAMPLES.glob("*.md"):
        shutil.copy(path, src / path.name)
    local, dask = tmp_path / "local", tmp_path / "dask"
    run_folder(src, local, progress=False, settings={"cache": False, "workers": 2})
    summary = run_folder(src, dask, progress=False, settings={"cache": False, "workers": 2}, runner="dask")
    assert summary.documents == 3
    for name in DATASETS:
        assert pq.read_table(dask / f"{name}.parquet").equals(pq.read_table(local / f"{name}.parquet")), name
    docs = [pq.read_table(d / "documents.parquet").drop_columns(["seconds"]) for d in (local, dask)]
    assert docs[0].equals(docs[1])
