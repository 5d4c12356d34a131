"""Column roles from header vocabulary, header-row detection, and aligning ragged rows.

Roles come from ``data/column_roles.yaml``, never from a column's position. A text export may
lose a merged cell's span, leaving a row with fewer cells than the header; such a row is laid
back onto the header's columns by the placement that best fits each cell's content.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz

from ..config import ColumnRoles
from ..model import Cell, Row, Table

REF_RE = re.compile(
    r"^(?:(?:action|ref|no\.?|item|rec(?:ommendation)?)\s*)?"
    r"(\d{1,2}(?:\.\d{1,3}){1,2}[a-z]?|\d{1,3}[a-z]|\d{1,3}|[A-Z]{1,4}[-/]?\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?|[A-Z]{1,3}\d{1,2}[-/][A-Z]{1,3}\d{1,3}[a-z]?|[A-Z]\.\d{1,3}|\d{1,2}\.[A-Z](?:\.\d{1,3})?|[A-Z])\.?$",
    re.I,
)
THEME_REF_RE = re.compile(r"^(\d{1,2}|[A-Z]|[IVX]{1,4})\.?$")
_NORM_RE = re.compile(r"[^a-z0-9#&]+")


def norm_header(text: str) -> str:
    """Lower case, accents folded (``ÉCHÉANCIER`` → ``echeancier``), punctuation as spaces."""
    folded = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_NORM_RE.sub(" ", folded).split())


@dataclass(frozen=True)
class RoleMatch:
    role: str
    score: float
    header: str
    from_content: bool = False  # the role was read from the column's cells, not its header words
    also: str | None = None  # "Lead and timescale": the owner too, printed in the same cell as the date


@lru_cache(maxsize=16)
def _compiled(synonyms: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, str, re.Pattern[str]]]:
    """Each synonym normalised, with its whole-word pattern compiled once per configuration."""
    out = []
    for role, words in synonyms:
        for w in words:
            wn = norm_header(w)
            if wn:
                out.append((role, wn, re.compile(rf"(?<![a-z0-9]){re.escape(wn)}(?![a-z0-9])")))
    return out


@lru_cache(maxsize=4096)
def _match_cached(header: str, synonyms: tuple[tuple[str, tuple[str, ...]], ...], fuzzy_min: int) -> RoleMatch | None:
    h = norm_header(header)
    if not h or len(h) > 80:
        return None
    best: RoleMatch | None = None
    for role, wn, pattern in _compiled(synonyms):
        if h == wn:
            score = 100.0 + len(wn)
        elif pattern.search(h):
            # Whole words inside a longer header; a longer synonym is more specific.
            score = 80.0 + len(wn) - 0.2 * (len(h) - len(wn)) / max(len(h), 1)
            if role == "ref" and h.endswith(" " + wn):
                # "Measure No.", "Priority ref": the numbering word ends the header and names what
                # the column holds; the word before it says what is numbered.
                score = 80.0 + len(h)
        else:
            ratio = fuzz.ratio(h, wn)
            score = ratio * 0.79 if ratio >= fuzzy_min and len(wn) >= 4 else 0.0
        if score and (best is None or score > best.score):
            best = RoleMatch(role, score, header)
    return best


# A header naming two things a cell holds together: "Lead and timescale", "Who / when".
_COMPOUND_SPLIT_RE = re.compile(r"\s+(?:and|&)\s+|\s*[/&,+]\s*", re.I)


def match_role(header: str, roles: ColumnRoles) -> RoleMatch | None:
    """The role a header names, with its score, or None. A header naming both who and when
    (``Lead and timescale``) is a date column whose cells also name the owner."""
    synonyms = tuple((r, tuple(ws)) for r, ws in roles.roles.items())
    best = _match_cached(header, synonyms, roles.fuzzy_min)
    parts = [p for p in _COMPOUND_SPLIT_RE.split(header.strip()) if p.strip()]
    if best is not None and len(parts) == 2:
        found = [_match_cached(p, synonyms, roles.fuzzy_min) for p in parts]
        if all(m is not None and m.score >= 100 for m in found) and {m.role for m in found} == {"owner", "date"}:  # type: ignore[union-attr]
            return RoleMatch("date", best.score, header, also="owner")
    return best


@dataclass
class HeaderMap:
    """Where a table's header is and what each grid column holds."""

    header_rows: int  # rows from the top that form the header
    columns: dict[int, RoleMatch] = field(default_factory=dict)  # grid column -> role
    n_cols: int = 0
    first_row: int = 0  # the header's first row: rows above it are titles or theme rows

    def cols(self, role: str) -> list[int]:
        return sorted(c for c, m in self.columns.items() if m.role == role)

    def heads(self, role: str) -> list[int]:
        """The first grid column of each header cell naming ``role``: a header cell spanning two
        grid columns names one column of the table, not two."""
        out: list[int] = []
        seen: set[int] = set()
        for c in self.cols(role):
            m = self.columns[c]
            if id(m) not in seen:
                seen.add(id(m))
                out.append(c)
        return out

    def role_of(self, col: int) -> str | None:
        m = self.columns.get(col)
        return m.role if m else None

    def roles(self) -> set[str]:
        return {m.role for m in self.columns.values()}


