"""One document's hang, memory blow-up or crash is one failed row; the run goes on."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from extract import isolate
from extract.settings import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _hang(*args, **kwargs):  # type: ignore[no-untyped-def]
    time.sleep(60)


def _segfault(*args, **kwargs):  # type: ignore[no-untyped-def]
    os.kill(os.getpid(), signal.SIGSEGV)


def _hog(*args, **kwargs):  # type: ignore[no-untyped-def]
    blocks = []
    while True:
        blocks.append(bytearray(64 * 1024 * 1024))


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.md"
    path.write_bytes((SAMPLES / "childrens-services-action-matrix.md").read_bytes())
    return path


def test_isolated_result_equals_in_process(plan: Path) -> None:
    from extract.pipeline import extract_file

    here = extract_file(plan, plan.parent, Settings())
    there = isolate.extract_isolated(plan, plan.parent, Settings())
    assert there.recommendations == here.recommendations and there.document.status == "ok"


def test_a_hang_times_out(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolate, "extract_file", _hang)
    started = time.perf_counter()
    result = isolate.extract_isolated(plan, plan.parent, Settings(timeout_s=1.5))
    assert time.perf_counter() - started < 10
    assert result.document.status == "failed"
    assert result.document.error.startswith("timed out after 2 s")
    assert result.document.source_path == "plan.md" and len(result.document.document_id) == 16


def test_a_crash_is_one_failed_row(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolate, "extract_file", _segfault)
    result = isolate.extract_isolated(plan, plan.parent, Settings())
    assert result.document.status == "failed" and "killed by SIGSEGV" in (result.document.error or "")


def test_memory_is_capped(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolate, "extract_file", _hog)
    result = isolate.extract_isolated(plan, plan.parent, Settings(max_memory_mb=256))
    assert result.document.status == "failed" and "ran out of memory (limit 256 MB)" in (result.document.error or "")
