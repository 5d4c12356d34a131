"""Folder watch: sweep once, then run the flow again whenever the folder changes.

File-system events (watchdog) only say *that* something changed; the flow itself decides what to
redo, through the results cache, so a burst of events costs one flow run and an unchanged file
costs nothing. A file still being written is left until its size and modification time have
stopped changing for ``settle_s`` seconds; temporary and lock files never trigger a run.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .discover import is_temporary

RunFn = Callable[[], object]


class _Changes(FileSystemEventHandler):
    """Collects the paths that changed since the last run; ignores the output folder."""

    def __init__(self, root: Path, out: Path) -> None:
        self.root = root.resolve()
        self.out = out.resolve()
        self.lock = threading.Lock()
        self.pending: set[Path] = set()
        self.last_event = 0.0

    def _relevant(self, path: str) -> bool:
        p = Path(os.fsdecode(path))
        if p.is_relative_to(self.out) or p.name.startswith(f".{self.out.name}."):
            return False
        if not p.is_relative_to(self.root) or p.name.startswith("~$"):
            return False  # Word's lock file comes and goes while a document is open
        return not any(is_temporary(part) for part in p.relative_to(self.root).parts)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write", "attrib"):
            return  # reading a file (the run itself does) changes nothing
        if event.is_directory and event.event_type == "modified":
            return  # a folder's mtime moves with every child event, which arrives on its own
        paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
        hits = [Path(os.fsdecode(p)) for p in paths if p and self._relevant(p)]
        if not hits:
            return
        with self.lock:
            self.pending.update(hits)
            self.last_event = time.monotonic()

    def take(self) -> set[Path]:
        with self.lock:
            taken, self.pending = self.pending, set()
            return taken


def _snapshot(paths: set[Path]) -> dict[Path, tuple[int, int] | None]:
    snap: dict[Path, tuple[int, int] | None] = {}
    for p in paths:
        try:
            st = p.stat()
            snap[p] = (st.st_size, st.st_mtime_ns)
        except OSError:
            snap[p] = None  # deleted or moved away: nothing to wait for
    return snap


def wait_until_settled(paths: set[Path], settle_s: float, max_wait_s: float = 600.0) -> None:
    """Return once no file in ``paths`` has grown or been touched for ``settle_s`` seconds."""
    deadline = time.monotonic() + max_wait_s
    before = _snapshot(paths)
    while time.monotonic() < deadline:
        time.sleep(settle_s)
        after = _snapshot(paths)
        if after == before:
            return
        before = after


def watch(
    root: Path,
    out: Path,
    run: RunFn,
    *,
    settle_s: float = 2.0,
    batch_s: float = 1.0,
    stop: threading.Event | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Run ``run`` once, then after every settled burst of changes under ``root``, until ``stop``."""
    stop = stop or threading.Event()
    handler = _Changes(root, out)
    observer = Observer()
    observer.schedule(handler, str(root), recursive=True)
    observer.start()
    try:
        _safe(run, on_error)
        while not stop.is_set():
            stop.wait(0.2)
            if not handler.pending or time.monotonic() - handler.last_event < batch_s:
                continue  # nothing yet, or a burst still arriving: one run for the whole burst
            changed = handler.take()
            while changed:  # events that arrive while waiting belong to this run, once settled too
                wait_until_settled(changed, settle_s)
                changed = handler.take()
            _safe(run, on_error)
    finally:
        observer.stop()
        observer.join(timeout=5)


def _safe(run: RunFn, on_error: Callable[[BaseException], None] | None) -> None:
    # A run that fails (a lock held by another run, a full disk) must not end the watch.
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - reported, then the watch goes on
        if on_error is not None:
            on_error(exc)
