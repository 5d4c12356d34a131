"""The workbook reader on workbooks made here with openpyxl (and a few bytes written by hand, where
openpyxl cannot make the file: an old .xls, an encrypted workbook, a formula's saved value, a bomb)."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formatting.rule import CellIsRule, FormulaRule, Rule
from openpyxl.styles import Color, Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle

from extract.errors import Encrypted, TooLarge
from extract.model import BlockKind
from extract.normalise.dates import find_dates
from extract.outputs.report import render_report
from extract.readers import pick, read
from extract.run.pipeline import extract_file

HEADER = ["Ref", "Action", "Lead officer", "Target date", "Status"]


def _plan(path: Path, rows: list[list[object]], *, title: str = "Harbour Council Housing Plan 2024-25",
          sheet: str = "Action plan") -> openpyxl.Workbook:
    """A tracker: a bold title row merged across, the plan period, a blank row, a header, rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:E1")
    ws["A2"] = "April 2024 to March 2025"
    for c, h in enumerate(HEADER, 1):
        ws.cell(4, c, h).font = Font(bold=True)
    for r, row in enumerate(rows, 5):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
    wb.save(path)
    return wb


def _cells(doc, table: int = 0) -> list[list[tuple]]:  # type: ignore[no-untyped-def]
    return [[(c.col, c.col_span, c.row_span, c.text) for c in r.cells] for r in doc.tables[table].rows]


def _cell(doc, address: str):  # type: ignore[no-untyped-def]
    return next(c for t in doc.tables for r in t.rows for c in r.cells if c.prov and c.prov[0].cell == address)


def test_sheet_name_title_rows_and_the_table_with_cell_addresses(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"],
                 ["1.2", "Publish the tenants' charter", "Bob Kay", "Nov 2024", "Amber"]])
    doc = read(path, "plan.xlsx")
    assert doc.format == "xlsx" and doc.pages is None
    blocks = [(b.kind, b.level, b.text) for b in doc.blocks]
    assert blocks == [
        (BlockKind.heading, 1, "Action plan"),  # the sheet's name
        (BlockKind.heading, 2, "Harbour Council Housing Plan 2024-25"),  # bold 14 pt title row
        (BlockKind.paragraph, 0, "April 2024 to March 2025"),
        (BlockKind.table, 0, ""),
    ]
    assert _cells(doc)[0] == [(i, 1, 1, h) for i, h in enumerate(HEADER)]
    cell = _cell(doc, "C6")
    assert (cell.text, cell.prov[0].sheet, cell.prov[0].row, cell.prov[0].col) == ("Bob Kay", "Action plan", 2, 2)
    result = extract_file(path, tmp_path)
    assert result.document.title == "Harbour Council Housing Plan 2024-25"  # not the sheet's name
    assert [(a.action_ref, a.owners, a.status) for a in result.actions] == [
        ("1.1", ["Ann Lee"], "green"), ("1.2", ["Bob Kay"], "amber")]


def test_report_names_the_sheet_and_cell(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"],
                      ["1.2", "Publish the tenants' charter", "Bob Kay", "Nov 2024", "Amber"],
                      ["1.3", "A withdrawn action", "Cara Doyle", "Nov 2024", "Red"]])
    wb.active.row_dimensions[7].hidden = True
    wb.save(path)
    html = render_report([extract_file(path, tmp_path)])
    assert "Action plan!C6" in html  # an owner's source cell
    assert "Action plan!B6:E6" in html  # the row in brief (title to status)
    assert "sheet Action plan" in html  # where the hidden row warning points


def test_merged_theme_row_and_merged_owner_are_true_spans(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["Theme 1: Homes", None, None, None, None],
                      ["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"],
                      [None, "Consult the tenants' panel", None, "Jan 2025", None],
                      ["1.2", "Publish the tenants' charter", "Bob Kay", "Nov 2024", "Amber"]])
    ws = wb.active
    ws.merge_cells("A5:E5")
    ws.merge_cells("A6:A7")
    ws.merge_cells("C6:C7")
    wb.save(path)
    doc = read(path, "plan.xlsx")
    rows = _cells(doc)
    assert rows[1] == [(0, 5, 1, "Theme 1: Homes")]
    assert rows[2] == [(0, 1, 2, "1.1"), (1, 1, 1, "Review the allocations policy"), (2, 1, 2, "Ann Lee"),
                       (3, 1, 1, "March 2025"), (4, 1, 1, "Green")]
    assert rows[3] == [(1, 1, 1, "Consult the tenants' panel"), (3, 1, 1, "Jan 2025"), (4, 1, 1, "")]
    actions = extract_file(path, tmp_path).actions
    assert [(a.action_ref, a.theme_ref, a.theme, a.owners) for a in actions] == [
        ("1.1", "1", "Homes", ["Ann Lee"]), ("1.2", "1", "Homes", ["Bob Kay"])]
    assert sorted(m.date_raw for m in actions[0].milestones) == ["Jan 2025", "March 2025"]


