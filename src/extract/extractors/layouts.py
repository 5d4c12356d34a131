"""Layout families, registered by name: each proposes candidate regions of a document holding
actions, with a score, and :func:`read_actions` keeps the best candidates that do not overlap.

A region is a set of block indices (a table's block counts as one). The families are the
action table (:mod:`.actions`), the record block (:mod:`.record_blocks`: one small table or
key/value block per action) and keyed paragraphs (:mod:`.keyed_paragraphs`: numbered
paragraphs with ``Lead:`` / ``By:`` lines). A family knows nothing of PDF or Word.
"""

from __future__ import annotations

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
    drafts: list[Draft] = []
    by_ref: dict[str, Draft] = {}
    place = 0
    for cand in choose(candidates):
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
