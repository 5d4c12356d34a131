"""What the writers add for the people downstream, while a run's datasets are written:

identity keys on every document and action (:mod:`.identity`), this run's snapshot in
``history/`` (:mod:`.snapshots`), ``changes.parquet`` against the previous run (:mod:`.changes`),
the report's overview (:mod:`.report_overview`) and its pictures of PDF source rows
(:mod:`.source_pictures`). The writers call :class:`RunTracker` at three points: before the
documents (``RunTracker(...)``), for each document (``annotate`` before its rows are made,
``add`` after), and at the end (``finish``), all inside the staging folder that is swapped in
as a whole.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa

from .changes import compare, changes_table
from .identity import assign_action_keys, assign_document_keys
from .overdue import due_date, is_complete
from .records import DocumentRecord, ExtractedDocument
from .report_overview import Overview
from .snapshots import RunInfo, SnapshotBuilder, carry_forward, latest_snapshot
from .source_pictures import SourcePictures


def run_info(extra: dict[str, pa.Table] | None) -> RunInfo:
    """This run's id, start and input folder: from the row it adds to ``runs.parquet`` when the
    flow passes one, else a fresh id (a direct call of the writers)."""
    runs = (extra or {}).get("runs")
    if runs is not None and runs.num_rows:
        last = runs.slice(runs.num_rows - 1).to_pylist()[0]
        inputs = [Path(last["input_dir"])] if last.get("input_dir") else []
        return RunInfo(last["run_id"], last["started"] or dt.datetime.now(dt.timezone.utc), inputs)
    return RunInfo(uuid.uuid4().hex, dt.datetime.now(dt.timezone.utc))


class RunTracker:
    def __init__(self, records: Iterable[DocumentRecord], out: Path | None, staged: Path, run: RunInfo) -> None:
        self.run = run
        self.out = out
        self.staged = staged
        self.previous = latest_snapshot(out) if out is not None else None
        prev_docs = self.previous.document_identities() if self.previous else []
        self.prev_actions = self.previous.action_identities() if self.previous else {}
        self.document_keys = assign_document_keys(list(records), prev_docs)
        self.snapshot = SnapshotBuilder(staged / "history" / run.folder_name, run)
        self.overview = Overview(run.started.date())
        self.pictures = SourcePictures(staged, out if out is not None and out.exists() else None, run.input_dirs)
        self._identities: list[Any] = []
        self._rows: list[dict[str, Any]] = []

    def annotate(self, doc: ExtractedDocument) -> None:
        """Set ``document_key`` and each ``action_key`` on ``doc``."""
        d = doc.document
        key = self.document_keys.get((d.document_id, d.source_path))
        if key is None:  # not announced up front (a generator of documents): keyed on its own
            key = assign_document_keys([d], self.previous.document_identities() if self.previous else [])[
                (d.document_id, d.source_path)]
        d.document_key = key
        self._identities = assign_action_keys(doc.actions, key, self.prev_actions.get(key, []))
        for action, ident in zip(doc.actions, self._identities):
            action.action_key = ident.action_key
            action.due_date = due_date(action)
            action.complete = is_complete(action)

    def source_cells(self, doc: ExtractedDocument) -> list[str]:
        return self.pictures.for_document(doc)

    def add(self, doc: ExtractedDocument) -> None:
        self.snapshot.add(doc, self._identities)
        self.overview.add(doc)

    def finish(self) -> dict[str, pa.Table]:
        """Write the history into the staging folder; returns the extra datasets (``changes``)."""
        current = self.snapshot.finish()
        if self.out is not None:
            carry_forward(self.out, self.staged, self.run.started)
        self._rows = compare(self.previous, current) if self.previous is not None else []
        return {"changes": changes_table(self._rows)}

    def overview_html(self) -> str:
        rows = self._rows if self.previous is not None else None
        return self.overview.html(rows, self.previous.run_id if self.previous else None)
