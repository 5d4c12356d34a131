"""``OUT/history/``: what each run found, kept to compare the next runs against.

One folder per run, ``history/<started>-<run_id>/``, holding ``run.json`` (run id, start time),
``documents.parquet`` (each document's identity) and ``actions.parquet`` (each action's key,
reference, title, steps, targets, owners, status and due date). A run copies the folders it keeps
into its staging folder (hard links: no data is copied) and adds its own, so the history is
swapped in with the datasets, atomically. Kept: the last :data:`KEEP_RUNS` runs, and the last run
of each of the last :data:`KEEP_DAYS` days (a watch may run many times a day).

``changes.parquet`` compares the newest two snapshots; ``plan-extract changes --since`` any two.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .identity import ActionIdentity, DocumentIdentity, file_title, normal_text
from .records import SCHEMA_VERSION, ExtractedDocument

HISTORY = "history"
KEEP_RUNS = 30
KEEP_DAYS = 90

S, LS, D = pa.string(), pa.list_(pa.string()), pa.date32()
DOCUMENTS_SCHEMA = pa.schema([
    ("document_key", S), ("document_id", S), ("source_path", S), ("file_name", S), ("format", S), ("status", S),
    ("title", S), ("issuer", S), ("plan_start", D), ("plan_end", D),
])
ACTIONS_SCHEMA = pa.schema([
    ("document_key", S), ("document_id", S), ("source_path", S), ("action_key", S), ("keyed_by", S),
    ("match_text", S), ("action_ref", S), ("theme", S), ("title", S), ("steps", LS), ("targets", LS),
    ("owners", LS), ("status", S), ("due", D), ("complete", pa.bool_()), ("text_digest", S),
])
# The long texts stay on disk: a snapshot in memory holds the other columns, and the steps and
# targets of the few actions whose text changed are read back when the changes are made.
TEXTS = ("steps", "targets")
COMPACT = [n for n in ACTIONS_SCHEMA.names if n not in TEXTS]
# Snapshot rows are written to Parquet every this many actions: memory holds one slice.
FLUSH_EVERY_ACTIONS = 5000


def text_digest(title: str | None, steps: list[str], targets: list[str]) -> str:
    """One hash of an action's title, steps and targets: equal digests, equal texts."""
    return hashlib.sha256(json.dumps([title, steps, targets], ensure_ascii=False).encode()).hexdigest()[:20]


@dataclass
class RunInfo:
    """The run a snapshot belongs to."""

    run_id: str
    started: dt.datetime
    input_dirs: list[Path] = field(default_factory=list)  # where its documents were read (for source pictures)

    @property
    def folder_name(self) -> str:
        return f"{self.started.astimezone(dt.timezone.utc):%Y%m%dT%H%M%S}Z-{self.run_id}"


@dataclass
class Snapshot:
    """One run's documents and actions. Action rows hold every column but ``steps`` and
    ``targets`` (see :meth:`texts`) unless they were built in memory with them."""

    run_id: str
    started: dt.datetime
    documents: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    folder: Path | None = None  # where its actions.parquet is, for the texts

    def texts(self, keys: set[str]) -> dict[str, dict[str, list[str]]]:
        """``steps`` and ``targets`` of the actions in ``keys``."""
        if not keys:
            return {}
        if self.folder is None or any(t in a for a in self.actions[:1] for t in TEXTS):
            return {a["action_key"]: {t: a.get(t) or [] for t in TEXTS} for a in self.actions if a["action_key"] in keys}
        table = pq.read_table(self.folder / "actions.parquet", columns=["action_key", *TEXTS],
                              filters=pc.is_in(pc.field("action_key"), pa.array(sorted(keys))))
        return {r["action_key"]: {t: r[t] or [] for t in TEXTS} for r in table.to_pylist()}

    def document_identities(self) -> list[DocumentIdentity]:
        out = []
        for d in self.documents:
            out.append(DocumentIdentity(d["document_id"], d["source_path"], d["format"],
                                        normal_text(d["title"]) or file_title(d["file_name"]),
                                        normal_text(d["issuer"]), d["plan_start"], d["plan_end"], d["document_key"]))
        return out

    def action_identities(self) -> dict[str, list[ActionIdentity]]:
        by_doc: dict[str, list[ActionIdentity]] = {}
        for a in self.actions:
            by_doc.setdefault(a["document_key"], []).append(ActionIdentity(a["action_key"], a["keyed_by"], a["match_text"]))
        return by_doc


