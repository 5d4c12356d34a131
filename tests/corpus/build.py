"""Render the corpus (tests/corpus/specs.py) to .md, .docx and .pdf, and write each document's gold.

    python tests/corpus/build.py OUT_DIR      # renderings in OUT_DIR/{md,docx,pdf}, gold in OUT_DIR/gold

Document and gold come from the same data, so they cannot disagree.
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from specs import PLANS, Act, Plan, Rec  # noqa: E402

# -- gold -----------------------------------------------------------------------------------------


def gold(plan: Plan) -> dict:
    actions = []
    for theme in plan.themes:
        for a in theme.actions:
            actions.append({
                "ref": a.ref, "theme_ref": theme.ref if plan.theme_style in ("row", "heading") else None,
                "title": a.title, "owners": a.gold_owners,
                "due_months": sorted({m for s in a.steps for m in s.due}),
                "optional_months": sorted({m for s in a.steps for m in s.optional}),
                "codes": a.gold_codes, "status": a.gold_status,
            })
    recs = [{"text": r.text, "codes": r.gold_codes, "sections": r.sections, "outcomes": r.gold_outcomes,
             "status": r.gold_status} for r in plan.recs]
    return {"stem": plan.stem, "doc_type": plan.doc_type, "plan_period": list(plan.period) if plan.period else None,
            "actions": actions, "recommendations": recs}


# -- cells of an action row, by role ----------------------------------------------------------------


def _title(a: Act) -> str:
    return f"{a.title} {a.codes}".strip()


FILL_WORDS = {"#FF0000": "Red", "#FFC000": "Amber", "#00B050": "Green"}


def action_rows(plan: Plan, a: Act, theme_name: str, for_text: bool = False) -> list[dict[str, list[str]]]:
    """One dict role -> paragraphs per printed row (two when the action continues on a second row)."""
    steps = a.steps[:-1] if a.continuation and len(a.steps) > 1 else a.steps
    first: dict[str, list[str]] = {
        "ref": [a.ref], "theme": [theme_name], "title": [_title(a)], "steps": [s.text for s in steps],
        "date": [s.date for s in steps if s.date], "owner": [a.owners], "target": a.targets, "status": [a.status],
    }
    if for_text and a.fill and not a.status:  # a text export keeps the legend's word, not the colour
        first["status"] = [FILL_WORDS.get(a.fill, "")]
    if "title" not in plan.roles:  # the action title leads the steps column
        first["steps"] = [_title(a)] + first["steps"]
    rows = [first]
    if a.continuation and len(a.steps) > 1:
        last = a.steps[-1]
        rows.append({"steps": [last.text], "date": [last.date] if last.date else []})
    return rows


# -- markdown (a text export with tab-separated tables, like a Word "save as text") ------------------


def _md_cell(paras: list[str], bullets: bool) -> str:
    paras = [p for p in paras if p]
    if not paras:
        return ""
    if len(paras) == 1 and not bullets:
        return escape(paras[0])
    if bullets:
        return "<ul>" + "".join(f"<li>{escape(p)}</li>" for p in paras) + "</ul>"
    return "".join(f"<p>{escape(p)}</p>" for p in paras)


def render_md(plan: Plan) -> str:
    out = [f"# **{plan.title}**", ""]
    out += [f"**{line}**" if i == 0 else line for i, line in enumerate(plan.front)] + [""]
    for para in plan.paragraphs:
        out += [para, ""]
    if plan.other_table:
        out += ["\t".join(r) for r in plan.other_table] + [""]
    if plan.themes:
        tables = [(t, [t]) for t in plan.themes] if plan.theme_style == "heading" else [(None, plan.themes)]
        for heading, themes in tables:
            if heading is not None:
                out += [f"## {heading.name}", ""]
            out.append("\t".join(plan.columns))
            for theme in themes:
                if plan.theme_style == "row":
                    out.append("\t".join([f"{theme.ref}. {theme.name}"] + [""] * (len(plan.columns) - 1)))
                for i, a in enumerate(theme.actions):
                    for row in action_rows(plan, a, theme.name if (plan.theme_style == "merged" and i == 0) else "", True):
                        cells = []
                        for role in plan.roles:
                            paras = row.get(role, [])
                            cells.append(_md_cell(paras, bullets=role == "steps" and len(paras) > 1))
                        out.append("\t".join(cells))
            out.append("")
    if plan.recs:
        if plan.appendix_title:
            out += [f"## {plan.appendix_title}", ""]
        if plan.rec_style == "table":
            out.append("\t".join(plan.rec_columns))
            for section in _sections(plan):
                out.append("\t".join([f"<b>{escape(section)}</b>"] + [""] * (len(plan.rec_columns) - 1)))
                for r, text in _recs_in(plan, section):
                    out.append("\t".join([escape(text), r.codes, r.outcomes_printed, "", r.status]))
            out.append("")
        else:
            for section in _sections(plan):
                if not plan.appendix_title:
                    out += [f"## {section}", ""]
                for n, (r, text) in enumerate(_recs_in(plan, section), start=1):
                    out += [f"{n}. {text} {r.codes} {r.outcomes_printed}".strip(), ""]
    return "\n".join(out) + "\n"


def _sections(plan: Plan) -> list[str]:
    seen: list[str] = []
    for r in plan.recs:
        for s in r.sections:
            if s not in seen:
                seen.append(s)
    return seen


def _recs_in(plan: Plan, section: str) -> list[tuple[Rec, str]]:
    out = []
    for r in plan.recs:
        if section in r.sections:
            text = r.slip if (r.slip and r.sections.index(section) > 0) else r.text
            out.append((r, text))
    return out


# -- docx -----------------------------------------------------------------------------------------------


def render_docx(plan: Plan, path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    d = docx.Document()
    d.core_properties.author = "plan-extract corpus"
    if plan.landscape and plan.themes:
        sec = d.sections[0]
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
        sec.left_margin = sec.right_margin = Cm(1.5)
    d.add_heading(plan.title, level=1)
    for i, line in enumerate(plan.front):
        p = d.add_paragraph()
        p.add_run(line).bold = i == 0
    for para in plan.paragraphs:
        d.add_paragraph(para)

    def shade(cell, colour: str) -> None:  # type: ignore[no-untyped-def]
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:fill"), colour.lstrip("#"))
        cell._tc.get_or_add_tcPr().append(shd)

    def fill_cell(cell, paras: list[str], bullets: bool) -> None:  # type: ignore[no-untyped-def]
        paras = [p for p in paras if p]
        cell.text = ""
        for i, text in enumerate(paras):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.add_run(("• " if bullets else "") + text)

    if plan.other_table:
        t = d.add_table(rows=len(plan.other_table), cols=len(plan.other_table[0]))
        t.style = "Table Grid"
        for r, values in enumerate(plan.other_table):
            for c, v in enumerate(values):
                t.cell(r, c).text = v
    if plan.themes:
        groups = [(t, [t]) for t in plan.themes] if plan.theme_style == "heading" else [(None, plan.themes)]
        for heading, themes in groups:
            if heading is not None:
                d.add_heading(heading.name, level=2)
            t = d.add_table(rows=1, cols=len(plan.columns))
            t.style = "Table Grid"
            for c, h in enumerate(plan.columns):
                t.cell(0, c).text = h
                t.cell(0, c).paragraphs[0].runs[0].bold = True
            trpr = t.rows[0]._tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:tblHeader"))
            for theme in themes:
                if plan.theme_style == "row":
                    row = t.add_row()
                    merged = row.cells[0].merge(row.cells[-1])
                    merged.text = f"{theme.ref}. {theme.name}"
                    merged.paragraphs[0].runs[0].bold = True
                first_theme_row = None
                for a in theme.actions:
                    for k, values in enumerate(action_rows(plan, a, "")):
                        row = t.add_row()
                        if first_theme_row is None:
                            first_theme_row = row
                        for c, role in enumerate(plan.roles):
                            paras = values.get(role, [])
                            fill_cell(row.cells[c], paras, bullets=role == "steps" and len(paras) > 1)
                            if role == "status" and a.fill and k == 0:
                                shade(row.cells[c], a.fill)
                if plan.theme_style == "merged" and first_theme_row is not None:
                    col = plan.roles.index("theme")
                    top = first_theme_row.cells[col]
                    bottom = t.rows[-1].cells[col]
                    merged = top.merge(bottom) if top._tc is not bottom._tc else top
                    merged.text = theme.name
    if plan.recs:
        if plan.appendix_title:
            d.add_heading(plan.appendix_title, level=2)
        if plan.rec_style == "table":
            t = d.add_table(rows=1, cols=len(plan.rec_columns))
            t.style = "Table Grid"
            for c, h in enumerate(plan.rec_columns):
                t.cell(0, c).text = h
            for section in _sections(plan):
                row = t.add_row()
                merged = row.cells[0].merge(row.cells[-1])
                merged.text = section
                merged.paragraphs[0].runs[0].bold = True
                for r, text in _recs_in(plan, section):
                    row = t.add_row()
                    for c, v in enumerate([text, r.codes, r.outcomes_printed, "", r.status]):
                        row.cells[c].text = v
        else:
            for section in _sections(plan):
                if not plan.appendix_title:
                    d.add_heading(section, level=2)
                for r, text in _recs_in(plan, section):
                    d.add_paragraph(f"{text} {r.codes} {r.outcomes_printed}".strip(), style="List Number")
    d.save(str(path))


# -- pdf ----------------------------------------------------------------------------------------------------


def render_pdf(plan: Plan, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    body, h1, h2 = styles["BodyText"], styles["Heading1"], styles["Heading2"]
    size = landscape(A4) if plan.landscape and plan.themes else A4
    story = [Paragraph(escape(plan.title), h1)]
    for i, line in enumerate(plan.front):
        story.append(Paragraph(f"<b>{escape(line)}</b>" if i == 0 else escape(line), body))
    for para in plan.paragraphs:
        story.append(Paragraph(escape(para), body))
    story.append(Spacer(1, 8))

    def cell(paras: list[str], bullets: bool) -> list:  # type: ignore[type-arg]
        return [Paragraph(("• " if bullets else "") + escape(p), body) for p in paras if p]

    grid = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if plan.other_table:
        story.append(Table([[Paragraph(escape(v), body) for v in r] for r in plan.other_table], style=TableStyle(grid)))
    if plan.themes:
        width = size[0] - 72
        groups = [(t, [t]) for t in plan.themes] if plan.theme_style == "heading" else [(None, plan.themes)]
        for heading, themes in groups:
            if heading is not None:
                story.append(Paragraph(escape(heading.name), h2))
            data = [[Paragraph(f"<b>{escape(h)}</b>", body) for h in plan.columns]]
            style = list(grid)
            for theme in themes:
                if plan.theme_style == "row":
                    data.append([Paragraph(f"<b>{escape(theme.ref or '')}. {escape(theme.name)}</b>", body)]
                                + [""] * (len(plan.columns) - 1))
                    style.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
                start = len(data)
                for a in theme.actions:
                    for k, values in enumerate(action_rows(plan, a, "")):
                        data.append([cell(values.get(role, []), role == "steps" and len(values.get(role, [])) > 1)
                                     for role in plan.roles])
                        if a.fill and k == 0 and "status" in plan.roles:
                            col = plan.roles.index("status")
                            style.append(("BACKGROUND", (col, len(data) - 1), (col, len(data) - 1), colors.HexColor(a.fill)))
                if plan.theme_style == "merged":
                    col = plan.roles.index("theme")
                    data[start][col] = cell([theme.name], False)
                    style.append(("SPAN", (col, start), (col, len(data) - 1)))
            story.append(Table(data, colWidths=[width / len(plan.columns)] * len(plan.columns), repeatRows=1,
                               style=TableStyle(style)))
    if plan.recs:
        if plan.appendix_title:
            story.append(Paragraph(escape(plan.appendix_title), h2))
        if plan.rec_style == "table":
            data = [[Paragraph(f"<b>{escape(h)}</b>", body) for h in plan.rec_columns]]
            style = list(grid)
            for section in _sections(plan):
                data.append([Paragraph(f"<b>{escape(section)}</b>", body)] + [""] * (len(plan.rec_columns) - 1))
                style.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
                for r, text in _recs_in(plan, section):
                    data.append([Paragraph(escape(v), body) for v in (text, r.codes, r.outcomes_printed, "", r.status)])
            story.append(Table(data, repeatRows=1, style=TableStyle(style)))
        else:
            for section in _sections(plan):
                if not plan.appendix_title:
                    story.append(Paragraph(escape(section), h2))
                for n, (r, text) in enumerate(_recs_in(plan, section), start=1):
                    story.append(Paragraph(escape(f"{n}. {text} {r.codes} {r.outcomes_printed}".strip()), body))
    SimpleDocTemplate(str(path), pagesize=size, invariant=1, title=plan.title).build(story)


def build(out: Path) -> dict[str, Path]:
    folders = {fmt: out / fmt for fmt in ("md", "docx", "pdf")}
    for folder in [*folders.values(), out / "gold"]:
        folder.mkdir(parents=True, exist_ok=True)
    for plan in PLANS:
        (folders["md"] / f"{plan.stem}.md").write_text(render_md(plan), encoding="utf-8")
        render_docx(plan, folders["docx"] / f"{plan.stem}.docx")
        render_pdf(plan, folders["pdf"] / f"{plan.stem}.pdf")
        (out / "gold" / f"{plan.stem}.gold.json").write_text(json.dumps(gold(plan), indent=1), encoding="utf-8")
    return folders


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
    for fmt, folder in build(target).items():
        print(fmt, folder)
