"""Recognise file kinds from their bytes, so an extension that lies does not fool a reader."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RTF_MAGIC = b"{\\rtf"

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".htm", ".html"}
CSV_SUFFIXES = {".csv", ".tsv", ".tab"}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")

# The first entries of an Excel package name its parts (Excel writes xl/workbook.xml early,
# openpyxl xl/theme and xl/worksheets); a Word package names word/ parts instead.
_WORKBOOK_PART_RE = re.compile(rb"xl/(?:workbook\.|worksheets/|styles\.xml|theme/|sharedStrings\.xml|_rels/)")


def is_pdf(head: bytes) -> bool:
    # The header may follow a little junk; PDF readers accept it within the first 1024 bytes.
    return PDF_MAGIC in head[:1024]


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def is_workbook_head(head: bytes) -> bool:
    """A zip whose first entries are Excel parts (by content, whatever the name)."""
    return is_zip(head) and b"word/" not in head and bool(_WORKBOOK_PART_RE.search(head))


def looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    if b"\x00" in head[:4096]:
        return False
    try:
        head[:4096].decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head[:4096]) - 3


def describe(head: bytes, name: str) -> str:
    """A one-line reason for a file no reader accepts, saying what to do."""
    lower = name.lower()
    if not head:
        return "empty file (0 bytes): nothing to read; re-export or re-copy it"
    if name.startswith("~$") or (len(head) == 162 and lower.endswith((".docx", ".doc")) and 0 < head[0] <= 54):
        # Word's owner file: 162 bytes, the length of the user name first, then the name.
        return "Word lock file (~$…): not a document; ignore it"
    if head.startswith(OLE_MAGIC):
        if lower.endswith((".xls", ".xlt")):
            return "legacy Excel .xls: save as .xlsx"
        return "legacy Word .doc: save as .docx"
    if head.startswith(RTF_MAGIC):
        return "RTF document: save as .docx"
    if is_zip(head):
        if lower.endswith(".odt") or b"opendocument" in head[:200]:
            return "OpenDocument text (.odt): save as .docx"
        return "zip archive that is not a Word document: unpack it or save the document as .docx"
    if lower.endswith(".pdf"):
        return "not a PDF (no %PDF header): the file is damaged or mis-named"
    if lower.endswith((".docx", ".doc")):
        return "not a Word document (not a zip package): the file is damaged or mis-named"
    return "unsupported file type: plan-extract reads PDF, DOCX, XLSX, CSV and text exports (.md, .txt, .html)"


def zip_names(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            return zf.namelist()
    except zipfile.BadZipFile:
        return []
