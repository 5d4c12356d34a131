"""The format-neutral document model that every reader produces and every extractor reads.

A reader turns a file into a :class:`Document`: an ordered list of :class:`Block` (headings,
paragraphs, list items, and table placeholders) plus a flat list of :class:`Table`. Tables hold
rows of :class:`Cell`; a cell holds its paragraphs (one per bullet or line), its spans, its fill
colour and the indices of tables nested inside it. Everything carries :class:`Provenance`, so an
extracted value can be traced to file, page, table, row and cell.

Coordinates, where a reader has them, are PDF points with the origin at the top-left of the page
(pdfplumber's ``top``/``bottom`` convention), stated on every :class:`BBox`.

Readers build documents through :meth:`Document.add_block` and :meth:`Document.add_table`, which
keep indices and provenance consistent. Readers know nothing about actions or plans.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MODEL_VERSION = "1.0"


class BlockKind(str, Enum):
    heading = "heading"
    paragraph = "paragraph"
    list_item = "list_item"
    table = "table"


class BBox(BaseModel):
    model_config = ConfigDict(frozen=True)

    x0: float
    top: float
    x1: float
    bottom: float
    origin: Literal["top-left"] = "top-left"


class Provenance(BaseModel):
    """Where a piece of text sits in its source file. Unknown parts stay None."""

    model_config = ConfigDict(frozen=True)

    file: str
    page: int | None = None  # 1-based; None where the format has no fixed pages (Word, text)
    block: int | None = None  # index into Document.blocks
    table: int | None = None  # index into Document.tables
    row: int | None = None  # 0-based row index within the table
    col: int | None = None  # 0-based grid column of the cell
    line: int | None = None  # 1-based source line, for text exports
    bbox: BBox | None = None
    sheet: str | None = None  # worksheet name, for spreadsheets
    cell: str | None = None  # cell address as the spreadsheet prints it ("C14"; a merge's top-left)


class Para(BaseModel):
    """One paragraph, line or bullet inside a cell."""

    text: str
    list_item: bool = False  # printed as a bullet or numbered item
    level: int = 0  # list nesting level
    bold: bool = False


class Cell(BaseModel):
    row: int
    col: int  # grid column where the cell starts
    row_span: int = 1
    col_span: int = 1
    text: str = ""  # the paragraphs joined by newlines, whitespace collapsed within each
    paras: list[Para] = Field(default_factory=list)
    fill: str | None = None  # background colour as "#RRGGBB" where the source gives one
    bold: bool = False  # the whole cell is bold (common for header and theme rows)
    tables: list[int] = Field(default_factory=list)  # indices of tables nested in this cell
    prov: list[Provenance] = Field(default_factory=list)  # two entries when split by a page break
    # First row after a page break (PDF): the cell's first line would not have fitted at the end of
    # the cell above, so if the row continues the one above, its first paragraph wraps that cell's last.
    wraps_above: bool = False


class Row(BaseModel):
    index: int
    cells: list[Cell] = Field(default_factory=list)
    header: bool = False  # marked as a (repeating) header row by the source
    page_break_before: bool = False  # first row after a page break inside the table
    prov: list[Provenance] = Field(default_factory=list)


class Table(BaseModel):
    index: int
    rows: list[Row] = Field(default_factory=list)
    n_cols: int = 0
    parent: int | None = None  # index of the table this one is nested in
    parent_cell: tuple[int, int] | None = None  # (row, col) of the cell holding it
    caption: str | None = None
    prov: list[Provenance] = Field(default_factory=list)

    def cell_at(self, row: int, col: int) -> Cell | None:
        """The cell covering grid position (row, col), taking spans into account."""
        for r in self.rows:
            for c in r.cells:
                if c.row <= row < c.row + c.row_span and c.col <= col < c.col + c.col_span:
                    return c
        return None


class Block(BaseModel):
    index: int
    kind: BlockKind
    text: str = ""
    level: int = 0  # heading level (1 = top) or list nesting level
    bold: bool = False
    style: str | None = None  # the source's style name where it has one ("Heading 2")
    table: int | None = None  # for kind == table: index into Document.tables
    prov: list[Provenance] = Field(default_factory=list)


class ReaderWarning(BaseModel):
    code: str
    message: str
    prov: Provenance | None = None


class Document(BaseModel):
    """A parsed file, before any extraction."""

    model_version: str = MODEL_VERSION
    source_path: str  # relative to the input folder
    format: str  # pdf, docx, xlsx, csv, text
    pages: int | None = None
    blocks: list[Block] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    warnings: list[ReaderWarning] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)

    def add_block(
        self,
        kind: BlockKind,
        text: str = "",
        *,
        level: int = 0,
        bold: bool = False,
        style: str | None = None,
        page: int | None = None,
        line: int | None = None,
        bbox: BBox | None = None,
    ) -> Block:
        index = len(self.blocks)
        prov = Provenance(file=self.source_path, page=page, block=index, line=line, bbox=bbox)
        block = Block(index=index, kind=kind, text=text, level=level, bold=bold, style=style, prov=[prov])
        self.blocks.append(block)
        return block

    def add_table(
        self,
        rows: list[list[Cell]],
        *,
        header_rows: int = 0,
        parent: int | None = None,
        parent_cell: tuple[int, int] | None = None,
        page: int | None = None,
        line: int | None = None,
        in_body: bool = True,
    ) -> Table:
        """Add a table built from rows of cells; fills indices and provenance.

        Cells need only ``text``/``paras`` and, where known, ``col``, spans, fill and their own
        ``prov`` (page, bbox). Row indices are set here; a cell without provenance gets the
        table's page and line. A top-level table (``in_body``) also gets a table block in the
        body order; a nested table does not.
        """
        index = len(self.tables)
        table = Table(index=index, parent=parent, parent_cell=parent_cell)
        n_cols = 0
        for r, cells in enumerate(rows):
            row = Row(index=r, header=r < header_rows)
            for c in cells:
                c.row = r
                if not c.prov:
                    c.prov = [Provenance(file=self.source_path, page=page, table=index, row=r, col=c.col, line=line)]
                else:
                    c.prov = [p.model_copy(update={"table": index, "row": r, "col": c.col}) for p in c.prov]
                if not c.text and c.paras:
                    c.text = "\n".join(p.text for p in c.paras)
                if c.text and not c.paras:
                    c.paras = [Para(text=t) for t in c.text.split("\n") if t.strip()]
                row.cells.append(c)
                n_cols = max(n_cols, c.col + c.col_span)
            pages = sorted({p.page for c in row.cells for p in c.prov if p.page is not None})
            row.prov = [Provenance(file=self.source_path, page=pg, table=index, row=r) for pg in pages] or [
                Provenance(file=self.source_path, page=page, table=index, row=r, line=line)
            ]
            table.rows.append(row)
        table.n_cols = n_cols
        table.prov = [Provenance(file=self.source_path, page=page, table=index, line=line)]
        self.tables.append(table)
        if in_body:
            block = self.add_block(BlockKind.table, page=page, line=line)
            block.table = index
        return table

    def warn(self, code: str, message: str, prov: Provenance | None = None) -> None:
        self.warnings.append(ReaderWarning(code=code, message=message, prov=prov))

    def text(self) -> str:
        """All body text in order, tables flattened row by row; for classification and search."""
        out: list[str] = []
        for b in self.blocks:
            if b.kind is BlockKind.table and b.table is not None:
                for row in self.tables[b.table].rows:
                    out.append("\t".join(c.text for c in row.cells))
            else:
                out.append(b.text)
        return "\n".join(out)
