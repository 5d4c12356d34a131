"""The body that issued a plan (``Kent County Council``, ``City of Fayetteville``, ``Cabinet
Office``), as printed near its start: one part of a document's identity across re-issues
(see :mod:`extract.outputs.identity`).

Only the front of the document is read (its first blocks outside tables), and only names of a
recognisable form count: a council, a local authority named ``… of <Place>``, a government
department or office, an NHS body. Anything else gives None: a plan's identity then rests on
its title and period, which is better than a wrong issuer.
"""

from __future__ import annotations

import re

from ..model import BlockKind, Document
from ..textutil import collapse_ws

# How far into the document the issuer may be printed.
FRONT_BLOCKS = 40

_CAP = r"[A-Z][\w'’.&-]*"
_PLACE = rf"{_CAP}(?:\s+(?:upon|on|in|of|and|under)\s+{_CAP}|\s+{_CAP}){{0,3}}"
_COUNCIL = re.compile(rf"\b(?:{_PLACE})\s+(?:County\s+|City\s+|Borough\s+|District\s+|Town\s+|Parish\s+|Metropolitan\s+Borough\s+)?Council\b")
_PLACE_OF = re.compile(rf"\b(?:(?:London|Royal|Metropolitan)\s+Borough|City(?:\s+and\s+County)?|County|Borough|District|Town"
                       rf"|Commonwealth|State)\s+of\s+{_CAP}(?:\s+(?:upon|on|in)\s+{_CAP}|\s+{_CAP})?")
_GOVERNMENT = re.compile(
    r"\b(?:Cabinet Office|Home Office|Foreign(?:,| and) Commonwealth(?: (?:and|&) Development)? Office|HM Treasury"
    r"|Government Equalities Office|Scottish Government|Welsh Government|Northern Ireland Executive"
    rf"|Department (?:for|of) {_CAP}(?:(?:,\s+|\s+(?:and|&)\s+|\s+){_CAP}){{0,5}})")
_NHS = re.compile(rf"\b(?:{_PLACE}\s+)?NHS(?:\s+Foundation)?\s+Trust\b|\bNHS\s+{_PLACE}")
# Words that start a match but are not part of a place's name ("The Council", "Annual Council",
# "Mayor and City Council"), and words that end a place's name ("City of Fayetteville Master Plan").
_LEADING = {"the", "a", "an", "this", "our", "full", "annual", "draft", "local", "all", "each", "every", "and", "of",
            "mayor", "mayor's", "mayor’s", "cabinet", "county", "city", "borough", "district", "town", "parish"}
_GENERIC = {"plan", "strategy", "sustainability", "master", "action", "climate", "annual", "report", "council",
            "priorities", "delivery", "corporate", "improvement", "development", "policy", "draft"}


def _council(name: str) -> str | None:
    words = collapse_ws(name).split(" ")
    while len(words) > 2 and words[0].lower() in _LEADING:
        words = words[1:]
    if words[0].lower() in _LEADING:  # "City Council", "The Council": no place named
        return None
    return " ".join(words)


def _place_of(name: str) -> str | None:
    words = collapse_ws(name).split(" ")
    while words and words[-1].lower() in _GENERIC:
        words = words[:-1]
    return " ".join(words) if words and words[-1].lower() != "of" else None


_PATTERNS = [(_COUNCIL, _council), (_PLACE_OF, _place_of), (_GOVERNMENT, collapse_ws), (_NHS, collapse_ws)]


def find_issuer(doc: Document, title: str | None = None) -> str | None:
    """The issuing body printed in the title or the front of ``doc``, or None."""
    texts = [title] if title else []
    for b in doc.blocks[:FRONT_BLOCKS]:
        if b.kind is not BlockKind.table and b.text:
            texts.append(b.text)
    if doc.metadata.get("title"):
        texts.append(doc.metadata["title"])
    for text in texts:
        one_line = collapse_ws(text)
        for pattern, clean in _PATTERNS:
            for m in pattern.finditer(one_line):
                name = clean(m.group(0).strip(" .,;:"))
                if name:
                    return name
    return None
