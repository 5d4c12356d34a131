"""Action tables → action drafts (the ``action_table`` layout family).

A table is an action table when one of its columns holds the actions (named by a header word, or
read from its cells: prose that reads like actions) and another says who, when, how it stands or
which reference it has; each column's role comes from its header words and its cells
(:mod:`.columns`). Rows without a reference of their own continue the action above, cell by cell,
including a word or name cut by a page break (``…/Peter`` + ``Chivers``); a table cut by a page
break continues across it. Drafts become records in :mod:`.action_records`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Block, BlockKind, Cell, Para, Provenance, Row, Table
from ..normalise.dates import find_dates
from .columns import (
    _NUMBERED_RE,
    REF_RE,
    THEME_REF_RE,
    X_MARKS,
    CellLooks,
    HeaderMap,
    align_row,
    complete_roles,
    find_header,
    headerless_map,
    is_header_repeat,
    profile_column,
)
from .context import DocContext
from .layouts import Candidate, read_actions, register_layout

TITLE_LIKE = ("theme", "action")
EVIDENCE = ("owner", "date", "target", "status", "progress", "horizon", "partner", "code")
# Without printed references, a table is read as actions only when a column says who or when
# (or how it stands): prose beside a "Measure" column alone is an indicator table, not a plan.
EVIDENCE_WITHOUT_REFS = ("owner", "date", "horizon", "status", "partner")
_TERMINAL = ".!?;:"
_EMPTY = {"", "-", "–", "—", "n/a", "N/A"}


@lru_cache(maxsize=4)
def theme_label_res(words: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """``Theme`` alone (a label in the ref column) and ``Area of weakness 2: Joint commissioning``
    (a label, its number and the theme), from the configured theme words."""
    alt = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return (re.compile(rf"^(?:{alt})s?\s*[:.]?$", re.I),
            re.compile(rf"^(?:(?:{alt})s?)?\s*(\d{{1,2}}|[A-Z])\s*[.:)–-]\s+(\S.*)$", re.I))


@dataclass
class Piece:
    """One paragraph of a cell, with where it came from."""

    text: str
    list_item: bool = False
    prov: list[Provenance] = field(default_factory=list)
    wraps_above: bool = False  # the first paragraph of a cell marked Cell.wraps_above


@dataclass
class Draft:
    ref: str
    theme_ref: str | None
    theme: str | None
    table: int | None  # None for actions printed as paragraphs
    row_start: int
    row_end: int
    parts: dict[str, list[Piece]] = field(default_factory=dict)
    fills: dict[str, list[str]] = field(default_factory=dict)
    pages: set[int] = field(default_factory=set)
    nested: list[Piece] = field(default_factory=list)
    printed_ref: str | None = None  # the printed number where action_ref is a path built from it
    layout: str = "table"


def _pieces(cell: Cell) -> list[Piece]:
    paras = cell.paras or ([Para(text=cell.text)] if cell.text else [])
    return [Piece(p.text, p.list_item, list(cell.prov), wraps_above=cell.wraps_above and i == 0)
            for i, p in enumerate(paras) if p.text.strip() or p.list_item]


def _cell_empty(cell: Cell) -> bool:
    return cell.text.strip() in _EMPTY and not cell.tables


# "a) Fit LED lighting", "(ii) Install meters": a typed list item, never the run-on of a line.
_TYPED_ITEM_RE = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4})[.)]\s+\S")


def _should_join(prev: Piece, nxt: Piece, role: str, after_break: bool) -> bool:
    if nxt.list_item or not prev.text or not nxt.text or _TYPED_ITEM_RE.match(nxt.text):
        return False
    if role == "owner":
        # "Lead: Voluntary" | "Sector Forum": a name the page break wrapped, as the reader judged.
        return (prev.text[-1] in "/,&+" or (len(nxt.text.split()) == 1 and nxt.text[:1].isalpha())
                or (after_break and nxt.wraps_above))
    if prev.text[-1] in _TERMINAL:
        return False
    return nxt.text[:1].islower() or after_break


def _join(prev: Piece, nxt: Piece) -> None:
    if prev.text.endswith("-") and nxt.text[:1].islower() and not prev.text.endswith(" -"):
        prev.text = prev.text + nxt.text
    elif prev.text[-1] in "/":
        prev.text = prev.text + nxt.text
    else:
        prev.text = f"{prev.text} {nxt.text}"
    prev.prov = prev.prov + [p for p in nxt.prov if p not in prev.prov]


# What joins a name to a date in one cell: "by", "from", "–", "(…)", a comma.
_DATE_LEAD_RE = re.compile(r"(?:\b(?:by|from|until|to|in|during|before|end of|starting|start|due|deadline|timescale)\s*:?\s*|[-–—,;:()])*$", re.I)


def _without_dates(text: str) -> str:
    """The text of a cell with its date phrases and the words leading to them removed."""
    out, pos = [], 0
    for span in find_dates(text):
        out.append(_DATE_LEAD_RE.sub("", text[pos: span.char_start]))
        pos = span.char_end
    out.append(text[pos:])
    # What is left in lower case ("quarterly", "ongoing") says how often, not who.
    kept = [seg.strip(" -–—,;:()") for seg in re.split(r"\s+[-–—]\s+|[,;()]", " ".join(" ".join(out).split()))]
    return ", ".join(seg for seg in kept if re.search(r"[A-Z][^\W\d_]", seg))


def _add(draft: Draft, role: str, pieces: list[Piece], after_break: bool, continuation: bool) -> None:
    have = draft.parts.setdefault(role, [])
    if continuation and have and pieces and _should_join(have[-1], pieces[0], role, after_break):
        _join(have[-1], pieces[0])
        pieces = pieces[1:]
    have.extend(pieces)


class ActionTableReader:
    """Reads the actions of one table, given the document context.

    ``carry`` is the last action of the table this one continues (a table cut by a page break
    whose second part prints no header): a first row without a reference of its own finishes it.
    """

    def __init__(self, ctx: DocContext, table: Table, header: HeaderMap, heading_theme: tuple[str | None, str | None],
                 carry: Draft | None = None) -> None:
        self.ctx = ctx
        self.theme_word_re, self.theme_label_re = theme_label_res(ctx.config.column_roles.theme_words())
        self.table = table
        self.header = header
        self.heading_theme = heading_theme
        self.carry = carry
        self.looks = cell_looks()
        self.ref_col = self._ref_column()
        self.theme_col, self.title_col, self.steps_col = self._title_columns()
        self.numbered = self.ref_col is None and self.title_col is not None and profile_column(
            table, header.header_rows, self.title_col, self.looks).numbered >= 0.6
        self.last: Draft | None = None
        self.placed = 0  # actions this table named by place
        self.theme_state: tuple[str | None, str | None] = heading_theme

    # -- columns ----------------------------------------------------------------------------
    def _body(self) -> list[Row]:
        return self.table.rows[self.header.header_rows :]

    def _ref_column(self) -> int | None:
        cols = [c for c in self.header.cols("ref") if self._holds_refs(c, 0.5)]
        if cols:
            return cols[0]
        # An unlabelled first column holding references.
        for col in range(min(2, self.header.n_cols)):
            if self.header.role_of(col) not in (None, "notes", "flag"):
                continue
            if self._holds_refs(col, 0.6):
                return col
        return None

    def _holds_refs(self, col: int, share: float) -> bool:
        values = [c.text.strip() for r in self._body() for c in r.cells
                  if c.col == col and c.text.strip() and c.col_span < max(2, self.header.n_cols - 1)]
        return bool(values) and sum(bool(REF_RE.match(v)) for v in values) >= max(2 if len(values) > 1 else 1, share * len(values))

    def _title_columns(self) -> tuple[int | None, int | None, int | None]:
        themes = [c for c in self.header.heads("theme") if c != self.ref_col]
        actions = [c for c in self.header.heads("action") if c != self.ref_col]
        theme_col = title_col = steps_col = None
        if themes and self._is_theme_column(themes[0]):
            theme_col = themes[0]
            themes = themes[1:]
        if themes and not (actions and not self._holds_prose(themes[0])):
            title_col = themes[0]
            steps_col = actions[0] if actions else None
        elif actions:
            title_col = actions[0]
            steps_col = actions[1] if len(actions) > 1 else None
        if title_col is None:
            text_cols = [c for c in range(self.header.n_cols) if c not in (self.ref_col, theme_col)
                         and self.header.role_of(c) in (None, "notes", "target")]
            title_col = text_cols[0] if text_cols else None
        return theme_col, title_col, steps_col

    def _holds_prose(self, col: int) -> bool:
        return profile_column(self.table, self.header.header_rows, col, self.looks).prose >= 0.3

    def _is_theme_column(self, col: int) -> bool:
        """A vertically merged or repeating column is a theme, not each row's title."""
        cells = [self.table.cell_at(r.index, col) for r in self._body()]
        cells = [c for c in cells if c is not None]
        if not cells:
            return False
        merged = [c for c in cells if c.row_span > 1]
        if merged:
            if self.ref_col is None:
                return True
            # Merged down over several actions is a theme; merged exactly as far as its own
            # reference (one action printed over several rows) is that action's title.
            refs_by_row = {r.index: self._ref_text(r) for r in self._body()}
            return any(len({refs_by_row.get(i) for i in range(c.row, c.row + c.row_span)} - {"", None}) >= 2
                       for c in merged)
        texts = [c.text.strip() for c in cells if c.text.strip()]
        repeats = sum(1 for a, b in zip(texts, texts[1:]) if a == b)
        if len(texts) >= 3 and repeats >= len(texts) / 2:
            return True
        # A text export loses the merge: the theme is printed on its first row only, and the
        # other actions under it leave the column empty.
        if self.ref_col is not None:
            ref_rows = [r for r in self._body() if any(c.col == self.ref_col and REF_RE.match(c.text.strip()) for c in r.cells)]
            filled = [r for r in ref_rows if any(c.col == col and c.text.strip() for c in r.cells)]
            return len(ref_rows) >= 3 and 0 < len(filled) <= 0.7 * len(ref_rows)
        # No references: the rows that print an action count instead.
        actions = [c for c in self.header.heads("action") if c != col]
        if actions:
            action_rows = [r for r in self._body() if any(c.col == actions[0] and c.text.strip() for c in r.cells)]
            filled = [r for r in action_rows if any(c.col == col and c.text.strip() for c in r.cells)]
            return len(action_rows) >= 3 and 0 < len(filled) <= 0.7 * len(action_rows)
        return False

    # -- rows -------------------------------------------------------------------------------
    def _role_of_cell(self, col: int) -> str | None:
        if col == self.ref_col:
            return "ref"
        if col == self.theme_col:
            return "theme"
        if col == self.title_col:
            return "title"
        if col == self.steps_col:
            return "steps"
        role = self.header.role_of(col)
        if role in ("action", "theme"):
            return "steps"
        return role

    def _wide_text(self, row: Row, grid: dict[int, list[Cell]]) -> str | None:
        """The text of a row printed as one cell across the table (a section, theme or group row),
        or as one bold cell with the rest of the row empty (a text export loses the span)."""
        filled = {id(c): c for cells in grid.values() for c in cells if not _cell_empty(c) and c.row == row.index}
        cells = list(filled.values())
        if len(cells) != 1:
            return None
        return self._lone_text(cells[0])

    def _lone_text(self, c: Cell) -> str | None:
        text = " ".join(c.text.split())
        wide = c.col_span >= max(2, self.header.n_cols - 1)
        if (wide or (c.bold and c.col != self.ref_col)) and not REF_RE.match(text):
            if self.numbered and not wide and _NUMBERED_RE.match(text) and not _is_section_title(text):
                return None  # a bold numbered action, not a section
            return text
        return None

    def _theme_row(self, row: Row, grid: dict[int, list[Cell]], dotted: bool) -> tuple[str | None, str] | None:
        text = self._wide_text(row, grid)
        if text is not None:
            m = self.theme_label_re.match(text)
            return (m.group(1), m.group(2).strip()) if m else (None, text)
        filled = {id(c): c for cells in grid.values() for c in cells if not _cell_empty(c)}
        cells = list(filled.values())
        ref_cells = [c for c in cells if c.col == self.ref_col]
        if ref_cells and len(cells) == 2:
            ref = ref_cells[0].text.strip()
            other = next(c for c in cells if c is not ref_cells[0])
            if self.theme_word_re.match(ref) and self._role_of_cell(other.col) in ("title", "theme", "steps"):
                # "Theme | A: Reducing emissions …": the label in the ref column, the theme beside it.
                m = self.theme_label_re.match(" ".join(other.text.split()))
                return (m.group(1), m.group(2).strip()) if m else (None, " ".join(other.text.split()))
            plain_int = bool(THEME_REF_RE.match(ref))
            if plain_int and (dotted or other.bold) and self._role_of_cell(other.col) in ("title", "theme", "steps"):
                return ref.rstrip("."), " ".join(other.text.split())
        return None

    def _group_labels(self) -> set[str]:
        """Wide rows printed again and again in one table (``Current Efforts`` under every
        section) group the actions under a theme; they are not themes themselves."""
        seen: dict[str, int] = {}
        for row in self.table.rows:
            cells = [c for c in row.cells if c.text.strip()]
            if len(cells) == 1 and self._lone_text(cells[0]) is not None:
                key = _slug(cells[0].text)
                seen[key] = seen.get(key, 0) + 1
        return {k for k, n in seen.items() if n >= 2 and len(k) <= 40}

    def read(self) -> list[Draft]:
        body = self._body()
        refs = [self._ref_text(r) for r in body]
        dotted = any("." in r.strip(".") for r in refs if r and REF_RE.match(r))
        theme_ref, theme = self.heading_theme
        groups = self._group_labels()
        sections: list[tuple[str, str]] = []  # (label, name) outermost first
        group: str | None = None
        expect: int | None = None  # the number the next item of the current group prints
        numbers = [m.group(1) for r in body for c in r.cells if c.col == self.title_col
                   for m in [_NUMBERED_RE.match(c.text)] if m] if self.numbered else []
        paths = len(set(numbers)) < len(numbers)
        drafts: list[Draft] = []
        current: Draft | None = self.carry
        rows = self.table.rows[: self.header.first_row] + body
        for row in rows:
            if row.index >= self.header.header_rows and is_header_repeat(row, self.header, self.ctx.config.column_roles):
                continue
            if row.index >= self.header.header_rows and self._totals_row(row):
                current = None
                continue
            grid = align_row(row, self.header, self.looks, self.table)
            wide = self._wide_text(row, grid)
            if wide is not None and _slug(wide) in groups:
                group = wide
                current = None
                expect = 1
                continue
            # an item of the group whose empty cells an export ran across is not a section
            item = wide is not None and group is not None and self._next_item(wide, expect)
            as_theme = None if item else self._theme_row(row, grid, dotted)
            if as_theme:
                label, name = as_theme
                sections = _push_section(sections, label, name)
                theme_ref = ".".join(lab for lab, _ in sections if lab) or None
                theme = sections[-1][1] if sections else name
                group = None
                current = None
                continue
            if row.index < self.header.header_rows:
                continue
            printed = None
            if self.numbered:
                ref, printed = self._numbered_ref(row, theme_ref, group, paths)
                if printed and printed.isdigit():
                    expect = int(printed) + 1
            else:
                ref = self._ref_text(row) if self.ref_col is not None else self._positional_ref(row, grid)
            if self.theme_col is not None:
                tcell = self.table.cell_at(row.index, self.theme_col)
                if tcell is not None and tcell.text.strip():
                    m = self.theme_label_re.match(" ".join(tcell.text.split()))
                    theme_ref, theme = (m.group(1), m.group(2)) if m else (None, " ".join(tcell.text.split()))
            if ref and (REF_RE.match(ref) or ref.startswith("#") or printed):
                current = Draft(ref=ref.rstrip(".") if "." in ref.rstrip(".") or ref.endswith(".") else ref,
                                theme_ref=theme_ref, theme=theme, table=self.table.index,
                                row_start=row.index, row_end=row.index, printed_ref=printed)
                drafts.append(current)
                self._absorb(current, row, grid, continuation=False)
            elif not ref and current is not None:
                current.row_end = row.index
                self._absorb(current, row, grid, continuation=True)
        self.last = current
        self.theme_state = (theme_ref, theme)
        return drafts

    def _totals_row(self, row: Row) -> bool:
        """A row adding up the rows above it: its first cell opens with a configured word
        (``Total``, ``Grand total``) and holds at most three words."""
        first = next((c for c in sorted(row.cells, key=lambda c: c.col) if c.text.strip()), None)
        if first is None or len(first.text.split()) > 3:
            return False
        text = " ".join(first.text.lower().split()).rstrip(":")
        return any(text == w or text.startswith(w + " ") or text.startswith(w + ":")
                   for w in self.ctx.config.column_roles.total_rows)

    def _next_item(self, text: str, expect: int | None) -> bool:
        """A row printed as one cell across a numbered, grouped table that is the group's next
        item (``2. Offer rebates for rain barrels``), not a section: a CSV (or a workbook whose
        lone first-column cells run across) cannot tell them apart by their span. The first item
        right after a group row, or the group's next number in sentence case (a section row is
        in capitals or Title Case: ``2. WATER``, ``2. Planning and Land Use``)."""
        m = _NUMBERED_RE.match(text)
        if not self.numbered or expect is None or not m or int(m.group(1)) != expect:
            return False
        words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text[m.end():]) if w.lower() not in _MINOR_WORDS]
        return expect == 1 or any(w[0].islower() for w in words)

    def _numbered_ref(self, row: Row, theme_ref: str | None, group: str | None, paths: bool) -> tuple[str, str | None]:
        """``3. Encourage …`` in the title cell: the printed number, and where numbering restarts
        in every group, a reference built from the printed path (``1.a/proposed-efforts/3``)."""
        cell = next((c for c in row.cells if c.col == self.title_col), None)
        m = _NUMBERED_RE.match(cell.text) if cell is not None else None
        if not m:
            return "", None
        number = m.group(1)
        if not paths:
            return number, number
        parts = [p for p in (theme_ref, _slug(group) if group else None, number) if p]
        return "/".join(parts), number

    def _positional_ref(self, row: Row, grid: dict[int, list[Cell]]) -> str:
        """In a table that prints no references, a row whose title cell holds words starts an
        action; it is named by its place (``#3``: the third such action of the document)."""
        if self.title_col is None:
            return ""
        cells = [c for c in grid.get(self.title_col, []) if c.row == row.index]
        text = " ".join(" ".join(c.text.split()) for c in cells)
        if len(re.findall(r"[^\W\d_]{2,}", text)) < 2:
            return ""
        if not _starts_new(text) and (self.carry is not None or self.placed > 0) and (
                row.page_break_before or not self._has_evidence(row, grid)):
            return ""  # the rest of a row that a page break or a wrapped cell cut off
        self.placed += 1
        return f"#{self.placed}"  # renumbered in document order once the layouts are chosen

    def _has_evidence(self, row: Row, grid: dict[int, list[Cell]]) -> bool:
        """The row prints its own owner, date or status: it is an action, not a cut-off tail."""
        return any(c.row == row.index and not _cell_empty(c) and self._role_of_cell(col) in ("owner", "date", "status", "horizon")
                   for col, cells in grid.items() for c in cells)

    def _ref_text(self, row: Row) -> str:
        if self.ref_col is None:
            return ""
        cell = next((c for c in row.cells if c.col <= self.ref_col < c.col + c.col_span), None)
        if cell is None:
            return ""
        text = " ".join(cell.text.split())
        return text if text not in _EMPTY else ""

    def _absorb(self, draft: Draft, row: Row, grid: dict[int, list[Cell]], continuation: bool) -> None:
        seen: set[int] = set()
        for col in sorted(grid):
            for cell in grid[col]:
                if id(cell) in seen:
                    continue
                seen.add(id(cell))
                # A column no header word names ("Links") is kept aside: codes count anywhere in a row.
                role = self._role_of_cell(col) or "other"
                if role in ("ref", "theme", "flag"):
                    continue
                if cell.fill:
                    draft.fills.setdefault(role, []).append(cell.fill)
                for p in cell.prov:
                    if p.page is not None:
                        draft.pages.add(p.page)
                pieces = _pieces(cell)
                if role == "horizon":
                    # An X under "Short | Medium | Long": the timescale is the column's header.
                    if cell.text.strip().lower().strip(" .") not in X_MARKS:
                        continue
                    head = self.header.columns[col].header
                    pieces = [Piece(head, False, list(cell.prov))]
                elif role == "title" and self.numbered and not continuation and pieces:
                    m = _NUMBERED_RE.match(pieces[0].text)
                    if m:
                        pieces[0].text = pieces[0].text[m.end():]
                match = self.header.columns.get(col)
                if match is not None and match.also == "owner" and role == "date":
                    # "Head of Safeguarding – by June 2024": the words that are not the date name who.
                    who = [Piece(w, False, list(p.prov)) for p in pieces if (w := _without_dates(p.text))]
                    _add(draft, "owner", who, row.page_break_before, continuation)
                _add(draft, role, pieces, row.page_break_before, continuation)
                for t in cell.tables:
                    draft.nested.extend(self._nested_pieces(t))
        for p in row.prov:
            if p.page is not None:
                draft.pages.add(p.page)
        if not continuation:
            self._inherit_merged(draft, row)
        # The reference cell's own fill is often the only status a plan prints.
        if self.ref_col is not None:
            rc = next((c for c in row.cells if c.col == self.ref_col), None)
            if rc is not None and rc.fill:
                draft.fills.setdefault("ref", []).append(rc.fill)

    def _inherit_merged(self, draft: Draft, row: Row) -> None:
        """An owner, date or status cell merged down over several actions belongs to each of them,
        not only to the first (the row where the merged cell starts)."""
        for col in range(self.header.n_cols):
            role = self._role_of_cell(col)
            if role not in ("owner", "date", "status", "partner", "code") or draft.parts.get(role):
                continue
            cell = self.table.cell_at(row.index, col)
            if cell is not None and cell.row < row.index and cell.row_span > 1 and cell.text.strip():
                draft.parts[role] = _pieces(cell)
                if cell.fill:
                    draft.fills.setdefault(role, []).append(cell.fill)

    def _nested_pieces(self, table_index: int) -> list[Piece]:
        out: list[Piece] = []
        for row in self.ctx.doc.tables[table_index].rows:
            for cell in row.cells:
                out.extend(_pieces(cell))
                for t in cell.tables:
                    out.extend(self._nested_pieces(t))
        return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


