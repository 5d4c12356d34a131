"""The date grammar of UK public-sector plans (CONTRACT.md, milestones).

``find_dates(text)`` finds every date phrase in a piece of text and gives each the first and last
day it can mean: ``31/03/2006``, ``Mar 04``, ``Sept/Oct 2003``, ``Dec 03 – March 04``,
``Spring 2004`` (meteorological), ``Spring term 2004`` (school term, ending at Easter),
``2003/04`` (financial year), ``Q3 2005/06``, ``w/c 12 Sept 2005``, ``Ongoing``. A phrase with
no year takes the year that puts it inside the plan's period, nearest the row's other years, and
says so (``year_inferred``), so the caller can record the guess as a warning.

General-purpose parsers are not used for finding dates: dateutil reads ``Mar 04`` as 4 March
of the current year and ``Spring 2004`` not at all, and both happily read ``Grade 2`` or
``14-19`` as dates. The grammar here only accepts month names, season and term words, four-digit
years, day-first numerics and financial years; the words live in ``data/date_words.yaml``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from dateutil.easter import easter

from ..config import yaml_load
from ..errors import ConfigError

WORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "date_words.yaml"

Period = tuple[date, date]


@dataclass(frozen=True)
class DateSpan:
    """One date phrase: the words as printed and the first and last day they can mean."""

    raw: str
    start: date | None
    end: date | None
    precision: str  # day, month, season, quarter, term, year, financial_year, range, ongoing, unknown
    char_start: int = 0
    char_end: int = 0
    year_inferred: bool = False
    note: str | None = None


# A partial reading before a year is known: ``resolve(year)`` gives (start, end) for a year.
@dataclass(frozen=True)
class _Atom:
    raw: str
    s: int
    e: int
    precision: str
    kind: str  # day, month, season, term, quarter, year, fy, ongoing, week
    month: int | None = None
    day: int | None = None
    year: int | None = None  # None when printed without a year
    season: str | None = None
    quarter: int | None = None
    fy_end: int | None = None  # financial year end (second year) for fy ranges
    end_of: bool = False
    note: str | None = None


@dataclass(frozen=True, eq=False)
class Words:
    months: dict[str, int]
    seasons: dict[str, tuple[int, int]]
    terms: dict[str, tuple[int | str, int | str]]
    ongoing: tuple[str, ...]
    end_of: tuple[str, ...]
    ambiguous: frozenset[str]
    year_names_after: frozenset[str] = frozenset()
    relative: tuple[tuple[str, str], ...] = ()  # (spelling, key), longest spelling first


@lru_cache(maxsize=4)
def load_words(path: Path = WORDS_FILE) -> Words:
    try:
        data = yaml_load(path.read_text(encoding="utf-8"))
        months = {w.lower(): int(m) for m, ws in data["months"].items() for w in ws}
        seasons = {k.lower(): (int(v[0]), int(v[1])) for k, v in data["seasons"].items()}
        terms = {k.lower(): (v["first"], v["last"]) for k, v in data["terms"].items()}
        return Words(
            months=months,
            seasons=seasons,
            terms=terms,
            ongoing=tuple(sorted((w.lower() for w in data.get("ongoing", [])), key=len, reverse=True)),
            end_of=tuple(sorted((w.lower() for w in data.get("end_of", [])), key=len, reverse=True)),
            ambiguous=frozenset(w.lower() for w in data.get("ambiguous_months", [])),
            year_names_after=frozenset(w.lower() for w in data.get("year_names_after", [])),
            relative=tuple(sorted(((w.lower(), str(k)) for k, ws in (data.get("relative") or {}).items() for w in ws),
                                  key=lambda kv: len(kv[0]), reverse=True)),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"invalid date words: {exc}".splitlines()[0], str(path)) from exc


# --- patterns -------------------------------------------------------------------------------


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    week: re.Pattern[str]
    iso: re.Pattern[str]
    numeric: re.Pattern[str]
    day_month: re.Pattern[str]
    month_day: re.Pattern[str]
    term: re.Pattern[str]
    season: re.Pattern[str]
    quarter: re.Pattern[str]
    month_year: re.Pattern[str]
    fy: re.Pattern[str]
    year: re.Pattern[str]
    month: re.Pattern[str]
    ongoing: re.Pattern[str]
    joiner: re.Pattern[str]
    relative: re.Pattern[str]


# A year: 2004, 04, '04 (and ‘04, the opening quote word processors type for a leading apostrophe).
_YY = r"(?:'|’|‘)?(?:\d{4}|\d{2})"
_FYR = r"(?:\d{4})\s*[/\-–—]\s*(?:\d{4}|\d{2}|\d)"  # 2003/04, 2003-2004, 2003/4


_PATTERN_CACHE: dict[int, tuple[Words, _Patterns]] = {}


def _patterns(words: Words) -> _Patterns:
    cached = _PATTERN_CACHE.get(id(words))
    if cached is not None and cached[0] is words:
        return cached[1]
    built = _build_patterns(words)
    _PATTERN_CACHE[id(words)] = (words, built)
    return built


def _build_patterns(words: Words) -> _Patterns:
    m = rf"(?P<mon>{_alt(list(words.months))})\.?"
    sea = _alt(list(words.seasons))
    trm = _alt(list(words.terms))
    flags = re.IGNORECASE
    ordinal = r"(?:st|nd|rd|th)?"
    return _Patterns(
        week=re.compile(r"\b(?:w/c|w\.c\.?|w/b|week\s+(?:commencing|beginning|starting))\s*", flags),
        # 2025-03-31: a spreadsheet or system export's ISO date (year first, so never ambiguous)
        iso=re.compile(r"(?<![\d./-])((?:19|20)\d\d)-(\d{2})-(\d{2})(?![\d/]|\.\d)"),
        numeric=re.compile(r"(?<![\d./-])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\d/]|\.\d)"),
        # 31 March 2025, 31st of March, and Excel's hyphenated 31-Mar-25 / 31-Mar; the day and the
        # month on one line ("Plan 2024-25" over "April 2024" is not 25 April)
        day_month=re.compile(
            rf"(?<![\d.])(?P<day>\d{{1,2}}){ordinal}(?:[^\S\n]*(?:of\s+)?|-){m}(?:(?:,?\s*|-)(?P<yr>{_YY}))?\b(?![/\-]\d)",
            flags),
        month_day=re.compile(rf"\b{m}\s+(?P<day>\d{{1,2}}){ordinal},?\s+(?P<yr>\d{{4}})\b", flags),
        term=re.compile(rf"\b(?P<name>{trm})\s+(?:school\s+)?term\b(?:\s*(?P<fy>{_FYR})|\s*(?P<yr>{_YY}))?\b", flags),
        season=re.compile(rf"\b(?P<name>{sea})\b(?:\s*(?:of\s+(?=\d{{4}}))?(?P<fy>{_FYR})|\s*(?:of\s+(?=\d{{4}}))?(?P<yr>{_YY}))?(?!\s*term)\b", flags),
        quarter=re.compile(
            rf"\b(?:Q|Qtr\.?\s*|Quarter\s*)(?P<q>[1-4])\b(?:\s*(?:of\s+)?(?P<fy>{_FYR})|\s*(?P<yr>\d{{4}}))?"
            rf"|\b(?P<q2>[1-4])(?:st|nd|rd|th)\s+quarter\b(?:\s*(?:of\s+)?(?P<fy2>{_FYR})|\s*(?P<yr2>\d{{4}}))?",
            flags,
        ),
        month_year=re.compile(rf"\b{m}(?:\s*,?\s*|-)(?P<yr>{_YY})\b(?![/\-.]\d|%)", flags),  # Mar 04, Mar-25
        fy=re.compile(
            r"(?<![\w/.\-£$])(?P<a>(?:19|20)\d\d)\s*[/\-–—]\s*(?P<b>(?:19|20)\d\d|\d{2}|\d)(?![\w/%]|[.-]\d)",  # a full stop may end the sentence
            flags,
        ),
        year=re.compile(r"(?<![\w.£$/\-])(?P<yr>(?:19[89]|20\d)\d)(?![\w%]|\.\d|/\d)"),
        month=re.compile(rf"\b{m}(?![\w'’‘])", flags),
        ongoing=re.compile(rf"\b(?:{_alt(list(words.ongoing))})\b", flags) if words.ongoing else re.compile(r"(?!x)x"),
        joiner=re.compile(r"^\s*(?:/|-|–|—|to|until|till|through|and|or)\s*$", flags),
        # Phrases of two words or more anywhere; a bare "Short" only as the whole text.
        relative=re.compile(
            rf"\b(?:{_alt([w for w, _ in words.relative if ' ' in w or '-' in w])})\b"
            r"|(?<![\w.-])\d{1,2}\s*(?:-|–|to)\s*\d{1,2}\s+years?\b|(?<![\w.-])\d{1,2}\+?\s+years?\b",
            flags,
        ) if words.relative else re.compile(r"(?!x)x"),
    )


# --- calendar helpers -----------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year2(text: str) -> int:
    digits = text.strip("'’‘")
    value = int(digits)
    return 2000 + value if len(digits) <= 2 else value


def _fy_years(text: str) -> tuple[int, int]:
    """``2003/04`` → (2003, 2004); ``2004-6`` → (2004, 2006)."""
    a, b = re.split(r"\s*[/\-–—]\s*", text.strip(), maxsplit=1)
    first = int(a)
    if len(b) == 4:
        second = int(b)
    else:
        base = first - first % (10 ** len(b))
        second = base + int(b)
        if second < first:
            second += 10 ** len(b)
    return first, second


def _season_range(words: Words, name: str, year: int) -> tuple[date, date]:
    first, last = words.seasons[name.lower()]
    start = date(year, first, 1)
    end_year = year + 1 if last < first else year
    return start, _month_end(end_year, last)


def _term_range(words: Words, name: str, year: int) -> tuple[date, date]:
    first, last = words.terms[name.lower()]
    e = easter(year)
    start = e + timedelta(days=1) if first == "easter" else date(year, int(first), 1)
    end = e if last == "easter" else _month_end(year, int(last))
    return start, end


def _fy_quarter(q: int, fy_start: int) -> tuple[date, date]:
    month = 4 + 3 * (q - 1)
    year = fy_start if month <= 12 else fy_start + 1
    month = month if month <= 12 else month - 12
    return date(year, month, 1), _month_end(year, month + 2)


# --- atoms ----------------------------------------------------------------------------------


def _atoms(text: str, words: Words) -> list[_Atom]:
    p = _patterns(words)
    found: list[_Atom] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(atom: _Atom) -> None:
        if free(atom.s, atom.e):
            found.append(atom)
            taken.append((atom.s, atom.e))

    for mt in p.iso.finditer(text):
        try:
            day = date(int(mt.group(1)), int(mt.group(2)), int(mt.group(3)))
        except ValueError:
            continue
        add(_Atom(mt.group(0), mt.start(), mt.end(), "day", "day", month=day.month, day=day.day, year=day.year))
    for mt in p.numeric.finditer(text):
        d, mo, y = int(mt.group(1)), int(mt.group(2)), _year2(mt.group(3))
        note = None
        if not 1 <= mo <= 12 and 1 <= d <= 12:
            d, mo, note = mo, d, "read month-first: the day-first reading is impossible"
        try:
            date(y, mo, d)
        except ValueError:
            continue
        add(_Atom(mt.group(0), mt.start(), mt.end(), "day", "day", month=mo, day=d, year=y, note=note))
    for pat in (p.month_day, p.day_month):
        for mt in pat.finditer(text):
            mo = words.months[mt.group("mon").lower()]
            d = int(mt.group("day"))
            y = _year2(mt.group("yr")) if mt.group("yr") else None
            if not 1 <= d <= 31 or (y is not None and not 1900 <= y <= 2100):
                continue
            add(_Atom(mt.group(0).rstrip(", "), mt.start(), mt.start() + len(mt.group(0).rstrip(", ")), "day", "day",
                      month=mo, day=d, year=y))
    for mt in p.term.finditer(text):
        name = mt.group("name")
        y, fy = _year_or_fy(mt.group("yr"), mt.group("fy"))
        if fy is not None:  # "Spring term 2003/04": the term that falls in that school year
            y = fy[0] if name.lower() == "autumn" else fy[1]
        add(_Atom(mt.group(0).strip(), mt.start(), mt.end(), "term", "term", season=name.lower(), year=y))
    for mt in p.season.finditer(text):
        name = mt.group("name")
        y, fy = _year_or_fy(mt.group("yr"), mt.group("fy"))
        if fy is not None:
            first, last = words.seasons[name.lower()]
            y = fy[0] if last < first or first >= 9 else fy[1]
        if y is None and not _capitalised(name):
            continue  # "in the spring" reads as prose; "Spring" in a date column is a season
        if y is None and re.match(r"[^\S\n]+[A-Z][a-z]", text[mt.end():]):
            continue  # "Summer Recess", "Autumn Statement": a season word in a name, not a date
        add(_Atom(mt.group(0).strip(), mt.start(), mt.end(), "season", "season", season=name.lower(), year=y))
    for mt in p.quarter.finditer(text):
        q = int(mt.group("q") or mt.group("q2"))
        fy_text = mt.group("fy") or mt.group("fy2")
        yr_text = mt.group("yr") or mt.group("yr2")
        y = _fy_years(fy_text)[0] if fy_text else (int(yr_text) if yr_text else None)
        add(_Atom(mt.group(0).strip(), mt.start(), mt.end(), "quarter", "quarter", quarter=q, year=y))
    for mt in p.month_year.finditer(text):
        mo = words.months[mt.group("mon").lower()]
        y = _year2(mt.group("yr"))
        if not 1990 <= y <= 2100:
            continue
        add(_Atom(mt.group(0), mt.start(), mt.end(), "month", "month", month=mo, year=y))
    for mt in p.fy.finditer(text):
        a, b = _fy_years(mt.group("a") + "/" + mt.group("b"))
        if not 0 < b - a <= 10:
            continue
        if len(mt.group("b")) == 4 and b - a > 1 and "/" not in mt.group(0):
            # "2024-2029": a span of calendar years, to the end of the last (a financial year is
            # printed "2024/25" or "2024-2025"; several of them "2024/25-2028/29")
            add(_Atom(mt.group(0), mt.start(), mt.end(), "range", "years", year=a, fy_end=b))
            continue
        add(_Atom(mt.group(0), mt.start(), mt.end(), "financial_year", "fy", year=a, fy_end=b))
    for mt in p.year.finditer(text):
        if _year_names_a_thing(text, mt.start(), mt.end(), words):
            continue
        add(_Atom(mt.group(0), mt.start(), mt.end(), "year", "year", year=int(mt.group("yr"))))
    for mt in p.month.finditer(text):
        word = mt.group("mon")
        if not _capitalised(word):
            continue
        add(_Atom(mt.group(0), mt.start(), mt.end(), "month", "month", month=words.months[word.lower()]))
    for mt in p.ongoing.finditer(text):
        if not _reads_as_ongoing(text, mt.start(), mt.end()):
            continue  # "Annual Performance Assessment" names a thing, not a timescale
        add(_Atom(mt.group(0), mt.start(), mt.end(), "ongoing", "ongoing"))
    for mt in p.relative.finditer(text):
        add(_Atom(mt.group(0), mt.start(), mt.end(), "relative", "relative", note=relative_key(mt.group(0), words)))
    bare = text.strip().rstrip(".").lower()
    if not found and bare in dict(words.relative):
        s = text.index(text.strip())
        add(_Atom(text.strip(), s, s + len(text.strip()), "relative", "relative", note=dict(words.relative)[bare]))
    found.sort(key=lambda a: a.s)
    found = _mark_weeks(text, found, p)
    found = _mark_end_of(text, found, words)
    return _drop_loose_months(text, found, words, p)


def _year_names_a_thing(text: str, s: int, e: int, words: Words) -> bool:
    """``the 2002 Scrutiny Panel``, ``Children Act 2004``: a year used as part of a name."""
    after = text[e:].lstrip()
    if after[:1].isupper() and not text[e:e + 1] in ".;,)":
        return True
    before = re.findall(r"[A-Za-z]+", text[max(0, s - 20) : s])
    return bool(before) and before[-1].lower() in words.year_names_after


def _reads_as_ongoing(text: str, s: int, e: int) -> bool:
    """An ongoing word is a timescale when it stands (nearly) alone or in brackets."""
    if text[max(0, s - 1) : s] == "(" and text[e : e + 1] == ")":
        return True
    after = text[e:].split()
    if after and after[0][:1].isupper():
        return False
    rest = re.sub(r"[^\w\s]", " ", text[:s] + " " + text[e:]).split()
    return len(rest) <= 2


def _year_or_fy(yr: str | None, fy: str | None) -> tuple[int | None, tuple[int, int] | None]:
    if fy:
        return None, _fy_years(fy)
    if yr:
        return _year2(yr), None
    return None, None


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _mark_weeks(text: str, atoms: list[_Atom], p: _Patterns) -> list[_Atom]:
    out = []
    for a in atoms:
        before = text[max(0, a.s - 30) : a.s]
        mt = None
        for mt in p.week.finditer(before):
            pass
        if a.kind == "day" and mt is not None and mt.end() == len(before):
            s = a.s - len(before) + mt.start()
            a = replace(a, raw=text[s : a.e], s=s, kind="week", precision="range")
        out.append(a)
    return out


def _mark_end_of(text: str, atoms: list[_Atom], words: Words) -> list[_Atom]:
    out = []
    for a in atoms:
        if a.kind in {"season", "term", "year", "fy", "quarter", "month"}:
            before = text[max(0, a.s - 20) : a.s].lower().rstrip()
            for phrase in words.end_of:
                if before.endswith(phrase):
                    s = a.s - (len(text[max(0, a.s - 20) : a.s]) - len(before)) - len(phrase)
                    a = replace(a, raw=text[s : a.e], s=s, end_of=True)
                    break
        out.append(a)
    return out


_DATE_CONTEXT = re.compile(r"(?:\b(?:by|in|from|until|till|to|during|before|after|of|end|due|starting|start|early|mid|late)\b|[(:–-])\s*$", re.I)


def _drop_loose_months(text: str, atoms: list[_Atom], words: Words, p: _Patterns) -> list[_Atom]:
    """A month name alone is kept only where it reads as a date.

    ``May`` and ``March`` are ordinary words; alone they count only next to another date
    (``Sept/Oct 2003``), after a date word (``by May``), or as a whole cell.
    """
    out = []
    for i, a in enumerate(atoms):
        if a.kind == "month" and a.year is None:
            word = a.raw.rstrip(".").lower()
            nxt = atoms[i + 1] if i + 1 < len(atoms) else None
            prv = atoms[i - 1] if i > 0 else None
            in_range = (nxt is not None and p.joiner.match(text[a.e : nxt.s])) or (
                prv is not None and p.joiner.match(text[prv.e : a.s])
            )
            whole = text.strip(" .;,()•▪-").lower() == word
            context = bool(_DATE_CONTEXT.search(text[max(0, a.s - 15) : a.s])) or a.end_of
            if word in words.ambiguous and not (in_range or whole or context):
                continue
            if not (in_range or whole or context or len(word) > 3):
                continue
        out.append(a)
    return out


# --- resolution -----------------------------------------------------------------------------


def _resolve(a: _Atom, year: int, words: Words) -> tuple[date, date]:
    if a.kind in {"day", "week"}:
        d = date(year, a.month or 1, min(a.day or 1, calendar.monthrange(year, a.month or 1)[1]))
        return (d, d + timedelta(days=6)) if a.kind == "week" else (d, d)
    if a.kind == "month":
        return date(year, a.month or 1, 1), _month_end(year, a.month or 1)
    if a.kind == "season":
        return _season_range(words, a.season or "", year)
    if a.kind == "term":
        return _term_range(words, a.season or "", year)
    if a.kind == "quarter":
        return _fy_quarter(a.quarter or 1, year)
    if a.kind == "fy":
        return date(year, 4, 1), date(a.fy_end or year + 1, 3, 31)
    if a.kind == "years":
        return date(year, 1, 1), date(a.fy_end or year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


def _narrow_end_of(start: date, end: date) -> tuple[date, date]:
    """``end of Summer term 2005`` means the last month of it: July 2005."""
    return max(start, date(end.year, end.month, 1)), end


def _choose_year(
    a: _Atom, words: Words, period: Period | None, context_years: tuple[int, ...]
) -> tuple[int | None, str | None]:
    """The year for a phrase printed without one: inside the period, nearest the row's years."""
    if a.kind == "quarter":  # a quarter's year is the financial year it starts
        pass
    if period is None and not context_years:
        return None, "no year printed and no plan period or neighbouring year to infer one"
    lo = (period[0].year if period else min(context_years)) - 1
    hi = (period[1].year if period else max(context_years)) + 1
    best: tuple[tuple[int, float, int], int] | None = None
    for y in range(lo, hi + 1):
        start, end = _resolve(a, y, words)
        inside = period is not None and period[0] <= end and start <= period[1]
        near = min((abs(start.year - c) for c in context_years), default=0)
        key = (0 if inside or period is None else 1, near, y)
        if best is None or key < best[0]:
            best = (key, y)
    assert best is not None
    year = best[1]
    where = "inside the plan period" if period and best[0][0] == 0 else "nearest the row's other dates"
    return year, f"year {year} inferred ({where})"


