"""Record blocks: one small table per action, repeated down the document.

A label row carries the action's text (``Strategy | Expand the …``, ``Action 2.3 | …``), then
either an attribute header row and its value row (``Timeline | Impact | Lead Agency | Partner
Agency`` over ``Short-term | Moderate | Municipal Government | …``) or key/value rows
(``Lead | …``, ``Timescale | …``). A block whose label is a goal or priority with no attributes
of its own (``Goal | Renewable Energy Production: …``) is the theme of the blocks after it.
"""

from __future__ import annotations

import re

from ..model import Cell, Row, Table
from ..textutil import collapse_ws
from .actions import Draft, Piece, _pieces
from .columns import match_role, norm_header
from .context import DocContext
from .layouts import Candidate, register_layout

# Labels that open an action block, optionally with its printed reference ("Action 2.3").
_ACTION_LABELS = ("strategy", "action", "objective", "commitment", "initiative", "measure", "project",
                  "activity", "recommendation", "proposal", "task", "deliverable", "policy", "programme")
_THEME_LABELS = ("goal", "priority", "theme", "aim", "outcome", "ambition", "focus area", "area", "objective")
_LABEL_RE = re.compile(rf"^(?P<word>{'|'.join(_ACTION_LABELS)})s?\b\s*(?:no\.?\s*)?(?P<ref>[A-Z]?\d{{1,3}}(?:\.\d{{1,3}}){{0,2}}[a-z]?)?\s*[:.]?$", re.I)
_THEME_RE = re.compile(rf"^(?:{'|'.join(_THEME_LABELS)})s?\b\s*(?:\d{{1,2}}(?:\.\d{{1,2}})?)?\s*[:.]?$", re.I)
MAX_ROWS = 8


def _filled(row: Row) -> list[Cell]:
    return [c for c in sorted(row.cells, key=lambda c: c.col) if c.text.strip()]


def _label(row: Row) -> tuple[str, Cell, list[Cell]] | None:
    """(label, label cell, the cells after it) where the row opens with a short label."""
    cells = _filled(row)
    if len(cells) < 2:
        return None
    first = collapse_ws(cells[0].text)
    norm = norm_header(first)
    if len(first.split()) > 4 or not (_LABEL_RE.match(norm) or _THEME_RE.match(norm)):
        return None
    rest = [c for c in cells[1:] if len(collapse_ws(c.text).split()) >= 2 or len(cells) == 2]
    return (first, cells[0], rest) if rest else None


def _attributes(ctx: DocContext, rows: list[Row]) -> tuple[dict[str, list[Piece]], list[int]] | None:
    """The block's attributes: a header row naming roles over a value row, or key/value rows."""
    roles_cfg = ctx.config.column_roles
    parts: dict[str, list[Piece]] = {}
    used: list[int] = []
    i = 0
    while i < len(rows):
        cells = _filled(rows[i])
        named = [(c, match_role(collapse_ws(c.text), roles_cfg)) for c in cells if len(c.text) <= 60]
        roles = [(c, m) for c, m in named if m is not None]
        if len(roles) >= 2 and len(roles) >= len(cells) - 1 and i + 1 < len(rows):
            values = {c.col: c for c in rows[i + 1].cells}
            for c, m in roles:
                v = values.get(c.col)
                if v is not None and v.text.strip():
                    parts.setdefault(_part(m.role), []).extend(_pieces(v))
            used += [rows[i].index, rows[i + 1].index]
            i += 2
            continue
        if len(cells) == 2:
            m = match_role(collapse_ws(cells[0].text), roles_cfg)
            if m is not None and len(cells[0].text.split()) <= 4:
                parts.setdefault(_part(m.role), []).extend(_pieces(cells[1]))
                used.append(rows[i].index)
        i += 1
    return (parts, used) if parts else None


def _part(role: str) -> str:
    return {"theme": "notes", "action": "steps", "ref": "notes"}.get(role, role)


def _block_of(ctx: DocContext, table: Table) -> int:
    return next((b.index for b in ctx.doc.blocks if b.table == table.index), -1)


def _heading(ctx: DocContext, block: int) -> str | None:
    path = ctx.headings_before(block) if block >= 0 else []
    return collapse_ws(path[-1].text) if path else None


@register_layout("record_block")
def record_block_candidates(ctx: DocContext) -> list[Candidate]:
    """One candidate per run of record-block tables; each block is one action."""
    out: list[Candidate] = []
    run: Candidate | None = None
    theme: str | None = None
    theme_block = -1
    for table in ctx.doc.tables:
        if table.parent is not None or not table.rows:
            run = None
            continue
        block = _block_of(ctx, table)
        # A text export may stack several blocks in one table: each label row opens a segment.
        starts = [i for i, r in enumerate(table.rows) if _label(r)]
        if not starts or any(b - a > MAX_ROWS for a, b in zip(starts, starts[1:] + [len(table.rows)])):
            if len(table.rows) > MAX_ROWS:
                run = None
            continue
        for n, i in enumerate(starts):
            rows = table.rows[i : starts[n + 1] if n + 1 < len(starts) else len(table.rows)]
            label, _, text_cells = _label(rows[0])  # type: ignore[misc]
            attrs = _attributes(ctx, rows[1:])
            norm = norm_header(label)
            m = _LABEL_RE.match(norm)
            says_who_or_when = attrs is not None and bool(set(attrs[0]) & {"owner", "date", "status", "partner"})
            if _THEME_RE.match(norm) and (m is None or not says_who_or_when):
                # "Goal | Renewable Energy Production: …": the theme of the blocks that follow.
                theme = collapse_ws(" ".join(c.text for c in text_cells))
                theme_block = block
                continue
            if attrs is None:
                continue
            parts, used = attrs
            title = [p for c in text_cells for p in _pieces(c)]
            if not title:
                continue
            ref = m.group("ref") if m and m.group("ref") else "#"
            heading = _heading(ctx, block)
            block_theme = theme if theme_block >= 0 and (heading is None or theme_block > _heading_block(ctx, block)) else heading
            d = Draft(ref=ref, theme_ref=None, theme=block_theme, table=table.index,
                      row_start=rows[0].index, row_end=max([rows[0].index, *used]), layout="record_block")
            d.parts["title"] = [title[0]]
            if len(title) > 1:
                d.parts["steps"] = title[1:]
            for role, pieces in parts.items():
                d.parts.setdefault(role, []).extend(pieces)
            for r in rows:
                for p in r.prov:
                    if p.page is not None:
                        d.pages.add(p.page)
            if run is None:
                run = Candidate("record_block", frozenset(), 0.0)
                out.append(run)
            run.blocks = run.blocks | {block}
            run.drafts.append(d)
    # A lone block is as likely a one-off summary box as a plan: a family repeats.
    kept = [c for c in out if len(c.drafts) >= ctx.settings.min_actions]
    for c in kept:
        c.score = 1.5 * len(c.drafts)
    return kept


def _heading_block(ctx: DocContext, block: int) -> int:
    path = ctx.headings_before(block) if block >= 0 else []
    return path[-1].index if path else -1