_SECTION_LABEL_RE = re.compile(r"^(\d{1,2}|[a-z]|[A-Z]|[IVX]{1,4})$")


def _push_section(sections: list[tuple[str, str]], label: str | None, name: str) -> list[tuple[str, str]]:
    """The section path after a theme row: ``1. ENVIRONMENT`` then ``a. Air Quality`` nests;
    another number starts a new top section; an unlabelled row replaces an unlabelled innermost
    one, or sits inside a labelled one (``Goals: …`` under ``1. ENVIRONMENT``)."""
    if label is None:
        if sections and not sections[-1][0]:
            return sections[:-1] + [("", name)]
        return sections + [("", name)]
    kind = "number" if label.isdigit() else ("letter" if len(label) == 1 and label.isalpha() else "roman")
    out = list(sections)
    while out:
        top_label = out[-1][0]
        top_kind = "number" if top_label.isdigit() else ("letter" if len(top_label) == 1 and top_label.isalpha() else ("roman" if top_label else "none"))
        if top_kind == kind or top_kind == "none":
            out.pop()
            continue
        if kind == "number":  # a number is always the outermost level
            out.pop()
            continue
        break
    return out + [(label, name)]


_MINOR_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


def _is_section_title(text: str) -> bool:
    """``1. ENERGY``, ``2. Planning and Land Use``: short, with no verb-like sentence after it."""
    rest = _NUMBERED_RE.sub("", text)
    letters = [ch for ch in rest if ch.isalpha()]
    return len(rest.split()) <= 6 and (bool(letters) and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)
                                        or not rest.rstrip().endswith("."))


