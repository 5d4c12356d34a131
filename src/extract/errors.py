"""One exception hierarchy; every message names the file and says what to do.

A reader raises :class:`Unsupported` for files it will not read (the document becomes a
``skipped`` row) and :class:`ReadFailed` or one of its subclasses for files it cannot read
(a ``failed`` row). The message is the one-line reason stored in ``documents.error``.
"""

from __future__ import annotations


class ExtractError(Exception):
    """Base of every error plan-extract raises on purpose."""

    status = "failed"

    def __init__(self, reason: str, path: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class Unsupported(ExtractError):
    """The file is of a kind plan-extract does not read; it is recorded as skipped."""

    status = "skipped"


class ReadFailed(ExtractError):
    """The file is of a supported kind but could not be read."""


class Encrypted(ReadFailed):
    """The file is password-protected."""


class NoTextLayer(ReadFailed):
    """The pages are images only; OCR is needed."""


class Damaged(ReadFailed):
    """The file is truncated or structurally broken."""


class TooLarge(ReadFailed):
    """The file exceeds a configured limit (size, pages, uncompressed size)."""


class UsageError(ExtractError):
    """The command was called with something that cannot work (missing input folder, unwritable output)."""


class ConfigError(ExtractError):
    """A configuration file is invalid; the message names the file and the entry."""


class SchemaMismatch(UsageError):
    """Datasets were written under a ``schema_version`` this plan-extract does not read."""
