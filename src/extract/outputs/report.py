"""``report.html``: one self-contained page to check a run against its sources.

Documents by status with their reasons and warnings; for each document its actions and
recommendations with owners, dates, codes and status, and for every value where it came from
(page, table, row, cell) and the text printed there. The tables are rendered as HTML (readable
without JavaScript); a small inline script adds sorting (click a header) and filtering (the
search box, the status menu, or ``#q=word`` in the address). No server, no external files.
Every text from a document is escaped: a hostile document cannot inject markup.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable
from html import escape
from typing import IO

from ..model import Provenance
from .records import DocumentRecord, ExtractedDocument, Source
from .report_overview import STYLE as OVERVIEW_STYLE

STATUS_ORDER = ("failed", "partial", "skipped", "ok")


def _where(prov: Iterable[Provenance]) -> str:
    parts = []
    for p in prov:
        if p.cell is not None:  # a spreadsheet: the sheet and cell as Excel names them; a CSV's line
            if p.sheet:
                parts.append(f"{p.sheet}!{p.cell}")
            else:
                parts.append(f"cell {p.cell}" + (f" · line {p.line}" if p.line is not None else ""))
            continue
        if p.sheet is not None:  # a whole sheet (a warning about its hidden rows)
            parts.append(f"sheet {p.sheet}")
            continue
        bits = []
        if p.page is not None:
            bits.append(f"page {p.page}")
        if p.table is not None:
            bits.append(f"table {p.table}")
        if p.row is not None:
            bits.append(f"row {p.row}")
        if p.col is not None:
            bits.append(f"col {p.col}")
        if p.line is not None:
            bits.append(f"line {p.line}")
        if bits:
            parts.append(" · ".join(bits))
    return "; ".join(dict.fromkeys(parts))


def _summary_where(prov: Iterable[Provenance]) -> str:
    """A row's position in brief: ``page 3–4 · table 6 · rows 4–5``."""
    prov = list(prov)

    def span(values: list[int], one: str, many: str) -> str | None:
        vals = sorted(set(values))
        if not vals:
            return None
        return f"{one} {vals[0]}" if len(vals) == 1 else f"{many} {vals[0]}–{vals[-1]}"

    cells = [p for p in prov if p.cell is not None]
    if cells:
        return _cell_ranges(cells)
    bits = [
        span([p.page for p in prov if p.page is not None], "page", "pages"),
        span([p.table for p in prov if p.table is not None], "table", "tables"),
        span([p.row for p in prov if p.row is not None], "row", "rows"),
        span([p.line for p in prov if p.line is not None], "line", "lines"),
    ]
    return " · ".join(b for b in bits if b)


_ADDRESS_RE = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _cell_ranges(prov: list[Provenance]) -> str:
    """Spreadsheet cells in brief, one range per sheet: ``Action plan!A14:F15``."""
    by_sheet: dict[str | None, list[tuple[int, int]]] = {}
    for p in prov:
        m = _ADDRESS_RE.match(p.cell or "")
        if m:
            col = 0
            for ch in m.group(1):
                col = col * 26 + ord(ch) - 64
            by_sheet.setdefault(p.sheet, []).append((int(m.group(2)), col))
    out = []
    for sheet, places in by_sheet.items():
        rows, cols = [r for r, _ in places], [c for _, c in places]
        first, last = _address(min(rows), min(cols)), _address(max(rows), max(cols))
        ref = first if first == last else f"{first}:{last}"
        out.append(f"{sheet}!{ref}" if sheet else f"cells {ref}")
    return " · ".join(out)


