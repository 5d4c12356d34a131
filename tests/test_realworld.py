"""Every real-world file (written by others: tables, scans, encrypted and broken files) ends as a
documents row with the status and reason it should get; none crashes the run.

The files are read where they live, in the shared folder (``../shared/realworld``); what each one
must give is the project's own, in ``tests/realworld/EXPECTED.csv``."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from extract.run.runner import run_folder
from shared_files import REALWORLD, needs

pytestmark = needs(REALWORLD)

EXPECTED = Path(__file__).parent / "realworld" / "EXPECTED.csv"

# Real plans and inspection reports, each with its own tests and gold (other work): not in
# EXPECTED.csv and not part of this run.
ELSEWHERE = {"plans", "inspections"}

# The one real action plan in the set (MANIFEST.csv: "ruled action-plan table spanning landscape
# pages 26-30"); its actions are checked value by value in test_reader_pdf.
PLANS = {"pdf/chelsea-active-transport-plan-fr.pdf"}


def _documents() -> list[str]:
    """Every file of the corpus this test accounts for, as a path relative to REALWORLD."""
    return sorted(p.relative_to(REALWORLD).as_posix() for p in REALWORLD.rglob("*")
                  if p.is_file() and p.parent != REALWORLD and p.relative_to(REALWORLD).parts[0] not in ELSEWHERE)


def _expected() -> dict[str, tuple[str, str]]:
    with open(EXPECTED, newline="", encoding="utf-8") as fh:
        return {r["file"]: (r["status"], r["reason"]) for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def realworld_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One flow run over the corpus's files (a scratch copy: the shared folder also holds the
    plans and inspections, which are not this run's, and is never written to)."""
    tmp = tmp_path_factory.mktemp("realworld")
    for name in _documents():
        (tmp / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REALWORLD / name, tmp / "in" / name)
    out = tmp / "out"
    run_folder(tmp / "in", out, progress=False, settings={"cache": False})
    return out


def test_expected_lists_every_file_of_the_shared_corpus() -> None:
    layout = {p.name for p in REALWORLD.iterdir() if p.is_dir()}
    assert {"docx", "pdf", "other"} <= layout, f"{REALWORLD}: {sorted(layout)}"
    assert (REALWORLD / "MANIFEST.csv").is_file()
    documents, expected = set(_documents()), set(_expected())
    assert not documents - expected, f"in {REALWORLD} but not in EXPECTED.csv: {sorted(documents - expected)}"
    assert not expected - documents, f"in EXPECTED.csv but not in {REALWORLD}: {sorted(expected - documents)}"
    with open(REALWORLD / "MANIFEST.csv", newline="", encoding="utf-8") as fh:
        described = {r["file"] for r in csv.DictReader(fh)}
    assert expected <= described, f"files without a MANIFEST.csv row: {sorted(expected - described)}"


def test_every_file_is_accounted_for_with_its_status_and_reason(realworld_run: Path) -> None:
    rows = {r[0]: r[1:] for r in duckdb.sql(
        f"select source_path, status, error, doc_type, n_actions from '{realworld_run}/documents.parquet'").fetchall()}
    expected = _expected()
    assert set(rows) == set(expected), "one documents row per file, no more"
    for name, (status, reason) in expected.items():
        got_status, got_error, doc_type, n_actions = rows[name]
        assert got_status == status, f"{name}: {got_status} ({got_error})"
        if reason:
            assert reason in (got_error or ""), f"{name}: {got_error}"
        if status in ("failed", "skipped"):
            assert got_error and "\n" not in got_error and len(got_error) < 200
        if name in PLANS:
            assert doc_type == "action_plan" and n_actions >= 30, f"{name}: {doc_type}, {n_actions} actions"
        else:
            # None of the others is a plan: no actions may be invented from their tables.
            assert n_actions == 0, f"{name}: {n_actions} actions from a document that is not a plan"
