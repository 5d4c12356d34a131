"""The PDF reader on the samples and on real files written by others."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.errors import Damaged, Encrypted, NoTextLayer
from extract.model import BlockKind
from extract.readers import read
from extract.run.pipeline import extract_file
from shared_files import REALWORLD, needs

DATA = REALWORLD / "pdf"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def cfs():  # type: ignore[no-untyped-def]
    return read(SAMPLES / "cfs-directorate-plan-2003.pdf", "cfs-directorate-plan-2003.pdf")


def _action_table(doc):  # type: ignore[no-untyped-def]
    return next(t for t in doc.tables if "Themes & Objectives" in [c.text for c in t.rows[0].cells])


def test_action_table_is_one_table_stitched_across_pages(cfs) -> None:  # type: ignore[no-untyped-def]
    table = _action_table(cfs)
    md = _action_table(read(SAMPLES / "cfs-directorate-plan-2003.md", "cfs.md"))
    assert table.n_cols == md.n_cols == 7
    pages = {p.page for r in table.rows for c in r.cells for p in c.prov}
    assert len(pages) >= 5  # the landscape action table runs over several pages
    header = [c.text for c in table.rows[0].cells]
    assert sum(1 for r in table.rows if [c.text for c in r.cells] == header) == 1  # repeated headers dropped


def test_row_split_by_a_page_break_is_marked(cfs) -> None:  # type: ignore[no-untyped-def]
    table = _action_table(cfs)
    rows = [r for r in table.rows if r.page_break_before]
    assert rows, "continuation rows after a page break are marked"
    # A row the break split: its continuation has no reference of its own ("investment strategy").
    cont = next(r for r in rows if not r.cells[0].text)
    above = table.rows[cont.index - 1]
    assert above.cells[0].text  # the row above has the reference
    assert cont.cells[1].prov[0].page == above.cells[1].prov[0].page + 1


def test_headings_and_cell_bullets(cfs) -> None:  # type: ignore[no-untyped-def]
    headings = [b for b in cfs.blocks if b.kind is BlockKind.heading]
    assert headings[0].text == "Children, Families and Schools" and headings[0].level == 1
    assert any(b.text == "Introduction" for b in headings)
    cell = next(c for r in _action_table(cfs).rows for c in r.cells if c.text.startswith("Review and update the action plan"))
    assert len(cell.paras) == 4 and all(p.list_item for p in cell.paras)
    assert cell.prov[0].bbox is not None and cell.prov[0].page is not None


def test_every_value_on_the_sample_pdfs_matches_gold() -> None:
    result = extract_file(SAMPLES / "cfs-directorate-plan-2003.pdf", SAMPLES)
    owners = {a.action_ref: a.owners for a in result.actions}
    assert owners["1.03"] == ["Janette Karklins", "Mandy Miller", "Peter Chivers"]
    assert owners["1.04"] == ["Rosalind Turner", "Ty Goddard"]  # a name wrapped inside its cell stays whole
    assert result.document.pages == 12 and result.document.status == "ok"


@needs(DATA)
def test_encrypted() -> None:
    with pytest.raises(Encrypted, match="password"):
        read(DATA / "encrypted-password-test.pdf", "x.pdf")


@needs(DATA)
def test_scanned_pages_need_ocr() -> None:
    with pytest.raises(NoTextLayer, match="OCR"):
        read(DATA / "scanned-table-merged-header-no-text.pdf", "x.pdf")


@needs(DATA)
def test_truncated(tmp_path: Path) -> None:
    """A partial download: the first 60,000 bytes of a 16-page report."""
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes((DATA / "ca-warn-report-multipage-table.pdf").read_bytes()[:60_000])
    with pytest.raises(Damaged, match="re-download"):
        read(truncated, "x.pdf")


@needs(DATA)
def test_bad_colour_space_is_read_with_a_warning() -> None:
    result = extract_file(DATA / "google-env-report-bad-colorspace.pdf", DATA)
    assert result.document.status == "partial"
    assert [w.code for w in result.warnings] == ["R202"]


@needs(DATA)
def test_row_and_column_spans() -> None:
    doc = read(DATA / "ca-managed-care-enrollment-row-span.pdf", "x.pdf")
    cell = next(c for t in doc.tables for r in t.rows for c in r.cells if c.text == "Sacramento")
    assert cell.row_span == 4 and doc.tables[0].cell_at(cell.row + 3, cell.col) is cell
    doc = read(DATA / "india-ncrb-deaths-column-span.pdf", "x.pdf")
    spans = {c.text: c.col_span for t in doc.tables for r in t.rows for c in r.cells if c.col_span > 1}
    assert spans["Accidental Deaths"] == 2 and spans["Suicides"] == 2


def test_fill_colour_from_filled_rectangles(tmp_path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    path = tmp_path / "rag.pdf"
    data = [["Ref", "Action", "Lead Officer", "Deadline", "RAG"],
            ["1.1", "Publish the attendance strategy", "Ann Lee", "March 2010", ""],
            ["1.2", "Train the attendance officers", "Bob Kay", "June 2009", ""]]
    table = Table(data)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("BACKGROUND", (4, 1), (4, 1), colors.HexColor("#FF0000")),
                               ("BACKGROUND", (4, 2), (4, 2), colors.HexColor("#00B050"))]))
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build([table])
    doc = read(path, "rag.pdf")
    assert [r.cells[4].fill for r in doc.tables[0].rows] == [None, "#FF0000", "#00B050"]
    result = extract_file(path, tmp_path)
    assert {a.action_ref: a.status for a in result.actions} == {"1.1": "red", "1.2": "green"}


@needs(DATA)
def test_rotated_page_reads_like_its_landscape_copy() -> None:
    """/Rotate 90: the same table as the upright landscape copy of the page, word for word."""
    upright = read(DATA / "fbi-nics-firearm-checks-landscape.pdf", "a.pdf").tables[0]
    turned = read(DATA / "fbi-nics-firearm-checks-rotate90.pdf", "b.pdf").tables[0]
    assert (len(turned.rows), turned.n_cols) == (len(upright.rows), upright.n_cols) == (17, 25)
    words = lambda t: [" ".join(c.text.split()) for r in t.rows for c in r.cells]  # noqa: E731
    assert words(turned) == words(upright)
    assert words(turned)[1] == "State / Territory"


@needs(DATA)
def test_table_drawn_sideways_on_an_upright_page() -> None:
    doc = read(DATA / "india-nutrition-survey-text-rotated-table.pdf", "n.pdf")
    first = [c.text.split("\n")[0] for c in doc.tables[0].rows[0].cells]
    assert first[0] == "State"
    assert [c.text for c in doc.tables[0].rows[2].cells][:3] == ["Kerala", "5738", "6633"]


@needs(DATA)
def test_unruled_real_budget_table() -> None:
    """Whitespace-aligned columns, no ruling at all: the line strategy finds nothing."""
    doc = read(DATA / "india-union-budget-unruled.pdf", "b.pdf")
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert t.n_cols >= 7 and len(t.rows) >= 30
    row = next(r for r in t.rows if r.cells and r.cells[0].text.startswith("4. Atomic Energy"))
    assert [c.text for c in row.cells][1:4] == ["1483.00", "3427.00", "4910.00"]


def test_unruled_plan_over_two_pages_is_one_table_with_its_actions(tmp_path: Path) -> None:
    """A plan typed with tab stops (no ruling), running over a page break: one table, the
    header once, every action with its owner and date."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table

    path = tmp_path / "unruled.pdf"
    leads = ["Ann Lee", "Bob Kay", "Cara Ng"]
    months = ["March 2010", "June 2010", "Sept 2010", "Dec 2010"]
    data = [["Ref", "Action", "Lead Officer", "Deadline"]]
    data += [[f"{i}", f"Review the service standard number {i}", leads[i % 3], months[i % 4]] for i in range(1, 61)]
    SimpleDocTemplate(str(path), pagesize=A4).build([Table(data, repeatRows=1)])
    doc = read(path, "unruled.pdf")
    assert doc.pages == 2
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Ref", "Action", "Lead Officer", "Deadline"]
    assert len(table.rows) == 61  # the header repeated on page 2 is dropped
    result = extract_file(path, tmp_path)
    actions = {a.action_ref: a for a in result.actions}
    assert len(actions) == 60
    assert actions["59"].owners_raw == "Cara Ng" and actions["59"].page_start == 2
    assert [m.date_end.isoformat() for m in actions["60"].milestones] == ["2010-03-31"]