def test_a_theme_typed_in_column_a_runs_across_the_row(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    _plan(path, [["Theme 2: Neighbourhoods", None, None, None, None],
                 ["2.1", "Open a community hub", "Cara Doyle", "June 2025", "Green"],
                 ["2.2", "Recruit street champions", "Cara Doyle", "Sept 2025", "Red"]])
    doc = read(path, "plan.xlsx")
    assert _cells(doc)[1] == [(0, 5, 1, "Theme 2: Neighbourhoods")]
    assert {a.theme for a in extract_file(path, tmp_path).actions} == {"Neighbourhoods"}


def test_dates_print_as_their_number_format_shows_them(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    day = dt.datetime(2025, 3, 4)
    wb = _plan(path, [["1.1", "Uses the built-in short date", "Ann Lee", day, None],
                      ["1.2", "Uses a custom day-first date", "Ann Lee", day, None],
                      ["1.3", "Uses month and year", "Ann Lee", day, None],
                      ["1.4", "Uses the day-month-year built-in", "Ann Lee", day, None],
                      ["1.5", "Uses the system long date", "Ann Lee", day, None],
                      ["2.10", "A reference typed as a number", "Ann Lee", "Ongoing", None]])
    ws = wb.active
    ws["D5"].number_format = "mm-dd-yy"  # built-in 14: the locale's short date (UK: dd/mm/yyyy)
    ws["D6"].number_format = "dd/mm/yyyy"
    ws["D7"].number_format = "mmm-yy"
    ws["D8"].number_format = "d-mmm-yy"  # built-in 15
    ws["D9"].number_format = "[$-F800]dddd, mmmm dd, yyyy"
    ws["A10"] = 2.1
    ws["A10"].number_format = "0.00"
    wb.save(path)
    assert wb.active["D5"]._style.numFmtId == 14
    doc = read(path, "plan.xlsx")
    assert [_cell(doc, f"D{r}").text for r in range(5, 10)] == [
        "04/03/2025", "04/03/2025", "Mar-25", "4-Mar-25", "4 March 2025"]
    assert _cell(doc, "A10").text == "2.10"
    actions = {a.action_ref: a for a in extract_file(path, tmp_path).actions}
    assert "2.10" in actions
    got = {ref: [(m.date_raw, m.date_end, m.precision) for m in actions[ref].milestones] for ref in ("1.1", "1.3", "1.4")}
    assert got == {  # day first: 4 March, not 3 April
        "1.1": [("04/03/2025", dt.date(2025, 3, 4), "day")],
        "1.3": [("Mar-25", dt.date(2025, 3, 31), "month")],
        "1.4": [("4-Mar-25", dt.date(2025, 3, 4), "day")],
    }


@pytest.mark.parametrize(("text", "end", "precision"), [
    ("Mar-25", dt.date(2025, 3, 31), "month"),
    ("Sep-2024", dt.date(2024, 9, 30), "month"),
    ("31-Mar-25", dt.date(2025, 3, 31), "day"),
    ("1-Apr-2025", dt.date(2025, 4, 1), "day"),
    ("2025-03-31", dt.date(2025, 3, 31), "day"),
    ("2025-03-31 00:00:00", dt.date(2025, 3, 31), "day"),
    ("04/03/2025 00:00", dt.date(2025, 3, 4), "day"),
])
def test_the_date_grammar_reads_what_excel_prints(text: str, end: dt.date, precision: str) -> None:
    spans = find_dates(text)
    assert [(s.end, s.precision) for s in spans] == [(end, precision)]


def test_fills_give_rag_status_as_word_shading_does(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["1.1", "Solid red", "Ann Lee", "March 2025", None],
                      ["1.2", "Excel's Good style", "Ann Lee", "March 2025", None],
                      ["1.3", "Excel's Neutral style", "Ann Lee", "March 2025", None],
                      ["1.4", "Red accent 2, lighter 40%", "Ann Lee", "March 2025", None],
                      ["1.5", "Green from the indexed palette", "Ann Lee", "March 2025", None],
                      ["1.6", "Orange accent 6 of the theme", "Ann Lee", "March 2025", None],
                      ["1.7", "A hatched pattern is not a status", "Ann Lee", "March 2025", None]])
    ws = wb.active
    ws["E5"].fill = PatternFill("solid", fgColor="FF0000")
    ws["E6"].fill = PatternFill("solid", fgColor="C6EFCE")
    ws["E7"].fill = PatternFill("solid", fgColor="FFEB9C")
    ws["E8"].fill = PatternFill("solid", fgColor=Color(theme=5, tint=0.3999755851924192))
    ws["E9"].fill = PatternFill("solid", fgColor=Color(indexed=17))
    ws["E10"].fill = PatternFill("solid", fgColor=Color(theme=9))
    ws["E11"].fill = PatternFill("darkGrid", fgColor="FF0000")
    wb.save(path)
    doc = read(path, "plan.xlsx")
    fills = [_cell(doc, f"E{r}").fill for r in range(5, 11)]
    assert fills[:3] + fills[4:] == ["#FF0000", "#C6EFCE", "#FFEB9C", "#008000", "#F79646"]
    # Excel's swatch "Red, Accent 2, Lighter 40%" is #DA9694 (its own integer HLS rounding)
    assert max(abs(int(fills[3][i : i + 2], 16) - int("DA9694"[i - 1 : i + 1], 16)) for i in (1, 3, 5)) <= 1
    assert [c.fill for c in doc.tables[0].rows[-1].cells] == [None] * 5  # E11: hatched
    status = {a.action_ref: a.status for a in extract_file(path, tmp_path).actions}
    assert status == {"1.1": "red", "1.2": "green", "1.3": "amber", "1.4": "red", "1.5": "green", "1.6": "amber",
                      "1.7": None}


def test_conditional_formatting_on_cell_values_gives_the_fill(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["1.1", "Scored 1: behind", "Ann Lee", "March 2025", 1],
                      ["1.2", "Scored 2: slipping", "Ann Lee", "March 2025", 2],
                      ["1.3", "Scored 3: on course", "Ann Lee", "March 2025", 3],
                      ["1.4", "Scored by a formula rule only", "Ann Lee", "March 2025", 4]])
    ws = wb.active
    ws["E4"] = "RAG score"
    red, amber, green = (PatternFill(bgColor=c) for c in ("FFC7CE", "FFEB9C", "C6EFCE"))
    ws.conditional_formatting.add("E5:E100", CellIsRule(operator="equal", formula=["1"], fill=red))
    ws.conditional_formatting.add("E5:E100", CellIsRule(operator="between", formula=["2", "2"], fill=amber))
    ws.conditional_formatting.add("E5:E100", Rule(type="containsText", operator="containsText", text="3",
                                                   dxf=DifferentialStyle(fill=green)))
    ws.conditional_formatting.add("E5:E100", FormulaRule(formula=["$E5=4"], fill=red))  # not a plain rule
    wb.save(path)
    doc = read(path, "plan.xlsx")
    assert [_cell(doc, f"E{r}").fill for r in range(5, 9)] == ["#FFC7CE", "#FFEB9C", "#C6EFCE", None]
    status = {a.action_ref: a.status for a in extract_file(path, tmp_path).actions}
    assert status == {"1.1": "red", "1.2": "amber", "1.3": "green", "1.4": None}


