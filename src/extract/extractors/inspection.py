"""An inspection report's recommendations: only its recommendation sections become rows.

A section opens at a heading the configuration names (``Recommendations``, ``Areas for
improvement``, ``What needs to improve?``, ``Areas for priority action`` …; a contents-page entry,
which ends with a page number, opens nothing) and runs to the next heading that is not one of its
groups. Inside it:

* a group heading (``Immediately:``, ``Within three months:``, ``Action the trust MUST take``) sets
  the timescale or priority of the items under it;
* a lead-in (``… the local authority should take the following action.``, ``The Probation
  Service should:``) is not an item; the body it names is the items' addressee;
* every numbered, lettered or bulleted line is an item; an unmarked paragraph is an item in a
  section of unmarked paragraphs and a continuation (a page break's remnant) in a section of
  marked items; a nested bullet is a sub-item of the item above;
* a table's rows are items (a ``Responsible body | Areas for priority action`` table gives each
  its addressee); a row with no addressee that starts in lower case, or follows an unfinished
  item, continues that item (a row split by a page break), and a row whose text the item above
  already holds (a reader's second reading of the same lines) is dropped.

Each item becomes a :class:`Recommendation` with ``source="report"``: its printed label (or a
sequence label: the running number of unlabelled items, or the group's prefix and the item's place
in it, ``M2``) as its code in the report's family (``HMIP-R3``, ``JAR-3``), the group, the
addressee, and a milestone due ``within three months`` of the report's date (precision
``relative_to_report``). The rest of a report (narrative findings, numbered paragraphs, inline
``(Recommendation)`` tags) yields nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from ..config import Inspections, ReportGroup
from ..model import Block, BlockKind, Para, Provenance, Table
from ..outputs.records import CodeRef, Milestone, Recommendation, Source
from ..textutil import collapse_ws, strip_bullet
from .context import DocContext
from .report_info import ReportInfo, cover_blocks, fold

_SENTENCE_END = tuple(".!?;)")
_FOOTNOTE_RE = re.compile(r"^\d{1,2}\s+[A-Z]")
_CONTENTS_RE = re.compile(r"(?:\s|\.{2,}|…)\s*\d{1,3}$")
_NESTED_STYLE_RE = re.compile(r"^List(?: Bullet| Number| Paragraph)? ?[2-9]$", re.I)  # Word's "List Bullet 2"
MAX_HEADING_WORDS = 14
SUB_ITEM_INDENT = 12.0  # points: a bullet this much right of its item's is a sub-item (PDF)


@dataclass
class Group:
    label: str  # as printed, trailing colon dropped
    offset: relativedelta | None  # due this long after the report's date; None: no due date
    prefix: str | None = None


@dataclass
class Item:
    section: str
    group: Group | None
    addressee: str | None
    label: str | None  # as printed, brackets and stops dropped: "3", "R3", "a"
    parts: list[str] = field(default_factory=list)  # the lead paragraph(s)
    subs: list[str] = field(default_factory=list)  # sub-items (bullets under the lead)
    printed: list[str] = field(default_factory=list)  # the source text of each piece
    prov: list[Provenance] = field(default_factory=list)
    x0: float | None = None  # left edge of its first line, where the reader gives positions

    @property
    def text(self) -> str:
        lead = " ".join(self.parts)
        if not self.subs:
            return lead
        return f"{lead} {'; '.join(s.rstrip(' ;') for s in self.subs)}".strip()

    @property
    def ended(self) -> bool:
        last = (self.subs or self.parts or [""])[-1].rstrip()
        return last.endswith(_SENTENCE_END) or last.endswith(":")

    def extend(self, text: str) -> None:
        """Text that continues the last piece (a line or row cut by a page break)."""
        if self.subs:
            self.subs[-1] = f"{self.subs[-1]} {text}".strip()
        elif self.parts:
            self.parts[-1] = f"{self.parts[-1]} {text}".strip()
        else:
            self.parts.append(text)

    def add_prov(self, prov: list[Provenance]) -> None:
        for p in prov:
            if p not in self.prov:
                self.prov.append(p)


@dataclass
class _Layout:
    """Which grid columns of a recommendations table hold the addressee and the text."""

    addressee: tuple[int, int] | None  # [first, last] grid column of the header cell
    text: tuple[int, int] | None

    @property
    def addressee_first(self) -> bool:
        return self.addressee is not None and (self.text is None or self.addressee[0] <= self.text[0])


class ReportReader:
    """Reads one report's recommendation sections into items, then recommendations."""

    def __init__(self, ctx: DocContext, info: ReportInfo) -> None:
        self.ctx = ctx
        self.info = info
        self.cfg: Inspections = ctx.config.inspections
        self.sections = {fold(s) for s in self.cfg.sections}
        self.bullet_re = re.compile(rf"^\s*(?:[{re.escape(self.cfg.bullets)}](?=\s|$)\s*)+")
        self.label_res = [re.compile(p) for p in self.cfg.labels]
        self.lead_res = [re.compile(p, re.I) for p in self.cfg.lead_ins]
        self.addressee_res = [re.compile(p, re.I) for p in self.cfg.addressee]
        self.group_res = [(g, re.compile(g.pattern, 0 if g.case_sensitive else re.I)) for g in self.cfg.groups]
        self.items: list[Item] = []
        self.cover = {b.index for b in cover_blocks(ctx.doc)}  # cover lines name the setting, not an addressee

    # --- classification of one line ------------------------------------------------------------

    def section_name(self, b: Block) -> str | None:
        """The heading's text when it opens a recommendations section."""
        if b.kind not in (BlockKind.heading, BlockKind.paragraph):
            return None
        text = collapse_ws(b.text)
        if not text or len(text.split()) > MAX_HEADING_WORDS or _CONTENTS_RE.search(text):
            return None
        if fold(text) not in self.sections:
            return None
        return re.sub(r"(?<=[^\W\d_?:.)])\d{1,2}$|(?<=[?:.)])\d{1,2}$", "", text).rstrip(" :")

    def strip_marker(self, text: str) -> tuple[str, bool]:
        text, bullet = strip_bullet(collapse_ws(text))
        m = self.bullet_re.match(text)
        if m:
            return text[m.end():].strip(), True
        return text, bullet

    def split_label(self, text: str) -> tuple[str | None, str]:
        for rx in self.label_res:
            m = rx.match(text)
            if m:
                return m.group("label").strip("().").replace(" ", ""), text[m.end():].strip()
        return None, text

    def group_of(self, text: str) -> Group | None:
        """A group heading: a short unfinished line matching a configured group."""
        text = collapse_ws(text).rstrip(" :")
        if not text or len(text.split()) > 12 or text.endswith("."):
            return None
        for g, rx in self.group_res:
            m = rx.search(text)
            if m:
                return Group(label=text, offset=self._offset(g, m), prefix=g.prefix)
        return None

    def _offset(self, g: ReportGroup, m: re.Match[str]) -> relativedelta | None:
        if g.offset is not None:
            return relativedelta(**g.offset)  # type: ignore[arg-type]
        names = m.groupdict()
        if names.get("n") and names.get("unit"):
            word = names["n"].lower()
            n = int(word) if word.isdigit() else self.cfg.numbers.get(word)
            if n is None:
                return None
            unit = names["unit"].lower().rstrip("s") + "s"
            return relativedelta(**{unit: n})  # type: ignore[arg-type]
        return None

    def lead_in(self, text: str, marked: bool) -> bool:
        if any(rx.search(text) for rx in self.lead_res):
            return True
        return not marked and text.rstrip().endswith(":")

    def addressee_in(self, text: str) -> str | None:
        for rx in self.addressee_res:
            m = rx.search(text)
            if m and m.groupdict().get("who"):
                return collapse_ws(m.group("who"))
        return None

    # --- sections ----------------------------------------------------------------------------

    def read(self) -> list[Item]:
        blocks = self.ctx.doc.blocks
        i = 0
        while i < len(blocks):
            b = blocks[i]
            name = self.section_name(b)
            if name is not None:
                i = self._section(i, name)
                continue
            table = self.ctx.doc.tables[b.table] if b.kind is BlockKind.table and b.table is not None else None
            name = self._table_section(table) if table is not None else None
            if name is not None and table is not None:  # a table headed by a section name, no heading above
                self._table(table, _Section(name=name, addressee=None))
            i += 1
        return self.items

    def _table_section(self, table: Table) -> str | None:
        """The section a table's header names ("Recommendations" in its first row)."""
        if not table.rows:
            return None
        names = [collapse_ws(c.text) for c in table.rows[0].cells if fold(c.text) in self.sections]
        return names[0] if names else None

    def _section(self, start: int, name: str) -> int:
        """Read the section whose heading is block ``start``; returns the index where it ends."""
        blocks = self.ctx.doc.blocks
        head = blocks[start]
        state = _Section(name=name, addressee=self._heading_addressee(head))
        i = start + 1
        while i < len(blocks):
            b = blocks[i]
            if self.section_name(b) is not None:
                return i
            if b.kind is BlockKind.table and b.table is not None:
                self._table(self.ctx.doc.tables[b.table], state)
            elif b.kind is BlockKind.heading:
                group = self.group_of(b.text)
                if group is not None:
                    state.group = group
                elif self.lead_in(b.text, marked=False):
                    state.addressee = self.addressee_in(b.text) or state.addressee
                else:
                    return i
            else:
                self._line(b, state)
            i += 1
        return i

    def _heading_addressee(self, head: Block) -> str | None:
        """The heading above the section's, when it names a body ("The local authority")."""
        path = self.ctx.headings_before(head.index)
        outer = [h for h in path if h.level < head.level] if head.kind is BlockKind.heading else path
        if not outer:
            return None
        parent = outer[-1]
        text = collapse_ws(parent.text)
        words = {w.lower() for w in self.cfg.body_words}
        tokens = re.findall(r"[\w’']+", text.lower())
        if (parent.index in self.cover or len(tokens) > 10 or not words & set(tokens) or text == self.ctx.title
                or any(re.search(p, text, re.I) for p in self.cfg.report_titles)):
            return None
        return text

    def _new_item(self, state: "_Section", label: str | None, text: str, printed: str, prov: list[Provenance],
                  addressee: str | None = None) -> Item:
        item = Item(section=state.name, group=state.group, addressee=addressee or state.addressee, label=label,
                    parts=[text] if text else [], printed=[printed])
        item.add_prov(prov)
        self.items.append(item)
        state.items.append(item)
        return item

    def _line(self, b: Block, state: "_Section") -> None:
        raw = collapse_ws(b.text)
        if not raw:
            return
        text, bullet = self.strip_marker(raw)
        bullet = bullet or b.kind is BlockKind.list_item
        label, body = (None, text) if bullet else self.split_label(text)
        marked = bullet or label is not None
        if not marked:
            group = self.group_of(text)
            if group is not None:
                state.group = group
                return
        if self.lead_in(body, marked):
            state.addressee = self.addressee_in(body) or state.addressee
            return
        if not marked and _FOOTNOTE_RE.match(text):
            return  # a footnote at the foot of a page inside the section
        last = state.items[-1] if state.items else None
        if last is not None and bullet and self._nested(b, last):
            last.subs.append(body)
            last.printed.append(raw)
            last.add_prov(b.prov)
            return
        if marked:
            item = self._new_item(state, label, body, raw, list(b.prov))
            item.x0 = _x0(b)
            state.marked = True
            return
        if last is not None and (body[:1].islower() or not last.ended or state.marked):
            last.extend(body)
            last.printed.append(raw)
            last.add_prov(b.prov)
            return
        self._new_item(state, None, body, raw, list(b.prov))

    @staticmethod
    def _nested(b: Block, last: Item) -> bool:
        """A bullet under the item above: a nested level, a Word "List Bullet 2", or indented (PDF)."""
        if b.level > 0 or _NESTED_STYLE_RE.match(b.style or ""):
            return True
        x0 = _x0(b)
        return x0 is not None and last.x0 is not None and x0 - last.x0 >= SUB_ITEM_INDENT

    # --- tables ------------------------------------------------------------------------------

    def _layout(self, table: Table) -> _Layout | None:
        if not table.rows:
            return None
        addressee = {fold(h) for h in self.cfg.addressee_headers}
        texts = {fold(h) for h in self.cfg.text_headers} | self.sections
        lay = _Layout(addressee=None, text=None)
        for c in table.rows[0].cells:
            f = fold(c.text)
            if f in addressee and lay.addressee is None:
                lay.addressee = (c.col, c.col + c.col_span - 1)
            elif f in texts and lay.text is None:
                lay.text = (c.col, c.col + c.col_span - 1)
        return lay if (lay.addressee or lay.text) else None

    def _table(self, table: Table, state: "_Section") -> None:
        layout = self._layout(table)
        rows = table.rows
        if layout is not None:
            state.layout = layout
            header = [fold(c.text) for c in rows[0].cells]
            rows = [r for r in rows[1:] if [fold(c.text) for c in r.cells] != header]
        layout = state.layout
        for row in rows:
            cells = sorted((c for c in row.cells if c.text.strip() and c.row == row.index), key=lambda c: c.col)
            if not cells:
                continue
            who_cell = None
            text_cell = cells[-1]
            if layout is not None and layout.addressee is not None and len(cells) >= 2:
                # Position, not grid column: a table continued on the next page has its own grid.
                who_cell, text_cell = (cells[0], cells[-1]) if layout.addressee_first else (cells[-1], cells[0])
            if len(cells) == 1:
                group = self.group_of(text_cell.text)
                if group is not None:
                    state.group = group
                    continue
            self._cell(text_cell, state, collapse_ws(who_cell.text) if who_cell is not None else None,
                       has_addressee_column=layout is not None and layout.addressee is not None)

    def _cell(self, cell, state: "_Section", who: str | None, has_addressee_column: bool) -> None:  # type: ignore[no-untyped-def]
        paras: list[Para] = [p for p in (cell.paras or [Para(text=cell.text)]) if p.text.strip()]
        if not paras:
            return
        last = state.items[-1] if state.items else None
        joined = fold(" ".join(p.text for p in paras))
        if last is not None and joined and joined in fold(last.text):
            return  # the same lines read a second time
        first_text, _ = self.strip_marker(paras[0].text)
        continues = last is not None and who is None and (first_text[:1].islower() or not last.ended)
        if continues and last is not None:
            for k, p in enumerate(paras):
                text, bullet = self.strip_marker(p.text)
                if k == 0:
                    last.extend(text)
                elif bullet or p.list_item:
                    last.subs.append(text)
                else:
                    last.extend(text)
                last.printed.append(p.text)
            last.add_prov(cell.prov)
            return
        if who is None and has_addressee_column and last is not None:
            who = last.addressee  # the addressee cell merged down over this row
        marks = [self._marked(p) for p in paras]
        if len(paras) > 1 and all(marks):
            for p in paras:  # a cell that is a list: each line an item
                text, _ = self.strip_marker(p.text)
                label, body = self.split_label(text)
                self._new_item(state, label, body, p.text, list(cell.prov), who)
            return
        text, _ = self.strip_marker(paras[0].text)
        label, body = self.split_label(text)
        item = self._new_item(state, label, body, paras[0].text, list(cell.prov), who)
        for p in paras[1:]:
            text, bullet = self.strip_marker(p.text)
            if bullet or p.list_item:
                item.subs.append(text)
            elif item.subs:
                item.extend(text)
            else:
                item.parts.append(text)
            item.printed.append(p.text)

    def _marked(self, p: Para) -> bool:
        text, bullet = self.strip_marker(p.text)
        return bullet or p.list_item or self.split_label(text)[0] is not None


