"""CSV and TSV exports of action trackers (``.csv``, ``.tsv``, ``.tab``).

Read as the spreadsheet they were saved from: the delimiter is sniffed (``csv.Sniffer`` among the
configured candidates, checked by how evenly each splits the rows; Excel's ``sep=;`` first line
wins), the encoding follows a byte-order mark or is the first of the configured encodings that
decodes (UTF-8, Windows-1252, Latin-1), and the rows are laid out like a sheet's
(:mod:`.sheet_layout`): title lines above the header are headings and paragraphs, the table
starts at the first row with several fields, wherever it is. A CSV has no styles: a status given
only by a cell's colour is lost in the export.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..errors import ReadFailed, TooLarge
from ..model import Document
from ..settings import Settings
from .numfmt import SheetSettings, sheet_settings
from .registry import register
from .sheet_layout import Grid, GridCell, lay_out
from .sniff import CSV_SUFFIXES, is_pdf, is_zip

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_SEP_LINE_RE = re.compile(r"^\s*sep=(.)\s*$", re.I)


def _sniff(head: bytes, name: str) -> bool:
    if Path(name).suffix.lower() not in CSV_SUFFIXES or not head or is_pdf(head) or is_zip(head):
        return False
    # Any 8-bit text (Windows-1252 is not UTF-8), or UTF-16 with its byte-order mark; no NUL bytes.
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head[:4096]


def decode(data: bytes, encodings: tuple[str, ...]) -> tuple[str, str]:
    """The text and the encoding it was read with: a BOM's, else the first that decodes."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ReadFailed(f"CSV file is not valid {encoding} after its byte-order mark: re-save it as UTF-8") from exc
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReadFailed("CSV file is in none of the configured encodings: re-save it as UTF-8")


def _split_count(sample: str, delimiter: str) -> int:
    """How many rows of the sample split into the most common number (≥ 2) of fields."""
    counts: dict[int, int] = {}
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if len(row) >= 2:
                counts[len(row)] = counts.get(len(row), 0) + 1
    except csv.Error:
        return 0
    return max(counts.values(), default=0)


def choose_delimiter(text: str, suffix: str, settings: SheetSettings) -> tuple[str, bool]:
    """The delimiter, and whether the first line was Excel's ``sep=`` hint (to be skipped)."""
    first = text.split("\n", 1)[0]
    m = _SEP_LINE_RE.match(first)
    if m:
        return m.group(1), True
    sample = text[: settings.csv_sample_bytes]
    if "\n" in sample[len(sample) // 2 :] and len(text) > len(sample):
        sample = sample[: sample.rindex("\n")]  # whole lines only
    candidates = list(settings.csv_delimiters)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(candidates)).delimiter
    except csv.Error:
        sniffed = "\t" if suffix in (".tsv", ".tab") else ","
    best = max(candidates, key=lambda d: (_split_count(sample, d), d == sniffed))
    if _split_count(sample, best) <= _split_count(sample, sniffed):
        best = sniffed
    return best, False


@register("csv", _sniff)
def read_csv(path: Path, source_path: str) -> Document:
    """Read a CSV/TSV export into a Document (format ``csv``) holding its table."""
    settings = sheet_settings()
    limits = Settings()
    text, _encoding = decode(path.read_bytes(), settings.csv_encodings)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter, hinted = choose_delimiter(text, path.suffix.lower(), settings)
    cells: dict[tuple[int, int], GridCell] = {}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    record = 0
    n_cells = 0
    try:
        for fields in reader:
            start, line = line, reader.line_num + 1
            if hinted and record == 0 and start == 1:
                hinted = False
                continue
            record += 1
            n_cells += len(fields)
            if n_cells > limits.max_cells:
                raise TooLarge(f"CSV file has over {limits.max_cells:,} cells: split it or raise PLAN_EXTRACT_MAX_CELLS")
            for col, value in enumerate(fields):
                value = value.strip()
                if value:
                    cells[(record - 1, col)] = GridCell(text=value, address=f"{_column(col)}{record}", line=start)
    except csv.Error as exc:
        raise ReadFailed(f"CSV file cannot be split into fields at line {line} ({exc}): re-export it") from exc
    doc = Document(source_path=source_path, format="csv", pages=None)
    doc.metadata["delimiter"] = delimiter
    if cells:
        lay_out(doc, Grid(cells=cells, sheet=None, styled=False), settings)
    return doc


def _column(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column a spreadsheet would show the field in."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