def _starts_new(text: str) -> bool:
    """A cell that begins a sentence of its own (capital first letter), not the rest of one."""
    return bool(text) and text[0].isupper()


def cell_looks() -> CellLooks:
    return CellLooks(lambda t: bool(find_dates(t)), _looks_like_owner)


_NAMEISH = re.compile(r"^[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|and|for|the|&))*$")


def _looks_like_owner(text: str) -> bool:
    if re.search(r"\d", text) or len(text) > 160:
        return False
    parts = [p for p in re.split(r"\s*(?:/|,|;|&|\n|\band\b|\s{2,})\s*", text) if p.strip()]
    if not parts:
        return False
    good = sum(1 for p in parts if _NAMEISH.match(p.strip()) and len(p.split()) <= 5)
    return good / len(parts) >= 0.6


def heading_path(ctx: DocContext, table: Table) -> list[str]:
    """The headings in force above a table, outermost first."""
    block = next((b for b in ctx.doc.blocks if b.table == table.index), None)
    if block is None:
        return []
    # Letters of a sideways margin label ("W o m e n …") read as lines are not headings.
    path = [t for t in (_wordy(b.text) for b in ctx.headings_before(block.index)) if t]
    # A plain paragraph just above the table that labels a theme with its number ("Area of
    # significant weakness 1: …", typed in bold rather than styled as a heading) heads it too.
    above = next((b for b in reversed(ctx.doc.blocks[: block.index]) if b.text.strip()), None)
    if above is not None and _labels_theme(ctx, above):
        path.append(" ".join(above.text.split()))
    return path


