"""Extract one file in a child process, so a hang, a memory blow-up or a crash in a parser costs
that file alone: it becomes a ``failed`` row with a reason, and the run goes on.

The child is forked from a warmed-up parent (configuration, spaCy pipeline and patterns already
loaded), so isolation costs milliseconds, not a fresh interpreter. Its address space is capped
with ``RLIMIT_AS``; its result comes back as JSON over a pipe.
"""

from __future__ import annotations

import faulthandler
import multiprocessing as mp
import os
import resource
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path

from .errors import ConfigError
from .pipeline import extract_file, failed_record
from .records import ExtractedDocument
from .settings import Settings


def _child(conn: Connection, path: Path, root: Path, settings: Settings) -> None:
    # A crash is reported as this document's failure; a traceback dump on the terminal is noise.
    faulthandler.disable()
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
        conn.send_bytes(payload)
    finally:
        conn.close()
        # Leave without running the parent's atexit hooks or flushing its inherited buffers.
        os._exit(0)


def _cap_memory(limit_mb: float) -> None:
    """Allow the child ``limit_mb`` on top of what it inherited from the parent."""
    with open("/proc/self/statm") as fh:
        vsize = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    cap = vsize + int(limit_mb * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def extract_isolated(path: Path, root: Path, settings: Settings) -> ExtractedDocument:
    """``extract_file`` in a forked child with a time limit and a memory cap."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    started = time.perf_counter()
    proc = ctx.Process(target=_child, args=(send, path, root, settings), daemon=True)
    proc.start()
    send.close()
    try:
        if receive.poll(settings.timeout_s):
            try:
                payload = receive.recv_bytes()
            except EOFError:
                payload = b""
        else:
            proc.kill()
            return failed_record(
                path, root,
                f"timed out after {settings.timeout_s:.0f} s: the file is too large or complex to read in time; "
                "split it, or raise PLAN_EXTRACT_TIMEOUT_S",
                seconds=time.perf_counter() - started,
            )
    finally:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join()
        receive.close()
    if payload.startswith(b"R"):
        return ExtractedDocument.model_validate_json(payload[1:])
    if payload.startswith(b"C"):
        raise ConfigError(payload[1:].decode())
    if payload.startswith(b"M"):
        reason = (f"ran out of memory (limit {settings.max_memory_mb:.0f} MB): the file is too large to read; "
                  "split it, or raise PLAN_EXTRACT_MAX_MEMORY_MB")
    else:
        reason = f"the reader crashed ({_describe_exit(proc.exitcode)}): please report this file"
    return failed_record(path, root, reason, seconds=time.perf_counter() - started)


def _describe_exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
