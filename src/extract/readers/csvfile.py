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


def _consistency(sample: str, delimiter: str) -> tuple[int, int]:
    """(rows split alike, minus rows split otherwise) under ``delimiter``.

    A spreadsheet pads every row of its export to the same width, so the right delimiter splits
    the table's rows alike; a wrong one splits only the odd line that happens to hold it (one
    such line is no table: it counts against the delimiter). Lines left whole count for nothing.
    """
    counts: dict[int, int] = {}
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if len(row) >= 2 and any(field.strip() for field in row):
                counts[len(row)] = counts.get(len(row), 0) + 1
    except csv.Error:
        return 0, 0
    if not counts:
        return 0, 0
    width = max(counts, key=lambda n: (counts[n], n))
    alike = counts[width] if counts[width] >= 2 else 0
    return alike, -(sum(counts.values()) - alike)


def choose_delimiter(text: str, suffix: str, settings: SheetSettings) -> tuple[str, bool]:
    """The delimiter, and whether the first line was Excel's ``sep=`` hint (to be skipped).

    ``csv.Sniffer`` proposes; the candidate splitting the most rows alike (and the fewest
    otherwise) decides, the sniffer's choice winning a tie, then the configured order.
    """
    first = text.split("\n", 1)[0]
    m = _SEP_LINE_RE.match(first)
    if m:
        return m.group(1), True
    sample = text[: settings.csv_sample_bytes]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    candidates = list(settings.csv_delimiters)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(candidates)).delimiter
    except csv.Error:
        sniffed = "\t" if suffix in (".tsv", ".tab") else ","
    if sniffed not in candidates:
        candidates.append(sniffed)
    return max(candidates, key=lambda d: (*_consistency(sample, d), d == sniffed, -candidates.index(d))), False


@register("csv", _sniff)
def read_csv(path: Path, source_path: str) -> Document:
    """Read a CSV/TSV export into a Document (format ``csv``) holding its table."""
    settings = sheet_settings()
    limits = Settings()
    text, _encoding = decode(path.read_bytes(), settings.csv_encodings)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter, hinted = choose_delimiter(text, path.suffix.lower(), settings)
    # csv refuses a field over 128 KB; the file size limit already bounds what a field can hold.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
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
