"""PDF reader (pdfplumber): ruled tables stitched across pages, text blocks with heading levels.

Each page is opened once: its words (with font size and name), its ruled tables
(``find_tables`` with the settings in ``data/pdf_tables.yaml``) and its filled rectangles (cell
colours). Words inside a table's cells become the cells' paragraphs, one per printed line unless
the line above filled the cell's width (a wrapped line joins it) and a bullet always starts a new
one. Words outside tables become headings (larger or bold short lines), list items and
paragraphs. Running headers and footers (lines repeated in the margins) are dropped.

A table that ends one page and starts the next with the same columns is one table; a header row
repeated on the new page is dropped and the first row after the break is marked
``page_break_before`` (the extractor decides whether it continues the row above).
"""

from __future__ import annotations

import bisect
import os
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any


from ..config import yaml_load
from ..errors import ConfigError, Damaged, Encrypted, NoTextLayer, ReadFailed, TooLarge
from ..model import BBox, BlockKind, Cell, Document, Para, Provenance
from ..textutil import BULLETS, collapse_ws, strip_bullet
from . import pdf_pdfium
from . import pdf_marks
from . import pdf_unruled as unruled_mod
from .pdf_pdfium import PdfiumPage, open_document
from .pdf_words import DEFAULT_WORD_GAP_EM, split_at_gaps
from .pdf_rotation import MIN_SIDEWAYS_SHARE, upright
from .registry import register
from .sniff import is_pdf

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "data" / "pdf_tables.yaml"
MAX_PAGES = 2000
_CID_START_RE = re.compile(r"^\(cid:\d+\)\s*")
_CID_RE = re.compile(r"\(cid:\d+\)")
_NUMBERED_START = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]|\(\d{1,2}\)|[a-z][.)])\s+\S")
_BULLET_START = re.compile(rf"^[{re.escape(BULLETS)}](?:\s|$)")


@lru_cache(maxsize=1)
def pdf_settings() -> dict[str, Any]:
    return yaml_load(SETTINGS_FILE.read_text(encoding="utf-8"))


def _sniff(head: bytes, name: str) -> bool:
    return is_pdf(head)


# -- page content --------------------------------------------------------------------------------


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    first_word: float = 0.0  # width of the line's first word: did it fit on the line above?
    words: list[dict[str, Any]] = field(default_factory=list, repr=False)


@dataclass
class PageTable:
    page: int
    bbox: tuple[float, float, float, float]
    col_edges: list[float]
    rows: list[list[Cell]]
    header_text: list[str] = field(default_factory=list)
    nested: list[tuple[Cell, PageTable]] = field(default_factory=list)  # tables drawn inside a cell
    # id(cell) -> (room left at the end of its last line, width of its first line's first word)
    fits: dict[int, tuple[float, float]] = field(default_factory=dict)


@dataclass
class PageContent:
    number: int
    height: float
    lines: list[Line]  # outside tables
    tables: list[PageTable]
    width: float = 0.0


def _lines(words: list[dict[str, Any]], y_tol: float = 2.5) -> list[Line]:
    """Words grouped into printed lines, left to right."""
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    lines: list[list[dict[str, Any]]] = []
    for w in words:
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= y_tol:
            lines[-1].append(w)
        else:
            lines.append([w])
    out = []
    for ws in lines:
        ws.sort(key=lambda w: w["x0"])
        text = ""
        for i, w in enumerate(ws):
            gap = w["x0"] - ws[i - 1]["x1"] if i else 0
            text += (" " if i and gap > 0.5 else "") + w["text"]
        # A glyph the font does not map prints as "(cid:N)"; at the start of a line it is
        # almost always the bullet symbol, elsewhere it carries no text.
        text = _CID_RE.sub("", _CID_START_RE.sub("• ", text)).strip()
        sizes = [w.get("size", 0) for w in ws]
        bold = all("bold" in str(w.get("fontname", "")).lower() or "black" in str(w.get("fontname", "")).lower() for w in ws)
        out.append(Line(text=text, x0=ws[0]["x0"], x1=ws[-1]["x1"], top=min(w["top"] for w in ws),
                        bottom=max(w["bottom"] for w in ws), size=statistics.median(sizes) if sizes else 0, bold=bold,
                        first_word=_first_unit(ws), words=ws))
    return out


# Characters a line may not break before, even after a space (Unicode line breaking, UAX #14
# rule LB13: closing brackets, "!", "?", ",", ".", ":", ";", "/"): "Utilities /" moves to the next
# line as one unit.
_NO_BREAK_BEFORE = frozenset(")]}!?,.:;/")


def _first_unit(words: list[dict[str, Any]]) -> float:
    """The width of a line's first word with the words that could not have been parted from it."""
    end = 0
    while end + 1 < len(words) and words[end + 1]["text"][:1] in _NO_BREAK_BEFORE:
        end += 1
    return float(words[end]["x1"] - words[0]["x0"])


