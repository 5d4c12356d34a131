#!/usr/bin/env python3
"""Score a run's datasets against gold annotations.

usage: score.py OUTPUT_DIR GOLD_DIR [--json FILE] [--min F1]

OUTPUT_DIR holds the Parquet files of ../CONTRACT.md; GOLD_DIR holds <stem>.gold.json files.
Every document whose file stem has a gold file is scored; the others are ignored.
Prints one row per scored document, then the micro-averaged totals and a headline F1
(the mean of the field F1s). With --min, exits 1 when the headline is below it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd

FIELDS = [
    "action_rows", "action_titles", "action_owners", "action_dates", "action_codes",
    "rec_rows", "rec_codes", "rec_sections", "rec_outcomes", "status", "doc_type",
]


def norm(text) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split())


def similar(a, b) -> float:
    a, b = norm(a), norm(b)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, float) and pd.isna(value):
        return []
    return [v for v in list(value) if v is not None]


class Tally:
    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def sets(self, predicted, gold, optional=()):
        predicted, gold, optional = set(predicted), set(gold), set(optional)
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold - optional)
        self.fn += len(gold - predicted)

    def add(self, other: "Tally"):
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def f1(self) -> float | None:
        if self.tp + self.fp + self.fn == 0:
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def __str__(self):
        f1 = self.f1
        return "   -  " if f1 is None else f"{f1:6.3f}"


def months(rows: pd.DataFrame) -> set[str]:
    out = set()
    for value in rows.get("date_end", pd.Series(dtype=object)):
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
            continue
        out.add(pd.Timestamp(value).strftime("%Y-%m"))
    return out


def score_document(gold: dict, doc: pd.Series, tables: dict[str, pd.DataFrame]) -> dict[str, Tally]:
    t = {f: Tally() for f in FIELDS}
    doc_id = doc["document_id"]
    if gold.get("doc_type"):
        t["doc_type"].sets({str(doc.get("doc_type") or "")} - {""}, {gold["doc_type"]})
    actions = tables["actions"]
    actions = actions[actions["document_id"] == doc_id] if len(actions) else actions
    milestones = tables["milestones"]
    milestones = milestones[milestones["document_id"] == doc_id] if len(milestones) else milestones

    predicted = {}
    for _, row in actions.iterrows():
        predicted.setdefault(str(row["action_ref"]).strip(), row)
    gold_actions = {a["ref"]: a for a in gold.get("actions", [])}
    t["action_rows"].sets(predicted, gold_actions)
    for ref, g in gold_actions.items():
        if ref not in predicted:
            continue
        p = predicted[ref]
        ok = similar(p.get("title"), g["title"]) >= 0.9
        t["action_titles"].tp += ok
        t["action_titles"].fn += not ok
        t["action_titles"].fp += not ok
        t["action_owners"].sets({norm(o) for o in as_list(p.get("owners"))},
                                {norm(o) for o in g.get("owners", [])})
        t["action_codes"].sets(set(as_list(p.get("codes"))), set(g.get("codes", [])))
        mine = milestones
        if len(mine):
            mine = mine[(mine["parent_kind"] == "action") & (mine["parent_ref"].astype(str) == ref)]
        t["action_dates"].sets(months(mine), g.get("due_months", []), g.get("optional_months", []))
        if g.get("status"):
            t["status"].sets({str(p.get("status") or "").lower()} - {""}, {g["status"]})

    recs = tables["recommendations"]
    recs = recs[recs["document_id"] == doc_id] if len(recs) else recs
    gold_recs = list(gold.get("recommendations", []))
    used: dict[int, int] = {}
    for _, row in recs.iterrows():
        best, best_i = 0.0, None
        for i, g in enumerate(gold_recs):
            s = similar(row.get("text"), g["text"])
            if s > best:
                best, best_i = s, i
        if best_i is None or best < 0.85:
            t["rec_rows"].fp += 1
            continue
        if best_i in used:          # a second row for a recommendation already matched
            t["rec_rows"].fp += 1
            continue
        used[best_i] = 1
        g = gold_recs[best_i]
        t["rec_rows"].tp += 1
        t["rec_codes"].sets(set(as_list(row.get("codes"))), set(g.get("codes", [])))
        t["rec_sections"].sets({norm(s) for s in as_list(row.get("sections"))},
                               {norm(s) for s in g.get("sections", [])})
        t["rec_outcomes"].sets({norm(s) for s in as_list(row.get("outcomes"))},
                               {norm(s) for s in g.get("outcomes", [])})
        if g.get("status"):
            t["status"].sets({str(row.get("status") or "").lower()} - {""}, {g["status"]})
    t["rec_rows"].fn += len(gold_recs) - len(used)
    return t


def load(output_dir: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in ("documents", "actions", "milestones", "recommendations"):
        path = output_dir / f"{name}.parquet"
        tables[name] = pd.read_parquet(path) if path.exists() else pd.DataFrame()
    return tables


def headline(tallies: dict[str, Tally]) -> float:
    f1s = [t.f1 for t in tallies.values() if t.f1 is not None]
    return sum(f1s) / len(f1s) if f1s else 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output_dir", type=Path)
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("--json", type=Path, help="also write the scores here")
    ap.add_argument("--min", type=float, help="exit 1 when the headline F1 is below this")
    args = ap.parse_args(argv)

    golds = {p.name[: -len(".gold.json")]: json.loads(p.read_text())
             for p in sorted(args.gold_dir.glob("*.gold.json"))}
    tables = load(args.output_dir)
    docs = tables["documents"]
    if docs.empty:
        print(f"no documents.parquet under {args.output_dir}")
        return 1

    total = {f: Tally() for f in FIELDS}
    rows, seen = [], set()
    for _, doc in docs.sort_values("file_name").iterrows():
        stem = Path(str(doc["file_name"])).stem
        if stem not in golds:
            continue
        seen.add(stem)
        t = score_document(golds[stem], doc, tables)
        for f in FIELDS:
            total[f].add(t[f])
        rows.append((doc["file_name"], t))
    missing = sorted(set(golds) - seen)

    short = ["rows", "title", "owner", "dates", "codes", "recs", "rcode", "sect", "outc", "rag", "type"]
    print(f"{'document':44s}" + "".join(f"{s:>7s}" for s in short) + "  headline")
    for name, t in rows:
        print(f"{name[:44]:44s}" + "".join(f"{str(t[f]):>7s}" for f in FIELDS) + f"  {headline(t):.3f}")
    print(f"{'ALL (micro)':44s}" + "".join(f"{str(total[f]):>7s}" for f in FIELDS)
          + f"  {headline(total):.3f}")
    if missing:
        print("gold documents with no rendering in the run: " + ", ".join(missing))
    score = headline(total) if rows else 0.0
    if args.json:
        args.json.write_text(json.dumps({
            "headline_f1": score,
            "fields": {f: {"tp": total[f].tp, "fp": total[f].fp, "fn": total[f].fn, "f1": total[f].f1}
                       for f in FIELDS},
            "documents": {name: headline(t) for name, t in rows},
            "missing": missing,
        }, indent=2))
    print(f"headline F1 {score:.3f} over {len(rows)} renderings")
    if args.min is not None and score < args.min:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
