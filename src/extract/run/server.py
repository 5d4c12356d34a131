"""The Prefect server a command talks to, chosen without waiting when one is already up.

Every run is a Prefect flow run, and a flow run needs a Prefect API. Starting Prefect's
temporary server costs a command more than all its other work on a small folder (a second
interpreter importing Prefect's server, its database opened and migrated, health polled), and it
stops again when the command ends. So, in order:

1. ``PREFECT_API_URL``, when set: the server the user chose (a ``make server``, Prefect Cloud).
2. The local server ``plan-extract server start`` started and keeps for this ``PREFECT_HOME``
   (same database as the temporary one, so the run history is one), when it answers its health
   check: ``PREFECT_API_URL`` is set to it for this process.
3. Prefect's temporary server, started by the first API call, as before; :func:`start_temporary`
   starts it early, in the background, so that it comes up while the command does its own
   imports and warm-up.

The kept server is ``prefect server start`` on 127.0.0.1 in its own session (it outlives the
command that started it), its log and a small state file in ``PREFECT_HOME``.
``plan-extract server stop`` ends it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

DEFAULT_PORT = 4200
START_TIMEOUT_S = 180.0
STATE_FILE = "plan-extract-server.json"
LOG_FILE = "plan-extract-server.log"


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()


@dataclass
class KeptServer:
    pid: int
    port: int
    api_url: str
    started: float
    prefect_home: str

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")


def state_path(home: Path | None = None) -> Path:
    return (home or prefect_home()) / STATE_FILE


def read_state(home: Path | None = None) -> KeptServer | None:
    try:
        return KeptServer(**json.loads(state_path(home).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    """Whether the API at ``api_url`` answers its health check (a plain HTTP GET: no Prefect import)."""
    try:
        with urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:  # noqa: S310 - our own loopback URL
            return response.status == 200
    except (URLError, OSError, ValueError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def kept_server(wait: bool = True) -> KeptServer | None:
    """The kept server of this ``PREFECT_HOME`` when it answers; one still starting (its process
    alive, started moments ago) is waited for. A state file left by a server that died is removed."""
    state = read_state()
    if state is None:
        return None
    if healthy(state.api_url):
        return state
    if not _alive(state.pid):
        with contextlib.suppress(OSError):
            state_path().unlink()
        return None
    if wait and time.time() - state.started < START_TIMEOUT_S:
        deadline = state.started + START_TIMEOUT_S
        while time.time() < deadline and _alive(state.pid):
            if healthy(state.api_url):
                return state
            time.sleep(0.5)
    return None


def _profile_api_url() -> str | None:
    """``PREFECT_API_URL`` of the active Prefect profile (``prefect profile use …``), if it sets one."""
    try:
        import tomllib

        data = tomllib.loads((prefect_home() / "profiles.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError, ImportError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    profile = (data.get("profiles") or {}).get(active) or {}
    url = profile.get("PREFECT_API_URL") if isinstance(profile, dict) else None
    return str(url) if url else None


def use_available_server() -> str:
    """Point this process at a server that is already up, if any: ``"env"`` (``PREFECT_API_URL``
    was set, in the environment or the active Prefect profile), ``"kept"`` (the kept local
    server, now in ``PREFECT_API_URL``) or ``"temporary"`` (none: Prefect starts its temporary
    server)."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return "kept" if is_kept_server(url) else "env"
    if _profile_api_url():
        return "env"
    state = kept_server()
    if state is not None:
        os.environ["PREFECT_API_URL"] = state.api_url
        return "kept"
    return "temporary"


def is_kept_server(api_url: str | None) -> bool:
    state = read_state()
    return bool(api_url) and state is not None and state.api_url.rstrip("/") == str(api_url).rstrip("/")


def _port_free(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _any_free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _start_lock(home: Path):  # type: ignore[no-untyped-def]
    """One command at a time decides whether to start the kept server (two runs started together
    would otherwise both start one)."""
    import fcntl

    home.mkdir(parents=True, exist_ok=True)
    with open(home / "plan-extract-server.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def launch(port: int | None = None) -> tuple[KeptServer, bool]:
    """The kept server, started now without waiting for it to answer when none is running or
    starting: ``(server, started_now)``. ``port`` None: 4200 when it is free, any free port else."""
    home = prefect_home()
    with _start_lock(home):
        state = read_state(home)
        if state is not None and _alive(state.pid) and (healthy(state.api_url) or time.time() - state.started < START_TIMEOUT_S):
            return state, False
        if state is not None:
            with contextlib.suppress(OSError):
                state_path(home).unlink()
        if port is None:
            port = DEFAULT_PORT if _port_free(DEFAULT_PORT) else _any_free_port()
        elif not _port_free(port):
            raise RuntimeError(f"port {port} is in use: choose another with --port")
        log = open(home / LOG_FILE, "ab")  # noqa: SIM115 - handed to the server process
        env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        exe = Path(sys.executable).with_name("prefect")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "prefect"]
        proc = subprocess.Popen([*cmd, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)  # its own session: it outlives this command
        log.close()
        state = KeptServer(pid=proc.pid, port=port, api_url=f"http://127.0.0.1:{port}/api", started=time.time(),
                           prefect_home=str(home))
        tmp = state_path(home).with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
        tmp.replace(state_path(home))
        return state, True


def wait_until_up(state: KeptServer, timeout: float = START_TIMEOUT_S) -> None:
    """Wait for a server :func:`launch` started to answer; RuntimeError (and the server stopped)
    when it exits or does not answer in time."""
    deadline = state.started + timeout
    while time.time() < deadline:
        if healthy(state.api_url, timeout=1.0):
            return
        if not _alive(state.pid):
            _reap(state.pid)
            with contextlib.suppress(OSError):
                state_path().unlink()
            raise RuntimeError(f"the Prefect server exited: see {prefect_home() / LOG_FILE}")
        _reap(state.pid)
        time.sleep(0.3)
    stop()
    raise RuntimeError(f"the Prefect server did not answer within {timeout:.0f} s: see {prefect_home() / LOG_FILE}")


def start(port: int | None = DEFAULT_PORT, timeout: float = START_TIMEOUT_S) -> tuple[KeptServer, bool]:
    """Start the kept server (or find it running): ``(server, started_now)``. Waits until it answers.

    Raises RuntimeError when the port is taken by something else or the server does not come up.
    """
    running = kept_server()
    if running is not None:
        return running, False
    state, started = launch(port)
    wait_until_up(state, timeout)
    return state, started


def stop(timeout: float = 30.0) -> KeptServer | None:
    """Stop the kept server (its whole process group); the server that was stopped, or None."""
    state = read_state()
    if state is None:
        return None
    if _alive(state.pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(state.pid):
            _reap(state.pid)
            time.sleep(0.2)
        if _alive(state.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(state.pid, signal.SIGKILL)
            _reap(state.pid)
    with contextlib.suppress(OSError):
        state_path().unlink()
    return state


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # our own child when this process started it


def start_temporary() -> Any:
    """Start Prefect's temporary server now, in a background thread, and return the thread: the
    server (a second interpreter importing Prefect's server) comes up while this process imports
    the flow and warms up. The flow's first API call then finds it running; join the thread first."""

    def go() -> None:
        from prefect.server.api.server import SubprocessASGIServer

        with contextlib.suppress(Exception):  # the flow's own start will say what went wrong
            SubprocessASGIServer().start()

    thread = threading.Thread(target=go, name="prefect-temporary-server", daemon=True)
    thread.start()
    return thread
