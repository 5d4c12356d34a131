"""Extract files in a child process, so a hang, a memory blow-up or a crash in a parser costs
that file alone: it becomes a ``failed`` row with a reason, and the run goes on.

The child is forked (``os.fork``) from a warmed-up parent (configuration, spaCy pipeline and
patterns already loaded), so isolation costs milliseconds, not a fresh interpreter. One child
reads a whole batch of files in turn, keeping what the parsers cache between files (fonts,
CMaps, compiled patterns) as a single process would; each result comes back over a pipe as it
is made. When a file hangs or kills its child, that file alone fails and a new child takes the
rest of the batch. The child's heap is capped with ``RLIMIT_DATA``.
"""

from __future__ import annotations

import faulthandler
import gc
import json
import os
import resource
import select
import signal
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..outputs.records import ExtractedDocument
from ..settings import Settings
from .pipeline import extract_file, failed_record

_FRAME = struct.Struct("!I")


def _send(fd: int, payload: bytes) -> None:
    data = _FRAME.pack(len(payload)) + payload
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _child(write_fd: int, paths: list[Path], root: Path, settings: Settings) -> None:
    # The parent's objects are the child's too, shared copy-on-write: a cyclic garbage collection
    # that walked them would write to every one and copy the parent's whole heap (hundreds of MB
    # in a process running Prefect) into each child. Frozen, the collector leaves them alone.
    gc.freeze()
    # A crash is reported as this document's failure; a traceback dump on the terminal is noise.
    faulthandler.disable()
    code = 0
    try:
        if settings.max_memory_mb:
            _cap_memory(settings.max_memory_mb)
        for path in paths:
            _send(write_fd, b"S")  # started: the parent's clock for this file's time limit
            try:
                result = extract_file(path, root, settings)
                payload = b"R" + result.model_dump_json().encode()
            except MemoryError:
                _send(write_fd, b"M")
                break  # a heap that ran out is no place to read the next file: a new child takes it
            except ConfigError as exc:
                payload = b"C" + str(exc).encode()
            _send(write_fd, payload)
    except BaseException:  # noqa: BLE001 - whatever happens, the parent sees a crash, never a hang
        code = 70
    finally:
        # Leave without running the parent's atexit hooks or flushing its inherited buffers.
        os._exit(code)


