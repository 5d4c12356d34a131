"""Excel workbooks (.xlsx, .xlsm): action trackers read like Word and PDF plans.

Each visible worksheet becomes a heading (its name) and the headings, paragraphs and tables its
visible cells lay out (:mod:`.sheet_layout`). Cells keep what a plan's reader sees: merged cells
as true spans, solid fills (RGB, indexed, theme colours with their tint) and the fill a plain
conditional-format rule gives (``Cell value equal to "Red"`` → its red) as the cell's colour,
dates printed by their number format (:mod:`.numfmt`), formulas as their saved values. Hidden
rows, columns and sheets are not part of the plan: they are left out and a warning (``R301``)
says how many held anything.

Refused before parsing: zip bombs (the Word reader's guard), workbooks with more cells than
``PLAN_EXTRACT_MAX_CELLS`` (counted in the sheet XML as it streams, since openpyxl's full mode
builds every styled empty cell and its read-only mode loses merged cells and styles), and more
sheets than ``PLAN_EXTRACT_MAX_PAGES``. Old binary .xls files and password-protected workbooks
(both OLE2 containers) get a reason saying what to do.
"""

from __future__ import annotations

import colorsys
import re
import warnings
import zipfile
from bisect import bisect_left
from pathlib import Path
from typing import Any

from ..errors import Damaged, Encrypted, ReadFailed, TooLarge, Unsupported
from ..model import BlockKind, Document, Provenance
from ..settings import Settings
from .numfmt import SheetSettings, format_value, sheet_settings
from .ooxml_theme import theme_colours
from .registry import register
from .sheet_layout import SHEET_STYLE, Grid, GridCell, lay_out
from .sniff import OLE_MAGIC, WORKBOOK_SUFFIXES, is_workbook_head, is_zip
from .zipguard import check_parts

_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_OLE_WORKBOOK = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le") + b"\x00\x00")
_XLS_SUFFIXES = (".xls", ".xlt", ".xla")
_OTHER_OFFICE_SUFFIXES = (".doc", ".dot", ".docx", ".docm", ".ppt", ".pps", ".pptx")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_COUNTED_RE = re.compile(rb'<(?:\w{1,12}:)?(?:c|row)[\s>/]'
                         rb'|<(?:\w{1,12}:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')
_MAIN_TYPES = (b"spreadsheetml.sheet.main", b"spreadsheetml.template.main", b"ms-excel.sheet.macroEnabled.main",
               b"ms-excel.template.macroEnabled.main")


def _sniff(head: bytes, name: str) -> bool:
    lower = name.lower()
    if head.startswith(OLE_MAGIC):
        if lower.endswith(_OTHER_OFFICE_SUFFIXES) or _WORD_STREAM in head:
            return False  # a Word or PowerPoint file (which may embed a workbook)
        # An old .xls, or a password-protected workbook (OOXML encrypted inside an OLE2 file).
        return lower.endswith(_XLS_SUFFIXES + WORKBOOK_SUFFIXES) or _ENCRYPTION_INFO in head or any(
            n in head for n in _OLE_WORKBOOK)
    if not is_zip(head):
        return False
    return is_workbook_head(head) or (lower.endswith(WORKBOOK_SUFFIXES + (".xlsb",)) and b"word/" not in head)


