"""Owners: split a responsibility cell into names, classify them, merge spellings per document.

Splitting: on ``/ , ; & +``, the word ``and`` and line breaks, never inside brackets;
``Lead:``/``Support:`` prefixes and bracketed job titles are dropped; a capitals group glued to
a name (``DMT Andrew Parfitt``) is two owners; a fragment cut off a word (``Advise rs``) is
glued back. Kinds (person / group / role) come from a blank spaCy pipeline whose rules are the
patterns in ``data/owner_patterns.jsonl``. Canonical names: case slips, typing slips, short
forms (``Liz`` → ``Elizabeth``) and first names alone are merged into the full name printed
elsewhere in the same document; ``All DMT`` is ``DMT`` when the document names ``DMT``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from ..config import Config

if TYPE_CHECKING:
    from spacy.language import Language

_PREFIX_RE = re.compile(
    r"\b(?:lead(?:\s+officer)?|support(?:ed by)?|responsible(?:\s+officer)?|owner|accountable|co-?lead|deputy lead)\s*:\s*",
    re.I,
)
# "&" parts owners when spaced ("Tom Okafor & SMT"), not inside an abbreviation ("L&D", "A&E").
_SPLIT_RE = re.compile(r"\s*(?:/|,|;|\s&|&\s|\+|\n|\band\b|\s-\s|\s–\s|\s{2,})\s*")
_BRACKET_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z&]{1,6}s?$")
_NAME_WORD_RE = re.compile(r"^(?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*|Mc[A-Z][a-z]+|O'[A-Z][a-z]+|[A-Z]\.?)$")
_NOISE = {"n/a", "na", "tbc", "tba", "-", "–", "various", "all", "none", "see above", "as above", "ditto"}
# A verb in the piece makes it a clause about who, not a name: "Civil society organisations to be
# consulted in 2014", "Partners will be identified" (names capitalise their words: "What Works").
_CLAUSE_RE = re.compile(r"\b(?:to be|will|shall|would|should|could|is|are|was|were|has been|have been)\s+[a-z]")
# "BOND Anti-Corruption Group: Article 19, CAFOD": a body named before a colon, then its members.
_NAMED_COLON_RE = re.compile(r"(?<![\w&'’.-])((?:[A-Z][\w&'’.-]*\s+)+[A-Z][\w&'’.-]*)\s*:\s+(?=\S)")
_SEE_RE = re.compile(r"^\s*(?:see|as per|as for|as)\s+(?:action\s+|ref\.?\s+)?([A-Za-z]?\d+(?:\.\d+)*[a-z]?)\s*\.?\s*$", re.I)


# --- spaCy rule pipeline ----------------------------------------------------------------------
# spaCy is imported when the pipeline is first built, not with this module: a run whose
# documents all come from the results cache never needs it (a second and a half of imports).


def owner_kind_component(doc: Any) -> Any:
    """Label the whole owner string person / group / role from the span ruler's matches."""
    labels = {span.label_ for span in doc.spans.get("owner_rules", [])}
    words = [t.text for t in doc if not t.is_punct]
    if "GROUP" in labels and len(words) <= 2 and any(_ACRONYM_RE.match(w) for w in words):
        kind = "group"
    elif "ROLE" in labels:
        kind = "role"
    elif "GROUP" in labels:
        kind = "group"
    elif words and all(_NAME_WORD_RE.match(w) for w in words) and len(words) <= 4:
        kind = "person"
    else:
        kind = "role"
    doc.user_data["owner_kind"] = kind
    return doc


@lru_cache(maxsize=1)
def _register() -> None:
    from spacy.language import Language

    Language.component("owner_kind", func=owner_kind_component)


@lru_cache(maxsize=2)
def _pipeline(patterns_key: str, patterns: tuple[tuple[str, str], ...]) -> Language:
    import json

    import spacy

    _register()
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "owner_rules", "validate": True})
    ruler.add_patterns([json.loads(p) for _, p in patterns])  # type: ignore[attr-defined]
    nlp.add_pipe("owner_kind")
    return nlp


def _nlp(config: Config) -> "Language":
    import json

    key = config.fingerprint
    patterns = tuple((str(i), json.dumps({"label": p["label"], "pattern": p["pattern"]})) for i, p in enumerate(config.owner_patterns))
    return _pipeline(key, patterns)


