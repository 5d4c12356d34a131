"""document_key and action_key: the same plan and the same action across runs, re-issues and
formats. Real files through the real extractor and writers (no Prefect: the keys are the
writers' business)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from extract.outputs.snapshots import RunInfo
from extract.outputs.writers import write_datasets
from extract.run.pipeline import extract_file

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

NO_REFS = """# Greyford Parks Improvement Plan

Greyford Town Council

Plan period: 2024-2026

| Action | Lead Officer | Target date | Status |
|---|---|---|---|
{rows}
"""
ROWS = {
    "play": "| {play} | Ann Lee | March 2025 | Green |",
    "trees": "| Plant trees along the river walk | Bob Kay | June 2025 | Amber |",
    "roof": "| Repair the bandstand roof | Cara Ng | September 2025 | Red |",
}


def _write(src: Path, out: Path) -> dict[str, list[dict]]:
    docs = [extract_file(p, src) for p in sorted(src.iterdir())]
    write_datasets(docs, out, run=RunInfo(f"run-{dt.datetime.now().timestamp()}", dt.datetime.now(dt.timezone.utc), [src]))
    return {name: pq.read_table(out / f"{name}.parquet").to_pylist() for name in ("documents", "actions", "changes")}


def _no_refs(order: list[str], play: str) -> str:
    return NO_REFS.format(rows="\n".join(ROWS[k].format(play=play) for k in order))


def test_actions_without_references_keep_their_keys_across_a_reissue_with_a_typo_fixed(tmp_path: Path) -> None:
    """No reference column (actions #1, #2, #3 by place): keyed by title. The re-issue renames the
    file, re-orders the rows and fixes 'Reveiw': every action keeps its key, and the one change is
    the corrected title."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "parks-plan.md").write_text(_no_refs(["play", "trees", "roof"], "Reveiw the play area inspections"), encoding="utf-8")
    first = _write(src, out)
    (src / "parks-plan.md").unlink()
    (src / "parks-plan (final).md").write_text(_no_refs(["roof", "play", "trees"], "Review the play area inspections"),
                                               encoding="utf-8")
    second = _write(src, out)

    def keys(run: dict) -> dict[str, str]:
        return {a["title"].replace("Reveiw", "Review"): a["action_key"] for a in run["actions"]}

    assert [a["action_ref"] for a in second["actions"]] == ["#1", "#2", "#3"]
    assert keys(second) == keys(first) and len(set(keys(first).values())) == 3
    assert second["documents"][0]["document_key"] == first["documents"][0]["document_key"]
    assert [(c["change"], c["field"], c["before"], c["after"]) for c in second["changes"]] == [
        ("text_changed", "title", "Reveiw the play area inspections", "Review the play area inspections")]


def test_a_typo_fixed_in_the_plan_title_keeps_the_plan(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    plan = src / "parks.md"
    plan.write_text(_no_refs(["play", "trees"], "Inspect the play areas").replace("Parks", "Prks"), encoding="utf-8")
    first = _write(src, out)
    plan.write_text(_no_refs(["play", "trees"], "Inspect the play areas"), encoding="utf-8")
    second = _write(src, out)
    assert first["documents"][0]["title"] == "Greyford Prks Improvement Plan"
    assert second["documents"][0]["document_key"] == first["documents"][0]["document_key"]
    assert [a["action_key"] for a in second["actions"]] == [a["action_key"] for a in first["actions"]]
    assert second["changes"] == []


def test_the_same_plan_in_three_formats_is_three_documents_with_stable_keys(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for suffix in ("md", "docx", "pdf"):
        shutil.copy(SAMPLES / f"cfs-directorate-plan-2003.{suffix}", src / f"cfs-directorate-plan-2003.{suffix}")
    first = _write(src, out)
    second = _write(src, out)
    keys = {d["source_path"]: d["document_key"] for d in first["documents"]}
    assert len(set(keys.values())) == 3
    assert {d["source_path"]: d["document_key"] for d in second["documents"]} == keys
    assert len({a["action_key"] for a in first["actions"]}) == len(first["actions"]) == 3 * 59
    assert [a["action_key"] for a in second["actions"]] == [a["action_key"] for a in first["actions"]]
    assert second["changes"] == []


def test_an_old_copy_beside_the_new_issue_does_not_take_its_keys(tmp_path: Path) -> None:
    """The plan, then its new issue put beside the old one: the file that was there keeps the
    plan's keys; the newcomer is a separate document."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "parks.md").write_text(_no_refs(["play", "trees"], "Inspect the play areas"), encoding="utf-8")
    first = _write(src, out)
    (src / "parks v2.md").write_text(_no_refs(["play", "trees", "roof"], "Inspect the play areas"), encoding="utf-8")
    second = _write(src, out)
    keys = {d["source_path"]: d["document_key"] for d in second["documents"]}
    assert keys["parks.md"] == first["documents"][0]["document_key"] != keys["parks v2.md"]
    assert sorted(c["change"] for c in second["changes"]) == ["added", "added", "added"]