@register("xlsx", _sniff)
def read_xlsx(path: Path, source_path: str) -> Document:
    """Read a workbook's visible sheets into a Document (format ``xlsx``)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        _refuse_ole(path)
    settings = Settings()
    _check_package(path, settings)
    try:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops (data validation, slicers)
            # A file object, not the path: openpyxl refuses a name not ending .xlsx (read by content here).
            with open(path, "rb") as fh:
                wb = openpyxl.load_workbook(fh, data_only=True, read_only=False, keep_links=False, keep_vba=False)
    except (Unsupported, ReadFailed):
        raise
    except MemoryError:
        raise
    except Exception as exc:  # zipfile, lxml and openpyxl raise many kinds; one line for the person
        raise Damaged(f"damaged Excel workbook ({exc.__class__.__name__}: {str(exc)[:100]}): re-save it in Excel") from exc
    try:
        return _Reader(wb, source_path, sheet_settings()).read()
    except (Unsupported, ReadFailed):
        raise
    except MemoryError:
        raise
    except Exception as exc:
        raise Damaged(f"damaged Excel workbook ({exc.__class__.__name__}: {str(exc)[:100]}): re-save it in Excel") from exc


# -- refusals before parsing ----------------------------------------------------------------------


def _refuse_ole(path: Path) -> None:
    """An OLE2 container: an encrypted workbook or an old binary .xls; never parsed."""
    found_workbook = False
    with open(path, "rb") as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            if _ENCRYPTION_INFO in data:
                raise Encrypted("encrypted workbook: password required; save it without a password")
            found_workbook = found_workbook or any(n in data for n in _OLE_WORKBOOK)
            tail = data[-64:]
    if found_workbook or path.name.lower().endswith(_XLS_SUFFIXES):
        raise Unsupported("legacy Excel .xls: save as .xlsx")
    raise Unsupported("legacy Office file (OLE2) that is not a workbook: save it as .xlsx or .docx")


def _check_package(path: Path, settings: Settings) -> None:
    """Refuse zip bombs, non-workbooks and workbooks beyond the cell and sheet limits."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = check_parts(zf, "Excel workbook")
            names = {i.filename for i in infos}
            content_types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            if "xl/workbook.bin" in names or b"sheet.binary.macroEnabled" in content_types:
                raise Unsupported("Excel binary workbook (.xlsb): save as .xlsx")
            if not any(t in content_types for t in _MAIN_TYPES):
                if b"wordprocessingml" in content_types:
                    raise Unsupported("a Word document named as a workbook: rename it .docx")
                raise Unsupported("zip package that is not an Excel workbook: save the plan as .xlsx")
            sheets = [i for i in infos if re.fullmatch(r"xl/worksheets/[^/]+\.xml", i.filename)]
            if len(sheets) > settings.max_pages:
                raise TooLarge(f"workbook has {len(sheets)} sheets, over the {settings.max_pages}-page limit: split it "
                               "or raise PLAN_EXTRACT_MAX_PAGES")
            total = 0
            for info in sheets:
                total += _count_cells(zf, info, settings.max_cells - total)
                if total > settings.max_cells:
                    raise TooLarge(
                        f"workbook has over {settings.max_cells:,} cells (sheet part {info.filename}; styled empty cells "
                        "count too): delete the unused rows and columns, or raise PLAN_EXTRACT_MAX_CELLS")
    except zipfile.BadZipFile as exc:
        raise Damaged(f"damaged Excel workbook ({exc}): re-save it in Excel") from exc


