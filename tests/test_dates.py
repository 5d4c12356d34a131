"""The date grammar of CONTRACT.md, example by example."""

from datetime import date

import pytest

from extract.normalise.dates import find_dates, find_period, parse_date

PERIOD = (date(2003, 4, 1), date(2004, 10, 31))

# text, date_raw, start, end, precision
CASES = [
    ("31/03/2006", "31/03/2006", "2006-03-31", "2006-03-31", "day"),
    ("30.11.05", "30.11.05", "2005-11-30", "2005-11-30", "day"),
    ("Mar 04", "Mar 04", "2004-03-01", "2004-03-31", "month"),
    ("July 03", "July 03", "2003-07-01", "2003-07-31", "month"),
    ("October 03", "October 03", "2003-10-01", "2003-10-31", "month"),
    ("Sept/Oct 2003", "Sept/Oct 2003", "2003-09-01", "2003-10-31", "range"),
    ("Dec 03 – March 04", "Dec 03 – March 04", "2003-12-01", "2004-03-31", "range"),
    ("Dec – March 2004", "Dec – March 2004", "2003-12-01", "2004-03-31", "range"),
    ("Spring 2004", "Spring 2004", "2004-03-01", "2004-05-31", "season"),
    ("Autumn 2003.", "Autumn 2003", "2003-09-01", "2003-11-30", "season"),
    ("Winter 2006/07", "Winter 2006/07", "2006-12-01", "2007-02-28", "season"),
    ("Autumn term 2003", "Autumn term 2003", "2003-09-01", "2003-12-31", "term"),
    ("Spring term 2004", "Spring term 2004", "2004-01-01", "2004-04-11", "term"),  # Easter 2004: 11 April
    ("Summer term 2005", "Summer term 2005", "2005-03-28", "2005-07-31", "term"),  # Easter 2005: 27 March
    ("end of Summer term 2005", "end of Summer term 2005", "2005-07-01", "2005-07-31", "month"),
    ("2003/04", "2003/04", "2003-04-01", "2004-03-31", "financial_year"),
    ("2003-04", "2003-04", "2003-04-01", "2004-03-31", "financial_year"),
    ("2003/4", "2003/4", "2003-04-01", "2004-03-31", "financial_year"),
    ("Q3 2005/06", "Q3 2005/06", "2005-10-01", "2005-12-31", "quarter"),
    ("Q4 2005/06", "Q4 2005/06", "2006-01-01", "2006-03-31", "quarter"),
    ("w/c 12 Sept 2005", "w/c 12 Sept 2005", "2005-09-12", "2005-09-18", "range"),
    ("by 1st April 2004.", "1st April 2004", "2004-04-01", "2004-04-01", "day"),
    ("Implement the pilot from Sep 03", "Sep 03", "2003-09-01", "2003-09-30", "month"),
    ("a conference (July 2003)", "July 2003", "2003-07-01", "2003-07-31", "month"),
    ("by 2005", "2005", "2005-01-01", "2005-12-31", "year"),
    ("between June and August 2005", "June and August 2005", "2005-06-01", "2005-08-31", "range"),
    # a year after the opening quote word processors type for an apostrophe
    ("Funded to March ‘25", "March ‘25", "2025-03-01", "2025-03-31", "month"),
    ("(May '24)", "May '24", "2024-05-01", "2024-05-31", "month"),
    # several calendar years run to the end of the last; a financial year is one year on
    ("Strategy is 2022-2027", "2022-2027", "2022-01-01", "2027-12-31", "range"),
    ("2003-2004", "2003-2004", "2003-04-01", "2004-03-31", "financial_year"),
    ("during 2014-15.", "2014-15", "2014-04-01", "2015-03-31", "financial_year"),
    ("in the spring of 2014", "spring of 2014", "2014-03-01", "2014-05-31", "season"),
]


@pytest.mark.parametrize(("text", "raw", "start", "end", "precision"), CASES)
def test_grammar(text: str, raw: str, start: str, end: str, precision: str) -> None:
    spans = find_dates(text, period=PERIOD)
    assert len(spans) == 1, spans
    s = spans[0]
    assert (s.raw, str(s.start), str(s.end), s.precision) == (raw, start, end, precision)
    assert text[s.char_start : s.char_end] == raw
    assert not s.year_inferred


