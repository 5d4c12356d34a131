"""The Word reader on real files: what python-docx alone would lose is present, once."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from extract.errors import ReadFailed, TooLarge, Unsupported
from extract.model import BlockKind
from extract.readers import read
from shared_files import REALWORLD, needs

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _path(name: str) -> Path:
    return next(p for p in (REALWORLD / "docx" / name, REALWORLD / "other" / name) if p.exists())


def _read(name: str):  # type: ignore[no-untyped-def]
    return read(_path(name), name)


def _rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text for c in r.cells] for r in table.rows]


@needs(REALWORLD)
def test_table_in_a_text_box_is_read_once() -> None:
    assert len(docx.Document(str(_path("table-inside-text-box.docx"))).tables) == 0  # python-docx sees none
    doc = _read("table-inside-text-box.docx")
    assert len(doc.tables) == 1  # stored twice (DrawingML + VML fallback), read once
    assert _rows(doc.tables[0])[0] == ["This is a test", "This is another test."]


@needs(REALWORLD)
def test_tables_inside_content_controls() -> None:
    doc = _read("complicated-doc-table-in-content-control.docx")
    assert len(doc.tables) == 3
    assert ["400", "500", "600"] in _rows(doc.tables[0]) + _rows(doc.tables[1]) + _rows(doc.tables[2])


@needs(REALWORLD)
def test_vertical_merges_are_one_cell_with_its_text_once() -> None:
    doc = _read("course-schedule-vmerge-nested-tables.docx")
    merged = [c for t in doc.tables for r in t.rows for c in r.cells if c.row_span > 1]
    assert merged and merged[0].text.startswith("Week 1") and merged[0].row_span == 2
    table = doc.tables[merged[0].prov[0].table]
    assert sum(1 for r in table.rows for c in r.cells if c.text == merged[0].text) == 1
    assert table.cell_at(merged[0].row + 1, merged[0].col) is merged[0]


@needs(REALWORLD)
def test_nested_tables_are_nested() -> None:
    doc = _read("course-schedule-vmerge-nested-tables.docx")
    nested = [t for t in doc.tables if t.parent is not None]
    assert len(nested) == 3
    for t in nested:
        parent = doc.tables[t.parent]
        holder = parent.cell_at(*t.parent_cell)
        assert holder is not None and t.index in holder.tables
    # Nested tables are not in the body order; top-level ones are.
    assert {b.table for b in doc.blocks if b.kind is BlockKind.table} == {t.index for t in doc.tables if t.parent is None}


@needs(REALWORLD)
def test_nested_only_document_keeps_its_text() -> None:
    # python-docx gives 3 outer tables whose cells are empty: all the text is in nested tables.
    doc = _read("drilling-procedure-nested-shaded-tables.docx")
    assert len(doc.tables) == 19 and sum(1 for t in doc.tables if t.parent is not None) == 16
    assert "Task Name:" in {c.text for t in doc.tables for r in t.rows for c in r.cells}


@needs(REALWORLD)
def test_grid_before_offsets_place_cells_in_their_grid_column() -> None:
    doc = _read("tables-incomplete-rows-gridbefore.docx")
    assert [(c.col, c.text) for c in doc.tables[3].rows[1].cells] == [(1, "c"), (2, "d")]


@needs(REALWORLD)
def test_tracked_changes_are_read_as_accepted() -> None:
    doc = _read("analytical-method-tracked-changes-tables.docx")
    text = " ".join(doc.text().split())
    assert "Consider stage IV in the below chromatogram as stage III" in text  # a w:ins python-docx drops
    assert "Chromatpgrams" not in text and "Chromatograms" in text  # deleted slip out, insertion in
    rows = _rows(_read("tracked-deleted-table-row.docx").tables[0])
    assert rows == [["111", "222"], ["333", "444"], ["777", "888"]]  # the deleted row is gone


@needs(REALWORLD)
def test_shading_becomes_the_cell_fill() -> None:
    doc = _read("drilling-procedure-nested-shaded-tables.docx")
    fills = {c.text: c.fill for t in doc.tables for r in t.rows for c in r.cells if c.fill}
    assert fills["Task Name:"] == "#D9D9D9" and len(fills) > 20


def test_shading_maps_to_status_in_an_action_table(tmp_path: Path) -> None:
    # A plan whose only status is the cell colour.
    d = docx.Document()
    d.add_heading("Attendance Improvement Plan 2009-2010", level=1)
    table = d.add_table(rows=4, cols=5)
    rows = [["Ref", "Action", "Lead Officer", "Deadline", "RAG"],
            ["1.1", "Publish the attendance strategy", "Ann Lee", "March 2010", ""],
            ["1.2", "Train all attendance officers", "Bob Kay", "June 2009", ""],
            ["1.3", "Review the exclusion protocol", "Cy Dunn", "Sept 2009", "Green"]]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    for r, colour in ((1, "FF0000"), (2, "FFC000"), (3, "FF0000")):
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:fill"), colour)
        table.cell(r, 4)._tc.get_or_add_tcPr().append(shd)
    path = tmp_path / "plan.docx"
    d.save(str(path))
    from extract.run.pipeline import extract_file

    result = extract_file(path, tmp_path)
    status = {a.action_ref: a.status for a in result.actions}
    assert status == {"1.1": "red", "1.2": "amber", "1.3": "green"}  # a printed word wins over colour


@needs(REALWORLD)
def test_a_docx_renamed_doc_is_read_by_its_content() -> None:
    doc = _read("docx-content-with-doc-extension.doc")
    assert doc.format == "docx" and doc.blocks


@needs(REALWORLD)
def test_renamed_main_part_is_found_through_relationships() -> None:
    doc = _read("renamed-main-document-part.docx")
    assert doc.blocks


@needs(REALWORLD)
@pytest.mark.parametrize(
    ("name", "error", "reason"),
    [("legacy-word-form-with-tables.doc", Unsupported, "legacy Word .doc: save as .docx"),
     ("iso-strict-ooxml-table.docx", ReadFailed, "strict OOXML")],
)
def test_files_word_cannot_read_say_what_to_do(name: str, error: type, reason: str) -> None:
    with pytest.raises(error, match=reason):
        _read(name)


def test_odt_and_lock_files(tmp_path: Path) -> None:
    odt = tmp_path / "plan.odt"
    with zipfile.ZipFile(odt, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<x/>")
    with pytest.raises(Unsupported, match="OpenDocument"):
        read(odt, "plan.odt")
    lock = tmp_path / "~$plan.docx"
    lock.write_bytes(b"\x05Owner" + b"\0" * 150)
    with pytest.raises(Unsupported, match="lock file"):
        read(lock, lock.name)


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    shutil.copy(SAMPLES / "childrens-services-action-matrix.docx", bomb)
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/padding.bin", b"\0" * (210 * 1024 * 1024))
    with pytest.raises(TooLarge, match="zip bomb"):
        read(bomb, bomb.name)


def test_xml_entities_are_not_expanded(tmp_path: Path) -> None:
    src = SAMPLES / "childrens-services-action-matrix.docx"
    evil = tmp_path / "evil.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(evil, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                head = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
                        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
                        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
                data = head + data.split(b"?>", 1)[1].replace(b"STRATEGIC POLICIES", b"&c;&xxe;", 1)
            zout.writestr(item, data)
    try:
        doc = read(evil, evil.name)
    except ReadFailed:
        return  # refusing the file is as good as not expanding it
    text = doc.text()
    assert "root:" not in text and "aaaaaaaaaa" * 10 not in text


def test_samples_match_their_text_twins() -> None:
    for stem in ("cfs-directorate-plan-2003", "childrens-services-action-matrix"):
        word = read(SAMPLES / f"{stem}.docx", f"{stem}.docx")
        text = read(SAMPLES / f"{stem}.md", f"{stem}.md")
        assert [t.n_cols for t in word.tables] == [t.n_cols for t in text.tables]
        word_heads = [b.text for b in word.blocks if b.kind is BlockKind.heading]
        text_heads = {b.text for b in text.blocks if b.kind is BlockKind.heading}
        assert word_heads[0] in text_heads
        assert sum(h in text_heads for h in word_heads) >= 0.8 * len(word_heads)