def _count_cells(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Cells a sheet part makes openpyxl build, streamed; stops once past ``budget``.

    Every cell and row element counts, and every cell a merge covers (openpyxl makes an object
    for each: one ``A1:XFD1048576`` merge is seventeen billion).
    """
    count = 0
    buf = b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            buf += chunk
            cut = len(buf) - 96  # longer than any element counted: one cut across it is seen whole next time
            count += sum(_weight(m) for m in _COUNTED_RE.finditer(buf) if m.start() < cut)
            buf = buf[cut:] if cut > 0 else buf
            if count > budget:
                return count
    return count + sum(_weight(m) for m in _COUNTED_RE.finditer(buf))  # the tail not yet counted


def _weight(m: re.Match[bytes]) -> int:
    if m.group(1) is None:
        return 1
    rows = abs(int(m.group(4)) - int(m.group(2))) + 1
    cols = abs(_col_number(m.group(3)) - _col_number(m.group(1))) + 1
    return rows * cols


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


# -- the workbook ---------------------------------------------------------------------------------


class _Reader:
    def __init__(self, wb: Any, source_path: str, settings: SheetSettings) -> None:
        self.wb = wb
        self.settings = settings
        self.doc = Document(source_path=source_path, format="xlsx", pages=None)
        self.theme = _theme_palette(getattr(wb, "loaded_theme", None))
        self.fills: dict[int, str | None] = {}
        self.fonts: dict[int, tuple[bool, float | None]] = {}
        self.unnamed = [re.compile(p, re.I) for p in settings.unnamed_sheets]

    def read(self) -> Document:
        hidden_sheets: list[str] = []
        any_text = False
        for ws in self.wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                if any(c.value not in (None, "") for c in ws._cells.values()):
                    hidden_sheets.append(ws.title)
                continue
            grid = self._grid(ws)
            if not grid.cells:
                continue
            any_text = True
            if not any(p.fullmatch(ws.title.strip()) for p in self.unnamed):
                block = self.doc.add_block(BlockKind.heading, ws.title.strip(), level=1, style=SHEET_STYLE)
                block.prov = [Provenance(file=self.doc.source_path, block=block.index, sheet=ws.title)]
            lay_out(self.doc, grid, self.settings)
        if hidden_sheets:
            names = ", ".join(f"'{n}'" for n in hidden_sheets)
            self.doc.warn("R301", f"{_count(len(hidden_sheets), 'hidden sheet')} left out ({names}): not part of the plan")
        if not any_text:
            hidden = f" ({_count(len(hidden_sheets), 'hidden sheet')} left out: unhide the plan's sheet)" if hidden_sheets else ""
            raise Unsupported(f"empty workbook: no visible cell holds text{hidden}")
        props = getattr(self.wb, "properties", None)
        if props is not None and getattr(props, "title", None):
            self.doc.metadata["title"] = str(props.title)
        return self.doc

    # -- one sheet ------------------------------------------------------------------------------

    def _grid(self, ws: Any) -> Grid:
        """The sheet's visible cells, keyed by visible row and column rank (hidden ones skipped)."""
        from openpyxl.utils import get_column_letter

        hidden_rows = {r for r, d in ws.row_dimensions.items() if d.hidden or (d.customHeight and d.ht == 0)}
        hidden_cols: set[int] = set()
        for d in ws.column_dimensions.values():
            if d.hidden or (d.customWidth and d.width == 0):
                lo = d.min or 0
                hidden_cols.update(range(lo, (d.max or lo) + 1))
        hr, hc = sorted(hidden_rows), sorted(hidden_cols)
        cf = _conditional_fills(ws, self._colour)
        anchors: dict[tuple[int, int], GridCell] = {}
        left_rows: set[int] = set()
        left_cols: set[int] = set()

        def place(r: int, c: int, cell: Any, at: tuple[int, int], rspan: int, cspan: int) -> None:
            text = self._text(cell, cell.value)
            fill = cf(r, c, cell.value) or self._fill(cell)
            if not text and not fill:
                return
            bold, size = self._font(cell)
            # Keyed by rank among visible rows and columns: a hidden row is not a gap.
            key = (at[0] - bisect_left(hr, at[0]), at[1] - bisect_left(hc, at[1]))
            anchors[key] = GridCell(text=text, fill=fill, bold=bold, size=size, address=f"{get_column_letter(c)}{r}",
                                    rspan=rspan, cspan=cspan)

        def left_out(r: int, c: int, value: Any) -> None:
            if value not in (None, ""):
                if r in hidden_rows:
                    left_rows.add(r)
                else:
                    left_cols.add(c)

        members: set[tuple[int, int]] = set()
        for rng in ws.merged_cells.ranges:
            rows = [r for r in range(rng.min_row, rng.max_row + 1) if r not in hidden_rows]
            cols = [c for c in range(rng.min_col, rng.max_col + 1) if c not in hidden_cols]
            members.update((r, c) for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1))
            top = ws._cells.get((rng.min_row, rng.min_col))
            if top is None:
                continue
            if not rows or not cols:
                left_out(rng.min_row if not rows else rows[0], rng.min_col, top.value)
                continue
            place(rng.min_row, rng.min_col, top, (rows[0], cols[0]), len(rows), len(cols))
        for (r, c), cell in ws._cells.items():
            if (r, c) in members:
                continue
            if r in hidden_rows or c in hidden_cols:
                left_out(r, c, cell.value)
                continue
            place(r, c, cell, (r, c), 1, 1)
        if left_rows or left_cols:
            parts = [_count(len(x), word) for x, word in ((left_rows, "hidden row"), (left_cols, "hidden column")) if x]
            self.doc.warn("R301", f"sheet '{ws.title}': {' and '.join(parts)} with content left out: not part of the plan",
                          Provenance(file=self.doc.source_path, sheet=ws.title))
        if not any(g.text for g in anchors.values()):
            return Grid(cells={}, sheet=ws.title, styled=True)
        return Grid(cells=anchors, sheet=ws.title, styled=True)

    def _text(self, cell: Any, value: Any) -> str:
        if value is None:
            return ""
        style = getattr(cell, "_style", None)
        fmt_id = style.numFmtId if style is not None else None
        text = format_value(value, cell.number_format, fmt_id, self.settings)
        return text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n").strip()

    def _fill(self, cell: Any) -> str | None:
        if not cell.has_style:
            return None
        fid = cell._style.fillId
        if fid not in self.fills:
            self.fills[fid] = _fill_colour(cell.fill, self._colour)
        return self.fills[fid]

    def _font(self, cell: Any) -> tuple[bool, float | None]:
        if not cell.has_style:
            return False, None
        fid = cell._style.fontId
        if fid not in self.fonts:
            font = cell.font
            self.fonts[fid] = (bool(font.b), float(font.sz) if font.sz else None)
        return self.fonts[fid]

    def _colour(self, colour: Any) -> str | None:
        return _resolve_colour(colour, self.theme, getattr(self.wb, "_colors", None))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- colours --------------------------------------------------------------------------------------


