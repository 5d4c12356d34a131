"""The ``plan-extract`` command. Each command calls one public function with the same options;
an :class:`ExtractError` becomes one line on stderr and exit code 2."""

from __future__ import annotations

import atexit
import importlib.abc
import os
import signal
import sys
import threading
from pathlib import Path

import typer

from .errors import ConfigError, ExtractError, UsageError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Extract actions, owners, dates and codes from plan documents.")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stop_on_signals(stop: threading.Event) -> None:
    """Ctrl-C or SIGTERM (what a service manager sends) sets ``stop`` as well as interrupting.

    Prefect swallows an interrupt that lands after a flow's own code has finished (while the run
    is being marked complete), so a watch could miss the one signal it gets; the event it polls
    cannot be missed.
    """

    def handler(signum: int, frame: object) -> None:
        stop.set()
        _interrupt(signum, frame)

    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not signal.SIG_IGN:  # started with nohup or as a background job
            signal.signal(sig, handler)


class _NoPandas(importlib.abc.MetaPathFinder):
    """pyarrow imports pandas, when it is installed, the first time it builds a table from Python
    values: about a second of every run, for nothing a run uses (pandas is a development
    dependency, for the tests and the gold scorer). ``run`` and ``watch`` make it unimportable in
    their own process, as it is where only the runtime dependencies are installed; pyarrow
    then goes without, as it does there."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r} (not needed by plan-extract run)", name=name)
        return None


def without_pandas() -> None:
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


def _fail(exc: ExtractError) -> None:
    typer.secho(f"plan-extract: {exc}", err=True, fg=typer.colors.RED)
    raise typer.Exit(2)


def check_folders(input_dir: Path, out_dir: Path) -> None:
    """Refuse at once, touching nothing, when the input is missing or the output unwritable."""
    if not input_dir.exists():
        raise UsageError(f"input folder {input_dir} does not exist: give the folder holding the plan documents")
    if not input_dir.is_dir():
        raise UsageError(f"{input_dir} is a file, not a folder: give the folder that holds it")
    parent = out_dir.resolve().parent
    probe = parent
    while not probe.exists():
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK) or (out_dir.exists() and not out_dir.is_dir()):
        raise UsageError(f"cannot write the output folder {out_dir}: choose a folder you can write to")
    if out_dir.resolve() == input_dir.resolve():
        raise UsageError("the output folder must not be the input folder: give a separate --out")


@app.command()
def run(
    input_dir: Path = typer.Argument(..., help="Folder of plan documents (read recursively)."),
    out: Path = typer.Option(Path("outputs"), "--out", "-o", help="Where the datasets go."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Prefect's own logs."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    full: bool = typer.Option(False, "--full", help="Re-extract every file, ignoring cached results."),
    workers: int = typer.Option(0, "--workers", "-w", help="Documents extracted at once (default: CPU count, at most 4)."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Reuse results of unchanged files."),
    runner: str = typer.Option("local", "--runner", help="local (this machine) or dask (a Dask cluster)."),
    address: str = typer.Option(None, "--address", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786."),
) -> None:
    """Run one Prefect flow over INPUT_DIR and write the datasets to --out.

    The run uses PREFECT_API_URL or the Prefect server plan-extract keeps; with neither, it starts
    that server and keeps it for the next runs (PLAN_EXTRACT_KEEP_SERVER=0: a temporary one).

    Example: plan-extract run samples --out outputs
    """
    try:
        check_folders(input_dir, out)
    except ExtractError as exc:
        _fail(exc)
    without_pandas()
    from .run.runner import run_folder

    try:
        options: dict = {"full": full, "cache": cache}
        if workers:
            options["workers"] = workers
        if runner not in ("local", "dask"):
            raise UsageError(f"unknown runner {runner!r}: use --runner local or --runner dask")
        keep = os.environ.get("PLAN_EXTRACT_KEEP_SERVER", "1").lower() not in ("0", "false", "no")
        summary = run_folder(input_dir, out, verbose=verbose, progress=progress, settings=options,
                             runner=runner, address=address, keep_server=keep)
    except ConfigError as exc:
        _fail(exc)
    except UsageError as exc:
        _fail(exc)
    except RuntimeError as exc:
        if "Prefect server" not in str(exc):
            raise
        _fail(UsageError(f"{exc}; PLAN_EXTRACT_KEEP_SERVER=0 runs on a temporary server instead"))
    except KeyboardInterrupt:
        typer.secho(f"plan-extract: interrupted; {out} holds the datasets of the last run that finished, "
                    "never part of one", err=True)
        raise typer.Exit(130) from None
    from .outputs.report_console import print_summary

    print_summary(summary)


@app.command()
def watch(
    input_dir: Path = typer.Argument(..., help="Folder to watch (recursively)."),
    out: Path = typer.Option(Path("outputs"), "--out", "-o", help="Where the datasets go."),
    settle: float = typer.Option(2.0, "--settle", help="Seconds a file must stop changing before it is read."),
    workers: int = typer.Option(0, "--workers", "-w", help="Documents extracted at once."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Prefect's own logs."),
) -> None:
    """Sweep INPUT_DIR once, then run again whenever files are added, changed, moved or deleted.

    Unchanged files come from the results cache, so each run redoes only what changed.
    Example: plan-extract watch inbox --out outputs
    """
    try:
        check_folders(input_dir, out)
    except ExtractError as exc:
        _fail(exc)
    without_pandas()
    from .outputs.report_console import print_summary
    from .run.runner import run_folder
    from .run.watch import watch as watch_folder

    options: dict = {"workers": workers} if workers else {}

    def once() -> None:
        print_summary(run_folder(input_dir, out, verbose=verbose, progress=False, settings=options))

    def report(exc: BaseException) -> None:
        typer.secho(f"plan-extract: run failed, still watching: {exc}", err=True, fg=typer.colors.RED)

    typer.echo(f"watching {input_dir} → {out} (Ctrl-C to stop)")
    stop = threading.Event()
    stop_on_signals(stop)
    try:
        watch_folder(input_dir, out, once, settle_s=settle, on_error=report, stop=stop)
    except KeyboardInterrupt:
        pass
    typer.echo("stopped watching")


@app.command()
def serve(
    input_dir: Path = typer.Argument(..., help="Folder of plan documents."),
    out: Path = typer.Option(Path("outputs"), "--out", "-o", help="Where the datasets go."),
    cron: str = typer.Option("0 2 * * *", "--cron", help="When to run (cron, server time zone)."),
    name: str = typer.Option("overnight", "--name", help="Deployment name."),
    timezone: str = typer.Option("Europe/London", "--timezone", help="Time zone of the cron schedule."),
) -> None:
    """Serve the flow as a Prefect deployment on a cron schedule (needs a Prefect server:
    `make server`, then PREFECT_API_URL=http://127.0.0.1:4200/api).

    Example: plan-extract serve --cron "0 2 * * *" inbox --out outputs
    """
    try:
        check_folders(input_dir, out)
    except ExtractError as exc:
        _fail(exc)
    from .run.server import use_available_server

    if use_available_server() == "temporary":
        _fail(UsageError("serve needs a running Prefect server: start one with `plan-extract server start` "
                         "(or `make server` and PREFECT_API_URL=http://127.0.0.1:4200/api)"))
    from .run.runner import quiet_prefect

    quiet_prefect(False)
    from prefect.schedules import Cron

    from flows.extract_flow import extract_folder

    typer.echo(f"serving plan-extract/{name} on '{cron}' ({timezone}): {input_dir} → {out}")
    extract_folder.serve(
        name=name,
        schedules=[Cron(cron, timezone=timezone)],
        parameters={"input_dir": str(input_dir.resolve()), "out_dir": str(out.resolve()), "settings": {}},
        print_starting_message=False,
    )


server_app = typer.Typer(no_args_is_help=True, help="A local Prefect server kept running, so that commands need not start one.")
app.add_typer(server_app, name="server")


@server_app.command("start")
def server_start(port: int = typer.Option(4200, "--port", help="Port on 127.0.0.1.")) -> None:
    """Start a Prefect server on 127.0.0.1 that outlives this command; `run`, `watch` and `serve` use it.

    Example: plan-extract server start
    """
    from .run import server

    try:
        state, started = server.start(port)
    except RuntimeError as exc:
        _fail(UsageError(str(exc)))
    word = "started" if started else "already running"
    typer.echo(f"Prefect server {word}: {state.ui_url} (PREFECT_HOME {state.prefect_home}, pid {state.pid})")


@server_app.command("stop")
def server_stop() -> None:
    """Stop the server `plan-extract server start` started.

    Example: plan-extract server stop
    """
    from .run import server

    state = server.stop()
    typer.echo(f"stopped the Prefect server at {state.ui_url}" if state else "no Prefect server was kept running")


@server_app.command("status")
def server_status() -> None:
    """Say which Prefect server the next command will use. Exit code 0 when one is up, 1 when
    a command would start a temporary one.

    Example: plan-extract server status
    """
    from .run import server

    if os.environ.get("PREFECT_API_URL"):
        url = os.environ["PREFECT_API_URL"]
        up = server.healthy(url)
        typer.echo(f"PREFECT_API_URL {url}: {'answering' if up else 'not answering'}")
        raise typer.Exit(0 if up else 1)
    state = server.kept_server(wait=False)
    if state is not None:
        typer.echo(f"kept server running: {state.ui_url} (PREFECT_HOME {state.prefect_home}, pid {state.pid})")
        raise typer.Exit(0)
    typer.echo("no server running: the next `plan-extract run` starts one and keeps it "
               "(PLAN_EXTRACT_KEEP_SERVER=0: a temporary one per command); `watch` uses a temporary one")
    raise typer.Exit(1)


@app.command()
def export(
    out_dir: Path = typer.Argument(Path("outputs"), help="The --out folder of a run."),
    to: str = typer.Option(..., "--to", help="xlsx or duckdb"),
    dest: Path = typer.Option(None, "--dest", help="File to write (default: beside the folder, OUT_DIR.<ext>)."),
    views: bool = typer.Option(False, "--views", help="duckdb: views over the Parquet files instead of copies."),
) -> None:
    """Export the datasets for other tools: an Excel workbook or a DuckDB database.

    Example: plan-extract export outputs --to xlsx
    """
    from .outputs.export import to_duckdb, to_xlsx

    if to not in ("xlsx", "duckdb"):
        _fail(UsageError(f"unknown export format {to!r}: use --to xlsx or --to duckdb"))
    # Beside the folder, not inside it: the next run swaps the whole folder out.
    target = dest or out_dir.parent / f"{out_dir.name}.{to}"
    try:
        written = to_xlsx(out_dir, target) if to == "xlsx" else to_duckdb(out_dir, target, views=views)
    except UsageError as exc:
        _fail(exc)
    typer.echo(f"wrote {written}")


@app.command()
def changes(
    out_dir: Path = typer.Argument(Path("outputs"), help="The --out folder of a run."),
    since: str = typer.Option(None, "--since", help="A run id (or its start) from runs.parquet, or a date: 2025-03-01."),
    csv: Path = typer.Option(None, "--csv", help="Also write the rows to this CSV file."),
) -> None:
    """What changed in the plans: actions added, removed, status changed, due date moved,
    owners or text changed, and actions that became overdue. Between the last two runs, or
    from the run given by --since (a date: the last run before that day) to the latest.

    Example: plan-extract changes outputs --since 2025-03-01
    """
    from .outputs.changes import changes_since, print_changes

    try:
        table = changes_since(out_dir, since)
    except UsageError as exc:
        _fail(exc)
    print_changes(table)
    if csv is not None:
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, csv)
        typer.echo(f"wrote {csv}")


@app.command()
def schema(out: Path = typer.Option(Path("schemas/document.schema.json"), "--out", "-o")) -> None:
    """Write the JSON Schema of the per-document JSON output.

    Example: plan-extract schema --out schemas/document.schema.json
    """
    from .outputs.schema import write_schema

    write_schema(out)
    typer.echo(f"wrote {out}")


_exit_code: list[int] = []


def _skip_finalisation() -> None:
    """The last exit hook: once every other one has run (Prefect's log and event workers drained,
    a temporary server stopped, files closed), leave without tearing down the interpreter's
    modules one by one, which costs a command that imported Prefect most of a second."""
    if _exit_code:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_code[0])


def main() -> None:
    # SIGTERM ends a command as Ctrl-C does, through Python's exit path, so the temporary Prefect
    # server it started is stopped too instead of being left running without a parent.
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:
        signal.signal(signal.SIGTERM, _interrupt)
    atexit.register(_skip_finalisation)  # registered first, so it runs last
    try:
        app()  # typer turns an interrupt that reaches it into exit code 130
    except SystemExit as exc:
        code = exc.code
        _exit_code.append(code if isinstance(code, int) else (0 if code is None else 1))
        raise


if __name__ == "__main__":
    main()
