"""No data loss: a run killed with SIGKILL at any point leaves exactly the previous datasets or
exactly the new ones, readable, never a mixture; the next run completes; a second concurrent
run is refused; a stale lock from a killed run does not block."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import random
import signal
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from extract.errors import UsageError
from extract.outputs.records import ExtractedDocument
from extract.outputs.writers import run_lock, write_datasets
from extract.run.pipeline import extract_file
from extract.settings import Settings
from processes import group_gone

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
KILLS = 20

def _writer(gen: Path, out: Path, ready: Connection) -> None:
    docs = [ExtractedDocument.model_validate(d) for d in json.loads(gen.read_text())]
    ready.send("ready")
    with run_lock(out):
        write_datasets(docs, out)


# What depends on the run, or on the run before it, is compared by presence only: report.html
# says when it was generated, history/ holds one snapshot per run, changes.parquet compares with
# the previous run, and identity keys may be carried over from it.
RUN_DEPENDENT = ("report.html", "changes.parquet")
IDENTITY = ("document_key", "action_key")


def _without_identity(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_identity(v) for k, v in value.items() if k not in IDENTITY}
    if isinstance(value, list):
        return [_without_identity(v) for v in value]
    return value


def _digest(path: Path) -> str:
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        content = repr(table.drop([c for c in IDENTITY if c in table.column_names]).to_pylist())
        return hashlib.sha256(content.encode()).hexdigest()
    if path.suffix == ".json":
        return hashlib.sha256(json.dumps(_without_identity(json.loads(path.read_bytes()))).encode()).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fingerprint(out: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if not p.is_file():
            continue
        if rel.startswith("history/"):
            found["history/"] = "present"
        else:
            found[rel] = "present" if p.name in RUN_DEPENDENT else _digest(p)
    return found


def _generation(tmp: Path, name: str, copies: int) -> Path:
    """A set of results to write: ``copies`` documents, distinct ids, per generation."""
    base = extract_file(SAMPLES / "cfs-directorate-plan-2003.md", SAMPLES, Settings())
    docs = []
    for i in range(copies):
        d = base.model_copy(deep=True)
        d.document.document_id = hashlib.sha256(f"{name}{i}".encode()).hexdigest()[:16]
        d.document.source_path = f"{name}/{i}.md"
        docs.append(json.loads(d.model_dump_json()))
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(docs))
    return path


def _write(gen: Path, out: Path, kill_after: float | None = None) -> bool:
    """Run a writer process (from a fork server that has the imports, so it starts quickly);
    kill it with SIGKILL ``kill_after`` seconds after it is ready. True if it finished."""
    # A fork server: children start from a clean process that has only imported the writers, not
    # from pytest's process with whatever threads earlier tests left running.
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["extract.outputs.writers", "extract.outputs.records"])
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_writer, args=(gen, out, send))
    proc.start()
    assert receive.poll(300) and receive.recv() == "ready", "the writer process did not start"
    if kill_after is not None:
        time.sleep(kill_after)
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it finished first: that point is past the end of the run
    proc.join(timeout=120)
    return proc.exitcode == 0


def test_sigkill_at_random_points_never_mixes_datasets(tmp_path: Path) -> None:
    gens = {"a": _generation(tmp_path, "a", 8), "b": _generation(tmp_path, "b", 12)}
    refs = {}
    for name, gen in gens.items():
        ref = tmp_path / f"ref-{name}"
        started = time.perf_counter()
        assert _write(gen, ref)
        refs[name] = _fingerprint(ref)
    duration = time.perf_counter() - started
    out = tmp_path / "out"
    assert _write(gens["a"], out)
    current = "a"
    rng = random.Random(20261125)
    finished_during_kill = 0
    for _ in range(KILLS):
        target = "b" if current == "a" else "a"
        completed = _write(gens[target], out, kill_after=rng.uniform(0, duration * 1.1))
        now = _fingerprint(out)
        assert now in (refs["a"], refs["b"]), "datasets on disk are a mixture of two runs"
        for name in ("documents", "actions", "milestones"):
            pq.read_table(out / f"{name}.parquet")  # readable
        if now == refs[target]:
            finished_during_kill += completed or 1
        # The next run completes, whatever the killed one left beside the folder.
        assert _write(gens[target], out)
        assert _fingerprint(out) == refs[target]
        current = target
    leftovers = [p.name for p in tmp_path.iterdir() if ".staging-" in p.name or ".old-" in p.name]
    assert leftovers == []


def test_second_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with run_lock(out):
        with pytest.raises(UsageError, match="another plan-extract run is writing to"):
            with run_lock(out):
                pass


def test_stale_lock_of_a_killed_run_does_not_block(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time; from pathlib import Path; from extract.outputs.writers import run_lock\n"
         "with run_lock(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(60)", str(out)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(UsageError):
        with run_lock(out):
            pass
    holder.kill()
    holder.wait()
    with run_lock(out):  # the kernel dropped the killed holder's lock
        pass


def test_sigterm_mid_run_stops_cleanly_and_keeps_the_previous_datasets(tmp_path: Path, flow_run_md: Path) -> None:
    """What a service manager sends: the run stops with a one-line message, the previous datasets
    stay as they were, and nothing it started (the temporary Prefect server, extraction workers)
    is left running."""
    import shutil

    out = tmp_path / "out"
    shutil.copytree(flow_run_md, out)
    before = _fingerprint(out)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(4):  # enough pages that the run is still extracting when the signal comes
        for pdf in SAMPLES.glob("*.pdf"):
            shutil.copy(pdf, inbox / f"{i}-{pdf.name}")
    proc = subprocess.Popen([sys.executable, "-m", "extract", "run", str(inbox), "--out", str(out), "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 300  # Prefect's temporary server starts first: slow on a busy machine
        while not list(tmp_path.glob(".out.spool-*")) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # the spool appears when extraction starts
        assert proc.poll() is None, proc.communicate()[0]
        assert list(tmp_path.glob(".out.spool-*")), "extraction did not start within 300 s"
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=120)
    finally:
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, output
    assert f"interrupted; {out} holds the datasets of the last run that finished" in output
    assert _fingerprint(out) == before
    assert group_gone(proc.pid), "the run left processes running (its Prefect server, workers?)"