def owner_kind(name: str, config: Config) -> str:
    """``person``, ``group`` or ``role`` for one cleaned owner name."""
    return _kind_cached(name, config.fingerprint, _nlp(config))


@lru_cache(maxsize=8192)
def _kind_cached(name: str, _fp: str, nlp: "Language") -> str:
    return str(nlp(name).user_data["owner_kind"])


# --- splitting --------------------------------------------------------------------------------


def see_reference(cell_text: str) -> str | None:
    """The action a cell refers to instead of naming owners: ``See 2.3`` → ``2.3``."""
    m = _SEE_RE.match(cell_text)
    return m.group(1) if m else None


def _protect_brackets(text: str) -> tuple[str, list[str]]:
    saved: list[str] = []

    def keep(m: re.Match[str]) -> str:
        saved.append(m.group(0))
        return f"\x00{len(saved) - 1}\x00"

    return _BRACKET_RE.sub(keep, text), saved


# Short lower-case words that are words in their own right inside names and job titles
# ("Responsable du transport", "Jean de la Salle", "Vincent van Gogh"), never a word's broken end.
_PARTICLES = frozenset({"du", "de", "des", "la", "le", "les", "van", "von", "der", "den", "di", "da", "dos", "del", "el", "et"})


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _glue_fragments(tokens: list[str]) -> list[str]:
    """``['Advise', 'rs']`` → ``['Advisers']``: a short lower-case non-word after a capitalised word."""
    out: list[str] = []
    for tok in tokens:
        if (
            out
            and out[-1][:1].isupper()
            and tok.isalpha()
            and tok.islower()
            and len(tok) <= 3
            and tok not in _stop_words()
            and tok not in _PARTICLES
        ):
            out[-1] += tok
        else:
            out.append(tok)
    return out


def _split_glued(piece: str, role_words: frozenset[str]) -> list[str]:
    """``DMT Andrew Parfitt`` → ``['DMT', 'Andrew Parfitt']``; ``Colin Tucker All DMT`` → two."""
    tokens = _glue_fragments(piece.split())
    parts: list[list[str]] = [[]]
    for i, tok in enumerate(tokens):
        prev = parts[-1][-1] if parts[-1] else None
        if prev is not None:
            tok_acr = bool(_ACRONYM_RE.match(tok))
            tok_name = _name_word(tok, role_words)
            # "All DMT Janette Karklins": the group ends where a full name (two name words) begins.
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            next_is_name = _name_word(nxt, role_words)
            prev_acr = bool(_ACRONYM_RE.match(prev)) and (parts[-1][0].lower() != "all" or next_is_name)
            prev_name = _name_word(prev, role_words)
            # An acronym then one more word is one body ("NHS England", "HM Treasury"); an acronym
            # then a full name (two name words) is a group and a person, but not an acronym then a
            # unit's name ("AD Integrated Commissioning", "Transparency International UK").
            if (prev_acr and tok_name and next_is_name and tok.lower() != "all") or (prev_name and tok_acr and len(parts[-1]) >= 2):
                parts.append([])
            elif tok.lower() == "all" and prev_name and i + 1 < len(tokens):
                parts.append([])
        parts[-1].append(tok)
    return [" ".join(p) for p in parts if p]


# "and", or a spaced "&" (never the one inside "L&D"), between two parts of one name or two owners.
_AND_RE = re.compile(r"\s+(?:and|&)\s+")
# Words that end the name of a body ("Foreign and Commonwealth Office").
_BODY_WORDS = frozenset({
    "office", "government", "authority", "agency", "commission", "ministry", "association", "development",
    "regeneration", "resources", "planning", "transport", "transportation", "housing", "health", "education",
    "environment", "environmental", "communities", "community", "safety", "licensing", "recreation", "leisure",
    "culture", "finance", "commissioning", "engagement", "skills", "learning", "protection", "operations",
    "performance", "policy", "strategy", "infrastructure", "enterprise", "economy", "highways", "parks",
    "affairs", "justice", "security", "welfare", "care", "works", "sustainability", "innovation", "trade",
    "initiative", "institute", "foundation", "fund", "society", "alliance", "federation", "coalition"})
