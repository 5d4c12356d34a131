"""Hostile and odd inputs: each gives a clear one-line reason, nothing reads outside the folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.run.discover import discover
from extract.run.pipeline import extract_file
from extract.settings import Settings


def _result(path: Path, **settings):  # type: ignore[no-untyped-def]
    return extract_file(path, path.parent, Settings(**settings))


def test_symlink_outside_the_folder_is_not_followed(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "secret.md").symlink_to("/etc/passwd")
    (inbox / "dangling.md").symlink_to(inbox / "missing.md")
    found = {f.path.name: f.skip_reason for f in discover(inbox)}
    assert "outside the input folder" in (found["secret.md"] or "")
    assert "broken symlink" in (found["dangling.md"] or "")


@pytest.mark.parametrize(
    ("name", "content", "status", "reason"),
    [
        ("empty.pdf", b"", "skipped", "empty file"),
        ("page.pdf", b"<html><body>not a pdf</body></html>", "skipped", "not a PDF (no %PDF header)"),
        ("fake.docx", b"just text pretending to be Word", "skipped", "not a Word document"),
        ("binary.docx", bytes(range(256)) * 40, "skipped", "not a Word document"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "failed", "PDF"),
        ("zip.docx", b"PK\x03\x04" + b"\0" * 100, "failed", "damaged Word package"),
    ],
)
def test_lying_and_broken_files(tmp_path: Path, name: str, content: bytes, status: str, reason: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    doc = _result(path).document
    assert doc.status == status, doc.error
    if reason:
        assert reason in (doc.error or "") and "\n" not in (doc.error or "")


@pytest.mark.parametrize("name", ["plan with spaces é ü.md", "new\nline.md", "-dash.md", "ünïcödé-计划.md"])
def test_odd_file_names(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("# Plan\n\n| Ref | Action | Lead |\n|---|---|---|\n| 1.1 | Do the thing well | Ann Lee |\n| 1.2 | Do more | Bob Kay |\n",
                    encoding="utf-8")
    result = _result(path)
    assert result.document.status == "ok" and result.document.source_path == name
    assert [a.action_ref for a in result.actions] == ["1.1", "1.2"]


def test_a_huge_cell_is_read_in_bounded_time(tmp_path: Path) -> None:
    path = tmp_path / "long.md"
    long = "word " * 200_000
    path.write_text(f"| Ref | Action | Lead |\n|---|---|---|\n| 1.1 | {long} | Ann Lee |\n| 1.2 | x y | Bob Kay |\n",
                    encoding="utf-8")
    result = _result(path, timeout_s=120)
    assert result.document.status in ("ok", "partial")


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * (2 * 1024 * 1024))
    doc = _result(path, max_file_mb=1).document
    assert doc.status == "failed" and "over the 1 MB limit" in (doc.error or "")


def test_unreadable_path(tmp_path: Path) -> None:
    # (Permission bits cannot make a file unreadable to root, who runs CI; a folder where a file
    # was expected fails the same way, through the same branch.)
    path = tmp_path / "not-a-file.md"
    path.mkdir()
    doc = _result(path).document
    assert doc.status == "failed" and "check it exists and is readable" in (doc.error or "")
