"""Our own corpus of unseen-shaped plans (tests/corpus): generated, run through the real flow per
format, scored against gold generated from the same data."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import duckdb
import pytest

from extract.runner import run_folder

CORPUS = Path(__file__).parent / "corpus"
GOLD_SCORER = Path(__file__).parent / "gold" / "score.py"
NOT_PLANS = ("oakmere-cabinet-minutes", "oakmere-budget-monitoring-report")


def _load(name: str, path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    _load("corpus_build", CORPUS / "build.py").build(out)
    return out


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_corpus_scores_at_least_095_per_format(corpus: Path, fmt: str) -> None:
    out = corpus / f"out-{fmt}"
    run_folder(corpus / fmt, out, progress=False, settings={"cache": False})
    score = _load("gold_score_corpus", GOLD_SCORER)
    result = corpus / f"score-{fmt}.json"
    score.main([str(out), str(corpus / "gold"), "--json", str(result)])
    headline = json.loads(result.read_text())["headline_f1"]
    assert headline >= 0.95, f"{fmt}: corpus headline {headline:.3f}"
    # Documents that are not plans yield nothing.
    for stem in NOT_PLANS:
        [(doc_type, n_actions, n_recs)] = duckdb.sql(
            f"select doc_type, n_actions, n_recommendations from '{out}/documents.parquet' "
            f"where file_name = '{stem}.{fmt}'").fetchall()
        assert (doc_type, n_actions, n_recs) == ("other", 0, 0), stem
