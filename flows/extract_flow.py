"""The folder → datasets flow: one flow run per folder, one task run per document.

Tasks wrap one library call each; a document's failure is its own ``documents`` row, never a
failed flow run. The final task writes every dataset atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from extract.discover import Found, discover
from extract.pipeline import extract_file
from extract.records import ExtractedDocument
from extract.run import RunSummary, skipped_record, summarise
from extract.settings import Settings
from extract.writers import write_datasets

# The CLI sets this to move its progress bar; it is not part of the flow's parameters.
progress_hook: Callable[[ExtractedDocument], None] | None = None


@task(name="extract-document", cache_policy=NO_CACHE, task_run_name="extract {path.name}")
def extract_document_task(path: Path, root: Path, settings: dict[str, Any]) -> ExtractedDocument:
    return extract_file(path, root, Settings.resolve(settings))


@task(name="write-datasets", cache_policy=NO_CACHE)
def write_datasets_task(results: list[ExtractedDocument], out_dir: Path) -> dict[str, int]:
    return write_datasets(results, out_dir)


@flow(name="plan-extract", log_prints=False, validate_parameters=False)
def extract_folder(input_dir: Path, out_dir: Path, settings: dict[str, Any] | None = None) -> RunSummary:
    """Extract every file under ``input_dir`` and write the datasets to ``out_dir``."""
    logger = get_run_logger()
    settings = settings or {}
    found: list[Found] = discover(input_dir, exclude=out_dir)
    results: list[ExtractedDocument] = []
    for item in found:
        if item.skip_reason:
            result = ExtractedDocument(document=skipped_record(item, input_dir))
        else:
            result = extract_document_task(item.path, input_dir, settings)
        results.append(result)
        if progress_hook is not None:
            progress_hook(result)
    counts = write_datasets_task(results, out_dir)
    summary = summarise(results, counts, input_dir, out_dir)
    logger.info("extracted %d documents: %s", len(results), summary.by_status)
    return summary
