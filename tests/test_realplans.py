"""Real plans written by others (../shared/realworld/plans: UK government, a county council, two
US cities, each laid out differently) through the real flow, scored against the hand-written gold
in tests/realplans/, and checked value by value where a layout family has its own rule."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest

from extract.run.runner import run_folder
from shared_files import REALWORLD, needs

PLANS = REALWORLD / "plans"
GOLD = Path(__file__).parent / "realplans"

pytestmark = needs(PLANS)


def _scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score_real", GOLD / "score_real.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def plans_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("realplans") / "out"
    run_folder(PLANS, out, progress=False, settings={"cache": False})
    return out


@pytest.fixture(scope="module")
def scores(plans_run: Path) -> dict:
    return _scorer().score(plans_run, GOLD, "plans")


def test_every_real_plan_is_an_action_plan_with_its_printed_rows(scores: dict) -> None:
    assert not scores["missing_from_run"]
    assert len(scores["documents"]) == 7
    for stem, doc in scores["documents"].items():
        acts = doc["actions"]
        assert doc["doc_type_found"] == "action_plan", stem
        # At least 95 % of the printed action rows, and hardly anything that is not one.
        assert acts["matched"] >= 0.95 * acts["gold"], f"{stem}: {acts['matched']} of {acts['gold']} rows"
        assert acts["rows"] >= 0.97, f"{stem}: rows F1 {acts['rows']:.3f}"
        assert acts["title"] >= 0.95, f"{stem}: titles {acts['title']:.3f}"


def test_fields_across_the_real_plans(scores: dict) -> None:
    total = scores["all"]["actions"]
    assert total["rows"] >= 0.99
    assert total["owners"] >= 0.98
    assert total["partners"] >= 0.98
    assert total["dates"] >= 0.98
    assert total["codes"] >= 0.98


def _actions(out: Path, stem: str) -> list[tuple]:
    return duckdb.sql(
        f"select a.action_ref, a.printed_ref, a.theme_ref, a.theme, a.title, a.owners, a.partners, a.progress, "
        f"a.codes, a.status, a.layout from '{out}/actions.parquet' a join '{out}/documents.parquet' d using (document_id) "
        f"where d.file_name = '{stem}.pdf' order by a.page_start, a.row_start").fetchall()


def test_grouped_numbered_list_gets_path_refs_and_keeps_the_printed_number(plans_run: Path) -> None:
    rows = _actions(plans_run, "us_fayetteville_nc_sustainability_master_plan_2009")
    refs = [r[0] for r in rows]
    assert len(refs) == len(set(refs)) == 130
    first = rows[0]
    assert first[0] == "1.a/current-efforts/1" and first[1] == "1"
    assert first[2] == "1.a" and first[3] == "Air Quality & Climate Protection"
    assert first[4].startswith("Continue to work with Sustainable Sandhills")
    # Department and Status are blank throughout: nothing may be borrowed from a neighbour.
    assert all(r[5] == [] and r[9] is None for r in rows)
    timescale = duckdb.sql(
        f"select m.date_raw, m.precision, m.date_end from '{plans_run}/milestones.parquet' m join '{plans_run}/documents.parquet' d "
        f"using (document_id) where d.file_name like 'us_fayetteville%' and m.parent_ref = '1.a/proposed-efforts/1'").fetchall()
    assert timescale == [("Short", "relative", None)]  # the plan never says when "Short" ends


def test_record_blocks_take_lead_and_partner_agencies_and_the_legend_dates(plans_run: Path) -> None:
    rows = _actions(plans_run, "us_norfolk_va_climate_action_plan_2019")
    assert all(r[10] == "record_block" for r in rows)
    pace = next(r for r in rows if r[4].startswith("PACE"))
    assert pace[5] == ["Municipal Government", "Financial Institutions"]
    assert pace[6] == ["Chamber of Commerce", "Advocacy Organizations"]
    assert pace[3].startswith("Renewable Energy Production")
    dated = duckdb.sql(
        f"select distinct m.date_raw, m.precision, m.date_end from '{plans_run}/milestones.parquet' m join "
        f"'{plans_run}/documents.parquet' d using (document_id) where d.file_name like 'us_norfolk%' "
        f"and m.date_raw in ('Short-term', 'Long-term') order by 1 desc").fetchall()
    # "Short-term – 2020; Medium-term – 2025; Long-term – Post 2030" is printed on the pages.
    assert [(raw, prec, str(end)) for raw, prec, end in dated] == [
        ("Short-term", "legend", "2020-12-31"), ("Long-term", "relative", "None")]


def test_response_matrix_rows_carry_the_response_as_progress(plans_run: Path) -> None:
    rows = _actions(plans_run, "uk_geo_women_and_economy_government_action_plan_2013")
    assert [r[0] for r in rows][:3] == ["G1.1", "G1.2", "G1.3"]
    assert all(r[7] for r in rows), "every row has its government response"
    assert rows[0][4].startswith("Support recommendation of National Careers Council")


def test_codes_from_a_shared_outcome_column_with_a_zero_typed_for_o(plans_run: Path) -> None:
    rows = _actions(plans_run, "uk_kent_cc_integrated_care_strategy_priorities_actions_2025")
    codes = {c for r in rows for c in r[8]}
    assert codes == {"SO1", "SO2", "SO3", "SO4", "SO5", "SO6"}
    warned = duckdb.sql(f"select message from '{plans_run}/warnings.parquet' where message like '%zero typed for the letter O%'").fetchall()
    assert warned, "reading S02 as SO2 is a guess, recorded as a warning"


def test_owners_split_between_bodies_not_inside_their_names(plans_run: Path) -> None:
    rows = _actions(plans_run, "uk_cabinet_office_ogp_national_action_plan_2013")
    owners = {o for r in rows for o in r[5]}
    assert "Department for Business, Innovation and Skills" in owners
    assert "Department for Communities and Local Government" in owners
    assert "NHS England" in owners and "NHS" not in owners


def test_role_and_unit_titles_are_one_owner(plans_run: Path) -> None:
    """'and'/'&' part two owners only where both sides name one on their own."""
    owners = {o for r in _actions(plans_run, "uk_kent_cc_integrated_care_strategy_priorities_actions_2025") for o in r[5]}
    for name in ("AD Integrated Commissioning", "Organisation Development & Staff Engagement",
                 "Commercial Ethics and Sustainability Lead", "Assistant Director ASC and Health"):
        assert name in owners
    assert not owners & {"AD", "Staff Engagement", "Commercial Ethics", "Health"}


def test_partners_are_bodies_not_clauses(plans_run: Path) -> None:
    rows = {r[0]: r[6] for r in _actions(plans_run, "uk_cabinet_office_ogp_national_action_plan_2013")}
    assert rows["6"][:2] == ["BOND Anti-Corruption Group", "Article 19"]
    assert "Transparency International UK" in rows["6"] and "UK" not in rows["6"]
    assert rows["13"] == []  # "Civil society organisations to be consulted in 2014"


def _due_months(out: Path, stem: str, ref: str) -> set[str]:
    return {str(d)[:7] for (d,) in duckdb.sql(
        f"select m.date_end from '{out}/milestones.parquet' m join '{out}/documents.parquet' d using (document_id) "
        f"where d.file_name = '{stem}.pdf' and m.parent_kind = 'action' and m.parent_ref = '{ref}'").fetchall()}


def test_promised_dates_in_a_response_text(plans_run: Path) -> None:
    stem = "uk_geo_women_and_economy_government_action_plan_2013"
    assert _due_months(plans_run, stem, "G2.4") == {"2014-05"}  # "make recommendations in the spring 2014"
    assert _due_months(plans_run, stem, "G2.9") == {"2013-11"}  # "working with ACAS to publish … in November 2013"
    assert _due_months(plans_run, stem, "G3.5") == {"2014-08"}  # "In Summer 2014 we will launch …"
