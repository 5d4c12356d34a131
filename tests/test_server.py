"""The kept Prefect server: `plan-extract server start` once, then `run` and `serve` use it instead
of a server of their own; `server stop` ends it. Real processes, a real server on a loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EXE = str(Path(sys.executable).parent / "plan-extract")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], env=env, capture_output=True, text=True, timeout=timeout)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_run_and_serve_use_the_kept_server(tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PLAN_EXTRACT_CACHE_DIR": str(tmp_path / "cache"), "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    env.pop("PREFECT_API_URL", None)
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    assert _cli(env, "server", "status").returncode == 1  # nothing kept yet: a command would start its own

    started = _cli(env, "server", "start", "--port", str(port))
    serve = None
    try:
        assert started.returncode == 0, started.stderr
        assert f"started: http://127.0.0.1:{port}" in started.stdout
        pid = int(started.stdout.split("pid ")[1].rstrip(")\n"))
        status = _cli(env, "server", "status")
        assert status.returncode == 0 and f"http://127.0.0.1:{port}" in status.stdout
        assert "already running" in _cli(env, "server", "start", "--port", str(port)).stdout

        # A run talks to the kept server: no temporary server (Prefect announces one in its
        # logs, shown with --verbose), and its flow run and artifacts are on the kept server.
        inbox, out = tmp_path / "inbox", tmp_path / "out"
        inbox.mkdir()
        (inbox / "matrix.md").write_bytes((SAMPLES / "childrens-services-action-matrix.md").read_bytes())
        run = _cli(env, "run", str(inbox), "--out", str(out), "--no-progress", "--verbose")
        assert run.returncode == 0, run.stderr
        assert "temporary server" not in (run.stdout + run.stderr).lower()
        [(flow_run_id,)] = duckdb.sql(f"select flow_run_id from '{out}/runs.parquet'").fetchall()
        flow_run = httpx.get(f"{api}/flow_runs/{flow_run_id}", timeout=10).json()
        assert flow_run["state"]["type"] == "COMPLETED"
        arts = httpx.post(f"{api}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}},
                          timeout=10).json()
        assert {a["key"] for a in arts} >= {"documents-by-status", "run-problems"}

        # serve needs no PREFECT_API_URL when a server is kept: its deployment is registered there.
        serve = subprocess.Popen([EXE, "serve", str(inbox), "--out", str(out), "--name", "kept"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        found = False
        while time.monotonic() < deadline and not found:
            found = httpx.get(f"{api}/deployments/name/plan-extract/kept", timeout=5).status_code == 200
            time.sleep(1)
        assert found, "serve did not register its deployment on the kept server"
    finally:
        if serve is not None:
            serve.send_signal(signal.SIGINT)
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                serve.kill()
                serve.wait()
        stopped = _cli(env, "server", "stop")
    assert "stopped the Prefect server" in stopped.stdout
    assert not _alive(pid)
    assert _cli(env, "server", "status").returncode == 1


def test_status_of_a_server_that_does_not_answer(tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": f"http://127.0.0.1:{_free_port()}/api"}
    status = _cli(env, "server", "status", timeout=60)
    assert status.returncode == 1 and "not answering" in status.stdout


def test_the_first_run_starts_the_server_the_next_one_uses(tmp_path: Path) -> None:
    """With nothing running, `plan-extract run` starts the server and keeps it (saying so once);
    the next run finds it and starts none."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PLAN_EXTRACT_CACHE_DIR": str(tmp_path / "cache"), "PLAN_EXTRACT_KEEP_SERVER": "1"}
    env.pop("PREFECT_API_URL", None)
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "matrix.md").write_bytes((SAMPLES / "childrens-services-action-matrix.md").read_bytes())
    try:
        first = _cli(env, "run", str(inbox), "--out", str(out), "--no-progress")
        assert first.returncode == 0, first.stderr
        assert "started a Prefect server for this run and the next ones" in first.stderr
        status = _cli(env, "server", "status")
        assert status.returncode == 0
        second = _cli(env, "run", str(inbox), "--out", str(out), "--no-progress", "--verbose")
        assert second.returncode == 0, second.stderr
        assert "started a Prefect server" not in second.stderr
        assert "temporary server" not in (second.stdout + second.stderr).lower()
        assert duckdb.sql(f"select count(*) from '{out}/runs.parquet'").fetchall()[0][0] == 2
    finally:
        stopped = _cli(env, "server", "stop")
    assert "stopped the Prefect server" in stopped.stdout
