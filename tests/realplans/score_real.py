#!/usr/bin/env python3
"""Score a run's datasets against the hand-checked gold of real plans and inspection reports.

usage: score_real.py OUT_DIR GOLD_DIR [--folder plans|inspections] [--json]

OUT_DIR holds documents.parquet, actions.parquet, milestones.parquet (and recommendations.parquet)
as CONTRACT.md fixes them; GOLD_DIR holds <stem>.gold.json files (README.md beside this file).
Each gold file is scored against the document whose file_name stem equals the gold stem.

Matching (each extracted row matches at most one gold row):
- a gold action with a ref that is unique in its gold file matches an extracted action whose
  action_ref (or printed_ref, where that column exists) equals it after removing spaces and a
  trailing '.'; among several such rows the one with the most similar title wins;
- gold actions without a ref, or whose ref repeats in the gold file, are then matched greedily by
  title similarity (best pairs first, rows with the same ref preferred) among the rows left, and
  only at a similarity >= 85;
- gold recommendations are matched greedily by text similarity (>= 85).
Similarity: lowercase, letters/digits only, spaces collapsed, first 120 characters of each, then
rapidfuzz.fuzz.partial_ratio (a difflib equivalent where rapidfuzz is missing); a string shorter than
10 characters is compared with the plain ratio, so that a fragment such as 'The' matches nothing.

Scores (fields over matched pairs; '-' where there is nothing to score):
- rows    F1 = 2PR/(P+R), P = matched/found, R = matched/gold (1 when both are 0)
- title   share of pairs whose title is similar (>= 85), or whose extracted title + ' ' + steps
          begins with / is similar to the gold title
- owners, partners, codes  mean set-F1, case-insensitive on letters/digits, both empty = 1
          (partners only where actions.parquet has a partners column)
- dates   mean set-F1 of due_months against the YYYY-MM of milestones.date_end of that action
          (parent_kind 'action', parent_ref = action_ref); extracted months listed in
          optional_months are ignored
- status  share of pairs with a gold status whose extracted status (lowercased) equals it
- type    1 when documents.doc_type equals the gold doc_type
- recs    F1 of recommendations; due = mean set-F1 of the gold due_month against the months of the
          milestones with parent_kind 'recommendation', parent_ref = rec_id
The ALL row is micro: rows F1 from the summed counts, fields averaged over all matched pairs.
Always exits 0.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pandas as pd

try:
    from rapidfuzz import fuzz as _fuzz
except ImportError:  # pragma: no cover - rapidfuzz is in the project venv
    _fuzz = None

ACCEPT = 85.0
PREFIX = 120
MIN_PARTIAL = 10
ACTION_FIELDS = ["title", "owners", "partners", "dates", "codes", "status"]
REC_FIELDS = ["due", "rec_codes"]


# ---------------------------------------------------------------- normalising and similarity

def norm_text(value: Any) -> str:
    """Lowercase, letters/digits only, whitespace collapsed."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return " ".join(re.sub(r"[\W_]+", " ", str(value).lower()).split())


def norm_name(value: Any) -> str:
    """Owner/partner/code key: lowercase letters and digits only."""
    return re.sub(r"[\W_]+", "", str(value or "").lower())


def norm_ref(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    ref = re.sub(r"\s+", "", str(value))
    return ref[:-1] if ref.endswith(".") else ref


def _ratio(a: str, b: str) -> float:
    if _fuzz is not None:
        return float(_fuzz.ratio(a, b))
    return 100.0 * SequenceMatcher(None, a, b, autojunk=False).ratio()


def _partial_ratio(a: str, b: str) -> float:
    if _fuzz is not None:
        return float(_fuzz.partial_ratio(a, b))
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not short:
        return 0.0
    best = 0.0
    blocks = SequenceMatcher(None, short, long_, autojunk=False).get_matching_blocks()
    for block in blocks:
        start = max(0, min(block.b - block.a, len(long_) - len(short)))
        window = long_[start:start + len(short)]
        best = max(best, SequenceMatcher(None, short, window, autojunk=False).ratio())
        if best == 1.0:
            break
    return 100.0 * best


def similarity(a: Any, b: Any) -> float:
    na, nb = norm_text(a)[:PREFIX].strip(), norm_text(b)[:PREFIX].strip()
    if not na or not nb:
        return 0.0
    if min(len(na), len(nb)) < MIN_PARTIAL:
        return _ratio(na, nb)
    return _partial_ratio(na, nb)


def as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, float) and pd.isna(value):
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in list(value) if v is not None and not (isinstance(v, float) and pd.isna(v))]


