"""The overnight schedule: a real Prefect server on a loopback port, `plan-extract serve` registering
a cron deployment, and one run of that deployment triggered through the server's API."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(fn, timeout: float):  # type: ignore[no-untyped-def]
    """Ask until ``fn`` gives a value: a busy server may be slow or answer an error meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = fn()
            if value:
                return value
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError("timed out waiting")


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_cron_deployment_on_a_real_server(tmp_path: Path) -> None:
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "matrix.md").write_bytes((SAMPLES / "childrens-services-action-matrix.md").read_bytes())
    serve = None
    try:
        _wait(lambda: httpx.get(f"{api}/health", timeout=10).status_code == 200, 300)
        serve = subprocess.Popen(
            [str(BIN / "plan-extract"), "serve", str(inbox), "--out", str(out), "--cron", "0 2 * * *", "--name", "nightly"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deployment = _wait(lambda: (r := httpx.get(f"{api}/deployments/name/plan-extract/nightly", timeout=10)).status_code == 200
                           and r.json(), 300)
        crons = [s["schedule"].get("cron") for s in deployment["schedules"]]
        assert crons == ["0 2 * * *"] and deployment["schedules"][0]["schedule"]["timezone"] == "Europe/London"

        # A busy server can answer an error (its SQLite is shared with the scheduler): ask again.
        run = _wait(lambda: (r := httpx.post(f"{api}/deployments/{deployment['id']}/create_flow_run", json={},
                                             timeout=30)).is_success and r.json(), 120)
        state = _wait(lambda: (r := httpx.get(f"{api}/flow_runs/{run['id']}", timeout=10)).is_success
                      and (s := r.json()["state"]["type"]) in ("COMPLETED", "FAILED", "CRASHED") and s, 600)
        assert state == "COMPLETED"
        assert (out / "documents.parquet").exists() and (out / "report.html").exists()
        import duckdb

        [(flow_run_id,)] = duckdb.sql(f"select flow_run_id from '{out}/runs.parquet'").fetchall()
        assert flow_run_id == run["id"]
        # The run left its artifacts on the server: documents by status, and the problems.
        arts = _wait(lambda: (r := httpx.post(f"{api}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}}},
                                              timeout=10)).is_success and r.json(), 120)
        assert {a["key"] for a in arts} >= {"documents-by-status", "run-problems"}
        problems = next(a for a in arts if a["key"] == "run-problems")["data"]
        [(n_warnings, code, message)] = duckdb.sql(
            f"select count(*) over (), code, message from '{out}/warnings.parquet' order by code limit 1").fetchall()
        assert n_warnings > 0 and f"- matrix.md: `{code}` {message}" in problems
    finally:
        if serve is not None:
            _stop(serve)
        _stop(server)
