"""Is a document an inspection report, and what does its cover say?

A report is recognised by a cover line that reads like a report's title (``Inspection of …``,
``Area SEND inspection of …``, ``Joint area review …``), no cover line that reads like a plan or a
response to one, and an inspectorate named somewhere (the cover and the file's metadata count
most). From the cover it takes the inspectorate, the setting inspected, the inspection dates, the
publication date and the overall judgement. Every word and pattern is data
(``extract/data/inspections.yaml``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from ..config import Config, Inspections
from ..model import Block, BlockKind, Document
from ..normalise.dates import find_dates
from ..textutil import collapse_ws

COVER_BLOCKS = 30  # blocks read as the cover when the format has no pages
COVER_WEIGHT = 5  # a mention on the cover or in the metadata counts this many times


@dataclass
class ReportInfo:
    inspectorate: str
    family: str
    setting: str | None = None
    inspection_start: dt.date | None = None
    inspection_end: dt.date | None = None
    published: dt.date | None = None
    judgement: str | None = None

    @property
    def report_date(self) -> dt.date | None:
        """What timescales count from: the publication date, else the last day of inspection."""
        return self.published or self.inspection_end


def fold(text: str) -> str:
    """Letters and digits only, lower case, a trailing footnote marker or page number dropped:
    ``What needs to improve?1`` → ``what needs to improve``."""
    text = re.sub(r"(?<=[^\W\d_])\d{1,2}$|(?<=[?:.)])\d{1,2}$", "", collapse_ws(text))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ").replace("’", "'")).split())


@lru_cache(maxsize=8)
def _compiled(patterns: tuple[str, ...], flags: int = re.I) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, flags) for p in patterns)


def _any(patterns: list[str], text: str) -> re.Match[str] | None:
    for rx in _compiled(tuple(patterns)):
        m = rx.search(text)
        if m:
            return m
    return None


def cover_blocks(doc: Document) -> list[Block]:
    """The first page's blocks (tables included), or the first blocks of a format without pages."""
    paged = [b for b in doc.blocks[:200] if b.prov and b.prov[0].page is not None]
    if paged:
        return [b for b in doc.blocks[:200] if b.prov and b.prov[0].page == paged[0].prov[0].page]
    return doc.blocks[:COVER_BLOCKS]