def test_a_word_status_beats_its_conditional_colour_rule(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Red"],
                      ["1.2", "Publish the tenants' charter", "Bob Kay", "Nov 2024", "Complete"]])
    wb.active.conditional_formatting.add("E5:E6", CellIsRule(operator="equal", formula=['"red"'],
                                                             fill=PatternFill(bgColor="FFC7CE")))
    wb.save(path)
    doc = read(path, "plan.xlsx")
    assert (_cell(doc, "E5").fill, _cell(doc, "E6").fill) == ("#FFC7CE", None)  # text compared case-insensitively
    assert [a.status for a in extract_file(path, tmp_path).actions] == ["red", "green"]


def test_hidden_rows_columns_and_sheets_are_left_out_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"],
                      ["X9", "A withdrawn action, hidden", "Zoe Hidden", "March 2025", "Red"],
                      ["1.2", "Publish the tenants' charter", "Bob Kay", "Nov 2024", "Amber"],
                      [None, None, None, None, None],
                      ["1.3", "An empty hidden row above is not counted", "Bob Kay", "Nov 2024", "Amber"]])
    ws = wb.active
    ws.insert_cols(3)
    ws["C4"] = "Previous lead"
    ws["C5"], ws["C7"] = "Old Owner", "Old Owner"
    ws.column_dimensions["C"].hidden = True
    ws.row_dimensions[6].hidden = True
    ws.row_dimensions[8].hidden = True
    archive = wb.create_sheet("Archive")
    archive.append(HEADER)
    archive.append(["Z1", "An action of last year's plan", "Old Owner", "March 2024", "Green"])
    archive.sheet_state = "veryHidden"
    wb.create_sheet("Spare").sheet_state = "hidden"  # hidden but empty: nothing left out
    wb.save(path)
    result = extract_file(path, tmp_path)
    assert [a.action_ref for a in result.actions] == ["1.1", "1.2", "1.3"]
    assert all("Old Owner" not in a.owners and "Zoe Hidden" not in a.owners for a in result.actions)
    assert result.document.status == "partial"
    assert sorted(w.message for w in result.warnings if w.code == "R301") == [
        "1 hidden sheet left out ('Archive'): not part of the plan",
        "sheet 'Action plan': 1 hidden row and 1 hidden column with content left out: not part of the plan",
    ]


