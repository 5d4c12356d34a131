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
