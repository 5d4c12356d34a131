"""Property-based tests: the language rules never raise on any text, and keep their promises."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.config import load_config
from extract.normalise.codes import CodeParser
from extract.normalise.dates import find_dates
from extract.normalise.owners import split_owners
from extract.readers import read

PERIOD = (date(2005, 4, 1), date(2008, 3, 31))
WORDS = st.sampled_from(
    ["Sept", "Oct", "2005", "05", "/", "–", "-", "Spring", "term", "Q3", "2005/06", "w/c", "12", "31st", "Ongoing",
     "by", "end", "of", "March", "Grade", "KS3", "(", ")", "LEAOF-5a/b", "CSCI", "EDP", "Priority", "7e", "and", ",",
     "Lead:", "Amira Shah", "&", "DMT", "All", "BVPI", "45", "30.11.05", "Winter", "2006/07"]
)
PHRASES = st.lists(WORDS, max_size=12).map(" ".join)
TEXT = st.one_of(st.text(max_size=200), PHRASES)
CONFIG = load_config()
PARSER = CodeParser.for_document(CONFIG)


@given(TEXT)
@settings(max_examples=400, deadline=None)
def test_dates_never_raise_and_spans_are_sound(text: str) -> None:
    for span in find_dates(text, period=PERIOD, context_years=(2006,)):
        assert text[span.char_start : span.char_end] == span.raw
        if span.start and span.end:
            assert span.start <= span.end
        if span.precision == "ongoing":
            assert span.start is None and span.end is None


@given(st.sampled_from(["January", "Feb", "March", "Apr", "July", "Sept", "October", "Dec"]),
       st.integers(min_value=2000, max_value=2030))
def test_month_year_round_trip(month: str, year: int) -> None:
    [span] = find_dates(f"{month} {year}")
    assert span.start is not None and span.start.year == year and span.start.day == 1
    [short] = find_dates(f"{month} {year % 100:02d}")
    assert short.start == span.start


@given(TEXT)
@settings(max_examples=400, deadline=None)
def test_codes_never_raise_and_point_into_the_text(text: str) -> None:
    for ref in PARSER.find(text):
        assert ref.raw in text and ref.code and ref.family and ref.code.startswith(ref.family)


@given(st.sampled_from(["LEAOF", "CSCI", "EDP", "BVPI"]), st.integers(1, 99), st.lists(st.sampled_from("abcde"), min_size=1, max_size=4, unique=True))
def test_code_expansion_round_trip(family: str, number: int, letters: list[str]) -> None:
    raw = f"{family}-{number}{'/'.join(letters)}"
    codes = [r.code for r in PARSER.find(f"Improve it ({raw})")]
    assert codes == [f"{family}-{number}{letter}" for letter in letters]


@given(TEXT)
@settings(max_examples=400, deadline=None)
def test_owner_split_never_raises_or_returns_blanks(text: str) -> None:
    for name in split_owners(text):
        assert name.strip() == name and name


NAMES = st.lists(st.sampled_from(["Ann Lee", "Bob Kay", "Cy Dunn", "DMT", "Head of Service", "Jo Ng"]),
                 min_size=1, max_size=4, unique=True)


@given(NAMES, st.sampled_from(["/", ", ", " & ", " and ", "; "]))
def test_owner_split_round_trip(names: list[str], sep: str) -> None:
    assert split_owners(sep.join(names)) == names


# Plain cell text: letters, digits, spaces and punctuation that carries no markup meaning.
CELL = st.text(alphabet=st.characters(whitelist_categories=("L", "N", "Zs"), whitelist_characters=".,;:()/'"),
               max_size=40)


@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=8))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_text_reader_on_random_pipe_tables(tmp_path_factory, rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    folder: Path = tmp_path_factory.mktemp("fuzz")
    lines = ["| A | B | C |", "|---|---|---|"] + ["| " + " | ".join(r) + " |" for r in rows]
    path = folder / "t.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    doc = read(path, "t.md")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert len(table.rows) == len(rows) + 1
    for row, printed in zip(table.rows[1:], rows):
        got = [" ".join(c.text.split()) for c in row.cells]
        want = [" ".join(p.split()) for p in printed]
        assert got == want
