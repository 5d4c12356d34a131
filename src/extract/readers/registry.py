"""The registry readers add themselves to, kept apart from the package so that a reader module
imports nothing that imports it back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import Document

ReadFn = Callable[[Path, str], Document]
SniffFn = Callable[[bytes, str], bool]


@dataclass(frozen=True)
class Reader:
    name: str
    sniff: SniffFn
    read: ReadFn


_READERS: dict[str, Reader] = {}


def register(name: str, sniff: SniffFn) -> Callable[[ReadFn], ReadFn]:
    """Register ``read(path, source_path) -> Document`` under ``name``; a name is taken once."""

    def wrap(fn: ReadFn) -> ReadFn:
        if name in _READERS:
            raise ValueError(f"a reader named {name!r} is already registered")
        _READERS[name] = Reader(name=name, sniff=sniff, read=fn)
        return fn

    return wrap
