"""A spreadsheet's visible grid laid out as a document: headings, paragraphs and tables.

Workbooks and CSV exports hold more than the plan's table: a title row, a line saying who owns
the plan, a colour key under the table, a second table further down. The grid is read the way a
person reads the sheet:

* a run of rows with two or more filled cells is a table; rows holding one cell above it are
  headings and paragraphs (a bold or large one-cell row is a heading, and so is a short line
  directly above a table or a list: its caption; in a CSV, with no bold, a Title Case line too,
  and a short line naming a numbered division: ``Appendix 1: JAR recommendations``, but never a
  ``Lead: …`` key line);
  one-cell rows inside the run are part of the table (a theme row across it);
* blank rows end a run; the next run continues the same table when its first full row is not a
  header (not all bold, not the table's own header repeated) and it shares the table's columns,
  so spacer rows and theme rows set apart by blank rows stay in one table - unless the rows
  between are the document's own text: a part of it (``Part B: …``) or a heading over prose;
* a row whose only text sits in the table's first column runs across the empty cells to its
  right, as Excel prints it (a theme row typed into column A, or a merge a CSV export lost);
* columns where no cell of a table starts are dropped, so an empty spacer column or a stray
  cell far to the right does not widen the table.

Every cell keeps its place: the sheet name and the address of its top-left cell (``C14``), and
for a CSV its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import BlockKind, Cell, Document, Para, Provenance
from ..textutil import collapse_ws, strip_bullet
from .numfmt import SheetSettings
from .text import _heading_level, _looks_like_heading

SHEET_STYLE = "sheet"  # Block.style of the heading that names a worksheet
_LIST_START_RE = re.compile(r"^\s*(?:\d{1,2}[.)]\s|[•▪◦·‣\uf0b7*-]\s)")
# A line naming a numbered division of the document or the plan (``Appendix 1: …``, ``Part B: …``,
# ``Priority 2: …``) heads what follows, in whatever case its words are; a part of the document
# (``Part B``, ``Appendix 1``) is never a row of the table above it.
_DIVISION = r"^(?:{})\s+(?:\d{{1,2}}|[A-Z]|[IVX]{{1,4}})\s*[:.–—-]\s*\S"
_DIVISION_RE = re.compile(_DIVISION.format("appendix|annexe?|part|chapter|schedule|section|goal|priority|objective|theme"),
                          re.I)
_PART_RE = re.compile(_DIVISION.format("appendix|annexe?|part|chapter|schedule"), re.I)
# ``Appendix: recommendations for the board`` names a part of the document without a number.
_UNNUMBERED_PART_RE = re.compile(r"^(?:appendix|annexe?|chapter|schedule)\s*:\s*\S", re.I)
# "Lead: …", "Timescale: Q4 2016/17": a key and its value, not a heading however its words are cased.
_KEY_LINE_RE = re.compile(r"^[A-Za-z][A-Za-z /&'()-]{0,30}:\s")


@dataclass
class GridCell:
    """A visible cell (or merged range) of the grid, at its top-left visible position."""

    text: str
    fill: str | None = None
    bold: bool = False
    size: float | None = None
    rspan: int = 1  # visible rows it covers
    cspan: int = 1  # visible columns it covers
    address: str = ""  # the top-left cell as the spreadsheet names it
    line: int | None = None  # a CSV record's first line


@dataclass
class Grid:
    """Visible cells by dense (row, column): hidden rows and columns are already gone."""

    cells: dict[tuple[int, int], GridCell]
    sheet: str | None  # None for a CSV file
    styled: bool  # bold and font sizes are known (a workbook) or not (a CSV file)
    _by_row: dict[int, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for r, c in sorted(self.cells):
            self._by_row.setdefault(r, []).append(c)

    def texts(self, r: int) -> list[int]:
        """Columns of the cells with text that start in row ``r``."""
        return [c for c in self._by_row.get(r, []) if self.cells[(r, c)].text]

    def text_rows(self) -> list[int]:
        return sorted(r for r in self._by_row if self.texts(r))


@dataclass
class _Table:
    rows: list[int]
    first_multi: int


def lay_out(doc: Document, grid: Grid, settings: SheetSettings) -> int:
    """Add the grid's headings, paragraphs and tables to ``doc``; returns how many tables."""
    covered = _covered_rows(grid)
    kinds = {r: ("multi" if len(grid.texts(r)) >= 2 or r in covered else "single") for r in grid.text_rows()}
    runs: list[list[int]] = []
    for r in sorted(kinds):
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    out = _Emitter(doc, grid, settings)
    table: _Table | None = None
    pending: list[int] = []  # one-cell rows after a table: theme rows if the table goes on
    for run in runs:
        multi = [r for r in run if kinds[r] == "multi"]
        if not multi:
            if table is None:
                out.text(run)
            else:
                pending += run
            continue
        k = run.index(multi[0])
        lead, body = run[:k], run[k:]
        if table is not None and not out.ends_table(pending + lead) and _continues(grid, table, multi[0]):
            table.rows += pending + lead + body
            pending = []
            continue
        if table is not None:
            out.table(table.rows)
        before = pending + lead
        out.text(before, caption_row=before[-1] if before and before[-1] >= body[0] - 2 else None)
        pending = []
        table = _Table(rows=body, first_multi=multi[0])
    if table is not None:
        out.table(table.rows)
    out.text(pending)
    return out.n_tables


