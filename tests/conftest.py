"""Shared fixtures: a private Prefect home per test session, and sample folders by format."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

# Before Prefect is imported anywhere: its own home, no telemetry, quiet logs.
_PREFECT_HOME = tempfile.mkdtemp(prefix="plan-extract-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PLAN_EXTRACT_CACHE_DIR"] = tempfile.mkdtemp(prefix="plan-extract-cache-")
os.environ.setdefault("PLAN_EXTRACT_KEEP_SERVER", "0")  # `plan-extract run` leaves no server behind a test
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
# Prefect's temporary server may start slowly on a busy machine: a generous limit, not a failure.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
# Likewise Dask's local cluster (test_dask): its processes connect late on a busy machine.
os.environ.setdefault("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "120s")


def sample_folder(tmp: Path, suffix: str) -> Path:
    """A folder holding the sample renderings of one format (``.md``, ``.docx``, ``.pdf``)."""
    folder = tmp / suffix.lstrip(".")
    folder.mkdir(parents=True, exist_ok=True)
    for path in SAMPLES.glob(f"*{suffix}"):
        if path.name != "README.md":
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def flow_run_md(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real flow over the .md samples; returns the output folder."""
    from extract.run.runner import run_folder

    tmp = tmp_path_factory.mktemp("md")
    out = tmp / "out"
    run_folder(sample_folder(tmp, ".md"), out, progress=False)
    return out


@pytest.fixture(scope="session")
def flow_runs(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The real flow over the sample renderings of one format at a time: ``flow_runs(".docx")``."""
    from extract.run.runner import run_folder

    done: dict[str, Path] = {}

    def get(suffix: str) -> Path:
        if suffix not in done:
            tmp = tmp_path_factory.mktemp(suffix.lstrip("."))
            out = tmp / "out"
            run_folder(sample_folder(tmp, suffix), out, progress=False)
            done[suffix] = out
        return done[suffix]

    return get