def _labels_theme(ctx: DocContext, block: Block) -> bool:
    """A plain paragraph that labels a theme with its label word and number, as a heading would."""
    if block.kind is not BlockKind.paragraph:
        return False
    text = " ".join(block.text.split())
    m = theme_label_res(ctx.config.column_roles.theme_words())[1].match(text)
    return bool(m and text[: m.start(1)].strip())


def heading_theme(ctx: DocContext, path: list[str], running: set[str] = frozenset()) -> tuple[str | None, str | None]:  # type: ignore[assignment]
    """A theme printed as the heading just above a table (``Theme 2: Safer streets``). A heading
    printed above every action table of the document (the plan's title on each sheet or page) is
    the document's, not a theme, where another heading tells the tables apart."""
    own = [t for t in path if t not in running]
    text = own[-1] if own else (path[-1] if path else None)
    if text is None:
        return None, None
    m = theme_label_res(ctx.config.column_roles.theme_words())[1].match(text)
    return (m.group(1), m.group(2).strip()) if m else (None, text)


def _wordy(text: str) -> str | None:
    """The heading without stray single letters at its end, or None if it is mostly single letters."""
    tokens = text.split()
    while tokens and len(tokens[-1]) == 1 and tokens[-1].isalpha() and len(tokens) > 1:
        tokens.pop()
    words = [w for w in tokens if len(re.sub(r"\W", "", w)) >= 2]
    return " ".join(tokens) if len(words) >= 1 and len(words) >= 0.5 * len(tokens) else None


