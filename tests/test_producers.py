"""Plans printed by other producers than our renderers: HTML pages printed to PDF by headless
Chromium (table rules are CSS borders drawn as filled rectangles, cells have CSS padding, the
browser repeats <thead> rows on every page). Each test builds its file at test time and runs it
through the real reader and extractor. LibreOffice renderings are measured by
``benchmarks/producers.py`` (LibreOffice is not installed for the tests).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from extract import readers
from extract.run.pipeline import extract_file

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")


def print_html(tmp_path: Path, name: str, body: str, css: str = "") -> Path:
    """``body`` as an HTML page printed to ``name``.pdf by headless Chromium."""
    page = tmp_path / f"{name}.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 1.5cm; } body { font-family: 'Liberation Sans', sans-serif; font-size: 10pt; }"
        f"td, th {{ vertical-align: top; text-align: left; }} {css}</style></head><body>{body}</body></html>",
        encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", str(page)], check=True, capture_output=True, timeout=120)
    return pdf


@needs_chromium
def test_borderless_web_table_with_tight_padding_keeps_its_columns_and_rows(tmp_path: Path) -> None:
    """A borderless table whose cell padding leaves gutters of about one font size, its action
    column so narrow that each row wraps over several lines: every column is found and each
    printed row, however many lines it wraps over, is one row."""
    rows = "".join(
        f"<tr><td>AQ{i}</td><td>Work with the highways authority and the bus operators to review"
        f" the signal timings at junction {i} so that queuing traffic is reduced at peak times.</td>"
        f"<td>Principal Transport Planner</td><td>March 2013</td></tr>" for i in range(1, 13))
    pdf = print_html(tmp_path, "unruled",
                     "<h1>Air Quality Action Plan</h1><table style='border-collapse:collapse'>"
                     "<thead><tr><th>Ref</th><th style='width:30%'>Action</th><th style='width:18%'>Lead</th>"
                     f"<th>Deadline</th></tr></thead><tbody>{rows}</tbody></table>",
                     css="td, th { padding: 2pt 5pt; }")
    doc = readers.read(pdf, pdf.name)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Ref", "Action", "Lead", "Deadline"]
    assert len(table.rows) == 13
    assert [c.text for c in table.rows[12].cells][0::2] == ["AQ12", "Principal Transport Planner"]
    result = extract_file(pdf, tmp_path)
    actions = {a.action_ref: a for a in result.actions}
    assert sorted(actions, key=lambda r: int(r[2:])) == [f"AQ{i}" for i in range(1, 13)]
    assert actions["AQ7"].title.endswith("queuing traffic is reduced at peak times.")
    assert actions["AQ7"].owners == ["Principal Transport Planner"]


@needs_chromium
def test_tables_nested_in_cells_are_nested_and_their_host_runs_over_the_page_break(tmp_path: Path) -> None:
    """A web page's ruled table with a steps-and-dates table inside a cell of each row, over two
    pages with its header repeated: the cell padding keeps the inner rules off the host's, so the
    finder reports the inner tables on their own. Each is nested in its cell (as Word nests it),
    the host is one table across the break, and every step's date reaches its action."""
    months = ["May 2004", "Sept 2004", "Jan 2005", "Spring term 2005"]
    rows = "".join(
        f"<tr><td>{i}</td><td>Improve outcome number {i} for the pupils of the borough</td><td>"
        + "<table class='ruled' style='margin:6pt 0'>"
        + "".join(f"<tr><td>Step {k} of objective {i}</td><td>{months[(i + k) % 4]}</td></tr>" for k in (1, 2, 3))
        + f"</table></td><td>Andrew Slater</td></tr>" for i in range(1, 13))
    pdf = print_html(tmp_path, "nested",
                     "<h1>School Improvement Plan</h1><table class='ruled' style='width:100%'>"
                     "<thead><tr><th>No.</th><th>Objective</th><th>Steps and timescales</th><th>Who</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table>",
                     css="table.ruled { border-collapse: collapse; } table.ruled td, table.ruled th "
                         "{ border: 0.75pt solid #000; padding: 3pt 5pt; } tr { break-inside: avoid; }")
    doc = readers.read(pdf, pdf.name)
    assert doc.pages == 2
    top = [t for t in doc.tables if t.parent is None]
    assert len(top) == 1 and len(top[0].rows) == 13  # the header repeated on page 2 is dropped
    host = top[0]
    cell = host.cell_at(12, 2)
    assert cell is not None and cell.text == "" and len(cell.tables) == 1
    inner = doc.tables[cell.tables[0]]
    assert inner.parent == host.index and inner.parent_cell == (12, 2)
    assert [[c.text for c in r.cells] for r in inner.rows][0] == ["Step 1 of objective 12", months[13 % 4]]
    result = extract_file(pdf, tmp_path)
    actions = {a.action_ref: a for a in result.actions}
    assert sorted(actions, key=int) == [str(i) for i in range(1, 13)]
    assert [m.date_raw for m in actions["12"].milestones] == [months[(12 + k) % 4] for k in (1, 2, 3)]
    assert actions["12"].owners == ["Andrew Slater"]


