"""The generated JSON Schema is current; the CLI refuses bad folders at once; writes are atomic."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.outputs import writers
from extract.outputs.schema import schema_text

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schema_is_generated_from_the_models() -> None:
    committed = (ROOT / "schemas" / "document.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "schemas/document.schema.json is stale: run `make schema`"


def test_missing_input_folder_exits_2_touching_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(tmp_path / "nope"), "--out", str(out)])
    assert result.exit_code == 2
    assert "does not exist" in result.output and not out.exists()


def test_unwritable_output_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--out", str(blocker)])
    assert result.exit_code == 2 and "cannot write" in result.output


def test_a_write_that_dies_leaves_the_previous_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    writers.write_datasets([], out)
    before = pq.read_table(out / "documents.parquet").schema.metadata

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(writers, "swap_in", boom)
    with pytest.raises(OSError):
        writers.write_datasets([], out)
    assert pq.read_table(out / "documents.parquet").schema.metadata == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"] or all(
        not p.name.startswith(".") or p.name.endswith(".lock") for p in tmp_path.iterdir()
    )