@dataclass
class TablePlan:
    """A table read as actions: its header (from its words and its cells), and whether it only
    continues the action table before it (cut by a page break, printed without a header)."""

    table: Table
    header: HeaderMap
    continues: bool = False


def find_action_tables(ctx: DocContext) -> list[TablePlan]:
    looks = cell_looks()
    roles_cfg = ctx.config.column_roles
    out: list[TablePlan] = []
    prev: TablePlan | None = None
    prev_block = -1
    for table in ctx.doc.tables:
        if table.parent is not None or not table.rows:
            continue
        block = _table_block(ctx, table)
        plan: TablePlan | None = None
        header = find_header(table, roles_cfg)
        if header is not None:
            if not other_table_kind(table, header, roles_cfg.other_tables):
                complete_roles(header, table, looks, roles_cfg)
                if _accept(table, header) and _reads_as_actions(ctx, table, header):
                    # The same header printed again on the next page: the table goes on (themes too).
                    repeated = (prev is not None and table.n_cols == prev.table.n_cols and _adjacent(ctx, prev_block, block)
                                and _header_texts(table, header) == _header_texts(prev.table, prev.header))
                    plan = TablePlan(table, header, continues=repeated)
        elif prev is not None and table.n_cols == prev.table.n_cols and _adjacent(ctx, prev_block, block):
            columns = dict(prev.header.columns)
            plan = TablePlan(table, HeaderMap(header_rows=0, columns=columns, n_cols=table.n_cols), continues=True)
        elif len(table.rows) >= 3:
            header = headerless_map(table, looks, roles_cfg)
            if header is not None and _accept(table, header) and _reads_as_actions(ctx, table, header):
                plan = TablePlan(table, header)
        if plan is not None:
            out.append(plan)
            prev, prev_block = plan, block
        else:
            prev = None
    return out


