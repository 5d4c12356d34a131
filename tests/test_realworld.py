"""Every real-world file (written by others: tables, scans, encrypted and broken files) ends as a
documents row with the status and reason it should get; none crashes the run."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from extract.run.runner import run_folder

REALWORLD = Path(__file__).parent / "data" / "realworld"


@pytest.fixture(scope="module")
def realworld_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("realworld") / "out"
    run_folder(REALWORLD, out, progress=False, settings={"cache": False})
    return out


# The one real action plan in the set (MANIFEST.csv: "ruled action-plan table spanning landscape
# pages 26-30"); its actions are checked value by value in test_reader_pdf.
PLANS = {"pdf/chelsea-active-transport-plan-fr.pdf"}


def _expected() -> dict[str, tuple[str, str]]:
    with open(REALWORLD / "EXPECTED.csv", newline="", encoding="utf-8") as fh:
        return {r["file"]: (r["status"], r["reason"]) for r in csv.DictReader(fh)}


def test_every_file_is_accounted_for_with_its_status_and_reason(realworld_run: Path) -> None:
    rows = {r[0]: r[1:] for r in duckdb.sql(
        f"select source_path, status, error, doc_type, n_actions from '{realworld_run}/documents.parquet'").fetchall()}
    expected = _expected()
    documents = {p.relative_to(REALWORLD).as_posix() for p in REALWORLD.rglob("*")
                 if p.is_file() and p.name not in ("MANIFEST.csv", "EXPECTED.csv")}
    assert set(expected) == documents, "EXPECTED.csv lists every real-world document"
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
