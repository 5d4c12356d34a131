"""Tables laid out by whitespace alone: no ruling lines for pdfplumber's line strategy to find.

A run of printed lines that each break into several word groups separated by wide gaps is a
table candidate. Its columns are the x-ranges those groups cover; the gutters between them are
x-ranges no group on any of its lines touches. A table that runs over a page break is one chain
of candidates (the last block on a page, the first on the next) and its gutters are inferred over
the whole chain, so every page's part gets the same columns and is stitched like a ruled table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Settings (data/pdf_tables.yaml, `unruled:`) with these defaults.
DEFAULTS: dict[str, float] = {
    "min_gap_em": 0.75,  # a gap this many font sizes wide separates two columns (a space is ~0.25)
    "min_rows": 3,  # lines that break into groups, at least
    "min_columns": 3,  # columns the table has, at least
    "max_line_gap_em": 1.6,  # a larger vertical gap ends the table
    "edge_margin_em": 6.0,  # a block this close to the page's top or bottom may continue across the break
}


@dataclass
class Group:
    x0: float
    x1: float
    words: list[dict[str, Any]]


@dataclass
class Candidate:
    page: int
    lines: list[Any]  # pdfdoc.Line, each with .words
    groups: list[list[Group]] = field(default_factory=list)  # per line

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)


def groups_of(line: Any, min_gap_em: float) -> list[Group]:
    """A line's words cut where the gap to the next word is wider than ``min_gap_em`` sizes."""
    out: list[Group] = []
    gap = max(4.0, (line.size or 8.0) * min_gap_em)
    for w in sorted(line.words, key=lambda w: w["x0"]):
        if out and w["x0"] - out[-1].x1 <= gap:
            out[-1].x1 = max(out[-1].x1, w["x1"])
            out[-1].words.append(w)
        else:
            out.append(Group(w["x0"], w["x1"], [w]))
    return out


def candidates(page_no: int, lines: list[Any], settings: dict[str, float]) -> list[Candidate]:
    """Runs of consecutive lines that break into groups; a single-group line inside a run (a cell
    whose text wrapped) stays in it when a grouped line follows."""
    s = {**DEFAULTS, **settings}
    out: list[Candidate] = []
    run: list[Any] = []
    run_groups: list[list[Group]] = []

    def close() -> None:
        # A run ends on a grouped line, or on the wrapped rest of an inner column's cell: a line
        # at the line pitch under the run that starts right of the run's left edge.
        left = min((g[0].x0 for g in run_groups if len(g) >= 2), default=0.0)
        while run and len(run_groups[-1]) < 2:
            line, prev = run[-1], run[-2] if len(run) > 1 else None
            size = line.size or 8.0
            inner = run_groups[-1] and run_groups[-1][0].x0 > left + size * 2
            at_pitch = prev is not None and line.top - prev.bottom <= size * 0.8
            if inner and at_pitch and any(len(g) >= 2 for g in run_groups[:-1]):
                break
            run.pop()
            run_groups.pop()
        if sum(1 for g in run_groups if len(g) >= 2) >= s["min_rows"]:
            out.append(Candidate(page_no, list(run), list(run_groups)))
        run.clear()
        run_groups.clear()

    for line in sorted(lines, key=lambda ln: ln.top):
        gs = groups_of(line, s["min_gap_em"])
        if run and line.top - run[-1].bottom > (line.size or 8.0) * s["max_line_gap_em"]:
            close()
        if len(gs) >= 2 or (run and len(gs) == 1):
            run.append(line)
            run_groups.append(gs)
        else:
            close()
    close()
    return out


def gutters(chain: list[Candidate]) -> list[tuple[float, float]]:
    """Column x-ranges: the union of the grouped lines' word groups over the whole chain."""
    spans = sorted((g.x0, g.x1) for c in chain for gs in c.groups if len(gs) >= 2 for g in gs)
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    return [(a, b) for a, b in cols]


