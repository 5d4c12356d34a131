"""extract.open_datasets: every dataset as a typed DataFrame that converts back to the same Parquet
table; a folder written under another schema version gives one clear error."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import extract
from extract.errors import SchemaMismatch
from extract.outputs.frames import CATEGORIES, pandas_dtype, to_table
from extract.outputs.records import SCHEMA_VERSION
from extract.outputs.snapshots import RunInfo
from extract.outputs.writers import write_datasets
from extract.run.history import runs_table
from extract.run.pipeline import extract_file
from extract.run.summary import RunSummary

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PLAN = """# Harbourside Waste and Recycling Action Plan

Harbourside Borough Council

Plan period: April 2024 – March 2026

| Ref | Action | Lead Officer | Target date | Status |
|---|---|---|---|---|
| 1.1 | Publish the recycling strategy | Ann Lee | March 2025 | {status} |
| 1.2 | Review the bulky waste service | Bob Kay / Cara Ng | {date} | Amber |
"""


def _run(src: Path, out: Path, run_id: str) -> None:
    docs = [extract_file(p, src) for p in sorted(src.iterdir())]
    started = dt.datetime.now(dt.timezone.utc)
    summary = RunSummary(input_dir=str(src), out_dir=str(out), documents=len(docs), by_status={"ok": len(docs)},
                         actions=sum(len(d.actions) for d in docs), recommendations=0, warnings=0, rows={})
    runs = runs_table(out, summary, run_id=run_id, flow_run_id=None, started=started, ended=started, from_cache=0,
                      extractor_version="test")
    write_datasets(docs, out, {"runs": runs}, run=RunInfo(run_id, started, [src]))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two runs through the real writers: the samples' plan and matrix, and a small plan whose
    status and date change in between (so changes.parquet has rows)."""
    tmp = tmp_path_factory.mktemp("frames")
    src, out = tmp / "in", tmp / "out"
    src.mkdir()
    for name in ("cfs-directorate-plan-2003.md", "childrens-services-action-matrix.md"):
        shutil.copy(SAMPLES / name, src / name)
    (src / "waste.md").write_text(PLAN.format(status="Green", date="June 2025"), encoding="utf-8")
    _run(src, out, "a" * 32)
    (src / "waste.md").write_text(PLAN.format(status="Complete", date="July 2025"), encoding="utf-8")
    _run(src, out, "b" * 32)
    return out


def test_every_dataset_round_trips_with_the_documented_dtypes(out: Path) -> None:
    ds = extract.open_datasets(out)
    names = {p.stem for p in out.glob("*.parquet")}
    assert set(ds) == names >= {"documents", "actions", "milestones", "recommendations", "code_refs", "owners",
                                "warnings", "runs", "changes"}
    for name in names:
        table = pq.read_table(out / f"{name}.parquet")
        df = ds[name]
        # links and coverage need an inspection report in the folder; every other dataset has rows here.
        assert len(df) == table.num_rows and (table.num_rows > 0 or name in ("links", "coverage")), name
        for field in table.schema:
            assert str(df[field.name].dtype) == pandas_dtype(name, field), (name, field.name)
        assert to_table(name, df, table.schema).equals(table), name


def test_values_arrive_as_an_analyst_needs_them(out: Path) -> None:
    ds = extract.open_datasets(out)
    a = ds.actions
    row = a[a.action_ref == "1.03"].iloc[0]
    assert row.owners == ["Janette Karklins", "Mandy Miller", "Peter Chivers"] and isinstance(row.owners, list)
    assert str(a.status.dtype) == "category" and list(a.status.cat.categories) == ["red", "amber", "green", "blue"]
    waste = a[a.title == "Review the bulky waste service"].iloc[0]
    assert waste.status == "amber" and waste.due_date == pd.Timestamp("2025-07-31") and bool(waste.complete) is False
    assert str(a.due_date.dtype) == "datetime64[ms]" and str(a.page_start.dtype) == "Int32"
    m = ds.milestones
    assert list(m.precision.cat.categories) == CATEGORIES[("milestones", "precision")]
    assert str(ds.documents.doc_type.dtype) == "category" and str(ds.runs.started.dtype) == "datetime64[us, UTC]"
    c = ds.changes
    # "Green" → "Complete" is green both times (no status change); the date moved a month.
    assert list(zip(c.change.astype(str), c.action_ref, c.before, c.after, c.days_slipped)) == [
        ("due_moved", "1.2", "2025-06-30", "2025-07-31", 31)]
    done = a[a.title == "Publish the recycling strategy"].iloc[0]
    assert done.status == "green" and bool(done.complete) is True


def test_a_folder_of_another_schema_version_gives_one_clear_error(out: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(out, old)
    table = pq.read_table(old / "actions.parquet")
    pq.write_table(table.replace_schema_metadata({b"schema_version": b"1.0.0"}), old / "actions.parquet")
    with pytest.raises(SchemaMismatch) as err:
        extract.open_datasets(old)
    message = str(err.value)
    assert "schema_version 1.0.0 (actions)" in message and f"reads {SCHEMA_VERSION}" in message
    assert f"plan-extract run INPUT_DIR --out {old}" in message


def test_a_folder_without_datasets_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(extract.ExtractError, match="give the --out folder of a plan-extract run"):
        extract.open_datasets(tmp_path)