def _cap_memory(limit_mb: float) -> None:
    """Allow the child ``limit_mb`` of heap on top of what it inherited from the parent.

    RLIMIT_DATA (private writable memory) rather than RLIMIT_AS: address-space reservations
    (thread stacks, shared libraries, allocator arenas) say little about real use, and a parent
    that has run Prefect, Dask or BLAS reserves gigabytes of them.
    """
    inherited = 0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmData:"):
                inherited = int(line.split()[1]) * 1024
                break
    cap = inherited + int(limit_mb * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


class _Frames:
    """Length-prefixed messages from a child, each awaited with a deadline."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()  # grown and consumed in place: a result can be megabytes
        self.closed = False

    def next(self, deadline: float) -> bytes | None:
        """The next message; ``None`` when the deadline passes first; ``b""`` when the child is gone."""
        while True:
            if len(self.buffer) >= _FRAME.size:
                (n,) = _FRAME.unpack_from(self.buffer)
                if len(self.buffer) >= _FRAME.size + n:
                    message = bytes(self.buffer[_FRAME.size:_FRAME.size + n])
                    del self.buffer[:_FRAME.size + n]
                    return message
            if self.closed:
                return b""
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.fd, 1 << 20)
            if chunk:
                self.buffer += chunk
            else:
                self.closed = True


@dataclass
class Spare:
    """A child forked at the start of a command, before the parent imports Prefect: it warms up
    (spaCy, configuration, the parsers) on the other core while the parent imports, then reads the
    first batch the parent hands it, as any batch child does."""

    pid: int
    send_fd: int  # parent → child: the batch, as JSON, then end of file
    read_fd: int  # child → parent: the usual frames
    settings: Settings

    def give(self, paths: list[Path], root: Path) -> None:
        data = json.dumps({"root": str(root), "paths": [str(p) for p in paths]}).encode()
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.send_fd, view):]
        except OSError:
            pass  # the child is gone: its frames will say so
        finally:
            os.close(self.send_fd)


_spare: Spare | None = None
_spare_lock = threading.Lock()


def fork_spare(settings: Settings, paths: list[Path] | None = None) -> None:
    """Fork a :class:`Spare` now (one at a time), warming up for ``paths``' formats;
    :func:`take_spare` hands it to a batch."""
    global _spare
    with _spare_lock:
        if _spare is not None:
            return
        job_r, job_w = os.pipe()
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the spare
            os.close(job_w)
            os.close(out_r)
            _spare_child(job_r, out_w, settings, paths)
        os.close(job_r)
        os.close(out_w)
        _spare = Spare(pid, job_w, out_r, settings)


def _spare_child(job_fd: int, write_fd: int, settings: Settings, paths: list[Path] | None) -> None:
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it like any child
        from .pipeline import warm_up

        warm_up(settings, paths)
        data = bytearray()
        while chunk := os.read(job_fd, 1 << 16):
            data += chunk
        os.close(job_fd)
        if not data:  # not needed after all
            os._exit(0)
        job = json.loads(bytes(data))
        _child(write_fd, [Path(p) for p in job["paths"]], Path(job["root"]), settings)
    except BaseException:  # noqa: BLE001 - whatever happens, the parent sees a crash, never a hang
        os._exit(70)


def take_spare(settings: Settings) -> Spare | None:
    """The spare child, for a batch read with these settings (None when there is none)."""
    global _spare
    with _spare_lock:
        spare = _spare if _spare is not None and _spare.settings == settings else None
        if spare is not None:
            _spare = None
        return spare


def discard_spare() -> None:
    """End a spare child no batch took (every document came from the cache)."""
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    if spare is not None:
        os.close(spare.send_fd)  # end of file: it leaves as soon as it has warmed up
        os.close(spare.read_fd)
        try:
            os.kill(spare.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(spare.pid, 0)
        except ChildProcessError:
            pass


def extract_isolated_batch(paths: list[Path], root: Path, settings: Settings,
                           on_result: Callable[[Path, ExtractedDocument], None], spare: Spare | None = None) -> None:
    """``extract_file`` of each of ``paths``, in order, in forked children with a time limit per
    file and a memory cap; ``on_result`` gets each result as it comes. The first child is
    ``spare`` when given (see :func:`fork_spare`).

    ``os.fork`` rather than ``multiprocessing``: it works inside daemonic workers (Dask,
    process pools), which multiprocessing refuses to let have children.
    """
    todo = list(paths)
    while todo:
        if spare is not None:
            pid, read_fd = spare.pid, spare.read_fd
            spare.give(todo, root)
            spare = None
        else:
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child
                os.close(read_fd)
                _child(write_fd, todo, root, settings)
            os.close(write_fd)
        frames = _Frames(read_fd)
        try:
            todo = _collect(frames, pid, todo, root, settings, on_result)
        finally:
            os.close(read_fd)


# How long a child may take to begin its next file (it says so before reading it): a child that
# stays silent that long is stuck outside any file.
_START_S = 60.0


def _collect(frames: _Frames, pid: int, todo: list[Path], root: Path, settings: Settings,
             on_result: Callable[[Path, ExtractedDocument], None]) -> list[Path]:
    """Results from one child; returns the files it left unread (after a failure that ended it)."""
    for i, path in enumerate(todo):
        message = frames.next(time.monotonic() + _START_S)
        if message != b"S":  # the child died before starting this file
            status = _reap(pid, kill=message is None)
            if i > 0:
                return todo[i:]  # between two files: a new child takes the rest
            # Before its first file: blamed on that file, so that a child that cannot start
            # ends the batch instead of being forked again forever.
            on_result(path, failed_record(path, root, _crashed(status), seconds=0.0))
            return todo[1:]
        started = time.perf_counter()
        message = frames.next(time.monotonic() + settings.timeout_s)
        if message is not None and message.startswith(b"R"):
            on_result(path, ExtractedDocument.model_validate_json(message[1:]))
            continue
        if message is not None and message.startswith(b"C"):
            _reap(pid, kill=True)
            raise ConfigError(message[1:].decode())
        reason = _failure(message, pid, settings)
        on_result(path, failed_record(path, root, reason, seconds=time.perf_counter() - started))
        return todo[i + 1:]
    _reap(pid, kill=False)
    return []


def _failure(message: bytes | None, pid: int, settings: Settings) -> str:
    """Why the child's file failed: no answer in time, out of memory, or the child died."""
    if message is None:
        _reap(pid, kill=True)
        return (f"timed out after {settings.timeout_s:.0f} s: the file is too large or complex to read in time; "
                "split it, or raise PLAN_EXTRACT_TIMEOUT_S")
    status = _reap(pid, kill=False)
    if message.startswith(b"M"):
        return (f"ran out of memory (limit {settings.max_memory_mb:.0f} MB): the file is too large to read; "
                "split it, or raise PLAN_EXTRACT_MAX_MEMORY_MB")
    return _crashed(status)


def _crashed(status: int | None) -> str:
    return f"the reader crashed ({_describe_exit(status)}): please report this file"


def _reap(pid: int, *, kill: bool) -> int | None:
    """Wait for the child (killing it first if asked); its exit code, negative for a signal."""
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def extract_isolated(path: Path, root: Path, settings: Settings) -> ExtractedDocument:
    """``extract_file`` of one file in a forked child (see :func:`extract_isolated_batch`)."""
    results: list[ExtractedDocument] = []
    extract_isolated_batch([path], root, settings, lambda _, r: results.append(r))
    return results[0]


def _describe_exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
