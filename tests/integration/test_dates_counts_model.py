"""Dates and counts on real spaCy parses of news sentences (wire copy, local press, NGOs)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from spacy.language import Language

from eventscribe.extract.counts import find_counts
from eventscribe.extract.dates import DateValue, date_for_sentence, find_dates

pytestmark = pytest.mark.model

EXAMPLE = Path(__file__).parents[2] / "data" / "sample" / "txt" / "kazerun.txt"
PUBLISHED = datetime.date(2018, 5, 20)  # a Sunday

Figure = tuple[str, int | None, int | None, int | None]  # category, value, min, max


@pytest.fixture(scope="module")
def nlp() -> Language:
    from eventscribe.parse import load_nlp

    return load_nlp()


COUNT_CASES: list[tuple[str, list[Figure]]] = [
    (
        "Police said 12 people were killed and 40 injured on Tuesday in clashes in Lagos.",
        [("fatalities", 12, None, None), ("injuries", 40, None, None)],
    ),
    (
        "Security forces opened fire, killing 12 protesters, activists said.",
        [("fatalities", 12, None, None)],
    ),
    (
        "The attack left three dead and dozens wounded.",
        [("fatalities", 3, None, None), ("injuries", None, 24, 99)],
    ),
    ("The death toll rose to 40 last week.", [("fatalities", 40, None, None)]),
    (
        "Hundreds of demonstrators gathered in Nairobi in December.",
        [("participants", None, 200, 999)],
    ),
    (
        "At least 35 people were arrested, and more than 1,000 marched through the capital.",
        [("arrests", 35, 35, None), ("participants", None, 1001, None)],
    ),
    (
        "Activists say 12 were killed; state media says 3.",
        [("fatalities", 12, None, None), ("fatalities", 3, None, None)],
    ),
    (
        "Between 10 and 15 students were detained by police earlier this month.",
        [("arrests", None, 10, 15)],
    ),
    (
        "Tens of thousands of people rallied in Santiago yesterday.",
        [("participants", None, 20_000, 99_999)],
    ),
    (
        "Two police officers and five protesters were injured this morning.",
        [("injuries", 2, None, None), ("injuries", 5, None, None)],
    ),
    ("A crowd of about 5,000 people marched on May 3.", [("participants", 5000, None, None)]),
    ("The strike lasted three days and 12 vehicles were burned.", []),
    ("Police arrested 35 people, including three journalists.", [("arrests", 35, None, None)]),
    (
        "Clashes between rival groups in Bangui killed at least 23 people and wounded more "
        "than 60 others, the UN mission said.",
        [("fatalities", 23, 23, None), ("injuries", None, 61, None)],
    ),
    (
        "Nearly 200 people were detained after the protest in Minsk, according to the rights "
        "group Viasna.",
        [("arrests", 200, None, None)],
    ),
    (
        "The health ministry said four people died and 112 were hospitalised.",
        [("fatalities", 4, None, None), ("injuries", 112, None, None)],
    ),
    (
        "Some 3,000 workers took part in the strike at the port of Durban.",
        [("participants", 3000, None, None)],
    ),
    (
        "A suicide bomber killed 14 worshippers at a mosque in Peshawar on Friday, officials said.",
        [("fatalities", 14, None, None)],
    ),
    ("Two soldiers were among the dead.", [("fatalities", 2, None, None)]),
    (
        "Several journalists were arrested and taken to an unknown location.",
        [("arrests", None, 3, None)],
    ),
    (
        "The opposition claimed that 50,000 people had joined the march, while police put the "
        "figure at 8,000.",
        [("participants", 50_000, None, None), ("participants", 8000, None, None)],
    ),
    (
        "The death toll from Sunday's attack has risen to 31, the interior ministry said.",
        [("fatalities", 31, None, None)],
    ),
    ("No one was hurt in the blast.", [("injuries", 0, None, None)]),
    (
        "Three policemen sustained injuries when protesters threw stones.",
        [("injuries", 3, None, None)],
    ),
    (
        "Up to 40 people may have drowned, survivors said.",
        [("fatalities", None, None, 40)],
    ),
    (
        "Dozens of people were rounded up in overnight raids, the group said.",
        [("arrests", None, 24, 99)],
    ),
    (
        "Gunmen shot dead two villagers and abducted five others in Zamfara state.",
        [("fatalities", 2, None, None)],
    ),
    (
        "The rally drew an estimated 10,000 supporters.",
        [("participants", 10_000, None, None)],
    ),
    (
        "Amnesty International said it had documented the deaths of 304 people during the "
        "crackdown.",
        [("fatalities", 304, None, None)],
    ),
    (
        "An estimated 2,000 garment workers walked out of factories in Dhaka demanding higher "
        "wages.",
        [("participants", 2000, None, None)],
    ),
    (
        "Thousands took to the streets of Caracas on Saturday to demand the release of "
        "political prisoners.",
        [("participants", None, 2000, 9999)],
    ),
    (
        "Local media reported that 17 bodies had been recovered from the rubble.",
        [("fatalities", 17, None, None)],
    ),
    (
        "Some 150 activists staged a sit-in outside parliament in Tunis.",
        [("participants", 150, None, None)],
    ),
    (
        "Authorities said 230 people had been taken into custody since the unrest began.",
        [("arrests", 230, None, None)],
    ),
    (
        "Eight demonstrators lost their lives and more than 40 were injured in the clashes.",
        [("fatalities", 8, None, None), ("injuries", None, 41, None)],
    ),
    (
        "Rights groups put the number of dead at 106, while the government says 45 people died.",
        [("fatalities", 106, None, None), ("fatalities", 45, None, None)],
    ),
    (
        "Turnout at the march was estimated at 80,000 by organisers.",
        [("participants", 80_000, None, None)],
    ),
    ("Five of the injured were in critical condition, the hospital director said.", []),
    (
        "A spokesman for the Metropolitan Police said 14 officers were hurt and 27 arrests were "
        "made.",
        [("injuries", 14, None, None), ("arrests", 27, None, None)],
    ),
    (
        "In Hong Kong, organisers said 1.7 million people turned out, while police estimated the "
        "crowd at 128,000.",
        [("participants", 1_700_000, None, None), ("participants", 128_000, None, None)],
    ),
    (
        "Two people died and several others were wounded when a grenade exploded during a rally "
        "in Bujumbura.",
        [("fatalities", 2, None, None), ("injuries", None, 3, None)],
    ),
    (
        "Dozens of people were injured as police used water cannon to disperse the crowd in "
        "Tbilisi.",
        [("injuries", None, 24, 99)],
    ),
    ("Over 300 migrants were rescued off the coast of Libya on Sunday.", []),
    (
        "The Kenya National Commission on Human Rights said 12 protesters had been shot dead by "
        "police since Tuesday.",
        [("fatalities", 12, None, None)],
    ),
    (
        "A total of 40 people were arrested across the country, the interior ministry said.",
        [("arrests", 40, None, None)],
    ),
    (
        "Witnesses said soldiers opened fire on the crowd, killing at least seven, including a "
        "child.",
        [("fatalities", 7, 7, None)],
    ),
    (
        "The explosion killed 9 and wounded 31, local officials told Reuters.",
        [("fatalities", 9, None, None), ("injuries", 31, None, None)],
    ),
    (
        "Security forces arrested dozens, among them several prominent activists.",
        [("arrests", None, 24, 99)],
    ),
    (
        "The bodies of 11 migrants were found in a truck near the border.",
        [("fatalities", 11, None, None)],
    ),
    (
        "A police officer died of his injuries in hospital, bringing the death toll to four.",
        [("fatalities", 4, None, None)],
    ),
    (
        "Villagers said the militiamen killed about 30 people and burned dozens of homes.",
        [("fatalities", 30, None, None)],
    ),
    (
        "About 150 people held a candlelight vigil for the victims in Christchurch.",
        [("participants", 150, None, None)],
    ),
]


@pytest.mark.parametrize(
    ("sentence", "expected"), COUNT_CASES, ids=[c[0][:40] for c in COUNT_CASES]
)
def test_counts_in_news_sentences(nlp: Language, sentence: str, expected: list[Figure]) -> None:
    doc = nlp(sentence)
    found = [
        (m.category, m.count.value, m.count.min, m.count.max)
        for sent in doc.sents
        for m in find_counts(sent)
    ]
    assert found == expected


def test_count_offsets_point_at_the_phrase(nlp: Language) -> None:
    doc = nlp("Activists say 12 were killed; state media says 3.")
    mentions = [m for sent in doc.sents for m in find_counts(sent)]
    assert [doc.text[m.start : m.end] for m in mentions] == ["12", "3"]
    assert mentions[0].start < mentions[1].start


@pytest.fixture(scope="module")
def kazerun(nlp: Language):  # type: ignore[no-untyped-def]
    return nlp(EXAMPLE.read_text(encoding="utf-8"))


def test_kazerun_counts(kazerun) -> None:  # type: ignore[no-untyped-def]
    mentions = [m for sent in kazerun.sents for m in find_counts(sent)]
    by_category = {m.category: m.count for m in mentions}
    assert set(by_category) == {"participants", "injuries"}
    assert (by_category["participants"].min, by_category["participants"].max) == (200, 999)
    assert by_category["participants"].text == "hundreds"
    injuries = by_category["injuries"]
    assert (injuries.value, injuries.min, injuries.max) == (None, 2, None)
    assert injuries.text.lower().startswith("a number of")


def test_kazerun_dates(kazerun) -> None:  # type: ignore[no-untyped-def]
    dates = find_dates(kazerun, published=PUBLISHED)
    assert [(m.text, m.value) for m in dates if m.value is not None] == [
        ("December", DateValue(date="2017-12-01", precision="month"))
    ]
    mashhad = next(s for s in kazerun.sents if "Mashhad" in s.text)
    strike = next(s for s in kazerun.sents if "went on strike" in s.text)
    value = date_for_sentence(mashhad, dates=dates, published=PUBLISHED, historical=True)
    assert value == DateValue(date="2017-12-01", precision="month")
    assert date_for_sentence(strike, dates=dates, published=PUBLISHED) is None
    assert [m.value for m in find_dates(kazerun, published=None)] == [None]


DATE_CASES: list[tuple[str, str | None, str | None]] = [
    ("Police fired tear gas at protesters in Lagos on Tuesday.", "2018-05-15", "day"),
    ("Hundreds of demonstrators gathered in Nairobi in December.", "2017-12-01", "month"),
    ("The death toll rose to 40 last week.", "2018-05-07", "week"),
    ("More than 1,000 marched through the capital on 3 May 2018.", "2018-05-03", "day"),
    ("Between 10 and 15 students were detained earlier this month.", "2018-05-01", "month"),
    ("Tens of thousands of people rallied in Santiago yesterday.", "2018-05-19", "day"),
    ("Two officers were injured this morning in Tbilisi.", "2018-05-20", "day"),
    ("A crowd of about 5,000 people marched on May 3.", "2018-05-03", "day"),
    ("In 2017, more than 200 people were killed in similar unrest.", "2017-01-01", "year"),
    ("The union said the strike would begin next week.", "2018-05-21", "week"),
    ("The 25-year-old activist was detained for three days.", None, None),
    ("Protesters marked the anniversary of the 1979 revolution.", None, None),
    ("Workers at the plant walked out two days ago.", "2018-05-18", "day"),
    ("Farmers blocked the motorway on Friday night.", "2018-05-18", "day"),
    ("Police said on Sunday, May 13, that 40 people had been arrested.", "2018-05-13", "day"),
    ("The rally, which may draw thousands, was banned.", None, None),
]


@pytest.mark.parametrize(
    ("sentence", "date", "precision"), DATE_CASES, ids=[c[0][:40] for c in DATE_CASES]
)
def test_event_date_of_news_sentences(
    nlp: Language, sentence: str, date: str | None, precision: str | None
) -> None:
    doc = nlp(sentence)
    dates = find_dates(doc, published=PUBLISHED)
    value = date_for_sentence(next(iter(doc.sents)), dates=dates, published=PUBLISHED)
    found = (value.date, value.precision) if value is not None else (None, None)
    assert found == (date, precision)
