"""Coded recommendations from lists, paragraphs and matrix tables.

An item is a recommendation when it carries an inspection code (``(LEAOF-5a/b)``, ``(CSCI)``,
a code column). Items of action tables belong to their actions and are never read here. The
same recommendation printed under several headings, or again with typing slips, is one
recommendation with every section it appears under; its outcomes come from ``(1,2,3)``
markers read through the document's outcome list, and from sections that are outcomes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..model import BlockKind, Cell, Provenance, Table
from ..normalise.codes import CodeRef as FoundCode
from ..outputs.records import CodeRef, Recommendation, Source
from ..textutil import collapse_ws
from .columns import find_header
from .context import DocContext

# Trailing "(1,2,3)", "(1.2.3.4.5)", "(4)", "(All)" outcome markers.
_MARKER_RE = re.compile(r"\(\s*(all|\d{1,2}(?:\s*[,.;&]\s*\d{1,2})*)\s*\)", re.I)
_TRAIL_RE = re.compile(r"(?:\s*\([^()]{1,60}\)\s*[.;,]?)+\s*$")
_LEADING_NUM_RE = re.compile(r"^\s*(?:[A-Z]{0,2}\d{1,3}(?:\.\d{1,3})*[a-z]?[.)]|\(\d{1,3}\))\s+")
_REC_TEXT_ROLES = ("recommendation", "area for improvement", "areas for improvement", "finding", "findings", "issue", "recommendations", "requirement")


@dataclass
class Item:
    text: str  # as printed, markers included
    sections: list[str]
    prov: list[Provenance]
    codes: list[FoundCode] = field(default_factory=list)
    outcome_marks: list[str] = field(default_factory=list)  # "all" or numbers as strings
    status: str | None = None
    column_outcomes: list[str] = field(default_factory=list)


def _strip_markers(text: str, ctx: DocContext) -> str:
    """The recommendation without its trailing code and outcome markers."""
    m = _TRAIL_RE.search(text)
    if m:
        tail = m.group(0)
        groups = re.findall(r"\(([^()]*)\)", tail)
        if all(_MARKER_RE.fullmatch(f"({g})") or ctx.codes.find(f"({g})") for g in groups):
            text = text[: m.start()]
    return collapse_ws(text).rstrip(" ;,")


def _markers(text: str) -> list[str]:
    out: list[str] = []
    tail = _TRAIL_RE.search(text)
    if not tail:
        return out
    for m in _MARKER_RE.finditer(tail.group(0)):
        val = m.group(1).lower()
        out.extend(["all"] if val == "all" else re.findall(r"\d{1,2}", val))
    return out


def _codes_trail(text: str, codes: list) -> bool:
    """A recommendation carries its code as a label: after the text (``… developed. (CSCI)``)
    or before it (``LEAOF-5a: …``). Codes in the middle of prose describe, they do not label."""
    after = _MARKER_RE.sub(" ", text[max(c.end for c in codes) :])
    before = _LEADING_NUM_RE.sub("", text[: min(c.start for c in codes)])
    return len(re.findall(r"[^\W\d_]{2,}", after)) <= 2 or len(re.findall(r"[^\W\d_]{2,}", before)) == 0


def _section_label(ctx: DocContext, block_index: int) -> list[str]:
    path = ctx.headings_before(block_index)
    # The title is not a section; the innermost heading is.
    path = [h for h in path if not (ctx.title and h.text == ctx.title and h.level <= 1)]
    return [collapse_ws(path[-1].text)] if path else []


def _items_from_blocks(ctx: DocContext, action_tables: set[int]) -> list[Item]:
    items: list[Item] = []
    for b in ctx.doc.blocks:
        if b.kind in (BlockKind.table, BlockKind.heading):
            continue
        codes = ctx.codes.find(b.text)
        if not codes or not _codes_trail(b.text, codes):
            continue
        items.append(Item(text=b.text, sections=_section_label(ctx, b.index), prov=list(b.prov), codes=codes,
                          outcome_marks=_markers(b.text)))
    return items


def _column_header(table: Table, cell: Cell, header_rows: int) -> str | None:
    if cell.row < header_rows or header_rows == 0:
        return None
    head = table.cell_at(0, cell.col)
    if head is None or head is cell:
        return None
    text = collapse_ws(head.text)
    return text or None


def _items_from_tables(ctx: DocContext, action_tables: set[int]) -> list[Item]:
    items: list[Item] = []
    roles = ctx.config.column_roles
    for table in ctx.doc.tables:
        if table.index in action_tables or (table.parent is not None and table.parent in action_tables):
            continue
        block = next((b for b in ctx.doc.blocks if b.table == table.index), None)
        above = _section_label(ctx, block.index) if block else []
        header = find_header(table, roles)
        cols = {c: m.role for c, m in header.columns.items()} if header else {}
        rec_cols = _rec_text_columns(table)
        code_cols = [c for c, r in cols.items() if r == "code" and c not in rec_cols]
        status_cols = [c for c, r in cols.items() if r == "status"]
        outcome_cols = [c for c in range(table.n_cols) if _is_outcome_header(table, c)]
        header_rows = header.header_rows if header else (1 if len(table.rows) > 1 else 0)
        group_label: str | None = None
        for row in table.rows[header_rows:]:
            filled = [c for c in row.cells if c.text.strip()]
            lone = filled[0] if len(filled) == 1 else None
            # A grouping row: one label across the table (or alone in the first column of a text
            # export, which loses the merge), without codes of its own.
            if lone is not None and not ctx.codes.find(lone.text) and (
                lone.col_span >= max(2, table.n_cols - 1) or (lone.col == 0 and table.n_cols >= 3 and len(lone.text) <= 80)
            ):
                group_label = collapse_ws(filled[0].text)  # a grouping row inside the matrix
                continue
            if rec_cols and code_cols:
                items.extend(_matrix_row(ctx, table, row, rec_cols[0], code_cols, status_cols, outcome_cols, group_label or (above[0] if above else None)))
                continue
            for cell in row.cells:
                label = _column_header(table, cell, header_rows)
                sections = [label] if label and label.lower() not in _REC_TEXT_ROLES else ([group_label] if group_label else above)
                for para in cell.paras or []:
                    codes = ctx.codes.find(para.text)
                    if codes and _codes_trail(para.text, codes):
                        status = ctx.status.from_fill(cell.fill)
                        items.append(Item(text=para.text, sections=list(sections), prov=list(cell.prov), codes=codes,
                                          outcome_marks=_markers(para.text), status=status))
    return items


def _rec_text_columns(table: Table) -> list[int]:
    out = []
    for c in range(table.n_cols):
        head = table.cell_at(0, c)
        if head is not None and collapse_ws(head.text).lower().rstrip("s") in {r.rstrip("s") for r in _REC_TEXT_ROLES}:
            out.append(c)
    return out


def _is_outcome_header(table: Table, col: int) -> bool:
    head = table.cell_at(0, col)
    return head is not None and "outcome" in head.text.lower() and len(head.text) < 40


def _matrix_row(ctx: DocContext, table: Table, row, rec_col: int, code_cols: list[int], status_cols: list[int],
                outcome_cols: list[int], section: str | None) -> list[Item]:
    rec_cell = table.cell_at(row.index, rec_col)
    if rec_cell is None or not rec_cell.text.strip() or rec_cell.row != row.index:
        return []
    codes = list(ctx.codes.find(rec_cell.text))
    for c in code_cols:
        cell = table.cell_at(row.index, c)
        if cell is not None:
            codes.extend(ctx.codes.find(cell.text, bare="always"))
    if not codes:
        return []
    marks: list[str] = _markers(rec_cell.text)
    column_outcomes: list[str] = []
    for c in outcome_cols:
        cell = table.cell_at(row.index, c)
        if cell is None:
            continue
        text = cell.text.strip()
        if re.fullmatch(r"\(?\s*(all|\d{1,2}(\s*[,.;&]\s*\d{1,2})*)\s*\)?", text, re.I):
            marks.extend(["all"] if "all" in text.lower() else re.findall(r"\d{1,2}", text))
        else:
            column_outcomes.extend(p for p in re.split(r"\s*[;,\n]\s*", text) if p)
    status = None
    for c in status_cols:
        cell = table.cell_at(row.index, c)
        if cell is not None:
            status = ctx.status.from_text(cell.text) or ctx.status.from_fill(cell.fill)
    if status is None:
        status = ctx.status.from_fill(rec_cell.fill)
    text = " ".join(p.text for p in rec_cell.paras) if rec_cell.paras else rec_cell.text
    return [Item(text=text, sections=[section] if section else [], prov=list(rec_cell.prov), codes=codes,
                 outcome_marks=marks, status=status, column_outcomes=column_outcomes)]


def extract_recommendations(ctx: DocContext, action_tables: set[int]) -> list[Recommendation]:
    items = _items_from_blocks(ctx, action_tables) + _items_from_tables(ctx, action_tables)
    groups: list[list[Item]] = []
    keys: list[str] = []
    for item in items:
        clean = _strip_markers(_LEADING_NUM_RE.sub("", item.text), ctx)
        if len(clean) < 8 or len(re.findall(r"[^\W\d_]{2,}", clean)) < 3:
            continue  # "BVPI 12 10.35" is an indicator's value, not a recommendation
        key = clean.lower()
        for i, k in enumerate(keys):
            if fuzz.ratio(key, k) >= ctx.settings.rec_merge_similarity:
                groups[i].append(item)
                break
        else:
            keys.append(key)
            groups.append([item])
    recs: list[Recommendation] = []
    for n, group in enumerate(groups, start=1):
        rec_id = f"R{n:03d}"
        texts = [_strip_markers(_LEADING_NUM_RE.sub("", it.text), ctx) for it in group]
        # The fullest printing stands for the others (a slip usually drops letters).
        text = max(texts, key=lambda t: (texts.count(t), len(t)))
        codes = list(dict.fromkeys(c.code for it in group for c in it.codes))
        sections = list(dict.fromkeys(s for it in group for s in it.sections if s))
        outcomes = _outcomes(ctx, group, sections)
        status = next((it.status for it in group if it.status), None)
        code_refs = [CodeRef(parent_kind="recommendation", parent_ref=rec_id, raw=c.raw, code=c.code, family=c.family, prov=list(it.prov))
                     for it in group for c in it.codes]
        seen_codes: set[tuple[str, str]] = set()
        code_refs = [c for c in code_refs if (c.raw, c.code) not in seen_codes and not seen_codes.add((c.raw, c.code))]
        for it in group:
            for c in it.codes:
                if c.warning:
                    ctx.warn("W101", f"recommendation {rec_id}: {c.warning}")
        if len(group) > 1 and len(set(texts)) > 1:
            ctx.warn("W401", f"recommendation {rec_id}: {len(set(texts))} printings differing by slips merged")
        recs.append(Recommendation(
            rec_id=rec_id, text=text, codes=codes, sections=sections, outcomes=outcomes, status=status,
            code_refs=code_refs, variants=sorted(set(texts) - {text}),
            sources=[Source(field="text", text=it.text, prov=it.prov) for it in group],
        ))
    return recs


def _outcomes(ctx: DocContext, group: list[Item], sections: list[str]) -> list[str]:
    out: list[str] = []
    for s in sections:
        name = ctx.outcome_name(s)
        if name:
            out.append(name)
    for it in group:
        for mark in it.outcome_marks:
            if mark == "all":
                out.extend(ctx.outcomes)
            elif ctx.outcomes and 1 <= int(mark) <= len(ctx.outcomes):
                out.append(ctx.outcomes[int(mark) - 1])
            elif not ctx.outcomes:
                ctx.warn("W402", f"outcome marker ({mark}) but the document prints no outcome list")
        for name in it.column_outcomes:
            out.append(ctx.outcome_name(name) or name)
    return list(dict.fromkeys(out))
