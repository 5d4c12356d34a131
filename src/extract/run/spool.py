"""A run's extracted documents on disk, one JSON file each, until the writers have them.

Extraction tasks put each result here and hand the flow a small :class:`DocRef` (the document's
row and counts). The flow never holds the whole corpus in memory, Prefect never walks thousands
of nested records when it passes results between tasks, and the writers read the documents back
one at a time, in output order. The spool sits beside the output folder (on the same file
system, so Dask workers that share the input and output folders share it too) and is removed
when the run ends; a killed run's spool is removed by the next run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel

from ..outputs.records import DocumentRecord, ExtractedDocument


class DocRef(BaseModel):
    """What the flow keeps of one extracted document."""

    json_path: str
    document: DocumentRecord
    n_actions: int = 0
    n_recommendations: int = 0
    from_cache: bool = False
    # (code, message) of each warning: what the run's summary and its artifact list, without
    # reading the document back.
    warnings: list[tuple[str, str]] = []


def spool_folder(out: Path) -> Path:
    return out.parent / f".{out.name}.spool-{uuid.uuid4().hex[:8]}"


def put(folder: Path, result: ExtractedDocument, *, from_cache: bool = False) -> DocRef:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{result.document.document_id}-", suffix=".json")
    with os.fdopen(fd, "wb") as fh:
        fh.write(result.model_dump_json().encode())
    return DocRef(json_path=tmp, document=result.document, n_actions=len(result.actions),
                  n_recommendations=len(result.recommendations),
                  from_cache=from_cache, warnings=[(w.code, w.message) for w in result.warnings])


def load(ref: DocRef) -> ExtractedDocument:
    return ExtractedDocument.model_validate_json(Path(ref.json_path).read_bytes())


def output_order(refs: Sequence[DocRef]) -> list[DocRef]:
    return sorted(refs, key=lambda r: (r.document.source_path, r.document.document_id))


class SpooledDocuments:
    """The documents of a run in output order, read from the spool each time they are iterated."""

    def __init__(self, refs: Sequence[DocRef]) -> None:
        self.refs = output_order(refs)

    def __len__(self) -> int:
        return len(self.refs)

    def __iter__(self) -> Iterator[ExtractedDocument]:
        for ref in self.refs:
            yield load(ref)


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
