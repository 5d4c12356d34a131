"""Render a corpus spec as a spreadsheet tracker (.xlsx, openpyxl) and as its CSV export.

The workbook is what a council officer keeps: a title row merged across the table (bold, 14 pt),
the front lines, headings and paragraphs as one-cell rows, every table with a bold header, theme
rows merged across (or a theme column merged down), an action printed over several rows merged
down, real date cells with a number format wherever a date cell holds one date (``31/10/2006``
as the built-in short date, ``Dec 2006`` as ``mmm yyyy``, ``Jul 04`` as ``mmm-yy``, ``30.04.07``
as ``dd.mm.yy``), and per document some of what trackers carry (``FEATURES``): a status given
only by a fill (solid RGB, Excel's Good/Neutral/Bad palette, a theme colour with a tint),
conditional formatting on the status words, a withdrawn action in a hidden row, a hidden column
of previous leads, a notes sheet, a hidden sheet of look-ups, a very hidden archive sheet, one
sheet per theme. The hidden parts hold actions and names that are in no gold: read, they would
cost precision.

The CSV is the main content as Excel's "Save as CSV" writes it: the printed text of each visible
cell (dates as their format shows them), a merged cell's text in its top-left field, hidden rows
and columns gone, every row padded to the sheet's width; some in UTF-8 with a BOM, some in
Windows-1252, one with semicolons. A CSV keeps no colours: its gold (``gold_csv``) has no status
for an action whose status was only a fill.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MONTHS = {m: i for i, ms in enumerate(
    [["jan", "january"], ["feb", "february"], ["mar", "march"], ["apr", "april"], ["may"], ["jun", "june"],
     ["jul", "july"], ["aug", "august"], ["sep", "sept", "september"], ["oct", "october"], ["nov", "november"],
     ["dec", "december"]], start=1) for m in ms}
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]

# What each document's workbook carries on top of its plan (see the module docstring).
FEATURES: dict[str, set[str]] = {
    "kelsall-attendance-improvement-plan": {"hidden_row", "hidden_col", "cf_status", "notes", "lookups"},
    "brackenfield-health-partnership-plan": {"hidden_row", "archive", "custom_day_format"},
    "harwood-housing-improvement-plan": {"sheet_per_theme", "fill_variants", "notes"},
    "denholm-economic-regeneration-plan": {"csv_semicolon"},
    "cwmderi-estyn-response-matrix": {"csv_cp1252"},
    "thornbury-adult-care-improvement-plan": {"hidden_row", "notes"},
    "greyhope-library-service-plan": {"hidden_row", "lookups", "csv_cp1252"},
    "kingsmere-corporate-delivery-plan": {"hidden_row", "hidden_col", "archive", "notes", "csv_cp1252"},
}
SHEET_NAMES = {"action_plan": "Action plan", "mixed": "Plan", "recommendation_matrix": "Recommendations", "other": "Sheet1"}
# Excel's Good / Neutral / Bad fills and theme colours (openpyxl's default Office theme: accent3
# 9BBB59 green, accent6 F79646 orange, accent2 C0504D red) standing for the spec's solid RAG fills.
PALETTE = {"#00B050": "C6EFCE", "#FFC000": "FFEB9C", "#FF0000": "FFC7CE"}
THEME = {"#00B050": (6, 0.0), "#FFC000": (9, 0.0), "#FF0000": (5, 0.3999755851924192)}
WITHDRAWN = ["X99", "Withdrawn: merge the two duplicate panels into one", "Former Officer"]


@dataclass
class SCell:
    value: Any  # str, or a date for a real date cell
    printed: str  # what Excel shows, and writes to a CSV
    fmt: str | None = None
    bold: bool = False
    size: float | None = None
    fill: tuple | None = None  # ("rgb", "FF0000") or ("theme", index, tint)


@dataclass
class Sheet:
    name: str
    rows: list[dict[int, SCell]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 (0-based)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    cf_ranges: list[tuple[int, int, int]] = field(default_factory=list)  # col, r0, r1 for status rules
    state: str = "visible"
    widths: dict[int, float] = field(default_factory=dict)  # column widths an officer set (else 12 | 28 …)

    def add(self, cells: dict[int, SCell] | None = None) -> int:
        self.rows.append(cells or {})
        return len(self.rows) - 1

    def width(self) -> int:
        return max((c + 1 for r in self.rows for c in r), default=1)


def _text(value: str, bold: bool = False, size: float | None = None, fill: tuple | None = None) -> SCell:
    return SCell(value=value, printed=value, bold=bold, size=size, fill=fill)


def date_cell(raw: str, day_format: str) -> SCell:
    """A real date cell for the common one-date forms, else the raw text."""
    r = raw.strip()
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", r):
        d = dt.date(int(m[3]), int(m[2]), int(m[1]))
        return SCell(value=d, printed=f"{d.day:02d}/{d.month:02d}/{d.year}", fmt=day_format)
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{2})", r):
        d = dt.date(2000 + int(m[3]), int(m[2]), int(m[1]))
        return SCell(value=d, printed=f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}", fmt="dd.mm.yy")
    if (m := re.fullmatch(r"([A-Za-z]+)\.? (\d{4})", r)) and m[1].lower() in MONTHS:
        d = dt.date(int(m[2]), MONTHS[m[1].lower()], 1)
        name = MONTH_NAMES[d.month - 1]
        if len(m[1]) > 4 and m[1].lower() == name.lower():
            return SCell(value=d, printed=f"{name} {d.year}", fmt="mmmm yyyy")
        return SCell(value=d, printed=f"{name[:3]} {d.year}", fmt="mmm yyyy")
    if (m := re.fullmatch(r"([A-Za-z]+)\.? (\d{2})", r)) and m[1].lower() in MONTHS:
        d = dt.date(2000 + int(m[2]), MONTHS[m[1].lower()], 1)
        return SCell(value=d, printed=f"{MONTH_NAMES[d.month - 1][:3]}-{d.year % 100:02d}", fmt="mmm-yy")
    return _text(raw)


def _paras(values: list[str], bullets: bool) -> str:
    values = [v for v in values if v]
    if bullets and len(values) > 1:
        return "\n".join(f"• {v}" for v in values)
    return "\n".join(values)


class _Workbook:
    """The sheets of one spec, built row by row."""

    def __init__(self, spec: dict, corpus: Any) -> None:
        self.spec = spec
        self.corpus = corpus  # build.py: action_cells, rec_cells, rec_line
        self.features = FEATURES.get(spec["stem"], set())
        self.main = Sheet(SHEET_NAMES[spec["doc_type"]])
        self.sheets = [self.main]
        self.day_format = "dd/mm/yyyy" if "custom_day_format" in self.features else "mm-dd-yy"
        self.fill_turn = 0
        self.hidden_row_done = False

    def build(self) -> list[Sheet]:
        spec, sh = self.spec, self.main
        width = max([len(b["actions"]["columns"]) for b in spec["blocks"] if "actions" in b]
                    + [len(b["table"]["header"]) for b in spec["blocks"] if "table" in b]
                    + [len(b["recs_table"]["columns"]) for b in spec["blocks"] if "recs_table" in b]
                    + [len(b["records"]["columns"]) for b in spec["blocks"] if "records" in b]
                    + [len(b["grouped"]["header"]) for b in spec["blocks"] if "grouped" in b] + [1])
        r = sh.add({0: _text(spec["title"], bold=True, size=14)})
        if width > 1:
            sh.merges.append((r, 0, r, width - 1))
        for line in spec.get("front", []) or []:
            sh.add({0: _text(line)})
        sh.add()
        recs = {x["id"]: x for x in spec.get("recommendations", []) or []}
        for block in spec["blocks"]:
            if "heading" in block:
                sh.add({0: _text(block["heading"]["text"], bold=True, size=12)})
            elif "para" in block:
                sh.add({0: _text(block["para"])})
            elif "numbered" in block:
                for item in block["numbered"]:
                    sh.add({0: _text(item)})
            elif "table" in block:
                tb = block["table"]
                sh.add({c: _text(h, bold=True) for c, h in enumerate(tb["header"])})
                for row in tb["rows"]:
                    sh.add({c: _text(v) for c, v in enumerate(row)})
                sh.add()
            elif "actions" in block:
                self.actions(block["actions"])
            elif "recs_list" in block:
                rl = block["recs_list"]
                for section in rl["sections"]:
                    if section.get("heading", True) and section.get("name"):
                        sh.add({0: _text(section["name"], bold=True, size=12)})
                    for para in section.get("intro", []):
                        sh.add({0: _text(para)})
                    for n, item in enumerate(section["items"], start=1):
                        sh.add({0: _text(self.corpus.rec_list_line(rl, n, recs[item["id"]], item))})
                sh.add()
            elif "recs_table" in block:
                rt = block["recs_table"]
                cols = rt["columns"]
                sh.add({c: _text(col["header"], bold=True) for c, col in enumerate(cols)})
                for section in rt["sections"]:
                    if section.get("name"):
                        r = sh.add({0: _text(section["name"], bold=True)})
                        sh.merges.append((r, 0, r, len(cols) - 1))
                    for item in section["items"]:
                        sh.add({c: _text(v) for c, v in enumerate(self.corpus.rec_cells(rt, recs[item["id"]], item))})
                sh.add()
            elif "records" in block:
                self.records(block["records"])
            elif "keyvalue" in block:
                self.keyvalue(block["keyvalue"])
            elif "grouped" in block:
                self.grouped(block["grouped"])
        self.extras()
        return self.sheets

    # -- the layout families of issue #14 (build.py: records, keyvalue, grouped) -------------------

    def records(self, rb: dict) -> None:
        """One block of rows per action, stacked down the sheet under its goal heading: the label
        (``Strategy``) with the action's text merged across the other columns, the bold attribute
        header row and its value row, a blank row after each block."""
        sh, cols = self.main, rb["columns"]
        k = len(cols)
        self.set_widths([float(c.get("width", 1)) for c in cols], 90)
        label_fill = ("rgb", rb.get("label_shade", "#BDD7EE").lstrip("#").upper())
        header_fill = ("rgb", rb.get("header_shade", "#DEEAF6").lstrip("#").upper())
        for theme in rb["themes"]:
            sh.add({0: _text(theme["label"], bold=True, size=12)})
            for para in theme.get("intro", []):
                sh.add({0: _text(para)})
            sh.add()
            for a in theme["actions"]:
                r = sh.add({0: _text(rb.get("label", "Strategy"), bold=True, fill=label_fill), 1: _text(a["title"])})
                if k > 2:
                    sh.merges.append((r, 1, r, k - 1))
                sh.add({c: _text(col["header"], bold=True, fill=header_fill) for c, col in enumerate(cols)})
                sh.add({c: _text(v) for c, v in enumerate(self.corpus.record_values(rb, a)) if v})
                sh.add()

    def keyvalue(self, kv: dict) -> None:
        """Paragraphs as one-cell rows: the bold numbered action, each ``Key: value`` line in a row
        of its own, a blank row between actions; priority headings and their intros above."""
        sh = self.main
        sh.widths.setdefault(0, 110)  # one wide column for the paragraphs
        for theme in kv["themes"]:
            if theme.get("label"):
                sh.add({0: _text(theme["label"], bold=True, size=12)})
            for para in theme.get("intro", []):
                sh.add({0: _text(para)})
            sh.add()
            for a in theme["actions"]:
                sh.add({0: _text(self.corpus.kv_title(kv, a), bold=True)})
                for key, value in self.corpus.kv_lines(kv, a):
                    sh.add({0: _text(f"{key}: {value}")})
                for para in a.get("after", []):
                    sh.add({0: _text(para)})
                sh.add()

    def grouped(self, g: dict) -> None:
        """One table: the bold header, section / subsection / group rows merged across and bold,
        each initiative with its number typed in the cell and an X under its timescale."""
        sh = self.main
        k = len(g["header"])
        self.set_widths([float(x) for x in g.get("widths", [4] + [0.7] * (k - 1))], 120)
        sh.add({c: _text(h, bold=True, fill=("rgb", "D9D9D9")) for c, h in enumerate(g["header"])})
        shades = {"section": ("rgb", "C6E0B4"), "subsection": ("rgb", "E2EFDA")}
        for kind, cells in self.corpus.grouped_rows(g):
            if kind == "item":
                sh.add({c: _text(v) for c, v in enumerate(cells) if v})
                continue
            r = sh.add({0: _text(cells, bold=True, fill=shades.get(kind))})
            sh.merges.append((r, 0, r, k - 1))
        sh.add()

    def set_widths(self, weights: list[float], total: float) -> None:
        """Column widths in proportion to the printed table's (``total`` characters across)."""
        for c, w in enumerate(weights):
            self.main.widths.setdefault(c, round(max(8.0, total * w / sum(weights)), 1))

    # -- action tables ----------------------------------------------------------------------------

    def actions(self, table: dict) -> None:
        if table.get("theme_style") == "heading":
            for theme in table["themes"]:
                one = {**table, "themes": [theme], "theme_style": "none"}
                if "sheet_per_theme" in self.features:
                    sheet = Sheet(f"Objective {theme['ref']}")
                    self.sheets.append(sheet)
                    sheet.add({0: _text(theme["label"], bold=True)})
                    self.action_table(sheet, one)
                else:
                    self.main.add({0: _text(theme["label"], bold=True, size=12)})
                    self.action_table(self.main, one)
        else:
            self.action_table(self.main, table)

    def action_table(self, sh: Sheet, table: dict) -> None:
        cols = table["columns"]
        roles = [c["role"] for c in cols]
        # A hidden "Previous lead" column after the owner column, where the document has one.
        extra = roles.index("owner") + 1 if "hidden_col" in self.features and "owner" in roles else None

        def at(i: int) -> int:
            return i + 1 if extra is not None and i >= extra else i

        ncols = len(cols) + (extra is not None)
        if extra is not None:
            sh.hidden_cols.add(extra)
        top = table.get("header_top")
        first = len(sh.rows)
        if top:
            r0 = sh.add({at(i): _text(h, bold=True) for i, h in enumerate(top) if h})
            r1 = sh.add({at(i): _text(c["header"], bold=True) for i, c in enumerate(cols) if top[i] != c["header"]})
            for i, h in enumerate(top):
                if h and h == cols[i]["header"]:
                    sh.merges.append((r0, at(i), r1, at(i)))
                elif h and table.get("header_span", {}).get(h, 1) > 1:
                    sh.merges.append((r0, at(i), r0, at(i + table["header_span"][h] - 1)))
        else:
            sh.add({at(i): _text(c["header"], bold=True) for i, c in enumerate(cols)})
        if extra is not None:
            sh.rows[-1][extra] = _text("Previous lead", bold=True)
        bullets = table.get("bullets", True)
        for theme in table["themes"]:
            if table.get("theme_style") == "row":
                r = sh.add({0: _text(theme["label"], bold=True,
                                     fill=("rgb", theme["shade"].lstrip("#")) if theme.get("shade") else None)})
                sh.merges.append((r, 0, r, ncols - 1))
            theme_start = len(sh.rows)
            for i, a in enumerate(theme["actions"]):
                a_start = len(sh.rows)
                for k, values in enumerate(self.corpus.action_cells(table, theme, a, False)):
                    row: dict[int, SCell] = {}
                    for c, role in enumerate(roles):
                        cell = self.value(role, values, a, k, bullets, theme)
                        if cell is not None:
                            row[at(c)] = cell
                    if extra is not None and k == 0:
                        row[extra] = _text("Former Officer")
                    sh.add(row)
                if table.get("merge_action_rows") and len(sh.rows) - a_start > 1:
                    for c, role in enumerate(roles):
                        if role in table["merge_action_rows"]:
                            sh.merges.append((a_start, at(c), len(sh.rows) - 1, at(c)))
                if i == 0 and "hidden_row" in self.features and not self.hidden_row_done:
                    # A withdrawn action, hidden: its ref, its title (in the steps column when the
                    # table has no title column) and a lead named nowhere else.
                    self.hidden_row_done = True
                    title_role = "title" if "title" in roles else "steps"
                    cells = {roles.index(role): text for role, text in zip(("ref", title_role, "owner"), WITHDRAWN)}
                    sh.hidden_rows.add(sh.add({at(c): _text(v) for c, v in cells.items()}))
            if table.get("theme_style") == "merged":
                c = roles.index("theme")
                sh.rows[theme_start][at(c)] = _text(theme.get("label", theme["name"]), bold=True)
                sh.merges.append((theme_start, at(c), len(sh.rows) - 1, at(c)))
        if "cf_status" in self.features and "status" in roles:
            sh.cf_ranges.append((at(roles.index("status")), first, len(sh.rows) - 1))
        sh.add()

    def value(self, role: str, values: dict, a: dict, k: int, bullets: bool, theme: dict) -> SCell | None:
        if role == "theme":
            return None
        if role == "step_table":
            lines = list(values.get("lead", []))
            steps = [f"{s} ({d})" if d else s for s, d in values.get("step_table") or []]
            text = "\n".join(lines + ([_paras(steps, bullets)] if steps else []))
            return _text(text) if text else None
        paras = values.get(role, [])
        if role in ("date", "step_date") and len([p for p in paras if p]) == 1:
            return date_cell(paras[0], self.day_format)
        if role == "steps" and values.get("lead"):
            text = "\n".join(values["lead"] + ([_paras(paras, True)] if paras else []))
        else:
            text = _paras(paras, bullets and role in ("steps", "targets"))
        fill = None
        if role == "status" and a.get("fill") and k == 0:
            fill = self.fill(a["fill"])
        if not text and not fill:
            return None
        return _text(text, fill=fill)

    def fill(self, colour: str) -> tuple:
        colour = colour.upper()
        turn = self.fill_turn
        self.fill_turn += 1
        if "fill_variants" in self.features and colour in PALETTE:
            if turn % 3 == 1:
                return ("rgb", PALETTE[colour])
            if turn % 3 == 2:
                return ("theme", *THEME[colour])
        return ("rgb", colour.lstrip("#"))

    # -- sheets beside the plan ----------------------------------------------------------------

    def extras(self) -> None:
        if "notes" in self.features:
            notes = Sheet("Notes")
            notes.add({0: _text("How to update this tracker", bold=True)})
            notes.add({0: _text("Update the status column at the end of each month.")})
            notes.add({0: _text("Do not add rows inside a theme: use the next free reference.")})
            notes.add()
            notes.add({0: _text("Kept by the performance team.")})
            self.sheets.append(notes)
        if "lookups" in self.features:
            lookups = Sheet("Lookups", state="hidden")
            lookups.add({0: _text("Status", bold=True), 1: _text("Meaning", bold=True)})
            for word, meaning in (("Red", "Behind schedule"), ("Amber", "Some slippage"), ("Green", "On track")):
                lookups.add({0: _text(word), 1: _text(meaning)})
            self.sheets.append(lookups)
        if "archive" in self.features:
            archive = Sheet("Archive", state="veryHidden")
            archive.add({0: _text("Ref", bold=True), 1: _text("Action", bold=True), 2: _text("Lead officer", bold=True),
                         3: _text("Target date", bold=True), 4: _text("Status", bold=True)})
            for n in (1, 2, 3):
                archive.add({0: _text(f"Z{n}"), 1: _text(f"An action of the previous plan, number {n}"),
                             2: _text("Former Officer"), 3: _text("March 2006"), 4: _text("Complete")})
            self.sheets.append(archive)


