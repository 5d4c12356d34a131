"""Pictures of PDF source rows: a row is cut from the page as the reader saw it (pages stored
turned or with sideways text come out upright), and a file pdfium cannot open costs only its
pictures."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from extract.outputs.source_pictures import Region, render_isolated
from extract.readers import read
from shared_files import REALWORLD, needs

DATA = REALWORLD / "pdf"
pytestmark = needs(REALWORLD)


def _row_picture(name: str, row: int, folder: Path) -> Image.Image:
    table = read(DATA / name, name).tables[0]
    boxes = [p.bbox for c in table.rows[row].cells for p in c.prov if p.bbox]
    page = table.rows[row].cells[0].prov[0].page
    region = Region(page, min(b.top for b in boxes), max(b.bottom for b in boxes))
    assert render_isolated(DATA / name, [(f"{name}.jpg", region)], folder)
    return Image.open(folder / f"{name}.jpg").convert("L")


def test_a_page_stored_turned_gives_the_same_row_as_its_upright_copy(tmp_path: Path) -> None:
    """/Rotate 90 (text running down the stored page): the row's picture matches the one cut
    from the upright landscape copy of the same page."""
    upright = _row_picture("fbi-nics-firearm-checks-landscape.pdf", 3, tmp_path)
    turned = _row_picture("fbi-nics-firearm-checks-rotate90.pdf", 3, tmp_path)
    assert upright.size == turned.size and upright.width > 15 * upright.height
    assert ImageStat.Stat(ImageChops.difference(upright, turned)).mean[0] < 8


def test_a_table_drawn_sideways_comes_out_upright(tmp_path: Path) -> None:
    picture = _row_picture("india-nutrition-survey-text-rotated-table.pdf", 2, tmp_path)
    assert picture.width > 20 * picture.height  # one row across, not a column down


def test_a_file_pdfium_cannot_open_costs_only_its_pictures(tmp_path: Path) -> None:
    region = Region(1, 10.0, 40.0)
    assert render_isolated(DATA.parent / "other" / "empty-zero-bytes.pdf", [("x.jpg", region)], tmp_path) is False
    assert not (tmp_path / "x.jpg").exists() and not list(tmp_path.glob("*.tmp"))
    # A region on a page the file does not have is no picture, not an error.
    assert render_isolated(DATA / "fbi-nics-firearm-checks-landscape.pdf", [("y.jpg", Region(99, 1.0, 2.0))], tmp_path)
    assert not (tmp_path / "y.jpg").exists()