def _address(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _sources(sources: list[Source]) -> str:
    """Each field's source text and position, as a list under the row."""
    items = []
    for s in sources:
        items.append(
            f"<li><b>{escape(s.field)}</b> <span class=where>{escape(_where(s.prov))}</span>"
            f"<q>{escape(s.text[:600])}</q></li>"
        )
    if not items:
        return ""
    return f"<details><summary>source</summary><ul class=src>{''.join(items)}</ul></details>"


def _list(values: Iterable[str]) -> str:
    return "<br>".join(escape(v) for v in values)


def _table(cls: str, headers: list[str], rows: list[list[str]], pictures: list[str] | None = None) -> str:
    """A sortable table; ``pictures[i]``, when given and not empty, is shown across the table
    under row ``i`` (a ``pic-row`` that sorting and filtering keep with its row)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        + (f"<tr class=pic-row><td colspan={len(headers)}>{pictures[i]}</td></tr>" if pictures and pictures[i] else "")
        for i, row in enumerate(rows))
    return f"<table class='sortable {cls}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _documents(entries: list[tuple[DocumentRecord, int, int, int]]) -> str:
    rows = []
    # A plan that yielded nothing (W303) first: an empty dataset must not go unnoticed.
    for d, n_actions, n_recs, n_warnings in sorted(entries, key=lambda e: (
            0 if (e[0].error or "").startswith("W303") else 1 + STATUS_ORDER.index(e[0].status), e[0].source_path)):
        rows.append([
            f"<a href='#doc-{escape(d.document_id)}'>{escape(d.source_path)}</a>", escape(d.format),
            escape(d.doc_type), f"<span class='st st-{escape(d.status)}'>{escape(d.status)}</span>",
            escape(str(d.pages or "")), str(n_actions), str(n_recs), str(n_warnings),
            escape(d.error or ""),
        ])
    return _table("docs", ["file", "format", "type", "status", "pages", "actions", "recs", "warnings", "reason"], rows)


def _warning_rows(r: ExtractedDocument) -> list[list[str]]:
    return [[escape(r.document.source_path), escape(w.code), escape(w.message), escape(_where([w.prov] if w.prov else []))]
            for w in r.warnings]


def _warnings(rows: list[list[str]]) -> str:
    if not rows:
        return "<p>No warnings.</p>"
    return _table("warns", ["file", "code", "warning", "where"], rows)


def _dates(milestones: list) -> str:
    out = []
    for m in milestones:
        due = m.date_end.isoformat() if m.date_end else m.precision
        out.append(f"{escape(m.date_raw)} → {escape(due)}")
    return "<br>".join(out)


def _document_section(r: ExtractedDocument, pictures: list[str] | None = None, lazy: bool = False) -> str:
    """One document's section; ``lazy`` keeps its tables as text in a ``<script type=text/html>``
    that the page's script turns into rows when the section scrolls near or a filter is set: a
    large run's page is parsed quickly and its DOM stays small."""
    d = r.document
    head = (f"<section class=doc id='doc-{escape(d.document_id)}'><h2>{escape(d.source_path)}</h2>"
            f"<p class=meta>{escape(d.title or '(no title)')} · {escape(d.doc_type)} · "
            f"<span class='st st-{escape(d.status)}'>{escape(d.status)}</span>"
            + (f" · {escape(d.error)}" if d.error else "") + "</p>")
    parts = [head]
    if r.actions:
        rows = []
        for a in r.actions:
            rows.append([
                escape(a.action_ref), escape(" ".join(filter(None, [a.theme_ref, a.theme]))), escape(a.title),
                _list(a.steps), _list(a.owners), _dates(a.milestones), _list(a.codes), escape(a.status or ""),
                escape(_summary_where(p for s in a.sources for p in s.prov)) + _sources(a.sources),
            ])
        parts.append(f"<h3>Actions ({len(r.actions)})</h3>")
        parts.append(_table("actions", ["ref", "theme", "title", "steps", "owners", "dates", "codes", "status", "where"], rows,
                            pictures))
    if r.recommendations:
        rows = []
        for rec in r.recommendations:
            rows.append([
                escape(rec.rec_id), escape(rec.text), _list(rec.codes), _list(rec.sections), _list(rec.outcomes),
                escape(rec.status or ""), escape(_summary_where(p for s in rec.sources for p in s.prov)) + _sources(rec.sources),
            ])
        parts.append(f"<h3>Recommendations ({len(r.recommendations)})</h3>")
        parts.append(_table("recs", ["id", "recommendation", "codes", "sections", "outcomes", "status", "where"], rows))
    if not r.actions and not r.recommendations:
        parts.append("<p>Nothing extracted.</p>")
    elif lazy:
        n = len(r.actions) + len(r.recommendations)
        # Document text is escaped (no "<" of its own), so nothing in it can end the script early.
        tables = "".join(parts[1:]).replace("</script", "<\\/script")
        parts[1:] = [f"<script type=text/html class=rows data-rows={n}>{tables}</script>",
                     f"<noscript><p>{n} rows: this long report shows them with JavaScript on.</p></noscript>"]
    parts.append("</section>")
    return "".join(parts)


_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}
th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f0f0f0;cursor:pointer;position:sticky;top:0}
th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}
.st{padding:0 .4em;border-radius:3px}.st-ok{background:#d4edda}.st-partial{background:#fff3cd}
.st-failed{background:#f8d7da}.st-skipped{background:#e2e3e5}
.where{color:#666;font-size:12px}q{display:block;color:#333;font-style:italic}
ul.src{margin:.2em 0;padding-left:1.2em;font-size:12px}
#bar{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ddd;z-index:2}
#count{color:#666;margin-left:1em}
"""

_SCRIPT = """
(function(){
  const q=document.getElementById('q'), st=document.getElementById('status'), count=document.getElementById('count');
  // A long report keeps later documents' tables as text until they are needed.
  function fill(sec){const t=sec.querySelector('script.rows'); if(t){t.insertAdjacentHTML('afterend',t.textContent);t.remove();}}
  function apply(){
    const words=q.value.toLowerCase().split(/\\s+/).filter(Boolean), want=st.value;
    if(words.length||want) document.querySelectorAll('section.doc').forEach(fill);
    let shown=0;
    document.querySelectorAll('table.sortable tbody tr:not(.pic-row)').forEach(tr=>{
      const text=tr.textContent.toLowerCase();
      const sec=tr.closest('section.doc');
      const status=(sec?sec.querySelector('.meta .st'):tr.querySelector('.st'));
      const okStatus=!want||(status&&status.textContent===want);
      const ok=okStatus&&words.every(w=>text.includes(w));
      tr.hidden=!ok; if(ok) shown++;
      const pic=tr.nextElementSibling; if(pic&&pic.classList.contains('pic-row')) pic.hidden=!ok;
    });
    document.querySelectorAll('section.doc').forEach(sec=>{
      const rows=sec.querySelectorAll('tbody tr:not(.pic-row)'); const any=[...rows].some(r=>!r.hidden);
      sec.hidden=rows.length>0&&!any&&(words.length>0||want!=='');
    });
    document.querySelectorAll('script.rows').forEach(t=>{shown+=Number(t.dataset.rows);});
    count.textContent=shown+' rows shown';
  }
  document.addEventListener('click',e=>{
    const th=e.target.closest('table.sortable th'); if(!th) return;
    const i=th.cellIndex, table=th.closest('table'), body=table.tBodies[0], asc=!th.classList.contains('asc');
    table.querySelectorAll('th').forEach(h=>h.classList.remove('asc','desc')); th.classList.add(asc?'asc':'desc');
    const key=r=>r.cells[i].textContent.trim();
    const num=s=>/^[\\d.]+$/.test(s)?s.split('.').map(Number):null;
    const pics=new Map([...body.rows].filter(r=>r.classList.contains('pic-row')).map(p=>[p.previousElementSibling,p]));
    [...body.rows].filter(r=>!r.classList.contains('pic-row')).sort((a,b)=>{const x=key(a),y=key(b),nx=num(x),ny=num(y);let c;
      if(nx&&ny){c=0;for(let k=0;k<Math.max(nx.length,ny.length)&&!c;k++)c=(nx[k]||0)-(ny[k]||0);}
      else c=x.localeCompare(y);return asc?c:-c;}).forEach(r=>{body.appendChild(r);if(pics.has(r))body.appendChild(pics.get(r));});
  });
  const waiting=[...document.querySelectorAll('section.doc')].filter(sec=>sec.querySelector('script.rows'));
  if('IntersectionObserver' in window){
    const io=new IntersectionObserver(es=>es.forEach(e=>{if(e.isIntersecting){fill(e.target);io.unobserve(e.target);}}),
                                      {rootMargin:'1500px 0px'});
    waiting.forEach(sec=>io.observe(sec));
  } else waiting.forEach(fill);
  q.addEventListener('input',apply); st.addEventListener('change',apply);
  const m=location.hash.match(/q=([^&]*)/); if(m) q.value=decodeURIComponent(m[1]);
  const s=location.hash.match(/status=([a-z]+)/); if(s) st.value=s[1];
  apply();
})();
"""


# Rows (actions and recommendations) written straight into the page; the documents after them
# keep their tables as text until they are scrolled to or filtered.
INLINE_ROWS = 500


class ReportBuilder:
    """The review page built one document at a time: each document's section goes to
    ``sections`` (a file, for a large run) as it comes; the overview, which needs every
    document, is made at the end from the few fields kept of each."""

    def __init__(self, sections: IO[str]) -> None:
        self.sections = sections
        self.entries: list[tuple[DocumentRecord, int, int, int]] = []
        self.warning_rows: list[list[str]] = []
        self.inline_rows = 0

    def add(self, r: ExtractedDocument, pictures: list[str] | None = None) -> None:
        self.entries.append((r.document, len(r.actions), len(r.recommendations), len(r.warnings)))
        self.warning_rows.extend(_warning_rows(r))
        lazy = self.inline_rows >= INLINE_ROWS
        if not lazy:
            self.inline_rows += len(r.actions) + len(r.recommendations)
        self.sections.write(_document_section(r, pictures, lazy))

    def head(self, generated: dt.datetime | None = None, overview: str = "", first: str = "") -> str:
        """The page's start: the overview (charts), then ``first`` (HTML, e.g. inspection coverage)
        above the documents."""
        generated = generated or dt.datetime.now(dt.timezone.utc)
        by_status = Counter(d.status for d, _, _, _ in self.entries)
        summary = " · ".join(f"{by_status.get(s, 0)} {s}" for s in ("ok", "partial", "failed", "skipped"))
        n_actions = sum(e[1] for e in self.entries)
        n_recs = sum(e[2] for e in self.entries)
        return "".join([
            "<!doctype html><html lang=en><head><meta charset=utf-8>",
            "<meta name=viewport content='width=device-width,initial-scale=1'>",
            "<title>plan-extract review</title><style>", _STYLE, OVERVIEW_STYLE, "</style></head><body>",
            "<h1>plan-extract review</h1>",
            f"<p id=summary>{len(self.entries)} documents: {summary} · {n_actions} actions · {n_recs} recommendations · "
            f"generated {escape(generated.strftime('%Y-%m-%d %H:%M UTC'))}</p>",
            overview,
            "<div id=bar><input id=q type=search placeholder='filter: words in any row' size=40> ",
            "<select id=status><option value=''>any status</option>",
            "".join(f"<option>{s}</option>" for s in ("ok", "partial", "failed", "skipped")),
            "</select><span id=count></span></div>",
            first,
            "<h2>Documents</h2>", _documents(self.entries),
            "<h2>Warnings</h2>", _warnings(self.warning_rows),
        ])

    @staticmethod
    def tail() -> str:
        return "".join(["<script>", _SCRIPT, "</script></body></html>"])


def render_report(results: Iterable[ExtractedDocument], *, generated: dt.datetime | None = None) -> str:
    """The review page as one string; a list is put in output order first."""
    ordered = sorted(results, key=lambda r: r.document.source_path) if isinstance(results, list) else results
    sections = io.StringIO()
    builder = ReportBuilder(sections)
    for r in ordered:
        builder.add(r)
    return builder.head(generated) + sections.getvalue() + builder.tail()
