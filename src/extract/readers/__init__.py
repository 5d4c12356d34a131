"""Readers turn one file into a :class:`extract.model.Document`.

Each reader registers itself by name with :func:`register`, giving a sniff function that looks
at the file's first bytes and name. :func:`read` picks the reader by content, not extension.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Unsupported
from ..model import Document
from .registry import _READERS, Reader, register

__all__ = ["Reader", "pick", "read", "readers", "register"]


def readers() -> dict[str, Reader]:
    _load_builtin()
    return dict(_READERS)


def pick(head: bytes, name: str) -> Reader:
    """The first registered reader whose sniff accepts the file, or Unsupported."""
    for reader in readers().values():
        if reader.sniff(head, name):
            return reader
    raise Unsupported(_unsupported_reason(head, name))


def read(path: Path, source_path: str) -> Document:
    """Read ``path`` with the reader its content calls for. Raises ExtractError subclasses."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    return pick(head, path.name).read(path, source_path)


def _unsupported_reason(head: bytes, name: str) -> str:
    from .sniff import describe

    return describe(head, name)


def _load_builtin() -> None:
    # Imported for their registration side effect; kept lazy so importing the package is cheap.
    # Order matters: the first reader whose sniff accepts a file reads it, so the spreadsheet
    # readers come before the text reader (a .csv is text too) and the Word reader (an .xlsx is
    # an OOXML zip too).
    from . import csvfile, sheet  # noqa: F401
    from . import text  # noqa: F401

    for optional in ("word", "pdfdoc"):
        try:
            __import__(f"{__name__}.{optional}")
        except ModuleNotFoundError as exc:  # a reader module not written yet
            if exc.name != f"{__name__}.{optional}":
                raise
