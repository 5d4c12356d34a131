"""What changed since the last run: a plan re-issued under a new file name, with one status, one
due date, one added and one removed action, gives exactly those rows in changes.parquet; an
unchanged rerun gives none. Actions keep their action_key across the re-issue."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.outputs.changes import compare
from extract.outputs.snapshots import load_snapshot, run_folders

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

PLAN = """# Harbourside Waste and Recycling Action Plan

Harbourside Borough Council

Plan period: April 2024 – March 2026

| Ref | Action | Lead Officer | Target date | Status |
|---|---|---|---|---|
{rows}
"""
V1 = [
    "| 1.1 | Publish the recycling strategy | Ann Lee | March 2025 | Complete |",
    "| 1.2 | Review the bulky waste service | Bob Kay | June 2025 | Amber |",
    "| 1.3 | Train the enforcement officers | Cara Ng | September 2025 | Red |",
    "| 1.4 | Consult residents on collection days | Ann Lee | December 2025 | Amber |",
    "| 1.5 | Replace the street bins in the town centre | Dev Patel | March 2099 | Green |",
]
# The re-issue: rows in another order, 1.2 turned red, 1.3 moved to December, 1.4 dropped, 1.6 new.
V2 = [
    "| 1.5 | Replace the street bins in the town centre | Dev Patel | March 2099 | Green |",
    "| 1.1 | Publish the recycling strategy | Ann Lee | March 2025 | Complete |",
    "| 1.3 | Train the enforcement officers | Cara Ng | December 2025 | Red |",
    "| 1.2 | Review the bulky waste service | Bob Kay | June 2025 | Red |",
    "| 1.6 | Open a reuse shop at the recycling centre | Bob Kay | June 2098 | Green |",
]


def _plan(rows: list[str]) -> str:
    return PLAN.format(rows="\n".join(rows))


def _keys(out: Path) -> dict[tuple[str, str], str]:
    docs = {r["document_id"]: r["source_path"] for r in pq.read_table(out / "documents.parquet").to_pylist()}
    return {(docs[r["document_id"]], r["action_ref"]): r["action_key"] for r in pq.read_table(out / "actions.parquet").to_pylist()}


@pytest.fixture(scope="module")
def reissued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Three real flow runs: the first issue, the re-issue, an unchanged rerun. The output folder
    after the re-issue is copied aside (``after_reissue``) before the rerun replaces it."""
    from extract.run.runner import run_folder

    tmp = tmp_path_factory.mktemp("reissue")
    src, out = tmp / "in", tmp / "out"
    src.mkdir()
    shutil.copy(SAMPLES / "cfs-directorate-plan-2003.md", src / "cfs-directorate-plan-2003.md")  # does not change
    (src / "harbourside-waste-plan.md").write_text(_plan(V1), encoding="utf-8")
    settings = {"cache_dir": str(tmp / "cache")}

    run_folder(src, out, progress=False, settings=settings)
    first = {"changes": pq.read_table(out / "changes.parquet").num_rows, "keys": _keys(out),
             "documents": pq.read_table(out / "documents.parquet").to_pylist()}

    (src / "harbourside-waste-plan.md").unlink()
    (src / "harbourside-waste-plan v2.md").write_text(_plan(V2), encoding="utf-8")
    run_folder(src, out, progress=False, settings=settings)
    after = tmp / "after-reissue"
    shutil.copytree(out, after)

    run_folder(src, out, progress=False, settings=settings)
    return {"first": first, "after_reissue": after, "out": out}


def test_first_run_has_nothing_to_compare(reissued: dict) -> None:
    assert reissued["first"]["changes"] == 0


def test_reissue_gives_exactly_its_changes(reissued: dict) -> None:
    changes = pq.read_table(reissued["after_reissue"] / "changes.parquet").to_pylist()
    got = [(c["change"], c["source_path"], c["action_ref"], c["before"], c["after"], c["days_slipped"]) for c in changes]
    new, old = "harbourside-waste-plan v2.md", "harbourside-waste-plan.md"
    assert got == [
        ("due_moved", new, "1.3", "2025-09-30", "2025-12-31", 92),
        ("status_changed", new, "1.2", "amber", "red", None),
        ("added", new, "1.6", None, None, None),
        ("removed", old, "1.4", None, None, None),
    ]
    moved = changes[0]
    assert (moved["due_before"], moved["due_after"]) == (dt.date(2025, 9, 30), dt.date(2025, 12, 31))
    assert changes[2]["due_after"] == dt.date(2098, 6, 30) and changes[3]["due_before"] == dt.date(2025, 12, 31)
    runs = pq.read_table(reissued["after_reissue"] / "runs.parquet").column("run_id").to_pylist()
    assert {c["run_id"] for c in changes} == {runs[-1]} and {c["since_run_id"] for c in changes} == {runs[-2]}


