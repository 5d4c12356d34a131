"""The folder watch: a real `plan-extract watch` process reacting to files dropped in and removed.

Nothing here depends on how fast the machine is: every step waits (with a generous deadline) for
the state the watch must reach, and counts its runs, one per change."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from processes import group_gone

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SETTLE_S = 2.0  # the watch's --settle (its default)


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


def _wait(condition, timeout: float = 300.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_watch_reacts_to_new_changed_and_deleted_files(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "matrix.md").write_bytes((SAMPLES / "childrens-services-action-matrix.md").read_bytes())
    proc = subprocess.Popen(
        [sys.executable, "-m", "extract", "watch", str(inbox), "--out", str(out), "--settle", str(SETTLE_S)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "200"},
        start_new_session=True,  # its own process group: whatever it leaves running can be found
        # Ctrl-C as a terminal delivers it: a test started in the background (`make test &`)
        # inherits SIGINT ignored, and the watch rightly leaves an ignored signal ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    stopped = False
    try:
        # (The datasets and runs.parquet are swapped in together: the run count is that run's.)
        assert _wait(lambda: _documents(out) == ["matrix.md"]), "the first sweep did not write the datasets"
        assert _runs(out) == 1

        # A file that arrives slowly is read once, after it has stopped growing: it grows in
        # pauses far shorter than the settle time, so only a stall of seconds could split it.
        data = (SAMPLES / "cfs-directorate-plan-2003.md").read_bytes()
        quarter = len(data) // 4 + 1
        with open(inbox / "plan.md", "wb") as fh:
            for start in range(0, len(data), quarter):
                fh.write(data[start : start + quarter])
                fh.flush()
                time.sleep(SETTLE_S / 4)
        assert _wait(lambda: _documents(out) == ["matrix.md", "plan.md"])
        assert _runs(out) == 2, "the slowly written plan was read more than once"
        n_actions = duckdb.sql(f"select count(*) from '{out}/actions.parquet'").fetchall()[0][0]
        assert n_actions > 50, "the plan was read before it was complete"

        # Lock files, temporary and hidden files trigger nothing: a quiet spell longer than a
        # burst plus the settle time, then a real change, which must be the only run.
        (inbox / "~$plan.docx").write_bytes(b"lock")
        (inbox / "download.part").write_bytes(b"partial")
        (inbox / ".hidden").write_bytes(b"x")
        time.sleep(3 * SETTLE_S)
        assert _runs(out) == 2

        # Moved and deleted files drop out.
        (inbox / "sub").mkdir()
        os.rename(inbox / "plan.md", inbox / "sub" / "plan.md")
        assert _wait(lambda: _documents(out) == ["matrix.md", "sub/plan.md"])
        assert _runs(out) == 3, "lock, temporary or hidden files started a run"
        (inbox / "matrix.md").unlink()
        assert _wait(lambda: _documents(out) == ["sub/plan.md"])
        assert _runs(out) == 4

        # A bad file is a failed row; the watch goes on.
        (inbox / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")
        assert _wait(lambda: "broken.pdf" in _documents(out))
        assert _runs(out) == 5 and proc.poll() is None

        # Ctrl-C right after a run has written its datasets (while Prefect is closing the run, where
        # it swallows interrupts) still stops the watch, and its Prefect server goes with it.
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=120)  # times out if a leftover child holds the pipe
        stopped = True
        assert proc.returncode == 0
        assert output.rstrip().endswith("stopped watching")
        assert group_gone(proc.pid), "the watch left processes running (its Prefect server?)"
    finally:
        if not stopped:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

