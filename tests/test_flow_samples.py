"""The real Prefect flow over the .md sample exports, scored against the hand-checked gold
(``../shared/gold``: the gold files and score.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from extract.outputs.records import ExtractedDocument
from shared_files import GOLD, gold_scorer, needs

DATASETS = ["documents", "actions", "milestones", "recommendations", "code_refs", "owners", "warnings"]


def per_document_headline(out: Path) -> dict[str, float]:
    score = gold_scorer()
    golds = {p.name[: -len(".gold.json")]: json.loads(p.read_text()) for p in GOLD.glob("*.gold.json")}
    tables = score.load(out)
    result = {}
    for _, doc in tables["documents"].iterrows():
        stem = Path(doc["file_name"]).stem
        if stem in golds:
            result[doc["file_name"]] = score.headline(score.score_document(golds[stem], doc, tables))
    return result


def q(out: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    for name in DATASETS:
        con.execute(f"create view {name} as select * from read_parquet('{out / (name + '.parquet')}')")
    return con.execute(sql).fetchall()


def test_every_contract_file_is_written(flow_run_md: Path) -> None:
    for name in DATASETS:
        table = pq.read_table(flow_run_md / f"{name}.parquet")
        assert table.schema.metadata[b"schema_version"]
    ids = {r[0] for r in q(flow_run_md, "select document_id from documents")}
    assert {p.stem for p in (flow_run_md / "json").glob("*.json")} == ids
    for path in (flow_run_md / "json").glob("*.json"):
        ExtractedDocument.model_validate_json(path.read_text())


@needs(GOLD)
def test_md_samples_score_at_least_097(flow_run_md: Path) -> None:
    scores = per_document_headline(flow_run_md)
    assert set(scores) == {"cfs-directorate-plan-2003.md", "childrens-services-action-matrix.md"}
    for name, value in scores.items():
        assert value >= 0.97, f"{name}: headline {value:.3f}"


@needs(GOLD)
@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_other_renderings_score_at_least_097_and_match_md(flow_runs, flow_run_md: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    scores = per_document_headline(flow_runs(suffix))
    md = per_document_headline(flow_run_md)
    assert len(scores) == 2
    for name, value in scores.items():
        assert value >= 0.97, f"{name}: headline {value:.3f}"
        assert value >= md[name.rsplit(".", 1)[0] + ".md"] - 1e-9, f"{name} scores below its .md twin"


def test_documents_rows(flow_run_md: Path) -> None:
    rows = q(flow_run_md, "select file_name, format, doc_type, status from documents order by 1")
    assert rows == [
        ("cfs-directorate-plan-2003.md", "text", "action_plan", "ok"),
        ("childrens-services-action-matrix.md", "text", "recommendation_matrix", "ok"),
    ]


def test_row_split_by_a_page_break_is_one_action(flow_run_md: Path) -> None:
    # "Janette Karklins/Mandy Miller/Peter" + continuation row "Chivers"
    [(owners, raw)] = q(flow_run_md, "select owners, owners_raw from actions where action_ref = '1.03'")
    assert owners == ["Janette Karklins", "Mandy Miller", "Peter Chivers"]
    assert "Peter Chivers" in raw


def test_refs_are_strings_not_numbers(flow_run_md: Path) -> None:
    refs = {r[0] for r in q(flow_run_md, "select action_ref from actions")}
    assert {"2.1", "2.10"} <= refs


def test_dates_follow_the_contract(flow_run_md: Path) -> None:
    rows = q(flow_run_md, "select date_raw, date_start, date_end, precision from milestones where parent_ref = '1.01'")
    assert ("Sept/Oct 2003", date(2003, 9, 1), date(2003, 10, 31), "range") in rows
    assert ("Spring 2004", date(2004, 3, 1), date(2004, 5, 31), "season") in rows


def test_codes_normalised(flow_run_md: Path) -> None:
    assert q(flow_run_md, "select codes from actions where action_ref = '1.03'") == [(["EDP-7e"],)]
    rows = q(flow_run_md, "select raw, code, family from code_refs where code like 'LEAOF-5%' order by code")
    assert {r[1] for r in rows} == {"LEAOF-5a", "LEAOF-5b"} and all(r[2] == "LEAOF" for r in rows)


def test_owner_aliases_merged_with_warnings(flow_run_md: Path) -> None:
    [(aliases, kind)] = q(flow_run_md, "select aliases, kind from owners where owner = 'Elizabeth Wylie'")
    assert "Liz Wylie" in aliases and kind == "person"
    assert q(flow_run_md, "select kind from owners where owner = 'DMT'") == [("group",)]
    messages = [r[0] for r in q(flow_run_md, "select message from warnings where code = 'W501'")]
    assert any("Liz Wylie" in m for m in messages)


def test_repeated_recommendation_is_one_row_with_all_sections(flow_run_md: Path) -> None:
    rows = q(flow_run_md, "select sections, codes from recommendations where len(sections) > 1")
    assert rows, "a recommendation printed under several headings must be one row"
    # A misspelt family is repaired from the document's legend, and the repair is a warning.
    assert not q(flow_run_md, "select 1 from code_refs where family = 'LEA/LSCOF'")
    assert q(flow_run_md, "select 1 from warnings where code = 'W101' and message like '%LEA/LSCOF%'")


def test_every_value_has_provenance(flow_run_md: Path) -> None:
    for (prov,) in q(flow_run_md, "select provenance from actions"):
        entries = json.loads(prov) if isinstance(prov, str) else prov
        assert entries and all(e["prov"][0]["file"] and e["prov"][0]["table"] is not None for e in entries)
