"""The report shows before it tells: overview charts on top, and beside each action read from a
PDF a picture of its row as printed. Checked in headless Chromium, by DOM and by screenshot,
over the samples and real plans (read in place from ../shared, never copied)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from extract.outputs.report_overview import COLOURS, DUE, OVERDUE
from extract.outputs.snapshots import RunInfo
from extract.outputs.writers import write_datasets
from extract.run.pipeline import extract_file
from shared_files import REALWORLD

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
REAL_PLANS = REALWORLD / "plans"
# The real plans that print action tables and read in seconds (the two longest, 58 and 88 pages,
# take half a minute each and add nothing the others do not show).
REAL = ["uk_cabinet_office_transparency_board_pm_commitments_update_2010.pdf",
        "uk_kent_cc_integrated_care_strategy_priorities_actions_2025.pdf",
        "us_fayetteville_nc_sustainability_master_plan_2009.pdf",
        "uk_geo_women_and_economy_government_action_plan_2013.pdf"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
WASTE = """# Harbourside Waste and Recycling Action Plan

Harbourside Borough Council

| Ref | Action | Lead Officer | Target date | Status |
|---|---|---|---|---|
| 1.1 | Publish the recycling strategy | Ann Lee | March 2025 | Complete |
| 1.2 | Review the bulky waste service | Bob Kay | June 2025 | {status} |
| 1.3 | Train the enforcement officers | Cara Ng | September 2027 | Red |
| 1.4 | Replace the street bins | Dev Patel | March 2099 | Green |
"""


def _chromium(page: str, *args: str) -> str:
    assert CHROMIUM, "headless Chromium is needed for this test: apt-get install chromium (.ci/run does)"
    out = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                          "--virtual-time-budget=8000", *args, page], capture_output=True, text=True, timeout=180, check=True)
    return out.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """Two writes of the samples, four real plans and a small plan whose status changes between
    them; returns the output folder of the second, and the inode of each picture after the first."""
    if not REAL_PLANS.is_dir():
        pytest.skip(f"the shared real-world plans are not at {REAL_PLANS}")
    tmp = tmp_path_factory.mktemp("overview")
    extra = tmp / "extra"
    extra.mkdir()
    docs = [extract_file(p, SAMPLES) for p in sorted(SAMPLES.iterdir()) if p.name != "README.md"]
    docs += [extract_file(REAL_PLANS / name, REAL_PLANS) for name in REAL]
    out = tmp / "out"
    inodes: dict[str, int] = {}
    for i, status in enumerate(("Amber", "Red")):
        (extra / "harbourside-waste-plan.md").write_text(WASTE.format(status=status), encoding="utf-8")
        run = RunInfo(f"run{i}", dt.datetime.now(dt.timezone.utc), [SAMPLES, REAL_PLANS, extra])
        write_datasets(docs + [extract_file(extra / "harbourside-waste-plan.md", extra)], out, run=run)
        if i == 0:
            inodes = {p.name: p.stat().st_ino for p in (out / "report_files").iterdir()}
    return out, inodes


def test_overview_charts_come_first_and_are_drawn(report: tuple[Path, dict], tmp_path: Path) -> None:
    page = (report[0] / "report.html").as_uri()
    dom = _chromium(page, "--dump-dom")
    assert dom.index('id="overview"') < dom.index("<h2>Documents</h2>") < dom.index('class="doc"')
    overview = dom.split('<section id="overview">')[1].split("<h2>Documents</h2>")[0]
    # RAG per document: the waste plan's red, amber/green bars; the sample plans' unrated actions.
    rag = overview.split('id="chart-rag"')[1].split("</figure>")[0]
    for status in ("red", "green", "none"):
        assert f'class="rag-{status}"' in rag
    assert "harbourside-waste-plan.md" in rag and "cfs-directorate-plan-2003.pdf" in rag
    timeline = overview.split('id="chart-timeline"')[1].split("</figure>")[0]
    assert timeline.count('class="month"') >= 10 and 'class="late"' in timeline and "2099" in timeline
    owners = overview.split('id="chart-owners"')[1].split("</figure>")[0]
    assert "Janette Karklins" in owners and "overdue" in owners
    changes = overview.split('<section id="changes">')[1].split("</section>")[0]
    assert "1 status changed" in changes and "amber → red" in changes

    shot = tmp_path / "overview.png"
    _chromium(page, f"--screenshot={shot}", "--window-size=1400,1500")
    colours = _colours(shot)
    for name, hex_colour in (("overdue", OVERDUE), ("due", DUE), ("red", COLOURS["red"]), ("green", COLOURS["green"]),
                             ("none", COLOURS["none"])):
        assert colours[_rgb(hex_colour)] > 150, f"{name} ({hex_colour}) is not drawn in {shot}"


def test_an_action_from_a_pdf_shows_its_row_as_printed(report: tuple[Path, dict], tmp_path: Path) -> None:
    page = (report[0] / "report.html").as_uri() + "#q=Chivers%20page%206"
    dom = _chromium(page, "--dump-dom", "--window-size=1400,1600")
    assert 'id="count">1 rows shown' in dom
    section = dom.split("cfs-directorate-plan-2003.pdf</h2>")[1].split("</section>")[0]
    rows = section.split("<tr")
    i = next(i for i, r in enumerate(rows) if "Peter Chivers" in r and "hidden" not in r.split(">")[0])
    assert ">1.03<" in rows[i]
    picture = rows[i + 1]
    assert 'class="pic-row"' in picture and "hidden" not in picture.split(">")[0]
    assert 'class="srcpic"' in picture and 'data-loaded="1"' in picture  # the browser loaded the image
    name = picture.split('src="report_files/')[1].split('"')[0]
    with Image.open(report[0] / "report_files" / name) as im:
        w, h = im.size
    assert w > 900 and 40 < h < 200  # a full-width strip one table row high

    shot = tmp_path / "pdf-action.png"
    _chromium(page, f"--screenshot={shot}", "--window-size=1400,2600")
    with Image.open(shot) as im:
        assert im.getbbox() is not None


def test_pictures_are_reused_by_the_next_run_not_rendered_again(report: tuple[Path, dict]) -> None:
    out, first = report
    pictures = {p.name: p.stat().st_ino for p in (out / "report_files").iterdir()}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert len(pictures) >= 59 and all(f"report_files/{name}" in html for name in pictures)
    assert pictures == first  # the same files, linked into the new output, not drawn again


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _colours(path: Path) -> Counter[tuple[int, int, int]]:
    with Image.open(path) as im:
        return Counter(im.convert("RGB").get_flattened_data())


def test_a_long_report_keeps_later_tables_as_text_until_needed(tmp_path: Path) -> None:
    """Past INLINE_ROWS rows, documents keep their tables as text (no DOM) until scrolled to or
    filtered; filtering still finds their rows, and their text stays escaped."""
    import hashlib

    from extract.outputs.report import INLINE_ROWS, render_report

    base = extract_file(SAMPLES / "cfs-directorate-plan-2003.md", SAMPLES)
    docs = []
    for i in range(12):
        d = base.model_copy(deep=True)
        d.document.document_id = hashlib.sha256(str(i).encode()).hexdigest()[:16]
        d.document.source_path = f"copy-{i:02d}.md"
        docs.append(d)
    docs[-1].actions[0].title = "</script><script>document.title='pwned'</script> Chivers"
    page = tmp_path / "report.html"
    page.write_text(render_report(docs), encoding="utf-8")
    total = 12 * 59
    assert total > INLINE_ROWS

    dom = _chromium(page.as_uri(), "--dump-dom", "--window-size=1400,900")
    shown = total + len(docs) + sum(len(d.warnings) for d in docs)  # with the documents and warnings tables
    assert f'id="count">{shown} rows shown' in dom
    assert dom.count('<script type="text/html"') == 3  # documents 10-12 wait as text
    parsed = "".join(chunk.split("</script>", 1)[-1] for chunk in dom.split('<script type="text/html"'))
    assert parsed.count("<tr") - parsed.count("<thead><tr") == shown - 3 * 59

    dom = _chromium(page.as_uri() + "#q=Chivers", "--dump-dom")
    assert 'id="count">13 rows shown' in dom  # 1.03 in every copy, and the retitled action in the last
    last = dom.split("copy-11.md</h2>")[1]
    assert '<script type="text/html"' not in last.split("</section>")[0]
    assert "&lt;/script&gt;&lt;script&gt;document.title='pwned'&lt;/script&gt; Chivers" in last
    assert "<title>plan-extract review</title>" in dom
