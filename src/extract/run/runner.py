"""Run the Prefect flow for the command line: quiet settings, a progress bar, one lock."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import Any

from ..settings import Settings
from . import progress as run_progress
from .summary import RunSummary


def quiet_prefect(verbose: bool = False) -> None:
    """Prefect settings for a command-line run: no telemetry, no server chatter on the terminal."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "true")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_API_SERVICES_TRIGGERS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def run_folder(input_dir: Path, out_dir: Path, *, verbose: bool = False, progress: bool = True,
               settings: dict[str, Any] | None = None, runner: str = "local", address: str | None = None) -> RunSummary:
    """One flow run over ``input_dir`` writing to ``out_dir``; what ``plan-extract run`` does."""

    quiet_prefect(verbose)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    import flows.extract_flow as ef

    from .discover import discover

    total = len(discover(input_dir, exclude=out_dir))
    show = progress and sys.stderr.isatty()
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("{task.fields[name]}"), transient=True, disable=not show)
    with bar:
        tid = bar.add_task("extracting", total=total, name="starting Prefect…")

        def hook(document) -> None:  # type: ignore[no-untyped-def]
            bar.update(tid, advance=1, name=document.file_name[:40])

        run_progress.set_hook(hook)
        try:
            with _quiet_shutdown(verbose), _no_heartbeats_when_ephemeral():
                workers = Settings.resolve(settings).workers
                flow = ef.extract_folder_with_workers(workers, runner, address)
                return flow(input_dir.resolve(), out_dir.resolve(), settings or {})
        finally:
            run_progress.set_hook(None)


@contextlib.contextmanager
def _no_heartbeats_when_ephemeral():  # type: ignore[no-untyped-def]
    """No flow-run heartbeats on the temporary server a command starts for itself.

    Heartbeats let a long-lived server notice a crashed run; the temporary one lives and dies
    with this process, so nothing reads them, and stopping the heartbeat thread costs every run
    up to a second (it sleeps in one-second steps). Against a real server they stay on.
    """
    import prefect.settings as ps

    if ps.get_current_settings().api.url:
        yield
        return
    with ps.temporary_settings(updates={ps.PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@contextlib.contextmanager
def _quiet_shutdown(verbose: bool):  # type: ignore[no-untyped-def]
    """Keep the ephemeral server's start/stop chatter off the terminal unless asked for."""
    if verbose:
        yield
        return
    for name in ("prefect", "uvicorn", "httpx", "prefect.server", "distributed"):
        logging.getLogger(name).setLevel(logging.ERROR)
    yield
