"""Write a run's datasets: Parquet tables of the contract, one JSON per document, atomically.

Everything is written into a fresh folder beside the output folder, then swapped in with one
atomic exchange (Linux ``renameat2(RENAME_EXCHANGE)``; a rename pair elsewhere), so a reader
or a run killed at any moment sees the previous datasets or the new ones, never a mixture.
A lock beside the output folder refuses a second run on the same folder; the kernel drops it
when its process dies, so a killed run leaves no stale lock.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import UsageError
from .records import SCHEMA_VERSION, DocumentRecord, ExtractedDocument
from .snapshots import RunInfo
from .tracking import RunTracker, run_info

S = pa.string()
LS = pa.list_(pa.string())
I = pa.int32()
D = pa.date32()
B = pa.bool_()
F = pa.float64()

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("document_id", S), ("file_name", S), ("source_path", S), ("format", S), ("doc_type", S),
        ("title", S), ("pages", I), ("status", S), ("error", S), ("schema_version", S),
        ("plan_start", D), ("plan_end", D), ("size_bytes", pa.int64()), ("n_actions", I),
        ("n_recommendations", I), ("n_warnings", I), ("seconds", F), ("issuer", S), ("document_key", S),
        # inspection reports (CONTRACT.md)
        ("inspectorate", S), ("report_family", S), ("setting", S), ("inspection_start", D),
        ("inspection_end", D), ("published", D), ("report_date", D), ("judgement", S),
    ]),
    "actions": pa.schema([
        ("document_id", S), ("action_ref", S), ("theme_ref", S), ("theme", S), ("title", S),
        ("steps", LS), ("targets", LS), ("owners", LS), ("owners_raw", S), ("codes", LS), ("status", S),
        ("page_start", I), ("page_end", I), ("table_index", I), ("row_start", I), ("row_end", I),
        ("provenance", S), ("printed_ref", S), ("partners", LS), ("progress", LS), ("layout", S),
        ("action_key", S), ("due_date", D), ("complete", B),
    ]),
    "milestones": pa.schema([
        ("document_id", S), ("parent_kind", S), ("parent_ref", S), ("text", S), ("date_raw", S),
        ("date_start", D), ("date_end", D), ("precision", S), ("year_inferred", B), ("page", I),
        ("provenance", S),
    ]),
    "recommendations": pa.schema([
        ("document_id", S), ("rec_id", S), ("text", S), ("codes", LS), ("sections", LS),
        ("outcomes", LS), ("status", S), ("variants", LS), ("provenance", S),
        ("source", S), ("label", S), ("group", S), ("addressee", S),
    ]),
    "code_refs": pa.schema([
        ("document_id", S), ("parent_kind", S), ("parent_ref", S), ("raw", S), ("code", S), ("family", S),
        ("page", I), ("provenance", S),
    ]),
    "owners": pa.schema([
        ("document_id", S), ("owner", S), ("kind", S), ("aliases", LS), ("actions", I),
    ]),
    "warnings": pa.schema([
        ("document_id", S), ("code", S), ("message", S), ("page", I), ("table_index", I), ("row", I),
    ]),
}


def _prov_json(items: Iterable[Any]) -> str:
    return json.dumps([p.model_dump(mode="json", exclude_none=True) for p in items], ensure_ascii=False)


def _first_page(prov: list[Any]) -> int | None:
    pages = [p.page for p in prov if p.page is not None]
    return min(pages) if pages else None


def _add_dated_and_coded(out: dict[str, list[dict[str, Any]]], parent: Any, did: str) -> None:
    """An action's or recommendation's milestones and code references, as flat rows."""
    for m in parent.milestones:
        out["milestones"].append({**m.model_dump(exclude={"prov"}), "document_id": did, "page": _first_page(m.prov), "provenance": _prov_json(m.prov)})
    for c in parent.code_refs:
        out["code_refs"].append({**c.model_dump(exclude={"prov"}), "document_id": did, "page": _first_page(c.prov), "provenance": _prov_json(c.prov)})


def rows_for(doc: ExtractedDocument) -> dict[str, list[dict[str, Any]]]:
    """The flat rows one document contributes to each table."""
    did = doc.document.document_id
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    out["documents"].append(doc.document.model_dump())
    for name, items in (("actions", doc.actions), ("recommendations", doc.recommendations)):
        for item in items:
            row = item.model_dump(exclude={"milestones", "code_refs", "sources"})
            row["document_id"] = did
            row["provenance"] = json.dumps([s.model_dump(mode="json", exclude_none=True) for s in item.sources], ensure_ascii=False)
            out[name].append(row)
            _add_dated_and_coded(out, item, did)
    for o in doc.owners:
        out["owners"].append({**o.model_dump(), "document_id": did})
    for w in doc.warnings:
        p = w.prov
        out["warnings"].append({"document_id": did, "code": w.code, "message": w.message,
                                "page": p.page if p else None, "table_index": p.table if p else None, "row": p.row if p else None})
    return out


def _table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = SCHEMAS[name]
    cols = {f.name: [r.get(f.name) for r in rows] for f in schema}
    meta = {b"schema_version": SCHEMA_VERSION.encode(), b"dataset": name.encode()}
    return pa.Table.from_pydict(cols, schema=schema).replace_schema_metadata(meta)


# Rows are written to Parquet every this many documents: memory holds one slice of the run.
FLUSH_EVERY_DOCS = 200


def _records(docs: Iterable[ExtractedDocument]) -> list[DocumentRecord]:
    """The document rows of a run known before its documents are read (a list, or the spool's
    references), so identity keys can be settled for all of them first."""
    if isinstance(docs, (list, tuple)):
        return [d.document for d in docs]
    refs = getattr(docs, "refs", None)
    return [r.document for r in refs] if refs is not None else []


def write_folder(docs: Iterable[ExtractedDocument], folder: Path, extra: dict[str, pa.Table] | None = None, *,
                 previous: Path | None = None, run: RunInfo | None = None) -> dict[str, int]:
    """Write every dataset into ``folder`` (which must be new). Returns row counts.

    ``docs`` may be a list (sorted here into output order) or any iterable already in output
    order, such as a run's spooled documents: they are read once, one at a time, and written in
    slices (Parquet row groups, report sections), so memory does not grow with the run.
    ``previous`` is the output folder this one replaces: its history gives the identity keys and
    the changes (:mod:`extract.outputs.tracking`).
    """
    from .links import LinkCollector
    from .report import ReportBuilder

    if isinstance(docs, (list, tuple)):
        docs = sorted(docs, key=lambda d: (d.document.source_path, d.document.document_id))
    folder.mkdir(parents=True)
    tracker = RunTracker(_records(docs), previous, folder, run or run_info(extra))
    (folder / "json").mkdir()
    sections_path = folder / ".report-sections"
    sections = open(sections_path, "w+", encoding="utf-8")
    report = ReportBuilder(sections)
    links = LinkCollector.from_config()
    buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    counts = dict.fromkeys(SCHEMAS, 0)
    writers: dict[str, pq.ParquetWriter] = {}

    def flush() -> None:
        for name, rows in buffers.items():
            if rows:
                table = _table(name, rows)
                if name not in writers:
                    writers[name] = pq.ParquetWriter(folder / f"{name}.parquet", table.schema)
                writers[name].write_table(table)
                rows.clear()

    try:
        for i, doc in enumerate(docs, 1):
            tracker.annotate(doc)
            (folder / "json" / f"{doc.document.document_id}.json").write_text(doc.model_dump_json(indent=1), encoding="utf-8")
            for name, rows in rows_for(doc).items():
                buffers[name].extend(rows)
                counts[name] += len(rows)
            report.add(doc, pictures=tracker.source_cells(doc))
            tracker.add(doc)
            links.add(doc)
            if i % FLUSH_EVERY_DOCS == 0:
                flush()
        flush()
        extra = {**(extra or {}), **tracker.finish()}
        with open(folder / "report.html", "w", encoding="utf-8") as fh:
            fh.write(report.head(overview=tracker.overview_html(), first=links.html()))
            sections.seek(0)
            shutil.copyfileobj(sections, fh)
            fh.write(report.tail())
    finally:
        for w in writers.values():
            w.close()
        sections.close()
        sections_path.unlink(missing_ok=True)
    for name in SCHEMAS:
        if name not in writers:
            pq.write_table(_table(name, []), folder / f"{name}.parquet")
    for name, table in links.tables().items():  # across documents: actions ↔ report recommendations
        pq.write_table(table, folder / f"{name}.parquet")
        counts[name] = table.num_rows
    for name, table in (extra or {}).items():
        pq.write_table(table, folder / f"{name}.parquet")
    return counts


# --- atomic swap and lock -----------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step where the kernel allows it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    res = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if res == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def staging_folder(out: Path) -> Path:
    return out.parent / f".{out.name}.staging-{uuid.uuid4().hex[:8]}"


def swap_in(staged: Path, out: Path) -> None:
    """Make ``staged`` the output folder in one step; the old one is removed after."""
    _fsync_tree(staged)
    if not out.exists():
        os.rename(staged, out)
        return
    if _exchange(staged, out):
        shutil.rmtree(staged, ignore_errors=True)  # now holds the previous datasets
        return
    old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
    os.rename(out, old)
    os.rename(staged, out)
    shutil.rmtree(old, ignore_errors=True)


def clean_leftovers(out: Path) -> None:
    """Remove staging and spool folders a killed run left beside the output folder."""
    for pattern in (f".{out.name}.staging-*", f".{out.name}.spool-*"):
        for p in out.parent.glob(pattern):
            shutil.rmtree(p, ignore_errors=True)
    for p in out.parent.glob(f".{out.name}.old-*"):
        if out.exists():
            shutil.rmtree(p, ignore_errors=True)
        else:  # killed between the two renames of the fallback: put the old one back
            os.rename(p, out)


@contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """Hold the output folder for one run; a second run gets a clear UsageError."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    fh = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip()
            raise UsageError(f"another plan-extract run is writing to {out} ({holder or 'pid unknown'}): wait for it to finish")
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        clean_leftovers(out)
        yield
    finally:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        finally:
            fh.close()


def write_datasets(docs: Iterable[ExtractedDocument], out: Path, extra: dict[str, pa.Table] | None = None, *,
                   run: RunInfo | None = None) -> dict[str, int]:
    """Write all datasets to a staging folder and swap it in as ``out``."""
    staged = staging_folder(out)
    try:
        counts = write_folder(docs, staged, extra, previous=out, run=run)
        swap_in(staged, out)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return counts
