"""Our own corpus of unseen-shaped plans (tests/corpus): generated from one spec per document,
run through the real flow once per format, scored with the shared scorer (../shared/gold/score.py)
against gold computed from the same specs."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from shared_files import GOLD, gold_scorer, needs

CORPUS = Path(__file__).parent / "corpus"
FORMATS = ["md", "docx", "pdf"]
MIN_HEADLINE = 0.95


def _load(name: str, path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every rendering and gold file, built once: OUT/<stem>.{md,docx,pdf}, OUT/gold/<stem>.gold.json."""
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


def _golds(corpus_dir: Path) -> dict[str, dict]:
    return {p.name[: -len(".gold.json")]: json.loads(p.read_text()) for p in (corpus_dir / "gold").glob("*.gold.json")}


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
            assert (corpus_dir / f"{stem}.{fmt}").exists(), f"{stem}.{fmt} missing"


@needs(GOLD)
@pytest.mark.parametrize("fmt", FORMATS)
def test_corpus_headline_per_format(corpus_dir: Path, corpus_runs, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = corpus_runs(fmt)
    result = tmp_path / "s.json"
    gold_scorer().main([str(out), str(corpus_dir / "gold"), "--json", str(result)])
    scores = json.loads(result.read_text())
    assert not scores["missing"], f"{fmt}: documents with no rendering in the run: {scores['missing']}"
    assert scores["headline_f1"] >= MIN_HEADLINE, (
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
    want = {stem: g["doc_type"] for stem, g in _golds(corpus_dir).items()}
    wrong = {stem: (want[stem], got.get(stem)) for stem in want if got.get(stem) != want[stem]}
    assert not wrong, f"{fmt}: doc_type (expected, got): {wrong}"
