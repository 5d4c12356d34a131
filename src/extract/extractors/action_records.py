"""Action drafts → Action records: title and steps, owners and partners, progress, milestones
(dates in every cell of the row, promised dates in responses, legend-dated timescales), codes and
RAG status. Whatever layout family read the draft (:mod:`.layouts`), it is built here.
"""

from __future__ import annotations

import re

from ..model import Provenance
from ..normalise.dates import excel_serial, find_dates
from ..normalise.owners import see_reference, split_owners
from ..outputs.records import Action, CodeRef, Milestone, Source
from .actions import _TERMINAL, Draft, Piece
from .context import DocContext


def _texts(pieces: list[Piece]) -> list[str]:
    return [" ".join(p.text.split()) for p in pieces if p.text.strip()]


def _prov(pieces: list[Piece]) -> list[Provenance]:
    out: list[Provenance] = []
    for p in pieces:
        for pr in p.prov:
            if pr not in out:
                out.append(pr)
    return out


def build_action(ctx: DocContext, d: Draft) -> tuple[Action, list[str]]:
    """An Action record (owners still as printed) and the printed owner names."""
    title_pieces = d.parts.get("title", [])
    steps_pieces = d.parts.get("steps", [])
    if not steps_pieces and len(title_pieces) > 1 and ("title" in d.parts):
        # An action column used as the title: its first paragraph is the title, the rest steps.
        firsts = [p for p in title_pieces if not p.list_item] or title_pieces[:1]
        head = firsts[0]
        rest = [p for p in title_pieces if p is not head]
        # A first line that stops mid-phrase ("for most", "Develop the") runs on into the next.
        while rest and not rest[0].list_item and _runs_on(head.text):
            head = Piece(f"{head.text} {rest[0].text}", False, head.prov + [p for p in rest[0].prov if p not in head.prov])
            rest = rest[1:]
        steps_pieces = rest
        title_pieces = [head]
    title = _strip_trailing_codes(ctx, " ".join(_texts(title_pieces)))
    targets_pieces = d.parts.get("target", [])
    date_pieces = d.parts.get("date", []) + d.parts.get("horizon", [])
    owner_pieces = d.parts.get("owner", [])
    status_pieces = d.parts.get("status", [])
    # A status cell that says more than its status ("Commenced. As at 12 November …") is progress too.
    progress_pieces = d.parts.get("progress", []) + [p for p in status_pieces if len(p.text.split()) > 4]
    partners: list[str] = []
    for p in d.parts.get("partner", []):
        partners.extend(n for n in split_owners(p.text, _role_words(ctx)) if n.lower() not in _NO_PARTNER)
    owners_raw = " ".join(_texts(owner_pieces))
    role_words = _role_words(ctx)
    printed: list[str] = []
    for p in owner_pieces:
        if see_reference(p.text):
            continue
        m = _SUPPORTED_BY_RE.search(p.text)
        lead, support = (p.text[: m.start()], p.text[m.end():]) if m else (p.text, "")
        printed.extend(split_owners(lead, role_words))
        if support.strip():
            partners.extend(n for n in split_owners(support, role_words) if n.lower() not in _NO_PARTNER)
    action = Action(
        action_ref=d.ref,
        printed_ref=d.printed_ref,
        layout=d.layout,
        partners=list(dict.fromkeys(partners)),
        progress=_texts(progress_pieces),
        theme_ref=d.theme_ref,
        theme=d.theme,
        title=title,
        steps=_texts(steps_pieces),
        targets=_texts(targets_pieces),
        owners_raw=owners_raw,
        page_start=min(d.pages) if d.pages else None,
        page_end=max(d.pages) if d.pages else None,
        table_index=d.table,
        row_start=d.row_start,
        row_end=d.row_end,
        sources=[
            Source(field=f, text=" | ".join(_texts(ps)), prov=_prov(ps))
            for f, ps in (("title", title_pieces), ("steps", steps_pieces), ("targets", targets_pieces),
                          ("dates", date_pieces), ("owners", owner_pieces), ("status", status_pieces),
                          ("codes", d.parts.get("code", [])), ("partners", d.parts.get("partner", [])),
                          ("progress", progress_pieces), ("notes", d.parts.get("notes", [])))
            if ps
        ],
    )
    action.milestones = _milestones(ctx, d, title_pieces, steps_pieces, targets_pieces, date_pieces, progress_pieces)
    action.code_refs = _codes(ctx, d, title_pieces + steps_pieces + targets_pieces + date_pieces + d.nested
                              + d.parts.get("notes", []) + d.parts.get("other", []) + progress_pieces)
    action.codes = list(dict.fromkeys(c.code for c in action.code_refs))
    action.status = _status(ctx, d) or _status_from_progress(ctx, progress_pieces)
    return action, printed


