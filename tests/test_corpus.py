"""Our own corpus of unseen-shaped plans (tests/corpus): generated from one spec per document,
run through the real flow once per format, scored with the shared scorer (../shared/gold/score.py)
against gold computed from the same specs."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from shared_files import GOLD, gold_scorer, needs

CORPUS = Path(__file__).parent / "corpus"
FORMATS = ["md", "docx", "pdf", "xlsx", "csv"]
MIN_HEADLINE = {"xlsx": 0.99, "csv": 0.99}  # spreadsheet trackers; 0.95 for the others


def _load(name: str, path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every rendering and gold file, built once: OUT/<stem>.{md,docx,pdf,xlsx,csv}, OUT/gold/<stem>.gold.json
    (OUT/gold-csv for the CSV exports, which keep no fill colours)."""
    out = tmp_path_factory.mktemp("corpus")
    _load("corpus_build", CORPUS / "build.py").build(out)
    return out


@pytest.fixture(scope="session")
def corpus_runs(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The real flow over one format folder at a time: ``corpus_runs("md")`` -> output folder."""
    from extract.run.runner import run_folder

    done: dict[str, Path] = {}

    def get(fmt: str) -> Path:
        if fmt not in done:
            tmp = tmp_path_factory.mktemp(f"corpus-{fmt}")
            folder = tmp / fmt
            folder.mkdir()
            for path in corpus_dir.glob(f"*.{fmt}"):
                shutil.copy(path, folder / path.name)
            out = tmp / "out"
            run_folder(folder, out, progress=False)
            done[fmt] = out
        return done[fmt]

    return get


def _gold_dir(corpus_dir: Path, fmt: str = "md") -> Path:
    return corpus_dir / ("gold-csv" if fmt == "csv" else "gold")


def _golds(corpus_dir: Path, fmt: str = "md") -> dict[str, dict]:
    return {p.name[: -len(".gold.json")]: json.loads(p.read_text()) for p in _gold_dir(corpus_dir, fmt).glob("*.gold.json")}


def _rendered(corpus_dir: Path, stem: str, fmt: str) -> bool:
    """Whether a document is rendered in a format (inspection reports are not spreadsheets)."""
    only = json.loads((corpus_dir / "gold" / "formats.json").read_text())
    return fmt in only.get(stem, FORMATS)


REPORT_FORMATS = ["md", "docx", "pdf"]


def test_corpus_is_deterministic_and_consistent(corpus_dir: Path, tmp_path: Path) -> None:
    build = _load("corpus_build", CORPUS / "build.py")
    again = tmp_path / "again"
    build.build(again)
    for path in sorted(corpus_dir.glob("*.*")):
        assert (again / path.name).read_bytes() == path.read_bytes(), f"{path.name} differs between two builds"
    golds = _golds(corpus_dir)
    assert len(golds) >= 10
    for stem in golds:
        for fmt in FORMATS:
            assert (corpus_dir / f"{stem}.{fmt}").exists() == _rendered(corpus_dir, stem, fmt), f"{stem}.{fmt}"


@needs(GOLD)
@pytest.mark.parametrize("fmt", FORMATS)
def test_corpus_headline_per_format(corpus_dir: Path, corpus_runs, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = corpus_runs(fmt)
    result = tmp_path / "s.json"
    gold_scorer().main([str(out), str(_gold_dir(corpus_dir, fmt)), "--json", str(result)])
    scores = json.loads(result.read_text())
    missing = [stem for stem in scores["missing"] if _rendered(corpus_dir, stem, fmt)]
    assert not missing, f"{fmt}: documents with no rendering in the run: {missing}"
    assert scores["headline_f1"] >= MIN_HEADLINE.get(fmt, 0.95), (
        f"{fmt}: corpus headline {scores['headline_f1']:.3f}; per document: "
        + ", ".join(f"{k} {v:.3f}" for k, v in sorted(scores["documents"].items())))


@pytest.mark.parametrize("fmt", FORMATS)
def test_corpus_not_plans_yield_nothing(corpus_dir: Path, corpus_runs, fmt: str) -> None:  # type: ignore[no-untyped-def]
    out = corpus_runs(fmt)
    golds = _golds(corpus_dir)
    not_plans = {stem for stem, g in golds.items() if g["doc_type"] == "other"}
    assert len(not_plans) >= 2
    docs = pd.read_parquet(out / "documents.parquet")
    actions = pd.read_parquet(out / "actions.parquet")
    recs = pd.read_parquet(out / "recommendations.parquet")
    for stem in sorted(not_plans):
        rows = docs[docs["file_name"] == f"{stem}.{fmt}"]
        assert len(rows) == 1, f"{stem}.{fmt} not in documents"
        doc = rows.iloc[0]
        n_actions = int((actions["document_id"] == doc["document_id"]).sum()) if len(actions) else 0
        n_recs = int((recs["document_id"] == doc["document_id"]).sum()) if len(recs) else 0
        assert (doc["doc_type"], n_actions, n_recs) == ("other", 0, 0), f"{stem}.{fmt}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_corpus_doc_types(corpus_dir: Path, corpus_runs, fmt: str) -> None:  # type: ignore[no-untyped-def]
    out = corpus_runs(fmt)
    docs = pd.read_parquet(out / "documents.parquet")
    got = {Path(f).stem: t for f, t in zip(docs["file_name"], docs["doc_type"])}
    want = {stem: g["doc_type"] for stem, g in _golds(corpus_dir).items() if _rendered(corpus_dir, stem, fmt)}
    wrong = {stem: (want[stem], got.get(stem)) for stem in want if got.get(stem) != want[stem]}
    assert not wrong, f"{fmt}: doc_type (expected, got): {wrong}"


def _actions_by_ref(out: Path) -> dict[tuple[str, str], dict]:
    """Each action of a run's datasets, keyed by (document stem, action_ref)."""
    docs = pd.read_parquet(out / "documents.parquet")
    stems = {d: Path(f).stem for d, f in zip(docs["document_id"], docs["file_name"])}
    milestones = pd.read_parquet(out / "milestones.parquet")
    months: dict[tuple[str, str], set[str]] = {}
    for _, m in milestones[milestones["parent_kind"] == "action"].iterrows():
        if m["date_end"] is not None and not pd.isna(m["date_end"]):
            months.setdefault((stems[m["document_id"]], str(m["parent_ref"])), set()).add(str(m["date_end"])[:7])
    out_rows = {}
    for _, a in pd.read_parquet(out / "actions.parquet").iterrows():
        key = (stems[a["document_id"]], str(a["action_ref"]))
        text = {f: a[f] if isinstance(a[f], str) else None for f in ("theme_ref", "theme", "title", "status")}
        out_rows[key] = {
            "theme": (text["theme_ref"], text["theme"]), "title": text["title"], "steps": list(a["steps"]),
            "targets": list(a["targets"]), "owners": list(a["owners"]), "codes": list(a["codes"]),
            "due": sorted(months.get(key, set())), "status": text["status"],
        }
    return out_rows


def test_the_same_plan_gives_the_same_actions_in_every_format(corpus_dir: Path, corpus_runs) -> None:  # type: ignore[no-untyped-def]
    """A tracker saved as .xlsx, exported as .csv, and the same plan as .docx and .pdf: the same
    actions, field for field (a CSV keeps no colours: a status printed only as a fill is not in it)."""
    runs = {fmt: _actions_by_ref(corpus_runs(fmt)) for fmt in ("docx", "pdf", "xlsx", "csv")}
    fill_only = {(stem, a["ref"]) for stem, g in _golds(corpus_dir, "csv").items() for a in g["actions"]
                 if a["status"] is None} - {(stem, a["ref"]) for stem, g in _golds(corpus_dir).items()
                                            for a in g["actions"] if a["status"] is None}
    assert fill_only, "the corpus has actions whose status is only a fill"
    reference = runs["docx"]
    assert len(reference) >= 200
    for fmt, actions in runs.items():
        assert set(actions) == set(reference), f"{fmt}: actions differ from the .docx: {set(actions) ^ set(reference)}"
        for key, want in reference.items():
            got = dict(actions[key])
            expected = dict(want)
            if fmt == "csv" and key in fill_only:
                assert got.pop("status") is None and expected.pop("status") is not None, (fmt, key)
            assert got == expected, f"{fmt} {key}"


def _norm(text: object) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split())


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_corpus_inspection_reports(corpus_dir: Path, corpus_runs, fmt: str) -> None:  # type: ignore[no-untyped-def]
    """Every recommendation of the generated inspection reports, with its code, label, group,
    addressee and due date; the cover's facts on the documents row; nothing else from the report."""
    out = corpus_runs(fmt)
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    recs = pq.read_table(out / "recommendations.parquet").to_pylist()
    miles = pq.read_table(out / "milestones.parquet").to_pylist()
    reports = {stem: g for stem, g in _golds(corpus_dir).items() if g["doc_type"] == "inspection_report"}
    assert len(reports) >= 3
    for stem, g in sorted(reports.items()):
        doc = next(d for d in docs if d["file_name"] == f"{stem}.{fmt}")
        got = {k: doc[k].isoformat() if hasattr(doc[k], "isoformat") else doc[k]
               for k in ("inspectorate", "setting", "inspection_start", "inspection_end", "published", "judgement")}
        got["family"] = doc["report_family"]
        assert got == g["report"], f"{stem}.{fmt}: cover facts"
        mine = [r for r in recs if r["document_id"] == doc["document_id"]]
        assert [r["codes"] for r in mine] == [r["codes"] for r in g["recommendations"]], f"{stem}.{fmt}: codes"
        for row, r in zip(mine, g["recommendations"]):
            assert row["source"] == "report"
            assert _norm(row["text"]) == _norm(r["text"]), f"{stem}.{fmt} {r['code']}"
            assert (row["label"], row["group"], row["addressee"], row["sections"]) == (
                r["label"], r["group"], r["addressee"], r["sections"]), f"{stem}.{fmt} {r['code']}"
            due = [m for m in miles if m["document_id"] == doc["document_id"] and m["parent_kind"] == "recommendation"
                   and m["parent_ref"] == row["rec_id"]]
            assert {m["precision"] for m in due} <= {"relative_to_report"}
            months = {m["date_end"].strftime("%Y-%m") for m in due if m["date_end"]}
            assert months == ({r["due_month"]} if r["due_month"] else set()), f"{stem}.{fmt} {r['code']} due"


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_corpus_links_and_coverage(corpus_dir: Path, corpus_runs, fmt: str) -> None:  # type: ignore[no-untyped-def]
    """Each plan's actions linked to the recommendations they answer, by the method the plan uses
    (code column, code in the text, quoted text); unanswered recommendations and codes that match
    none reported in coverage; no link between documents of different bundles."""
    out = corpus_runs(fmt)
    golds = _golds(corpus_dir)
    links = pd.read_parquet(out / "links.parquet")
    coverage = pd.read_parquet(out / "coverage.parquet")
    want = {(f"{stem}.{fmt}", lk["kind"], lk["ref"], f"{lk['report']}.{fmt}", lk["code"], lk["method"])
            for stem, g in golds.items() for lk in g.get("links", [])}
    got = set(zip(links["source_path"], links["parent_kind"], links["parent_ref"], links["report_path"], links["code"],
                  links["method"]))
    assert got == want
    assert len(want) >= 15
    unanswered = coverage[coverage["status"] == "unanswered"]
    assert set(zip(unanswered["report_path"], unanswered["code"])) == {
        (f"{stem}.{fmt}", code) for stem, g in golds.items() for code in g.get("unanswered", [])}
    stray = coverage[coverage["status"] == "no_such_recommendation"]
    assert set(zip(stray["source_path"], stray["parent_ref"], stray["code"])) == {
        (f"{stem}.{fmt}", u["ref"], u["code"]) for stem, g in golds.items() for u in g.get("unmatched_codes", [])}
    answered = coverage[coverage["status"] == "answered"]
    assert answered["n_links"].min() >= 1
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.index("Inspection recommendations: coverage") < report.index("<h2>Documents</h2>")


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_corpus_report_running_header_names_the_inspectorate(corpus_dir: Path, fmt: str) -> None:
    """The readers keep a report's running header out of the body but in the metadata, where it
    counts as a cover mention of the inspectorate (the PDF's is dropped from every page's margin)."""
    from extract import readers
    from extract.config import load_config
    from extract.extractors.report_info import COVER_WEIGHT, inspectorate_scores

    path = corpus_dir / f"quarrendon-joint-area-review-2007.{fmt}"
    doc = readers.read(path, path.name)
    assert doc.metadata["running"] == "Ofsted | Joint area review of Quarrendon | March 2007"
    assert all("Joint area review of Quarrendon |" not in b.text for b in doc.blocks)
    cfg = load_config().inspections
    with_header = inspectorate_scores(doc, cfg, doc.text())
    doc.metadata.pop("running")
    assert with_header["Ofsted"] - inspectorate_scores(doc, cfg, doc.text())["Ofsted"] == COVER_WEIGHT