# Endings of abstract nouns and adjectives ("Redevelopment", "Ethics", "Strategic", "Commercial",
# "International", "Integrated"), which no first name or surname has: "Commercial Ethics" looks like
# "Jo Bloggs" (two capitalised words) but names a function, not a person.
_NOT_NAME_ENDING_RE = re.compile(
    r"(?:ments?|tions?|sions?|ity|ities|ness|ship|isms?|ics|ology|ical|egic|cial|tial|ional|tive|sive|ated)$", re.I)
# "Department for Business, Innovation and Skills": a comma list inside one body's name.
_NAME_LIST_RE = re.compile(r"(\b(?:of|for)\s+[A-Z][\w'’-]+),\s+([A-Z][\w'’-]+)\s+and\s+([A-Z][\w'’-]+)(?=\s*(?:,|$|\(|/|;|\n))")
_SEGMENT_END = re.compile(r"[/,;&+\n]|\s-\s|\s–\s|\s{2,}")
_ACRONYM_IN_BRACKETS = re.compile(r"\(\s*(?=[A-Za-z&]*[A-Z][A-Za-z&]*[A-Z])[A-Z][A-Za-z&]{1,7}\s*\)")
_KEEP_AND = "\x01"
_KEEP_AMP = "\x02"
_KEEP_COMMA = "\x03"


def _keep_inner_ands(text: str, role_words: frozenset[str]) -> str:
    """``Head of Housing and Regeneration``, ``Department of Parks and Recreation``, ``Fleet and
    Depot Manager``: an "and" inside one body's or role's name does not part two owners."""
    text = _NAME_LIST_RE.sub(lambda m: f"{m.group(1)}{_KEEP_COMMA} {m.group(2)} {_KEEP_AND} {m.group(3)}", text)
    out = []
    last = 0
    ands = list(_AND_RE.finditer(text))
    for i, m in enumerate(ands):
        seg_start = max([s.end() for s in _SEGMENT_END.finditer(text, 0, m.start())] + [ands[i - 1].end() if i else 0])
        nxt = _SEGMENT_END.search(text, m.end())
        seg_end = min([nxt.start() if nxt else len(text)] + ([ands[i + 1].start()] if i + 1 < len(ands) else []))
        left = text[seg_start:m.start()].strip()
        right = text[m.end():seg_end].strip()
        lw, rw = left.split(), right.split()
        keep = False
        if lw and rw:
            right_opens_role = (rw[0].lower() in role_words or rw[0].lower() in ("the", "all")
                                or bool(_ACRONYM_RE.match(rw[0])))
            right_is_person = (len(rw) in (2, 3) and all(_NAME_WORD_RE.match(w) for w in rw)
                               and not any(w.lower() in role_words | _BODY_WORDS for w in rw))
            if " of " in f" {left.lower()} " or " for " in f" {left.lower()} ":
                keep = not right_opens_role and not right_is_person
            elif (rw[-1].lower() in role_words | _BODY_WORDS and not _opens_owner(rw, role_words) and len(lw) <= 3
                  and not any(w.lower() in role_words for w in lw) and not _is_person(left)):
                # "Fleet and Depot Manager", "Commercial Ethics and Sustainability Lead",
                # "Organisation Development & Staff Engagement": one role or unit.
                keep = not _ACRONYM_RE.match(lw[-1])  # not "DPH and PH Specialists"
            elif (len(rw) == 1 and rw[0].lower() in _BODY_WORDS and any(w.lower() in role_words for w in lw)):
                # "Assistant Director ASC and Health": a role's second portfolio, not a second owner
                # (a function's name alone after a role names no one else).
                keep = True
        out.append(text[last:m.start()])
        conj = _KEEP_AMP if "&" in m.group(0) else _KEEP_AND
        out.append(f" {conj} " if keep else m.group(0))
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def _opens_owner(words: list[str], role_words: frozenset[str]) -> bool:
    """Whether the words after an "and" begin a second owner ("the Chief Executive", "SMT members",
    "Head of Housing") rather than finish one name: a group or job word qualifying a function
    ("Staff Engagement", "Team Development") finishes it."""
    first = words[0].lower()
    if first in ("the", "all") or _ACRONYM_RE.match(words[0]):
        return True
    function_head = (len(words) >= 2 and words[-1].lower() in _BODY_WORDS
                     and not any(w.lower() in ("of", "for") for w in words))
    return first in role_words and not function_head


