"""HTML to model pieces: cell fragments to paragraphs, and whole HTML files to blocks and tables.

Text exports of Word files keep cell content as HTML (``<ul><li>▪ step</li></ul>``,
``<p>July 03</p>``, ``31<sup>st</sup>``); saved web pages hold real ``<table>`` markup. Both
go through the standard library's tolerant :class:`html.parser.HTMLParser`, which never fetches
anything and does not resolve external entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..model import Para
from ..textutil import collapse_ws, strip_bullet

_BLOCK_TAGS = {"p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "td", "th", "section", "article"}
_SKIP_TAGS = {"script", "style", "head", "title", "noscript", "template"}


class _FragmentParser(HTMLParser):
    """Collect paragraphs from a cell's HTML, one per <p>, <li> or line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paras: list[Para] = []
        self._buf: list[str] = []
        self._list_depth = 0
        self._in_li = 0
        self._bold = 0
        self._bold_chars = 0
        self._chars = 0
        self._skip = 0

    def _flush(self) -> None:
        text = collapse_ws("".join(self._buf))
        self._buf = []
        if not text:
            self._bold_chars = self._chars = 0
            return
        stripped, had_bullet = strip_bullet(text)
        is_item = self._in_li > 0 or had_bullet
        if stripped or not is_item:
            self.paras.append(
                Para(
                    text=stripped,
                    list_item=is_item,
                    level=max(self._list_depth - 1, 0),
                    bold=self._chars > 0 and self._bold_chars >= self._chars * 0.9,
                )
            )
        self._bold_chars = self._chars = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        if tag in ("ul", "ol"):
            self._flush()
            self._list_depth += 1
        elif tag == "li":
            self._flush()
            self._in_li += 1
        elif tag in ("b", "strong"):
            self._bold += 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(self._skip - 1, 0)
            return
        if tag in ("ul", "ol"):
            self._flush()
            self._list_depth = max(self._list_depth - 1, 0)
        elif tag == "li":
            self._flush()
            self._in_li = max(self._in_li - 1, 0)
        elif tag in ("b", "strong"):
            self._bold = max(self._bold - 1, 0)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._buf.append(data)
        n = len(data.strip())
        self._chars += n
        if self._bold:
            self._bold_chars += n

    def close(self) -> None:
        super().close()
        self._flush()


def fragment_paras(fragment: str) -> list[Para]:
    """Paragraphs of one cell's HTML fragment; plain text gives one paragraph.

    >>> [p.text for p in fragment_paras('<ul><li>▪ Review (July 2003)</li><li>▪ Consult</li></ul>')]
    ['Review (July 2003)', 'Consult']
    >>> fragment_paras('31<sup>st</sup> October')[0].text
    '31st October'
    """
    if "<" not in fragment and "&" not in fragment:
        return _plain_paras(fragment)
    parser = _FragmentParser()
    # <sup>/<sub>/<u>/<i> are inline: the parser treats unknown tags as inline already.
    parser.feed(fragment)
    parser.close()
    return parser.paras


_FILL_RE = re.compile(
    r"""(?:background(?:-color)?\s*:\s*|bgcolor\s*=\s*["']?)(#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\))""",
    re.I,
)


def fragment_fill(fragment: str) -> str | None:
    """The background colour a cell's HTML gives (``<span style="background-color:#FF0000">``,
    ``bgcolor="#0f0"``), as ``#RRGGBB``: exports keep a fill-only RAG status this way."""
    m = _FILL_RE.search(fragment)
    if not m:
        return None
    value = m.group(1)
    if value.lower().startswith("rgb"):
        r, g, b = (min(int(v), 255) for v in re.findall(r"\d+", value))
        return f"#{r:02X}{g:02X}{b:02X}"
    hx = value[1:]
    if len(hx) == 3:
        hx = "".join(ch * 2 for ch in hx)
    return "#" + hx.upper()


# In plain-text exports a run of 2+ spaces inside a cell is what is left of a line break, and a
# bullet glyph in mid-line starts a new item ("… (4) • In order to …").
_LINE_BREAK_RE = re.compile(r" {2,}|\t|\n")
_INLINE_BULLET_RE = re.compile(r"\s(?=[•▪◦\uf0b7]\s)")