# -- writers --------------------------------------------------------------------------------------


def render_xlsx(spec: dict, path: Path, corpus: Any) -> None:
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Color, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheets = _Workbook(spec, corpus).build()
    wb = Workbook()
    wb.remove(wb.active)
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        ws.sheet_state = sheet.state
        for r, row in enumerate(sheet.rows, start=1):
            for c, cell in row.items():
                target = ws.cell(r, c + 1, cell.value)
                if cell.fmt:
                    target.number_format = cell.fmt
                if cell.bold or cell.size:
                    target.font = Font(bold=cell.bold, size=cell.size or 11)
                if isinstance(cell.value, str) and "\n" in cell.value:
                    target.alignment = wrap
                if cell.fill:
                    colour = Color(rgb=cell.fill[1]) if cell.fill[0] == "rgb" else Color(theme=cell.fill[1], tint=cell.fill[2])
                    target.fill = PatternFill("solid", fgColor=colour)
        for r0, c0, r1, c1 in sheet.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        for r in sheet.hidden_rows:
            ws.row_dimensions[r + 1].hidden = True
        for c in sheet.hidden_cols:
            ws.column_dimensions[get_column_letter(c + 1)].hidden = True
        for c, r0, r1 in sheet.cf_ranges:
            ref = f"{get_column_letter(c + 1)}{r0 + 1}:{get_column_letter(c + 1)}{r1 + 1}"
            for word, colour in (("Red", "FFC7CE"), ("Amber", "FFEB9C"), ("Green", "C6EFCE"), ("Complete", "C6EFCE")):
                ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[f'"{word}"'],
                                                              fill=PatternFill(bgColor=colour)))
        for c in range(1, sheet.width() + 1):
            ws.column_dimensions[get_column_letter(c)].width = sheet.widths.get(c - 1, 28 if c > 1 else 12)
    wb.active = 0
    props = wb.properties
    props.creator = props.lastModifiedBy = "corpus"
    props.created = props.modified = dt.datetime(2009, 1, 1, 9, 0, 0)
    props.title = spec["title"]
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(corpus._deterministic_zip(_fixed_modified(buf.getvalue())))


