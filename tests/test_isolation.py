"""One document's hang, memory blow-up or crash is one failed row; the run goes on.

The time limit here (TIMEOUT_S) is some hundred times what a good file takes in a child forked
from a warmed-up parent (as the runner's are), so a busy machine cannot make a good file time out."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from extract.run import isolate
from extract.settings import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
TIMEOUT_S = 3.0
HANG_S = 300.0  # far past the time limit: a test that waits this long has lost the time limit


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Parsers, configuration and spaCy loaded before forking, as the runner does: children
    inherit them instead of loading them within a file's time limit."""
    from extract.run.pipeline import warm_up

    warm_up()


def _hang(*args, **kwargs):  # type: ignore[no-untyped-def]
    time.sleep(HANG_S)


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
    from extract.run.pipeline import extract_file

    here = extract_file(plan, plan.parent, Settings())
    there = isolate.extract_isolated(plan, plan.parent, Settings())
    assert there.recommendations == here.recommendations and there.document.status == "ok"


def test_a_hang_times_out(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolate, "extract_file", _hang)
    started = time.perf_counter()
    result = isolate.extract_isolated(plan, plan.parent, Settings(timeout_s=TIMEOUT_S))
    assert TIMEOUT_S <= time.perf_counter() - started < TIMEOUT_S + 60  # the limit, not the hang, ended it
    assert result.document.status == "failed"
    assert result.document.error.startswith("timed out after 3 s")
    assert result.document.source_path == "plan.md" and len(result.document.document_id) == 16


def test_a_crash_is_one_failed_row(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolate, "extract_file", _segfault)
    result = isolate.extract_isolated(plan, plan.parent, Settings())
    assert result.document.status == "failed" and "killed by SIGSEGV" in (result.document.error or "")


def test_memory_is_capped(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolate, "extract_file", _hog)
    result = isolate.extract_isolated(plan, plan.parent, Settings(max_memory_mb=256))
    assert result.document.status == "failed" and "ran out of memory (limit 256 MB)" in (result.document.error or "")


def _plans(tmp: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        p = tmp / f"plan-{i}.md"
        p.write_bytes((SAMPLES / "childrens-services-action-matrix.md").read_bytes())
        paths.append(p)
    return paths


def _batch(paths: list[Path], settings: Settings) -> dict[str, str]:
    got: dict[str, str] = {}
    isolate.extract_isolated_batch(paths, paths[0].parent, settings,
                                   lambda p, r: got.setdefault(p.name, r.document.status + " " + (r.document.error or "")))
    return got


def test_a_batch_is_read_by_one_child_and_each_file_gets_its_result(tmp_path: Path) -> None:
    from extract.run.pipeline import extract_file

    paths = _plans(tmp_path, 3)
    results: list = []
    isolate.extract_isolated_batch(paths, tmp_path, Settings(), lambda p, r: results.append((p, r)))
    assert [p for p, _ in results] == paths
    here = extract_file(paths[1], tmp_path, Settings())
    assert results[1][1].recommendations == here.recommendations and results[1][1].document.source_path == "plan-1.md"


def _only_second(fault):  # type: ignore[no-untyped-def]
    from extract.run.pipeline import extract_file

    def run(path, root, settings):  # type: ignore[no-untyped-def]
        if path.name == "plan-1.md":
            fault()
        return extract_file(path, root, settings)

    return run


@pytest.mark.parametrize(("fault", "settings", "reason"), [
    (_hang, Settings(timeout_s=TIMEOUT_S), "failed timed out after 3 s"),
    (_segfault, Settings(), "failed the reader crashed (killed by SIGSEGV)"),
    (_hog, Settings(max_memory_mb=256), "failed ran out of memory (limit 256 MB)"),
])
def test_a_bad_file_in_a_batch_fails_alone_and_the_rest_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 fault, settings: Settings, reason: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(isolate, "extract_file", _only_second(fault))
    got = _batch(_plans(tmp_path, 4), settings)
    assert list(got) == ["plan-0.md", "plan-1.md", "plan-2.md", "plan-3.md"]
    assert got["plan-1.md"].startswith(reason)
    assert all(got[f"plan-{i}.md"] == "ok " for i in (0, 2, 3))


def test_a_child_that_cannot_start_fails_its_first_file_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cap(limit_mb: float) -> None:
        raise OSError("no limits here")

    monkeypatch.setattr(isolate, "_cap_memory", broken_cap)
    got = _batch(_plans(tmp_path, 2), Settings(max_memory_mb=512))
    assert got == {"plan-0.md": "failed the reader crashed (exit code 70): please report this file",
                   "plan-1.md": "failed the reader crashed (exit code 70): please report this file"}