class SnapshotBuilder:
    """This run's snapshot, written into ``folder`` one document at a time: the action rows go
    to Parquet in slices, memory keeps them without their steps and targets."""

    def __init__(self, folder: Path, run: RunInfo) -> None:
        self.folder = folder
        self.run = run
        self.documents: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []
        self._buffer: list[dict[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None
        folder.mkdir(parents=True)

    def add(self, doc: ExtractedDocument, identities: Iterable[ActionIdentity]) -> None:
        d = doc.document
        self.documents.append({name: getattr(d, name) for name in DOCUMENTS_SCHEMA.names})
        for a, ident in zip(doc.actions, identities):
            row = {
                "document_key": d.document_key, "document_id": d.document_id, "source_path": d.source_path,
                "action_key": ident.action_key, "keyed_by": ident.keyed_by, "match_text": ident.match_text,
                "action_ref": a.action_ref, "theme": a.theme, "title": a.title, "steps": a.steps, "targets": a.targets,
                "owners": a.owners, "status": a.status, "due": a.due_date, "complete": a.complete,
                "text_digest": text_digest(a.title, a.steps, a.targets),
            }
            self._buffer.append(row)
            self.actions.append({k: row[k] for k in COMPACT})
        if len(self._buffer) >= FLUSH_EVERY_ACTIONS:
            self._flush()

    def _flush(self) -> None:
        table = pa.Table.from_pylist(self._buffer, schema=ACTIONS_SCHEMA).replace_schema_metadata(_meta())
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.folder / "actions.parquet", table.schema)
        self._writer.write_table(table)
        self._buffer.clear()

    def finish(self) -> Snapshot:
        """Write what is left, the documents and ``run.json``; the snapshot as :func:`load_snapshot` gives it."""
        if self._buffer or self._writer is None:
            self._flush()
        assert self._writer is not None
        self._writer.close()
        table = pa.Table.from_pylist(self.documents, schema=DOCUMENTS_SCHEMA).replace_schema_metadata(_meta())
        pq.write_table(table, self.folder / "documents.parquet")
        (self.folder / "run.json").write_text(json.dumps({
            "run_id": self.run.run_id, "started": self.run.started.isoformat(), "schema_version": SCHEMA_VERSION}),
            encoding="utf-8")
        return Snapshot(self.run.run_id, self.run.started, self.documents, self.actions, self.folder)


def _meta() -> dict[bytes, bytes]:
    return {b"schema_version": SCHEMA_VERSION.encode()}


def run_folders(out: Path) -> list[Path]:
    """The snapshot folders under ``out/history``, oldest first."""
    root = out / HISTORY
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "run.json").exists())


def read_run(folder: Path) -> tuple[str, dt.datetime]:
    info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    return info["run_id"], dt.datetime.fromisoformat(info["started"])


def load_snapshot(folder: Path) -> Snapshot:
    run_id, started = read_run(folder)
    docs = pq.read_table(folder / "documents.parquet").cast(DOCUMENTS_SCHEMA).to_pylist()
    compact = pa.schema([ACTIONS_SCHEMA.field(n) for n in COMPACT])
    actions = pq.read_table(folder / "actions.parquet", columns=COMPACT).cast(compact).to_pylist()
    return Snapshot(run_id, started, docs, actions, folder)


def latest_snapshot(out: Path) -> Snapshot | None:
    """The newest readable snapshot of ``out``, or None (a first run, or an older output folder)."""
    for folder in reversed(run_folders(out)):
        try:
            return load_snapshot(folder)
        except (OSError, ValueError, KeyError, pa.ArrowException):
            continue  # a damaged snapshot is passed over, not fatal
    return None


def kept(folders: list[Path], now: dt.datetime, keep_runs: int = KEEP_RUNS) -> list[Path]:
    """The snapshot folders to keep: the last ``keep_runs``, and each day's last for KEEP_DAYS days."""
    keep = set(folders[-keep_runs:]) if keep_runs > 0 else set()
    by_day: dict[str, Path] = {}
    for f in folders:
        by_day[f.name[:8]] = f  # folder names start with the run's UTC date; the last one wins
    oldest = (now - dt.timedelta(days=KEEP_DAYS)).strftime("%Y%m%d")
    keep.update(f for day, f in by_day.items() if day >= oldest)
    return [f for f in folders if f in keep]


def carry_forward(out: Path, staged: Path, now: dt.datetime) -> None:
    """Put the snapshots worth keeping from ``out/history`` into ``staged/history``."""
    dest_root = staged / HISTORY
    dest_root.mkdir(exist_ok=True)
    for folder in kept(run_folders(out), now, KEEP_RUNS - 1):  # and this run's own
        dest = dest_root / folder.name
        dest.mkdir()
        for path in folder.iterdir():
            _link_or_copy(path, dest / path.name)


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)  # the output folder and its staging folder share a file system
    except OSError:
        shutil.copy2(src, dest)


def iter_snapshots(out: Path) -> Iterator[tuple[Path, str, dt.datetime]]:
    for folder in run_folders(out):
        try:
            run_id, started = read_run(folder)
        except (OSError, ValueError, KeyError):
            continue
        yield folder, run_id, started