@needs_chromium
def test_list_markers_drawn_as_discs_are_bullets(tmp_path: Path) -> None:
    """Chromium paints a list item's marker as a small filled disc (a nested list's as a hollow
    circle, the next as a square), so the text layer has no bullet: the items are still list
    items, in the body and inside a table cell; a full stop in running text stays text."""
    pdf = print_html(tmp_path, "bullets",
                     "<h2>Recommendations</h2><p>The partners should, for immediate action:</p>"
                     "<ul><li>ensure that every child has a named social worker</li>"
                     "<li>complete initial assessments within seven days<ul><li>report weekly. Then monthly.</li>"
                     "<ul><li>in writing</li></ul></ul></li></ul>"
                     "<table style='border-collapse:collapse'><tr><td style='border:1px solid #000'>Train staff"
                     "<ul><li>Book the venue</li><li>Run two sessions</li></ul></td>"
                     "<td style='border:1px solid #000'>Lead officer</td></tr></table>")
    doc = readers.read(pdf, pdf.name)
    items = [(b.kind.value, b.text) for b in doc.blocks if b.kind.value in ("paragraph", "list_item")]
    assert items == [("paragraph", "The partners should, for immediate action:"),
                     ("list_item", "ensure that every child has a named social worker"),
                     ("list_item", "complete initial assessments within seven days"),
                     ("list_item", "report weekly. Then monthly."),
                     ("list_item", "in writing")]
    cell = doc.tables[0].rows[0].cells[0]
    assert [(p.text, p.list_item) for p in cell.paras] == [
        ("Train staff", False), ("Book the venue", True), ("Run two sessions", True)]


@needs_chromium
def test_bold_paragraph_wrapped_onto_a_sentence_end_is_one_paragraph(tmp_path: Path) -> None:
    """A bold numbered action wrapping onto a second line that ends the sentence (as LibreOffice
    printed a key: value plan on a narrower page): one bold paragraph, not a heading followed by
    a stray 'Programme.' line."""
    pdf = print_html(tmp_path, "keyvalue",
                     "<h2>Priority 1: More homes</h2><p><b>1. Bring forward council-owned sites for affordable housing"
                     " through the council's own housing delivery and regeneration Programme.</b></p>"
                     "<p><b>Lead:</b> Head of Housing</p><p><b>Timescale:</b> March 2018</p>")
    doc = readers.read(pdf, pdf.name)
    texts = [(b.kind.value, b.text) for b in doc.blocks]
    assert texts == [("heading", "Priority 1: More homes"),
                     ("paragraph", "1. Bring forward council-owned sites for affordable housing through the"
                                   " council's own housing delivery and regeneration Programme."),
                     ("paragraph", "Lead: Head of Housing"), ("paragraph", "Timescale: March 2018")]


@needs_chromium
def test_paragraphs_of_a_cell_apart_by_their_margin_are_two_even_when_each_wraps(tmp_path: Path) -> None:
    """A browser puts a paragraph's margin (here 2pt) between the paragraphs of a cell and nothing
    more, and in a narrow column the second paragraph's first word would not have fitted after
    the first: the extra pitch parts them. A sentence wrapped over several lines stays one."""
    rows = "".join(
        f"<tr><td>1.{i:02d}</td><td>Review the allotments waiting list with the parish councils and the tenants"
        f" association before the budget is set</td><td><p>July 10</p><p>2010/11</p></td>"
        f"<td><p>Jonathan Pell</p><p>Corporate Management Team</p></td></tr>" for i in range(1, 4))
    pdf = print_html(tmp_path, "margins",
                     "<h1>Corporate Delivery Plan</h1><table style='border-collapse:collapse'>"
                     "<thead><tr><th>Ref</th><th style='width:45%'>Action</th><th style='width:60pt'>Target date</th>"
                     f"<th style='width:85pt'>Lead officer</th></tr></thead><tbody>{rows}</tbody></table>",
                     css="td, th { border: 1px solid black; padding: 2pt 4pt; } td p { margin: 0 0 2pt 0; }")
    doc = readers.read(pdf, pdf.name)
    row = doc.tables[0].rows[1]
    assert [[p.text for p in c.paras] for c in row.cells] == [
        ["1.01"],
        ["Review the allotments waiting list with the parish councils and the tenants association before the budget is set"],
        ["July 10", "2010/11"],
        ["Jonathan Pell", "Corporate Management Team"]]
    actions = {a.action_ref: a for a in extract_file(pdf, tmp_path).actions}
    assert actions["1.02"].owners == ["Jonathan Pell", "Corporate Management Team"]


@needs_chromium
def test_compound_broken_at_its_hyphen_reads_as_printed(tmp_path: Path) -> None:
    """A browser breaks "Short-term" after its hyphen at the end of a line: the paragraph reads
    "Short-term" again (not "Short- term"), so a legend's timescale words are found."""
    text = ("very Each strategy shows when it is expected to be completed and which department leads it."
            " Timeline: Short-term by 2021; Medium-term by 2025; Long-term by 2030.")
    pdf = print_html(tmp_path, "hyphen", f"<p>{text}</p>")
    with pdfplumber.open(pdf) as printed:
        assert "Short-\nterm" in printed.pages[0].extract_text()  # the break this test is about
    assert [b.text for b in readers.read(pdf, pdf.name).blocks] == [text]
