"""Extract one file in a child process, so a hang, a memory blow-up or a crash in a parser costs
that file alone: it becomes a ``failed`` row with a reason, and the run goes on.

The child is forked (``os.fork``) from a warmed-up parent (configuration, spaCy pipeline and patterns already
loaded), so isolation costs milliseconds, not a fresh interpreter. Its address space is capped
with ``RLIMIT_AS``; its result comes back as JSON over a pipe.
"""

from __future__ import annotations

import faulthandler
import gc
import os
import resource
import select
import signal
import time
from pathlib import Path

from .errors import ConfigError
from .pipeline import extract_file, failed_record
from .records import ExtractedDocument
from .settings import Settings


def _child(write_fd: int, path: Path, root: Path, settings: Settings) -> None:
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
        try:
            result = extract_file(path, root, settings)
            payload = b"R" + result.model_dump_json().encode()
        except MemoryError:
            payload = b"M"
        except ConfigError as exc:
            payload = b"C" + str(exc).encode()
        with os.fdopen(write_fd, "wb") as fh:
            fh.write(payload)
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


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None when the deadline passes first."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def extract_isolated(path: Path, root: Path, settings: Settings) -> ExtractedDocument:
    """``extract_file`` in a forked child with a time limit and a memory cap.

    ``os.fork`` rather than ``multiprocessing``: it works inside daemonic workers (Dask,
    process pools), which multiprocessing refuses to let have children.
    """
    started = time.perf_counter()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        _child(write_fd, path, root, settings)
    os.close(write_fd)
    try:
        payload = _read_until(read_fd, time.monotonic() + settings.timeout_s)
    finally:
        os.close(read_fd)
    if payload is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return failed_record(
            path, root,
            f"timed out after {settings.timeout_s:.0f} s: the file is too large or complex to read in time; "
            "split it, or raise PLAN_EXTRACT_TIMEOUT_S",
            seconds=time.perf_counter() - started,
        )
    _, status = os.waitpid(pid, 0)
    if payload.startswith(b"R"):
        return ExtractedDocument.model_validate_json(payload[1:])
    if payload.startswith(b"C"):
        raise ConfigError(payload[1:].decode())
    if payload.startswith(b"M"):
        reason = (f"ran out of memory (limit {settings.max_memory_mb:.0f} MB): the file is too large to read; "
                  "split it, or raise PLAN_EXTRACT_MAX_MEMORY_MB")
    else:
        reason = f"the reader crashed ({_describe_exit(os.waitstatus_to_exitcode(status))}): please report this file"
    return failed_record(path, root, reason, seconds=time.perf_counter() - started)


def _describe_exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