def _theme_palette(xml: bytes | str | None) -> list[str]:
    """Theme colours by Excel's theme index: lt1, dk1, lt2, dk2, accent1…6, hlink, folHlink."""
    by_name = theme_colours(xml)
    if not by_name:
        return []
    order = ["lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6", "hlink", "folHlink"]
    return [by_name.get(n, "") for n in order]


def _tint(hex6: str, tint: float) -> str:
    """Excel's tint: lighten towards white (tint > 0) or darken (tint < 0) in HLS lightness."""
    r, g, b = (int(hex6[i : i + 2], 16) / 255 for i in (0, 2, 4))
    h, light, s = colorsys.rgb_to_hls(r, g, b)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, min(1.0, max(0.0, light)), s)
    return "".join(f"{round(v * 255):02X}" for v in (r, g, b))


def _resolve_colour(colour: Any, theme: list[str], custom_index: list[str] | None) -> str | None:
    """An openpyxl Color as ``#RRGGBB``, or None (automatic, unknown, or white)."""
    if colour is None:
        return None
    kind = getattr(colour, "type", None)
    hex6 = None
    if kind == "rgb" and isinstance(colour.rgb, str) and re.fullmatch(r"[0-9A-Fa-f]{6,8}", colour.rgb):
        hex6 = colour.rgb[-6:].upper()
    elif kind == "theme" and isinstance(colour.theme, int) and 0 <= colour.theme < len(theme):
        hex6 = theme[colour.theme] or None
    elif kind == "indexed" and isinstance(colour.indexed, int):
        from openpyxl.styles.colors import COLOR_INDEX

        palette = list(custom_index) if custom_index else list(COLOR_INDEX)
        if 0 <= colour.indexed < min(64, len(palette)):
            hex6 = palette[colour.indexed][-6:].upper()
    if not hex6:
        return None
    tint = float(getattr(colour, "tint", 0) or 0)
    if tint:
        hex6 = _tint(hex6, tint)
    return None if hex6 == "FFFFFF" else f"#{hex6}"


def _fill_colour(fill: Any, resolve: Any) -> str | None:
    """A cell's solid fill colour. Other patterns (hatching) and gradients are not a status."""
    if getattr(fill, "fill_type", None) == "solid":
        return resolve(fill.fgColor) or None
    return None


