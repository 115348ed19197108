"""Dates: resolving expressions against the publication date, on hand-built Docs."""

from __future__ import annotations

import datetime

import pytest
import spacy
from spacy.tokens import Doc

from eventscribe.extract.dates import (
    DateMention,
    DateValue,
    date_for_sentence,
    find_dates,
    resolve_date,
)

SUNDAY = datetime.date(2018, 5, 20)  # a Sunday


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("on Tuesday", "2018-05-15", "day"),
        ("Tuesday night", "2018-05-15", "day"),
        ("Sunday", "2018-05-20", "day"),
        ("last Sunday", "2018-05-13", "day"),
        ("next Friday", "2018-05-25", "day"),
        ("this coming Monday", "2018-05-21", "day"),
        ("yesterday", "2018-05-19", "day"),
        ("last night", "2018-05-19", "day"),
        ("this morning", "2018-05-20", "day"),
        ("today", "2018-05-20", "day"),
        ("tomorrow", "2018-05-21", "day"),
        ("two days ago", "2018-05-18", "day"),
        ("on May 3", "2018-05-03", "day"),
        ("May 25", "2018-05-25", "day"),  # within the week after publication: this year
        ("June 3", "2017-06-03", "day"),  # later in the year: last year's
        ("the 3rd of May", "2018-05-03", "day"),
        ("3 May 2018", "2018-05-03", "day"),
        ("Sunday, May 20", "2018-05-20", "day"),
        ("May 3rd, 2017", "2017-05-03", "day"),
        ("2018-05-03", "2018-05-03", "day"),
        ("13/05/2018", "2018-05-13", "day"),
        ("last week", "2018-05-07", "week"),
        ("this week", "2018-05-14", "week"),
        ("earlier this week", "2018-05-14", "week"),
        ("next week", "2018-05-21", "week"),
        ("the weekend", "2018-05-14", "week"),
        ("three weeks ago", "2018-04-23", "week"),
        ("in December", "2017-12-01", "month"),
        ("in May", "2018-05-01", "month"),
        ("last May", "2017-05-01", "month"),
        ("mid-December", "2017-12-01", "month"),
        ("December 2017", "2017-12-01", "month"),
        ("earlier this month", "2018-05-01", "month"),
        ("last month", "2018-04-01", "month"),
        ("next month", "2018-06-01", "month"),
        ("2017", "2017-01-01", "year"),
        ("in early 2017", "2017-01-01", "year"),
        ("last year", "2017-01-01", "year"),
        ("earlier this year", "2018-01-01", "year"),
        ("1979", "1979-01-01", "year"),
    ],
)
def test_resolve_date_against_publication(text: str, date: str, precision: str) -> None:
    assert resolve_date(text, published=SUNDAY) == DateValue(date=date, precision=precision)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "for three days",
        "three days",
        "20 years old",
        "20-year-old",
        "the past week",
        "the last two weeks",
        "the 1990s",
        "decades",
        "the same day",
        "Between 10 and 15",
    ],
)
def test_durations_ages_and_vague_periods_give_none(text: str) -> None:
    assert resolve_date(text, published=SUNDAY) is None


def test_ambiguous_slash_date_keeps_only_the_year() -> None:
    assert resolve_date("03/05/2018", published=SUNDAY) == DateValue(
        date="2018-01-01", precision="year"
    )


@pytest.mark.parametrize(
    "text", ["on Tuesday", "yesterday", "last week", "in December", "May 3", "last year"]
)
def test_relative_dates_need_a_publication_date(text: str) -> None:
    assert resolve_date(text, published=None) is None


@pytest.mark.parametrize(
    ("text", "date"),
    [("3 May 2018", "2018-05-03"), ("December 2017", "2017-12-01"), ("2017", "2017-01-01")],
)
def test_absolute_dates_resolve_without_publication_date(text: str, date: str) -> None:
    value = resolve_date(text, published=None)
    assert value is not None and value.date == date


def test_day_month_after_a_future_cue_resolves_forward() -> None:
    value = resolve_date("next May 3", published=datetime.date(2018, 5, 20))
    assert value == DateValue(date="2019-05-03", precision="day")


def test_new_year_boundary_goes_back_a_year() -> None:
    assert resolve_date("in December", published=datetime.date(2019, 1, 4)) == DateValue(
        date="2018-12-01", precision="month"
    )
    assert resolve_date("December 30", published=datetime.date(2019, 1, 4)) == DateValue(
        date="2018-12-30", precision="day"
    )


def _doc(words: list[str], ents: list[str] | None = None) -> Doc:
    nlp = spacy.blank("en")
    return Doc(nlp.vocab, words=words, ents=ents)