def chains(found: list[Candidate], page_heights: dict[int, float], settings: dict[str, float]) -> list[list[Candidate]]:
    """Candidates joined across page breaks: the last on a page near its foot, the first on the
    next page near its head, with overlapping column ranges."""
    s = {**DEFAULTS, **settings}
    out: list[list[Candidate]] = []
    for c in found:
        if out:
            prev = out[-1][-1]
            size = (c.lines[0].size or 8.0)
            near_foot = page_heights.get(prev.page, 0) - prev.bottom < size * s["edge_margin_em"]
            near_head = c.top < size * s["edge_margin_em"] * 1.5
            if c.page == prev.page + 1 and near_foot and near_head and _similar(gutters(out[-1]), gutters([c])):
                out[-1].append(c)
                continue
        out.append([c])
    return out


def _similar(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    if abs(len(a) - len(b)) > 1 or not a or not b:
        return False
    overlaps = sum(1 for x0, x1 in b if any(min(x1, y1) - max(x0, y0) > 0 for y0, y1 in a))
    return overlaps >= 0.8 * len(b)


def column_of(x_center: float, cols: list[tuple[float, float]]) -> int:
    for i, (a, b) in enumerate(cols):
        if a - 0.5 <= x_center <= b + 0.5:
            return i
    return min(range(len(cols)), key=lambda i: min(abs(cols[i][0] - x_center), abs(cols[i][1] - x_center)))


def merge_wrapped(rows: list[list[Any]], lines: list[Any], pitch_em: float = 1.5) -> list[list[Any]]:
    """One table row per printed row, not per printed line: a line whose first column is empty,
    printed at the line pitch under the one above, is the wrapped rest of that row's cells.

    Applies where the first column is a key column (filled on at least a quarter of the lines,
    as a reference or number column is); a cell's wrapped lines become one paragraph, unless a
    line opens with a bullet. ``rows[i]`` holds the cells of ``lines[i]`` (``Cell`` objects).
    """
    from ..model import BBox, Para
    from ..textutil import BULLETS

    if len(rows) < 3:
        return rows
    firsts = [c.text for r in rows for c in r if c.col == 0]
    keyed = len(firsts)
    # A numbering column (`AQ1`, `2.3`, `iv`) is a key column however rarely it is filled: when
    # the other columns are narrow, each row wraps over many lines.
    numbered = sum(1 for t in firsts if len(t.split()) == 1 and any(ch.isdigit() for ch in t))
    if (keyed < 0.25 * len(rows) and numbered < 0.6 * keyed) or keyed == len(rows):
        return rows
    out: list[list[Any]] = [rows[0]]
    out_lines = [lines[0]]
    for row, line in zip(rows[1:], lines[1:]):
        prev_line = out_lines[-1]
        gap = line.top - prev_line.bottom
        close = gap <= (line.size or 8.0) * (pitch_em - 1.0) + 2.0
        if row and not any(c.col == 0 for c in row) and close and len(out) > 1:
            target = {c.col: c for c in out[-1]}
            for cell in row:
                have = target.get(cell.col)
                if have is None:
                    out[-1].append(cell)
                    target[cell.col] = cell
                    continue
                starts_item = cell.text[:1] in BULLETS
                if starts_item or not have.paras:
                    have.paras.append(Para(text=cell.text, bold=cell.bold))
                else:
                    last = have.paras[-1]
                    joined = last.text + cell.text if last.text.endswith("-") and cell.text[:1].islower() else f"{last.text} {cell.text}"
                    have.paras[-1] = Para(text=joined, bold=last.bold and cell.bold)
                have.text = "\n".join(p.text for p in have.paras)
                have.bold = have.bold and cell.bold
                a, b = have.prov[0].bbox, cell.prov[0].bbox
                if a is not None and b is not None:
                    box = BBox(x0=min(a.x0, b.x0), top=min(a.top, b.top), x1=max(a.x1, b.x1), bottom=max(a.bottom, b.bottom))
                    have.prov = [have.prov[0].model_copy(update={"bbox": box})] + have.prov[1:]
            out[-1].sort(key=lambda c: c.col)
            out_lines[-1] = line
        else:
            out.append(row)
            out_lines.append(line)
    return out
