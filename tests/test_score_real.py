"""Self-test of tests/realplans/score_real.py on a tiny hand-made run and gold folder."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

SCORER = Path(__file__).parent / "realplans" / "score_real.py"


def _load():
    spec = importlib.util.spec_from_file_location("score_real", SCORER)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


score_real = _load()
LIST = pa.list_(pa.string())


def _gold_action(ref, title, owners=(), partners=(), due=(), optional=(), status=None):
    return {"ref": ref, "theme": None, "title": title, "owners": list(owners),
            "partners": list(partners), "due_months": list(due), "optional_months": list(optional),
            "timescale_raw": [], "codes": [], "status": status, "status_raw": None,
            "has_progress": False, "page": 1}


@pytest.fixture()
def run(tmp_path: Path):
    out, gold = tmp_path / "out", tmp_path / "gold"
    out.mkdir()
    gold.mkdir()
    pq.write_table(pa.table({
        "document_id": ["A", "B", "C"],
        "file_name": ["plan_a.pdf", "plan_b.docx", "insp_c.pdf"],
        "doc_type": ["action_plan", "other", "recommendation_matrix"],
    }), out / "documents.parquet")
    pq.write_table(pa.table({
        "document_id": ["A", "A", "B", "B"],
        "action_ref": ["1", " 2.", "A1", "A2"],
        "title": ["Publish the energy use of government headquarters in real time",
                  "Something else entirely different here",
                  "Departments will develop internal processes to identify unpublished datasets "
                  "when they are created",
                  "Completely unrelated row about parking fees"],
        "steps": pa.array([[], [], [], []], LIST),
        "owners": pa.array([["hm treasury"], [], [], []], LIST),
        "partners": pa.array([[], ["Involve"], [], []], LIST),
        "codes": pa.array([[], [], [], []], LIST),
        "status": [None, None, "Green", None],
    }), out / "actions.parquet")
    pq.write_table(pa.table({
        "document_id": ["A", "A", "A", "C"],
        "parent_kind": ["action", "action", "action", "recommendation"],
        "parent_ref": ["1", "1", " 2.", "R001"],
        "date_end": pa.array([dt.date(2014, 3, 31), dt.date(2013, 9, 30), dt.date(2014, 4, 30),
                              dt.date(2005, 3, 31)], pa.date32()),
    }), out / "milestones.parquet")
    pq.write_table(pa.table({
        "document_id": ["C", "C"],
        "rec_id": ["R001", "R002"],
        "text": ["The council should improve the quality of assessments for children in need.",
                 "Something about libraries opening hours"],
        "codes": pa.array([[], []], LIST),
    }), out / "recommendations.parquet")

    golds = [
        {"stem": "plan_a", "folder": "plans", "doc_type": "action_plan", "actions": [
            _gold_action("1", "Publish the energy use of government headquarters in real-time",
                         owners=["HM Treasury"], due=["2014-03"], optional=["2013-09"]),
            _gold_action("2", "Names, grades and pay rates of senior civil servants to be published",
                         owners=["CO", "BIS"], partners=["Involve", "The Democratic Society"],
                         due=["2014-04", "2014-09"]),
            _gold_action("3", "Crime data to be published at street level", owners=["Home Office"]),
        ], "recommendations": []},
        {"stem": "plan_b", "folder": "plans", "doc_type": "action_plan", "actions": [
            _gold_action(None, "Departments will develop internal processes to identify unpublished "
                               "datasets", due=["2014-03"], status="green"),
            _gold_action(None, "Cabinet Office will disseminate best practice on open data"),
        ], "recommendations": []},
        {"stem": "insp_c", "folder": "inspections", "doc_type": "recommendation_matrix",
         "actions": [], "recommendations": [
             {"label": "1", "text": "The council should improve the quality of assessments for "
                                    "children in need", "group": None, "addressee": None,
              "due_month": "2005-03", "page": 2},
             {"label": "2", "text": "Ensure that all looked after children have an allocated social "
                                    "worker", "group": None, "addressee": None, "due_month": None,
              "page": 2},
         ]},
    ]
    for g in golds:
        (gold / f"{g['stem']}.gold.json").write_text(json.dumps(g))
    return out, gold


def test_plans_scores(run):
    out, gold = run
    result = score_real.score(out, gold, folder="plans")
    assert set(result["documents"]) == {"plan_a", "plan_b"}

    a = result["documents"]["plan_a"]["actions"]
    assert (a["gold"], a["found"], a["matched"]) == (3, 2, 2)
    assert a["rows"] == pytest.approx(0.8)
    assert a["title"] == pytest.approx(0.5)
    assert a["owners"] == pytest.approx(0.5)
    assert a["partners"] == pytest.approx((1 + 2 / 3) / 2)
    assert a["dates"] == pytest.approx((1 + 2 / 3) / 2)      # 2013-09 is optional, 2014-09 missed
    assert a["codes"] == pytest.approx(1.0)
    assert a["status"] is None
    assert a["missed"] == ["3"]
    assert result["documents"]["plan_a"]["type"] == 1.0

    b = result["documents"]["plan_b"]["actions"]
    assert (b["gold"], b["found"], b["matched"]) == (2, 2, 1)
    assert b["rows"] == pytest.approx(0.5)
    assert b["title"] == pytest.approx(1.0)
    assert b["owners"] == pytest.approx(1.0)
    assert b["dates"] == pytest.approx(0.0)
    assert b["status"] == pytest.approx(1.0)
    assert result["documents"]["plan_b"]["type"] == 0.0

    total = result["all"]["actions"]
    assert (total["gold"], total["found"], total["matched"]) == (5, 4, 3)
    assert total["rows"] == pytest.approx(2 / 3)
    assert total["owners"] == pytest.approx(2 / 3)
    assert total["title"] == pytest.approx(2 / 3)
    assert total["status"] == pytest.approx(1.0)
    assert result["all"]["type"] == pytest.approx(0.5)
    assert result["missing_from_run"] == []


def test_inspection_scores(run):
    out, gold = run
    result = score_real.score(out, gold, folder="inspections")
    assert list(result["documents"]) == ["insp_c"]
    r = result["documents"]["insp_c"]["recs"]
    assert (r["gold"], r["found"], r["matched"]) == (2, 2, 1)
    assert r["rows"] == pytest.approx(0.5)
    assert r["due"] == pytest.approx(1.0)
    assert result["documents"]["insp_c"]["type"] == 1.0
    assert "recs" in score_real.format_table(result)


def test_missing_document_and_no_partners_column(run, tmp_path: Path):
    out, gold = run
    (gold / "absent.gold.json").write_text(json.dumps(
        {"stem": "absent", "folder": "plans", "doc_type": "action_plan",
         "actions": [_gold_action("1", "Some action")], "recommendations": []}))
    actions = pq.read_table(out / "actions.parquet").drop(["partners"])
    pq.write_table(actions, out / "actions.parquet")
    result = score_real.score(out, gold, folder="plans")
    assert result["missing_from_run"] == ["absent"]
    assert result["documents"]["absent"]["actions"]["rows"] == 0.0
    assert result["documents"]["plan_a"]["actions"]["partners"] is None
    assert result["all"]["actions"]["gold"] == 6


def test_difflib_fallback_matches_rapidfuzz(monkeypatch):
    a, b = "The UK government will:", "The UK government will promptly publish all new legislation"
    assert score_real.similarity(a, b) == pytest.approx(100.0)
    assert score_real.similarity("The", b) < 85
    monkeypatch.setattr(score_real, "_fuzz", None)
    assert score_real.similarity(a, b) == pytest.approx(100.0)
    assert score_real.similarity("Crime data to be published", "Organograms for departments") < 85


def test_cli_exits_zero(run, tmp_path: Path):
    out, gold = run
    done = subprocess.run([sys.executable, str(SCORER), str(out), str(gold), "--folder", "plans",
                           "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["all"]["actions"]["rows"] == pytest.approx(2 / 3)
    done = subprocess.run([sys.executable, str(SCORER), str(out), str(gold)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "ALL (micro)" in done.stdout
    done = subprocess.run([sys.executable, str(SCORER), str(tmp_path / "nowhere"), str(gold)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