def set_f1(predicted, gold) -> float:
    p, g = set(predicted), set(gold)
    if not p and not g:
        return 1.0
    tp = len(p & g)
    if tp == 0:
        return 0.0
    precision, recall = tp / len(p), tp / len(g)
    return 2 * precision * recall / (precision + recall)


def rows_f1(matched: int, found: int, gold: int) -> float:
    if found == 0 and gold == 0:
        return 1.0
    if matched == 0:
        return 0.0
    precision, recall = matched / found, matched / gold
    return 2 * precision * recall / (precision + recall)


def month_of(value: Any) -> str | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    try:
        return pd.Timestamp(value).strftime("%Y-%m")
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- loading

def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in ("documents", "actions", "milestones", "recommendations"):
        path = Path(out_dir) / f"{name}.parquet"
        try:
            tables[name] = pd.read_parquet(path) if path.exists() else pd.DataFrame()
        except Exception as exc:  # a broken file scores as empty, the run is still reported
            print(f"warning: cannot read {path}: {exc}", file=sys.stderr)
            tables[name] = pd.DataFrame()
    return tables


def gold_folder(gold: dict) -> str:
    if gold.get("folder"):
        return str(gold["folder"])
    return "inspections" if gold.get("recommendations") and not gold.get("actions") else "plans"


def load_golds(gold_dir: Path, folder: str | None) -> dict[str, dict]:
    golds = {}
    for path in sorted(Path(gold_dir).glob("*.gold.json")):
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"warning: cannot read {path}: {exc}", file=sys.stderr)
            continue
        if folder and gold_folder(gold) != folder:
            continue
        stem = gold.get("stem") or path.name[: -len(".gold.json")]
        golds[stem] = gold
    return golds


def _subset(df: pd.DataFrame, doc_id: Any) -> pd.DataFrame:
    if df.empty or "document_id" not in df.columns:
        return pd.DataFrame()
    return df[df["document_id"] == doc_id].reset_index(drop=True)


