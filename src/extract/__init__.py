"""plan-extract: actions, owners, dates and inspection codes from plan documents.

>>> from extract import extract_file, read_document, Settings
>>> from extract import open_datasets   # a run's datasets as typed pandas DataFrames

Names are imported on first use, so ``import extract.outputs.records`` stays cheap (no spaCy, no
pdfplumber) for tools that only read or write results.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "extract_file": ("extract.run.pipeline", "extract_file"),
    "read_document": ("extract.readers", "read"),
    "ExtractedDocument": ("extract.outputs.records", "ExtractedDocument"),
    "Settings": ("extract.settings", "Settings"),
    "ExtractError": ("extract.errors", "ExtractError"),
    "open_datasets": ("extract.outputs.frames", "open_datasets"),
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, attr = _EXPORTS[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
