"""Exports: the Excel workbook and the DuckDB database hold exactly the datasets."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from openpyxl import load_workbook
from typer.testing import CliRunner

from extract.cli import app


def test_xlsx_and_duckdb_exports(flow_run_md: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "plans.xlsx"
    result = CliRunner().invoke(app, ["export", str(flow_run_md), "--to", "xlsx", "--dest", str(xlsx)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(xlsx, read_only=False)
    assert wb.sheetnames[:7] == ["documents", "actions", "milestones", "recommendations", "code_refs", "owners", "warnings"]
    actions = wb["actions"]
    assert actions.freeze_panes == "A2" and actions["A1"].font.bold
    header = [c.value for c in actions[1]]
    rows = {r[header.index("action_ref")]: r for r in actions.iter_rows(min_row=2, values_only=True)}
    assert rows["1.03"][header.index("owners")] == "Janette Karklins; Mandy Miller; Peter Chivers"
    assert actions.max_row - 1 == pq.read_table(flow_run_md / "actions.parquet").num_rows

    db = tmp_path / "plans.duckdb"
    result = CliRunner().invoke(app, ["export", str(flow_run_md), "--to", "duckdb", "--dest", str(db)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from recommendations").fetchone()[0] == pq.read_table(
        flow_run_md / "recommendations.parquet").num_rows
    assert con.execute("select owners from actions where action_ref = '1.03'").fetchone()[0][-1] == "Peter Chivers"


def test_export_of_a_folder_without_datasets_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", str(tmp_path), "--to", "xlsx"])
    assert result.exit_code == 2 and "give the --out folder of a plan-extract run" in result.output