def _milestone_months(milestones: pd.DataFrame, kind: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    if milestones.empty or "parent_ref" not in milestones.columns:
        return out
    for _, m in milestones.iterrows():
        if str(m.get("parent_kind")) != kind:
            continue
        month = month_of(m.get("date_end"))
        if month:
            out.setdefault(str(m.get("parent_ref")), set()).add(month)
    return out


# ---------------------------------------------------------------- matching

def match_actions(gold_actions: list[dict], extracted: pd.DataFrame) -> list[tuple[int, int]]:
    """Pairs (gold index, extracted index)."""
    n = len(extracted)
    titles = [extracted.at[j, "title"] if "title" in extracted.columns else "" for j in range(n)]
    ext_refs: list[set[str]] = []
    for j in range(n):
        refs = set()
        for col in ("action_ref", "printed_ref"):
            if col in extracted.columns:
                r = norm_ref(extracted.at[j, col])
                if r:
                    refs.add(r)
        ext_refs.append(refs)

    gold_refs = [norm_ref(g.get("ref")) for g in gold_actions]
    counts: dict[str, int] = {}
    for r in gold_refs:
        if r:
            counts[r] = counts.get(r, 0) + 1

    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    title_pass: list[int] = []
    for i, g in enumerate(gold_actions):
        r = gold_refs[i]
        if not r or counts[r] > 1:
            title_pass.append(i)
            continue
        candidates = [j for j in range(n) if j not in used and r in ext_refs[j]]
        if not candidates:
            continue
        best = max(candidates, key=lambda j: (similarity(g.get("title"), titles[j]), -j))
        used.add(best)
        pairs.append((i, best))

    scored = []
    for i in title_pass:
        g = gold_actions[i]
        for j in range(n):
            if j in used:
                continue
            s = similarity(g.get("title"), titles[j])
            if s >= ACCEPT:
                same_ref = bool(gold_refs[i]) and gold_refs[i] in ext_refs[j]
                scored.append((same_ref, s, -i, -j, i, j))
    scored.sort(reverse=True)
    done: set[int] = set()
    for _, _, _, _, i, j in scored:
        if i in done or j in used:
            continue
        done.add(i)
        used.add(j)
        pairs.append((i, j))
    return sorted(pairs)


def match_recs(gold_recs: list[dict], extracted: pd.DataFrame) -> list[tuple[int, int]]:
    n = len(extracted)
    texts = [extracted.at[j, "text"] if "text" in extracted.columns else "" for j in range(n)]
    scored = []
    for i, g in enumerate(gold_recs):
        for j in range(n):
            s = similarity(g.get("text"), texts[j])
            if s >= ACCEPT:
                scored.append((s, -i, -j, i, j))
    scored.sort(reverse=True)
    gi, ej, pairs = set(), set(), []
    for _, _, _, i, j in scored:
        if i in gi or j in ej:
            continue
        gi.add(i)
        ej.add(j)
        pairs.append((i, j))
    return sorted(pairs)


# ---------------------------------------------------------------- scoring

def _title_ok(gold_title: Any, row: pd.Series) -> bool:
    title = row.get("title")
    if similarity(gold_title, title) >= ACCEPT:
        return True
    steps = " ".join(str(s) for s in as_list(row.get("steps")))
    combined = f"{title or ''} {steps}".strip()
    g = norm_text(gold_title)
    if not g or not combined:
        return False
    return norm_text(combined).startswith(g[:PREFIX]) or similarity(gold_title, combined) >= ACCEPT


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def score_document(gold: dict, doc: pd.Series | None, tables: dict[str, pd.DataFrame]) -> dict:
    gold_actions = list(gold.get("actions") or [])
    gold_recs = list(gold.get("recommendations") or [])
    res: dict[str, Any] = {
        "stem": gold.get("stem"),
        "folder": gold_folder(gold),
        "file_name": None if doc is None else str(doc.get("file_name")),
        "in_run": doc is not None,
        "doc_type_gold": gold.get("doc_type"),
        "doc_type_found": None if doc is None else doc.get("doc_type"),
        "type": 0.0,
    }
    sums: dict[str, list[float]] = {f: [] for f in ACTION_FIELDS + REC_FIELDS}
    has_status = any(g.get("status") for g in gold_actions)
    if doc is None:
        actions = milestones = recs = pd.DataFrame()
    else:
        doc_id = doc.get("document_id")
        actions = _subset(tables["actions"], doc_id)
        milestones = _subset(tables["milestones"], doc_id)
        recs = _subset(tables["recommendations"], doc_id)
        res["type"] = 1.0 if gold.get("doc_type") and doc.get("doc_type") == gold.get("doc_type") else 0.0
    has_partners = "partners" in tables["actions"].columns

    # actions
    pairs = match_actions(gold_actions, actions) if len(actions) else []
    action_months = _milestone_months(milestones, "action")
    for i, j in pairs:
        g, row = gold_actions[i], actions.iloc[j]
        sums["title"].append(1.0 if _title_ok(g.get("title"), row) else 0.0)
        sums["owners"].append(set_f1({norm_name(o) for o in as_list(row.get("owners"))} - {""},
                                     {norm_name(o) for o in g.get("owners") or []} - {""}))
        if has_partners:
            sums["partners"].append(set_f1({norm_name(o) for o in as_list(row.get("partners"))} - {""},
                                           {norm_name(o) for o in g.get("partners") or []} - {""}))
        sums["codes"].append(set_f1({norm_name(c) for c in as_list(row.get("codes"))} - {""},
                                    {norm_name(c) for c in g.get("codes") or []} - {""}))
        found_months = action_months.get(str(row.get("action_ref")), set())
        found_months = found_months - set(g.get("optional_months") or [])
        sums["dates"].append(set_f1(found_months, g.get("due_months") or []))
        if g.get("status"):
            found_status = str(row.get("status") or "").strip().lower()
            sums["status"].append(1.0 if found_status == str(g["status"]).lower() else 0.0)
    res["actions"] = {
        "gold": len(gold_actions), "found": len(actions), "matched": len(pairs),
        "rows": rows_f1(len(pairs), len(actions), len(gold_actions)),
    }
    for f in ACTION_FIELDS:
        res["actions"][f] = _mean(sums[f])
        res["actions"]["n_" + f] = len(sums[f])
    if not has_status:
        res["actions"]["status"] = None
    unmatched = sorted(set(range(len(gold_actions))) - {i for i, _ in pairs})
    res["actions"]["missed"] = [gold_actions[i].get("ref") or gold_actions[i].get("title", "")[:60]
                                for i in unmatched]

    # recommendations
    rpairs = match_recs(gold_recs, recs) if len(recs) else []
    rec_months = _milestone_months(milestones, "recommendation")
    for i, j in rpairs:
        g, row = gold_recs[i], recs.iloc[j]
        want = [g["due_month"]] if g.get("due_month") else []
        sums["due"].append(set_f1(rec_months.get(str(row.get("rec_id")), set()), want))
        if "codes" in g:
            sums["rec_codes"].append(set_f1({norm_name(c) for c in as_list(row.get("codes"))} - {""},
                                            {norm_name(c) for c in g.get("codes") or []} - {""}))
    res["recs"] = {
        "gold": len(gold_recs), "found": len(recs), "matched": len(rpairs),
        "rows": rows_f1(len(rpairs), len(recs), len(gold_recs)),
        "due": _mean(sums["due"]), "n_due": len(sums["due"]),
        "codes": _mean(sums["rec_codes"]), "n_codes": len(sums["rec_codes"]),
    }
    res["_sums"] = sums
    return res


def score(out_dir: Path | str, gold_dir: Path | str, folder: str | None = None) -> dict:
    """Score OUT_DIR against the gold files in GOLD_DIR; returns the dict that --json prints."""
    tables = load_tables(Path(out_dir))
    golds = load_golds(Path(gold_dir), folder)
    docs = tables["documents"]
    by_stem: dict[str, pd.Series] = {}
    if not docs.empty and "file_name" in docs.columns:
        for _, doc in docs.sort_values("file_name").iterrows():
            by_stem.setdefault(Path(str(doc["file_name"])).stem, doc)

    results = [score_document(gold, by_stem.get(stem), tables) for stem, gold in golds.items()]

    total: dict[str, Any] = {"documents": len(results)}
    for kind in ("actions", "recs"):
        g = sum(r[kind]["gold"] for r in results)
        f = sum(r[kind]["found"] for r in results)
        m = sum(r[kind]["matched"] for r in results)
        total[kind] = {"gold": g, "found": f, "matched": m, "rows": rows_f1(m, f, g)}
    for f in ACTION_FIELDS:
        values = [v for r in results for v in r["_sums"][f]]
        total["actions"][f] = _mean(values)
        total["actions"]["n_" + f] = len(values)
    for src, dst in (("due", "due"), ("rec_codes", "codes")):
        values = [v for r in results for v in r["_sums"][src]]
        total["recs"][dst] = _mean(values)
        total["recs"]["n_" + dst] = len(values)
    total["type"] = _mean([r["type"] for r in results])
    for r in results:
        del r["_sums"]
    return {
        "out_dir": str(out_dir),
        "gold_dir": str(gold_dir),
        "folder": folder,
        "documents": {r["stem"]: r for r in results},
        "all": total,
        "missing_from_run": [r["stem"] for r in results if not r["in_run"]],
    }


# ---------------------------------------------------------------- printing

def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def format_table(result: dict) -> str:
    docs = list(result["documents"].values())
    show_recs = any(d["recs"]["gold"] for d in docs)
    show_actions = any(d["actions"]["gold"] for d in docs) or result.get("folder") != "inspections" \
        or not show_recs
    cols: list[tuple[str, Any]] = []
    if show_actions:
        cols += [("gold", lambda a, r: a["gold"]), ("found", lambda a, r: a["found"]),
                 ("rows", lambda a, r: a["rows"])]
        cols += [(f, (lambda f: lambda a, r: a[f])(f)) for f in ACTION_FIELDS]
    if show_recs:
        cols += [("recs_g", lambda a, r: r["gold"]), ("recs_f", lambda a, r: r["found"]),
                 ("recs", lambda a, r: r["rows"]), ("due", lambda a, r: r["due"])]
        if any(d["recs"]["n_codes"] for d in docs):
            cols += [("rcodes", lambda a, r: r["codes"])]
    cols += [("type", None)]
    width = max([24] + [len(d["stem"]) for d in docs] + [11])
    width = min(width, 64)
    head = f"{'document':{width}s}" + "".join(f"{name:>9s}" for name, _ in cols)
    lines = [head, "-" * len(head)]

    def line(label, a, r, type_):
        cells = [_fmt(type_) if fn is None else _fmt(fn(a, r)) for _, fn in cols]
        return f"{label[:width]:{width}s}" + "".join(f"{c:>9s}" for c in cells)

    for d in docs:
        label = d["stem"] + ("" if d["in_run"] else " (not in run)")
        lines.append(line(label, d["actions"], d["recs"], d["type"]))
    lines.append(line("ALL (micro)", result["all"]["actions"], result["all"]["recs"],
                      result["all"]["type"]))
    if result["missing_from_run"]:
        lines.append("gold documents not in the run: " + ", ".join(result["missing_from_run"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("--folder", choices=["plans", "inspections"], default=None,
                    help="score only the gold files of this folder")
    ap.add_argument("--json", action="store_true", help="print a machine-readable dict instead")
    try:
        args = ap.parse_args(argv)
    except SystemExit:
        return 0
    try:
        result = score(args.out_dir, args.gold_dir, args.folder)
    except Exception as exc:  # always exit 0: report the failure instead
        if args.json:
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        else:
            print(f"score_real: cannot score: {type(exc).__name__}: {exc}")
        return 0
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        if not result["documents"]:
            print(f"no gold files{' for folder ' + args.folder if args.folder else ''} in {args.gold_dir}")
        else:
            print(format_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
