"""Inspection and priority codes: find them in text, expand them, normalise their family.

``LEAOF-5a/b`` → ``LEAOF-5a``, ``LEAOF-5b``; ``LEAOF-1a/1b`` → ``LEAOF-1a``, ``LEAOF-1b``;
``EDP Priority 7e`` → ``EDP-7e``; ``BVPI 45`` → ``BVPI-45``; a bare family in brackets
(``(CSCI)``) is its own code. Families come from the configured list plus the document's own
legend (``HMIP – HM Inspectorate of Probation recommendation``). A family the document does
not define but that is a near miss of one it does (``LEA/LSCOF`` beside ``LEA/LLSCOF``) is
repaired, and the repair is reported as a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from ..config import Config

_ID = r"[A-Z]?\d{1,4}(?:\.\d{1,3})?[a-z]?"
_ID_PART = rf"(?:{_ID}|[a-z](?![a-z]))"
_ID_LIST = rf"{_ID}(?:\s?/\s?{_ID_PART})*"
# A family token printed in capitals, possibly with slashes (LEA/LLSCOF) or ampersands.
_FAMILY_TOKEN = r"[A-Z][A-Z&]{1,12}(?:/[A-Z][A-Z&]{1,12})*"
_UNKNOWN_RE = re.compile(rf"(?<![A-Za-z0-9/])({_FAMILY_TOKEN})\s?[-–]\s?({_ID_LIST})(?![A-Za-z0-9])")
_LEGEND_RE = re.compile(rf"(?:^|(?<=\s))({_FAMILY_TOKEN})\s*[-–—:=]\s*(?=[A-Z])")
_LEGEND_WORDS = re.compile(
    r"\b(plan|inspect\w*|recommend\w*|review|indicator|priorit\w*|report|action|target|framework|"
    r"standard|objective|outcome|area|assessment|audit|finding|requirement|improvement)\b",
    re.I,
)
_BRACKETED_RE = re.compile(r"\(([^()]{1,60})\)")
MIN_FAMILY_SIMILARITY = 80.0


@dataclass(frozen=True)
class CodeRef:
    raw: str  # as printed: "LEAOF-5a/b"
    code: str  # one normalised code: "LEAOF-5a"
    family: str
    start: int = 0
    end: int = 0
    warning: str | None = None  # a repaired or unknown family


def expand_ids(ids: str) -> list[str]:
    """``5a/b`` → ``['5a', '5b']``; ``1a/1b`` → ``['1a', '1b']``; ``1.7`` → ``['1.7']``.

    A part that is a letter alone takes the number of the part before it.
    """
    out: list[str] = []
    number = ""
    for part in re.split(r"\s?/\s?", ids.strip()):
        if not part:
            continue
        m = re.fullmatch(r"([A-Z]?\d{1,4}(?:\.\d{1,3})?)([a-z]?)", part)
        if m:
            number = m.group(1)
            out.append(part)
        elif re.fullmatch(r"[a-z]", part) and number:
            out.append(number + part)
    return out


@dataclass
class CodeParser:
    """Finds codes in text, for one document's set of families."""

    families: dict[str, str]  # canonical family -> meaning
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> canonical
    defined: set[str] = field(default_factory=set)  # families the document's legend defines
    glued: set[str] = field(default_factory=set)  # families printed glued to their number (SO1, SO2, …)

    def __post_init__(self) -> None:
        names = sorted(set(self.families) | set(self.aliases), key=len, reverse=True)
        alternation = "|".join(re.escape(n) for n in names)
        # Family, then an optional separator and id list: "-5a/b", " 45", " Priority 7e".
        self._known_re = re.compile(
            rf"(?<![A-Za-z0-9/])({alternation})(?![A-Za-z/])"
            rf"(?:(?:\s?[-–]\s?|\s(?:[A-Za-z]+\s)?)({_ID_LIST})(?![A-Za-z0-9]))?"
        )

    @classmethod
    def for_document(cls, config: Config, legend_text: str = "") -> "CodeParser":
        families = {f.family: f.meaning for f in config.code_families.families}
        aliases = {a: f.family for f in config.code_families.families for a in f.aliases}
        defined = set()
        for family, meaning in learn_legend(legend_text).items():
            defined.add(family)
            families.setdefault(family, meaning)
        return cls(families=families, aliases=aliases, defined=defined, glued=learn_glued(legend_text))

    def canonical(self, family: str) -> tuple[str, str | None]:
        """The canonical family for a printed one, with a warning when it was repaired."""
        if family in self.families:
            return family, None
        if family in self.aliases:
            canon = self.aliases[family]
            return canon, f"code family '{family}' read as its configured alias of '{canon}'"
        best, score = _closest(family, tuple(sorted(self.defined or self.families)))
        if best is None and self.defined:
            best, score = _closest(family, tuple(sorted(self.families)))
        if best is not None and score >= MIN_FAMILY_SIMILARITY:
            where = "the document's legend" if best in self.defined else "the configured families"
            return best, f"code family '{family}' is not defined; read as '{best}' from {where}"
        return family, f"unknown code family '{family}': add it to code_families.yaml if it is real"

    def find(self, text: str, *, bare: str = "brackets") -> list[CodeRef]:
        """Codes in ``text``, expanded, in order.

        ``bare`` says where a family without a number counts as a code: ``"brackets"`` (only
        when it stands alone in brackets, ``(CSCI)``), ``"always"`` (a code column), ``"never"``.
        Running prose such as "Achieve the EDP Action Plans" names a plan, not a code.
        """
        found: list[CodeRef] = []
        taken: list[tuple[int, int]] = []
        bracket_spans = [(m.start(1), m.end(1)) for m in _BRACKETED_RE.finditer(text)]
        for m in self._known_re.finditer(text):
            fam_raw, ids = m.group(1), m.group(2)
            family, warning = self.canonical(fam_raw)
            if ids:
                for one in expand_ids(ids):
                    found.append(CodeRef(m.group(0), f"{family}-{one}", family, m.start(), m.end(), warning))
                taken.append((m.start(), m.end()))
                continue
            if bare == "never":
                continue
            if bare == "brackets" and (not _alone_in_brackets(text, m.start(1), m.end(1), bracket_spans)
                                       or _spelled_out_before(text, m.start(1), fam_raw)):
                continue
            found.append(CodeRef(fam_raw, family, family, m.start(1), m.end(1), warning))
            taken.append((m.start(1), m.end(1)))
        # Families the configuration does not know, printed in code form ("XYZ-3.1").
        for m in _UNKNOWN_RE.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            if bare != "always" and not any(s <= m.start() and m.end() <= e for s, e in bracket_spans):
                continue
            family, warning = self.canonical(m.group(1))
            for one in expand_ids(m.group(2)):
                found.append(CodeRef(m.group(0), f"{family}-{one}", family, m.start(), m.end(), warning))
        found.sort(key=lambda c: c.start)
        return found


    def find_in_code_cell(self, text: str) -> list[CodeRef]:
        """Codes in a cell of a code column (``Shared Outcome``: ``SO1, S02, SO 3``): every form
        :meth:`find` reads, plus codes printed glued to their number in a family the document
        uses that way, with a zero typed for the family's letter O repaired (``S02`` → ``SO2``)."""
        found = self.find(text, bare="always")
        taken = [(c.start, c.end) for c in found]
        # A code cut by a line wrap or a stray space: "S O6", "SO 3".
        joined = re.sub(r"(?<![A-Za-z])([A-Z])\s([A-Z])(?=\s?\d)", r"\1\2", text)
        joined = re.sub(r"(?<![A-Za-z])([A-Z]{1,5})\s(\d)", r"\1\2", joined)
        offset_ok = joined == text
        for m in _GLUED_RE.finditer(joined):
            if offset_ok and any(s <= m.start() < e for s, e in taken):
                continue
            family, number = m.group(1), m.group(2)
            warning = None
            if family not in self.glued and family + "O" in self.glued and number.startswith("0") and len(number) > 1:
                family, number = family + "O", number[1:]
                warning = f"'{m.group(0)}' read as '{family}{number}' (a zero typed for the letter O)"
            if family not in self.glued:
                continue
            code = f"{family}{number}"
            if any(c.code == code for c in found):
                continue
            found.append(CodeRef(m.group(0), code, family, m.start(), m.end(), warning))
        found.sort(key=lambda c: c.start)
        return found


