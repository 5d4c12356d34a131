"""A Word document as the HTML page a web publisher would make of it, for a browser to print.

    python tests/corpus/render_html.py IN.docx OUT.html

Web-published plans are HTML pages printed to PDF by a browser: table rules are CSS borders (the
PDF draws them as filled rectangles, not stroked lines), cells have CSS padding, header rows in
``<thead>`` are repeated on every page by the browser, and a running header is the ``<thead>`` of
an invisible page-wide table. The page is derived from the .docx that ``build.py`` renders, so its
gold is the same: headings by style, bold runs, bullets, tables with their spans, fills, header
rows and nested tables, a borderless table left unruled, landscape sections.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

CSS = """
@page { size: A4 %(orient)s; margin: 1.5cm; }
body { font-family: "Liberation Sans", Arial, sans-serif; font-size: 10pt; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; }
table.ruled, table.plain { border-collapse: collapse; width: 100%%; margin: 6pt 0; }
table.ruled > * > tr > td, table.ruled > * > tr > th { border: 0.75pt solid #000; padding: 3pt 5pt; }
table.plain > * > tr > td, table.plain > * > tr > th { padding: 2pt 5pt; }
td, th { vertical-align: top; text-align: left; font-weight: normal; }
td p, th p { margin: 0 0 2pt 0; } td ul, th ul { margin: 0; padding-left: 14pt; }
tr { break-inside: avoid; }
table.page { width: 100%%; border: none; } table.page > thead .running { color: #555; font-size: 9pt; padding-bottom: 6pt; }
"""


def _text(el: Any) -> str:
    """A paragraph's runs as HTML: bold runs in <b>."""
    out = []
    for r in el.iter(f"{W}r"):
        t = "".join(x.text or "" for x in r.iter(f"{W}t"))
        if not t:
            continue
        rpr = r.find(f"{W}rPr")
        bold = rpr is not None and rpr.find(f"{W}b") is not None and rpr.find(f"{W}b").get(f"{W}val") not in ("0", "false")
        out.append(f"<b>{html.escape(t)}</b>" if bold else html.escape(t))
    return "".join(out)


def _style(el: Any, styles: dict[str, str]) -> str:
    ps = el.find(f"{W}pPr/{W}pStyle")
    return styles.get(ps.get(f"{W}val"), "") if ps is not None else ""


def _blocks(parent: Any, styles: dict[str, str]) -> str:
    """Paragraphs and tables of a body or a cell, in order; consecutive bullets in one list."""
    out: list[str] = []
    depth = 0
    for el in parent:
        style = _style(el, styles) if el.tag == f"{W}p" else ""
        level = 2 if style == "List Bullet 2" else 1 if style.startswith("List Bullet") else 0
        while depth > level:
            out.append("</ul>")
            depth -= 1
        while depth < level:
            out.append("<ul>")
            depth += 1
        if el.tag == f"{W}tbl":
            out.append(_table(el, styles))
        elif el.tag == f"{W}p":
            text = _text(el)
            if level:
                out.append(f"<li>{text}</li>")
            elif style.startswith("Heading ") or style == "Title":
                n = style.removeprefix("Heading ") if style != "Title" else "1"
                out.append(f"<h{n}>{text}</h{n}>")
            else:
                out.append(f"<p>{text}</p>")
    out.append("</ul>" * depth)
    return "\n".join(out)


def _table(tbl: Any, styles: dict[str, str]) -> str:
    ts = tbl.find(f"{W}tblPr/{W}tblStyle")
    ruled = ts is not None and styles.get(ts.get(f"{W}val"), "") == "Table Grid"
    rows = tbl.findall(f"{W}tr")
    # grid position of every cell, to turn vMerge runs into rowspans
    grid: list[list[tuple[int, int, Any]]] = []
    for tr in rows:
        col, cells = 0, []
        for tc in tr.findall(f"{W}tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_el.get(f"{W}val")) if span_el is not None else 1
            cells.append((col, span, tc))
            col += span
        grid.append(cells)

    def vmerge(tc: Any) -> str | None:
        vm = tc.find(f"{W}tcPr/{W}vMerge")
        return None if vm is None else (vm.get(f"{W}val") or "continue")

    head, body = [], []
    for i, (tr, cells) in enumerate(zip(rows, grid)):
        is_head = tr.find(f"{W}trPr/{W}tblHeader") is not None
        tds = []
        for col, span, tc in cells:
            vm = vmerge(tc)
            if vm == "continue":
                continue
            rowspan = 1
            if vm == "restart":
                for later in grid[i + 1:]:
                    same = [c for c in later if c[0] == col]
                    if not same or vmerge(same[0][2]) != "continue":
                        break
                    rowspan += 1
            shd = tc.find(f"{W}tcPr/{W}shd")
            fill = shd.get(f"{W}fill") if shd is not None else None
            attrs = (f' colspan="{span}"' if span > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
            if fill and fill.lower() != "auto":
                attrs += f' style="background-color:#{fill}"'
            tag = "th" if is_head else "td"
            tds.append(f"<{tag}{attrs}>{_blocks(tc, styles)}</{tag}>")
        (head if is_head and not body else body).append("<tr>" + "".join(tds) + "</tr>")
    thead = f"<thead>{''.join(head)}</thead>" if head else ""
    return f'<table class="{"ruled" if ruled else "plain"}">{thead}<tbody>{"".join(body)}</tbody></table>'


def docx_to_html(path: Path) -> str:
    import docx

    d = docx.Document(str(path))
    styles = {s.style_id: s.name for s in d.styles}
    sec = d.sections[0]
    orient = "landscape" if sec.page_width > sec.page_height else "portrait"
    running = " ".join(p.text for p in sec.header.paragraphs if p.text.strip()) if not sec.header.is_linked_to_previous else ""
    content = _blocks(d.element.body, styles)
    if running:  # a browser repeats a table's <thead> on every page: the web page's running header
        content = (f'<table class="page"><thead><tr><td class="running">{html.escape(running)}</td></tr></thead>'
                   f"<tbody><tr><td>{content}</td></tr></tbody></table>")
    title = html.escape(d.core_properties.title or path.stem)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<style>{CSS % {'orient': orient}}</style></head>\n<body>\n{content}\n</body></html>\n")


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(docx_to_html(Path(sys.argv[1])), encoding="utf-8")