def _name_word(word: str, role_words: frozenset[str] = frozenset()) -> bool:
    """A word that can be part of a person's name: capitalised, not a job, unit or function word,
    not an abstract noun's or adjective's ending."""
    return (bool(_NAME_WORD_RE.match(word)) and word.lower() not in role_words and word.lower() not in _BODY_WORDS
            and not _NOT_NAME_ENDING_RE.search(word))


# Words naming a body rather than one post: "Department for X, HM Treasury" is two bodies.
_COLLECTIVE_WORDS = frozenset({"department", "directorate", "team", "teams", "group", "groups", "board", "boards",
                               "panel", "committee", "forum", "partnership", "service", "services", "unit", "council",
                               "trust", "network", "consortium", "cabinet", "executive", "partners", "agencies"})


def _keep_role_qualifiers(text: str, role_words: frozenset[str]) -> str:
    """``Matron, Mental Health``, ``Head of Service, Children's Services``: a role followed by the
    service it serves is one owner; ``Head of Housing, Finance Director``, ``Ann Lee, Bob Kay`` and
    ``Chief Nurse, CCG`` are two."""
    lines = []
    for line in text.split("\n"):
        if line.count(",") == 1:
            left, right = (x.strip() for x in line.split(","))
            lw = {w.lower().strip("()'’") for w in left.split()}
            rw = right.split()
            if (lw & role_words and not lw & _COLLECTIVE_WORDS and not lw & _BODY_WORDS - {"health", "care", "education"}
                    and rw and len(rw) <= 4 and right[:1].isupper()
                    and not {w.lower().strip("()'’") for w in rw} & role_words
                    and not _is_person(right) and not right.isupper()):
                line = f"{left}{_KEEP_COMMA} {right}"
        lines.append(line)
    return "\n".join(lines)