# In an owner cell, who helps is not who leads: "Corporate Lead Supported by Strategy Manager".
_SUPPORTED_BY_RE = re.compile(r"\b(supported by|with support from|in partnership with|partners?\s*:)\s*", re.I)
_NO_PARTNER = {"not applicable", "n/a", "na", "none", "tbc", "-", "no partners"}


def _status_from_progress(ctx: DocContext, pieces: list[Piece]) -> str | None:
    """``Complete.``, ``On track for completion …``: the first words of a progress note, where
    they are a status word (never a word further into the sentence)."""
    for p in pieces[:1]:
        first = re.split(r"(?<=[.;:])\s", p.text.strip(), maxsplit=1)[0]
        if len(first.split()) <= 6:
            return ctx.status.from_text(first)
    return None


_OPEN_ENDINGS = {"a", "an", "the", "of", "for", "to", "and", "or", "in", "on", "with", "by", "from", "at", "as", "that", "which", "including", "most", "all", "our", "their", "its"}


def _runs_on(text: str) -> bool:
    words = text.strip().split()
    if not words or text.rstrip()[-1] in _TERMINAL:
        return False
    return text.strip()[0].islower() or words[-1].lower() in _OPEN_ENDINGS


def _role_words(ctx: DocContext) -> frozenset[str]:
    words: set[str] = set()
    for entry in ctx.config.owner_patterns:
        for tok in entry.get("pattern", []):
            spec = tok.get("LOWER") if isinstance(tok, dict) else None
            if isinstance(spec, dict):
                words.update(w.lower() for w in spec.get("IN", []))
    return frozenset(words)


_TRAILING_BRACKETS_RE = re.compile(r"\s*\(([^()]{1,60})\)\s*$")


def _strip_trailing_codes(ctx: DocContext, title: str) -> str:
    """``Offer personal budgets (CSCI)`` → the title; the code stays in ``codes``."""
    m = _TRAILING_BRACKETS_RE.search(title)
    if m and m.start() > 0:
        inside = m.group(1)
        found = ctx.codes.find(f"({inside})")
        if found and len(re.sub(r"[\W_]", "", inside)) <= sum(len(re.sub(r"[\W_]", "", c.raw)) for c in found) + 1:
            return title[: m.start()].rstrip()
    return title


_DEADLINE_BEFORE_RE = re.compile(r"\b(?:by|before|until|no later than|not later than|deadline|due|end of)\W+(?:\w+\W+){0,2}$", re.I)
# "agreed by Cabinet in May": "by" names who did it; the date has its own preposition.
_BY_AGENT_RE = re.compile(r"\bby\W+(?:\w+\W+){0,1}?[A-Za-z]\w*\W+(?:in|on|at|during)\W+$", re.I)
_FUTURE_RE = re.compile(r"\b(?:will|shall|to be|aims? to|plans? to|intends? to|expects? to|expected|scheduled|due)\b", re.I)


# "We are working with ACAS to publish … in November 2013": work under way towards the date.
_UNDER_WAY_RE = re.compile(r"\b(?:am|is|are)\s+(?:\w+ly\s+)?\w+ing\b(?:\s+with\b[^.;]{0,80}?)?\s+to\s+[a-z]+", re.I)
# A date opening its sentence ("In Summer 2014 we will launch …"): the promise comes after it,
# its subject at most two words away ("we", "the Government").
_OPENS_SENTENCE_RE = re.compile(r"\s*(?:(?:in|by|during|before|until|at|on|the|end of|early|late|mid)\s+)*", re.I)
_FUTURE_AFTER_RE = re.compile(r"\W*(?:[\w’']+\W+){0,2}?(?:will|shall|(?:is|are) to|aims? to|plans? to|intends? to)\b", re.I)


def _promised(text: str, start: int, end: int | None = None) -> bool:
    """A date in a response or progress note is the action's due date only where the note
    promises it (``will be published in March 2014``, ``by April 2015``, ``In Summer 2014 we
    will launch``, ``we are working with ACAS to publish … in November 2013``), not where it
    reports the past (``In September 2013 we announced …``)."""
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start)) + 1
    before = text[sentence_start:start]
    deadline = _DEADLINE_BEFORE_RE.search(before[-40:])
    if deadline and deadline.group(0).lower().startswith("by") and _BY_AGENT_RE.search(deadline.group(0)):
        deadline = None
    if deadline or _FUTURE_RE.search(before) or _UNDER_WAY_RE.search(before):
        return True
    return (end is not None and bool(_OPENS_SENTENCE_RE.fullmatch(before))
            and bool(_FUTURE_AFTER_RE.match(text, end)))