def _covered_rows(grid: Grid) -> set[int]:
    """Rows a merged cell from a row above reaches into and that hold text of their own."""
    reach: set[int] = set()
    for (r, _c), cell in grid.cells.items():
        if cell.rspan > 1 and cell.text:
            reach.update(range(r + 1, r + cell.rspan))
    return {r for r in reach if grid.texts(r)}


def _continues(grid: Grid, table: _Table, first: int) -> bool:
    """Whether a run of rows after blank rows goes on with ``table`` rather than starting one."""
    new = [grid.cells[(first, c)] for c in grid.texts(first)]
    head = [grid.cells[(table.first_multi, c)] for c in grid.texts(table.first_multi)]
    if [c.text for c in new] == [c.text for c in head]:
        return False  # the header printed again: a new table
    if grid.styled and all(c.bold for c in new) and all(c.bold for c in head):
        return False  # a bold row like the table's bold header: a new table's header
    cols = set(grid.texts(first))
    table_cols = {c for r in table.rows for c in grid.texts(r)}
    return bool(cols & table_cols)


class _Emitter:
    def __init__(self, doc: Document, grid: Grid, settings: SheetSettings) -> None:
        self.doc = doc
        self.grid = grid
        self.settings = settings
        self.n_tables = 0

    def _prov(self, cell: GridCell) -> Provenance:
        return Provenance(file=self.doc.source_path, sheet=self.grid.sheet, cell=cell.address or None, line=cell.line)

    def text(self, rows: list[int], caption_row: int | None = None) -> None:
        for i, r in enumerate(rows):
            # A short line right above a table (its caption) or a list (numbered items, bullets) heads it.
            below = rows[i + 1] if i + 1 < len(rows) and rows[i + 1] == r + 1 else None
            heads_list = below is not None and any(
                _LIST_START_RE.match(self.grid.cells[(below, c)].text) for c in self.grid.texts(below)[:1])
            for c in self.grid.texts(r):
                self._text_cell(self.grid.cells[(r, c)], caption=r == caption_row or heads_list)

    def _text_cell(self, cell: GridCell, caption: bool) -> None:
        lines = [collapse_ws(x) for x in cell.text.split("\n")]
        lines = [x for x in lines if x]
        for line in lines:
            text, bullet = strip_bullet(line)
            if not text:
                continue
            kind, level = BlockKind.paragraph, 0
            if bullet:
                kind = BlockKind.list_item
            elif len(lines) == 1:
                heading = self._heading_level(text, cell, caption)
                if heading is not None:
                    kind, level = BlockKind.heading, heading
            block = self.doc.add_block(kind, text, level=level, bold=cell.bold)
            block.prov = [self._prov(cell).model_copy(update={"block": block.index})]

    def ends_table(self, rows: list[int]) -> bool:
        """Whether one-cell rows between two runs of a table are the document's own text, not
        theme rows of the table: a part of the document (``Part B: …``), or a heading with a
        paragraph of prose under it (``Goal 2: …`` over ``Target: 15 percent … by 2030.``)."""
        heading = False
        for r in rows:
            cells = [self.grid.cells[(r, c)] for c in self.grid.texts(r)]
            text = collapse_ws(cells[0].text) if len(cells) == 1 else ""
            if not text:
                continue
            if self._heading_level(text, cells[0], caption=False) is not None:
                if _PART_RE.match(text):
                    return True
                heading = True
            elif heading and len(text.split()) >= 8 and text[-1] in ".!?:":
                return True
        return False

    def _heading_level(self, text: str, cell: GridCell, caption: bool) -> int | None:
        caption = caption and not _LIST_START_RE.match(text)  # a numbered item is not a heading
        if self.grid.styled:
            big = cell.size is not None and cell.size >= self.settings.heading_font_size
            if (cell.bold or big or caption) and _looks_like_heading(text, True):
                return 2 if big else 3  # under the sheet name (level 1)
            return None
        division = bool(_DIVISION_RE.match(text) or _UNNUMBERED_PART_RE.match(text))
        if _KEY_LINE_RE.match(text) and not division:
            return None
        if _looks_like_heading(text, caption or division):
            first = not any(b.kind is BlockKind.heading for b in self.doc.blocks)
            return 1 if first else _heading_level(text)
        return None

    def table(self, rows: list[int]) -> None:
        grid = self.grid
        in_table = set(rows)
        cols = sorted({c for r in rows for c in grid.texts(r)})
        index = {c: i for i, c in enumerate(cols)}
        n = len(cols)
        out_rows: list[list[Cell]] = []
        taken: dict[int, set[int]] = {}  # row -> kept columns covered by a cell (its own or a span)
        for r in rows:
            cells: list[Cell] = []
            for c in grid._by_row.get(r, []):
                g = grid.cells[(r, c)]
                if c not in index or index[c] in taken.get(r, ()):
                    continue
                kept = [index[x] for x in range(c, c + g.cspan) if x in index]
                rows_in = [x for x in range(r, r + g.rspan) if x in in_table]
                for rr in rows_in:
                    taken.setdefault(rr, set()).update(kept)
                cells.append(self._cell(g, index[c], len(kept), len(rows_in)))
            present = taken.get(r, set())
            for i in range(n):
                if i not in present:
                    cells.append(Cell(row=0, col=i))  # an empty grid position: add_table gives its place
            cells.sort(key=lambda x: x.col)
            out_rows.append(self._banner(cells, n))
        table = self.doc.add_table(out_rows)
        self.n_tables += 1
        block = self.doc.blocks[-1]
        first = next((grid.cells[(rows[0], c)] for c in grid.texts(rows[0])), None)
        if first is not None:
            table.prov = [self._prov(first).model_copy(update={"table": table.index})]
            block.prov = [self._prov(first).model_copy(update={"block": block.index, "table": table.index})]

    def _cell(self, g: GridCell, col: int, span: int, rspan: int) -> Cell:
        paras = []
        for line in g.text.split("\n"):
            text, bullet = strip_bullet(collapse_ws(line))
            if text:
                paras.append(Para(text=text, list_item=bullet, bold=g.bold))
        return Cell(row=0, col=col, col_span=max(1, span), row_span=max(1, rspan),
                    text="\n".join(p.text for p in paras), paras=paras, fill=g.fill,
                    bold=g.bold and bool(paras), prov=[self._prov(g)])

    @staticmethod
    def _banner(cells: list[Cell], n: int) -> list[Cell]:
        """A row whose only text is in the first column runs across the empty cells after it."""
        if n < 3:
            return cells
        filled = [c for c in cells if c.text]
        if len(filled) != 1 or filled[0].col != 0 or filled[0].col_span != 1 or filled[0].row_span != 1:
            return cells
        if any(c.row_span > 1 for c in cells) or len(cells) != n:
            return cells  # a merged cell from above (or reaching below) shares the row
        banner = filled[0]
        banner.col_span = n
        return [banner]