def test_find_dates_reads_entities_and_missed_patterns() -> None:
    words = ["Police", "fired", "on", "Tuesday", "and", "in", "December", "we", "may", "march", "."]
    doc = _doc(words, ents=["O", "O", "O", "B-DATE"] + ["O"] * 7)
    found = find_dates(doc, published=SUNDAY)
    assert [(m.text, m.value) for m in found] == [
        ("Tuesday", DateValue(date="2018-05-15", precision="day")),
        ("December", DateValue(date="2017-12-01", precision="month")),
    ]
    assert all(doc.text[m.start : m.end] == m.text for m in found)


def test_find_dates_ignores_modal_may_and_plural_weekdays() -> None:
    doc = _doc(["They", "may", "march", "on", "Mondays", "."])
    assert find_dates(doc, published=SUNDAY) == []


def test_find_dates_keeps_unresolvable_entities_without_value() -> None:
    doc = _doc(
        ["He", "is", "20", "years", "old", "."], ents=["O", "O", "B-DATE", "I-DATE", "I-DATE", "O"]
    )
    assert find_dates(doc, published=SUNDAY) == [
        DateMention(text="20 years old", start=6, end=18, value=None)
    ]


def test_find_dates_trims_a_count_swallowed_into_the_entity() -> None:
    words = ["Since", "May", "3", "thousands", "marched"]
    doc = _doc(words, ents=["O", "B-DATE", "I-DATE", "I-DATE", "O"])
    assert [m.text for m in find_dates(doc, published=SUNDAY)] == ["May 3"]


def _parsed(words: list[str], heads: list[int], deps: list[str], ents: list[str]) -> Doc:
    nlp = spacy.blank("en")
    return Doc(nlp.vocab, words=words, heads=heads, deps=deps, ents=ents)


def test_date_for_sentence_prefers_the_date_on_the_main_verb() -> None:
    # "On Tuesday , police marked the 1979 revolution ."
    words = ["On", "Tuesday", ",", "police", "marked", "the", "1979", "revolution", "."]
    heads = [4, 0, 4, 4, 4, 7, 7, 4, 4]
    deps = ["prep", "pobj", "punct", "nsubj", "ROOT", "det", "compound", "dobj", "punct"]
    ents = ["O", "B-DATE", "O", "O", "O", "O", "B-DATE", "O", "O"]
    doc = _parsed(words, heads, deps, ents)
    dates = find_dates(doc, published=SUNDAY)
    sent = doc[:]
    assert date_for_sentence(sent, dates=dates, published=SUNDAY) == DateValue(
        date="2018-05-15", precision="day"
    )


def test_date_for_sentence_skips_background_years_unless_historical() -> None:
    # "Police marked the 1979 revolution ."
    words = ["Police", "marked", "the", "1979", "revolution", "."]
    doc = _parsed(
        words,
        [1, 1, 4, 4, 1, 1],
        ["nsubj", "ROOT", "det", "compound", "dobj", "punct"],
        ["O", "O", "O", "B-DATE", "O", "O"],
    )
    dates = find_dates(doc, published=SUNDAY)
    assert date_for_sentence(doc[:], dates=dates, published=SUNDAY) is None
    assert date_for_sentence(doc[:], dates=dates, published=None) is None
    assert date_for_sentence(doc[:], dates=dates, published=SUNDAY, historical=True) == DateValue(
        date="1979-01-01", precision="year"
    )


def test_date_for_sentence_never_defaults_to_publication_date() -> None:
    doc = _parsed(["Police", "fired", "."], [1, 1, 1], ["nsubj", "ROOT", "punct"], ["O", "O", "O"])
    assert date_for_sentence(doc[:], dates=[], published=SUNDAY) is None


def test_date_for_sentence_only_uses_dates_inside_the_sentence() -> None:
    doc = _parsed(
        ["Police", "fired", ".", "It", "was", "Tuesday", "."],
        [1, 1, 1, 4, 4, 4, 4],
        ["nsubj", "ROOT", "punct", "nsubj", "ROOT", "attr", "punct"],
        ["O", "O", "O", "O", "O", "B-DATE", "O"],
    )
    dates = find_dates(doc, published=SUNDAY)
    assert date_for_sentence(doc[0:3], dates=dates, published=SUNDAY) is None
    assert date_for_sentence(doc[3:7], dates=dates, published=SUNDAY) is not None


def test_find_dates_patterns_without_any_entities() -> None:
    text = (
        "The Sunday Times said police fired on Tuesday and last Friday , since Monday , "
        "Thursday night , in early December and mid-March , in 2016 , earlier this week , "
        "by May , 2 weeks ago ."
    )
    doc = _doc(text.split())
    found = [(m.text, m.value.date if m.value else None) for m in find_dates(doc, published=SUNDAY)]
    assert found == [
        ("Tuesday", "2018-05-15"),
        ("last Friday", "2018-05-18"),
        ("Monday", "2018-05-14"),
        ("Thursday", "2018-05-17"),
        ("early December", "2017-12-01"),
        ("mid-March", "2018-03-01"),
        ("2016", "2016-01-01"),
        ("earlier this week", "2018-05-14"),
        ("May", "2018-05-01"),
        ("2 weeks ago", "2018-04-30"),
    ]
