"""report.html, checked in a real browser (headless Chromium): what a person sees and can filter."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from extract.outputs.records import DocumentRecord, ExtractedDocument
from extract.outputs.report import render_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _dom(page: Path, fragment: str = "") -> str:
    assert CHROMIUM, "headless Chromium is needed for this test: make test installs it (apt-get install chromium)"
    # A profile of its own: another Chromium on the machine (another test run) cannot hold its lock.
    with tempfile.TemporaryDirectory(prefix="plan-extract-chromium-") as profile:
        out = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
             "--dump-dom", page.resolve().as_uri() + fragment],
            capture_output=True, text=True, timeout=300, check=True,
        )
    return out.stdout


def test_report_is_written_with_every_run(flow_run_md: Path) -> None:
    html = (flow_run_md / "report.html").read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html  # self-contained
    assert "cfs-directorate-plan-2003.md" in html and "childrens-services-action-matrix.md" in html


def test_report_in_a_browser_filters_and_shows_provenance(flow_run_md: Path) -> None:
    dom = _dom(flow_run_md / "report.html", "#q=Chivers")
    assert 'id="count">1 rows shown' in dom
    # The one visible action row is 1.03, with its owners and where it came from.
    visible = [chunk for chunk in dom.split("<tr") if "hidden" not in chunk.split(">")[0]]
    row = next(c for c in visible if "Peter Chivers" in c)
    assert ">1.03<" in row and "table 6" in row and "rows" in row
    # No filter: every action and recommendation row is shown.
    dom = _dom(flow_run_md / "report.html")
    assert 'id="count">' in dom and "0 rows shown" not in dom


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    doc = ExtractedDocument(document=DocumentRecord(
        document_id="x" * 16, file_name="<img src=x onerror=alert(1)>.md", source_path="<img src=x onerror=alert(1)>.md",
        format="text", status="failed", error="<script>alert(1)</script>"))
    page = tmp_path / "report.html"
    page.write_text(render_report([doc]), encoding="utf-8")
    html = page.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    dom = _dom(page, "#status=failed")
    assert "<img src=" not in dom and 'id="count">' in dom


@pytest.mark.parametrize("fragment", ["#status=ok", "#q=LEAOF-5a"])
def test_filters_narrow_the_rows(flow_run_md: Path, fragment: str) -> None:
    dom = _dom(flow_run_md / "report.html", fragment)
    shown = int(dom.split('id="count">')[1].split(" ")[0])
    total = dom.count("<tr") - dom.count("<thead><tr")
    assert 0 < shown < total