@needs(DATA)
def test_long_real_plan_without_references_yields_its_action_rows() -> None:
    """A 65-page French municipal plan: action tables on pages 26-30 with no reference column,
    themes merged down a column, headers in capitals with accents. Every action row becomes an
    action named by place (#1, #2, …, warning W302), with its owners and its date."""
    path = DATA / "chelsea-active-transport-plan-fr.pdf"
    result = extract_file(path, DATA)
    actions = result.actions
    assert result.document.doc_type == "action_plan"
    assert len(actions) >= 30
    assert {a.page_start for a in actions} == {26, 27, 28, 29, 30}
    assert all(a.owners and a.milestones for a in actions)
    first = actions[0]
    assert first.action_ref == "#1"
    assert first.title.startswith("Constituer un budget annuel municipal")
    assert first.owners[0] == "Conseil municipal"
    assert first.theme.startswith("Financier")
    # Page 26 prints eleven action rows under three themes (checked against the page image).
    assert sum(1 for a in actions if a.page_start == 26) == 11
    assert any(w.code == "W302" for w in result.warnings)


# -- PDFium and pdfplumber ------------------------------------------------------------------------
# Pages are read with PDFium (readers/pdf_pdfium.py) in pdfplumber's terms; pdfplumber stays as the
# `engine: pdfplumber` reader. Where the two libraries differ on text, the reader follows pdfminer.