@dataclass
class _Section:
    name: str
    addressee: str | None
    group: Group | None = None
    items: list[Item] = field(default_factory=list)
    marked: bool = False  # its items are numbered, lettered or bulleted
    layout: _Layout | None = None


def _x0(b: Block) -> float | None:
    return b.prov[0].bbox.x0 if b.prov and b.prov[0].bbox is not None else None


def extract_report_recommendations(ctx: DocContext, info: ReportInfo) -> list[Recommendation]:
    """The report's recommendations, in printed order, coded in its family and dated."""
    items = [it for it in ReportReader(ctx, info).read() if it.text.strip()]
    report_date = info.report_date
    if report_date is None and any(it.group and it.group.offset is not None for it in items):
        ctx.warn("W601", "inspection report: no publication or inspection date found; its timescales are not dated")
    recs: list[Recommendation] = []
    used: set[str] = set()
    running = 0
    in_group: dict[tuple[str, str], int] = {}
    for it in items:
        if it.label is not None:
            label = it.label
        elif it.group is not None and it.group.prefix:
            key = (it.section, it.group.prefix)
            in_group[key] = in_group.get(key, 0) + 1
            label = f"{it.group.prefix}{in_group[key]}"
        else:
            running += 1
            label = str(running)
        if label in used:  # numbering that restarts in a second section: keep codes distinct
            prefix = (re.sub(r"[^A-Za-z]", "", it.section)[:1] or "X").upper()
            k, base = 1, f"{prefix}{label}"
            label = base
            while label in used:
                k += 1
                label = f"{base}.{k}"
        used.add(label)
        code = f"{info.family}-{label}"
        text = it.text
        prov = list(it.prov)
        rec = Recommendation(
            rec_id=label, text=text, codes=[code], sections=[it.group.label if it.group else it.section],
            code_refs=[CodeRef(parent_kind="recommendation", parent_ref=label, raw=it.label or label, code=code,
                               family=info.family, prov=prov)],
            sources=[Source(field="text", text=" | ".join(it.printed), prov=prov)],
            source="report", label=it.label, group=it.group.label if it.group else None, addressee=it.addressee,
        )
        if it.group is not None and it.group.offset is not None:
            rec.milestones.append(_due(rec, it.group, report_date, prov))
        recs.append(rec)
    return recs


def _due(rec: Recommendation, group: Group, report_date: dt.date | None, prov: list[Provenance]) -> Milestone:
    """``Within three months`` of the report's date: its due date, relative to the report."""
    end = report_date + group.offset if report_date is not None and group.offset is not None else None
    return Milestone(parent_kind="recommendation", parent_ref=rec.rec_id, text=rec.text, date_raw=group.label,
                     date_start=report_date, date_end=end, precision="relative_to_report", prov=list(prov))
