"""The text-export reader on the samples and on small exports written here."""

from pathlib import Path

import pytest

from extract.errors import Unsupported
from extract.model import BlockKind
from extract.readers import read

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_cfs_export_tables_and_headings() -> None:
    doc = read(SAMPLES / "cfs-directorate-plan-2003.md", "cfs-directorate-plan-2003.md")
    assert doc.format == "text" and doc.pages is None
    headings = [b.text for b in doc.blocks if b.kind is BlockKind.heading]
    assert headings[0] == "Children, Families and Schools"
    action = next(t for t in doc.tables if "Themes & Objectives" in " ".join(c.text for c in t.rows[0].cells))
    assert action.n_cols == 7
    # The continuation row after a page break is marked, not merged, by the reader.
    cont = [r for r in action.rows if r.page_break_before]
    assert cont and any("Chivers" in c.text for r in cont for c in r.cells)
    # Bullets inside a cell are separate paragraphs, marked as list items, bullet glyph removed.
    cell = next(c for r in action.rows for c in r.cells if c.text.startswith("Review and update the action plan"))
    assert len(cell.paras) == 4 and all(p.list_item for p in cell.paras)
    assert cell.prov[0].line is not None and cell.prov[0].table == action.index


def test_pipe_table_and_html(tmp_path: Path) -> None:
    md = tmp_path / "plan.md"
    md.write_text("# Plan\n\n| Ref | Action | Lead |\n|---|---|---|\n| 1.1 | Do it | Ann Lee |\n", encoding="utf-8")
    doc = read(md, "plan.md")
    [table] = doc.tables
    assert [[c.text for c in r.cells] for r in table.rows] == [["Ref", "Action", "Lead"], ["1.1", "Do it", "Ann Lee"]]
    html = tmp_path / "plan.html"
    html.write_text(
        "<h1>Plan</h1><table><tr><th>Ref</th><th colspan=2>Action</th></tr>"
        "<tr><td rowspan=2>1</td><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>",
        encoding="utf-8",
    )
    doc = read(html, "plan.html")
    [table] = doc.tables
    assert table.rows[0].cells[1].col_span == 2
    assert table.rows[1].cells[0].row_span == 2 and table.rows[2].cells[0].col == 1


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"", "empty.md", "empty file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.doc", "legacy Word .doc: save as .docx"),
        (b"{\\rtf1\\ansi hello}", "note.rtf", "RTF"),
    ],
)
def test_unsupported_files_say_what_to_do(tmp_path: Path, content: bytes, name: str, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(Unsupported, match=reason):
        read(path, name)


def test_fill_only_status_kept_from_cell_markup(tmp_path: Path) -> None:
    """A text export keeps a fill-only RAG cell as a coloured span: the colour is the cell's fill."""
    from extract.readers import read

    path = tmp_path / "plan.md"
    path.write_text(
        "Ref\tAction\tLead\tStatus\n"
        'R1\tOpen the hub\tAnn Lee\t<span style="background-color:#00B050">&nbsp;</span>\n'
        "R2\tClose the depot\tBob Ray\t<td bgcolor='#f00'></td>\n",
        encoding="utf-8",
    )
    doc = read(path, "plan.md")
    fills = [[c.fill for c in row.cells] for row in doc.tables[0].rows]
    assert fills[1][3] == "#00B050"
    assert fills[2][3] == "#FF0000"
    assert fills[0] == [None, None, None, None]