@pytest.mark.parametrize("word", ["Ongoing", "On-going", "Annual", "Termly", "ongoing."])
def test_ongoing_has_no_dates(word: str) -> None:
    s = parse_date(word)
    assert s is not None and (s.precision, s.start, s.end) == ("ongoing", None, None)


@pytest.mark.parametrize(
    "text",
    ["Target to be graded 'good' (Grade 2)", "14-19 strategy", "KS3 results", "BVPI 12", "Year 7 pupils",
     "staff may attend", "Annual Performance Assessment", "1.03", "2.54% non-schools", "the spring budget",
     "Before Summer Recess", "in the Autumn Statement"],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, period=PERIOD) == []


def test_year_inferred_inside_the_period() -> None:
    s = parse_date("31st October", period=PERIOD)
    assert s is not None and s.year_inferred and (s.start, s.precision) == (date(2003, 10, 31), "day")
    # January only falls inside April 2003 – October 2004 in 2004.
    s = parse_date("January", period=PERIOD)
    assert s is not None and s.start == date(2004, 1, 1) and s.year_inferred
    assert "2004" in (s.note or "")


def test_year_inferred_nearest_the_rows_other_dates() -> None:
    s = parse_date("by May", period=PERIOD, context_years=(2004,))
    assert s is not None and s.start == date(2004, 5, 1)
    s = parse_date("by May", period=PERIOD, context_years=(2003,))
    assert s is not None and s.start == date(2003, 5, 1)


def test_no_year_and_nothing_to_infer_from() -> None:
    s = parse_date("31st October")
    assert s is not None and s.start is None and s.end is None and "no year" in (s.note or "")


def test_several_dates_in_one_cell_in_order() -> None:
    spans = find_dates("Review (July 2003); survey (August 2003); groups (Sept/Oct 2003)")
    assert [str(s.end) for s in spans] == ["2003-07-31", "2003-08-31", "2003-10-31"]


def test_two_digit_years_are_this_century() -> None:
    assert str(parse_date("Mar 99").start) == "2099-03-01"  # type: ignore[union-attr]


def test_plan_period_from_front_matter() -> None:
    assert find_period("Directorate Development Plan\nApril 2003 – October 2004\nVersion 3") == PERIOD
    assert find_period("Children and Young People's Plan 2006-2009") == (date(2006, 4, 1), date(2009, 3, 31))
    assert find_period("Version 3, July 2003") is None


@pytest.mark.parametrize("text", ["Model changes proposed by 2002 Scrutiny Panel", "duties under the Children Act 2004"])
def test_years_that_name_things_are_not_dates(text: str) -> None:
    assert find_dates(text, period=PERIOD) == []


@pytest.mark.parametrize(
    ("text", "date", "promised"),
    [
        ("In Summer 2014 we will launch a series of regional pilots.", "Summer 2014", True),
        ("We are working with ACAS to publish good practice in November 2013.", "November 2013", True),
        ("The report will be published in March 2014.", "March 2014", True),
        ("In September 2013 we announced we will improve destination data.", "September 2013", False),
        ("The report was published in May 2013 and we will now act on it.", "May 2013", False),
        ("We are considering the responses to the consultation which closed on 14 October 2013.",
         "14 October 2013", False),
    ],
)
def test_a_response_date_is_due_only_where_the_text_promises_it(text: str, date: str, promised: bool) -> None:
    from extract.extractors.action_records import _promised

    start = text.index(date)
    assert _promised(text, start, start + len(date)) is promised


def test_a_legend_listing_terms_with_durations_and_dates_defines_each_term() -> None:
    from extract.normalise.dates import find_legend

    legend = find_legend("Timeframes: Short-term 0-2 years (by 2025); Medium-term 3-5 years (by 2028); "
                         "Long-term 6-10 years (by 2033).")
    assert {k: (v[1].isoformat() if v else None) for k, v in legend.items()} == {
        "short": "2025-12-31", "medium": "2028-12-31", "long": "2033-12-31"}
    # One term in prose, without a separator, defines nothing.
    assert find_legend("We plan for the long term 2050 goals of the city.") == {}
