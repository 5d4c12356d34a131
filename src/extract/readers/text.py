"""Text exports: Markdown / plain text with tab-separated or pipe tables, and HTML pages.

Word and PDF converters export tables as one line per row with cells separated by tabs (cell
content often kept as HTML) or as Markdown pipe tables. A blank line inside a run of table rows
is where the source had a page break, so the row after it is marked ``page_break_before``:
its cells may continue the row above.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ReadFailed
from ..model import BlockKind, Cell, Document, Para
from ..textutil import collapse_ws, strip_bullet
from .html_fragments import HTable, fragment_fill, fragment_paras, parse_html_document
from .registry import register
from .sniff import TEXT_SUFFIXES, is_pdf, is_zip, looks_like_text

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_RE = re.compile(r"^(\s*)(?:[-*+•▪◦·\uf0b7]|\d{1,3}[.)])\s+")
_PIPE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR_CELL_RE = re.compile(r"^\s*:?-{3,}:?\s*$")
_BOLD_WRAP_RE = re.compile(r"^\*\*(.+?)\*\*$", re.S)
_INLINE_MARK_RE = re.compile(r"(\*\*|__)(.+?)\1")
_HTML_DOC_RE = re.compile(r"^\s*(<!doctype html|<html|<\?xml[^>]*>\s*<html)", re.I)

# A standalone short line with no closing punctuation reads as a heading in a plain export.
_MAX_HEADING_WORDS = 12
_MAX_HEADING_CHARS = 100


def _sniff(head: bytes, name: str) -> bool:
    if not head or is_pdf(head) or is_zip(head):
        return False
    if not looks_like_text(head):
        return False
    suffix = Path(name).suffix.lower()
    return suffix in TEXT_SUFFIXES or suffix == ""


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadFailed("text file is neither UTF-8 nor Windows-1252: re-save it as UTF-8", str(path))


@register("text", _sniff)
def read_text(path: Path, source_path: str) -> Document:
    """Read a text export (``.md``, ``.txt``) or an HTML page into a Document."""
    text = _decode(path.read_bytes(), path)
    doc = Document(source_path=source_path, format="text")
    if _HTML_DOC_RE.match(text[:2000]) or path.suffix.lower() in (".html", ".htm"):
        doc.metadata["flavour"] = "html"
        _read_html(doc, text)
    else:
        doc.metadata["flavour"] = "markdown"
        _read_markdown(doc, text)
    return doc


# --- Markdown / TSV ---------------------------------------------------------------------------


def _split_pipe_row(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    cells = re.split(r"(?<!\\)\|", inner)
    return [c.replace("\\|", "|") for c in cells]


def _is_separator(cells: list[str]) -> bool:
    non_empty = [c for c in cells if c.strip()]
    return bool(non_empty) and all(_SEPARATOR_CELL_RE.match(c) for c in non_empty)


def _make_cell(raw: str, col: int) -> Cell:
    paras = fragment_paras(_unmark(raw))
    bold_source = bool(raw.strip()) and (
        all(p.bold for p in paras) or bool(_BOLD_WRAP_RE.match(raw.strip()))
    )
    for p in paras:
        p.text = _strip_marks(p.text)
    paras = [p for p in paras if p.text or p.list_item]
    fill = fragment_fill(raw) if "<" in raw else None
    return Cell(row=0, col=col, text="\n".join(p.text for p in paras if p.text), paras=paras,
                bold=bold_source and bool(paras), fill=fill)


def _unmark(raw: str) -> str:
    # Markdown bold inside a cell becomes HTML bold so the fragment parser sees it.
    return _INLINE_MARK_RE.sub(r"<b>\2</b>", raw)


def _strip_marks(text: str) -> str:
    return collapse_ws(_INLINE_MARK_RE.sub(r"\2", text).replace("\\", ""))


class _TableBuilder:
    def __init__(self, start_line: int, pipe: bool) -> None:
        self.start_line = start_line
        self.pipe = pipe
        self.rows: list[list[Cell]] = []
        self.row_lines: list[int] = []
        self.breaks: list[bool] = []
        self.header_rows = 0

    def add(self, cells: list[str], line_no: int, after_blank: bool) -> None:
        self.rows.append([_make_cell(raw, col) for col, raw in enumerate(cells)])
        self.row_lines.append(line_no)
        self.breaks.append(after_blank and bool(self.rows[:-1]))


def _flush_table(doc: Document, tb: _TableBuilder | None) -> None:
    if tb is None or not tb.rows:
        return
    for r, cells in enumerate(tb.rows):
        for c in cells:
            c.prov = []
    table = doc.add_table(tb.rows, header_rows=tb.header_rows, line=tb.start_line)
    for row, line_no, brk in zip(table.rows, tb.row_lines, tb.breaks):
        row.page_break_before = brk
        row.prov = [p.model_copy(update={"line": line_no}) for p in row.prov]
        for c in row.cells:
            c.prov = [p.model_copy(update={"line": line_no}) for p in c.prov]


def _looks_like_heading(text: str, bold: bool) -> bool:
    if not text or len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    if text[-1] in ".,;:!?" or not (text[0].isalpha() or text[0].isdigit()):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    if bold:
        return True
    last = text.split()[-1]
    if re.fullmatch(r"-?[\d,.]*\d[\d,.]*", last) and (len(re.sub(r"\D", "", last)) >= 3 or "," in last or last.startswith("-")):
        return False  # a line of figures ("Total 116,860") is data, not a heading
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text)]
    # Title Case or UPPER CASE lines; a lower-case sentence fragment is a paragraph.
    capitalised = sum(1 for w in words if w[0].isupper())
    minor = {"and", "of", "the", "for", "in", "to", "a", "an", "on", "with", "by", "at", "&"}
    significant = [w for w in words if w.lower() not in minor]
    return bool(significant) and capitalised >= len(significant)


def _heading_level(text: str) -> int:
    letters = [ch for ch in re.sub(r"\(.*?\)", "", text) if ch.isalpha()]
    upper = sum(1 for ch in letters if ch.isupper())
    return 2 if letters and upper / len(letters) > 0.8 else 3


def _read_markdown(doc: Document, text: str) -> None:
    lines = text.splitlines()
    para: list[str] = []
    para_line = 0
    table: _TableBuilder | None = None
    after_blank = False
    first_heading_seen = False

    def flush_para() -> None:
        nonlocal para, first_heading_seen
        if not para:
            return
        raw = " ".join(s.strip() for s in para)
        para = []
        m = _BOLD_WRAP_RE.match(raw.strip())
        bold = bool(m)
        body = _strip_marks(fragment_text(m.group(1) if m else raw))
        if not body:
            return
        if _looks_like_heading(body, bold):
            level = 1 if not first_heading_seen else _heading_level(body)
            first_heading_seen = True
            doc.add_block(BlockKind.heading, body, level=level, bold=bold, line=para_line)
        else:
            doc.add_block(BlockKind.paragraph, body, bold=bold, line=para_line)

    for n, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            flush_para()
            after_blank = True
            continue
        is_tsv = "\t" in line and len(line.split("\t")) >= 2
        is_pipe = bool(_PIPE_ROW_RE.match(line)) and line.count("|") >= 2
        if is_tsv or is_pipe:
            flush_para()
            cells = _split_pipe_row(line) if is_pipe else line.split("\t")
            if table is None or table.pipe != is_pipe:
                _flush_table(doc, table)
                table = _TableBuilder(n, is_pipe)
                after_blank = False
            if _is_separator(cells):
                table.header_rows = len(table.rows) if table.header_rows == 0 else table.header_rows
                continue
            table.add(cells, n, after_blank)
            after_blank = False
            continue
        if table is not None:
            _flush_table(doc, table)
            table = None
        after_blank = False
        hm = _HEADING_RE.match(line)
        if hm:
            flush_para()
            body = _strip_marks(hm.group(2))
            if body:
                first_heading_seen = True
                doc.add_block(BlockKind.heading, body, level=len(hm.group(1)), line=n)
            continue
        lm = _LIST_RE.match(line)
        if lm or strip_bullet(stripped)[1]:
            flush_para()
            indent = len(lm.group(1).expandtabs(4)) if lm else 0
            numbered = bool(lm) and stripped[0].isdigit()
            body = stripped if numbered else (stripped[lm.end() - len(lm.group(1)):] if lm else strip_bullet(stripped)[0])
            bm = _BOLD_WRAP_RE.match(body.strip())
            clean = _strip_marks(fragment_text(bm.group(1) if bm else body))
            if clean:
                doc.add_block(BlockKind.list_item, clean, level=indent // 2, bold=bool(bm), line=n)
            continue
        if not para:
            para_line = n
        para.append(line)
    flush_para()
    _flush_table(doc, table)


def fragment_text(raw: str) -> str:
    """Plain text of a line that may hold inline HTML."""
    if "<" not in raw and "&" not in raw:
        return raw
    return " ".join(p.text for p in fragment_paras(raw))


# --- HTML pages -------------------------------------------------------------------------------


def _grid(table: HTable) -> list[list[tuple[int, int, int, object]]]:
    """Grid columns for each cell, honouring colspan and rowspan: (col, colspan, rowspan, cell)."""
    occupied: dict[tuple[int, int], bool] = {}
    out: list[list[tuple[int, int, int, object]]] = []
    for r, row in enumerate(table.rows):
        placed = []
        col = 0
        for cell in row:
            while occupied.get((r, col)):
                col += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied[(r + dr, col + dc)] = True
            placed.append((col, cell.colspan, cell.rowspan, cell))
            col += cell.colspan
        out.append(placed)
    return out


def _add_html_table(doc: Document, table: HTable, parent: int | None, parent_cell: tuple[int, int] | None) -> int:
    rows: list[list[Cell]] = []
    pending: list[tuple[int, int, HTable]] = []
    header_rows = 0
    for r, placed in enumerate(_grid(table)):
        cells: list[Cell] = []
        for col, colspan, rowspan, hcell in placed:
            paras: list[Para] = fragment_paras("".join(hcell.html))  # type: ignore[attr-defined]
            cell = Cell(row=r, col=col, col_span=colspan, row_span=rowspan, paras=paras,
                        text="\n".join(p.text for p in paras if p.text), bold=bool(paras) and all(p.bold for p in paras))
            cells.append(cell)
            for nested in hcell.nested:  # type: ignore[attr-defined]
                pending.append((r, col, nested))
        if cells and all(hc.header for _, _, _, hc in placed) and header_rows == r:  # type: ignore[attr-defined]
            header_rows += 1
        rows.append(cells)
    built = doc.add_table(rows, header_rows=header_rows, parent=parent, parent_cell=parent_cell, in_body=parent is None)
    for r, col, nested in pending:
        child = _add_html_table(doc, nested, built.index, (r, col))
        cell = built.cell_at(r, col)
        if cell is not None:
            cell.tables.append(child)
    return built.index


def _read_html(doc: Document, text: str) -> None:
    for hb in parse_html_document(text):
        if hb.kind == "table" and hb.table is not None:
            if hb.table.rows:
                _add_html_table(doc, hb.table, None, None)
        elif hb.kind == "heading":
            doc.add_block(BlockKind.heading, hb.text, level=hb.level or 1, bold=hb.bold)
        elif hb.kind == "list_item":
            doc.add_block(BlockKind.list_item, hb.text, level=hb.level)
        else:
            doc.add_block(BlockKind.paragraph, hb.text, bold=hb.bold)