def _is_person(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 3 and all(_name_word(w) for w in words)


def split_owners(text: str, role_words: frozenset[str] = frozenset()) -> list[str]:
    """Owner names as printed in one responsibility cell, cleaned but not yet canonical.

    >>> split_owners("Lead: Amira Shah (Head of Adult Learning), Support: Tom Okafor & SMT")
    ['Amira Shah', 'Tom Okafor', 'SMT']
    """
    text = _PREFIX_RE.sub("\n", text)
    text = _NAMED_COLON_RE.sub(lambda m: f"{m.group(1)}\n", text)
    text = _keep_inner_ands(text, role_words)
    text = _keep_role_qualifiers(text, role_words)
    protected, saved = _protect_brackets(text)
    names: list[str] = []
    for piece in _SPLIT_RE.split(protected):
        restored = re.sub(r"\x00(\d+)\x00", lambda m: saved[int(m.group(1))], piece)
        # A bracketed job title is not part of the name; a bracketed abbreviation is ("ERG (OGC)"
        # and "ERG (CSCG)" are two units; "Department for International Development (DFID)").
        without = _BRACKET_RE.sub(lambda m: m.group(0) if _ACRONYM_IN_BRACKETS.fullmatch(m.group(0))
                                  and not _is_person(restored[: m.start()]) else " ", restored).strip()
        if not without and restored.strip():
            without = restored.strip().strip("()[]")  # a bracket alone: keep what it says
        without = re.sub(r"\s+", " ", without).strip(" .,:;-–")
        if not without or without.lower() in _NOISE or _CLAUSE_RE.search(without):
            continue
        for part in _split_glued(without, role_words):
            part = (part.replace(f" {_KEEP_AND} ", " and ").replace(f" {_KEEP_AMP} ", " & ")
                    .replace(_KEEP_COMMA, ",").strip(" .,:;-–"))
            if part and part.lower() not in _NOISE:
                names.append(part)
    return names


# --- canonical names per document -------------------------------------------------------------


@dataclass
class OwnerIndex:
    """Canonical owner names for one document, built from every spelling it prints."""

    canonical: dict[str, str] = field(default_factory=dict)  # printed -> canonical
    kinds: dict[str, str] = field(default_factory=dict)  # canonical -> kind
    aliases: dict[str, list[str]] = field(default_factory=dict)  # canonical -> other spellings
    warnings: list[str] = field(default_factory=list)

    def resolve(self, printed: str) -> str:
        return self.canonical.get(printed, printed)


def _proper(name: str) -> int:
    return sum(1 for w in name.split() if w[:1].isupper())


def build_owner_index(printed: list[str], document_text: str, config: Config, slip_similarity: float = 85.0) -> OwnerIndex:
    """Merge the printed spellings of one document's owners into canonical names."""
    counts = Counter(printed)
    idx = OwnerIndex()
    kinds = {n: owner_kind(n, config) for n in counts}
    nick_to_full: dict[str, set[str]] = {}
    for full, shorts in config.nicknames.nicknames.items():
        for s in shorts:
            nick_to_full.setdefault(s.lower(), set()).add(full.lower())

    parent: dict[str, str] = {n: n for n in counts}

    def find(n: str) -> str:
        while parent[n] != n:
            n = parent[n]
        return n

    def prefer(a: str, b: str) -> str:
        # The full, correctly cased, most printed spelling wins.
        key = lambda n: (_proper(n), len(n.split()[0]) if n.split() else 0, counts[n], len(n))  # noqa: E731
        return a if key(a) >= key(b) else b

    def merge(a: str, b: str, why: str) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        win = prefer(ra, rb)
        lose = rb if win == ra else ra
        parent[lose] = win
        idx.warnings.append(f"owner '{lose}' merged into '{win}' ({why})")

    names = sorted(counts, key=lambda n: (-counts[n], n))
    persons = [n for n in names if kinds[n] == "person" and len(n.split()) >= 2]
    # 1. case-only differences
    by_fold: dict[str, list[str]] = {}
    for n in names:
        by_fold.setdefault(n.casefold(), []).append(n)
    for group in by_fold.values():
        for other in group[1:]:
            merge(group[0], other, "case")
    # 2. typing slips and short forms between two-or-more-word person names
    for i, a in enumerate(persons):
        for b in persons[i + 1:]:
            fa, *_, la = a.split()
            fb, *_, lb = b.split()
            same_last = la.casefold() == lb.casefold()
            same_first = fa.casefold() == fb.casefold()
            if same_last and not same_first:
                short, full = (fa, fb) if len(fa) < len(fb) else (fb, fa)
                if full.casefold() in nick_to_full.get(short.casefold(), set()) or (
                    len(short) >= 3 and full.casefold().startswith(short.casefold())
                ):
                    merge(a, b, "short form")
                    continue
            if (same_last or same_first) and fuzz.ratio(a.casefold(), b.casefold()) >= slip_similarity:
                merge(a, b, "typing slip")
    # 3. a first name (or short form) alone, when exactly one person has it
    for n in names:
        if len(n.split()) != 1 or kinds[n] != "person":
            continue
        low = n.casefold()
        fulls = nick_to_full.get(low, set()) | {low}
        matches = {find(p) for p in persons if p.split()[0].casefold() in fulls or p.split()[-1].casefold() == low}
        if len(matches) == 1:
            merge(next(iter(matches)), n, "first name alone")
    # 4. "All X" is the group X when the document names X elsewhere
    for n in names:
        m = re.match(r"^all\s+(.+)$", n, re.I)
        if not m:
            continue
        group = m.group(1)
        named = [g for g in names if g.casefold() == group.casefold()]
        # A common noun ("managers") in prose is not a named group; an acronym ("DMT") is.
        acronym = group.isupper() and re.search(rf"(?<![A-Za-z]){re.escape(group)}(?![A-Za-z])", document_text.replace(n, " "))
        if named or acronym:
            target = named[0] if named else group
            if target not in parent:
                parent[target] = target
                counts[target] += 0
                kinds[target] = "group"
            parent[find(n)] = find(target)
            idx.warnings.append(f"owner '{n}' read as the group '{target}'")

    for n in list(parent):
        root = find(n)
        idx.canonical[n] = root
        idx.kinds.setdefault(root, kinds.get(root, "role"))
        if n != root:
            idx.aliases.setdefault(root, [])
            if n not in idx.aliases[root]:
                idx.aliases[root].append(n)
    return idx
