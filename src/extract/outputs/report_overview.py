"""The top of ``report.html``: what the run found, shown before the tables tell it.

- RAG status per document: one bar per plan, its actions by status (red, amber, green, blue,
  none) and how many are overdue;
- the due-date timeline: actions due per month, the overdue part marked, a line at the run date;
- the busiest owners: actions per owner, the overdue part marked;
- the changes since the previous run (``changes.parquet``): counts by kind, then the rows.

Charts are inline SVG drawn here (no script, no library); every text from a document is escaped.
The overview keeps a few fields per action, never the documents, so it is built while the
datasets are written one document at a time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from typing import Any

from .records import ExtractedDocument
from .overdue import is_overdue

RAG = ("red", "amber", "green", "blue", "none")
COLOURS = {"red": "#d64541", "amber": "#f0a030", "green": "#3fa05a", "blue": "#3a78c2", "none": "#c9c9c9"}
OVERDUE, DUE = "#b3261e", "#8fa8c8"
MAX_DOCUMENTS = 40  # bars in the RAG chart; the rest are counted below it
MAX_OWNERS = 15
MAX_CHANGE_ROWS = 200


@dataclass
class _Doc:
    document_id: str
    source_path: str
    status: Counter[str] = field(default_factory=Counter)
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.status.values())


class Overview:
    """Figures for the overview, added one document at a time; ``today`` decides what is overdue."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.docs: list[_Doc] = []
        self.months: Counter[tuple[int, int]] = Counter()
        self.months_overdue: Counter[tuple[int, int]] = Counter()
        self.undated = 0
        self.owners: Counter[str] = Counter()
        self.owners_overdue: Counter[str] = Counter()

    def add(self, doc: ExtractedDocument) -> None:
        if not doc.actions:
            return
        d = _Doc(doc.document.document_id, doc.document.source_path)
        for a in doc.actions:
            d.status[a.status or "none"] += 1
            due = a.due_date
            late = is_overdue(due, a.complete, self.today)
            d.overdue += late
            if due is None:
                self.undated += 1
            else:
                self.months[(due.year, due.month)] += 1
                self.months_overdue[(due.year, due.month)] += late
            for owner in a.owners:
                self.owners[owner] += 1
                self.owners_overdue[owner] += late
        self.docs.append(d)

    def html(self, changes: list[dict[str, Any]] | None = None, since: str | None = None) -> str:
        n_actions = sum(d.total for d in self.docs)
        n_overdue = sum(d.overdue for d in self.docs)
        parts = [
            "<section id=overview><h2>Overview</h2>",
            f"<p class=lede><b>{n_actions}</b> actions in <b>{len(self.docs)}</b> plans · "
            f"<b class=late>{n_overdue}</b> overdue on {self.today.isoformat()} (due date passed, not complete)"
            f" · <b>{self.undated}</b> without a due date</p>",
            "<div class=charts>",
            "<figure id=chart-rag><figcaption>RAG status per document</figcaption>", self._rag(), "</figure>",
            "<figure id=chart-owners><figcaption>Busiest owners</figcaption>", self._owners(), "</figure>",
            "</div>",
            "<figure id=chart-timeline><figcaption>Due dates by month</figcaption>", self._timeline(), "</figure>",
            _changes(changes, since),
            "</section>",
        ]
        return "".join(parts)

    # --- charts -----------------------------------------------------------------------------

    def _rag(self) -> str:
        if not self.docs:
            return "<p>No actions.</p>"
        docs = self.docs
        if len(docs) > MAX_DOCUMENTS:  # the plans that need attention first
            docs = sorted(docs, key=lambda d: (-d.status["red"] - d.overdue, d.source_path))[:MAX_DOCUMENTS]
        widest = max(d.total for d in docs)
        label_w, bar_w, row_h = 250, 330, 22
        height = row_h * len(docs) + 28
        out = [f"<svg class=chart width={label_w + bar_w + 120} height={height} role=img "
               f"aria-label='actions by RAG status per document'>"]
        for i, d in enumerate(docs):
            y = i * row_h + 4
            name = d.source_path if len(d.source_path) <= 38 else "…" + d.source_path[-37:]
            out.append(f"<a href='#doc-{escape(d.document_id)}'><text x={label_w - 6} y={y + 14} text-anchor=end>"
                       f"{escape(name)}<title>{escape(d.source_path)}</title></text></a>")
            x = float(label_w)
            for status in RAG:
                n = d.status[status]
                if not n:
                    continue
                w = bar_w * n / widest
                out.append(f"<rect class='rag-{status}' x={x:.1f} y={y} width={max(w, 1):.1f} height={row_h - 6} "
                           f"fill='{COLOURS[status]}'><title>{n} {status}</title></rect>")
                x += w
            late = f" · <tspan class=late>{d.overdue} overdue</tspan>" if d.overdue else ""
            out.append(f"<text x={x + 6:.1f} y={y + 14}>{d.total}{late}</text>")
        y = len(docs) * row_h + 18
        x = label_w
        for status in RAG:
            out.append(f"<rect x={x} y={y - 10} width=10 height=10 fill='{COLOURS[status]}'/>"
                       f"<text x={x + 14} y={y}>{status}</text>")
            x += 62
        out.append("</svg>")
        if len(self.docs) > len(docs):
            out.append(f"<p class=note>{len(self.docs) - len(docs)} more plans with actions: see Documents below.</p>")
        return "".join(out)

    def _owners(self) -> str:
        top = self.owners.most_common(MAX_OWNERS)
        if not top:
            return "<p>No owners named.</p>"
        widest = top[0][1]
        label_w, bar_w, row_h = 200, 220, 20
        out = [f"<svg class=chart width={label_w + bar_w + 150} height={row_h * len(top) + 8} role=img "
               f"aria-label='actions per owner'>"]
        for i, (owner, n) in enumerate(top):
            y = i * row_h + 4
            late = self.owners_overdue[owner]
            name = owner if len(owner) <= 30 else owner[:29] + "…"
            w = bar_w * n / widest
            w_late = bar_w * late / widest
            out.append(f"<text x={label_w - 6} y={y + 13} text-anchor=end>{escape(name)}<title>{escape(owner)}</title></text>"
                       f"<rect x={label_w} y={y} width={max(w, 1):.1f} height={row_h - 6} fill='{DUE}'/>"
                       + (f"<rect class=late x={label_w} y={y} width={w_late:.1f} height={row_h - 6} fill='{OVERDUE}'>"
                          f"<title>{late} overdue</title></rect>" if late else "")
                       + f"<text x={label_w + w + 5:.1f} y={y + 13}>{n}{f' ({late} overdue)' if late else ''}</text>")
        out.append("</svg>")
        return "".join(out)

    def _timeline(self) -> str:
        if not self.months:
            return "<p>No due dates.</p>"
        today = (self.today.year, self.today.month)
        segments = _segments(sorted(set(self.months) | {today}))
        n_months = sum(len(seg) for seg in segments)
        step = max(3.0, min(24.0, 1100 / n_months))
        chart_h, top_pad, left, gap = 140, 14, 36, 18
        widest = max(self.months.values())
        width = int(left + step * n_months + gap * (len(segments) - 1) + 40)
        out = [f"<div class=scroll><svg class=chart width={max(width, 420)} height={top_pad + chart_h + 50} role=img "
               f"aria-label='actions due per month'>",
               f"<text x={left - 6} y={top_pad + 8} text-anchor=end>{widest}</text>"]
        x = float(left)
        last_label = -100.0
        for k, seg in enumerate(segments):
            if k:  # a stretch of empty years left out: the axis is broken here
                out.append(f"<text class=axis-break x={x + gap / 2 - 5:.1f} y={top_pad + chart_h + 4}>⋯</text>")
                x += gap
            out.append(f"<line x1={x:.1f} x2={x + step * len(seg):.1f} y1={top_pad + chart_h} y2={top_pad + chart_h} stroke='#888'/>")
            for i, (y, m) in enumerate(seg):
                n, late = self.months[(y, m)], self.months_overdue[(y, m)]
                if n:
                    h = chart_h * n / widest
                    h_late = chart_h * late / widest
                    label = f"{y}-{m:02d}: {n} due" + (f", {late} overdue" if late else "")
                    out.append(f"<g class=month><title>{label}</title>"
                               f"<rect x={x:.1f} y={top_pad + chart_h - h:.1f} width={max(step - 1, 1):.1f} height={h:.1f} fill='{DUE}'/>"
                               + (f"<rect class=late x={x:.1f} y={top_pad + chart_h - h_late:.1f} width={max(step - 1, 1):.1f} "
                                  f"height={h_late:.1f} fill='{OVERDUE}'/>" if late else "") + "</g>")
                if (m == 1 or i == 0) and x - last_label >= 34:
                    out.append(f"<line x1={x:.1f} x2={x:.1f} y1={top_pad + chart_h} y2={top_pad + chart_h + 5} stroke='#888'/>"
                               f"<text x={x:.1f} y={top_pad + chart_h + 18}>{y}</text>")
                    last_label = x
                if (y, m) == today:
                    tx = x + step * (self.today.day - 1) / 31
                    out.append(f"<line id=today x1={tx:.1f} x2={tx:.1f} y1={top_pad - 6} y2={top_pad + chart_h} stroke='#222' "
                               f"stroke-dasharray='4 3'/><text x={tx + 4:.1f} y={top_pad + 2}>today</text>")
                x += step
        y = top_pad + chart_h + 28
        out.append(f"<rect x={left} y={y} width=10 height=10 fill='{DUE}'/><text x={left + 14} y={y + 9}>due</text>"
                   f"<rect x={left + 60} y={y} width=10 height=10 fill='{OVERDUE}'/>"
                   f"<text x={left + 74} y={y + 9}>overdue</text>"
                   + (f"<text x={left + 150} y={y + 9} class=note>⋯ more than a year without a due date, left out</text>"
                      if len(segments) > 1 else ""))
        out.append("</svg></div>")
        return "".join(out)