# What makes a bare year in running text a time ("by 2030", "in 2024/25", "end of 2025").
_YEAR_AS_TIME_RE = re.compile(r"\b(?:by|in|during|from|until|till|to|before|after|end of|start of|within|for|since|through)\s+(?:the\s+)?(?:year\s+)?$|[-–(]\s*$", re.I)


def _milestones(ctx: DocContext, d: Draft, title: list[Piece], steps: list[Piece], targets: list[Piece],
                dates: list[Piece], progress: list[Piece] = ()) -> list[Milestone]:  # type: ignore[assignment]
    sources = [("title", p) for p in title] + [("step", p) for p in steps] + [("target", p) for p in targets]
    sources += [("date", p) for p in dates] + [("nested", p) for p in d.nested] + [("progress", p) for p in progress]
    explicit = [s for _, p in sources for s in find_dates(p.text) if s.start is not None and not s.year_inferred]
    years = [s.end.year for s in explicit if s.end is not None]
    steps_t, targets_t = _texts(steps), _texts(targets)
    out: list[Milestone] = []
    seen: set[tuple[str, str]] = set()
    for i, (kind, piece) in enumerate(sources):
        spans = find_dates(piece.text, period=ctx.period, context_years=years, legend=ctx.legend)
        if kind == "date" and not spans:
            serial = excel_serial(piece.text)
            spans = [serial] if serial else []
        for span in spans:
            if span.precision in ("relative", "legend") and kind != "date":
                continue  # "over the long term" in prose, "Medium" impact: not the action's timescale
            if kind == "target" and span.precision == "ongoing":
                continue  # "Panel meets weekly" as the measure of success: how often, not when the action is due
            if kind == "progress" and not _promised(piece.text, span.char_start, span.char_end):
                continue
            if kind in ("title", "step", "target") and span.precision in ("year", "financial_year") \
                    and not _YEAR_AS_TIME_RE.search(piece.text[max(0, span.char_start - 14): span.char_start]):
                continue  # "the 2050 rainfall projections", "the 2021 census": a year naming a thing
            text = " ".join(piece.text.split())
            if kind == "date":
                di = [p for k, p in sources if k == "date"].index(piece)
                n_dates = len([1 for k, _ in sources if k == "date"])
                bare = len(text) <= len(span.raw) + 3
                if bare and n_dates == len(steps_t):
                    text = steps_t[di]
                elif bare and n_dates == len(targets_t):
                    text = targets_t[di]
            key = (text, span.raw)
            if key in seen:
                continue
            seen.add(key)
            if span.year_inferred:
                ctx.warn("W201", f"action {d.ref}: {span.note or 'year inferred'} for '{span.raw}'",
                         table=d.table, row=d.row_start)
            out.append(Milestone(parent_kind="action", parent_ref=d.ref, text=text, date_raw=span.raw,
                                 date_start=span.start, date_end=span.end, precision=span.precision,
                                 year_inferred=span.year_inferred, prov=list(piece.prov)))
    return out


def _codes(ctx: DocContext, d: Draft, pieces: list[Piece]) -> list[CodeRef]:
    out: list[CodeRef] = []
    for p in pieces:
        for c in ctx.codes.find(p.text):
            out.append(CodeRef(parent_kind="action", parent_ref=d.ref, raw=c.raw, code=c.code, family=c.family, prov=list(p.prov)))
            if c.warning:
                ctx.warn("W101", f"action {d.ref}: {c.warning}", table=d.table, row=d.row_start)
    for p in d.parts.get("code", []):
        for c in ctx.codes.find_in_code_cell(p.text):
            out.append(CodeRef(parent_kind="action", parent_ref=d.ref, raw=c.raw, code=c.code, family=c.family, prov=list(p.prov)))
            if c.warning:
                ctx.warn("W101", f"action {d.ref}: {c.warning}", table=d.table, row=d.row_start)
    return out


def _status(ctx: DocContext, d: Draft) -> str | None:
    for p in d.parts.get("status", []):
        s = ctx.status.from_text(p.text)
        if s:
            return s
    for role in ("status", "ref", "title"):
        for fill in d.fills.get(role, []):
            s = ctx.status.from_fill(fill)
            if s:
                return s
    return None