def _header_texts(table: Table, header: HeaderMap) -> list[str]:
    return [" ".join(c.text.split()).lower() for r in table.rows[header.first_row: header.header_rows] for c in r.cells]


def _accept(table: Table, header: HeaderMap) -> bool:
    roles = header.roles()
    if not (roles & set(TITLE_LIKE)) or not (roles & (set(EVIDENCE) | {"ref"})):
        return False
    # "Risk Priority" read as a theme column holds 1, 2, 3: not a plan's words.
    return any(_holds_prose(table, header, c) for r in TITLE_LIKE for c in header.cols(r))


def _reads_as_actions(ctx: DocContext, table: Table, header: HeaderMap) -> bool:
    """Where no header word names the action column (it was read from its cells), its sentences
    must read like actions: verbs first or modals (``will``), not a schedule or a register."""
    heads = [c for r in TITLE_LIKE for c in header.heads(r)]
    if not heads or any(not header.columns[c].from_content for c in heads):
        return True
    col = heads[0]
    texts = [" ".join(c.text.split()) for r in table.rows[header.header_rows:] for c in r.cells
             if c.col == col and c.text.strip() and c.col_span < max(2, table.n_cols - 1)]
    texts = [_NUMBERED_RE.sub("", t) for t in texts]
    words = ctx.config.action_words
    return bool(texts) and sum(words.reads_as_action(t) for t in texts) >= words.min_share * len(texts)