def test_formulas_give_their_saved_values(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"],
                      ["1.2", "Publish the tenants' charter", None, "Nov 2024", "Amber"]])
    wb.active["C6"] = "=C5"
    wb.save(path)
    # openpyxl writes formulas without a result; Excel saves the last value beside the formula.
    _rewrite(path, "xl/worksheets/sheet1.xml",
             lambda xml: re.sub(rb'(<c r="C6"[^>]*?)(?: t="\w+")?>(<f>C5</f>)<v\s*(?:/>|>\s*</v>)',
                                rb'\1 t="str">\2<v>Ann Lee</v>', xml))
    assert b"<v>Ann Lee</v>" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    result = extract_file(path, tmp_path)
    assert [a.owners for a in result.actions] == [["Ann Lee"], ["Ann Lee"]]


def test_a_notes_sheet_gives_text_and_no_table(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"],
                      ["1.2", "Publish the tenants' charter", "Bob Kay", "Nov 2024", "Amber"]])
    notes = wb.create_sheet("Notes")
    notes["A1"] = "How to use this tracker"
    notes["A1"].font = Font(bold=True)
    notes["A2"] = "Update the status column each month.\n- Red: behind\n- Green: on track"
    notes["C9"] = "Last reviewed by the board."
    wb.save(path)
    doc = read(path, "plan.xlsx")
    assert len(doc.tables) == 1
    notes_blocks = [(b.kind, b.text) for b in doc.blocks if b.prov[0].sheet == "Notes"]
    assert notes_blocks == [
        (BlockKind.heading, "Notes"), (BlockKind.heading, "How to use this tracker"),
        (BlockKind.paragraph, "Update the status column each month."), (BlockKind.list_item, "Red: behind"),
        (BlockKind.list_item, "Green: on track"), (BlockKind.paragraph, "Last reviewed by the board.")]
    assert [a.action_ref for a in extract_file(path, tmp_path).actions] == ["1.1", "1.2"]


def test_default_sheet_names_are_not_headings(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"]], sheet="Sheet1")
    assert "Sheet1" not in [b.text for b in read(path, "plan.xlsx").blocks]


def test_the_used_range_is_the_cells_with_text_not_every_styled_cell(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"],
                      ["1.2", "Publish the tenants' charter", "Bob Kay", "Nov 2024", "Amber"]])
    ws = wb.active
    ws["XFD1048576"].fill = PatternFill("solid", fgColor="FFC7CE")  # huge dimensions, one styled cell
    ws["H5"].font = Font(bold=True)
    wb.save(path)
    doc = read(path, "plan.xlsx")
    assert len(doc.tables) == 1 and doc.tables[0].n_cols == 5 and len(doc.tables[0].rows) == 3


