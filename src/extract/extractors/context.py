"""What an extractor needs to know about the whole document before reading its rows:
title, plan period, code legend, colour legend, outcome list, and the heading above each block."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import Config
from ..model import Block, BlockKind, Document
from ..normalise.codes import CodeParser
from ..normalise.dates import Legend, find_legend, find_period
from ..normalise.status import StatusReader
from ..settings import Settings
from ..textutil import collapse_ws

_OUTCOME_ITEM_RE = re.compile(r"^(?:outcome\s*)?(\d{1,2})\s*[.):–\-]\s*(\S.{2,80})$", re.I)


@dataclass
class Warn:
    code: str
    message: str
    where: dict[str, object] = field(default_factory=dict)


@dataclass
class DocContext:
    doc: Document
    config: Config
    settings: Settings
    title: str | None
    period: tuple | None  # (date, date) or None
    codes: CodeParser
    status: StatusReader
    outcomes: list[str]  # the document's outcome names, in its own numbering order (1-based)
    warnings: list[Warn] = field(default_factory=list)
    full_text: str = ""
    legend: Legend = field(default_factory=dict)  # the document's own "Short-term – 2020" timescales
    report: object | None = None  # an inspection report's cover facts (extractors.report_info.ReportInfo)

    def warn(self, code: str, message: str, **where: object) -> None:
        self.warnings.append(Warn(code, message, dict(where)))

    def headings_before(self, block_index: int) -> list[Block]:
        """The heading path (outermost first) in force at a block."""
        path: list[Block] = []
        for b in self.doc.blocks[:block_index]:
            if b.kind is BlockKind.heading:
                while path and path[-1].level >= b.level:
                    path.pop()
                path.append(b)
        return path

    def outcome_name(self, text: str) -> str | None:
        """The outcome a heading or label names, in the document's own spelling."""
        key = _key(text)
        for name in self.outcomes:
            if _key(name) == key:
                return name
        return None


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower().replace("&", "and"))


def _lines(doc: Document) -> list[str]:
    return [line for line in doc.text().splitlines() if line.strip()]


def find_title(doc: Document) -> str | None:
    """The first heading, or the first short line, as printed; a worksheet's name only when the
    sheet prints nothing else."""
    for b in doc.blocks[:40]:
        if b.kind is BlockKind.heading and b.text.strip() and b.style != "sheet":
            return collapse_ws(b.text)
    for b in doc.blocks[:10]:
        if b.kind is BlockKind.paragraph and 0 < len(b.text) <= 150:
            return collapse_ws(b.text)
    for b in doc.blocks[:40]:
        if b.kind is BlockKind.heading and b.text.strip():
            return collapse_ws(b.text)
    return None


def _front_matter(doc: Document, limit: int = 12) -> str:
    parts = []
    for b in doc.blocks[:limit]:
        if b.kind is not BlockKind.table:
            parts.append(b.text)
    return "\n".join(parts)


def _split_running_numbers(body: str) -> list[str]:
    """``1. Learners achieve 2. Schools are safe 3. …`` with no separators: cut at 1, 2, 3 … in turn,
    so a number inside an item ("Key Stage 2 results") only cuts when it is the next one due."""
    cuts: list[int] = []
    due = 1
    for m in re.finditer(r"(?:(?<=\s)|^)(\d{1,2})[.)]\s+", body):
        if int(m.group(1)) == due:
            cuts.append(m.start())
            due += 1
    if len(cuts) < 2 or body[: cuts[0]].strip():
        return [body]
    return [body[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(body)])]


def _inline_outcomes(text: str) -> list[str]:
    """``Outcome key: 1 Healthy start; 2 Safe at home; 3 Ready for school`` on one line."""
    if ":" not in text:
        return []
    body = text.split(":", 1)[1]
    parts = [p.strip() for p in re.split(r"[;|]", body) if p.strip()]
    if len(parts) == 1:
        parts = _split_running_numbers(body)
    items: dict[int, str] = {}
    for part in parts:
        m = re.match(r"^(\d{1,2})\s*[.)\-–:]?\s+(\S.{1,80})$", part)
        if not m:
            return []
        items[int(m.group(1))] = m.group(2).strip(" .")
    if len(items) >= 2 and sorted(items) == list(range(1, len(items) + 1)):
        return [items[k] for k in sorted(items)]
    return []


def find_outcomes(doc: Document, config: Config) -> list[str]:
    """The document's own numbered outcome list, else a configured framework it prints."""
    blocks = doc.blocks
    # 1. "Outcomes" followed by a numbered list ("1. Safer streets", "Outcome 2 – …").
    for i, b in enumerate(blocks):
        if b.kind is BlockKind.table or "outcome" not in b.text.lower():
            continue
        inline = _inline_outcomes(b.text)
        if inline:
            return inline
        items: dict[int, str] = {}
        m = _OUTCOME_ITEM_RE.match(b.text.strip())
        if m:
            items[int(m.group(1))] = m.group(2).strip()
        for nxt in blocks[i + 1 : i + 15]:
            if nxt.kind is BlockKind.table:
                break
            m = _OUTCOME_ITEM_RE.match(nxt.text.strip())
            if not m:
                if items:
                    break
                continue
            items[int(m.group(1))] = re.split(r"\s[–—-]\s", m.group(2).strip())[0].strip(" .;:")
        if len(items) >= 2 and sorted(items) == list(range(1, len(items) + 1)):
            return [items[k] for k in sorted(items)]
    # 2. A named framework, numbered in the order the document prints its outcomes.
    text = doc.text()
    low = text.lower()
    for outcomes in config.outcome_frameworks.frameworks.values():
        found: list[tuple[int, str]] = []
        for spellings in outcomes:
            best: tuple[int, str] | None = None
            for s in spellings:
                pos = low.find(s.lower())
                if pos >= 0 and (best is None or pos < best[0]):
                    best = (pos, text[pos : pos + len(s)])
            if best:
                found.append(best)
        if len(found) >= config.outcome_frameworks.min_present:
            # The framework's own order is the numbering; the printed spelling is kept.
            return [name for _, name in found]
    return []


def build_context(doc: Document, config: Config, settings: Settings) -> DocContext:
    lines = _lines(doc)
    title = find_title(doc)
    period = find_period(_front_matter(doc)) if doc.blocks else None
    legend_text = "\n".join(lines)
    return DocContext(
        doc=doc,
        config=config,
        settings=settings,
        title=title,
        period=period,
        codes=CodeParser.for_document(config, legend_text),
        status=StatusReader.for_document(config.status_words, lines),
        outcomes=find_outcomes(doc, config),
        full_text=doc.text(),
        legend=find_legend(legend_text),
    )