def relative_key(raw: str, words: Words | None = None) -> str:
    """The legend key of a relative timescale: ``Short-term`` → ``short``, ``1 - 2 years`` → ``1-2 years``."""
    words = words or load_words()
    low = " ".join(raw.lower().replace("–", "-").split()).rstrip(".")
    for spelling, key in words.relative:
        if low == spelling or low.startswith(spelling + " ") or low.startswith(spelling + "-"):
            return key
    m = re.fullmatch(r"(\d{1,2})\s*(?:-|to)\s*(\d{1,2})\s+years?", low)
    if m:
        return f"{m.group(1)}-{m.group(2)} years"
    m = re.fullmatch(r"(\d{1,2})(\+?)\s+years?", low)
    return f"{m.group(1)}{m.group(2)} years" if m else low


Legend = dict[str, "tuple[date, date] | None"]


def _span(a: _Atom, words: Words, period: Period | None, context_years: tuple[int, ...],
          legend: Legend | None = None) -> DateSpan:
    if a.kind == "ongoing":
        return DateSpan(a.raw, None, None, "ongoing", a.s, a.e)
    if a.kind == "relative":
        dated = (legend or {}).get(a.note or "")
        if dated is not None:
            return DateSpan(a.raw, dated[0], dated[1], "legend", a.s, a.e, note=f"dated by the document's legend ({a.note})")
        return DateSpan(a.raw, None, None, "relative", a.s, a.e)
    note = a.note
    inferred = False
    year = a.year
    if year is None:
        year, note = _choose_year(a, words, period, context_years)
        inferred = year is not None
    if year is None:
        return DateSpan(a.raw, None, None, a.precision, a.s, a.e, note=note)
    start, end = _resolve(a, year, words)
    precision = a.precision
    if a.end_of and a.kind != "month":
        start, end = _narrow_end_of(start, end)
        precision = "month"
    return DateSpan(a.raw, start, end, precision, a.s, a.e, year_inferred=inferred, note=note)


