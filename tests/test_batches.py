"""Sharing documents out between workers: every document once, the expensive ones apart."""

from __future__ import annotations

import shutil
from pathlib import Path

from extract.run.batches import estimated_cost, plan_batches

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _sample_files(tmp: Path) -> list[Path]:
    files = []
    for p in sorted(SAMPLES.iterdir()):
        if p.suffix in (".pdf", ".docx", ".md") and p.name != "README.md":
            shutil.copy(p, tmp / p.name)
            files.append(tmp / p.name)
    return files


def test_a_pdf_costs_more_than_its_word_twin_of_similar_size(tmp_path: Path) -> None:
    files = {p.name: p for p in _sample_files(tmp_path)}
    for stem in {Path(n).stem for n in files}:
        assert estimated_cost(files[f"{stem}.pdf"]) > estimated_cost(files[f"{stem}.docx"])
        assert estimated_cost(files[f"{stem}.pdf"]) > estimated_cost(files[f"{stem}.md"])


def test_batches_hold_every_document_once_with_the_pdfs_apart(tmp_path: Path) -> None:
    files = _sample_files(tmp_path)
    batches = plan_batches(files, workers=2, per_worker=1)
    assert len(batches) == 2
    assert sorted(p for b in batches for p in b) == sorted(files)
    # The two PDFs are most of the work: one to each worker, the rest around them.
    assert [sum(p.suffix == ".pdf" for p in b) for b in batches] == [1, 1]
    costs = [sum(estimated_cost(p) for p in b) for b in batches]
    assert costs == sorted(costs, reverse=True)  # heaviest batch first
    # Each batch keeps discovery order.
    for b in batches:
        assert b == sorted(b, key=files.index)


def test_no_more_batches_than_documents_and_none_for_nothing(tmp_path: Path) -> None:
    files = _sample_files(tmp_path)[:3]
    assert len(plan_batches(files, workers=2, per_worker=4)) == 3
    assert plan_batches([], workers=2) == []
