"""Render the evaluation corpus (tests/corpus/specs/*.yaml) to .md, .docx and .pdf, plus its gold.

    python tests/corpus/build.py OUT_DIR

writes OUT_DIR/<stem>.md, OUT_DIR/<stem>.docx, OUT_DIR/<stem>.pdf for every spec and
OUT_DIR/gold/<stem>.gold.json (the format of ../shared/gold/README.md).

One YAML file per document states both what is printed and what a careful reader takes from it:

* an action's ``owners`` is the cell as printed, ``gold_owners`` the canonical names;
* every dated step/target carries ``date: {raw: "Spring 2005", end: "2005-05-31"}`` - the raw words
  are printed, ``end`` (the contract's date_end) gives the gold month; ``{raw: Ongoing}`` has no end;
  ``optional: true`` marks a month a reasonable reading may or may not give;
* codes as printed (``codes``) and as normalised (``gold_codes``);
* status as printed (``status`` word and/or ``fill`` colour) and as read (``gold_status``);
* recommendations are defined once (``recommendations:``) and placed by ``id`` in list or table
  blocks, possibly several times and with a typing slip (``text`` on the placement).

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
FORMATS = ("md", "docx", "pdf")

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
        spec.setdefault("stem", path.stem)
        if names and spec["stem"] not in names:
            continue
        specs.append(spec)
    return specs


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
    return dates


def iter_actions(spec: dict):
    """(theme, action) for every action of every action table, in printed order."""
    for block in spec.get("blocks", []):
        if "actions" in block:
            for theme in block["actions"]["themes"]:
                for action in theme["actions"]:
                    yield block["actions"], theme, action


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
    return {
        "stem": spec["stem"],
        "doc_type": spec["doc_type"],
        "plan_period": spec.get("plan_period"),
        "actions": actions,
        "recommendations": recs,
    }


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
    return problems


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
        elif "table" in block:
            t = block["table"]
            out += ["\t".join(t["header"])] + ["\t".join(r) for r in t["rows"]] + [""]
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
                for n, item in enumerate(section["items"], start=1):
                    out += [f"{n}. {rec_line(recs[item['id']], item)}", ""]
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
    return "\n".join(out) + "\n"


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
        elif "table" in block:
            tb = block["table"]
            t = d.add_table(rows=1, cols=len(tb["header"]))
            t.style = "Table Grid"
            for c, h in enumerate(tb["header"]):
                fill(t.rows[0].cells[c], [h], bold=True)
            for r in tb["rows"]:
                row = t.add_row()
                for c, v in enumerate(r):
                    fill(row.cells[c], [v])
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
                for n, item in enumerate(section["items"], start=1):
                    # a typed number, as such lists usually are in council documents
                    d.add_paragraph(f"{n}. {rec_line(recs[item['id']], item)}")
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
        style = list(grid)
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
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#D9D9D9")))
        bullets = table.get("bullets", True)
        for theme in table["themes"]:
            if table.get("theme_style") == "row":
                data.append([cell([theme["label"]], bold=True)] + [""] * (len(cols) - 1))
                style.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
                if theme.get("shade"):
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
            rows = [data] + [[cell([v]) for v in r] for r in tb["rows"]]
            story.append(Table(rows, colWidths=[width / len(tb["header"])] * len(tb["header"]), repeatRows=1,
                               style=TableStyle(grid)))
            story.append(Spacer(1, 8))
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
                for n, item in enumerate(section["items"], start=1):
                    story.append(Paragraph(escape(f"{n}. {rec_line(recs[item['id']], item)}"), text))
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
    SimpleDocTemplate(str(path), pagesize=size, invariant=1, title=spec["title"], author="corpus",
                      leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36).build(story)


# ---------------------------------------------------------------------------------------------


def build(out: Path, names: list[str] | None = None, formats: tuple[str, ...] = FORMATS) -> list[str]:
    """Write every rendering into ``out`` and the gold into ``out/gold``; returns the stems."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(exist_ok=True)
    specs = load_specs(names)
    problems = [p for s in specs for p in validate(s)]
    if problems:
        raise ValueError("corpus spec problems:\n" + "\n".join(problems))
    for spec in specs:
        stem = spec["stem"]
        if "md" in formats:
            (out / f"{stem}.md").write_text(render_md(spec), encoding="utf-8")
        if "docx" in formats:
            render_docx(spec, out / f"{stem}.docx")
        if "pdf" in formats:
            render_pdf(spec, out / f"{stem}.pdf")
        (out / "gold" / f"{stem}.gold.json").write_text(json.dumps(gold(spec), indent=1, ensure_ascii=False) + "\n",
                                                        encoding="utf-8")
    return [s["stem"] for s in specs]


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for stem in build(Path(sys.argv[1]), sys.argv[2:] or None):
        print(stem)