_GLUED_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,5})(\d{1,3}[a-z]?)(?![A-Za-z0-9])")
_SMALL_WORDS = {"of", "and", "for", "the", "&", "in", "on", "to"}


def learn_glued(text: str) -> set[str]:
    """Families a document prints glued to their numbers (``SO1`` … ``SO6``): a prefix of two to
    five capitals seen with at least three different numbers."""
    numbers: dict[str, set[str]] = {}
    for m in re.finditer(r"(?<![A-Za-z0-9])([A-Z]{2,5})(\d{1,2})(?![A-Za-z0-9])", text):
        numbers.setdefault(m.group(1), set()).add(m.group(2))
    return {fam for fam, nums in numbers.items() if len(nums) >= 3}


def _spelled_out_before(text: str, start: int, family: str) -> bool:
    """``Education Development Plan (EDP)``: the bracket defines an abbreviation, it cites nothing.

    True when the words just before the bracket begin with the family's letters, in order.
    """
    letters = [ch for ch in family.upper() if ch.isalpha()]
    before = text[:start].rstrip(" (")
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", before[-200:]) if w.lower() not in _SMALL_WORDS]
    if len(letters) < 2 or len(words) < len(letters):
        return False
    return [w[0].upper() for w in words[-len(letters):]] == letters


def _alone_in_brackets(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    for s, e in spans:
        if s <= start and end <= e:
            inner = text[s:e]
            # "(CSCI)" or "(LEAOF) " — the bracket holds nothing but the family.
            return inner.strip(" .;,") == text[start:end]
    return False


@lru_cache(maxsize=1024)
def _closest(family: str, candidates: tuple[str, ...]) -> tuple[str | None, float]:
    best, best_score = None, 0.0
    for cand in candidates:
        score = fuzz.ratio(family, cand)
        if score > best_score:
            best, best_score = cand, score
    return best, best_score


def learn_legend(text: str) -> dict[str, str]:
    """Families a document defines in its legend: ``CSCI – Children's Social Services Action Plan``.

    One line may hold several entries; an entry counts when its meaning reads like an
    inspection, plan or indicator (so ``DMT – to review`` in prose is not a family).
    """
    out: dict[str, str] = {}
    for line in text.splitlines():
        starts = list(_LEGEND_RE.finditer(line))
        for i, m in enumerate(starts):
            meaning_end = starts[i + 1].start() if i + 1 < len(starts) else len(line)
            meaning = line[m.end():meaning_end].strip(" .;")
            if i == 0 and line[: m.start()].strip():
                continue  # the family must open the line or follow another entry
            if meaning and _LEGEND_WORDS.search(meaning) and len(meaning) <= 120:
                out[m.group(1)] = meaning
    return out