def _fixed_modified(data: bytes) -> bytes:
    """openpyxl stamps docProps/core.xml with the time of saving: the corpus must not change."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2009-01-01T09:00:00Z", part)
            dst.writestr(info.filename, part)
    return out.getvalue()


def render_csv(spec: dict, path: Path, corpus: Any) -> None:
    """Every visible sheet that holds the plan, as one CSV: what "Save as CSV" writes for a sheet.

    A workbook with one sheet per theme is exported as the same rows on one sheet (a CSV has one).
    """
    features = FEATURES.get(spec["stem"], set())
    sheets = [s for s in _Workbook(spec, corpus).build() if s.state == "visible" and s.name != "Notes"]
    delimiter = ";" if "csv_semicolon" in features else ","
    width = max(s.width() for s in sheets)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for n, sheet in enumerate(sheets):
        covered = {(r, c) for r0, c0, r1, c1 in sheet.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                   if (r, c) != (r0, c0)}
        cols = [c for c in range(width) if c not in sheet.hidden_cols]
        if n:
            writer.writerow([""] * len(cols) if len(cols) > 1 else [])
        for r, row in enumerate(sheet.rows):
            if r in sheet.hidden_rows:
                continue
            fields = [row[c].printed if c in row and (r, c) not in covered else "" for c in cols]
            # Excel writes a blank row of a one-column sheet as an empty line (csv would write "")
            writer.writerow(fields if len(fields) > 1 or fields[0] else [])
    text = buf.getvalue()
    if "csv_cp1252" in features:
        path.write_bytes(text.encode("cp1252"))
    else:
        path.write_bytes(text.encode("utf-8-sig"))


def gold_csv(spec: dict, corpus: Any) -> dict:
    """The gold of the CSV export: a status printed only as a fill is not in it."""
    gold = corpus.gold(spec)
    printed = {a["ref"]: bool(a.get("status")) for _t, _th, a in corpus.iter_actions(spec)}
    for action in gold["actions"]:
        if not printed.get(action["ref"]):
            action["status"] = None
    return gold