def _row_matches(row: Row, roles: ColumnRoles) -> dict[int, RoleMatch]:
    out: dict[int, RoleMatch] = {}
    for cell in row.cells:
        text = " ".join(cell.text.split())
        if not text or len(text) > 60:
            continue
        m = match_role(text, roles)
        if m:
            m = replace(m)  # one instance per header cell: HeaderMap.heads tells spans apart by it
            for c in range(cell.col, cell.col + cell.col_span):
                out[c] = m
    return out


def find_header(table: Table, roles: ColumnRoles, max_scan: int = 4) -> HeaderMap | None:
    """The header of a table: the first row (of the top few) naming at least two roles.

    A second header row directly below (``Target`` over ``Date | Measure``) refines the
    columns it names.
    """
    for r, row in enumerate(table.rows[:max_scan]):
        matches = _row_matches(row, roles)
        filled = [c for c in row.cells if c.text.strip()]
        if len({m.role for m in matches.values()}) < 2 or len(matches) < max(2, len(filled) // 2):
            continue
        header = HeaderMap(header_rows=r + 1, columns=dict(matches), n_cols=table.n_cols, first_row=r)
        if r + 1 < len(table.rows):
            below = table.rows[r + 1]
            sub = _row_matches(below, roles)
            below_filled = [c for c in below.cells if c.text.strip()]
            # A sub-header names several columns; one cell across the table is a theme row
            # that happens to use a header word ("Priority 1: …").
            spans_table = any(c.col_span >= max(2, table.n_cols - 1) for c in below_filled)
            if (sub and len(below_filled) >= 2 and not spans_table and len(sub) >= len(below_filled)
                    and not any(REF_RE.match(c.text.strip()) for c in below_filled)):
                for c, m in sub.items():
                    if c not in header.columns or m.score >= header.columns[c].score - 5:
                        header.columns[c] = m
                header.header_rows = r + 2
            elif below_filled and not sub and all(
                    len(c.text.split()) <= 3
                    and any(h.col_span > 1 and h.col <= c.col < h.col + h.col_span for h in filled)
                    for c in below_filled):
                # "2024/25" merged over "Q1 | Q2 | Q3 | Q4": labels under a group header only.
                header.header_rows = r + 2
        return header
    return None


def is_header_repeat(row: Row, header: HeaderMap, roles: ColumnRoles) -> bool:
    """A header row printed again (on a new page) inside the body."""
    cells = {id(m) for m in _row_matches(row, roles).values()}  # header cells named, not grid columns
    filled = [c for c in row.cells if c.text.strip()]
    return bool(filled) and len(cells) >= max(2, len(filled) - 1) and not any(
        REF_RE.match(c.text.strip()) for c in filled if len(c.text) < 8
    )


# --- ragged rows ------------------------------------------------------------------------------


def _affinity(cell: Cell, roles: list[str | None], looks: "CellLooks") -> float:
    text = cell.text.strip()
    if not text or text in {"-", "–"}:
        return 0.1 if "notes" in roles or None in roles else 0.0
    score = 0.0
    kinds = looks(text)
    for role in roles:
        if role == "ref":
            score += 3.0 if kinds.get("ref") else -3.0
        elif role == "owner":
            score += 2.0 * kinds.get("owner", 0) - 2.0 * kinds.get("date", 0) - 1.0 * kinds.get("long", 0)
        elif role == "date":
            score += 2.0 * kinds.get("date", 0) - 1.0 * kinds.get("owner", 0)
        elif role in ("action", "target", "theme"):
            score += 0.5 * kinds.get("long", 0) - 1.0 * kinds.get("owner", 0) * (1 - kinds.get("long", 0))
        elif role == "notes":
            score -= 0.5
    return score - 0.2 * (len(roles) - 1)


class CellLooks:
    """Cheap content signals for a cell: is it a ref, names, dates, long prose."""

    def __init__(self, is_date: "callable[[str], bool]", is_owner: "callable[[str], bool]") -> None:  # type: ignore[valid-type]
        self.is_date = is_date
        self.is_owner = is_owner
        self._cache: dict[str, dict[str, float]] = {}

    def __call__(self, text: str) -> dict[str, float]:
        if text not in self._cache:
            self._cache[text] = {
                "ref": float(bool(REF_RE.match(text))),
                "date": float(self.is_date(text)),
                "owner": float(self.is_owner(text)),
                "long": float(len(text.split()) > 6),
                # Mostly a date or timescale: "March 2026", "Sept 2024 for SDP", "1-2 years".
                "timescale": float(len(text.split()) <= 10 and self.is_date(text)),
            }
        return self._cache[text]


def align_row(row: Row, header: HeaderMap, looks: CellLooks, table: Table | None = None) -> dict[int, list[Cell]]:
    """Grid column -> cells covering it. Rows that fill the grid keep their own columns.

    Columns covered by a cell merged down from a row above count as filled: a reader that
    knows the grid (Word, PDF) placed the row's own cells already, and only a text export's
    ragged rows need placing by content.
    """
    covered = sum(c.col_span for c in row.cells)
    if table is not None and covered < header.n_cols:
        covered += sum(c.col_span for r in table.rows if r.index < row.index
                       for c in r.cells if c.row_span > 1 and c.row + c.row_span > row.index)
    n = header.n_cols
    cells = sorted(row.cells, key=lambda c: c.col)
    if covered >= n or not cells or len(cells) > n:
        out: dict[int, list[Cell]] = {}
        for c in cells:
            for col in range(c.col, min(c.col + c.col_span, n)):
                out.setdefault(col, []).append(c)
        return out
    # Choose where the missing columns went: each cell covers a run of columns, in order.
    best: tuple[float, list[int]] | None = None
    k = len(cells)
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = [0, *cuts, n]
        score = 0.0
        for i, cell in enumerate(cells):
            roles = [header.role_of(c) for c in range(bounds[i], bounds[i + 1])]
            score += _affinity(cell, roles, looks)
        if best is None or score > best[0] + 1e-9:
            best = (score, bounds)
    assert best is not None
    bounds = best[1]
    out = {}
    for i, cell in enumerate(cells):
        for col in range(bounds[i], bounds[i + 1]):
            out.setdefault(col, []).append(cell)
    return out


# --- roles from content -----------------------------------------------------------------------

X_MARKS = {"x", "✓", "✔", "√", "✗", "yes", "y", "●", "■", "✓✓"}
# A cell of short codes: "SO1", "SO1, SO2", "S02,SO3", "JAR-3; HMIP 4".
_CODE_TOKEN = r"[A-Z]{1,6}\s?[-–]?\s?[0-9OI]{1,3}(?:\.\d{1,2})?[a-z]?"
CODE_LIST_RE = re.compile(rf"^\s*{_CODE_TOKEN}(?:\s*[,;/&]?\s*(?:and\s+)?{_CODE_TOKEN})*\s*[,;.]?\s*$")
_PERCENT_RE = re.compile(r"^\d{1,3}(?:\.\d+)?\s*%$")
_NUMBERED_RE = re.compile(r"^\s*(\d{1,3})[.)]\s+(?=\S)")


@dataclass
class ColumnProfile:
    """What a column's body cells look like: shares of dates, owners, prose, refs, X marks, codes."""

    col: int
    n: int = 0
    date: float = 0.0
    owner: float = 0.0
    prose: float = 0.0
    ref: float = 0.0
    x: float = 0.0
    code: float = 0.0
    numbered: float = 0.0
    unique: float = 0.0
    words: float = 0.0
    percent: float = 0.0


def body_cells(table: Table, header_rows: int, col: int) -> list[Cell]:
    """Cells that start in ``col`` below the header, leaving out rows printed across the table."""
    out = []
    for r in table.rows[header_rows:]:
        for c in r.cells:
            if c.col == col and c.col_span < max(2, table.n_cols - 1) and c.text.strip():
                out.append(c)
    return out


def profile_column(table: Table, header_rows: int, col: int, looks: "CellLooks") -> ColumnProfile:
    cells = body_cells(table, header_rows, col)
    prof = ColumnProfile(col=col, n=len(cells))
    if not cells:
        return prof
    texts = [" ".join(c.text.split()) for c in cells]
    n = len(texts)
    kinds = [looks(t) for t in texts]
    prof.date = sum(k.get("timescale", 0) for k in kinds) / n
    prof.owner = sum(k.get("owner", 0) for k in kinds) / n
    prof.prose = sum(1 for t in texts if len(t.split()) >= 5) / n
    prof.ref = sum(k.get("ref", 0) for k in kinds) / n
    prof.x = sum(1 for t in texts if t.lower().strip(" .") in X_MARKS) / n
    prof.code = sum(1 for t in texts if CODE_LIST_RE.match(t)) / n
    prof.numbered = sum(1 for t in texts if _NUMBERED_RE.match(t)) / n
    prof.unique = len(set(texts)) / n
    prof.words = sum(len(t.split()) for t in texts) / n
    prof.percent = sum(1 for t in texts if _PERCENT_RE.match(t)) / n
    return prof


def complete_roles(header: HeaderMap, table: Table, looks: "CellLooks", roles: ColumnRoles) -> HeaderMap:
    """Give every column a role from what its cells hold where the header names none, and
    correct a header word that its column's content contradicts.

    Header words are evidence, not a gate: ``Commitment``, ``Led by`` or a blank header cell still
    get a role when the column holds prose, people or dates; a ``Shared Outcome`` column of
    ``SO1, SO2`` holds codes whatever its header says; X marks under ``Short | Medium | Long``
    are a timescale.
    """
    heads: dict[int, str] = {}
    for r in table.rows[: header.header_rows]:
        for c in r.cells:
            if c.text.strip():
                heads[c.col] = " ".join(c.text.split())
    starts = sorted({c.col for r in table.rows[header.header_rows:] for c in r.cells} | set(heads))
    profiles = {col: profile_column(table, header.header_rows, col, looks) for col in starts}
    # "Action | Description": the column headed "Action" holds only the actions' numbers (1.A,
    # 1.B) and the prose beside it, under a header no role word names, is the action.
    for col, m in list(header.columns.items()):
        prof = profiles.get(col)
        if m.role == "action" and prof and prof.n and _refs(prof) and prof.words <= 2 and prof.prose == 0 and any(
                p.prose >= 0.6 and c not in header.columns for c, p in profiles.items()):
            header.columns[col] = RoleMatch("ref", m.score, m.header, from_content=True)
    have_title = any(m.role in ("action", "theme") for m in header.columns.values())
    # A column of real codes makes the table a recommendation matrix: its prose column under
    # "Recommendation" holds recommendations, not actions, and keeps its header's role.
    coded = any(p.code >= 0.5 and not _refs(p) for p in profiles.values())
    for col in starts:
        prof = profiles[col]
        if prof.n == 0:
            continue
        current = header.columns.get(col)
        role = current.role if current else None
        if role in ("code", "ref") and prof.prose >= 0.6 and prof.words >= 8 and not coded:
            role = None  # "Recommendation" read as a code column, but its cells are sentences
        head = heads.get(col, "")
        new: str | None = None
        label = None
        if prof.x >= 0.8:
            new = "horizon" if head and _is_horizon(head, roles) else "flag"
            period = _period_head(table, header, col, head)
            if new == "flag" and period and looks.is_date(period):
                # X marks under "2024/25" over "Q1 | Q2 | Q3 | Q4" (or months): the marked period is the timescale.
                new, label = "horizon", period
        elif prof.percent >= 0.8 and role in (None, "progress"):
            new = "status"  # "Progress | 50%", "% complete | 100%": how far along, read as a status
        elif prof.code >= 0.7 and role in (None, "target", "notes", "theme", "status") and not _refs(prof):
            new = "code"
        elif prof.date >= 0.7 and role in (None, "target", "notes") and prof.prose < 0.5:
            new = "date"
        elif (role == "theme" and col <= 1 and _refs(prof) and prof.words <= 2
              and not any(m.role == "ref" for m in header.columns.values())):
            # "Objective" over "1a, 1b, 2a": the themes are rows across the table; this column
            # numbers the actions under them.
            new = "ref"
        elif role is None:
            if prof.ref >= 0.8 and prof.unique >= 0.9 and prof.words <= 2 and col <= 1:
                new = "ref"
            elif prof.date >= 0.6:
                new = "date"
            elif prof.owner >= 0.6 and prof.words <= 8 and prof.prose < 0.5:
                new = "owner"
            elif prof.prose >= 0.4 or prof.words >= 5:
                new = "action" if not have_title else "notes"
                have_title = True
        if new and new != role:
            score = current.score if current else 50.0
            m = RoleMatch(new, score, label or head or f"(column {col + 1}, read from its cells)", from_content=True)
            # The span of the lowest header cell starting here: "Q1" under a merged "2024/25" spans one column.
            span = next((c.col_span for r in reversed(table.rows[: header.header_rows]) for c in r.cells
                         if c.col == col and c.text.strip()), 1)
            for c in range(col, col + span):
                header.columns[c] = m
    if not any(m.role in ("action", "theme") for m in header.columns.values()):
        # "Measure No. | Measure | Lead": no column is named as the actions, but the reference column
        # numbers the things the "Measure" column holds: those are the rows' titles.
        numbered = {norm_header(m.header).rsplit(" ", 1)[0] for m in header.columns.values()
                    if m.role == "ref" and " " in norm_header(m.header)}
        for col in starts:
            m0 = header.columns.get(col)
            if m0 is not None and m0.role == "target" and norm_header(heads.get(col, "")) in numbered:
                header.columns[col] = RoleMatch("action", m0.score, m0.header)
                break
    return header


def _period_head(table: Table, header: HeaderMap, col: int, head: str) -> str | None:
    """A period column's header with the group header above it: ``Q1`` under ``2024/25`` is
    ``Q1 2024/25``; None where no header row above covers the column."""
    above = [" ".join(c.text.split()) for r in table.rows[header.first_row: header.header_rows - 1] for c in r.cells
             if c.col <= col < c.col + c.col_span and c.text.strip() and c.col_span > 1]
    return f"{head} {' '.join(above)}" if head and above else None


def _refs(prof: ColumnProfile) -> bool:
    """A column of unique references (``R1.1``, ``G2.3``), which code-like cells can also be."""
    return prof.ref >= 0.8 and prof.unique >= 0.9


def _is_horizon(head: str, roles: ColumnRoles) -> bool:
    m = match_role(head, roles)
    return bool(m and m.role == "horizon")


def headerless_map(table: Table, looks: "CellLooks", roles: ColumnRoles) -> HeaderMap | None:
    """Roles for a table that prints no header row, read from its cells alone: kept only when
    one column holds prose and another clearly holds dates, people or references."""
    header = HeaderMap(header_rows=0, columns={}, n_cols=table.n_cols)
    complete_roles(header, table, looks, roles)
    got = header.roles()
    # People alone are too common (schedules, forms, registers): a headerless table needs
    # dates or references beside its prose.
    if "action" in got and got & {"date", "ref", "horizon"}:
        return header
    return None