def test_an_xlsx_is_read_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    _plan(tmp_path / "plan.xlsx", [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"],
                                   ["1.2", "Publish the tenants' charter", "Bob Kay", "Nov 2024", "Amber"]])
    data = (tmp_path / "plan.xlsx").read_bytes()
    for name in ("tracker.docx", "tracker", "tracker.zip.bin"):
        (tmp_path / name).write_bytes(data)
        assert pick(data[:8192], name).name == "xlsx", name
        assert [a.action_ref for a in extract_file(tmp_path / name, tmp_path).actions] == ["1.1", "1.2"]


# -- edge cases: each a status and a reason -------------------------------------------------------


def test_an_empty_workbook_is_skipped_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    wb = openpyxl.Workbook()
    wb.active["B2"].fill = PatternFill("solid", fgColor="FFC7CE")  # styled, but no text
    wb.save(path)
    doc = extract_file(path, tmp_path).document
    assert (doc.status, doc.error) == ("skipped", "empty workbook: no visible cell holds text")


def test_a_workbook_whose_only_content_is_hidden_says_so(tmp_path: Path) -> None:
    path = tmp_path / "hidden.xlsx"
    wb = _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"]])
    wb.active.sheet_state = "hidden"
    wb.create_sheet("Blank")
    wb.active = 1
    wb.save(path)
    doc = extract_file(path, tmp_path).document
    assert doc.status == "skipped"
    assert doc.error == "empty workbook: no visible cell holds text (1 hidden sheet left out: unhide the plan's sheet)"


