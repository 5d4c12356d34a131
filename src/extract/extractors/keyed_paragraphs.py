"""Keyed paragraphs: actions printed as numbered paragraphs (or ``Action 2.3`` labels) under
headings, each followed by key: value lines (``Lead: …``, ``Timescale: …``, ``By: …``,
``Progress: …``), with no table at all. A paragraph with no key lines after it (introductory
prose) is not an action, however many "will"s it holds.
"""

from __future__ import annotations

import re

from ..model import Block, BlockKind
from ..textutil import collapse_ws
from .actions import Draft, Piece
from .columns import match_role
from .context import DocContext
from .layouts import Candidate, register_layout

# "Lead: …", "Timescale – …", "By: …" at the start of a line (or after a full stop inside one).
_KEY_RE = re.compile(r"(?:^|(?<=[.;]\s)|(?<=\n))(?P<key>[A-Z][A-Za-z /&()-]{1,30}?)\s*[:–—]\s+(?P<value>\S[^\n]*?)(?=$|\n|\s(?=[A-Z][A-Za-z /&()-]{1,30}?\s*[:–—]\s))", re.M)
_NUMBER_RE = re.compile(r"^\s*(?:(?:action|commitment|recommendation|objective|priority)\s+)?(?P<ref>[A-Z]?\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?)\s*[.):–-]?\s+(?P<text>\S.*)$", re.I | re.S)
# Keys that say something about an action. "Lead"/"By"/"Who" read as owner, "By" alone as a date
# when its value is one.
_EXTRA_KEYS = {"by": "date", "who": "owner", "when": "date", "lead": "owner", "support": "partner",
               "partners": "partner", "partner": "partner", "progress": "progress", "update": "progress"}
MAX_GAP = 6  # blocks between an action paragraph and its key lines


def _key_role(ctx: DocContext, key: str) -> str | None:
    low = key.strip().lower()
    if low in _EXTRA_KEYS:
        return _EXTRA_KEYS[low]
    if len(low.split()) > 4:
        return None
    m = match_role(key, ctx.config.column_roles)
    return m.role if m and m.role not in ("ref", "theme", "action", "notes") else None


def _keys(ctx: DocContext, text: str) -> list[tuple[str, str, int]]:
    """(role, value, start) of each key line in ``text``."""
    out = []
    for m in _KEY_RE.finditer(text):
        role = _key_role(ctx, m.group("key"))
        if role:
            out.append((role, collapse_ws(m.group("value")), m.start()))
    return out


@register_layout("keyed_paragraphs")
def keyed_paragraph_candidates(ctx: DocContext) -> list[Candidate]:
    blocks = ctx.doc.blocks
    out: list[Candidate] = []
    run: Candidate | None = None
    current: Draft | None = None
    last_used = -10
    for b in blocks:
        if b.kind is BlockKind.table:
            current = None
            if run is not None:
                run = None
            continue
        text = b.text.strip()
        if not text:
            continue
        keys = _keys(ctx, text)
        head = text[: keys[0][2]].strip() if keys else text
        if b.kind is BlockKind.heading and not (current is not None and keys and not head):
            current = None  # a short "Lead: …" line that a text export took for a heading is still a key line
            continue
        m = _NUMBER_RE.match(head) if head else None
        # A Word list item numbers itself (its number is not in its text): it starts an action
        # like a printed number does, with its key lines on it or in the paragraphs after it.
        starts = bool(m) or (bool(head) and len(head.split()) >= 4 and b.kind is BlockKind.list_item)
        if starts and (keys or _keys_follow(ctx, blocks, b.index)):
            ref = m.group("ref") if m else "#"
            title = collapse_ws(m.group("text") if m else head)
            heading = ctx.headings_before(b.index)
            current = Draft(ref=ref, theme_ref=None, theme=collapse_ws(heading[-1].text) if heading else None,
                            table=None, row_start=b.index, row_end=b.index, layout="keyed_paragraphs")
            current.parts["title"] = [Piece(title, False, list(b.prov))]
            _pages(current, b)
            if run is None or b.index - last_used > MAX_GAP:
                run = Candidate("keyed_paragraphs", frozenset(), 0.0)
                out.append(run)
            run.drafts.append(current)
            run.blocks = run.blocks | {b.index}
            last_used = b.index
            for role, value, _ in keys:
                current.parts.setdefault(role, []).append(Piece(value, False, list(b.prov)))
            continue
        if current is not None and keys and not head:
            for role, value, _ in keys:
                current.parts.setdefault(role, []).append(Piece(value, False, list(b.prov)))
            current.row_end = b.index
            _pages(current, b)
            assert run is not None
            run.blocks = run.blocks | {b.index}
            last_used = b.index
            continue
        if current is not None and b.index - current.row_end <= 1 and b.kind is BlockKind.list_item and not keys:
            current.parts.setdefault("steps", []).append(Piece(collapse_ws(text), True, list(b.prov)))
            run.blocks = run.blocks | {b.index}  # type: ignore[union-attr]
            current.row_end = b.index
            continue
        current = None
    kept = [c for c in out if len(c.drafts) >= ctx.settings.min_actions]
    for c in kept:
        c.score = 1.2 * len(c.drafts)
    return kept


def _keys_follow(ctx: DocContext, blocks: list[Block], index: int) -> bool:
    """Key lines in the next few blocks, before another numbered paragraph or heading."""
    for nxt in blocks[index + 1 : index + 1 + MAX_GAP]:
        text = nxt.text.strip()
        keys = _keys(ctx, text)
        if keys and not text[: keys[0][2]].strip():
            return True
        if nxt.kind in (BlockKind.heading, BlockKind.table):
            return False
        if _NUMBER_RE.match(text):
            return False
    return False


def _pages(d: Draft, b: Block) -> None:
    for p in b.prov:
        if p.page is not None:
            d.pages.add(p.page)