def test_actions_and_plan_keep_their_keys_across_the_reissue(reissued: dict) -> None:
    before, after = reissued["first"]["keys"], _keys(reissued["after_reissue"])
    for ref in ("1.1", "1.2", "1.3", "1.5"):
        assert after[("harbourside-waste-plan v2.md", ref)] == before[("harbourside-waste-plan.md", ref)]
    assert after[("harbourside-waste-plan v2.md", "1.6")] not in before.values()
    unchanged = {k: v for k, v in before.items() if k[0] == "cfs-directorate-plan-2003.md"}
    assert len(unchanged) == 59 and all(after[k] == v for k, v in unchanged.items())
    docs = {d["source_path"]: d for d in pq.read_table(reissued["after_reissue"] / "documents.parquet").to_pylist()}
    first = {d["source_path"]: d for d in reissued["first"]["documents"]}
    assert docs["harbourside-waste-plan v2.md"]["document_key"] == first["harbourside-waste-plan.md"]["document_key"]
    assert docs["harbourside-waste-plan v2.md"]["document_id"] != first["harbourside-waste-plan.md"]["document_id"]
    assert docs["harbourside-waste-plan v2.md"]["issuer"] == "Harbourside Borough Council"


def test_due_dates_and_completion_are_written_on_actions(reissued: dict) -> None:
    out = reissued["out"]
    plan = next(d["document_id"] for d in pq.read_table(out / "documents.parquet").to_pylist()
                if d["source_path"] == "harbourside-waste-plan v2.md")
    rows = {r["action_ref"]: (r["due_date"], r["complete"]) for r in pq.read_table(out / "actions.parquet").to_pylist()
            if r["document_id"] == plan}
    assert rows == {"1.5": (dt.date(2099, 3, 31), False), "1.1": (dt.date(2025, 3, 31), True),
                    "1.3": (dt.date(2025, 12, 31), False), "1.2": (dt.date(2025, 6, 30), False),
                    "1.6": (dt.date(2098, 6, 30), False)}


def test_unchanged_rerun_gives_no_changes(reissued: dict) -> None:
    assert pq.read_table(reissued["out"] / "changes.parquet").num_rows == 0
    assert len(run_folders(reissued["out"])) == 3


def test_actions_become_overdue_when_their_date_passes(reissued: dict) -> None:
    """The same snapshot compared with itself as if the run were in April 2099: the two actions
    due in 2098–99 and not complete became overdue; 1.1 (Complete, due 2025) never is."""
    snap = load_snapshot(run_folders(reissued["out"])[-1])
    later = dataclasses.replace(snap, run_id="later", started=dt.datetime(2099, 4, 2, tzinfo=dt.timezone.utc))
    assert [(r["change"], r["action_ref"], r["due_after"]) for r in compare(snap, later)] == [
        ("became_overdue", "1.5", dt.date(2099, 3, 31)), ("became_overdue", "1.6", dt.date(2098, 6, 30))]


def test_changes_command_since_a_run_or_a_date(reissued: dict) -> None:
    out = reissued["out"]
    runs = pq.read_table(out / "runs.parquet").column("run_id").to_pylist()
    result = CliRunner().invoke(app, ["changes", str(out), "--since", runs[0][:8], "--csv", str(out.parent / "c.csv")])
    assert result.exit_code == 0, result.output
    assert "1 added · 1 removed · 1 status changed · 1 due moved" in result.output
    assert len((out.parent / "c.csv").read_text(encoding="utf-8").splitlines()) == 5
    result = CliRunner().invoke(app, ["changes", str(out)])
    assert result.exit_code == 0 and "No changes." in result.output
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()  # the last run before tomorrow: the latest
    result = CliRunner().invoke(app, ["changes", str(out), "--since", tomorrow])
    assert result.exit_code == 0 and "No changes." in result.output
    result = CliRunner().invoke(app, ["changes", str(out), "--since", "2000-01-01"])
    assert result.exit_code == 2 and "no run before 2000-01-01" in result.output


def test_report_shows_the_changes(reissued: dict) -> None:
    html = (reissued["after_reissue"] / "report.html").read_text(encoding="utf-8")
    changes = html.split("<section id=changes>")[1].split("</section>")[0]
    for chip in ("1 added", "1 removed", "1 status changed", "1 due date moved"):
        assert chip in changes
    assert "amber → red" in changes and "2025-09-30 → 2025-12-31 (+92 days)" in changes


def test_the_flow_artifact_summarises_the_changes(reissued: dict) -> None:
    from extract.outputs.changes import markdown, read_changes

    text = markdown(read_changes(reissued["after_reissue"]))
    assert "**1** added · **1** removed · **1** status changed · **1** due moved" in text
    assert "- harbourside-waste-plan v2.md · 1.2 Review the bulky waste service — status changed: amber → red" in text
    assert "2025-09-30 → 2025-12-31 (+92 days)" in text
    assert "None" in markdown(read_changes(reissued["out"]))