def _dxf_fill(fill: Any, resolve: Any) -> str | None:
    """The fill of a conditional format: Excel keeps a solid one's colour in bgColor."""
    if fill is None or getattr(fill, "fill_type", None) not in (None, "solid"):
        return None
    return resolve(getattr(fill, "bgColor", None)) or resolve(getattr(fill, "fgColor", None))


_UNREADABLE = object()


def _formula_literal(text: str) -> Any:
    """A rule's formula when it is a constant (``"Red"``, ``3``, ``TRUE``); otherwise _UNREADABLE."""
    t = (text or "").strip()
    if len(t) >= 2 and t[0] == t[-1] == '"':
        return t[1:-1].replace('""', '"')
    if t.upper() in ("TRUE", "FALSE"):
        return t.upper() == "TRUE"
    try:
        return float(t)
    except ValueError:
        return _UNREADABLE


def _compare(value: Any, other: Any) -> int | None:
    """-1/0/1 as Excel compares a cell to a constant (text case-insensitively), None if unlike."""
    if isinstance(value, bool) or isinstance(other, bool):
        return None if type(value) is not type(other) else (value > other) - (value < other)
    if isinstance(value, (int, float)) and isinstance(other, (int, float)):
        return (value > other) - (value < other)
    if isinstance(value, str) and isinstance(other, str):
        a, b = value.strip().lower(), other.strip().lower()
        return (a > b) - (a < b)
    return None


_OPS = {
    "equal": lambda c: c == 0, "notEqual": lambda c: c != 0, "greaterThan": lambda c: c > 0,
    "lessThan": lambda c: c < 0, "greaterThanOrEqual": lambda c: c >= 0, "lessThanOrEqual": lambda c: c <= 0,
}


def _rule_matches(rule: Any, value: Any) -> bool:
    if value is None or value == "":
        return False
    kind = rule.type
    if kind == "cellIs":
        args = [_formula_literal(f) for f in (rule.formula or [])]
        if not args or any(a is _UNREADABLE for a in args):
            return False
        op = rule.operator or "equal"
        if op in ("between", "notBetween") and len(args) >= 2:
            lo, hi = _compare(value, args[0]), _compare(value, args[1])
            if lo is None or hi is None:
                return op == "notBetween"
            inside = lo >= 0 and hi <= 0
            return inside if op == "between" else not inside
        c = _compare(value, args[0])
        if c is None:
            return op == "notEqual"
        return _OPS.get(op, lambda _c: False)(c)
    if kind in ("containsText", "notContainsText", "beginsWith", "endsWith") and rule.text:
        v, t = str(value).lower(), str(rule.text).lower()
        return {"containsText": t in v, "notContainsText": t not in v, "beginsWith": v.startswith(t),
                "endsWith": v.endswith(t)}[kind]
    return False  # expressions, colour scales, icon sets: not a plain rule


def _conditional_fills(ws: Any, resolve: Any) -> Any:
    """``fill(row, col, value)``: the colour of the first plain rule (by priority) the value meets."""
    rules: list[tuple[int, list[tuple[int, int, int, int]], Any, str]] = []
    try:
        formats = list(ws.conditional_formatting)
    except Exception:  # noqa: BLE001 - conditional formats we cannot read only cost their colours
        formats = []
    for cf in formats:
        bounds = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in cf.sqref.ranges]
        for rule in cf.rules:
            dxf = getattr(rule, "dxf", None)
            colour = _dxf_fill(getattr(dxf, "fill", None), resolve) if dxf is not None else None
            if colour:
                rules.append((rule.priority or 0, bounds, rule, colour))
    rules.sort(key=lambda x: x[0])

    def fill(row: int, col: int, value: Any) -> str | None:
        for _p, bounds, rule, colour in rules:
            if any(r0 <= row <= r1 and c0 <= col <= c1 for r0, c0, r1, c1 in bounds) and _rule_matches(rule, value):
                return colour
        return None

    return fill