def _table_block(ctx: DocContext, table: Table) -> int:
    return next((b.index for b in ctx.doc.blocks if b.table == table.index), -1)


def _adjacent(ctx: DocContext, before: int, after: int) -> bool:
    """Nothing but page furniture (a few short lines, no heading) between two tables."""
    if before < 0 or after <= before:
        return False
    between = ctx.doc.blocks[before + 1 : after]
    if any(b.kind is BlockKind.heading or b.kind is BlockKind.table or _labels_theme(ctx, b) for b in between):
        return False
    return len(between) <= 3 and all(len(b.text.split()) <= 12 for b in between)


def other_table_kind(table: Table, header: HeaderMap, kinds: dict[str, list[str]]) -> str | None:
    """The kind of non-action table (risk register, budget) the header describes, if any."""
    cells = [c.text.lower() for r in table.rows[: header.header_rows] for c in r.cells if c.text.strip()]
    if not cells:
        return None
    for kind, words in kinds.items():
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w.lower()) for w in words) + r")\b")
        if sum(1 for t in cells if pattern.search(t)) * 2 >= len(cells):
            return kind
    return None


def _holds_prose(table: Table, header: HeaderMap, col: int) -> bool:
    """At least half the filled body cells of the column hold two or more words."""
    texts = [c.text for r in table.rows[header.header_rows :] for c in r.cells if c.col == col and c.text.strip()]
    if not texts:
        return False
    wordy = sum(1 for t in texts if len(re.findall(r"[A-Za-z]{2,}", t)) >= 2)
    return wordy * 2 >= len(texts)