def _join_ranges(text: str, atoms: list[_Atom], p: _Patterns) -> list[list[_Atom]]:
    """Group ``Sept/Oct 2003`` and ``Dec 03 – March 04`` into one range."""
    groups: list[list[_Atom]] = []
    rangeable = {"day", "month", "season", "term", "quarter", "year", "fy"}  # never "relative": each term is its own
    for a in atoms:
        if (
            groups
            and a.kind in rangeable
            and groups[-1][-1].kind in rangeable
            and len(groups[-1]) == 1
            and p.joiner.match(text[groups[-1][-1].e : a.s])
            and _joins(text, groups[-1][-1], a)
            and not (a.kind == "year" and groups[-1][-1].kind == "year" and "/" in text[groups[-1][-1].e : a.s])
        ):
            groups[-1].append(a)
        else:
            groups.append([a])
    return groups


def _joins(text: str, first: _Atom, second: _Atom) -> bool:
    """``and``/``or`` join two dates into a range only after ``between``."""
    sep = text[first.e : second.s].strip().lower()
    if sep in {"and", "or"}:
        return text[: first.s].rstrip().lower().endswith("between")
    return True


def _range_span(text: str, first: _Atom, last: _Atom, words: Words, period: Period | None,
                context_years: tuple[int, ...]) -> DateSpan:
    b = _span(last, words, period, context_years)
    if first.year is None and b.end is not None and last.year is not None:
        # "Sept/Oct 2003": the first part shares the printed year; "Dec – March 2004" crosses it.
        y = b.end.year
        first_start, _ = _resolve(first, y, words)
        if b.start is not None and first_start > b.start:
            y -= 1
        first = replace(first, year=y)
    a = _span(first, words, period, context_years)
    raw = text[first.s : last.e]
    if a.start is None or b.end is None:
        return DateSpan(raw, a.start, b.end, "range", first.s, last.e, a.year_inferred or b.year_inferred,
                        a.note or b.note)
    start, end = min(a.start, b.start or a.start), max(b.end, a.end or b.end)
    return DateSpan(raw, start, end, "range", first.s, last.e, a.year_inferred or b.year_inferred, a.note or b.note)