# Empty months in a row beyond which the timeline's axis is broken rather than drawn.
MAX_GAP_MONTHS = 12


def _segments(months: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Runs of consecutive months covering ``months``; a gap of more than a year starts a new run."""
    segments: list[list[tuple[int, int]]] = []
    for month in months:
        if segments and _index(month) - _index(segments[-1][-1]) <= MAX_GAP_MONTHS + 1:
            segments[-1].extend(_month_range(segments[-1][-1], month)[1:])
        else:
            segments.append([month])
    return segments


def _index(month: tuple[int, int]) -> int:
    return month[0] * 12 + month[1] - 1


def _month_range(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out = []
    y, m = first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


_KIND_LABEL = {
    "added": "added", "removed": "removed", "status_changed": "status changed", "due_moved": "due date moved",
    "owners_changed": "owners changed", "text_changed": "text changed", "became_overdue": "became overdue",
}


def _changes(rows: list[dict[str, Any]] | None, since: str | None) -> str:
    head = "<section id=changes><h3>Changes since the previous run</h3>"
    if rows is None:
        return head + "<p>This is the first run of this output folder: nothing to compare with yet.</p></section>"
    if not rows:
        return head + f"<p>No changes since run {escape((since or '')[:8])}.</p></section>"
    kinds = Counter(r["change"] for r in rows)
    chips = "".join(f"<span class='chip ch-{k}'>{kinds[k]} {_KIND_LABEL[k]}</span>" for k in _KIND_LABEL if kinds[k])
    body = []
    for r in rows[:MAX_CHANGE_ROWS]:
        before, after = r.get("before"), r.get("after")
        if r["change"] == "text_changed":
            detail = f"<b>{escape(r['field'] or '')}</b>: <del>{escape((before or '')[:200])}</del> → <ins>{escape((after or '')[:200])}</ins>"
        elif r["change"] in ("added", "removed"):
            due = r.get("due_after") or r.get("due_before")
            detail = f"due {due.isoformat()}" if due else ""
        else:
            detail = f"{escape(before or '—')} → {escape(after or '—')}"
            if r.get("days_slipped") is not None:
                detail += f" ({r['days_slipped']:+d} days)"
        link = f"#doc-{escape(r['document_id'])}" if r["change"] != "removed" else "#changes"
        body.append(f"<tr><td><span class='chip ch-{escape(r['change'])}'>{_KIND_LABEL[r['change']]}</span></td>"
                    f"<td><a href='{link}'>{escape(r['source_path'])}</a></td><td>{escape(r['action_ref'] or '')}</td>"
                    f"<td>{escape((r['title'] or '')[:160])}</td><td>{detail}</td></tr>")
    more = (f"<p class=note>{len(rows) - MAX_CHANGE_ROWS} more in changes.parquet "
            f"(<code>plan-extract changes OUT</code>).</p>" if len(rows) > MAX_CHANGE_ROWS else "")
    return (head + f"<p class=chips>{chips}</p>"
            "<table class=changes><thead><tr><th>change</th><th>file</th><th>ref</th><th>action</th><th>what</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>{more}</section>")


STYLE = """
#overview .charts{display:flex;flex-wrap:wrap;gap:2em}
#overview figure{margin:.5em 0 1.5em}#overview figcaption{font-weight:600;margin-bottom:.3em}
svg.chart{font:12px system-ui,sans-serif}svg.chart text{fill:#333}svg.chart a text{fill:#0645ad}
.scroll{overflow-x:auto;max-width:100%}.lede{font-size:15px}.late{color:#b3261e;fill:#b3261e}
.note{color:#666;font-size:12px}
.chip{display:inline-block;padding:0 .5em;margin:0 .3em .2em 0;border-radius:9px;background:#eee;font-size:12px;white-space:nowrap}
.ch-added{background:#d4edda}.ch-removed{background:#f8d7da}.ch-status_changed{background:#fff3cd}
.ch-due_moved{background:#ffe5cc}.ch-became_overdue{background:#f5c6cb}.ch-owners_changed{background:#dbe9f6}
table.changes del{color:#a33}table.changes ins{color:#262;text-decoration:none}
tr.pic-row td{border-top:0;padding:0 6px 8px;background:#fafafa}
.pic{overflow-x:auto}.pic img.srcpic{display:block;max-width:100%;height:auto;margin:2px 0;box-shadow:0 0 0 1px #ddd}
.pic::before{content:"as printed";display:block;color:#666;font-size:11px}
section.doc{content-visibility:auto;contain-intrinsic-size:auto 900px}
"""
