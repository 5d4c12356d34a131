"""Word (.docx) reader: the body read from the package's XML, in document order.

python-docx opens the package (relationships, a renamed main part, styles) but its convenience
API loses what plans keep: ``Row.cells`` repeats a merged cell once per grid column and fails on
ragged ``vMerge`` grids, ``Document.tables`` skips tables in text boxes and content controls,
``Paragraph.text`` drops tracked insertions, and cell shading is not exposed. So tables, cells and
runs are walked here from the XML: true ``gridSpan``/``vMerge`` spans and ``gridBefore`` offsets,
nested tables as nested tables, ``w:sdt`` and ``w:txbxContent`` content once (the DrawingML
choice, not the VML fallback), tracked changes as accepted, shading as the cell's fill colour.
Headers and footers stay out of the body. Word has no fixed pages: ``pages`` is None.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import Damaged, ReadFailed, Unsupported
from ..model import BlockKind, Cell, Document, Para
from ..textutil import collapse_ws, strip_bullet
from .ooxml_theme import theme_colours
from .registry import register
from .sniff import is_workbook_head, is_zip
from .zipguard import check_parts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


T_P, T_TBL, T_SDT, T_SDTCONTENT, T_R, T_T, T_TR, T_TC = (
    _w("p"), _w("tbl"), _w("sdt"), _w("sdtContent"), _w("r"), _w("t"), _w("tr"), _w("tc"))
T_INS, T_DEL, T_MOVEFROM, T_MOVETO, T_HYPERLINK, T_SMARTTAG, T_FLDSIMPLE, T_CUSTOMXML = (
    _w("ins"), _w("del"), _w("moveFrom"), _w("moveTo"), _w("hyperlink"), _w("smartTag"), _w("fldSimple"), _w("customXml"))
T_TXBX = _w("txbxContent")
T_ALT, T_CHOICE, T_FALLBACK = f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice", f"{{{MC}}}Fallback"
VAL = _w("val")


def _sniff(head: bytes, name: str) -> bool:
    if not is_zip(head):
        return False
    lower = name.lower()
    if lower.endswith((".odt", ".ods", ".odp", ".xlsx", ".pptx", ".zip")) or is_workbook_head(head):
        return False
    # The first entries of a Word package name its parts; a .docx renamed .doc is still Word.
    return b"word/" in head or b"[Content_Types].xml" in head or lower.endswith((".docx", ".doc", ".docm", ".dotx"))


def _check_package(path: Path) -> None:
    """Refuse zip bombs and non-Word packages before any part is parsed."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = {i.filename for i in check_parts(zf, "Word package")}
            content_types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except zipfile.BadZipFile as exc:
        raise Damaged(f"damaged Word package ({exc}): re-save it in Word or re-export it") from exc
    if "mimetype" in names and not content_types:
        raise Unsupported("OpenDocument text (.odt): save as .docx")
    if not content_types:
        raise Unsupported("zip archive that is not a Word document: unpack it or save the document as .docx")
    if b"wordprocessingml" not in content_types:
        if b"spreadsheetml" in content_types:
            raise Unsupported("an Excel workbook named as a Word document: rename it .xlsx")
        if b"presentationml" in content_types:
            raise Unsupported("PowerPoint file (.pptx): save the plan as .docx or .pdf")
        raise Unsupported("zip package that is not a Word document: save the document as .docx")


@register("docx", _sniff)
def read_docx(path: Path, source_path: str) -> Document:
    _check_package(path)
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            package = docx.Document(str(path))
        except PackageNotFoundError as exc:
            raise Damaged(f"not a readable Word package ({exc}): re-save it in Word") from exc
        except KeyError as exc:
            if _is_strict(path):
                raise ReadFailed(
                    "strict OOXML (ISO 29500 Strict) Word file: re-save it in Word as 'Word Document (.docx)'"
                ) from exc
            raise Damaged(f"damaged Word package (missing part {exc}): re-save it in Word") from exc
        reader = _Reader(package, source_path)
        return reader.read()
    except (Unsupported, ReadFailed):
        raise
    except MemoryError:
        raise
    except Exception as exc:  # lxml and python-docx raise many kinds; one line for the person
        raise Damaged(f"damaged Word document ({exc.__class__.__name__}: {str(exc)[:100]}): re-save it in Word") from exc


