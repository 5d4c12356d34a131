"""How a run's documents are shared out between workers.

Documents go to workers in a few batches each (a Prefect task run per document costs the API
server about as much as reading a short plan), balanced by an estimate of each document's
extraction time so that no worker is left with the two longest plans while the other idles.
"""

from __future__ import annotations

from pathlib import Path

# Extraction seconds per byte, relative to PDF, measured over the samples, the generated plans
# and the real-world files (medians: PDF 2.0 µs/B since pages are read with PDFium, 14 when
# pdfminer laid them out; text exports 3.2; Word 0.54: a .docx is compressed XML). Workbooks
# measured over the corpus renderings at about 2 µs/B; CSV exports cost what a text export does.
_SECONDS_PER_BYTE = {".pdf": 1.0, ".md": 1.6, ".txt": 1.6, ".html": 1.6, ".htm": 1.6, ".docx": 0.27,
                     ".xlsx": 1.0, ".xlsm": 1.0, ".csv": 1.6, ".tsv": 1.6}
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
