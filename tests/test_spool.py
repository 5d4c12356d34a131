"""The run's spool: documents written to disk by the extraction tasks and read back one at a time
by the writers give the same datasets as writing from a list in memory."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from extract.outputs.writers import FLUSH_EVERY_DOCS, SCHEMAS, write_datasets
from extract.run import spool
from extract.run.pipeline import extract_file

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_spooled_documents_write_the_same_datasets_as_a_list(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".md", ".docx", ".pdf") and p.name != "README.md")
    docs = [extract_file(p, SAMPLES) for p in files]
    folder = tmp_path / "spool"
    refs = [spool.put(folder, d) for d in reversed(docs)]  # arrival order is not output order
    assert [r.n_actions for r in spool.output_order(refs)] == [len(d.actions) for d in sorted(
        docs, key=lambda d: (d.document.source_path, d.document.document_id))]

    from extract.outputs import writers
    monkeypatch.setattr(writers, "FLUSH_EVERY_DOCS", 2)  # several row groups per file
    write_datasets(spool.SpooledDocuments(refs), tmp_path / "from-spool")
    monkeypatch.setattr(writers, "FLUSH_EVERY_DOCS", FLUSH_EVERY_DOCS)
    write_datasets(docs, tmp_path / "from-list")
    for name in SCHEMAS:
        a = pq.read_table(tmp_path / "from-spool" / f"{name}.parquet")
        b = pq.read_table(tmp_path / "from-list" / f"{name}.parquet")
        assert a.num_rows == b.num_rows, name
        assert a.drop_columns(["seconds"] if "seconds" in a.column_names else []).equals(
            b.drop_columns(["seconds"] if "seconds" in b.column_names else [])), name
    assert pq.read_table(tmp_path / "from-spool" / "actions.parquet").num_rows > 50
    assert pq.ParquetFile(tmp_path / "from-spool" / "documents.parquet").num_row_groups == 3
    report = (tmp_path / "from-spool" / "report.html").read_text(encoding="utf-8")
    assert report.count("<section class=doc") == len(docs)
