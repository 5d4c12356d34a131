"""Run the Prefect flow for the command line: quiet settings, a progress bar, one lock."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import Any

from ..settings import Settings
from . import isolate, server
from . import progress as run_progress
from .batches import plan_batches
from .cache import pending
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
               settings: dict[str, Any] | None = None, runner: str = "local", address: str | None = None,
               keep_server: bool = False) -> RunSummary:
    """One flow run over ``input_dir`` writing to ``out_dir``; what ``plan-extract run`` does.

    The flow runs against a Prefect server that is already up when there is one (``PREFECT_API_URL``,
    or the server plan-extract keeps). Otherwise, with ``keep_server``, the kept server is started
    now, for this run and the later ones; without, Prefect's temporary server, started at once in
    the background. Either comes up while the flow is imported.
    """

    quiet_prefect(verbose)
    api = server.use_available_server()  # before Prefect reads its settings
    launched = None
    if api == "temporary" and keep_server:
        try:
            launched, started = server.launch()
        except RuntimeError as exc:
            print(f"plan-extract: could not start a Prefect server to keep ({exc}): using a temporary one",
                  file=sys.stderr)
        else:
            os.environ["PREFECT_API_URL"] = launched.api_url
            api = "kept"
            if started:
                print(f"plan-extract: started a Prefect server for this run and the next ones, {launched.ui_url} "
                      "(`plan-extract server stop` ends it; PLAN_EXTRACT_KEEP_SERVER=0: none kept)", file=sys.stderr)
    s = Settings.resolve(settings)
    root = input_dir.resolve()
    from .discover import discover

    found = discover(root, exclude=out_dir.resolve())
    todo = pending([f.path for f in found if not f.skip_reason], root, s) if runner == "local" else []
    if todo and s.isolate:
        isolate.fork_spare(s, todo)  # before any thread starts: it warms up while this process imports Prefect
    temporary = server.start_temporary() if api == "temporary" and _ephemeral_allowed() else None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    import flows.extract_flow as ef

    total = len(found)
    if len(plan_batches(todo, s.workers)) > 1 or (todo and not s.isolate):
        _warm_up_meanwhile(todo, s)  # for the batches the spare child does not take
    show = progress and sys.stderr.isatty()
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("{task.fields[name]}"), transient=True, disable=not show)
    with bar:
        tid = bar.add_task("extracting", total=total, name="starting Prefect…")

        def hook(document) -> None:  # type: ignore[no-untyped-def]
            bar.update(tid, advance=1, name=document.file_name[:40])

        run_progress.set_hook(hook)
        try:
            if temporary is not None:
                temporary.join()
            if launched is not None:
                server.wait_until_up(launched)
            with _quiet_shutdown(verbose), _api_url(api), _no_heartbeats_unless_chosen(api):
                flow = ef.extract_folder_with_workers(s.workers, runner, address)
                return flow(root, out_dir.resolve(), settings or {})
        finally:
            run_progress.set_hook(None)
            isolate.discard_spare()


def _warm_up_meanwhile(todo: list[Path], settings: Settings) -> None:
    """Warm up (spaCy, configuration, the parsers these files need) in a background thread while
    Prefect creates the flow run and its task runs, which is mostly waiting on the server; a task
    that forks a child for a batch waits for it to finish first."""
    import threading

    from .pipeline import warm_up

    threading.Thread(target=warm_up, args=(settings, todo), name="plan-extract-warm-up", daemon=True).start()


def _ephemeral_allowed() -> bool:
    return os.environ.get("PREFECT_SERVER_EPHEMERAL_ENABLED", "true").lower() not in ("0", "false", "no")


@contextlib.contextmanager
def _api_url(api: str):  # type: ignore[no-untyped-def]
    """The kept server's URL in Prefect's settings, also when Prefect read them before it was set."""
    url = os.environ.get("PREFECT_API_URL")
    if api != "kept" or not url:
        yield
        return
    import prefect.settings as ps

    if ps.get_current_settings().api.url == url:
        yield
        return
    with ps.temporary_settings(updates={ps.PREFECT_API_URL: url}):
        yield


@contextlib.contextmanager
def _no_heartbeats_unless_chosen(api: str):  # type: ignore[no-untyped-def]
    """No flow-run heartbeats on a server this command started or plan-extract keeps.

    Heartbeats let a long-lived server notice a crashed run; on the temporary server, which lives
    and dies with this process, nothing reads them, and the kept local server only sees the runs
    of commands on this machine. Stopping the heartbeat thread costs every run up to a second (it
    sleeps in one-second steps). Against a server the user chose (``PREFECT_API_URL``) they stay on.
    """
    import prefect.settings as ps

    if api == "env":
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
