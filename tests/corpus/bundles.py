"""Inspection-report bundles: one YAML file holds a report, the action plan that answers it, and the
recommendations both print, so the documents and their gold (recommendations with codes and due
dates, the plan's actions, the links between them, the coverage gaps) come from one data structure.

    bundle: quarrendon-jar
    recommendations: [{id, text, subs?}]     # printed once by the report, answered by the plan
    report:  {stem, title, front, inspectorate, family, setting, inspection, published, judgement,
              blocks: [... {report_recs: {heading, lead?, style, groups: [{name?, due?, lead?,
                              addressee?, items: [id, ...]}]}} ...]}
    plan:    {stem, title, ..., blocks: [{actions: ...}, {plan_recs: {heading, items: [id]}}]}
             # a plan spec; an action has answers: [id, ...] and cite: column | text | quote (how it
             # names them); plan_recs lists recommendations with their codes (a matrix appendix)

``expand`` turns a bundle into two ordinary specs: the report's ``report_recs`` become primitive
blocks (heading, para, bullets, numbered, table) and its ``recommendations`` gold; each action's
printed codes (or quoted text) are made from the recommendations it answers, and the plan's gold
gets ``links`` and ``unmatched_codes``. A recommendation's code is the report's family and its
printed label, or for unlabelled items the running number of unlabelled items (or the group's
prefix and its place in the group: ``M2``).
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "nine": 9, "twelve": 12}


def check_due(group: str, published: str, due: str | None) -> str | None:
    """An independent reading of the group's timescale against the spec's hand-written due date."""
    p = dt.date.fromisoformat(published)
    name = group.lower()
    want: dt.date | None = None
    if "immediate" in name:
        want = p
    elif m := re.search(r"within (\w+) months?", name):
        want = p + relativedelta(months=_NUMBERS.get(m[1]) or int(m[1]))
    got = dt.date.fromisoformat(due) if due else None
    if got != want:
        return f"group {group!r}: spec due {got} but {published} + timescale gives {want}"
    return None


def _rec_text(rec: dict) -> str:
    subs = rec.get("subs") or []
    return f"{rec['text']} {'; '.join(subs)}" if subs else rec["text"]


def _codes(report: dict, recs: dict[str, dict]) -> dict[str, dict]:
    """Every placed recommendation's label, code, group, due date and addressee, in printed order."""
    out: dict[str, dict] = {}
    running = 0
    for block in report["blocks"]:
        rr = block.get("report_recs")
        if not rr:
            continue
        for group in rr["groups"]:
            in_group = 0
            for n, rid in enumerate(group["items"], start=1):
                label = None
                if rr["style"] in ("numbered", "labelled"):
                    label = f"{rr.get('label_prefix', '')}{group.get('start', 1) + n - 1}"
                    code_label = label
                elif group.get("prefix"):
                    in_group += 1
                    code_label = f"{group['prefix']}{in_group}"
                else:
                    running += 1
                    code_label = str(running)
                due = group.get("due")
                out[rid] = {
                    "label": label, "code": f"{report['family']}-{code_label}", "group": group.get("name"),
                    "section": rr["heading"], "due": due, "addressee": recs[rid].get("addressee", group.get("addressee")),
                    "page_style": rr["style"],
                }
    return out


def _report_blocks(report: dict, recs: dict[str, dict]) -> list[dict]:
    blocks: list[dict] = []
    for block in report["blocks"]:
        rr = block.get("report_recs")
        if not rr:
            blocks.append(block)
            continue
        blocks.append({"heading": {"level": 2, "text": rr["heading"]}})
        if rr.get("lead"):
            blocks.append({"para": rr["lead"]})
        for group in rr["groups"]:
            if group.get("name"):
                blocks.append({"heading": {"level": 3, "text": group["name"] + (":" if rr.get("colon") else "")}})
            if group.get("lead"):
                blocks.append({"para": group["lead"]})
            items = [recs[rid] for rid in group["items"]]
            if rr["style"] == "bullets":  # sub-items as nested bullets under their item
                blocks.append({"bullets": [{"text": r["text"], "subs": r["subs"]} if r.get("subs") else r["text"]
                                           for r in items], "glyph": rr.get("glyph", "•")})
            elif rr["style"] in ("numbered", "labelled"):
                sep = ". " if rr["style"] == "numbered" else " "
                blocks.append({"numbered": [f"{rr.get('label_prefix', '')}{group.get('start', 1) + n}{sep}{r['text']}"
                                            for n, r in enumerate(items)]})
            elif rr["style"] == "table":
                header = rr["header"]
                rows = []
                for r in items:
                    cell = [r["text"]] + ([{"bullets": r["subs"]}] if r.get("subs") else [])
                    rows.append([r.get("addressee", group.get("addressee", "")), cell] if len(header) == 2 else [cell])
                blocks.append({"table": {"header": header, "rows": rows, "split_rows": True}})
            else:
                raise ValueError(f"unknown report_recs style {rr['style']!r}")
    return blocks


