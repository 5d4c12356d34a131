"""Which plan and which action a row is, across runs and re-issues: ``document_key`` and ``action_key``.

``document_id`` names a file's bytes: a re-issued plan (``plan v2.docx``, one status changed) is
a new id. People downstream follow *the plan* and *its actions*, so each document gets a
``document_key`` and each action an ``action_key`` that survive a re-issue:

- document_key: a hash of the plan's normalised title, its issuing body and its plan period (the
  file name, version words such as ``v2``/``final``/``draft`` dropped, when no title was found).
  Two files of one run with the same identity (the same plan as Word and PDF) are told apart by
  format, then by path. A document whose identity moved (a typo fixed in the title) keeps the key
  of the previous run's document when it is the same file (same path or same bytes) or when the
  issuer and period agree and the titles differ by a slip.
- action_key: a hash of the document_key and the reference as printed (``2.10``) when the
  document prints references and this one is unique in it; otherwise of the normalised theme and
  title, and then an action of the previous run of the same document whose title differs only by
  a slip (a typo fixed) passes its key on.

Keys are assigned when a run's datasets are written, from the previous run's snapshot
(:mod:`extract.outputs.history`); they are 16 hex digits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from rapidfuzz import fuzz

from .records import Action, DocumentRecord

# Titles at least this similar (rapidfuzz ratio, 0–100) are the same title with a slip.
SLIP_SIMILARITY = 90.0
# The same file (same path) may have its title edited more than a slip and stay the same plan.
SAME_FILE_SIMILARITY = 60.0

_VERSION_RE = re.compile(
    r"\b(?:v(?:er(?:sion)?)?\s*\d+(?:\s+\d+)*|draft|final|revised|updated?|amended|copy|rev\s*\d*|issue\s+\d+)\b"
)


def _hash(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def normal_text(text: str | None) -> str:
    """Lower case, accents and punctuation gone, ``&`` as ``and``, version words dropped."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(_VERSION_RE.sub(" ", text).split())


def file_title(file_name: str) -> str:
    """A file name as a title: ``Plan_v2 (final).docx`` → ``plan``."""
    return normal_text(PurePosixPath(file_name).stem.replace("_", " "))


@dataclass(frozen=True)
class DocumentIdentity:
    """What a document is known by, this run or a previous one."""

    document_id: str
    source_path: str
    format: str
    title: str  # normalised title, or the file name's when no title was found
    issuer: str
    plan_start: dt.date | None
    plan_end: dt.date | None
    document_key: str | None = None  # known for a previous run's documents

    @classmethod
    def of(cls, record: DocumentRecord) -> DocumentIdentity:
        return cls(record.document_id, record.source_path, record.format,
                   normal_text(record.title) or file_title(record.file_name), normal_text(record.issuer),
                   record.plan_start, record.plan_end, record.document_key)

    def natural_key(self) -> str:
        return _hash("document", self.title, self.issuer, self.plan_start, self.plan_end)


def assign_document_keys(current: Sequence[DocumentRecord], previous: Iterable[DocumentIdentity] = ()) -> dict[tuple[str, str], str]:
    """A document_key for each of this run's documents, by ``(document_id, source_path)``."""
    docs = [DocumentIdentity.of(r) for r in current]
    groups: dict[str, list[DocumentIdentity]] = defaultdict(list)
    for d in docs:
        groups[d.natural_key()].append(d)
    candidate: dict[tuple[str, str], str] = {}
    for natural, members in groups.items():
        formats = Counter(m.format for m in members)
        for m in members:
            if len(members) == 1:
                key = natural
            elif formats[m.format] == 1:  # the same plan in several formats
                key = _hash(natural, m.format)
            else:  # the same plan twice in one format (an old and a new copy side by side)
                key = _hash(natural, m.format, m.source_path)
            candidate[(m.document_id, m.source_path)] = key

    prev = [p for p in previous if p.document_key]
    taken = set(candidate.values())
    unclaimed = [p for p in prev if p.document_key not in taken]
    keys: dict[tuple[str, str], str] = {}
    # Documents whose identity moved since the previous run, matched best first.
    pairs = []
    for d in docs:
        if candidate[(d.document_id, d.source_path)] in {p.document_key for p in prev}:
            continue
        for p in unclaimed:
            score = _document_match(d, p)
            if score is not None:
                pairs.append((score, d, p))
    used_prev: set[str] = set()
    for _, d, p in sorted(pairs, key=lambda t: -t[0]):
        ident = (d.document_id, d.source_path)
        if ident in keys or p.document_key in used_prev:
            continue
        keys[ident] = p.document_key  # type: ignore[assignment]
        used_prev.add(p.document_key)  # type: ignore[arg-type]
    for d in docs:
        keys.setdefault((d.document_id, d.source_path), candidate[(d.document_id, d.source_path)])
    return keys