def _plain_paras(fragment: str) -> list[Para]:
    paras: list[Para] = []
    for line in _LINE_BREAK_RE.split(fragment.replace("\u00a0", " ")):
        for piece in _INLINE_BULLET_RE.split(line):
            text = collapse_ws(piece)
            if not text:
                continue
            stripped, had_bullet = strip_bullet(text)
            if stripped or not had_bullet:
                paras.append(Para(text=stripped, list_item=had_bullet))
            elif had_bullet:
                paras.append(Para(text="", list_item=True))
    return paras


# --- whole HTML documents -------------------------------------------------------------------


@dataclass
class HCell:
    html: list[str] = field(default_factory=list)
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    nested: list["HTable"] = field(default_factory=list)


@dataclass
class HTable:
    rows: list[list[HCell]] = field(default_factory=list)


@dataclass
class HBlock:
    kind: str  # heading, paragraph, list_item, table
    text: str = ""
    level: int = 0
    bold: bool = False
    table: HTable | None = None


def _int_attr(attrs: dict[str, str | None], name: str) -> int:
    try:
        return max(1, min(int(attrs.get(name) or 1), 1000))
    except ValueError:
        return 1


class _DocumentParser(HTMLParser):
    """Blocks and tables of an HTML page, tables nested in cells kept as nested tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[HBlock] = []
        self._buf: list[str] = []
        self._kind = "paragraph"
        self._level = 0
        self._bold = 0
        self._skip = 0
        self._tables: list[HTable] = []
        self._cells: list[HCell] = []
        self._list_depth = 0

    # Text outside tables becomes blocks; inside a cell it is kept as HTML for fragment_paras.
    def _flush(self) -> None:
        text = collapse_ws("".join(self._buf))
        self._buf = []
        if text:
            kind = self._kind
            stripped, had_bullet = strip_bullet(text)
            if had_bullet and kind == "paragraph":
                kind = "list_item"
            self.blocks.append(HBlock(kind=kind, text=stripped, level=self._level, bold=self._bold > 0))
        self._kind, self._level = "paragraph", 0

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        if tag == "table":
            if not self._cells:
                self._flush()
            self._tables.append(HTable())
            return
        if self._tables:
            table = self._tables[-1]
            if tag == "tr":
                table.rows.append([])
                return
            if tag in ("td", "th"):
                if not table.rows:
                    table.rows.append([])
                cell = HCell(colspan=_int_attr(attrs, "colspan"), rowspan=_int_attr(attrs, "rowspan"), header=tag == "th")
                table.rows[-1].append(cell)
                self._cells.append(cell)
                return
            if self._cells:
                self._cells[-1].html.append(self.get_starttag_text() or "")
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self._kind, self._level = "heading", int(tag[1])
        elif tag in ("ul", "ol"):
            self._flush()
            self._list_depth += 1
        elif tag == "li":
            self._flush()
            self._kind, self._level = "list_item", max(self._list_depth - 1, 0)
        elif tag in ("b", "strong"):
            self._bold += 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(self._skip - 1, 0)
            return
        if tag == "table" and self._tables:
            table = self._tables.pop()
            if self._cells and self._tables:
                self._cells[-1].nested.append(table)
            else:
                self.blocks.append(HBlock(kind="table", table=table))
            return
        if self._tables:
            if tag in ("td", "th") and self._cells:
                self._cells.pop()
                return
            if tag == "tr":
                return
            if self._cells:
                self._cells[-1].html.append(f"</{tag}>")
            return
        if tag in ("ul", "ol"):
            self._flush()
            self._list_depth = max(self._list_depth - 1, 0)
        elif tag in ("b", "strong"):
            self._bold = max(self._bold - 1, 0)
        elif tag in _BLOCK_TAGS or tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cells:
            self._cells[-1].html.append(data.replace("<", "&lt;"))
        elif not self._tables:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def parse_html_document(text: str) -> list[HBlock]:
    parser = _DocumentParser()
    parser.feed(text)
    parser.close()
    return parser.blocks