def _lines(doc: Document, blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if b.kind is BlockKind.table and b.table is not None:
            for row in doc.tables[b.table].rows:
                out.extend(collapse_ws(p.text) for c in row.cells for p in c.paras if p.text.strip())
        elif b.text.strip():
            out.append(collapse_ws(b.text))
    return out


def _title_lines(doc: Document) -> list[str]:
    """Cover lines that may be the title: headings and short lines, the metadata title."""
    lines = [t for t in _lines(doc, [b for b in cover_blocks(doc) if b.kind is not BlockKind.table]) if len(t.split()) <= 16]
    if doc.metadata.get("title"):
        lines.append(collapse_ws(doc.metadata["title"]))
    # A title wrapped over two headings ("Inspection of services for children in need of help and" /
    # "protection, …") reads as one.
    return lines


def inspectorate_scores(doc: Document, cfg: Inspections, full_text: str) -> dict[str, int]:
    # The cover, the file's metadata and the running header/footer lines the reader took out of the body.
    cover = "\n".join(_lines(doc, cover_blocks(doc)) + [doc.metadata.get(k, "") for k in ("title", "author", "subject", "running")])
    scores: dict[str, int] = {}
    for ins in cfg.inspectorates:
        n = 0
        for spelling, flags in [(s, re.I) for s in ins.spellings] + [(s, 0) for s in ins.case_sensitive]:
            rx = _compiled((rf"(?<![\w.]){re.escape(spelling)}(?!\w)",), flags)[0]
            n += len(rx.findall(full_text)) + COVER_WEIGHT * len(rx.findall(cover))
        if n:
            scores[ins.name] = n
    return scores


def read_report_info(doc: Document, config: Config, full_text: str) -> ReportInfo | None:
    """The report's cover facts, or None when the document is not an inspection report."""
    cfg = config.inspections
    titles = _title_lines(doc)
    if not any(_any(cfg.report_titles, t) for t in titles):
        return None
    if any(_any(cfg.not_report_titles, t) for t in titles):
        return None
    scores = inspectorate_scores(doc, cfg, full_text)
    if not scores:
        return None
    name = max(scores, key=lambda k: (scores[k], -[i.name for i in cfg.inspectorates].index(k)))
    ins = next(i for i in cfg.inspectorates if i.name == name)
    family = ins.family
    for kind in cfg.kinds:
        if any(re.search(kind.pattern, t, re.I) for t in titles):
            family = kind.family
            break
    info = ReportInfo(inspectorate=ins.name, family=family)
    front = _lines(doc, doc.blocks[:60])
    info.inspection_start, info.inspection_end = _inspection_dates(cfg, front)
    info.published = _published(cfg, front)
    info.setting = _setting(cfg, titles)
    info.judgement = _judgement(doc, cfg)
    return info


_DAY_RANGE_RE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s*(?:–|—|-|to|and|until)\s*\d{1,2}(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?\s+(\d{4})\b")


def _after_label(patterns: list[str], lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        m = _any(patterns, line)
        if m and m.start() == 0:
            out.append(line[m.end():].lstrip(" :–-"))
    return out


def _inspection_dates(cfg: Inspections, lines: list[str]) -> tuple[dt.date | None, dt.date | None]:
    for rest in _after_label(cfg.inspection_date_labels, lines):
        spans = [s for s in find_dates(rest) if s.start is not None]
        if not spans:
            continue
        start, end = spans[0].start, spans[-1].end
        m = _DAY_RANGE_RE.search(rest)
        if m and start == end and end is not None:
            try:  # "15 – 19 July 2013": the first day takes the month and year of the last
                start = end.replace(day=int(m.group(1)))
            except ValueError:
                pass
        return start, end
    return None, None


def _published(cfg: Inspections, lines: list[str]) -> dt.date | None:
    for rest in _after_label(cfg.published_labels, lines):
        spans = [s for s in find_dates(rest) if s.end is not None and s.precision == "day"]
        if spans:
            return spans[0].end
    return None


_SMALL_WORDS = {"of", "and", "for", "the", "in", "on", "upon", "at", "&"}


def _setting(cfg: Inspections, titles: list[str]) -> str | None:
    words = {w.lower() for w in cfg.setting_words}

    def names_body(text: str) -> bool:
        """A proper name ending with a body word: "Kent County Council", not "looked after children services"."""
        tokens = re.findall(r"[\w’']+", text)
        capitalised = all(t[:1].isupper() for t in tokens if t.lower() not in _SMALL_WORDS)
        return (bool(tokens) and capitalised and tokens[-1].lower() in words and not re.search(r"\d", text)
                and len(tokens) <= 10)

    # A cover line that is a body's name alone ("Kent County Council").
    for t in titles:
        if names_body(t) and not _any(cfg.report_titles, t) and not re.search(r"inspect|report", t, re.I) and t[:1].isupper():
            return t.strip(" .,:")
    # Else the body after "inspection of", with a trailing service name taken off.
    for t in titles:
        m = re.search(r"\binspection of (?:the )?(.+)$", t, re.I)
        if not m:
            continue
        body = m.group(1).strip(" .,:")
        for trailer in cfg.setting_trailers:
            body = re.sub(trailer, "", body, flags=re.I)
        if names_body(body):
            return body
    return None


def _grade(cfg: Inspections, text: str) -> str | None:
    low = " " + fold(text) + " "
    for g in sorted(cfg.grades, key=len, reverse=True):
        if f" {fold(g)} " in low:
            return g[:1].upper() + g[1:]
    return None


def _judgement(doc: Document, cfg: Inspections) -> str | None:
    overall = [fold(x) for x in cfg.overall_labels]
    outcome = {fold(x) for x in cfg.outcome_labels}
    blocks = doc.blocks[:400]
    # 1. A grade table row "Overall effectiveness | Good".
    for b in blocks:
        if b.kind is not BlockKind.table or b.table is None:
            continue
        for row in doc.tables[b.table].rows:
            cells = [c for c in row.cells if c.text.strip()]
            if len(cells) >= 2 and any(fold(cells[0].text).startswith(o) for o in overall):
                grade = next((g for c in cells[1:] if (g := _grade(cfg, c.text))), None)
                if grade:
                    return grade
    # 2. A heading naming the overall judgement, with "Grade 3 (Adequate)" just under it.
    for i, b in enumerate(blocks):
        if b.kind is BlockKind.table or not any(fold(b.text).startswith(o) for o in overall if o != "overall"):
            continue
        for nxt in blocks[i : i + 3]:
            if nxt.kind is not BlockKind.table and len(nxt.text.split()) <= 8:
                grade = _grade(cfg, nxt.text)
                if grade:
                    return grade
    # 3. A cover sentence: "Children's services in Kent are good".
    for t in _lines(doc, cover_blocks(doc)):
        m = re.search(r"\b(?:is|are)\s+(.+?)\.?$", t)
        if m and len(t.split()) <= 12:
            grade = _grade(cfg, m.group(1))
            if grade and fold(m.group(1)) == fold(grade):
                return grade
    # 4. The text under "Inspection outcome": its first sentence.
    lines = _lines(doc, blocks[:60])
    for i, t in enumerate(lines):
        if fold(t) in outcome:
            for nxt in lines[i + 1 : i + 4]:
                if len(nxt.split()) >= 3:
                    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", nxt)[0]
    return None