def find_dates(
    text: str,
    *,
    period: Period | None = None,
    context_years: tuple[int, ...] = (),
    words: Words | None = None,
    legend: Legend | None = None,
) -> list[DateSpan]:
    """Every date phrase in ``text``, in order. Phrases without a year are resolved into
    ``period`` nearest ``context_years`` and flagged ``year_inferred``; relative timescales
    (``Short-term``) take their dates from the document's ``legend`` (see :func:`find_legend`)."""
    if not text or not text.strip():
        return []
    words = words or load_words()
    p = _patterns(words)
    atoms = _atoms(text, words)
    spans: list[DateSpan] = []
    for group in _join_ranges(text, atoms, p):
        if len(group) == 1:
            spans.append(_span(group[0], words, period, context_years, legend))
        else:
            spans.append(_range_span(text, group[0], group[-1], words, period, context_years))
    return spans


_SERIAL_RE = re.compile(r"^\s*(\d{5})(?:\.0+)?\s*$")
_SERIAL_RANGE = (36526, 54789)  # 1 January 2000 to 31 December 2049


def excel_serial(text: str) -> DateSpan | None:
    """A date cell's number kept as text (``45747`` in a cell formatted as text, or in a CSV
    exported from one): Excel's day count since 30 December 1899, for a date column only (a
    five-digit number in prose is a count). Only days from 2000 to 2049 are read."""
    m = _SERIAL_RE.match(text)
    if not m or not _SERIAL_RANGE[0] <= int(m.group(1)) <= _SERIAL_RANGE[1]:
        return None
    day = date(1899, 12, 30) + timedelta(days=int(m.group(1)))
    return DateSpan(raw=text.strip(), start=day, end=day, precision="day", char_start=m.start(1),
                    char_end=m.end(1), note="an Excel date serial kept as text")


