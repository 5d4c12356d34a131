"""Render the evaluation corpus (tests/corpus/specs/*.yaml) to .md, .docx, .pdf, .xlsx and .csv, plus its gold.

    python tests/corpus/build.py OUT_DIR

writes OUT_DIR/<stem>.{md,docx,pdf,xlsx,csv} for every spec, OUT_DIR/gold/<stem>.gold.json (the
format of ../shared/gold/README.md) and OUT_DIR/gold-csv/<stem>.gold.json (the CSV export's gold: no
status where the status was only a fill). The spreadsheet renderings are in render_sheet.py.

One YAML file per document states both what is printed and what a careful reader takes from it:

* an action's ``owners`` is the cell as printed, ``gold_owners`` the canonical names;
* every dated step/target carries ``date: {raw: "Spring 2005", end: "2005-05-31"}`` - the raw words
  are printed, ``end`` (the contract's date_end) gives the gold month; ``{raw: Ongoing}`` has no end;
  ``optional: true`` marks a month a reasonable reading may or may not give;
* codes as printed (``codes``) and as normalised (``gold_codes``);
* status as printed (``status`` word and/or ``fill`` colour) and as read (``gold_status``);
* recommendations are defined once (``recommendations:``) and placed by ``id`` in list or table
  blocks, possibly several times and with a typing slip (``text`` on the placement).
* the layout families of issue #14 (a ``response`` column, ``ruled: false``, ``records``,
  ``keyvalue`` and ``grouped`` blocks) are described where they are rendered, below.

Document and gold come from the same data. Output is deterministic (fixed docx core properties and
zip timestamps, reportlab ``invariant=1``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
import zipfile
from html import escape as _html_escape
from pathlib import Path
from typing import Any

import yaml


def escape(text: str) -> str:
    return _html_escape(text, quote=False)

SPECS = Path(__file__).parent / "specs"
FORMATS = ("md", "docx", "pdf", "xlsx", "csv")

# ---------------------------------------------------------------------------------------------
# spec loading and the date helper
# ---------------------------------------------------------------------------------------------


def _load_py_spec(path: Path) -> dict:
    import importlib.util

    mod_spec = importlib.util.spec_from_file_location(f"corpus_spec_{path.stem.replace('-', '_')}", path)
    assert mod_spec and mod_spec.loader
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    return module.SPEC


def load_specs(names: list[str] | None = None) -> list[dict]:
    """Every spec: ``specs/*.yaml``, or ``specs/*.py`` defining ``SPEC`` (for generated bulk)."""
    specs = []
    for path in sorted([*SPECS.glob("*.yaml"), *SPECS.glob("*.py")]):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) if path.suffix == ".yaml" else _load_py_spec(path)
        # A bundle (an inspection report and the plan answering it) is two documents: see bundles.py.
        for one in _bundles().expand(spec) if "bundle" in spec else [spec]:
            one.setdefault("stem", path.stem)
            if names and one["stem"] not in names:
                continue
            prepare(one)
            specs.append(one)
    return specs


def _bundles():  # type: ignore[no-untyped-def]
    import importlib.util

    mod_spec = importlib.util.spec_from_file_location("corpus_bundles", Path(__file__).parent / "bundles.py")
    assert mod_spec and mod_spec.loader
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    return module


def _date(value: Any) -> dict | None:
    """A date value of the spec: a string (raw words with no due date) or {raw, end, optional}."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"raw": value}
    return value


def due_month(date: dict | None) -> str | None:
    """YYYY-MM of the contract's date_end, from the spec's structured ``end`` (validated)."""
    if not date or not date.get("end"):
        return None
    end = dt.date.fromisoformat(str(date["end"]))
    return f"{end.year:04d}-{end.month:02d}"


def _last_day(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def check_end(raw: str, end: str) -> str | None:
    """An independent reading of the common raw forms; returns a complaint when it disagrees.

    Guards the hand-written ``end`` values against slips; forms it does not know are not checked.
    """
    months = {m: i for i, ms in enumerate(
        [["jan", "january"], ["feb", "february"], ["mar", "march"], ["apr", "april"], ["may"],
         ["jun", "june"], ["jul", "july"], ["aug", "august"], ["sep", "sept", "september"],
         ["oct", "october"], ["nov", "november"], ["dec", "december"]], start=1) for m in ms}
    e = dt.date.fromisoformat(str(end))
    r = raw.strip().lower().replace("–", "-").replace("—", "-")
    got: dt.date | None = None
    if m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})", r):
        y = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        got = dt.date(y, int(m[2]), int(m[1]))
    elif m := re.fullmatch(r"q([1-4]) (\d{4})[/-](\d{2})", r):
        y, q = int(m[2]), int(m[1])
        got = _last_day(y, 3 * q + 3) if q < 4 else _last_day(y + 1, 3)
    elif m := re.fullmatch(r"(\d{4})[/-](\d{2})", r):
        got = dt.date(int(m[1]) + 1, 3, 31)
    elif m := re.fullmatch(r"(spring|summer|autumn) (\d{4})", r):
        got = _last_day(int(m[2]), {"spring": 5, "summer": 8, "autumn": 11}[m[1]])
    elif m := re.fullmatch(r"winter (\d{4})/(\d{2})", r):
        got = _last_day(int(m[1]) + 1, 2)
    elif m := re.fullmatch(r"(?:end of )?(autumn|summer) term (\d{4})", r):
        got = _last_day(int(m[2]), {"autumn": 12, "summer": 7}[m[1]])
    elif m := re.fullmatch(r"([a-z]+)\.? (\d{4}|\d{2})", r):
        if m[1] in months:
            y = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
            got = _last_day(y, months[m[1]])
    elif m := re.fullmatch(r"w/c (\d{1,2}) ([a-z]+) (\d{4})", r):
        got = dt.date(int(m[3]), months[m[2]], int(m[1])) + dt.timedelta(days=6)
    elif m := re.fullmatch(r".* - ([a-z]+)\.? (\d{4}|\d{2})", r):
        if m[1] in months:
            y = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
            got = _last_day(y, months[m[1]])
    if got is not None and got != e:
        return f"{raw!r}: spec end {e} but the convention gives {got}"
    return None


# ---------------------------------------------------------------------------------------------
# gold
# ---------------------------------------------------------------------------------------------


def _action_dates(action: dict) -> list[dict]:
    dates = []
    for part in ("steps", "targets"):
        for item in action.get(part, []) or []:
            d = _date(item.get("date")) if isinstance(item, dict) else None
            if d:
                dates.append(d)
    d = _date(action.get("date"))
    if d:
        dates.append(d)
    # dates printed inside free text (a response) or read through a legend (a timeline word)
    dates += [x for x in (_date(v) for v in action.get("dates", []) or []) if x]
    return dates


def iter_actions(spec: dict):
    """(theme, action) for every action of every action table, in printed order."""
    for block in spec.get("blocks", []):
        for kind in ACTION_BLOCKS:
            if kind in block:
                for theme in block[kind]["themes"]:
                    for action in theme["actions"]:
                        yield block[kind], theme, action


def gold(spec: dict) -> dict:
    actions = []
    for table, theme, a in iter_actions(spec):
        dates = _action_dates(a)
        due = sorted({due_month(d) for d in dates if due_month(d) and not d.get("optional")})
        optional = sorted({due_month(d) for d in dates if due_month(d) and d.get("optional")} - set(due))
        actions.append({
            "ref": a["ref"],
            "theme_ref": theme.get("ref"),
            "title": a["title"],
            "owners": a["gold_owners"],
            "due_months": due,
            "optional_months": optional,
            "codes": a.get("gold_codes", []),
            "status": a.get("gold_status"),
            **gold_extra(a),
        })
    recs = []
    placements = _placements(spec)
    for r in spec.get("recommendations", []) or []:
        sections = []
        for section, _item in placements.get(r["id"], []):
            if section and section not in sections:
                sections.append(section)
        recs.append({
            "text": r["text"],
            "codes": r.get("gold_codes", []),
            "sections": r.get("gold_sections", sections),
            "outcomes": r.get("gold_outcomes", []),
            "status": r.get("gold_status"),
        })
    out = {
        "stem": spec["stem"],
        "doc_type": spec["doc_type"],
        "plan_period": spec.get("plan_period"),
        "actions": actions,
        "recommendations": recs,
    }
    if spec.get("report_gold"):  # an inspection report of a bundle: recommendations, cover facts, gaps
        out.update(spec["report_gold"])
    if spec.get("links_gold"):  # the plan of a bundle: its links to the report, codes matching nothing
        out.update(spec["links_gold"])
    return out


def _placements(spec: dict) -> dict[str, list[tuple[str | None, dict]]]:
    out: dict[str, list[tuple[str | None, dict]]] = {}
    for block in spec.get("blocks", []):
        for key in ("recs_list", "recs_table"):
            if key in block:
                for section in block[key]["sections"]:
                    for item in section["items"]:
                        out.setdefault(item["id"], []).append((section.get("name"), item))
    return out


def validate(spec: dict) -> list[str]:
    problems = []
    for _t, _theme, a in iter_actions(spec):
        for d in _action_dates(a):
            if d.get("end"):
                complaint = check_end(d["raw"], d["end"])
                if complaint and not d.get("unchecked"):
                    problems.append(f"{spec['stem']} {a['ref']}: {complaint}")
    recs = {r["id"]: r for r in spec.get("recommendations", []) or []}
    for rid in _placements(spec):
        if rid not in recs:
            problems.append(f"{spec['stem']}: placement of unknown recommendation {rid}")
    refs = [a["ref"] for _t, _th, a in iter_actions(spec)]
    if len(refs) != len(set(refs)):
        problems.append(f"{spec['stem']}: duplicate action refs")
    return problems + validate_printed_dates(spec)


# ---------------------------------------------------------------------------------------------
# the cells of an action table
# ---------------------------------------------------------------------------------------------
# Column roles: ref, theme, title, steps, targets, date, owner, status, codes, notes,
# step_table (a table nested in the cell: step | date), and for step_layout "rows" the per-row
# roles step, step_date, step_measure.


def _step_text(item: Any, date_inline: bool) -> str:
    if isinstance(item, str):
        return item
    text = item["text"]
    d = _date(item.get("date"))
    if d and date_inline and item.get("date_inline", True):
        text = f"{text} ({d['raw']})" if not item.get("date_after") else f"{text} {d['raw']}"
    return text


def action_cells(table: dict, theme: dict, a: dict, first_in_theme: bool) -> list[dict[str, Any]]:
    """Printed rows of one action: a list of {role: list of paragraphs | special}."""
    roles = [c["role"] for c in table["columns"]]
    has_date_col = "date" in roles
    steps = a.get("steps", []) or []
    targets = a.get("targets", []) or []
    title = a.get("title_printed", a["title"])
    if a.get("codes") and "codes" not in roles:
        title = f"{title} {a['codes']}"
    row: dict[str, Any] = {
        "ref": [a.get("ref_printed", a["ref"])],
        "theme": [theme.get("label", theme["name"])] if first_in_theme else [],
        "title": [title],
        "owner": a["owners"].split("\n") if isinstance(a["owners"], str) else list(a["owners"]),
        "status": [a["status"]] if a.get("status") else [],
        "codes": [a["codes"]] if a.get("codes") and "codes" in roles else [],
        "notes": [a["notes"]] if a.get("notes") else [],
        "response": _paras(a.get("response")),
    }
    # No title column: the steps column leads with the title (a bold paragraph before the bullets).
    row["lead"] = [title] if "title" not in roles else []
    row["steps"] = []
    layout = table.get("step_layout", "cell")
    if layout == "cell":
        # steps in one cell; dates in the date column (one paragraph per dated step) or inline
        row["steps"] += [_step_text(s, not has_date_col) for s in steps]
        row["targets"] = [_step_text(t, True) for t in targets]
        if has_date_col:
            row["date"] = [(_date(s.get("date")) or {}).get("raw", "") for s in steps
                           if isinstance(s, dict) and s.get("date") and not s.get("date_inline_only")]
            if a.get("date"):
                row["date"] = [_date(a["date"])["raw"]]
        rows = [row]
        if a.get("continuation"):  # the last step printed on a row of its own with no ref
            n = a["continuation"]
            cont = {"steps": row["steps"][-n:]}
            row["steps"] = row["steps"][:-n]
            if has_date_col and row.get("date"):
                cont["date"] = row["date"][-n:]
                row["date"] = row["date"][:-n]
            rows.append(cont)
        return rows
    if layout == "nested":
        row["step_table"] = [[_step_text(s, False), (_date(s.get("date")) or {}).get("raw", "")] for s in steps]
        row["targets"] = [_step_text(t, True) for t in targets]
        return [row]
    if layout == "rows":
        out = []
        for i, s in enumerate(steps):
            r = dict(row) if i == 0 else {}
            r["step"] = [s["text"]]
            d = _date(s.get("date"))
            r["step_date"] = [d["raw"]] if d else []
            r["step_measure"] = [s["measure"]] if s.get("measure") else []
            out.append(r)
        return out
    raise ValueError(layout)


# ---------------------------------------------------------------------------------------------
# markdown (a text export: tab-separated tables with HTML cell markup)
# ---------------------------------------------------------------------------------------------


def _md_cell(paras: list[str], bullets: bool = False, fill: str | None = None, lead: list[str] | None = None) -> str:
    paras = [p for p in paras if p]
    html = ""
    if lead:
        return "".join(f"<p><b>{escape(x)}</b></p>" for x in lead) + _md_cell(paras, bullets or len(paras) > 0)
    if len(paras) == 1 and not bullets:
        html = escape(paras[0])
    elif paras and bullets:
        html = "<ul>" + "".join(f"<li>{escape(p)}</li>" for p in paras) + "</ul>"
    elif paras:
        html = "".join(f"<p>{escape(p)}</p>" for p in paras)
    if fill:
        html = f'<span style="background-color:{fill}">{html or "&nbsp;"}</span>'
    return html


def _md_nested(rows: list[list[str]]) -> str:
    return "<table>" + "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>"


def md_action_table(table: dict) -> list[str]:
    cols = table["columns"]
    out = []
    top = table.get("header_top")
    if top:  # a two-row header: cells merged down print their text once, in the top row
        out.append("\t".join(top))
        out.append("\t".join("" if top[i] == c["header"] else c["header"] for i, c in enumerate(cols)))
    else:
        out.append("\t".join(c["header"] for c in cols))
    bullets = table.get("bullets", True)
    for theme in table["themes"]:
        if table.get("theme_style") == "row":
            out.append("\t".join([f"<b>{escape(theme['label'])}</b>"] + [""] * (len(cols) - 1)))
        for i, a in enumerate(theme["actions"]):
            for k, row in enumerate(action_cells(table, theme, a, table.get("theme_style") == "merged" and i == 0)):
                cells = []
                for c in cols:
                    role = c["role"]
                    if role == "step_table":
                        lead_html = "".join(f"<p><b>{escape(x)}</b></p>" for x in row.get("lead", []))
                        cells.append(lead_html + (_md_nested(row["step_table"]) if row.get("step_table") else ""))
                        continue
                    paras = row.get(role, [])
                    fill = a.get("fill") if role == "status" and k == 0 else None
                    lead = row.get("lead") if role == "steps" else None
                    cells.append(_md_cell(paras, bullets and role in ("steps", "targets") and len(paras) > 1, fill, lead))
                out.append("\t".join(cells))
    return out


def render_md(spec: dict) -> str:
    out = [f"# **{spec['title']}**", ""]
    for line in spec.get("front", []) or []:
        out += [line, ""]
    recs = {r["id"]: r for r in spec.get("recommendations", []) or []}
    for block in spec.get("blocks", []):
        if "heading" in block:
            h = block["heading"]
            out += ["#" * h.get("level", 2) + " " + h["text"], ""]
        elif "para" in block:
            out += [block["para"], ""]
        elif "numbered" in block:
            out += [item for item in block["numbered"] for item in (item, "")]
        elif "bullets" in block:
            glyph = block.get("glyph", "•")
            for item in block["bullets"]:
                text_, subs = (item, []) if isinstance(item, str) else (item["text"], item["subs"])
                out += [f"{glyph} {text_}", ""] + [line for sub in subs for line in (f"    {glyph} {sub}", "")]
        elif "table" in block:
            t = block["table"]
            out += ["\t".join(t["header"])] + ["\t".join(_md_rich(v) for v in r) for r in t["rows"]] + [""]
        elif "actions" in block:
            table = block["actions"]
            if table.get("theme_style") == "heading":
                for theme in table["themes"]:
                    out += [f"## {theme['label']}", ""]
                    out += md_action_table({**table, "themes": [theme], "theme_style": "none"}) + [""]
            else:
                out += md_action_table(table) + [""]
        elif "recs_list" in block:
            rl = block["recs_list"]
            for section in rl["sections"]:
                if section.get("heading", True) and section.get("name"):
                    out += ["#" * rl.get("level", 2) + " " + section["name"], ""]
                out += [x for para in section.get("intro", []) for x in (para, "")]
                for n, item in enumerate(section["items"], start=1):
                    out += [rec_list_line(rl, n, recs[item["id"]], item), ""]
        elif "recs_table" in block:
            rt = block["recs_table"]
            out.append("\t".join(c["header"] for c in rt["columns"]))
            for section in rt["sections"]:
                if section.get("name"):
                    out.append("\t".join([f"<b>{escape(section['name'])}</b>"] + [""] * (len(rt["columns"]) - 1)))
                for item in section["items"]:
                    cells = rec_cells(rt, recs[item["id"]], item)
                    out.append("\t".join(escape(v) for v in cells))
            out.append("")
        elif any(kind in block for kind in FAMILY_BLOCKS):
            out += md_family_block(block)
    return "\n".join(out) + "\n"


def _md_rich(value: Any) -> str:
    """A table cell of the ``table`` block: a string, or a list of paragraphs and {bullets: [...]}."""
    if isinstance(value, str):
        return value
    html = ""
    for part in value:
        if isinstance(part, dict):
            html += "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in part["bullets"]) + "</ul>"
        else:
            html += f"<p>{escape(part)}</p>"
    return html


def _rich_parts(value: Any) -> list[tuple[str, bool]]:
    """(text, bulleted) for each paragraph of a rich cell."""
    if isinstance(value, str):
        return [(value, False)]
    out: list[tuple[str, bool]] = []
    for part in value:
        if isinstance(part, dict):
            out.extend((x, True) for x in part["bullets"])
        else:
            out.append((part, False))
    return out


def rec_line(rec: dict, item: dict) -> str:
    text = item.get("text", rec["text"])
    tail = " ".join(x for x in (rec.get("codes", ""), rec.get("outcomes", "")) if x)
    return f"{text} {tail}".strip()


def rec_cells(rt: dict, rec: dict, item: dict) -> list[str]:
    values = {
        "text": item.get("text", rec["text"]),
        "codes": rec.get("codes", ""),
        "outcomes": rec.get("outcomes", ""),
        "owner": rec.get("owner", ""),
        "status": rec.get("status", ""),
        "date": rec.get("date", ""),
    }
    return [values[c["role"]] for c in rt["columns"]]


# ---------------------------------------------------------------------------------------------
# docx
# ---------------------------------------------------------------------------------------------

FIXED_TIME = dt.datetime(2009, 1, 1, 9, 0, 0)


def _deterministic_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2009, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return buf.getvalue()


def render_docx(spec: dict, path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = docx.Document()
    cp = d.core_properties
    cp.author = cp.last_modified_by = "corpus"
    cp.created = cp.modified = FIXED_TIME
    cp.revision = 1
    cp.title = spec["title"]
    sec = d.sections[0]
    if spec.get("landscape"):
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    sec.left_margin = sec.right_margin = Cm(1.5)
    if spec.get("running_header"):
        sec.header.paragraphs[0].text = spec["running_header"]
    d.add_heading(spec["title"], level=1)
    for line in spec.get("front", []) or []:
        d.add_paragraph(line)

    def shade(cell, colour: str) -> None:  # type: ignore[no-untyped-def]
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), colour.lstrip("#").upper())
        cell._tc.get_or_add_tcPr().append(shd)

    def fill(cell, paras: list[str], bullets: bool = False, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
        paras = [p for p in paras if p]
        first = cell.paragraphs[0]
        for i, text in enumerate(paras):
            if i == 0:
                p = first
            else:
                p = cell.add_paragraph()
            if bullets:
                p.style = d.styles["List Bullet"]
            run = p.add_run(text)
            run.bold = bold

    def repeat_header(row) -> None:  # type: ignore[no-untyped-def]
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)

    recs = {r["id"]: r for r in spec.get("recommendations", []) or []}

    def action_table(table: dict) -> None:
        cols = table["columns"]
        roles = [c["role"] for c in cols]
        t = d.add_table(rows=0, cols=len(cols))
        if table.get("ruled", True):  # unruled: the template's plain table, no borders
            t.style = "Table Grid"
        if table.get("header_top"):
            row = t.add_row()
            repeat_header(row)
            top = table["header_top"]
            c = 0
            while c < len(cols):
                text = top[c]
                span = 1
                while c + span < len(cols) and top[c + span] == "" and text and table.get("header_span", {}).get(text, 1) > span:
                    span += 1
                cell = row.cells[c] if span == 1 else row.cells[c].merge(row.cells[c + span - 1])
                fill(cell, [text], bold=True)
                c += span
        row = t.add_row()
        repeat_header(row)
        for c, col in enumerate(cols):
            fill(row.cells[c], [col["header"]], bold=True)
        if table.get("header_top"):  # vertical merge of header cells with no top text
            top_row, bottom_row = t.rows[0], t.rows[1]
            for c, text in enumerate(table["header_top"]):
                if text == cols[c]["header"]:
                    merged = top_row.cells[c].merge(bottom_row.cells[c])
                    for p in merged.paragraphs[1:]:
                        p._p.getparent().remove(p._p)
        bullets = table.get("bullets", True)
        for theme in table["themes"]:
            if table.get("theme_style") == "row":
                row = t.add_row()
                merged = row.cells[0].merge(row.cells[-1])
                fill(merged, [theme["label"]], bold=True)
                if theme.get("shade"):
                    shade(merged, theme["shade"])
            theme_rows = []
            for a in theme["actions"]:
                action_rows = []
                for k, values in enumerate(action_cells(table, theme, a, False)):
                    row = t.add_row()
                    theme_rows.append(row)
                    action_rows.append(row)
                    for c, role in enumerate(roles):
                        if role == "theme":
                            continue
                        if role == "step_table":
                            if values.get("lead"):
                                fill(row.cells[c], values["lead"], bold=True)
                            if values.get("step_table"):
                                cell = row.cells[c]
                                inner = cell.add_table(rows=0, cols=2)
                                inner.style = "Table Grid"
                                for st, sd in values["step_table"]:
                                    ir = inner.add_row()
                                    ir.cells[0].text = st
                                    ir.cells[1].text = sd
                                cell.add_paragraph("")
                            continue
                        paras = values.get(role, [])
                        if role == "steps" and values.get("lead"):
                            fill(row.cells[c], values["lead"], bold=True)
                            for text in paras:
                                p = row.cells[c].add_paragraph(style=d.styles["List Bullet"] if bullets else None)
                                p.add_run(text)
                            continue
                        fill(row.cells[c], paras, bullets and role in ("steps", "targets") and len(paras) > 1)
                        if role == "status" and a.get("fill") and k == 0:
                            shade(row.cells[c], a["fill"])
                if table.get("merge_action_rows") and len(action_rows) > 1:
                    for c, role in enumerate(roles):
                        if role in table["merge_action_rows"]:
                            action_rows[0].cells[c].merge(action_rows[-1].cells[c])
            if table.get("theme_style") == "merged" and theme_rows:
                c = roles.index("theme")
                top, bottom = theme_rows[0].cells[c], theme_rows[-1].cells[c]
                merged = top.merge(bottom) if top._tc is not bottom._tc else top
                fill(merged, [theme.get("label", theme["name"])], bold=True)

    for block in spec.get("blocks", []):
        if "heading" in block:
            d.add_heading(block["heading"]["text"], level=block["heading"].get("level", 2))
        elif "para" in block:
            d.add_paragraph(block["para"])
        elif "numbered" in block:
            for item in block["numbered"]:
                d.add_paragraph(item)
        elif "bullets" in block:
            for item in block["bullets"]:
                text_, subs = (item, []) if isinstance(item, str) else (item["text"], item["subs"])
                d.add_paragraph(text_, style=d.styles["List Bullet"])
                for sub in subs:
                    d.add_paragraph(sub, style=d.styles["List Bullet 2"])
        elif "table" in block:
            tb = block["table"]
            t = d.add_table(rows=1, cols=len(tb["header"]))
            t.style = "Table Grid"
            for c, h in enumerate(tb["header"]):
                fill(t.rows[0].cells[c], [h], bold=True)
            for r in tb["rows"]:
                row = t.add_row()
                for c, v in enumerate(r):
                    if isinstance(v, str):
                        fill(row.cells[c], [v])
                        continue
                    for k, (text_, bulleted) in enumerate(_rich_parts(v)):
                        p = row.cells[c].paragraphs[0] if k == 0 else row.cells[c].add_paragraph()
                        if bulleted:
                            p.style = d.styles["List Bullet"]
                        p.add_run(text_)
            d.add_paragraph("")
        elif "actions" in block:
            table = block["actions"]
            if table.get("theme_style") == "heading":
                for theme in table["themes"]:
                    d.add_heading(theme["label"], level=2)
                    action_table({**table, "themes": [theme], "theme_style": "none"})
                    d.add_paragraph("")
            else:
                action_table(table)
                d.add_paragraph("")
        elif "recs_list" in block:
            rl = block["recs_list"]
            for section in rl["sections"]:
                if section.get("heading", True) and section.get("name"):
                    d.add_heading(section["name"], level=rl.get("level", 2))
                for para in section.get("intro", []):
                    d.add_paragraph(para)
                for n, item in enumerate(section["items"], start=1):
                    # a typed number, as such lists usually are in council documents
                    d.add_paragraph(rec_list_line(rl, n, recs[item["id"]], item))
        elif "recs_table" in block:
            rt = block["recs_table"]
            cols = rt["columns"]
            t = d.add_table(rows=1, cols=len(cols))
            t.style = "Table Grid"
            repeat_header(t.rows[0])
            for c, col in enumerate(cols):
                fill(t.rows[0].cells[c], [col["header"]], bold=True)
            for section in rt["sections"]:
                if section.get("name"):
                    row = t.add_row()
                    merged = row.cells[0].merge(row.cells[-1])
                    fill(merged, [section["name"]], bold=True)
                for item in section["items"]:
                    row = t.add_row()
                    for c, v in enumerate(rec_cells(rt, recs[item["id"]], item)):
                        fill(row.cells[c], [v])
            d.add_paragraph("")
        elif any(kind in block for kind in FAMILY_BLOCKS):
            docx_family_block(d, block, fill, shade, repeat_header)
    for style_name in ("Normal",):
        d.styles[style_name].font.size = Pt(10)
    buf = io.BytesIO()
    d.save(buf)
    path.write_bytes(_deterministic_zip(buf.getvalue()))


# ---------------------------------------------------------------------------------------------
# pdf
# ---------------------------------------------------------------------------------------------


def render_pdf(spec: dict, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = ParagraphStyle("cell", parent=styles["BodyText"], fontSize=9, leading=11)
    text = styles["BodyText"]
    h1, h2, h3 = styles["Heading1"], styles["Heading2"], styles["Heading3"]
    heads = {1: h1, 2: h2, 3: h3}
    size = landscape(A4) if spec.get("landscape") else A4
    width = size[0] - 72
    story: list = [Paragraph(escape(spec["title"]), h1)]
    for line in spec.get("front", []) or []:
        story.append(Paragraph(escape(line), text))
    story.append(Spacer(1, 6))
    grid = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    recs = {r["id"]: r for r in spec.get("recommendations", []) or []}

    def cell(paras: list[str], bullets: bool = False, bold: bool = False) -> list:  # type: ignore[type-arg]
        out = []
        for p in paras:
            if not p:
                continue
            t = escape(p)
            if bold:
                t = f"<b>{t}</b>"
            out.append(Paragraph(t, body, bulletText="•") if bullets else Paragraph(t, body))
        return out

    def widths(cols: list[dict]) -> list[float]:
        w = [float(c.get("width", 1)) for c in cols]
        return [width * x / sum(w) for x in w]

    def action_table(table: dict) -> None:
        cols = table["columns"]
        roles = [c["role"] for c in cols]
        data: list = []
        ruled = table.get("ruled", True)  # unruled: no rules and no fills (whitespace-aligned)
        style = list(grid) if ruled else [("VALIGN", (0, 0), (-1, -1), "TOP")]
        header_rows = 1
        if table.get("header_top"):
            header_rows = 2
            top = table["header_top"]
            data.append([cell([h], bold=True) if h else "" for h in top])
            for c, h in enumerate(top):
                if h and h == cols[c]["header"]:
                    style.append(("SPAN", (c, 0), (c, 1)))
                elif h and table.get("header_span", {}).get(h, 1) > 1:
                    style.append(("SPAN", (c, 0), (c + table["header_span"][h] - 1, 0)))
            data.append([cell([c["header"]], bold=True) if top[i] != c["header"] else ""
                         for i, c in enumerate(cols)])
        else:
            data.append([cell([c["header"]], bold=True) for c in cols])
        if ruled:
            style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#D9D9D9")))
        bullets = table.get("bullets", True)
        for theme in table["themes"]:
            if table.get("theme_style") == "row":
                data.append([cell([theme["label"]], bold=True)] + [""] * (len(cols) - 1))
                style.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
                if theme.get("shade") and ruled:
                    style.append(("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), colors.HexColor(theme["shade"])))
            start = len(data)
            for a in theme["actions"]:
                a_start = len(data)
                for k, values in enumerate(action_cells(table, theme, a, False)):
                    row = []
                    for role in roles:
                        if role == "theme":
                            row.append("")
                        elif role == "step_table":
                            rows = values.get("step_table") or []
                            if rows:
                                inner = Table([[cell([s]), cell([dd])] for s, dd in rows],
                                              colWidths=[widths(cols)[roles.index("step_table")] * 0.7 - 6,
                                                         widths(cols)[roles.index("step_table")] * 0.3 - 6],
                                              style=TableStyle(grid))
                                row.append(cell(values.get("lead", []), bold=True) + [inner])
                            else:
                                row.append(cell(values.get("lead", []), bold=True))
                        else:
                            paras = values.get(role, [])
                            if role == "steps" and values.get("lead"):
                                row.append(cell(values["lead"], bold=True) + cell(paras, bullets))
                                continue
                            row.append(cell(paras, bullets and role in ("steps", "targets") and len(paras) > 1))
                    data.append(row)
                    if a.get("fill") and k == 0 and "status" in roles:
                        c = roles.index("status")
                        style.append(("BACKGROUND", (c, len(data) - 1), (c, len(data) - 1), colors.HexColor(a["fill"])))
                if table.get("merge_action_rows") and len(data) - a_start > 1:
                    for c, role in enumerate(roles):
                        if role in table["merge_action_rows"]:
                            style.append(("SPAN", (c, a_start), (c, len(data) - 1)))
            if table.get("theme_style") == "merged":
                c = roles.index("theme")
                data[start][c] = cell([theme.get("label", theme["name"])], bold=True)
                style.append(("SPAN", (c, start), (c, len(data) - 1)))
        story.append(Table(data, colWidths=widths(cols), repeatRows=header_rows, style=TableStyle(style),
                           splitInRow=1 if spec.get("pdf_split_in_row") else 0))
        story.append(Spacer(1, 8))

    for block in spec.get("blocks", []):
        if "heading" in block:
            story.append(Paragraph(escape(block["heading"]["text"]), heads[block["heading"].get("level", 2)]))
        elif "para" in block:
            story.append(Paragraph(escape(block["para"]), text))
        elif "numbered" in block:
            for item in block["numbered"]:
                story.append(Paragraph(escape(item), text))
        elif "table" in block:
            tb = block["table"]
            data = [cell([h], bold=True) for h in tb["header"]]
            rows = [data] + [[cell([v]) if isinstance(v, str) else
                              [q for t_, b_ in _rich_parts(v) for q in cell([t_], b_)] for v in r] for r in tb["rows"]]
            default = [0.3, 0.7] if len(tb["header"]) == 2 and tb.get("split_rows") else [1] * len(tb["header"])
            w = [float(x) for x in tb.get("widths", default)]  # default: equal columns
            story.append(Table(rows, colWidths=[width * x / sum(w) for x in w], repeatRows=1,
                               style=TableStyle(grid), splitInRow=1 if tb.get("split_rows") else 0))
            story.append(Spacer(1, 8))
        elif "bullets" in block:
            nested = ParagraphStyle("nested", parent=text, leftIndent=36, bulletIndent=24)
            for item in block["bullets"]:
                text_, subs = (item, []) if isinstance(item, str) else (item["text"], item["subs"])
                story.append(Paragraph(escape(text_), text, bulletText=block.get("glyph", "•")))
                for sub in subs:
                    story.append(Paragraph(escape(sub), nested, bulletText=block.get("glyph", "•")))
        elif "actions" in block:
            table = block["actions"]
            if table.get("theme_style") == "heading":
                for theme in table["themes"]:
                    story.append(Paragraph(escape(theme["label"]), h2))
                    action_table({**table, "themes": [theme], "theme_style": "none"})
            else:
                action_table(table)
        elif "recs_list" in block:
            rl = block["recs_list"]
            for section in rl["sections"]:
                if section.get("heading", True) and section.get("name"):
                    story.append(Paragraph(escape(section["name"]), heads[rl.get("level", 2)]))
                for para in section.get("intro", []):
                    story.append(Paragraph(escape(para), text))
                for n, item in enumerate(section["items"], start=1):
                    story.append(Paragraph(escape(rec_list_line(rl, n, recs[item["id"]], item)), text))
        elif "recs_table" in block:
            rt = block["recs_table"]
            cols = rt["columns"]
            data = [[cell([c["header"]], bold=True) for c in cols]]
            style = list(grid)
            for section in rt["sections"]:
                if section.get("name"):
                    data.append([cell([section["name"]], bold=True)] + [""] * (len(cols) - 1))
                    style.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
                for item in section["items"]:
                    data.append([cell([v]) for v in rec_cells(rt, recs[item["id"]], item)])
            story.append(Table(data, colWidths=widths(cols), repeatRows=1, style=TableStyle(style)))
            story.append(Spacer(1, 8))
        elif any(kind in block for kind in FAMILY_BLOCKS):
            story += pdf_family_block(block, width, cell, heads, text)

    def running(canvas, _doc) -> None:  # type: ignore[no-untyped-def]
        # A running header in the top margin on every page (an inspectorate's name, say).
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(36, size[1] - 24, spec["running_header"])
        canvas.restoreState()

    extra = {"onFirstPage": running, "onLaterPages": running} if spec.get("running_header") else {}
    SimpleDocTemplate(str(path), pagesize=size, invariant=1, title=spec["title"], author="corpus",
                      leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36).build(story, **extra)


# ---------------------------------------------------------------------------------------------
# layout families of issue #14. Two ride on the ``actions`` block: a response matrix (a column of
# role ``response`` printing the action's ``response`` paragraphs; dates stated in it are listed
# under ``dates``) and an unruled table (``ruled: false``). Three are blocks of their own, each
# holding ``themes`` of actions like an ``actions`` block so that the gold reads them the same way:
# ``records`` (one small ruled table per action under goal headings), ``keyvalue`` (numbered
# paragraphs followed by ``Lead:``/``Timescale:``/``Progress:`` lines) and ``grouped`` (a
# numbered list grouped by section, subsection and group rows inside one table).
# ---------------------------------------------------------------------------------------------

ACTION_BLOCKS = ("actions", "records", "keyvalue", "grouped")
FAMILY_BLOCKS = ("records", "keyvalue", "grouped")


def _paras(value: Any) -> list[str]:
    """Paragraphs of a text field: a list, or a string whose paragraphs are split by blank lines."""
    if not value:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split("\n\n") if p.strip()]
    return list(value)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def prepare(spec: dict) -> None:
    """Derive what the family blocks leave implicit, in place.

    * ``records``: actions print no reference, so they are named by place - ``#1``, ``#2`` … in
      document order, as the product names the actions of tables that print none; the timeline
      word(s) (``Short-term/Medium-term``) give dates through the block's ``legend``.
    * ``grouped``: numbering restarts in every group, so the unique ref is the path
      ``<section>.<subsection letter>/<group slug>/<printed number>`` (``1.a/current-efforts/3``);
      the printed number is kept as ``printed_ref``; no owners (the Department column is blank).
    """
    positional = 0
    for block in spec.get("blocks", []):
        if "records" in block:
            rb = block["records"]
            for theme in rb["themes"]:
                for a in theme["actions"]:
                    positional += 1
                    a.setdefault("ref", f"#{positional}")
                    words = [w.strip() for w in a["timeline"].split("/")]
                    a["dates"] = [{"raw": w, "end": rb["legend"][w]["end"]} for w in words]
        elif "grouped" in block:
            g = block["grouped"]
            g["themes"] = []
            for section in g["sections"]:
                for sub in section["subsections"]:
                    path = f"{section['number']}.{sub['letter']}"
                    actions = []
                    for group in sub["groups"]:
                        for i, item in enumerate(group["items"], start=1):
                            item.update(ref=f"{path}/{slug(group['name'])}/{i}", printed_ref=str(i),
                                        title=item["text"], owners="", gold_owners=[],
                                        timescale=item.get("when"))
                            actions.append(item)
                    g["themes"].append({"ref": path, "name": sub["name"], "actions": actions})


def gold_extra(a: dict) -> dict:
    """Gold keys beyond tests/gold/README.md (score.py ignores them; they state what the product
    should also read): ``progress`` (the action prints progress text - a response or a
    ``Progress:`` line - which is neither its title nor its steps), ``partners`` (a partner agency
    column, canonical names), ``printed_ref`` and ``timescale`` (grouped lists: the number as
    printed and the word of the column holding the X, or null)."""
    extra: dict[str, Any] = {}
    if "printed_ref" in a:
        extra["printed_ref"] = a["printed_ref"]
    if "timescale" in a:
        extra["timescale"] = a["timescale"]
    if "gold_partners" in a:
        extra["partners"] = a["gold_partners"]
    if a.get("response") or a.get("progress"):
        extra["progress"] = True
    return extra


def validate_printed_dates(spec: dict) -> list[str]:
    """A date the gold takes from free text must be printed there; a legend must be printed."""
    problems = []
    for _t, _th, a in iter_actions(spec):
        printed = " ".join([a.get("title", ""), *_paras(a.get("response")), a.get("progress") or "",
                            a.get("timeline") or ""])
        for d in a.get("dates", []) or []:
            if _date(d)["raw"] not in printed:
                problems.append(f"{spec['stem']} {a['ref']}: date {_date(d)['raw']!r} is not in its text")
        for s in a.get("steps", []) or []:
            d = _date(s.get("date")) if isinstance(s, dict) else None
            if d and s.get("date_inline") is False and d["raw"] not in s["text"]:
                problems.append(f"{spec['stem']} {a['ref']}: step date {d['raw']!r} is not in the step")
    texts = [*(spec.get("front") or []), *(b["para"] for b in spec.get("blocks", []) if "para" in b)]
    for block in spec.get("blocks", []):
        for word, d in ((block.get("records") or {}).get("legend") or {}).items():
            if not any(word in t and d["raw"] in t for t in texts):
                problems.append(f"{spec['stem']}: legend {word} – {d['raw']} is printed nowhere")
    return problems


def rec_list_line(rl: dict, n: int, rec: dict, item: dict) -> str:
    """One printed item of a recommendation list: ``3. Text (JAR-2)`` or, with ``style:
    code_first``, ``JAR-3 Text`` (the code leads and nothing is numbered)."""
    if rl.get("style") == "code_first":
        return f"{rec['codes']} {item.get('text', rec['text'])}"
    return f"{n}. {rec_line(rec, item)}"


def record_values(rb: dict, a: dict) -> list[str]:
    return [str(a.get(c["field"], "")) for c in rb["columns"]]


def kv_title(kv: dict, a: dict) -> str:
    return f"{kv.get('number', '{ref}.').format(ref=a['ref'])} {a['title']}"


def kv_lines(kv: dict, a: dict) -> list[tuple[str, str]]:
    """The ``Key: value`` lines under a numbered action, in printed order."""
    lines = [(kv.get("lead_label", "Lead"), a["owners"])]
    d = _date(a.get("date"))
    if d:
        lines.append((a.get("date_label", kv.get("date_label", "Timescale")), d["raw"]))
    if a.get("progress"):
        lines.append(("Progress", a["progress"]))
    return lines


def grouped_cells(g: dict, n: int, item: dict) -> list[str]:
    return ([f"{n}. {item['text']}"] + ["X" if item.get("when") == w else "" for w in g["when_columns"]]
            + [""] * (len(g["header"]) - 1 - len(g["when_columns"])))


def grouped_rows(g: dict):
    """(kind, cells) for every printed row of a grouped table after its header: kind is
    ``section``, ``subsection``, ``group`` (one label spanning the row) or ``item``."""
    for section in g["sections"]:
        yield "section", f"{section['number']}. {section['name']}"
        for sub in section["subsections"]:
            yield "subsection", f"{sub['letter']}. {sub['name']}"
            for group in sub["groups"]:
                yield "group", group["name"]
                for n, item in enumerate(group["items"], start=1):
                    yield "item", grouped_cells(g, n, item)


def md_family_block(block: dict) -> list[str]:
    out: list[str] = []
    if "records" in block:
        rb = block["records"]
        k = len(rb["columns"])
        for theme in rb["themes"]:
            out += ["#" * rb.get("level", 2) + " " + theme["label"], ""]
            out += [x for para in theme.get("intro", []) for x in (para, "")]
            for a in theme["actions"]:
                label = f"<b>{escape(rb.get('label', 'Strategy'))}</b>"
                out += ["\t".join([label, escape(a["title"])] + [""] * (k - 2)),
                        "\t".join(f"<b>{escape(c['header'])}</b>" for c in rb["columns"]),
                        "\t".join(escape(v) for v in record_values(rb, a)), ""]
    elif "keyvalue" in block:
        kv = block["keyvalue"]
        for theme in kv["themes"]:
            if theme.get("label"):
                out += ["#" * kv.get("level", 2) + " " + theme["label"], ""]
            out += [x for para in theme.get("intro", []) for x in (para, "")]
            for a in theme["actions"]:
                out += [kv_title(kv, a), ""]
                out += [x for key, value in kv_lines(kv, a) for x in (f"{key}: {value}", "")]
                out += [x for para in a.get("after", []) for x in (para, "")]
    elif "grouped" in block:
        g = block["grouped"]
        k = len(g["header"])
        out.append("\t".join(g["header"]))
        for kind, cells in grouped_rows(g):
            if kind == "item":
                out.append("\t".join(escape(c) for c in cells))
            else:
                out.append("\t".join([f"<b>{escape(cells)}</b>"] + [""] * (k - 1)))
        out.append("")
    return out


def docx_family_block(d, block: dict, fill, shade, repeat_header) -> None:  # type: ignore[no-untyped-def]
    if "records" in block:
        rb = block["records"]
        k = len(rb["columns"])
        for theme in rb["themes"]:
            d.add_heading(theme["label"], level=rb.get("level", 2))
            for para in theme.get("intro", []):
                d.add_paragraph(para)
            for a in theme["actions"]:
                t = d.add_table(rows=3, cols=k)
                t.style = "Table Grid"
                fill(t.rows[0].cells[0], [rb.get("label", "Strategy")], bold=True)
                shade(t.rows[0].cells[0], rb.get("label_shade", "#BDD7EE"))
                fill(t.rows[0].cells[1].merge(t.rows[0].cells[k - 1]), [a["title"]])
                for c, col in enumerate(rb["columns"]):
                    fill(t.rows[1].cells[c], [col["header"]], bold=True)
                    shade(t.rows[1].cells[c], rb.get("header_shade", "#DEEAF6"))
                for c, v in enumerate(record_values(rb, a)):
                    fill(t.rows[2].cells[c], [v])
                d.add_paragraph("")
    elif "keyvalue" in block:
        kv = block["keyvalue"]
        for theme in kv["themes"]:
            if theme.get("label"):
                d.add_heading(theme["label"], level=kv.get("level", 2))
            for para in theme.get("intro", []):
                d.add_paragraph(para)
            for a in theme["actions"]:
                d.add_paragraph().add_run(kv_title(kv, a)).bold = True
                for key, value in kv_lines(kv, a):
                    p = d.add_paragraph()
                    p.add_run(f"{key}:").bold = True
                    p.add_run(f" {value}")
                for para in a.get("after", []):
                    d.add_paragraph(para)
    elif "grouped" in block:
        g = block["grouped"]
        k = len(g["header"])
        t = d.add_table(rows=1, cols=k)
        t.style = "Table Grid"
        repeat_header(t.rows[0])
        for c, h in enumerate(g["header"]):
            fill(t.rows[0].cells[c], [h], bold=True)
            shade(t.rows[0].cells[c], "#D9D9D9")
        for kind, cells in grouped_rows(g):
            row = t.add_row()
            if kind == "item":
                for c, v in enumerate(cells):
                    fill(row.cells[c], [v])
                continue
            merged = row.cells[0].merge(row.cells[k - 1])
            fill(merged, [cells], bold=True)
            if kind != "group":
                shade(merged, {"section": "#C6E0B4", "subsection": "#E2EFDA"}[kind])
        d.add_paragraph("")


def pdf_family_block(block: dict, width: float, cell, heads: dict, text) -> list[Any]:  # type: ignore[no-untyped-def]
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    story: list[Any] = []
    grid = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if "records" in block:
        rb = block["records"]
        cols = rb["columns"]
        k = len(cols)
        w = [float(c.get("width", 1)) for c in cols]
        col_widths = [width * x / sum(w) for x in w]
        for theme in rb["themes"]:
            story.append(Paragraph(escape(theme["label"]), heads[rb.get("level", 2)]))
            for para in theme.get("intro", []):
                story.append(Paragraph(escape(para), text))
            story.append(Spacer(1, 4))
            for a in theme["actions"]:
                data = [[cell([rb.get("label", "Strategy")], bold=True), cell([a["title"]])] + [""] * (k - 2),
                        [cell([c["header"]], bold=True) for c in cols],
                        [cell([v]) for v in record_values(rb, a)]]
                style = grid + [("SPAN", (1, 0), (k - 1, 0)),
                                ("BACKGROUND", (0, 0), (0, 0), colors.HexColor(rb.get("label_shade", "#BDD7EE"))),
                                ("BACKGROUND", (0, 1), (-1, 1), colors.HexColor(rb.get("header_shade", "#DEEAF6")))]
                story.append(KeepTogether([Table(data, colWidths=col_widths, style=TableStyle(style)), Spacer(1, 8)]))
    elif "keyvalue" in block:
        kv = block["keyvalue"]
        title_style = ParagraphStyle("kv-title", parent=text, spaceBefore=12)
        for theme in kv["themes"]:
            if theme.get("label"):
                story.append(Paragraph(escape(theme["label"]), heads[kv.get("level", 2)]))
            for para in theme.get("intro", []):
                story.append(Paragraph(escape(para), text))
            for a in theme["actions"]:
                story.append(Paragraph(f"<b>{escape(kv_title(kv, a))}</b>", title_style))
                for key, value in kv_lines(kv, a):
                    story.append(Paragraph(f"<b>{escape(key)}:</b> {escape(value)}", text))
                for para in a.get("after", []):
                    story.append(Paragraph(escape(para), text))
    elif "grouped" in block:
        g = block["grouped"]
        k = len(g["header"])
        w = [float(x) for x in g.get("widths", [4] + [0.7] * (k - 1))]
        col_widths = [width * x / sum(w) for x in w]
        data: list = [[cell([h], bold=True) for h in g["header"]]]
        style = grid + [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9D9D9")),
                        ("ALIGN", (1, 1), (len(g["when_columns"]), -1), "CENTER")]
        for kind, cells in grouped_rows(g):
            if kind == "item":
                data.append([cell([cells[0]])] + list(cells[1:]))
                continue
            data.append([cell([cells], bold=True)] + [""] * (k - 1))
            r = len(data) - 1
            style.append(("SPAN", (0, r), (-1, r)))
            if kind != "group":
                style.append(("BACKGROUND", (0, r), (-1, r),
                              colors.HexColor({"section": "#C6E0B4", "subsection": "#E2EFDA"}[kind])))
        story.append(Table(data, colWidths=col_widths, repeatRows=1, style=TableStyle(style)))
        story.append(Spacer(1, 8))
    return story


# ---------------------------------------------------------------------------------------------


def _sheets():  # type: ignore[no-untyped-def]
    """render_sheet.py (the .xlsx and .csv renderings), loaded beside this file once."""
    name = "corpus_render_sheet"
    if name not in sys.modules:
        import importlib.util

        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("render_sheet.py"))
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def build(out: Path, names: list[str] | None = None, formats: tuple[str, ...] = FORMATS) -> list[str]:
    """Write every rendering into ``out`` and the gold into ``out/gold``; returns the stems."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(exist_ok=True)
    specs = load_specs(names)
    problems = [p for s in specs for p in validate(s)]
    if problems:
        raise ValueError("corpus spec problems:\n" + "\n".join(problems))
    only: dict[str, list[str]] = {}  # documents a format does not suit (a report is no tracker)
    for spec in specs:
        stem = spec["stem"]
        formats_here = tuple(f for f in formats if f in spec.get("formats", FORMATS))
        if spec.get("formats"):
            only[stem] = list(spec["formats"])
        if "md" in formats_here:
            (out / f"{stem}.md").write_text(render_md(spec), encoding="utf-8")
        if "docx" in formats_here:
            render_docx(spec, out / f"{stem}.docx")
        if "pdf" in formats_here:
            render_pdf(spec, out / f"{stem}.pdf")
        if "xlsx" in formats_here:
            _sheets().render_xlsx(spec, out / f"{stem}.xlsx", sys.modules[__name__])
        if "csv" in formats_here:
            _sheets().render_csv(spec, out / f"{stem}.csv", sys.modules[__name__])
            (out / "gold-csv").mkdir(exist_ok=True)
            (out / "gold-csv" / f"{stem}.gold.json").write_text(
                json.dumps(_sheets().gold_csv(spec, sys.modules[__name__]), indent=1, ensure_ascii=False) + "\n",
                encoding="utf-8")
        (out / "gold" / f"{stem}.gold.json").write_text(json.dumps(gold(spec), indent=1, ensure_ascii=False) + "\n",
                                                        encoding="utf-8")
    # The formats of the documents rendered in only some (a spec's ``formats``): the gold of the
    # others holds them all.
    (out / "gold" / "formats.json").write_text(json.dumps(only, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return [s["stem"] for s in specs]


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for stem in build(Path(sys.argv[1]), sys.argv[2:] or None):
        print(stem)
