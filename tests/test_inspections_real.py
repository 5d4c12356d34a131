"""The real Ofsted reports in ../shared/realworld/inspections (written by others, never copied here)
through the real flow: each is an inspection_report and yields exactly the recommendations of its
hand-written gold (tests/realplans/<stem>.gold.json), with code, label, group, addressee, due date
and page, and nothing from its narrative (contents entries, numbered findings, "(Recommendation)"
tags, bullets outside the recommendation sections)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]
INSPECTIONS = ROOT.parent / "shared" / "realworld" / "inspections"
GOLD = Path(__file__).parent / "realplans"


def _golds() -> dict[str, dict]:
    golds = {}
    for path in sorted(GOLD.glob("*.gold.json")):
        g = json.loads(path.read_text(encoding="utf-8"))
        if g.get("folder") == "inspections":
            golds[g["stem"]] = g
    return golds


def _norm(text: object) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split())


@pytest.fixture(scope="module")
def inspections_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not INSPECTIONS.is_dir():
        pytest.skip(f"the real inspection reports are not here: {INSPECTIONS} (a checkout beside ../shared has them)")
    from extract.run.runner import run_folder

    out = tmp_path_factory.mktemp("inspections") / "out"
    run_folder(INSPECTIONS, out, progress=False, settings={"cache": False})
    return out


def _rows(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def test_every_report_has_gold() -> None:
    if not INSPECTIONS.is_dir():
        pytest.skip(f"the real inspection reports are not here: {INSPECTIONS}")
    assert {p.stem for p in INSPECTIONS.glob("*.pdf")} == set(_golds())


@pytest.mark.parametrize("stem", sorted(_golds()))
def test_real_report(inspections_run: Path, stem: str) -> None:
    g = _golds()[stem]
    doc = next(d for d in _rows(inspections_run, "documents") if d["file_name"] == f"{stem}.pdf")
    assert (doc["status"], doc["doc_type"], doc["n_actions"]) == ("ok", "inspection_report", 0)
    got = {k: doc[k].isoformat() if hasattr(doc[k], "isoformat") else doc[k]
           for k in ("inspectorate", "setting", "inspection_start", "inspection_end", "published", "judgement")}
    got["family"] = doc["report_family"]
    assert got == g["report"]
    recs = [r for r in _rows(inspections_run, "recommendations") if r["document_id"] == doc["document_id"]]
    miles = [m for m in _rows(inspections_run, "milestones") if m["document_id"] == doc["document_id"]]
    assert [r["codes"] for r in recs] == [[r["code"]] for r in g["recommendations"]]
    for row, want in zip(recs, g["recommendations"]):
        where = f"{stem} {want['code']}"
        assert _norm(row["text"]) == _norm(want["text"]), where
        assert (row["source"], row["label"], row["group"], row["addressee"]) == (
            "report", want["label"], want["group"], want["addressee"]), where
        pages = [p["page"] for s in json.loads(row["provenance"]) for p in s["prov"] if p.get("page")]
        assert min(pages) == want["page"], where
        due = [m for m in miles if m["parent_kind"] == "recommendation" and m["parent_ref"] == row["rec_id"]]
        assert {m["date_end"].strftime("%Y-%m") for m in due if m["date_end"]} == (
            {want["due_month"]} if want["due_month"] else set()), where
        assert all(m["precision"] == "relative_to_report" for m in due), where


def test_nothing_else_from_the_folder(inspections_run: Path) -> None:
    """The reports give no actions and no other recommendations; the manifest beside them is not a plan."""
    docs = _rows(inspections_run, "documents")
    assert not _rows(inspections_run, "actions")
    counts = {d["file_name"]: d["n_recommendations"] for d in docs}
    assert counts == {**{f"{stem}.pdf": len(g["recommendations"]) for stem, g in _golds().items()}, "MANIFEST.csv": 0}