@register_layout("action_table")
def action_table_candidates(ctx: DocContext) -> list[Candidate]:
    """One candidate per action table (a table and the headerless tables continuing it)."""
    plans = find_action_tables(ctx)
    # A table printing the same header as another action table of the document is one of a set
    # (one table per theme or area): it counts however few actions it holds.
    headers = Counter(tuple(_header_texts(p.table, p.header)) for p in plans if p.header.header_rows)
    paths = {p.table.index: heading_path(ctx, p.table) for p in plans if not p.continues}
    running = set.intersection(*(set(x) for x in paths.values())) if len(paths) > 1 else set()
    out: list[Candidate] = []
    carry: Draft | None = None
    carried_theme: tuple[str | None, str | None] = (None, None)
    chain: Candidate | None = None
    for i, plan in enumerate(plans):
        table, header = plan.table, plan.header
        if plan.continues:
            theme = carried_theme
        else:
            carry = None
            chain = None
            theme = heading_theme(ctx, paths[table.index], running) if len(plans) > 1 else (None, None)
        reader = ActionTableReader(ctx, table, header, theme, carry=carry)
        if reader.ref_col is None and not reader.numbered and not (header.roles() & set(EVIDENCE_WITHOUT_REFS)):
            carry = None
            continue
        found = reader.read()
        chained = plan.continues or (i + 1 < len(plans) and plans[i + 1].continues)
        in_set = bool(header.header_rows) and headers[tuple(_header_texts(table, header))] > 1
        if len(found) < ctx.settings.min_actions and not chained and not in_set:
            carry = None
            continue
        carry = reader.last
        carried_theme = reader.theme_state
        if reader.ref_col is None and not reader.numbered and found and not plan.continues:
            ctx.warn("W302", f"table {table.index} prints no action references: its actions are named by "
                     f"their place in the document", table=table.index)
        block = _table_block(ctx, table)
        if chain is None:
            # Header words that name the columns make a table more surely an action table.
            vocab = sum(1 for m in header.columns.values() if not m.from_content)
            chain = Candidate("action_table", frozenset({block}), 0.0)
            chain.score = 1.0 + 0.1 * min(vocab, 5)
            out.append(chain)
        else:
            chain.blocks = chain.blocks | {block}
        chain.drafts.extend(found)
    for cand in out:
        cand.score *= max(len(cand.drafts), 1)
    return out


def read_action_drafts(ctx: DocContext) -> list[Draft]:
    """Every action of the document, from whichever layout family reads each region best."""
    return read_actions(ctx)