def parse_date(text: str, *, period: Period | None = None, context_years: tuple[int, ...] = ()) -> DateSpan | None:
    """The single date phrase ``text`` holds (the first, if several), or None."""
    spans = find_dates(text, period=period, context_years=context_years)
    return spans[0] if spans else None


_YEARS_RE = re.compile(r"\d{4}\s*[-–—]\s*\d{4}")


def find_period(text: str) -> Period | None:
    """The plan's period from its front matter: the first range or financial year printed,
    e.g. ``April 2003 – October 2004`` or ``2005-2008``."""
    for span in find_dates(text):
        if span.start is None or span.end is None or span.year_inferred:
            continue
        if span.precision == "range" and _YEARS_RE.fullmatch(span.raw):
            # A plan's own period ("Children and Young People's Plan 2006-2009") is its planning
            # cycle, which in the public sector runs April to March.
            return date(span.start.year, 4, 1), date(span.end.year, 3, 31)
        if span.precision in {"range", "financial_year"} and span.end > span.start + timedelta(days=90):
            return span.start, span.end
    return None


_LEGEND_ENTRY_RE = re.compile(
    r"(?P<term>(?:short|medium|middle|mid|long|near)[\s-]?term|\d{1,2}\s*(?:-|–|to)\s*\d{1,2}\s+years?)"
    r"\s*(?:\([^)]{0,20}\))?\s*(?:[:=–—]|-\s|\s-)\s*",
    re.IGNORECASE,
)