def expand(bundle: dict) -> list[dict]:
    """The report spec and the plan spec of one bundle."""
    recs = {r["id"]: r for r in bundle["recommendations"]}
    report, plan = dict(bundle["report"]), dict(bundle["plan"])
    codes = _codes(report, recs)
    problems = []
    for rid, c in codes.items():
        if c["group"] and (c["due"] or "immediate" in c["group"].lower() or "within" in c["group"].lower()):
            complaint = check_due(c["group"], report["published"], c["due"])
            if complaint:
                problems.append(f"{report['stem']}: {complaint}")
    report["blocks"] = _report_blocks(report, recs)
    report["doc_type"] = "inspection_report"
    report.setdefault("formats", ["md", "docx", "pdf"])  # a report is a document, not a tracker
    report["report_gold"] = {
        "report": {k: report.get(k) for k in ("inspectorate", "family", "setting", "published", "judgement")}
        | {"inspection_start": report["inspection"][0], "inspection_end": report["inspection"][1]},
        "recommendations": [
            {"text": _rec_text(recs[rid]), "codes": [c["code"]], "sections": [c["group"] or c["section"]],
             "outcomes": [], "status": None, "label": c["label"], "code": c["code"], "group": c["group"],
             "addressee": c["addressee"], "due_month": c["due"][:7] if c["due"] else None}
            for rid, c in codes.items()
        ],
    }
    answered: set[str] = set()
    links, unmatched = [], []
    for block in plan["blocks"]:
        for theme in (block.get("actions") or {}).get("themes", []):
            for a in theme["actions"]:
                cite = a.pop("cite", None)
                answers = a.pop("answers", [])
                bogus = a.pop("bogus_codes", [])
                printed = [codes[rid]["code"] for rid in answers] + bogus
                if cite == "column":
                    a["codes"] = ", ".join(printed)
                    a["gold_codes"] = printed
                elif cite == "text":
                    a["codes"] = f"({', '.join(printed)})"
                    a["gold_codes"] = printed
                elif cite == "quote":
                    a["codes"] = " ".join(a.pop("quote", None) or _rec_text(recs[rid]) for rid in answers)
                    a["gold_codes"] = []
                method = {"column": "code_column", "text": "code_in_text", "quote": "text_match"}.get(cite)
                for rid in answers:
                    answered.add(rid)
                    links.append({"ref": a["ref"], "report": report["stem"], "code": codes[rid]["code"], "method": method})
                unmatched += [{"ref": a["ref"], "code": c} for c in bogus]
    plan_recs = []
    for k, block in enumerate(plan["blocks"]):
        pr = block.get("plan_recs")
        if not pr:
            continue
        for rid in pr["items"]:  # coded recommendations of the plan itself: R001, R002 … in order
            code = codes[rid]["code"]
            plan_recs.append({"id": rid, "text": recs[rid]["text"], "codes": f"({code})", "gold_codes": [code]})
            answered.add(rid)
            links.append({"ref": f"R{len(plan_recs):03d}", "kind": "recommendation", "report": report["stem"],
                          "code": code, "method": "code_in_text"})
        plan["blocks"][k] = {"recs_list": {"level": 2, "sections": [{"name": pr["heading"], "items": [{"id": r} for r in pr["items"]]}]}}
    if plan_recs:
        plan["recommendations"] = plan_recs
    for link in links:
        link.setdefault("kind", "action")
    plan["links_gold"] = {"links": links, "unmatched_codes": unmatched}
    report["report_gold"]["unanswered"] = [c["code"] for rid, c in codes.items() if rid not in answered]
    if problems:
        raise ValueError("bundle problems:\n" + "\n".join(problems))
    return [report, plan]