def _inside(w: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def _hex(colour: Any) -> str | None:
    """pdfplumber's non_stroking_color (gray, RGB or CMYK floats) as #RRGGBB; white is no fill."""
    if colour is None:
        return None
    if isinstance(colour, (int, float)):
        colour = (colour,)
    try:
        vals = [float(v) for v in colour]
    except (TypeError, ValueError):
        return None
    if len(vals) == 1:
        r = g = b = vals[0]
    elif len(vals) == 3:
        r, g, b = vals
    elif len(vals) == 4:
        c, m, y, k = vals
        r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    else:
        return None
    rgb = tuple(max(0, min(255, round(v * 255))) for v in (r, g, b))
    if min(rgb) >= 250:
        return None
    return "#{:02X}{:02X}{:02X}".format(*rgb)


class _Fills:
    """A page's filled rectangles, looked up by cell: the colour of the smallest one covering most
    of the cell. Rectangles are bucketed by rows of the page so that a cell looks only at those
    overlapping it (a designed page draws thousands)."""

    BAND = 24.0

    def __init__(self, rects: list[dict[str, Any]]) -> None:
        self.items: list[tuple[float, float, float, float, float, str]] = []
        self.buckets: dict[int, list[int]] = {}
        self.everywhere: list[int] = []
        for r in rects:
            colour = _hex(r.get("non_stroking_color"))
            if not colour:
                continue
            i = len(self.items)
            self.items.append((r["x0"], r["top"], r["x1"], r["bottom"], (r["x1"] - r["x0"]) * (r["bottom"] - r["top"]), colour))
            first, last = int(r["top"] // self.BAND), int(r["bottom"] // self.BAND)
            if last - first > 200:
                self.everywhere.append(i)
                continue
            for b in range(first, last + 1):
                self.buckets.setdefault(b, []).append(i)

    def colour(self, bbox: tuple[float, float, float, float]) -> str | None:
        x0, top, x1, bottom = bbox
        area = max(1.0, (x1 - x0) * (bottom - top))
        seen: set[int] = set(self.everywhere)
        for b in range(int(top // self.BAND), int(bottom // self.BAND) + 1):
            seen.update(self.buckets.get(b, ()))
        best: tuple[float, str] | None = None
        for i in sorted(seen):  # page order: of two equal rectangles the first drawn wins
            rx0, rtop, rx1, rbottom, rect_area, colour = self.items[i]
            ix = min(x1, rx1) - max(x0, rx0)
            iy = min(bottom, rbottom) - max(top, rtop)
            if ix <= 0 or iy <= 0 or ix * iy < 0.6 * area:
                continue
            if rect_area > 4 * area:
                continue  # a page or table background, not this cell's shading
            if best is None or rect_area < best[0]:
                best = (rect_area, colour)
        return best[1] if best else None


class _Words:
    """A page's words, looked up by cell: those whose centre lies in the cell, in page order."""

    def __init__(self, words: list[dict[str, Any]]) -> None:
        self.words = words
        keyed = sorted(((w["top"] + w["bottom"]) / 2, i) for i, w in enumerate(words))
        self.cys = [k[0] for k in keyed]
        self.order = [k[1] for k in keyed]

    def inside(self, bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
        lo, hi = bisect.bisect_left(self.cys, bbox[1]), bisect.bisect_right(self.cys, bbox[3])
        return [self.words[i] for i in sorted(self.order[lo:hi]) if _inside(self.words[i], bbox)]


def _cell_paras(words: list[dict[str, Any]], bbox: tuple[float, float, float, float],
                pitch: dict[float, float] | None = None) -> list[Para]:
    """A cell's lines as paragraphs: a bullet starts one, a line that filled the width wraps.
    ``pitch`` is the table's usual line pitch by font size (:func:`_usual_pitch`)."""
    return _paras_of_lines(_lines(words), bbox, pitch or {})


# A line further below the one above than the usual pitch by this share of the font size starts a
# paragraph: a browser's paragraph margin (2pt at 10pt), never the jitter of wrapped lines.
PARA_PITCH_EXCESS = 0.1


def _pitches(lines: list[Line]) -> Iterator[tuple[float, float]]:
    """(font size, baseline to baseline) of each two lines of one size in a cell, one after the other."""
    for above, below in zip(lines, lines[1:]):
        if _one_line_pair(above, below):
            yield round(above.size, 1), below.bottom - above.bottom


def _one_line_pair(above: Line, below: Line) -> bool:
    """Two printed lines of one font size, upright (a sideways word is taller than its size)."""
    return (above.size > 0 and abs(above.size - below.size) <= 0.5
            and above.bottom - above.top <= 1.5 * above.size and below.bottom - below.top <= 1.5 * below.size)


def _usual_pitch(cells_lines: list[list[Line]]) -> dict[float, float]:
    """A table's usual line pitch by font size: the lower quartile of the pitches between lines of
    its cells, that of lines wrapped within a paragraph (cells are mostly wrapped text)."""
    by_size: dict[float, list[float]] = {}
    for lines in cells_lines:
        for size, step in _pitches(lines):
            if step > 0:
                by_size.setdefault(size, []).append(step)
    return {size: sorted(steps)[len(steps) // 4] for size, steps in by_size.items()}


def _join_wrapped(lines: list[str]) -> str:
    """Wrapped lines as one text: a line ending in a word's hyphen ("Medium-" then "term") runs
    on without a space, as the compound was printed; any other line break is a space."""
    out = ""
    for text in lines:
        if out and not (out.endswith("-") and out[-2:-1].isalpha() and text[:1].islower()):
            out += " "
        out += text
    return out


def _right_limit(bbox: tuple[float, float, float, float], line: Line, size: float | None = None) -> float:
    """Where a cell's lines may end: its right edge less the padding its lines keep on the left,
    with a quarter of the font size to spare for rounding."""
    pad = max(1.0, min(8.0, line.x0 - bbox[0]))
    return bbox[2] - pad - 0.25 * (line.size if size is None else size)


def _paras_of_lines(lines: list[Line], bbox: tuple[float, float, float, float], pitch: dict[float, float]) -> list[Para]:
    paras: list[Para] = []
    prev: Line | None = None
    for line in lines:
        text = collapse_ws(line.text)
        if not text:
            continue
        starts_bullet = bool(_BULLET_START.match(text))
        clean, bullet = strip_bullet(text)
        # A line wrapped when its first word would not have fitted at the end of the line above
        # (the rule word processors apply); a short line above ends its paragraph, and so does
        # a line further below it than the table's wrapped lines are (a paragraph's margin).
        wrapped = (prev is not None and not starts_bullet and bool(paras)
                   and prev.x1 + prev.size * 0.3 + line.first_word > _right_limit(bbox, line, prev.size)
                   and line.top - prev.bottom < prev.size * 0.55)
        if wrapped and prev is not None and _one_line_pair(prev, line):
            usual = pitch.get(round(prev.size, 1))
            if usual is not None and line.bottom - prev.bottom > usual + PARA_PITCH_EXCESS * prev.size:
                wrapped = False
        if wrapped:
            last = paras[-1]
            paras[-1] = last.model_copy(update={"text": _join_wrapped([last.text, clean]).strip()})
        elif clean:
            paras.append(Para(text=clean, list_item=bullet, bold=line.bold))
        prev = line
    return paras


def _grid_edges(values: list[float], tol: float = 2.0) -> list[float]:
    edges: list[float] = []
    for v in sorted(values):
        if not edges or v - edges[-1] > tol:
            edges.append(v)
    return edges


def _edge_index(edges: list[float], v: float, tol: float = 2.0) -> int:
    for i, e in enumerate(edges):
        if abs(e - v) <= tol:
            return i
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _contains(outer: tuple[float, float, float, float], inner: tuple[float, float, float, float], tol: float = 1.0) -> bool:
    return (outer[0] - tol <= inner[0] and outer[1] - tol <= inner[1] and inner[2] <= outer[2] + tol
            and inner[3] <= outer[3] + tol and outer != inner)


def _grid_of_text(t: PageTable) -> bool:
    """Rows and columns of text, as a nested table has; a shaded label box inside a cell, which
    the finder also reports, holds one line."""
    return (sum(1 for r in t.rows if any(c.text for c in r)) >= 2
            and len({c.col for r in t.rows for c in r if c.text}) >= 2)


def _page_table(table: Any, page_no: int, words: _Words, fills: _Fills, source: str,
                holes: list[tuple[float, float, float, float]] = ()) -> PageTable | None:  # type: ignore[assignment]
    """A found table as rows of cells; words inside ``holes`` (tables nested in its cells) are not
    its cells' text."""
    cells_bboxes = [c for c in table.cells if c]
    if not cells_bboxes:
        return None
    xs = _grid_edges([c[0] for c in cells_bboxes] + [c[2] for c in cells_bboxes])
    ys = _grid_edges([c[1] for c in cells_bboxes] + [c[3] for c in cells_bboxes])
    by_row: dict[int, list[Cell]] = {}
    cells_bboxes.sort(key=lambda c: (round(c[1]), c[0]))
    cells_lines = []
    for bbox in cells_bboxes:
        inside = words.inside(bbox)
        if holes:
            inside = [w for w in inside if not any(_inside(w, h) for h in holes)]
        cells_lines.append(_lines(inside))
    pitch = _usual_pitch(cells_lines)
    fits: dict[int, tuple[float, float]] = {}
    for bbox, lines in zip(cells_bboxes, cells_lines):
        r0, r1 = _edge_index(ys, bbox[1]), _edge_index(ys, bbox[3])
        c0, c1 = _edge_index(xs, bbox[0]), _edge_index(xs, bbox[2])
        paras = _paras_of_lines(lines, bbox, pitch)
        prov = Provenance(file=source, page=page_no, bbox=BBox(x0=bbox[0], top=bbox[1], x1=bbox[2], bottom=bbox[3]))
        cell = Cell(row=r0, col=c0, row_span=max(1, r1 - r0), col_span=max(1, c1 - c0),
                    text="\n".join(p.text for p in paras), paras=paras, fill=fills.colour(bbox),
                    bold=bool(paras) and all(p.bold for p in paras), prov=[prov])
        by_row.setdefault(r0, []).append(cell)
        if lines:
            last = lines[-1]
            room = _right_limit(bbox, last) - (last.x1 + 0.3 * last.size)
            fits[id(cell)] = (room, lines[0].first_word)
    rows = [sorted(by_row[r], key=lambda c: c.col) for r in sorted(by_row)]
    # Row indices are re-set by Document.add_table; spans are kept relative to the grid rows present.
    return PageTable(page=page_no, bbox=tuple(table.bbox), col_edges=xs, rows=rows,
                     header_text=[c.text for c in rows[0]] if rows else [], fits=fits)


def _read_page(page: Any, source: str, settings: dict[str, Any]) -> PageContent:
    """One page through pdfplumber (the ``pdfplumber`` engine, and files PDFium cannot open)."""
    if settings.get("turn_sideways_pages", True):
        page, _ = upright(page)
    words = _pdfplumber_words(page, float(settings.get("word_gap_em", DEFAULT_WORD_GAP_EM)))
    try:
        found = page.find_tables(settings["table_settings"])
    except Exception:  # noqa: BLE001 - a page whose ruling confuses the finder still has text
        found = []
    return _page_content(page.page_number, float(page.width), float(page.height), words, found,
                         lambda: [r for r in page.rects if r.get("fill")], source, page.curves + page.rects)


def _pdfplumber_words(page: Any, word_gap_em: float) -> list[dict[str, Any]]:
    """pdfplumber's words by its own rules, then those of :mod:`.pdf_words`: cut at gaps wide for
    the font size, and sideways characters grouped by font alone (their ``size`` is each glyph's
    advance) with the width across the line as their size."""
    from pdfplumber.utils.text import WordExtractor

    found = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False,
                               return_chars=True)
    words = split_at_gaps([w for w in found if w.get("upright", True)], word_gap_em)
    sideways = [c for c in page.chars if not c.get("upright", True)]
    if sideways:
        extractor = WordExtractor(x_tolerance=3, y_tolerance=3, keep_blank_chars=False, use_text_flow=False,
                                  extra_attrs=["fontname"])
        for w in extractor.extract_words(sideways):
            words.append({**w, "size": w["x1"] - w["x0"]})
    return words


def _read_pdfium_page(page: PdfiumPage, source: str, settings: dict[str, Any]) -> PageContent:
    """One page through PDFium: the same words, drawings and pdfplumber table finder, without
    interpreting the page in Python. A page with no drawn paths cannot hold a ruled table: its
    drawings are not read and the table finder does not run."""
    if settings.get("turn_sideways_pages", True):
        page.turn_if_sideways(MIN_SIDEWAYS_SHARE)
    words = page.words(float(settings.get("word_gap_em", DEFAULT_WORD_GAP_EM)))
    found: list[Any] = []
    if page.has_paths:
        from pdfplumber.table import TableFinder, TableSettings

        try:
            found = TableFinder(page, TableSettings.resolve(settings["table_settings"])).tables  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a page whose ruling confuses the finder still has text
            found = []
    shapes = page.objects["curve"] + page.objects["rect"] if page.has_paths else []
    return _page_content(page.page_number, float(page.width), float(page.height), words, found,
                         lambda: [r for r in page.rects if r.get("fill")], source, shapes)


def _page_content(number: int, width: float, height: float, words: list[dict[str, Any]], found: list[Any],
                  filled_rects: Any, source: str, shapes: list[dict[str, Any]] = ()) -> PageContent:  # type: ignore[assignment]
    """Words inside the ruled tables ``found`` become their cells; the rest become lines.

    A table drawn inside another table's cell is nested in that cell, as Word nests it: the
    finder reports it on its own when the host cell's padding keeps its rules off the host's
    (browsers, LibreOffice), and read as a table of its own it would split its host on the page.
    """
    if shapes:  # list markers a browser drew as discs or squares
        words = words + pdf_marks.bullet_words(shapes, words)
    tables = []
    fills: _Fills | None = None
    by_cell: _Words | None = None
    taken: list[tuple[float, float, float, float]] = []
    boxes = [tuple(t.bbox) for t in found]

    def columns(t: Any) -> int:
        return len(_grid_edges([x for c in t.cells if c for x in (c[0], c[2])])) - 1

    # The smallest table around each one, if any. A one-column box inside a cell is a frame or a
    # shaded band around the cell's own text (the finder reports those too), not a nested table.
    host = {i: min((j for j, o in enumerate(boxes) if _contains(o, b)),
                   key=lambda j: (boxes[j][2] - boxes[j][0]) * (boxes[j][3] - boxes[j][1]), default=None)
            if columns(found[i]) >= 2 else None for i, b in enumerate(boxes)}
    built: dict[int, PageTable] = {}
    # innermost first, so that a host knows the holes its nested tables leave
    for i in sorted(range(len(found)), key=lambda i: (boxes[i][2] - boxes[i][0]) * (boxes[i][3] - boxes[i][1])):
        if fills is None or by_cell is None:
            fills, by_cell = _Fills(filled_rects()), _Words(words)
        inner = [j for j, h in host.items() if h == i and j in built and _grid_of_text(built[j])]
        pt = _page_table(found[i], number, by_cell, fills, source, holes=[boxes[j] for j in inner])
        if pt is None:
            continue
        for j in inner:
            cx, cy = (boxes[j][0] + boxes[j][2]) / 2, (boxes[j][1] + boxes[j][3]) / 2
            cell = next((c for r in pt.rows for c in r for b in [c.prov[0].bbox if c.prov else None]
                         if b is not None and b.x0 <= cx <= b.x1 and b.top <= cy <= b.bottom), None)
            if cell is not None:
                pt.nested.append((cell, built[j]))
        if any(c.text for r in pt.rows for c in r) or pt.nested:
            built[i] = pt
    for i in range(len(found)):
        if i in built and (host[i] is None or host[i] not in built or not _grid_of_text(built[i])):
            tables.append(built[i])
            taken.append(built[i].bbox)
    # Outside the tables, text running sideways on an upright page (the page was turned when most
    # of it runs sideways) is a margin label: a rotated running head, a side tab, a watermark.
    # In a table it is a column header written upwards, and stays in its cell.
    outside = [w for w in words if w.get("upright", True) and not any(_inside(w, b) for b in taken)]
    return PageContent(number=number, height=height, lines=_lines(outside), tables=tables, width=width)


# -- whole document ------------------------------------------------------------------------------


def _open_error(exc: Exception) -> Exception:
    causes = [exc, *exc.args, exc.__cause__, exc.__context__]
    msg = " ".join(f"{c.__class__.__name__}: {c}" for c in causes if isinstance(c, BaseException))
    low = msg.lower()
    if "password" in low or "encrypt" in low:
        return Encrypted("encrypted PDF: password required; save an unprotected copy and run again")
    if "eof" in low or "root" in low or "xref" in low or "trailer" in low or "startxref" in low:
        return Damaged("damaged PDF (truncated or missing its cross-reference table): re-download or re-export it")
    return Damaged(f"unreadable PDF ({msg[:100]}): re-export it from the source application")


@register("pdf", _sniff)
def read_pdf(path: Path, source_path: str) -> Document:
    settings = pdf_settings()
    engine = os.environ.get("PLAN_EXTRACT_PDF_ENGINE") or settings.get("engine", "pdfium")
    if engine not in ("pdfium", "pdfplumber"):
        raise ConfigError(f"unknown PDF engine {engine!r}: use pdfium or pdfplumber", str(SETTINGS_FILE))
    if engine == "pdfium":
        try:
            pdf = open_document(path)
        except Exception:  # noqa: BLE001 - pdfplumber says why (encrypted, truncated, …) as before
            pdf = None
        if pdf is not None:
            with pdf_pdfium.LOCK:
                try:
                    return _read_pdfium(pdf, path, source_path, settings)
                finally:
                    pdf.close()
    return _read_pdfplumber(path, source_path, settings)


def _read_pdfium(pdf: Any, path: Path, source_path: str, settings: dict[str, Any]) -> Document:
    n_pages = len(pdf)
    if n_pages > MAX_PAGES:
        raise TooLarge(f"PDF has {n_pages} pages, over the {MAX_PAGES}-page limit: split it")
    doc = Document(source_path=source_path, format="pdf", pages=n_pages)
    for number in _pages_with_icc_without_n(path):
        doc.warn("R202", f"page {number}: an ICC colour space without /N (colours drawn in it may be misread)",
                 Provenance(file=source_path, page=number))
    pages: list[PageContent] = []
    for i in range(n_pages):
        page = None
        try:
            page = PdfiumPage(pdf, i)
            pages.append(_read_pdfium_page(page, source_path, settings))
        except Exception as exc:  # noqa: BLE001 - one bad page costs that page, with a warning
            if isinstance(exc, MemoryError):
                raise
            doc.warn("R201", f"page {i + 1} could not be read ({exc.__class__.__name__}: {str(exc)[:80]})",
                     Provenance(file=source_path, page=i + 1))
        finally:
            if page is not None:
                page.close()
    return _finish(doc, pages, settings, source_path)


_ICC_REF = re.compile(rb"/ICCBased\s+(\d+)\s+(\d+)\s+R")
_ALTERNATE_STREAM = re.compile(rb"<<([^<>]*/Alternate[^<>]*)>>\s*stream")
_HAS_N = re.compile(rb"/N[\s/]*\d")


def _pages_with_icc_without_n(path: Path) -> list[int]:
    """Pages whose resources name an ICC colour space without its required /N (pdfminer could not
    read such a page at all; PDFium reads it but may misread its colours). The file's bytes are
    searched first, so that only a suspect file is parsed: the profile is a stream, and a stream's
    dictionary is never compressed."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    suspect = False
    for m in _ICC_REF.finditer(data):
        num, gen = m.groups()
        d = re.search(rb"(?<![0-9])" + num + rb"\s+" + gen + rb"\s+obj\s*<<(.*?)>>\s*stream", data, re.S)
        if d is not None and not _HAS_N.search(d.group(1)):
            suspect = True
            break
    if not suspect and b"/ObjStm" in data:  # the references may be compressed: look at the profiles
        suspect = any(not _HAS_N.search(d.group(1)) for d in _ALTERNATE_STREAM.finditer(data))
    return _icc_pages(path) if suspect else []


def _icc_pages(path: Path) -> list[int]:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.psparser import PSLiteral

    def bad(spec: Any) -> bool:
        spec = resolve1(spec)
        if isinstance(spec, list) and len(spec) >= 2:
            name = resolve1(spec[0])
            stream = resolve1(spec[1])
            return (isinstance(name, PSLiteral) and name.name == "ICCBased" and isinstance(stream, PDFStream)
                    and "N" not in stream.attrs)
        return False

    def check(resources: Any, seen: set[Any], depth: int = 0) -> bool:
        resources = resolve1(resources)
        if not isinstance(resources, dict) or depth > 8:
            return False
        if any(bad(spec) for spec in (resolve1(resources.get("ColorSpace")) or {}).values()):
            return True
        for ref in (resolve1(resources.get("XObject")) or {}).values():
            key = getattr(ref, "objid", id(ref))
            if key in seen:
                continue
            seen.add(key)
            xobj = resolve1(ref)
            subtype = resolve1(xobj.attrs.get("Subtype")) if isinstance(xobj, PDFStream) else None
            if isinstance(subtype, PSLiteral) and subtype.name == "Form" and check(xobj.attrs.get("Resources"), seen, depth + 1):
                return True
        return False

    try:
        with open(path, "rb") as fh:
            doc = PDFDocument(PDFParser(fh))
            return [i + 1 for i, page in enumerate(PDFPage.create_pages(doc)) if check(page.resources, set())]
    except Exception:  # noqa: BLE001 - a check for a warning must not fail the file
        return []


def _read_pdfplumber(path: Path, source_path: str, settings: dict[str, Any]) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path)
    except PDFPasswordIncorrect as exc:
        raise Encrypted("encrypted PDF: password required; save an unprotected copy and run again") from exc
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds for broken files
        raise _open_error(exc) from exc
    with pdf:
        try:
            n_pages = len(pdf.pages)
        except Exception as exc:  # noqa: BLE001
            raise _open_error(exc) from exc
        if n_pages > MAX_PAGES:
            raise TooLarge(f"PDF has {n_pages} pages, over the {MAX_PAGES}-page limit: split it")
        doc = Document(source_path=source_path, format="pdf", pages=n_pages)
        pages: list[PageContent] = []
        for page in pdf.pages:
            try:
                try:
                    pages.append(_read_page(page, source_path, settings))
                except Exception as exc:  # noqa: BLE001
                    if "does not have attribute 'N'" not in str(exc):
                        raise
                    page.close()
                    with _lenient_icc_colour_spaces():
                        pages.append(_read_page(page, source_path, settings))
                    doc.warn("R202", f"page {page.page_number}: an ICC colour space without /N was read as RGB",
                             Provenance(file=source_path, page=page.page_number))
            except Exception as exc:  # noqa: BLE001 - one bad page costs that page, with a warning
                if isinstance(exc, MemoryError):
                    raise
                doc.warn("R201", f"page {page.page_number} could not be read ({exc.__class__.__name__}: {str(exc)[:80]})",
                         Provenance(file=source_path, page=page.page_number))
            finally:
                page.close()  # drop the page's parsed objects: memory stays flat over long files
    return _finish(doc, pages, settings, source_path)


def _finish(doc: Document, pages: list[PageContent], settings: dict[str, Any], source_path: str) -> Document:
    """Whichever engine read the pages: running lines dropped, unruled tables found, blocks and
    tables assembled (tables stitched across page breaks)."""
    if not pages:
        if doc.warnings:
            raise ReadFailed(f"no page could be read ({doc.warnings[0].message}): re-export the PDF")
        raise Damaged("PDF has no pages: re-export it")
    if not any(p.lines or p.tables for p in pages):
        raise NoTextLayer("no text layer: scanned pages need OCR (e.g. ocrmypdf) before they can be read")
    running = _drop_running_lines(pages, settings)
    if running:  # kept for what names a document (an inspectorate in a report's running header)
        doc.metadata["running"] = " | ".join(running)
    unruled = settings.get("unruled") or {}
    if unruled.get("enabled", True):
        _add_unruled_tables(pages, unruled, source_path)
    _assemble(doc, pages, settings)
    return doc


def _add_unruled_tables(pages: list[PageContent], settings: dict[str, Any], source: str) -> None:
    """Whitespace-aligned tables among the lines outside ruled tables, columns inferred over the
    whole table (all its pages), added to their pages as tables."""
    s = {**unruled_mod.DEFAULTS, **{k: v for k, v in settings.items() if k != "enabled"}}
    found = [c for p in pages for c in unruled_mod.candidates(p.number, p.lines, s)]
    if not found:
        return
    by_page = {p.number: p for p in pages}
    for chain in unruled_mod.chains(found, {p.number: p.height for p in pages}, s):
        cols = unruled_mod.gutters(chain)
        used = [len({unruled_mod.column_of((g.x0 + g.x1) / 2, cols) for g in gs}) for c in chain for gs in c.groups]
        # Most grouped lines must fill several columns: two prose columns, or a label and a
        # number now and then, are not a table.
        if len(cols) < s["min_columns"] or sum(1 for u in used if u >= s["min_columns"]) < s["min_rows"]:
            continue
        edges = [cols[0][0]] + [(a[1] + b[0]) / 2 for a, b in zip(cols, cols[1:])] + [cols[-1][1]]
        for cand in chain:
            page = by_page[cand.page]
            rows: list[list[Cell]] = []
            for line in cand.lines:
                per_col: dict[int, list[dict[str, Any]]] = {}
                for w in line.words:
                    per_col.setdefault(unruled_mod.column_of((w["x0"] + w["x1"]) / 2, cols), []).append(w)
                row = []
                for col, ws in sorted(per_col.items()):
                    text = collapse_ws(" ".join(w["text"] for w in sorted(ws, key=lambda w: w["x0"])))
                    bbox = BBox(x0=min(w["x0"] for w in ws), top=min(w["top"] for w in ws),
                                x1=max(w["x1"] for w in ws), bottom=max(w["bottom"] for w in ws))
                    bold = all("bold" in str(w.get("fontname", "")).lower() for w in ws)
                    row.append(Cell(row=0, col=col, text=text, paras=[Para(text=text, bold=bold)], bold=bold,
                                    prov=[Provenance(file=source, page=cand.page, bbox=bbox)]))
                rows.append(row)
            rows = unruled_mod.merge_wrapped(rows, cand.lines)
            taken = {id(line) for line in cand.lines}
            page.lines = [line for line in page.lines if id(line) not in taken]
            page.tables.append(PageTable(page=cand.page, bbox=(edges[0], cand.top, edges[-1], cand.bottom),
                                         col_edges=edges, rows=rows, header_text=[c.text for c in rows[0]]))
            page.tables.sort(key=lambda t: t.bbox[1])


@contextmanager
def _lenient_icc_colour_spaces() -> Iterator[None]:
    """Read an ICCBased colour space that lacks its required /N as RGB (N=3), as PDF viewers
    do, instead of failing the page; only while re-reading the page that needed it."""
    from pdfminer.pdftypes import PDFStream

    original = PDFStream.__getitem__

    def getitem(self: Any, name: str) -> Any:
        if name == "N" and name not in self.attrs:
            return 3
        return original(self, name)

    PDFStream.__getitem__ = getitem  # type: ignore[method-assign]
    try:
        yield
    finally:
        PDFStream.__getitem__ = original  # type: ignore[method-assign]


def _norm_running(text: str) -> str:
    return re.sub(r"\d+", "#", collapse_ws(text).lower())


def _drop_running_lines(pages: list[PageContent], settings: dict[str, Any]) -> list[str]:
    """Remove running headers/footers and page numbers from the margins; returns the distinct
    running lines removed (page numbers aside), as first printed."""
    dropped: dict[str, str] = {}
    share = float(settings.get("margin_share", 0.09))
    counts: Counter[str] = Counter()
    for p in pages:
        seen = {_norm_running(l.text) for l in p.lines if l.top < p.height * share or l.bottom > p.height * (1 - share)}
        counts.update(seen)
    need = max(2, int(len(pages) * float(settings.get("repeat_share", 0.5))))
    for p in pages:
        keep = []
        for line in p.lines:
            in_margin = line.top < p.height * share or line.bottom > p.height * (1 - share)
            norm = _norm_running(line.text)
            page_number = re.fullmatch(r"(page\s*)?#(\s*(of|/)\s*#)?", norm) is not None
            if in_margin and (page_number or (len(pages) >= 3 and counts[norm] >= need)):
                if not page_number and len(dropped) < 20:
                    dropped.setdefault(norm, collapse_ws(line.text))
                continue
            keep.append(line)
        p.lines = keep
    return list(dropped.values())


def _body_size(pages: list[PageContent]) -> float:
    sizes: Counter[float] = Counter()
    for p in pages:
        for line in p.lines:
            sizes[round(line.size, 1)] += len(line.text)
    # Only text outside tables votes: plans often set their tables smaller than the body.
    return sizes.most_common(1)[0][0] if sizes else 10.0


@dataclass
class _LastHeading:
    page: int
    line: Line


def _assemble(doc: Document, pages: list[PageContent], settings: dict[str, Any]) -> None:
    body = _body_size(pages)
    ratio = float(settings.get("heading_size_ratio", 1.12))
    heading_sizes = sorted({round(l.size, 1) for p in pages for l in p.lines if l.size >= body * ratio}, reverse=True)
    tol = float(settings.get("stitch_column_tolerance", 6.0))
    open_table: PageTable | None = None  # the table the previous page ended with
    last_heading: _LastHeading | None = None
    pending: list[list[Cell]] = []
    pending_breaks: set[int] = set()
    pending_first: PageTable | None = None
    pending_nested: list[tuple[Cell, PageTable]] = []

    def add_nested(parent: int, nested: list[tuple[Cell, PageTable]]) -> None:
        for cell, inner in nested:  # after the parent's add_table, which set cell.row
            sub = doc.add_table(inner.rows, page=inner.page, parent=parent, parent_cell=(cell.row, cell.col), in_body=False)
            cell.tables.append(sub.index)
            add_nested(sub.index, inner.nested)

    def flush() -> None:
        nonlocal pending, pending_breaks, pending_first, open_table, pending_nested
        if pending and pending_first is not None:
            table = doc.add_table(pending, page=pending_first.page, header_rows=0)
            for i in pending_breaks:
                if i < len(table.rows):
                    table.rows[i].page_break_before = True
            add_nested(table.index, pending_nested)
        pending, pending_breaks, pending_first, open_table, pending_nested = [], set(), None, None, []

    for p in pages:
        items: list[tuple[float, str, Any]] = [(l.top, "line", l) for l in p.lines] + [(t.bbox[1], "table", t) for t in p.tables]
        # The text column's right edge: the widest line or table, or the left margin mirrored.
        lefts = [l.x0 for l in p.lines] + [t.bbox[0] for t in p.tables]
        right_edge = max([l.x1 for l in p.lines] + [t.bbox[2] for t in p.tables]
                         + ([p.width - min(lefts)] if lefts and p.width else []), default=0.0)

        def wraps(prev: Line, line: Line) -> bool:
            # The rule word processors apply: a line continues the one above only when its first
            # word would not have fitted there. A short line ends its paragraph.
            return prev.x1 + prev.size * 0.3 + line.first_word > right_edge - 0.25 * prev.size
        items.sort(key=lambda it: it[0])
        para: list[Line] = []

        def emit_para() -> None:
            if para:
                text = collapse_ws(_join_wrapped([l.text for l in para]))
                clean, bullet = strip_bullet(text)
                if clean:
                    kind = BlockKind.list_item if bullet else BlockKind.paragraph
                    doc.add_block(kind, clean, bold=all(l.bold for l in para), page=p.number,
                                  bbox=BBox(x0=min(l.x0 for l in para), top=para[0].top, x1=max(l.x1 for l in para),
                                            bottom=para[-1].bottom))
                para.clear()

        for i, (_, kind, item) in enumerate(items):
            if kind == "table":
                emit_para()
                continues = (open_table is not None and i == 0 and _same_columns(open_table, item, tol))
                if continues:
                    rows = item.rows
                    if rows and [c.text for c in rows[0]] == open_table.header_text:
                        rows = rows[1:]  # the header repeated on the new page
                    if rows:
                        if pending:
                            _mark_wraps(pending[-1], rows[0], open_table.fits, item.fits)
                        pending_breaks.add(len(pending))
                        pending.extend(rows)
                    pending_nested.extend((c, t) for c, t in item.nested if any(c is x for r in rows for x in r))
                    open_table = item if item.rows else open_table
                    open_table.header_text = pending_first.header_text if pending_first else item.header_text
                else:
                    flush()
                    pending, pending_first, open_table = list(item.rows), item, item
                    pending_nested = list(item.nested)
                continue
            # A text line: the open table (if any) ends here unless it is a continuation candidate.
            if pending:
                flush()
            line: Line = item
            text = collapse_ws(line.text)
            level = _heading_level(line, body, ratio, heading_sizes)
            if level is not None:
                emit_para()
                last = doc.blocks[-1] if doc.blocks else None
                if (last is not None and last.kind is BlockKind.heading and last.level == level and last_heading is not None
                        and last_heading.page == p.number and wraps(last_heading.line, line)
                        and line.top - last_heading.line.bottom < line.size * 0.9):
                    # A long heading wrapped onto a second line: one heading.
                    last.text = f"{last.text} {strip_bullet(text)[0]}"
                    if last.prov and last.prov[0].bbox is not None:
                        b = last.prov[0].bbox
                        last.prov[0] = last.prov[0].model_copy(update={"bbox": BBox(
                            x0=min(b.x0, line.x0), top=b.top, x1=max(b.x1, line.x1), bottom=line.bottom)})
                    last_heading = _LastHeading(p.number, line)
                    continue
                doc.add_block(BlockKind.heading, strip_bullet(text)[0], level=level, bold=line.bold, page=p.number,
                              bbox=BBox(x0=line.x0, top=line.top, x1=line.x1, bottom=line.bottom))
                last_heading = _LastHeading(p.number, line)
                continue
            last = doc.blocks[-1] if doc.blocks else None
            if (last_heading is not None and last is not None and last.kind is BlockKind.heading
                    and last_heading.page == p.number and line.bold == last_heading.line.bold
                    and abs(line.size - last_heading.line.size) <= 0.6 and wraps(last_heading.line, line)
                    and line.top - last_heading.line.bottom < line.size * 0.9):
                # A bold line taken for a heading wrapped onto a line that is not one (it ends a
                # sentence): together they are a bold paragraph, as on a wider page.
                last.kind, last.level = BlockKind.paragraph, 0
                last.text = collapse_ws(f"{last.text} {text}")
                last_heading = None
                continue
            last_heading = None
            starts_item = bool(_BULLET_START.match(text) or _NUMBERED_START.match(text))
            if para and (starts_item or line.top - para[-1].bottom > para[-1].size * 0.8
                         or abs(line.size - para[-1].size) > 0.6 or line.bold != para[-1].bold
                         or not wraps(para[-1], line)):
                emit_para()
            para.append(line)
        emit_para()
        # A table still open at the end of the page may continue on the next one.
        if pending and open_table is not None and p.tables and items and items[-1][1] == "table":
            continue
        flush()
    flush()


def _mark_wraps(above: list[Cell], below: list[Cell], fits_above: dict[int, tuple[float, float]],
                fits_below: dict[int, tuple[float, float]]) -> None:
    """Mark each cell of the first row after a page break whose first word would not have fitted
    at the end of the cell above it (``Cell.wraps_above``): where a row broke across the pages,
    that line is the wrap of the last one above, as within a cell."""
    for cell in below:
        if id(cell) not in fits_below or not cell.prov or cell.prov[0].bbox is None:
            continue
        box = cell.prov[0].bbox
        for other in above:
            obox = other.prov[0].bbox if other.prov else None
            if obox is None or id(other) not in fits_above:
                continue
            if min(box.x1, obox.x1) - max(box.x0, obox.x0) > 0.8 * min(box.x1 - box.x0, obox.x1 - obox.x0):
                cell.wraps_above = fits_below[id(cell)][1] > fits_above[id(other)][0]
                break


def _same_columns(a: PageTable, b: PageTable, tol: float) -> bool:
    if len(a.col_edges) != len(b.col_edges):
        return False
    return all(abs(x - y) <= tol for x, y in zip(a.col_edges, b.col_edges))


def _heading_level(line: Line, body: float, ratio: float, heading_sizes: list[float]) -> int | None:
    text = collapse_ws(line.text)
    if not text or len(text) > 120 or text.endswith((",", ";")):
        return None
    size = round(line.size, 1)
    if line.size >= body * ratio and size in heading_sizes:
        return min(heading_sizes.index(size) + 1, 6)
    if line.bold and len(text.split()) <= 14 and not text.endswith(".") and not _BULLET_START.match(text):
        return min(len(heading_sizes) + 1, 6)
    return None