_LEGEND_LIST_ENTRY_RE = re.compile(r"(?P<term>\b(?:short|medium|middle|mid|long|near)[\s-]?term)\s+(?=\d|\()", re.I)
_LEGEND_DURATION_RE = re.compile(r"^\(?\s*\d{1,2}\s*(?:-|–|to)\s*\d{1,2}\s+years?\s*[,:;]?\s*\(?\s*", re.I)


def find_legend(text: str, words: Words | None = None) -> Legend:
    """The document's own definition of its relative timescales, e.g. ``Short-term – 2020;
    Medium-term – 2025; Long-term – Post 2030`` or ``Short term: by March 2008``.

    A term whose definition names a date gets that date's span (``Post 2030`` has no end, so
    the term stays undated); a term defined only as a duration stays undated. A term is taken
    from its first definition only, and only where at least two terms are defined together or
    the definition is a date, so prose ("the long term - …") defines nothing.
    """
    words = words or load_words()
    found: Legend = {}
    for line in text.splitlines():
        entries = list(_LEGEND_ENTRY_RE.finditer(line))
        if not entries:
            # "Short-term 0-2 years (by 2025); Medium-term 3-5 years (by 2028)": terms without a
            # separator count only as a list of two or more.
            entries = list(_LEGEND_LIST_ENTRY_RE.finditer(line))
            entries = entries if len(entries) >= 2 else []
        for i, m in enumerate(entries):
            key = relative_key(m.group("term"), words)
            if key in found:
                continue
            upto = entries[i + 1].start() if i + 1 < len(entries) else len(line)
            what = re.split(r";|\.\s|,\s", line[m.end():upto], maxsplit=1)[0].strip()[:60]
            if re.match(r"(?i)(?:post|after|beyond|over|more than|\+)\b", what):
                if len(entries) >= 2:
                    found[key] = None
                continue
            what = _LEGEND_DURATION_RE.sub("", what)  # "0-2 years (by 2025)": the date is the definition
            spans = [s for s in find_dates(what, words=words) if s.end is not None and s.precision != "relative"]
            if spans and spans[0].char_start <= 12:
                found[key] = (spans[0].start, spans[-1].end)  # type: ignore[assignment]
            elif len(entries) >= 2:
                found[key] = None
    return found