def _is_strict(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(STRICT_W.encode() in zf.read(n)[:4096] for n in zf.namelist() if n.endswith("document.xml"))
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


class _Reader:
    def __init__(self, package, source_path: str) -> None:  # type: ignore[no-untyped-def]
        self.package = package
        self.doc = Document(source_path=source_path, format="docx", pages=None)
        part = package.part
        self.styles = _styles(part)
        self.theme = _theme_colours(part)
        self.seen_txbx: set[int] = set()

    def read(self) -> Document:
        body = self.package.element.body
        for kind, el in self._blocks(body):
            if kind == "p":
                self._paragraph(el)
            else:
                self._table(el, parent=None, parent_cell=None)
        core = self.package.core_properties
        if core.title:
            self.doc.metadata["title"] = core.title
        running = self._running()
        if running:  # headers and footers stay out of the body, but may name the document's source
            self.doc.metadata["running"] = running
        return self.doc

    def _running(self) -> str:
        texts: list[str] = []
        try:
            for section in self.package.sections:
                for part in (section.header, section.footer):
                    text = collapse_ws(" ".join(p.text for p in part.paragraphs))
                    if text and text not in texts:
                        texts.append(text)
        except Exception:  # noqa: BLE001 - a broken header part costs the header, not the document
            return ""
        return " | ".join(texts[:20])

    # -- body order --------------------------------------------------------------------------

    def _blocks(self, container) -> Iterator[tuple[str, object]]:  # type: ignore[no-untyped-def]
        """Paragraphs and tables in order, through content controls, custom XML and text boxes."""
        for child in container:
            tag = child.tag
            if tag == T_P:
                if _deleted_paragraph(child):
                    continue
                yield "p", child
                for box in self._text_boxes(child):
                    yield from self._blocks(box)
            elif tag == T_TBL:
                yield "tbl", child
            elif tag == T_SDT:
                content = child.find(T_SDTCONTENT)
                if content is not None:
                    yield from self._blocks(content)
            elif tag in (T_CUSTOMXML, T_INS, T_MOVETO):
                yield from self._blocks(child)
            elif tag == T_ALT:
                choice = child.find(T_CHOICE)
                if choice is not None:
                    yield from self._blocks(choice)

    def _text_boxes(self, p) -> list:  # type: ignore[no-untyped-def]
        """Text boxes anchored in a paragraph, each once: DrawingML choice, not its VML fallback."""
        boxes = []
        for box in p.iter(T_TXBX):
            if id(box) in self.seen_txbx or _inside(box, T_FALLBACK, stop=p):
                continue
            if _inside(box, T_TXBX, stop=p):
                continue  # a box inside a box is read with its outer box
            self.seen_txbx.add(id(box))
            boxes.append(box)
        return boxes

    # -- paragraphs --------------------------------------------------------------------------

    def _para_info(self, p) -> tuple[str, str | None, int | None, bool, int, bool]:  # type: ignore[no-untyped-def]
        """text, style name, heading level, list item, list level, bold."""
        ppr = p.find(_w("pPr"))
        style_id = None
        outline = None
        num = False
        ilvl = 0
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            style_id = ps.get(VAL) if ps is not None else None
            ol = ppr.find(_w("outlineLvl"))
            outline = int(ol.get(VAL)) if ol is not None and (ol.get(VAL) or "").isdigit() else None
            numpr = ppr.find(_w("numPr"))
            if numpr is not None:
                num_id = numpr.find(_w("numId"))
                num = num_id is None or num_id.get(VAL) != "0"
                lvl = numpr.find(_w("ilvl"))
                ilvl = int(lvl.get(VAL)) if lvl is not None and (lvl.get(VAL) or "").isdigit() else 0
        style = self.styles.get(style_id or "", {})
        name = style.get("name") or style_id
        if outline is None:
            outline = style.get("outline")
        num = num or bool(style.get("numbered"))
        level = _heading_level(name, outline)
        text, bold = _runs_text(p, style_bold=bool(style.get("bold")))
        return text, name, level, num, ilvl, bold

    def _paragraph(self, p) -> None:  # type: ignore[no-untyped-def]
        text, style, level, num, ilvl, bold = self._para_info(p)
        text = collapse_ws(text)
        if not text:
            return
        text, bullet = strip_bullet(text)
        if not text:
            return
        if level is not None:
            self.doc.add_block(BlockKind.heading, text, level=level, bold=bold, style=style)
        elif num or bullet or (style or "").lower().startswith("list"):
            self.doc.add_block(BlockKind.list_item, text, level=ilvl, bold=bold, style=style)
        else:
            self.doc.add_block(BlockKind.paragraph, text, bold=bold, style=style)

    # -- tables ------------------------------------------------------------------------------

    def _table(self, tbl, parent: int | None, parent_cell: tuple[int, int] | None) -> int:  # type: ignore[no-untyped-def]
        rows: list[list[Cell]] = []
        nested: list[tuple[Cell, list]] = []
        header_rows = 0
        counting_header = True
        open_merge: dict[int, Cell] = {}  # grid column -> the cell a vMerge continues
        for tr in _rows(tbl):
            trpr = tr.find(_w("trPr"))
            if trpr is not None and trpr.find(_w("del")) is not None:
                continue  # a tracked deletion of the whole row: accepted, so gone
            is_header = trpr is not None and trpr.find(_w("tblHeader")) is not None and \
                trpr.find(_w("tblHeader")).get(VAL) not in ("0", "false")
            if counting_header and is_header:
                header_rows += 1
            else:
                counting_header = False
            col = _grid_count(trpr, "gridBefore")
            cells: list[Cell] = []
            for tc in _cells(tr):
                tcpr = tc.find(_w("tcPr"))
                span = _int_val(tcpr, "gridSpan", 1)
                vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
                if vmerge is not None and vmerge.get(VAL) in (None, "continue"):
                    above = open_merge.get(col)
                    if above is not None:
                        above.row_span += 1
                        for c in range(col, col + span):
                            open_merge[c] = above
                        col += span
                        continue
                cell, inner = self._cell(tc, col, span)
                for c in range(col, col + span):
                    if vmerge is not None:
                        open_merge[c] = cell
                    else:
                        open_merge.pop(c, None)
                cells.append(cell)
                if inner:
                    nested.append((cell, inner))
                col += span
            rows.append(cells)
        table = self.doc.add_table(rows, header_rows=header_rows, parent=parent, parent_cell=parent_cell,
                                   in_body=parent is None)
        for cell, inner in nested:
            for sub in inner:
                index = self._table(sub, parent=table.index, parent_cell=(cell.row, cell.col))
                cell.tables.append(index)
        return table.index

    def _cell(self, tc, col: int, span: int) -> tuple[Cell, list]:  # type: ignore[no-untyped-def]
        paras: list[Para] = []
        inner: list = []
        for kind, el in self._blocks(tc):
            if kind == "tbl":
                inner.append(el)
                continue
            raw, _style, _level, num, ilvl, bold = self._para_info(el)
            for n, line in enumerate(raw.split("\n")):
                text = collapse_ws(line)
                if not text:
                    continue
                text, bullet = strip_bullet(text)
                if text:
                    paras.append(Para(text=text, list_item=(num and n == 0) or bullet, level=ilvl, bold=bold))
        fill = self._fill(tc)
        cell = Cell(row=0, col=col, col_span=span, text="\n".join(p.text for p in paras), paras=paras, fill=fill,
                    bold=bool(paras) and all(p.bold for p in paras))
        return cell, inner

    def _fill(self, tc) -> str | None:  # type: ignore[no-untyped-def]
        """The cell's background: its own shading, else the shading all its paragraphs share."""
        tcpr = tc.find(_w("tcPr"))
        fill = _shd_colour(tcpr.find(_w("shd")) if tcpr is not None else None, self.theme)
        if fill:
            return fill
        colours = set()
        for p in tc.iter(T_P):
            ppr = p.find(_w("pPr"))
            colours.add(_shd_colour(ppr.find(_w("shd")) if ppr is not None else None, self.theme))
        colours.discard(None)
        return colours.pop() if len(colours) == 1 else None


# -- helpers -------------------------------------------------------------------------------------


def _rows(tbl) -> Iterator:  # type: ignore[no-untyped-def]
    for child in tbl:
        if child.tag == T_TR:
            yield child
        elif child.tag in (T_SDT, T_CUSTOMXML):  # rows wrapped in a content control
            content = child.find(T_SDTCONTENT) if child.tag == T_SDT else child
            if content is not None:
                yield from _rows(content)


def _cells(tr) -> Iterator:  # type: ignore[no-untyped-def]
    for child in tr:
        if child.tag == T_TC:
            yield child
        elif child.tag in (T_SDT, T_CUSTOMXML):
            content = child.find(T_SDTCONTENT) if child.tag == T_SDT else child
            if content is not None:
                yield from _cells(content)


def _int_val(pr, tag: str, default: int) -> int:  # type: ignore[no-untyped-def]
    if pr is None:
        return default
    el = pr.find(_w(tag))
    if el is None:
        return default
    try:
        return max(1, int(el.get(VAL) or default))
    except ValueError:
        return default


def _grid_count(trpr, tag: str) -> int:  # type: ignore[no-untyped-def]
    if trpr is None:
        return 0
    el = trpr.find(_w(tag))
    try:
        return int(el.get(VAL)) if el is not None else 0
    except (TypeError, ValueError):
        return 0


def _inside(el, tag: str, stop) -> bool:  # type: ignore[no-untyped-def]
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _deleted_paragraph(p) -> bool:  # type: ignore[no-untyped-def]
    """A paragraph whose every run is a tracked deletion (and which holds no table or box)."""
    runs = list(p.iter(T_R))
    return bool(runs) and all(_inside(r, T_DEL, stop=p) or _inside(r, T_MOVEFROM, stop=p) for r in runs) \
        and not any(True for _ in p.iter(T_TXBX))


_SKIP_CONTAINERS = {T_DEL, T_MOVEFROM, T_TXBX, T_FALLBACK, _w("footnoteReference"), _w("commentReference")}


def _runs_text(p, style_bold: bool) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
    """The paragraph's text with tracked changes accepted, and whether all of it is bold."""
    out: list[str] = []
    bold_all = True
    any_text = False

    def walk(el) -> None:  # type: ignore[no-untyped-def]
        nonlocal bold_all, any_text
        for child in el:
            tag = child.tag
            if tag in _SKIP_CONTAINERS or tag == _w("pPr") or tag == _w("rPr"):
                continue
            if tag == T_R:
                text = _run_text(child)
                if text.strip():
                    any_text = True
                    if not _run_bold(child, style_bold):
                        bold_all = False
                out.append(text)
            elif tag == T_ALT:
                choice = child.find(T_CHOICE)
                if choice is not None:
                    walk(choice)
            else:
                walk(child)  # ins, moveTo, hyperlink, smartTag, fldSimple, sdt, customXml, …

    walk(p)
    return "".join(out), any_text and bold_all


def _run_text(r) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for child in r:
        tag = child.tag
        if tag == T_T:
            parts.append(child.text or "")
        elif tag in (_w("tab"), _w("ptab")):
            parts.append(" ")
        elif tag in (_w("br"), _w("cr")):
            # A line broken by hand (Shift+Enter): in a table cell it starts a line of its own
            # (an owner, a step, "a) …"); in running text it is a space.
            parts.append(" " if child.get(_w("type")) == "page" else "\n")
        elif tag == _w("noBreakHyphen"):
            parts.append("-")
        elif tag == _w("sym"):
            char = child.get(_w("char"))
            if char:
                try:
                    parts.append(chr(int(char, 16)))
                except ValueError:
                    pass
    return "".join(parts)


def _run_bold(r, style_bold: bool) -> bool:  # type: ignore[no-untyped-def]
    rpr = r.find(_w("rPr"))
    if rpr is not None:
        b = rpr.find(_w("b"))
        if b is not None:
            return b.get(VAL) not in ("0", "false", "off")
    return style_bold


_HEADING_RE = re.compile(r"^heading\s*(\d)$", re.I)


def _heading_level(name: str | None, outline: int | None) -> int | None:
    if name:
        m = _HEADING_RE.match(name.strip())
        if m:
            return int(m.group(1))
        if name.strip().lower() == "title":
            return 1
    if outline is not None and outline < 9:
        return outline + 1
    return None


def _styles(part) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """styleId → name, outline level, bold and numbering, following basedOn."""
    try:
        styles_el = part.styles.element
    except (KeyError, AttributeError, NotImplementedError):
        return {}
    raw: dict[str, dict] = {}
    for st in styles_el.iter(_w("style")):
        sid = st.get(_w("styleId"))
        if not sid:
            continue
        name_el = st.find(_w("name"))
        based = st.find(_w("basedOn"))
        ppr = st.find(_w("pPr"))
        rpr = st.find(_w("rPr"))
        outline = None
        numbered = False
        if ppr is not None:
            ol = ppr.find(_w("outlineLvl"))
            if ol is not None and (ol.get(VAL) or "").isdigit():
                outline = int(ol.get(VAL))
            numbered = ppr.find(_w("numPr")) is not None
        bold = None
        if rpr is not None and rpr.find(_w("b")) is not None:
            bold = rpr.find(_w("b")).get(VAL) not in ("0", "false", "off")
        raw[sid] = {"name": name_el.get(VAL) if name_el is not None else sid, "based": based.get(VAL) if based is not None else None,
                    "outline": outline, "numbered": numbered, "bold": bold}
    resolved: dict[str, dict] = {}
    for sid, st in raw.items():
        out = dict(st)
        seen = {sid}
        base = st["based"]
        while base and base in raw and base not in seen:
            seen.add(base)
            b = raw[base]
            for key in ("outline", "bold"):
                if out[key] is None:
                    out[key] = b[key]
            out["numbered"] = out["numbered"] or b["numbered"]
            base = b["based"]
        resolved[sid] = out
    return resolved


def _theme_colours(part) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Theme colour names (accent1, dk1, …) → #RRGGBB from the package's theme part."""
    colours: dict[str, str] = {}
    try:
        theme = next((rel.target_part.blob for rel in part.rels.values() if rel.reltype.endswith("/theme")), None)
    except Exception:  # noqa: BLE001 - a theme we cannot read only costs theme colours
        return {}
    colours = theme_colours(theme)
    aliases = {"dark1": "dk1", "light1": "lt1", "dark2": "dk2", "light2": "lt2", "text1": "dk1", "background1": "lt1",
               "text2": "dk2", "background2": "lt2"}
    for alias, name in aliases.items():
        if name in colours:
            colours[alias] = colours[name]
    return colours


_HEX_RE = re.compile(r"^[0-9A-Fa-f]{6}$")


def _shd_colour(shd, theme: dict[str, str]) -> str | None:  # type: ignore[no-untyped-def]
    if shd is None:
        return None
    fill = shd.get(_w("fill"))
    if fill and _HEX_RE.match(fill) and fill.upper() != "FFFFFF":
        return f"#{fill.upper()}"
    theme_fill = shd.get(_w("themeFill"))
    if theme_fill and theme_fill in theme:
        base = theme[theme_fill]
        tint = shd.get(_w("themeFillTint"))
        shade = shd.get(_w("themeFillShade"))
        colour = _apply_tint(base, tint, shade)
        return None if colour == "#FFFFFF" else colour
    return None


def _apply_tint(base: str, tint: str | None, shade: str | None) -> str:
    """Word's themeFillTint/Shade (hex 00–FF) lighten towards white or darken towards black."""
    r, g, b = (int(base[i : i + 2], 16) for i in (0, 2, 4))
    try:
        if tint:
            t = int(tint, 16) / 255
            r, g, b = (round(c * t + 255 * (1 - t)) for c in (r, g, b))
        if shade:
            s = int(shade, 16) / 255
            r, g, b = (round(c * s) for c in (r, g, b))
    except ValueError:
        pass
    return f"#{r:02X}{g:02X}{b:02X}"