def test_an_old_xls_is_skipped_saying_to_save_as_xlsx(tmp_path: Path) -> None:
    for name in ("plan.xls", "renamed.xlsx"):
        path = tmp_path / name
        path.write_bytes(_ole_file({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\0" * 200}))
        doc = extract_file(path, tmp_path).document
        assert (doc.status, doc.error) == ("skipped", "legacy Excel .xls: save as .xlsx"), name


def test_a_word_doc_embedding_a_workbook_stays_a_word_doc(tmp_path: Path) -> None:
    path = tmp_path / "minutes.doc"
    path.write_bytes(_ole_file({"WordDocument": b"\xec\xa5\xc1\x00" + b"\0" * 200, "Workbook": b"\x09\x08" + b"\0" * 200}))
    doc = extract_file(path, tmp_path).document
    assert (doc.status, doc.error) == ("skipped", "legacy Word .doc: save as .docx")


def test_a_password_protected_workbook_fails_saying_to_remove_the_password(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(_ole_file({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\0" * 300,
                                "EncryptedPackage": b"\x00\x10\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 16}))
    with pytest.raises(Encrypted):
        read(path, path.name)
    doc = extract_file(path, tmp_path).document
    assert (doc.status, doc.error) == ("failed", "encrypted workbook: password required; save it without a password")


def test_a_zip_bomb_workbook_is_refused_by_the_office_zip_guard(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(TooLarge, match="Excel workbook part xl/media/padding.bin .* zip bomb"):
        read(path, path.name)


def test_millions_of_styled_empty_cells_are_refused_before_loading(tmp_path: Path) -> None:
    path = tmp_path / "styled.xlsx"
    _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"]])
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d" s="1"/>' % (col, r) for col in _COLUMNS) + b"</row>"
                    for r in range(1, 2001))  # 2,000 rows x 1,000 columns: 2 million styled empty cells
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><dimension ref="A1:ALL2000"/><sheetData>' + rows + b"</sheetData></worksheet>")
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda _xml: sheet)
    doc = extract_file(path, tmp_path).document
    assert doc.status == "failed"
    assert doc.error.startswith("workbook has over 500,000 cells") and "PLAN_EXTRACT_MAX_CELLS" in doc.error


def test_a_merge_over_the_whole_sheet_is_refused_before_loading(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"]])
    # openpyxl would make an object for each of the seventeen billion cells the merge covers.
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        rb"<mergeCells[^>]*>.*?</mergeCells>", b'<mergeCells count="1"><mergeCell ref="A20:XFD1048576"/></mergeCells>',
        xml, flags=re.S))
    with pytest.raises(TooLarge, match="over 500,000 cells"):
        read(path, path.name)


def test_the_cell_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.xlsx"
    _plan(path, [[f"1.{i}", f"Action number {i}", "Ann Lee", "March 2025", "Green"] for i in range(1, 40)])
    monkeypatch.setenv("PLAN_EXTRACT_MAX_CELLS", "100")
    with pytest.raises(TooLarge, match="over 100 cells"):
        read(path, path.name)
    monkeypatch.setenv("PLAN_EXTRACT_MAX_CELLS", "1000")
    assert len(read(path, path.name).tables[0].rows) == 40


def test_too_many_sheets_are_refused_by_the_page_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"]])
    for i in range(5):
        wb.create_sheet(f"Extra {i}")
    wb.save(path)
    monkeypatch.setenv("PLAN_EXTRACT_MAX_PAGES", "3")
    doc = extract_file(path, tmp_path).document
    assert doc.status == "failed" and doc.error.startswith("workbook has 6 sheets, over the 3-page limit")


def test_a_binary_xlsb_workbook_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsb"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<Types><Override PartName="/xl/workbook.bin" ContentType="application/'
                    'vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>')
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    doc = extract_file(path, tmp_path).document
    assert (doc.status, doc.error) == ("skipped", "Excel binary workbook (.xlsb): save as .xlsx")


# -- helpers that write what openpyxl cannot --------------------------------------------------------


def _column_letters(n: int) -> list[bytes]:
    out = []
    for i in range(1, n + 1):
        letters = ""
        while i:
            i, rem = divmod(i - 1, 26)
            letters = chr(65 + rem) + letters
        out.append(letters.encode())
    return out


_COLUMNS = _column_letters(1000)


def _rewrite(path: Path, part: str, change) -> None:  # type: ignore[no-untyped-def]
    """Replace one part of a zip package through ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for info, data in items:
            zf.writestr(info.filename, change(data) if info.filename == part else data)


def _ole_file(streams: dict[str, bytes]) -> bytes:
    """A compound file (OLE2, version 3, 512-byte sectors) holding ``streams`` at its root.

    Each stream is padded to 4096 bytes so that it lives in ordinary sectors (no mini stream).
    Laid out as: sector 0 the FAT, sector 1 the directory, then each stream's sectors.
    """
    end, free, fat_sect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the order the directory tree compares by
    data_sectors: list[bytes] = []
    starts: dict[str, int] = {}
    fat = [fat_sect, end]
    for name in names:
        body = streams[name].ljust(max(4096, len(streams[name])), b"\0")
        body = body.ljust(-(-len(body) // 512) * 512, b"\0")
        first = 2 + len(data_sectors)
        starts[name] = first
        n = len(body) // 512
        fat += [first + i + 1 for i in range(n - 1)] + [end]
        data_sectors += [body[i * 512 : (i + 1) * 512] for i in range(n)]
    assert len(fat) <= 128
    fat_sector = b"".join(struct.pack("<I", v) for v in fat + [free] * (128 - len(fat)))

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name.encode("utf-16-le") + b"\0\0") if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", left, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, nostream, nostream, 1 if names else nostream, end, 0)]
    for i, name in enumerate(names, start=1):  # a right-leaning chain: each name greater than the one before
        entries.append(entry(name, 2, nostream, i + 1 if i < len(names) else nostream, nostream, starts[name],
                             len(streams[name])))
    directory = b"".join(entries).ljust(512, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == 512
    return header + fat_sector + directory + b"".join(data_sectors)


def test_refs_naming_the_priority_and_the_action_are_printed_refs(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    _plan(path, [["P1/A1", "Deliver a youth diversion programme", "Community Safety Manager", "July 2024", "Green"],
                 ["P1/A2", "Install CCTV in the high street", "CCTV Manager", "October 2024", "Amber"],
                 ["P2-A1", "Commission an IDVA service", "DA Coordinator", "April 2025", "Green"]])
    result = extract_file(path, tmp_path)
    assert [a.action_ref for a in result.actions] == ["P1/A1", "P1/A2", "P2-A1"]
    assert not [w for w in result.warnings if w.code == "W302"]


def test_a_theme_column_numbering_the_actions_under_theme_rows_is_the_ref(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for c, h in enumerate(["Objective", "Action", "Officer(s)", "Completion date"], 3):
        ws.cell(4, c, h).font = Font(bold=True)
    rows = [["Objective 1: Inclusive services"],
            ["1a", "Publish accessible versions of key documents", "Communications Manager", "Mar-25"],
            ["1b", "Deliver BSL awareness training", "HR Business Partner", "Jun-25"],
            ["Objective 2: Fair employment"],
            ["2a", "Publish the ethnicity pay gap", "HR Manager", "Dec-24"]]
    for r, row in enumerate(rows, 5):
        for c, v in enumerate(row, 3):
            ws.cell(r, c, v)
    ws.merge_cells("C5:F5")
    ws.merge_cells("C8:F8")
    wb.save(path)
    result = extract_file(path, tmp_path)
    assert [(a.action_ref, a.theme_ref, a.theme, a.steps) for a in result.actions] == [
        ("1a", "1", "Inclusive services", []), ("1b", "1", "Inclusive services", []), ("2a", "2", "Fair employment", [])]


def test_a_date_serial_kept_as_text_in_a_date_column_is_its_day(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = _plan(path, [["1.1", "Publish the local plan", "Ann Lee", "45747", "Green"],
                      ["1.2", "Adopt the design code for 45000 homes", "Bob Kay", "June 2025", "Amber"]])
    wb.active["D5"].number_format = "@"
    wb.save(path)
    actions = extract_file(path, tmp_path).actions
    assert [(m.date_raw, m.date_end) for m in actions[0].milestones] == [("45747", dt.date(2025, 3, 31))]
    assert [m.date_raw for m in actions[1].milestones] == ["June 2025"]  # a number in a title is a count


def test_a_column_of_percentages_is_how_far_along_each_action_is(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Ref,Action,Lead,Target,% complete\n"
                    "W1,Introduce food waste collections,Waste Manager,April 2026,10%\n"
                    "W2,Roll out recycling bins to flats,Waste Manager,Q2 2025/26,100%\n"
                    "W3,Reduce fly-tipping by 20%,Enforcement Manager,2027,0%\n", encoding="utf-8")
    assert [a.status for a in extract_file(path, tmp_path).actions] == ["amber", "green", "blue"]


def test_a_measure_column_beside_a_measure_number_is_the_action(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = [["Measure No.", "Measure", "Lead", None, "Target date", "Progress"],
            [None, None, "Officer", "Partners", None, None],
            [1, "Introduce an anti-idling campaign at schools", "Environmental Health Officer", "Schools; Public Health",
             "September 2025", 0.25],
            [2, "Install 40 electric vehicle charging points", "Transport Planner", "Energy supplier", "March 2026", 1]]
    for r, row in enumerate(rows, 3):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
    ws.merge_cells("C3:D3")
    for r in (5, 6):
        ws.cell(r, 6).number_format = "0%"
    wb.save(path)
    actions = extract_file(path, tmp_path).actions
    assert [(a.action_ref, a.title, a.owners, a.partners, a.status) for a in actions] == [
        ("1", "Introduce an anti-idling campaign at schools", ["Environmental Health Officer"], ["Schools", "Public Health"],
         "amber"),
        ("2", "Install 40 electric vehicle charging points", ["Transport Planner"], ["Energy supplier"], "green")]


def test_a_totals_row_under_the_table_is_not_part_of_the_last_action(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    _plan(path, [["1.1", "Review the allocations policy", "Ann Lee", "March 2025", "Green"],
                 ["1.2", "Publish the tenants' charter", "Bob Kay", "Nov 2024", "Amber"],
                 ["Total", "2 actions", None, None, "1 green, 1 amber"]])
    actions = extract_file(path, tmp_path).actions
    assert [(a.action_ref, a.title, a.steps, a.status) for a in actions] == [
        ("1.1", "Review the allocations policy", [], "green"), ("1.2", "Publish the tenants' charter", [], "amber")]


def test_x_marks_under_quarters_of_a_merged_year_are_the_timescale(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = [["Ref", "Action", "Owner", "2024/25", None, None, None],
            [None, None, None, "Q1", "Q2", "Q3", "Q4"],
            ["D1", "Agree a new volunteering strategy", "Voluntary Sector Lead", "x", "x", None, None],
            ["D2", "Run a volunteers' awards evening", "Events Manager", None, None, None, "x"]]
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
    ws.merge_cells("D1:G1")
    wb.save(path)
    actions = extract_file(path, tmp_path).actions
    assert [[(m.date_raw, m.date_end) for m in a.milestones] for a in actions] == [
        [("Q1 2024/25", dt.date(2024, 6, 30)), ("Q2 2024/25", dt.date(2024, 9, 30))],
        [("Q4 2024/25", dt.date(2025, 3, 31))]]