def _document_match(d: DocumentIdentity, p: DocumentIdentity) -> float | None:
    """How surely ``d`` is the previous run's ``p`` with its identity changed, or None."""
    same_file = d.source_path == p.source_path
    if same_file and d.document_id == p.document_id:
        return 300.0  # same bytes at the same place: the extractor read it differently
    similarity = fuzz.ratio(d.title, p.title)
    if same_file and similarity >= SAME_FILE_SIMILARITY:
        return 200.0 + similarity
    if (d.issuer, d.plan_start, d.plan_end) == (p.issuer, p.plan_start, p.plan_end) and similarity >= SLIP_SIMILARITY:
        return 100.0 + similarity
    return None


@dataclass(frozen=True)
class ActionIdentity:
    action_key: str
    keyed_by: str  # "ref" or "title"
    match_text: str  # normalised theme and title, for slip matching in the next run


def action_text(action: Action) -> str:
    title = action.title or (action.steps[0] if action.steps else "")
    return normal_text(f"{action.theme or ''} {title}")


def assign_action_keys(actions: Sequence[Action], document_key: str,
                       previous: Sequence[ActionIdentity] = ()) -> list[ActionIdentity]:
    """An identity for each action of one document, in order.

    ``previous`` holds the previous run's actions of the same document_key.
    """
    refs = Counter(a.action_ref for a in actions)
    texts = [action_text(a) for a in actions]
    seen: Counter[str] = Counter()
    out: list[ActionIdentity | None] = []
    for a, text in zip(actions, texts):
        if not a.action_ref.startswith("#") and refs[a.action_ref] == 1:
            out.append(ActionIdentity(_hash(document_key, "ref", a.action_ref), "ref", text))
        else:
            seen[text] += 1
            n = seen[text]
            out.append(ActionIdentity(_hash(document_key, "title", text, n if n > 1 else ""), "title", text))

    previous_keys = {p.action_key for p in previous}
    claimed = {i.action_key for i in out if i is not None}
    unclaimed = [p for p in previous if p.action_key not in claimed]
    pairs = []
    for i, ident in enumerate(out):
        if ident is None or ident.keyed_by != "title" or ident.action_key in previous_keys:
            continue
        for p in unclaimed:
            score = fuzz.ratio(ident.match_text, p.match_text)
            if score >= SLIP_SIMILARITY:
                pairs.append((score, i, p))
    moved: set[int] = set()
    used: set[str] = set()
    for _, i, p in sorted(pairs, key=lambda t: (-t[0], t[1])):
        if i in moved or p.action_key in used:
            continue
        cur = out[i]
        assert cur is not None
        out[i] = ActionIdentity(p.action_key, cur.keyed_by, cur.match_text)
        moved.add(i)
        used.add(p.action_key)

    # Keys are unique within a document whatever happened above.
    result: list[ActionIdentity] = []
    keys: set[str] = set()
    for i, ident in enumerate(out):
        assert ident is not None
        if ident.action_key in keys:
            ident = ActionIdentity(_hash(ident.action_key, i), ident.keyed_by, ident.match_text)
        keys.add(ident.action_key)
        result.append(ident)
    return result
