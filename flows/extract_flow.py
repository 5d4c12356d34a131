"""The folder → datasets flow: one flow run per folder, one task run per document.

Tasks wrap one library call each; a document's failure is its own ``documents`` row, never a
failed flow run. Documents are extracted concurrently (each in its own forked child process, see
``extract.run.isolate``); unchanged files come from the results cache. The final task writes every
dataset, the run history included, atomically.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.task_runners import ThreadPoolTaskRunner

from extract.outputs.changes import markdown as changes_markdown
from extract.outputs.changes import read_changes
from extract.outputs.records import ExtractedDocument
from extract.outputs.writers import run_lock, write_datasets
from extract.run import progress, spool
from extract.run.batches import plan_batches
from extract.run.cache import ResultCache, cache_keys, extractor_version
from extract.run.discover import Found, discover
from extract.run.history import runs_table
from extract.run.isolate import extract_isolated_batch, take_spare
from extract.run.pipeline import extract_file, warm_up
from extract.run.spool import DocRef
from extract.run.summary import RunSummary, skipped_record, summarise_refs
from extract.settings import Settings


def _from_cache(paths: list[Path], root: Path, s: Settings, version: str, spool_dir: Path) -> tuple[list[DocRef], list[Path]]:
    """The documents whose results are in the cache, spooled here, and the others, for the tasks.

    An unchanged document costs a cache read, not a task run: a rerun over an unchanged folder
    submits no task. (The task checks the cache too: a Dask worker may have its own.)"""
    if not s.cache or s.full:
        return [], list(paths)
    cache = ResultCache(s.cache_dir)
    keys = cache_keys(paths, root, version)
    refs: list[DocRef] = []
    todo: list[Path] = []
    for path in paths:
        key = keys.get(path)
        hit = cache.get(key) if key is not None else None
        if hit is None:
            todo.append(path)
        else:
            refs.append(spool.put(spool_dir, hit, from_cache=True))
    return refs, todo


@task(name="extract-documents", cache_policy=NO_CACHE, task_run_name="extract {paths[0].name} (+{extra} more)")
def extract_batch_task(paths: list[Path], root: Path, settings: dict[str, Any], version: str, spool_dir: str,
                       extra: int = 0) -> list[DocRef]:
    """A batch of documents, each extracted on its own (its own failure, in a child process that
    reads the batch's files in turn), unchanged ones taken from the results cache.

    Documents go to Prefect in batches because a task run costs the API server about as much
    as reading a short plan (benchmarks/results.md). Results go to the run's spool; the task
    returns only their references. ``extra`` only names the task run.
    """
    s = Settings.resolve(settings)
    cache = ResultCache(s.cache_dir) if s.cache else None
    keys = cache_keys(paths, root, version) if cache is not None else {}
    refs: list[DocRef] = []

    def done(path: Path, result: ExtractedDocument, cached: bool = False) -> None:
        key = keys.get(path)
        if cache is not None and key is not None and not cached:
            cache.put(key, result)
        refs.append(spool.put(Path(spool_dir), result, from_cache=cached))
        progress.finished_here(refs[-1].json_path, result.document)

    todo = []
    for path in paths:
        key = keys.get(path)
        hit = cache.get(key) if cache is not None and key is not None and not s.full else None
        if hit is not None:
            done(path, hit, cached=True)
        else:
            todo.append(path)
    spare = take_spare(s) if todo and s.isolate else None
    if todo and spare is None:
        warm_up(s, todo)  # once per process, and only when something is to be read: a rerun from the cache needs none
    if s.isolate:
        extract_isolated_batch(todo, root, s, done, spare=spare)
    else:
        for path in todo:
            done(path, extract_file(path, root, s))
    return refs


@task(name="write-datasets", cache_policy=NO_CACHE)
def write_datasets_task(refs: list[DocRef], out_dir: Path, extra: dict[str, Any]) -> dict[str, int]:
    """Every dataset, from the spooled documents, one at a time, swapped in atomically."""
    return write_datasets(spool.SpooledDocuments(refs), out_dir, extra)


@flow(name="plan-extract", log_prints=False, validate_parameters=False)
def extract_folder(input_dir: Path, out_dir: Path, settings: dict[str, Any] | None = None) -> RunSummary:
    """Extract every file under ``input_dir`` and write the datasets to ``out_dir``.

    The output folder is locked for the whole run: a second run on it (a deployment run while a
    watch is running, say) is refused with a clear message instead of interleaving.
    """
    input_dir, out_dir = Path(input_dir), Path(out_dir)
    with run_lock(out_dir):
        return _extract_folder(input_dir, out_dir, settings or {})


def _extract_folder(input_dir: Path, out_dir: Path, settings: dict[str, Any]) -> RunSummary:
    logger = get_run_logger()
    started = dt.datetime.now(dt.timezone.utc)
    s = Settings.resolve(settings)
    version = extractor_version(s.config_dir)
    found: list[Found] = discover(input_dir, exclude=out_dir)
    spool_dir = spool.spool_folder(out_dir)
    try:
        refs: list[DocRef] = []
        for item in found:
            if item.skip_reason:
                refs.append(spool.put(spool_dir, ExtractedDocument(document=skipped_record(item, input_dir))))
                progress.came_back(refs[-1].json_path, refs[-1].document)
        cached, todo = _from_cache([item.path for item in found if not item.skip_reason], input_dir, s, version,
                                   spool_dir)
        for ref in cached:
            refs.append(ref)
            progress.came_back(ref.json_path, ref.document)
        batches = plan_batches(todo, s.workers)
        futures = [extract_batch_task.submit(b, input_dir, settings, version, str(spool_dir), extra=len(b) - 1)
                   for b in batches]
        for future in futures:
            for ref in future.result():
                refs.append(ref)
                progress.came_back(ref.json_path, ref.document)
        from_cache = sum(r.from_cache for r in refs)
        summary = summarise_refs(refs, {}, input_dir, out_dir)
        flow_run_id = str(getattr(getattr(get_run_context(), "flow_run", None), "id", "") or "") or None
        runs = runs_table(out_dir, summary, run_id=uuid.uuid4().hex, flow_run_id=flow_run_id, started=started,
                          ended=dt.datetime.now(dt.timezone.utc), from_cache=from_cache, extractor_version=version)
        counts = write_datasets_task(refs, out_dir, {"runs": runs})
        summary = summarise_refs(refs, counts, input_dir, out_dir)
        summary.from_cache = from_cache
        _artifacts(refs, summary)
        create_markdown_artifact(key="changes", markdown=changes_markdown(read_changes(out_dir)),
                                 description="What changed in the plans since the previous run (changes.parquet)")
    finally:
        spool.remove(spool_dir)
    logger.info("extracted %d documents (%d from cache): %s", len(refs), from_cache, summary.by_status)
    return summary


def _artifacts(refs: list[DocRef], summary: RunSummary) -> None:
    """What a person sees in the Prefect UI for this run: documents by status, then the problems."""
    create_table_artifact(
        key="documents-by-status",
        table=[{"status": k, "documents": v} for k, v in summary.by_status.items()],
        description=f"{summary.documents} documents from {summary.input_dir}",
    )
    lines = ["# Failures and warnings", ""]
    for ref in spool.output_order(refs):
        d = ref.document
        if d.status in ("failed", "skipped"):
            lines.append(f"- **{d.source_path}** — {d.status}: {d.error}")
    for ref in spool.output_order(refs):
        if len(lines) < 2000:
            lines.extend(f"- {ref.document.source_path}: `{code}` {message}" for code, message in ref.warnings)
    if len(lines) == 2:
        lines.append("None.")
    create_markdown_artifact(key="run-problems", markdown="\n".join(lines[:2000]))


def _plain(value: Any) -> Any:
    """A parameter in its JSON form, for the types this flow takes; TypeError for any other."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    raise TypeError(type(value).__name__)


def _with_plain_parameters(flow_: Any) -> Any:
    """The flow, recording its parameters (two paths and a dict of settings) in their JSON form
    directly: Prefect's own serialiser is FastAPI's ``jsonable_encoder``, and importing FastAPI
    costs every command a third of a second. Anything else goes to Prefect's."""
    default = type(flow_).serialize_parameters

    def serialize_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
        try:
            return {key: _plain(value) for key, value in parameters.items()}
        except TypeError:
            return default(flow_, parameters)

    flow_.serialize_parameters = serialize_parameters
    return flow_


def extract_folder_with_workers(workers: int, runner: str = "local", address: str | None = None) -> Any:
    """The flow with its task runner: ``local`` runs ``workers`` documents at once on this machine
    (each in its own child process); ``dask`` sends the document tasks to a Dask cluster at
    ``address``, or to a local cluster of ``workers`` processes when no address is given."""
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        task_runner = (DaskTaskRunner(address=address) if address else
                       DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                                      "dashboard_address": None}))
        return _with_plain_parameters(extract_folder.with_options(task_runner=task_runner))
    return _with_plain_parameters(extract_folder.with_options(task_runner=ThreadPoolTaskRunner(max_workers=workers)))
