"""How a run's documents are shared out between workers.

Documents go to workers in a few batches each (a Prefect task run per document costs the API
server about as much as reading a short plan), balanced by an estimate of each document's
extraction time so that no worker is left with the two longest plans while the other idles.
"""

from __future__ import annotations

from pathlib import Path

# Extraction seconds per byte, relative to PDF, measured over the samples, the generated plans
# and the real-world files (medians: PDF 14 µs/B, text exports 3.7, Word 0.7: a .docx is
# compressed XML and python-docx reads it far faster than pdfminer lays out a page). Workbooks and
# CSV exports measured over the corpus renderings: .xlsx ~0.13 of PDF, .csv as a text export.
_SECONDS_PER_BYTE = {".pdf": 1.0, ".md": 0.25, ".txt": 0.25, ".html": 0.25, ".htm": 0.25, ".docx": 0.05,
                     ".xlsx": 0.15, ".xlsm": 0.15, ".csv": 0.25, ".tsv": 0.25}
_OTHER = 0.05  # files that are only recognised and skipped or refused


def estimated_cost(path: Path) -> float:
    """A document's expected extraction time, in arbitrary units (bytes × format weight)."""
    try:
        size = path.stat().st_size
    except OSError:
        return 0.0
    return size * _SECONDS_PER_BYTE.get(path.suffix.lower(), _OTHER)


def plan_batches(paths: list[Path], workers: int, per_worker: int = 4) -> list[list[Path]]:
    """``paths`` in ``per_worker`` batches per worker, balanced by estimated cost (each document,
    longest first, into the lightest batch), heaviest batch first, each in discovery order."""
    if not paths:
        return []
    n = min(len(paths), max(1, workers) * per_worker)
    cost = {p: estimated_cost(p) for p in paths}
    order = {p: i for i, p in enumerate(paths)}
    bins: list[tuple[float, list[Path]]] = [(0.0, []) for _ in range(n)]
    for p in sorted(paths, key=cost.__getitem__, reverse=True):
        i = min(range(n), key=lambda k: bins[k][0])
        bins[i] = (bins[i][0] + cost[p], bins[i][1] + [p])
    return [sorted(b, key=order.__getitem__) for _, b in sorted(bins, key=lambda b: -b[0]) if b]