def _read_with(engine: str, path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from extract.readers import pdfdoc

    settings = {**pdfdoc.pdf_settings(), "engine": engine}
    monkeypatch.setattr(pdfdoc, "pdf_settings", lambda: settings)
    return read(path, path.name)


def _content(doc):  # type: ignore[no-untyped-def]
    blocks = [(b.kind, b.level, b.text, b.bold, b.prov[0].page) for b in doc.blocks]
    tables = [[(r.page_break_before, [(c.col, c.row_span, c.col_span, c.text, c.fill, c.bold, c.prov[0].page)
                                      for c in r.cells]) for r in t.rows] for t in doc.tables]
    return blocks, tables


@pytest.mark.parametrize("name", ["cfs-directorate-plan-2003.pdf", "childrens-services-action-matrix.pdf"])
def test_both_engines_read_the_sample_pdfs_alike(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every block and every cell (text, spans, fill, bold, page) the same, headings and the
    stitched landscape table included; cell boxes within a hundredth of a point."""
    old = _read_with("pdfplumber", SAMPLES / name, monkeypatch)
    new = _read_with("pdfium", SAMPLES / name, monkeypatch)
    assert _content(new) == _content(old)
    boxes = lambda d: [c.prov[0].bbox for t in d.tables for r in t.rows for c in r.cells]  # noqa: E731
    for a, b in zip(boxes(old), boxes(new), strict=True):
        assert max(abs(a.x0 - b.x0), abs(a.top - b.top), abs(a.x1 - b.x1), abs(a.bottom - b.bottom)) < 0.01


def _text(doc) -> str:  # type: ignore[no-untyped-def]
    return " ".join(" ".join(x.text.split()) for x in [*doc.blocks, *(c for t in doc.tables for r in t.rows for c in r.cells)])


def test_ligatures_read_as_one_glyph_as_wide_as_the_ligature() -> None:
    """PDFium splits ﬁ into f and i, both at the ligature's origin; read as pdfminer reads it, one
    glyph as wide as the ligature, the word stays whole ("offi ce" otherwise)."""
    text = _text(read(DATA / "google-env-report-bad-colorspace.pdf", "g.pdf"))
    assert "office campuses" in text and "significant" in text
    assert "offi ce" not in text and "signifi cant" not in text


def test_a_printed_space_after_a_kerning_gap_is_kept() -> None:
    """PDFium writes a space of its own at a wide kerning gap and drops the printed space after it
    as a double space; the printed one is kept: 'permits Since', not 'permitsSince'."""
    table = read(DATA / "fbi-nics-firearm-checks-landscape.pdf", "f.pdf").tables[0]
    notes = " ".join(" ".join(c.text.split()) for r in table.rows for c in r.cells)
    assert "handgun permits Since the permit check" in notes


def _pdf(path: Path, content: bytes, font: bytes) -> Path:
    """A one-page PDF written by hand: ``content`` drawn with ``font`` as /F1."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
               b"/Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream", font]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_glyph_without_unicode_reads_as_cid_and_a_leading_one_as_a_bullet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A glyph its font maps to no Unicode: pdfminer spells it (cid:N), PDFium gives its raw code
    (here 129); the reader spells it as pdfminer does, so a line starting with one is a list item
    and one inside a line prints nothing."""
    from extract.readers.pdf_pdfium import PdfiumPage, open_document

    font = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
            b"/BaseEncoding /WinAnsiEncoding /Differences [129 /zzmark] >> >>")
    content = (b"BT /F1 12 Tf 72 720 Td (\\201 Review the plan) Tj 0 -16 Td (Publish the \\201 charter) Tj "
               b"0 -16 Td (Train the staff) Tj ET")
    path = _pdf(tmp_path / "unmapped.pdf", content, font)
    pdf = open_document(path)
    page = PdfiumPage(pdf, 0)
    try:
        assert [c[0] for c in page.chars[:2]] == ["(cid:129)", " "]
    finally:
        page.close()
        pdf.close()
    new = _read_with("pdfium", path, monkeypatch)
    assert [(b.kind, b.text) for b in new.blocks] == [(BlockKind.list_item, "Review the plan"),
                                                       (BlockKind.paragraph, "Publish the charter"),
                                                       (BlockKind.paragraph, "Train the staff")]
    assert _content(new) == _content(_read_with("pdfplumber", path, monkeypatch))


def test_a_bullet_pdfminer_cannot_name_reads_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """reportlab's bullet: pdfminer finds no Unicode for it ((cid:127)), PDFium knows it as •.
    Either way the cell's lines are list items, and the engines agree on every cell."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    body = getSampleStyleSheet()["BodyText"]
    cell = [Paragraph("Audit the registers", body, bulletText="•"), Paragraph("Report to the board", body, bulletText="•")]
    table = Table([["Ref", "Action", "Lead Officer"], ["1.1", cell, "Ann Lee"]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))
    path = tmp_path / "bullets.pdf"
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build([table])
    new = _read_with("pdfium", path, monkeypatch)
    paras = next(c for r in new.tables[0].rows for c in r.cells if "Audit" in c.text).paras
    assert [(p.text, p.list_item) for p in paras] == [("Audit the registers", True), ("Report to the board", True)]
    assert _content(new) == _content(_read_with("pdfplumber", path, monkeypatch))


def test_gap_cuts_break_at_a_gap_wide_for_the_font_size_only() -> None:
    from extract.readers.pdf_words import gap_cuts

    def boxes(text: str, gaps: dict[int, float], width: float = 5.0, spacing: float = 0.0):  # type: ignore[no-untyped-def]
        out, x = [], 0.0
        for i, ch in enumerate(text):
            out.append((ch, x, x + width))
            x += width + spacing + gaps.get(i, 0.0)
        return out

    assert gap_cuts(boxes("withinNorfolk", {5: 2.4}), 11.0) == [6]  # 0.22 em, no space glyph
    assert gap_cuts(boxes("within", {2: 1.5}), 11.0) == []  # 0.14 em: kerning, not a word break
    assert gap_cuts(boxes("SUMMARY", {}, spacing=2.5), 11.0) == []  # tracked out: its usual spacing
    assert gap_cuts(boxes("SUMMARYTABLES", {6: 5.0}, spacing=2.5), 11.0) == [7]
    assert gap_cuts(boxes("مرحبا", {1: 3.0}), 11.0) == []  # right-to-left glyphs come in logical order


PLANS = REALWORLD / "plans"


@needs(PLANS)
@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_words_printed_without_a_space_glyph_are_apart(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Norfolk plan moves the next word on by 2.4 points and prints no space (pdftotext reads
    'Residential Solar'); every other word of the page stays whole."""
    import pdfplumber

    from extract.readers.pdf_pdfium import PdfiumPage, open_document
    from extract.readers.pdfdoc import _pdfplumber_words

    path = PLANS / "us_norfolk_va_climate_action_plan_2019.pdf"
    if engine == "pdfium":
        page = PdfiumPage(open_document(path), 26)
        texts = [w["text"] for w in page.words()]
        page.close()
    else:
        with pdfplumber.open(path) as pdf:
            texts = [w["text"] for w in _pdfplumber_words(pdf.pages[26], 0.2)]
    assert "ResidentialSolar–Increase" not in texts
    i = texts.index("Residential")
    assert texts[i:i + 4] == ["Residential", "Solar", "–", "Increase"]
    assert "withinNorfolk" not in texts
    assert all(len(t) > 1 or not t.isalpha() or t in {"a", "A", "I"} for t in texts), "no word cut into letters"


@needs(PLANS)
def test_sideways_margin_text_is_not_read_as_lines_of_letters() -> None:
    """The GEO plan's running head 'Women and the Economy' runs up the margin of upright pages."""
    doc = read(PLANS / "uk_geo_women_and_economy_government_action_plan_2013.pdf", "g.pdf")
    texts = [b.text for b in doc.blocks]
    assert "Womens Business Council Recommendations and Responses" in texts
    assert not [t for t in texts if t.strip() and len(t.replace(" ", "")) <= 2 and " " in t.strip() or t.strip() == "W"]
    assert not any("o m e n" in t for t in texts)


@needs(DATA)
def test_sideways_text_is_read_as_words_in_tables_and_dropped_beside_them() -> None:
    """Column headers written sideways inside a ruled table are words (in the characters'
    top-to-bottom order, as pdfplumber reads them), not one letter a word; a sideways margin label
    outside the table ('SUMMARY TABLES' up the edge of the page) is not body text."""
    doc = read(DATA / "election-results-vertical-headers.pdf", "e.pdf")
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "slatoT kooB lloP" in cells  # 'Poll Book Totals', written upwards
    assert not any(" u m b e " in c for c in cells)
    budget = _text(read(DATA / "us-budget-table-s4-rotate90.pdf", "b.pdf"))
    assert "SUMMARY" not in budget and "S U MM AR Y" not in budget
