"""The folder watch: a real `plan-extract watch` process reacting to files dropped in and removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _documents(out: Path) -> list[str]:
    try:
        return [r[0] for r in duckdb.sql(f"select source_path from '{out}/documents.parquet' where not starts_with(file_name, '~$') order by 1").fetchall()]
    except duckdb.Error:
        return []


def _runs(out: Path) -> int:
    try:
        return duckdb.sql(f"select count(*) from '{out}/runs.parquet'").fetchall()[0][0]
    except duckdb.Error:
        return 0


def _wait(condition, timeout: float = 120.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_watch_reacts_to_new_changed_and_deleted_files(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "matrix.md").write_bytes((SAMPLES / "childrens-services-action-matrix.md").read_bytes())
    proc = subprocess.Popen(
        [sys.executable, "-m", "extract", "watch", str(inbox), "--out", str(out), "--settle", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "200"},
        start_new_session=True,  # its own process group: whatever it leaves running can be found
    )
    stopped = False
    try:
        assert _wait(lambda: _documents(out) == ["matrix.md"]), "the first sweep did not write the datasets"
        runs = _runs(out)

        # A file that arrives slowly is read once, after it has stopped growing.
        data = (SAMPLES / "cfs-directorate-plan-2003.md").read_bytes()
        with open(inbox / "plan.md", "wb") as fh:
            fh.write(data[: len(data) // 2])
            fh.flush()
            time.sleep(1.5)
            fh.write(data[len(data) // 2 :])
        assert _wait(lambda: _documents(out) == ["matrix.md", "plan.md"])
        n_actions = duckdb.sql(f"select count(*) from '{out}/actions.parquet'").fetchall()[0][0]
        assert n_actions > 50, "the plan was read before it was complete"

        # Lock files, temporary and hidden files trigger nothing.
        runs = _runs(out)
        (inbox / "~$plan.docx").write_bytes(b"lock")
        (inbox / "download.part").write_bytes(b"partial")
        (inbox / ".hidden").write_bytes(b"x")
        time.sleep(6)
        assert _runs(out) == runs

        # Moved and deleted files drop out.
        (inbox / "sub").mkdir()
        os.rename(inbox / "plan.md", inbox / "sub" / "plan.md")
        assert _wait(lambda: _documents(out) == ["matrix.md", "sub/plan.md"])
        (inbox / "matrix.md").unlink()
        assert _wait(lambda: _documents(out) == ["sub/plan.md"])

        # A bad file is a failed row; the watch goes on.
        (inbox / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")
        assert _wait(lambda: "broken.pdf" in _documents(out))
        assert proc.poll() is None

        # Ctrl-C right after a run has written its datasets (while Prefect is closing the run, where
        # it swallows interrupts) still stops the watch, and its Prefect server goes with it.
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)  # times out if a leftover child holds the pipe
        stopped = True
        assert proc.returncode == 0
        assert output.rstrip().endswith("stopped watching")
        assert not _group_alive(proc.pid), "the watch left processes running (its Prefect server?)"
    finally:
        if not stopped:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _group_alive(pgid: int) -> bool:
    time.sleep(1)
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
