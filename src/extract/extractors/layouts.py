"""Layout families, registered by name: each proposes candidate regions of a document holding
actions, with a score, and :func:`read_actions` keeps the best candidates that do not overlap.

A region is a set of block indices (a table's block counts as one). The families are the
action table (:mod:`.actions`), the record block (:mod:`.record_blocks`: one small table or
key/value block per action) and keyed paragraphs (:mod:`.keyed_paragraphs`: numbered
paragraphs with ``Lead:`` / ``By:`` lines). A family knows nothing of PDF or Word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .actions import Draft
    from .context import DocContext


@dataclass
class Candidate:
    layout: str
    blocks: frozenset[int]
    score: float
    drafts: list["Draft"] = field(default_factory=list)

    @property
    def first(self) -> int:
        return min(self.blocks) if self.blocks else -1


LayoutFn = Callable[["DocContext"], list[Candidate]]
_LAYOUTS: dict[str, LayoutFn] = {}


def register_layout(name: str) -> Callable[[LayoutFn], LayoutFn]:
    """Register ``fn(ctx) -> [Candidate]`` under ``name``; a name is taken once."""

    def wrap(fn: LayoutFn) -> LayoutFn:
        if name in _LAYOUTS:
            raise ValueError(f"a layout named {name!r} is already registered")
        _LAYOUTS[name] = fn
        return fn

    return wrap


def layouts() -> dict[str, LayoutFn]:
    from . import actions, keyed_paragraphs, record_blocks  # noqa: F401  (registration)

    return dict(_LAYOUTS)


def choose(candidates: list[Candidate]) -> list[Candidate]:
    """The best-scoring candidates that share no block, in document order."""
    kept: list[Candidate] = []
    taken: set[int] = set()
    for cand in sorted(candidates, key=lambda c: (-c.score, c.first)):
        if cand.drafts and not (cand.blocks & taken):
            kept.append(cand)
            taken |= cand.blocks
    return sorted(kept, key=lambda c: c.first)


def read_actions(ctx: "DocContext") -> list["Draft"]:
    """Every action draft of the document, from the layouts that read it best.

    Actions named by place (``#3``: a layout that prints no references) are numbered here, in
    document order over the kept regions, so a candidate that lost leaves no gap.
    """
    candidates = [c for fn in layouts().values() for c in fn(ctx)]
    kept = choose(candidates)
    _qualify_restarted_numbers(ctx, [d for cand in kept for d in cand.drafts])
    drafts: list[Draft] = []
    by_ref: dict[str, Draft] = {}
    place = 0
    for cand in kept:
        for d in cand.drafts:
            if d.ref.startswith("#"):
                place += 1
                d.ref = f"#{place}"
            if d.ref in by_ref:
                # The same reference again (a table repeated or split): one action.
                first = by_ref[d.ref]
                for role, pieces in d.parts.items():
                    first.parts.setdefault(role, []).extend(pieces)
                first.pages |= d.pages
                ctx.warn("W301", f"action {d.ref} printed twice; the rows were joined", table=d.table, row=d.row_start)
                continue
            by_ref[d.ref] = d
            drafts.append(d)
    return drafts


_PLAIN_NUMBER_RE = re.compile(r"^(?:\d{1,3}[a-z]?|[A-Za-z])\.?$")


def _title(d: "Draft") -> str:
    return " ".join(" ".join(p.text.split()) for p in d.parts.get("title", [])).lower()


def _qualify_restarted_numbers(ctx: "DocContext", drafts: list["Draft"]) -> None:
    """Numbering that starts again under each theme (a sheet or a table per priority, each
    numbered 1, 2, 3): every plainly numbered action under a theme takes its theme's number
    (``2.1``), the printed number kept as ``printed_ref``. A number printed again under the same
    theme, or for the same title, is one action printed twice and is left to be joined."""
    first: dict[str, "Draft"] = {}
    restarted: list[str] = []
    for d in drafts:
        if d.ref in first and _another_theme(first[d.ref], d):
            restarted.append(d.ref)
        first.setdefault(d.ref, d)
    if not restarted:
        return
    for d in drafts:
        if _PLAIN_NUMBER_RE.match(d.ref) and (d.theme_ref or d.theme):
            printed = d.ref.rstrip(".")
            d.printed_ref = d.printed_ref or printed
            d.ref = _qualified(d, printed)
    ctx.warn("W304", f"numbering starts again under each theme (action {', '.join(dict.fromkeys(restarted))} "
             "printed more than once): references are qualified by the theme's number")


def _another_theme(first: "Draft", again: "Draft") -> bool:
    """Whether a reference printed again names another action under another theme, rather than
    the same action printed twice (a repeated row, a row split by a page break)."""
    if not again.theme_ref and not again.theme:
        return False
    if not _PLAIN_NUMBER_RE.match(again.ref):
        return False  # "2.3" is unique by design: printed again, it is the same action
    if (first.theme_ref, first.theme) == (again.theme_ref, again.theme):
        return False
    a, b = _title(first), _title(again)
    return bool(a) and bool(b) and a != b


def _qualified(d: "Draft", printed: str) -> str:
    """``2.1`` for action 1 under theme 2; ``safer-streets/1`` where the theme has no number."""
    if d.theme_ref:
        return printed if printed.startswith(f"{d.theme_ref}.") else f"{d.theme_ref}.{printed}"
    if d.theme:
        slug = re.sub(r"[^a-z0-9]+", "-", d.theme.lower()).strip("-")
        return f"{slug}/{printed}" if slug else printed
    return printed
