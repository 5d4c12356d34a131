"""Run-level helpers shared by the flow and the CLI: summaries and rows for listed-only files."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from ..outputs.records import DocumentRecord
from .discover import Found
from .spool import DocRef


class RunSummary(BaseModel):
    input_dir: str
    out_dir: str
    documents: int
    by_status: dict[str, int]
    actions: int
    recommendations: int
    warnings: int
    rows: dict[str, int]
    from_cache: int = 0


def skipped_record(item: Found, root: Path) -> DocumentRecord:
    rel = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else item.path.name
    return DocumentRecord(
        document_id=hashlib.sha256(("skipped:" + rel).encode()).hexdigest()[:16],
        file_name=item.path.name,
        source_path=rel,
        format=item.path.suffix.lower().lstrip(".") or "unknown",
        status="skipped",
        error=item.skip_reason,
    )


def summarise_refs(refs: list[DocRef], counts: dict[str, int], input_dir: Path, out_dir: Path) -> RunSummary:
    """The same summary from the spool's references, without loading the documents."""
    by_status = Counter(r.document.status for r in refs)
    return RunSummary(
        input_dir=str(input_dir),
        out_dir=str(out_dir),
        documents=len(refs),
        by_status={s: by_status.get(s, 0) for s in ("ok", "partial", "failed", "skipped")},
        actions=sum(r.n_actions for r in refs),
        recommendations=sum(r.n_recommendations for r in refs),
        warnings=sum(len(r.warnings) for r in refs),
        rows=counts,
    )
