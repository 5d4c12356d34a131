"""The CSV/TSV reader on files written here: delimiters, encodings, a BOM, a header below title lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extract.model import BlockKind
from extract.readers import pick, read
from extract.run.pipeline import extract_file

ROWS = [
    ["Harbour Council Housing Plan 2024-25"],
    ["April 2024 to March 2025"],
    [],
    ["Ref", "Action", "Lead officer", "Target date", "Status"],
    ["Theme 1: Homes"],
    ["1.1", "Review the allocations policy\n• consult the tenants' panel\n• agree it with members", "Ann Lee",
     "31/03/2025", "Green"],
    ["1.2", "Publish the tenants’ charter (£5,000 budget)", "Bob Kay / Cara Doyle", "Nov-24", "Amber"],
]


def _csv(rows: list[list[str]], delimiter: str) -> str:
    """Rows as a spreadsheet saves them: fields quoted when they hold the delimiter, a quote or a line break."""
    def field(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in (delimiter, '"', "\n")) else v
    width = max(len(r) for r in rows)
    return "\r\n".join(delimiter.join(field(v) for v in r + [""] * (width - len(r))) for r in rows) + "\r\n"


def _actions(path: Path):  # type: ignore[no-untyped-def]
    result = extract_file(path, path.parent)
    assert result.document.format == "csv", result.document.error
    return [(a.action_ref, a.theme_ref, a.theme, a.title, a.steps, a.owners, a.status,
             [(m.date_raw, m.date_end) for m in a.milestones]) for a in result.actions]


EXPECTED = [
    ("1.1", "1", "Homes", "Review the allocations policy", ["consult the tenants' panel", "agree it with members"],
     ["Ann Lee"], "green", [("31/03/2025", dt.date(2025, 3, 31))]),
    ("1.2", "1", "Homes", "Publish the tenants’ charter (£5,000 budget)", [], ["Bob Kay", "Cara Doyle"], "amber",
     [("Nov-24", dt.date(2024, 11, 30))]),
]


@pytest.mark.parametrize(("name", "delimiter", "encoding"), [
    ("plan.csv", ",", "utf-8"),
    ("excel-utf8.csv", ",", "utf-8-sig"),  # Excel's "CSV UTF-8": a byte-order mark
    ("windows.csv", ",", "cp1252"),  # Excel's plain "CSV" on Windows: ’ and £ as single bytes
    ("europe.csv", ";", "cp1252"),  # a comma-decimal locale saves with semicolons
    ("export.tsv", "\t", "utf-8"),
    ("unicode-text.tsv", "\t", "utf-16"),  # Excel's "Unicode Text": UTF-16 with a BOM
    ("pipes.csv", "|", "latin-1"),
])
def test_delimiters_and_encodings(tmp_path: Path, name: str, delimiter: str, encoding: str) -> None:
    path = tmp_path / name
    text = _csv(ROWS, delimiter)
    if encoding == "latin-1":
        text = text.replace("’", "'").replace("•", "-")  # latin-1 has no curly quote nor bullet; £ is one byte
    path.write_bytes(text.encode(encoding))
    assert pick(path.read_bytes()[:8192], name).name == "csv"
    expected = [tuple(x.replace("’", "'") if isinstance(x, str) and encoding == "latin-1" else x for x in row)
                for row in EXPECTED]
    assert _actions(path) == expected
    assert read(path, name).metadata["delimiter"] == delimiter


def test_bytes_windows_1252_cannot_decode_are_read_as_latin_1(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    rows = [r[:] for r in ROWS]
    rows[6] = ["1.2", "Publish the charter", "Bob Kay", "Nov-24", "Amber"]
    path.write_bytes(_csv(rows, ",").replace("Ann Lee", "Ann L\x81ee").replace("•", "-").encode("latin-1"))
    assert [a[5] for a in _actions(path)] == [["Ann L\x81ee"], ["Bob Kay"]]


def test_excel_sep_hint_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("sep=;\r\n" + _csv(ROWS, ";"), encoding="utf-8")
    doc = read(path, path.name)
    assert doc.metadata["delimiter"] == ";"
    assert _actions(path) == EXPECTED
    # The hint line is not a row: the title is record 1, as a spreadsheet opening the file shows it.
    title = doc.blocks[0]
    assert (title.kind, title.text, title.prov[0].cell, title.prov[0].line) == (
        BlockKind.heading, "Harbour Council Housing Plan 2024-25", "A1", 2)


def test_title_lines_above_the_header_are_text_and_cells_keep_their_place(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(_csv(ROWS, ","), encoding="utf-8")
    doc = read(path, path.name)
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        (BlockKind.heading, 1, "Harbour Council Housing Plan 2024-25"),
        (BlockKind.paragraph, 0, "April 2024 to March 2025"),
        (BlockKind.table, 0, ""),
    ]
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ROWS[3]
    assert [(c.col, c.col_span, c.text) for c in table.rows[1].cells] == [(0, 5, "Theme 1: Homes")]
    owner = table.rows[3].cells[2]
    assert (owner.text, owner.prov[0].cell, owner.prov[0].line) == ("Bob Kay / Cara Doyle", "C7", 9)  # after a 3-line record
    result = extract_file(path, tmp_path)
    assert result.document.title == "Harbour Council Housing Plan 2024-25"
    assert (result.document.plan_start, result.document.plan_end) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


def test_a_second_table_under_its_own_heading_and_notes_below(tmp_path: Path) -> None:
    rows = ROWS + [[], ["Objective 2: Neighbourhoods"], ROWS[3],
                   ["2.1", "Open a community hub", "Cara Doyle", "June 2025", "Red"],
                   ["2.2", "Recruit street champions", "Cara Doyle", "Sept 2025", "Green"],
                   [], ["Key: Red – behind; Amber – some slippage; Green – on track."]]
    path = tmp_path / "plan.csv"
    path.write_text(_csv(rows, ","), encoding="utf-8")
    doc = read(path, path.name)
    assert len(doc.tables) == 2
    caption = next(b for b in doc.blocks if b.text == "Objective 2: Neighbourhoods")
    assert caption.kind is BlockKind.heading  # a short line right above a table is its heading
    assert doc.blocks[-1].kind is BlockKind.paragraph and doc.blocks[-1].text.startswith("Key:")
    assert [(a[0], a[1], a[2]) for a in _actions(path)] == [
        ("1.1", "1", "Homes"), ("1.2", "1", "Homes"), ("2.1", "2", "Neighbourhoods"), ("2.2", "2", "Neighbourhoods")]


def test_a_line_naming_a_numbered_division_is_a_heading_in_any_case(tmp_path: Path) -> None:
    rows = ROWS + [[], ["Appendix 1: Joint Area Review recommendations"],
                   ["The review team recommended that the council and its partners should:"],
                   ["JAR-1 Improve the proportion of young people in education, training or employment."],
                   ["Appendix 2: HMIP recommendations"], ["HMIP 1 Ensure that an initial assessment is completed."]]
    path = tmp_path / "plan.csv"
    path.write_text(_csv(rows, ","), encoding="utf-8")
    kinds = {b.text: b.kind for b in read(path, path.name).blocks}
    assert kinds["Appendix 1: Joint Area Review recommendations"] is BlockKind.heading
    assert kinds["Appendix 2: HMIP recommendations"] is BlockKind.heading
    assert kinds["The review team recommended that the council and its partners should:"] is BlockKind.paragraph
    assert kinds["JAR-1 Improve the proportion of young people in education, training or employment."] is BlockKind.paragraph


def test_an_unnumbered_appendix_line_heads_the_recommendations_under_it(tmp_path: Path) -> None:
    rows = ROWS + [[], ["Appendix: recommendations for the management board"],
                   ["1. Review the membership of the board so that health services are represented. (HMIP-R5)"]]
    path = tmp_path / "plan.csv"
    path.write_text(_csv(rows, ","), encoding="utf-8")
    kinds = {b.text: b.kind for b in read(path, path.name).blocks}
    assert kinds["Appendix: recommendations for the management board"] is BlockKind.heading
    recs = extract_file(path, path.parent).recommendations
    assert [(r.codes, r.sections) for r in recs] == [(["HMIP-R5"], ["Appendix: recommendations for the management board"])]


def test_key_lines_are_never_headings_and_a_plan_division_always_is(tmp_path: Path) -> None:
    rows = [["Housing Strategy Action Plan"], [], ["Priority 1: More homes of the right type"], [],
            ["1. Bring forward council-owned sites for affordable housing."], ["Lead: Head of Housing and Regeneration"],
            ["Timescale: Q4 2016/17"], ["By: June 2017"], ["Progress: Four sites identified."]]
    path = tmp_path / "plan.csv"
    path.write_text(_csv(rows, ","), encoding="utf-8")
    kinds = {b.text: b.kind for b in read(path, path.name).blocks}
    assert kinds["Priority 1: More homes of the right type"] is BlockKind.heading
    for line in ("Lead: Head of Housing and Regeneration", "Timescale: Q4 2016/17", "By: June 2017"):
        assert kinds[line] is BlockKind.paragraph, line


def test_a_part_of_the_document_or_a_heading_over_prose_ends_the_table(tmp_path: Path) -> None:
    part_b = [["Part B: HM Inspectorate of Probation inspection"],
              ["No.", "Action", "Lead officer", "By when", "Status"],
              ["B1", "Introduce a weekly report of assessments due", "Sarah Oyelaran", "Jun 2025", "Green"]]
    goal_2 = [["Goal 2: Low-carbon transportation"],
              ["Target: 15 percent of trips to work made by transit, walking or bicycle by 2030."], [],
              ["2.1", "Complete the protected bicycle network", "Dana Wu", "2027", "Amber"]]
    for extra in (part_b, goal_2):
        path = tmp_path / "plan.csv"
        path.write_text(_csv(ROWS + [[]] + extra, ","), encoding="utf-8")
        doc = read(path, path.name)
        assert len(doc.tables) == 2
        assert next(b for b in doc.blocks if b.text == extra[0][0]).kind is BlockKind.heading


def test_a_grouped_list_item_with_no_x_is_an_item_not_a_section(tmp_path: Path) -> None:
    # Saved from a workbook whose section and group rows were merged across: in the CSV an item
    # with no X under Short/Medium/Long looks just like them (one field, the rest empty).
    rows = [["Initiative", "Short", "Medium", "Long", "Department"], ["1. ENERGY"], ["a. Buildings"],
            ["Current Efforts"], ["1. Track monthly electricity use for all Town facilities"],
            ["2. Purchase ENERGY STAR equipment when office equipment is replaced", "X"],
            ["3. Publish an annual energy report for the Town's buildings and vehicles"],
            ["Proposed Efforts"], ["1. Conduct energy audits of the five largest Town buildings", "X"],
            ["2. WATER"], ["a. Water Supply"], ["Current Efforts"], ["1. Meter every Town building"],
            ["Proposed Efforts"], ["1. Fix leaks in the water mains", "", "X"], ["2. Offer rebates for rain barrels"]]
    path = tmp_path / "plan.csv"
    path.write_text(_csv(rows, ","), encoding="utf-8")
    assert [a[0] for a in _actions(path)] == [
        "1.a/current-efforts/1", "1.a/current-efforts/2", "1.a/current-efforts/3", "1.a/proposed-efforts/1",
        "2.a/current-efforts/1", "2.a/proposed-efforts/1", "2.a/proposed-efforts/2"]


def test_blank_spacer_rows_inside_the_table_keep_it_one_table(tmp_path: Path) -> None:
    rows = ROWS[:6] + [[]] + ROWS[6:] + [[], ["Theme 2: Streets"], [],
                                          ["2.1", "Open a community hub", "Cara Doyle", "June 2025", "Red"]]
    path = tmp_path / "plan.csv"
    path.write_text(_csv(rows, ","), encoding="utf-8")
    assert len(read(path, path.name).tables) == 1
    assert [(a[0], a[2]) for a in _actions(path)] == [("1.1", "Homes"), ("1.2", "Homes"), ("2.1", "Streets")]


def test_a_csv_file_is_no_longer_read_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(_csv(ROWS, ","), encoding="utf-8")
    assert pick(path.read_bytes(), path.name).name == "csv"
    assert pick(path.read_bytes(), "plan.txt").name == "text"  # a .txt export stays with the text reader


def test_a_huge_cell_is_read(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[6] = ["1.2", "Publish the charter " + "and more words " * 20_000, "Bob Kay", "Nov-24", "Amber"]
    path = tmp_path / "plan.csv"
    path.write_text(_csv(rows, ","), encoding="utf-8")
    assert [a[0] for a in _actions(path)] == ["1.1", "1.2"]
