"""Event coding on real spaCy parses: the Kazerun example and short news sentences."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from eventscribe.extract.counts import CountMention
from eventscribe.extract.dates import DateMention, DateValue
from eventscribe.extract.events.stage import Lexicon, extract_events, load_lexicon
from eventscribe.extract.reactions import link_reactions
from eventscribe.records import Actor, Count, Event, Place, Quote

pytestmark = pytest.mark.model

EXAMPLE = Path(__file__).parents[2] / "data" / "sample" / "txt" / "kazerun.txt"
PUBLISHED = datetime.date(2018, 5, 20)


@pytest.fixture(scope="module")
def nlp() -> Language:
    from eventscribe.parse import load_nlp

    return load_nlp()


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def _at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def _actor(text: str, phrase: str, name: str, nth: int = 0, **kw: str) -> Actor:
    start, end = _at(text, phrase, nth)
    return Actor(name=name, text=phrase, start=start, end=end, **kw)  # type: ignore[arg-type]


def _place(text: str, phrase: str, name: str, nth: int = 0, precision: str = "city") -> Place:
    start, end = _at(text, phrase, nth)
    feature = "country" if precision == "country" else "city"
    return Place(
        name=name,
        text=phrase,
        start=start,
        end=end,
        country="IRN",
        feature=feature,
        precision=precision,
    )  # type: ignore[arg-type]


def _kazerun_body() -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    return text.split("\n\n", 2)[2]


def _kazerun_records(text: str) -> dict[str, list[Any]]:
    regime = {"country": "IRN", "sector": "GOV", "kind": "state"}
    cop = {"country": "IRN", "sector": "COP", "kind": "group"}
    cvl = {"country": "IRN", "sector": "CVL", "kind": "group"}
    ncri = {"country": "IRN", "sector": "OPP", "kind": "organization"}
    actors = [
        _actor(text, "Iranian Regime", "Iranian Regime", **regime),
        _actor(text, "politicians", "politicians", kind="group"),
        _actor(text, "security forces", "security forces", **cop),
        _actor(text, "protesters", "protesters", **cvl),
        _actor(text, "people", "people", nth=2, **cvl),
        _actor(text, "people", "people", nth=3, **cvl),
        _actor(text, "Regime", "Iranian Regime", nth=2, **regime),
        _actor(text, "suppressive forces", "security forces", **cop),
        _actor(text, "Regime property", "Iranian Regime", **regime),
        _actor(text, "police", "police", **cop),
        _actor(text, "People in Kazerun", "people of Kazerun", **cvl),
        _actor(text, "protesters", "protesters", nth=1, **cvl),
        _actor(text, "Iranian Resistance coalition", "NCRI", **ncri),
        _actor(text, "National Council of Resistance of Iran", "NCRI", **ncri),
        _actor(text, "NCRI", "NCRI", nth=1, **ncri),
        _actor(text, "security forces", "security forces", nth=1, **cop),
        _actor(text, "Kazerun protesters", "protesters", **cvl),
        _actor(text, "People’s Mojahedin Organization of Iran", "PMOI", **ncri),
        _actor(text, "Maryam Rajavi", "Maryam Rajavi", kind="person", country="IRN", sector="OPP"),
        _actor(text, "Farhan Haq", "Farhan Haq", kind="person", country="IGO"),
        _actor(text, "Stef Blok", "Stef Blok", kind="person", country="NLD", sector="GOV"),
        _actor(text, "Mike Pompeo", "Mike Pompeo", kind="person", country="USA", sector="GOV"),
        _actor(text, "Regime", "Iranian Regime", nth=7, **regime),
        _actor(text, "Marco Rubio", "Marco Rubio", kind="person", country="USA", sector="LEG"),
        _actor(text, "NCRI", "NCRI", nth=2, **ncri),
    ]
    places = [
        _place(text, "Iranian", "Iran", precision="country"),
        _place(text, "Kazerun", "Kazerun"),
        _place(text, "Kazerun", "Kazerun", nth=1),
        _place(text, "Iran", "Iran", nth=4, precision="country"),
        _place(text, "Kazerun", "Kazerun", nth=2),
        _place(text, "Kazerun", "Kazerun", nth=3),
        _place(text, "Mashhad", "Mashhad"),
    ]
    q1 = _at(text, "The people of Kazerun, particularly")[0], _at(text, "these rallies.")[1]
    q2 = _at(text, "These developments")[0], _at(text, "mullahs regime.")[1]
    ncri_actor = next(a for a in actors if a.text == "NCRI")
    quotes = [
        Quote(text=text[s:e], start=s, end=e, kind="direct", speaker=ncri_actor)
        for s, e in (q1, q2)
    ]
    dec = _at(text, "December")
    dates = [
        DateMention(
            text="December",
            start=dec[0],
            end=dec[1],
            value=DateValue(date="2017-12-01", precision="month"),
        )
    ]
    hundreds = _at(text, "hundreds")
    women = _at(text, "A number of women")
    counts = [
        CountMention(
            category="participants",
            count=Count(min=200, max=999, text="hundreds"),
            start=hundreds[0],
            end=hundreds[1],
        ),
        CountMention(
            category="injuries", count=Count(text="A number of women"), start=women[0], end=women[1]
        ),
    ]
    return {"actors": actors, "places": places, "quotes": quotes, "dates": dates, "counts": counts}


@pytest.fixture(scope="module")
def kazerun(nlp: Language, lexicon: Lexicon) -> list[Event]:
    text = _kazerun_body()
    rec = _kazerun_records(text)
    events = extract_events(
        nlp(text),
        article_key="kazerun",
        published=PUBLISHED,
        lexicon=lexicon,
        fallback_place=rec["places"][1],
        **rec,
    )
    return link_reactions(events)


def _find(events: Sequence[Event], type_: str, words: str, mode: str | None = "") -> Event:
    hits = [
        e
        for e in events
        if e.type == type_ and words in e.evidence.text and (mode == "" or e.mode == mode)
    ]
    assert hits, (
        f"no {type_} event with {words!r}: {[(e.type, e.mode, e.evidence.text[:40]) for e in events]}"
    )
    return hits[0]


def _names(actors: Sequence[Actor]) -> set[str]:
    return {a.name for a in actors}


def test_kazerun_protest_is_excessive_force_in_kazerun(kazerun: list[Event]) -> None:
    event = _find(kazerun, "PROTEST", "chanted slogans", mode="demo")
    assert (event.acled_event_type, event.acled_sub_event_type) == (
        "Protests",
        "Excessive force against protesters",
    )
    assert event.location is not None and event.location.name == "Kazerun"
    assert event.claimed_by is None and event.contexts == []


def test_kazerun_forces_open_fire_on_the_protesters(kazerun: list[Event]) -> None:
    event = _find(kazerun, "ASSAULT", "opened fire", mode="firearms")
    assert _names(event.source_actors) == {"security forces"}
    assert _names(event.target_actors) == {"people"}
    assert event.acled_event_type is None  # coded once, on the protest
    assert event.location is not None and event.location.name == "Kazerun"


def test_kazerun_attack_on_regime_property_is_a_riot(kazerun: list[Event]) -> None:
    event = _find(kazerun, "PROTEST", "attacking Regime property", mode="riot")
    assert (event.acled_event_type, event.acled_sub_event_type) == (
        "Riots",
        "Violent demonstration",
    )
    assert {"Iranian Regime", "police"} <= _names(event.target_actors)
    assert event.claimed_by is None


def test_kazerun_general_strike(kazerun: list[Event]) -> None:
    event = _find(kazerun, "PROTEST", "went on strike", mode="strike-gen")
    assert event.acled_event_type is None  # a stay-away strike: ACLED codes no gathering
    assert _names(event.source_actors) == {"people of Kazerun"}
    assert event.location is not None and event.location.name == "Kazerun"


def test_kazerun_mashhad_uprising_is_historical(kazerun: list[Event]) -> None:
    event = _find(kazerun, "PROTEST", "uprising that began in Mashhad")
    assert "historical" in event.contexts
    assert event.location is not None and event.location.name == "Mashhad"
    assert (event.date, event.date_precision) == ("2017-12-01", "month")


def test_kazerun_ncri_commends_the_protesters(kazerun: list[Event]) -> None:
    event = _find(kazerun, "SUPPORT", "was commended by")
    assert _names(event.source_actors) == {"NCRI"}
    assert _names(event.target_actors) == {"protesters"}
    assert event.claimed_by is None and event.location is None
    protest = _find(kazerun, "PROTEST", "chanted slogans", mode="demo")
    assert event.reacts_to == protest.event_id


def test_kazerun_rajavi_requests_a_fact_finding_mission(kazerun: list[Event]) -> None:
    event = _find(kazerun, "REQUEST", "fact-finding mission")
    assert _names(event.source_actors) == {"Maryam Rajavi"}


def test_kazerun_pompeo_accuses_the_regime(kazerun: list[Event]) -> None:
    event = _find(kazerun, "ACCUSE", "corruptocrats")
    assert _names(event.source_actors) == {"Mike Pompeo"}
    assert _names(event.target_actors) == {"Iranian Regime"}
    assert event.location is None  # a foreign statement has no place


def test_kazerun_each_listed_supporter_gets_a_support_event(kazerun: list[Event]) -> None:
    listed = [e for e in kazerun if e.type == "SUPPORT" and "include:" in e.evidence.text]
    sources = [next(iter(_names(e.source_actors))) for e in listed]
    # Rajavi's and Pompeo's items carry their own statements (REQUEST, ACCUSE): no SUPPORT.
    assert sources == ["PMOI", "Farhan Haq", "Stef Blok", "Marco Rubio"]
    assert all(_names(e.target_actors) == {"protesters"} for e in listed)
    assert len({e.event_id for e in listed}) == len(listed)
    assert all(e.reacts_to is not None for e in listed)


def test_kazerun_criticism_reacts_to_the_crackdown(kazerun: list[Event]) -> None:
    criticism = _find(kazerun, "ACCUSE", "attracted criticism")
    crackdown = _find(kazerun, "COERCE", "violent crackdown")
    assert _names(criticism.source_actors) == {"politicians"}
    assert criticism.reacts_to == crackdown.event_id


def test_kazerun_wounded_women_are_claimed_by_ncri(kazerun: list[Event]) -> None:
    event = _find(kazerun, "ASSAULT", "those wounded")
    assert event.claimed_by is not None and event.claimed_by.name == "NCRI"
    assert event.injuries is not None and event.injuries.text == "A number of women"


def test_kazerun_is_deterministic(nlp: Language, lexicon: Lexicon, kazerun: list[Event]) -> None:
    text = _kazerun_body()
    rec = _kazerun_records(text)
    again = extract_events(
        nlp(text),
        article_key="kazerun",
        published=PUBLISHED,
        lexicon=lexicon,
        fallback_place=rec["places"][1],
        **rec,
    )
    assert [e.event_id for e in link_reactions(again)] == [e.event_id for e in kazerun]


# --- short news sentences -------------------------------------------------------------

_SECTOR_WORDS = (
    "police",
    "security forces",
    "government forces",
    "rebels",
    "protesters",
    "journalists",
    "gunmen",
    "students",
    "workers",
    "soldiers",
    "civilians",
    "Taliban",
    "UN",
    "union",
    "government",
    "opposition",
)


def _code(
    nlp: Language,
    lexicon: Lexicon,
    text: str,
    places: Sequence[str] = (),
    quotes: Sequence[Quote] = (),
) -> list[Event]:
    lower = text.lower()
    actors = []
    for word in sorted(_SECTOR_WORDS, key=len, reverse=True):  # longest first, no nesting
        start = lower.find(word.lower())
        while start >= 0:
            if not any(a.start <= start < a.end for a in actors):
                span = text[start : start + len(word)]
                actors.append(
                    Actor(name=word.lower(), text=span, start=start, end=start + len(word))
                )
            start = lower.find(word.lower(), start + 1)
    found = [
        Place(
            name=p,
            text=p,
            start=text.index(p),
            end=text.index(p) + len(p),
            precision="city",
            feature="city",
        )
        for p in places
    ]
    doc = nlp(text)
    return link_reactions(
        extract_events(
            doc,
            article_key="t",
            published=datetime.date(2024, 3, 10),
            lexicon=lexicon,
            actors=actors,
            places=found,
            quotes=quotes,
            dates=[],
            counts=[],
        )
    )


def _only(events: list[Event], type_: str) -> Event:
    hits = [e for e in events if e.type == type_]
    assert len(hits) == 1, [(e.type, e.mode) for e in events]
    return hits[0]


def test_battle_report(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "Government forces clashed with rebels near Taiz on Tuesday, leaving 12 fighters dead.",
        places=["Taiz"],
    )
    event = _only(events, "ASSAULT")
    assert (event.acled_event_type, event.acled_sub_event_type) == ("Battles", "Armed clash")
    assert _names(event.source_actors) == {"government forces"}
    assert _names(event.target_actors) == {"rebels"}
    assert event.location is not None and event.location.name == "Taiz"


def test_airstrike(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "An airstrike hit a market in Idlib on Monday, killing at least nine civilians.",
        places=["Idlib"],
    )
    event = _only(events, "ASSAULT")  # the killing is folded into the airstrike
    assert event.acled_sub_event_type == "Air/drone strike"
    assert event.acled_event_type == "Explosions/Remote violence"
    assert _names(event.target_actors) == {"civilians"}


def test_ied_blast(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "An IED exploded near a military convoy in Kandahar, wounding three soldiers.",
        places=["Kandahar"],
    )
    event = _only(events, "ASSAULT")
    assert event.acled_sub_event_type == "Remote explosive/landmine/IED"
    assert event.location is not None and event.location.name == "Kandahar"


def test_kidnapping(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "Gunmen kidnapped two aid workers in Maiduguri on Sunday.",
        places=["Maiduguri"],
    )
    event = _only(events, "ASSAULT")
    assert (event.mode, event.acled_sub_event_type) == ("abduct", "Abduction/forced disappearance")
    assert _names(event.source_actors) == {"gunmen"}
    assert not [e for e in events if e.type == "AID"]  # "aid workers" are people


def test_arrest_of_journalists(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "Police arrested four journalists covering the election in Istanbul.",
        places=["Istanbul"],
    )
    event = _only(events, "COERCE")
    assert (event.mode, event.acled_sub_event_type) == ("arrest", "Arrests")
    assert _names(event.source_actors) == {"police"}
    assert _names(event.target_actors) == {"journalists"}


def test_ceasefire_agreement(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "The government and the rebels signed a ceasefire agreement in Doha on Friday.",
        places=["Doha"],
    )
    event = _only(events, "AGREE")
    assert (event.acled_event_type, event.acled_sub_event_type) == (
        "Strategic developments",
        "Agreement",
    )
    assert _names(event.source_actors) == {"government", "rebels"}


def test_peaceful_march(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "Thousands of students marched peacefully through the streets of Santiago.",
        places=["Santiago"],
    )
    event = _only(events, "PROTEST")
    assert (event.mode, event.acled_sub_event_type) == ("demo", "Peaceful protest")
    assert _names(event.source_actors) == {"students"}


def test_tear_gas_dispersal(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp, lexicon, "Police fired tear gas to disperse protesters in Nairobi.", places=["Nairobi"]
    )
    protest = _only(events, "PROTEST")
    assert protest.acled_sub_event_type == "Protest with intervention"
    coerce = _only(events, "COERCE")
    assert _names(coerce.source_actors) == {"police"}
    assert _names(coerce.target_actors) == {"protesters"}
    assert coerce.acled_event_type is None


def test_firing_on_protesters_is_excessive_force(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "Security forces opened fire on protesters in Baghdad, killing five people.",
        places=["Baghdad"],
    )
    assert _only(events, "PROTEST").acled_sub_event_type == "Excessive force against protesters"


@pytest.mark.parametrize(
    "text",
    [
        "Arsenal beat Chelsea 2-1 in a Premier League match on Saturday, with a late goal.",
        "Shares rallied as the index rose 2 percent, while oil prices fell after the meeting.",
        "A man was stabbed to death during a robbery at a shop in Leeds on Friday night.",
    ],
)
def test_non_events_are_absent_or_unlikely(nlp: Language, lexicon: Lexicon, text: str) -> None:
    assert all(e.confidence < 0.3 for e in _code(nlp, lexicon, text))


def test_negated_event_keeps_its_context(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp, lexicon, "Police did not fire on the protesters in Lagos.", places=["Lagos"]
    )
    event = _only(events, "ASSAULT")
    assert event.contexts == ["negated"] and event.acled_event_type is None
    real = _only(
        _code(nlp, lexicon, "Police fired on the protesters in Lagos.", places=["Lagos"]), "ASSAULT"
    )
    assert event.confidence < real.confidence  # less sure it is coded right, not "did not happen"
    assert _only(events, "PROTEST").acled_sub_event_type == "Peaceful protest"


def test_threatened_strike_is_a_threat(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(nlp, lexicon, "Workers threatened to strike next week.")
    assert [e.type for e in events] == ["THREATEN"]


def test_future_rally(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp, lexicon, "The union will hold a rally in Paris next week.", places=["Paris"]
    )
    event = _only(events, "PROTEST")
    assert event.contexts == ["future"] and event.acled_event_type is None


def test_hypothetical_attack(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(nlp, lexicon, "If the talks fail, the rebels could attack the capital.")
    assert "hypothetical" in _only(events, "ASSAULT").contexts


def test_reported_speech_is_claimed_by_the_speaker(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "The opposition said that police shot three protesters in Harare.",
        places=["Harare"],
    )
    event = _only(events, "ASSAULT")
    assert event.claimed_by is not None and event.claimed_by.name == "opposition"
    assert _names(event.source_actors) == {"police"}


def test_condemnation_reacts_to_the_attack(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(nlp, lexicon, "The UN condemned the attack in Kabul.", places=["Kabul"])
    assert _only(events, "ACCUSE").reacts_to == _only(events, "ASSAULT").event_id


def test_clashes_between_protesters_and_police_are_a_riot(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "Clashes between protesters and police erupted in Santiago.",
        places=["Santiago"],
    )
    event = _only(events, "PROTEST")
    assert (event.mode, event.acled_sub_event_type) == ("riot", "Violent demonstration")
    assert not [e for e in events if e.type == "ASSAULT"]


def test_anniversary_marks_the_old_event_only(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp, lexicon, "Students have protested every year on the anniversary of the 2019 uprising."
    )
    by_word = {e.contexts == ["historical"]: e for e in events if e.type == "PROTEST"}
    assert set(by_word) == {True, False}
    assert _names(by_word[False].source_actors) == {"students"}


def test_arrest_after_covering_a_rally_stays_an_arrest(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "Two journalists were arrested in Minsk after covering the rally.",
        places=["Minsk"],
    )
    assert _only(events, "COERCE").acled_sub_event_type == "Arrests"


def test_place_acting_as_subject_is_not_the_location(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(nlp, lexicon, "Turkey deployed troops to the border.", places=["Turkey"])
    assert _only(events, "MOBILIZE").location is None


def test_kazerun_list_item_statements_react_to_the_protest(kazerun: list[Event]) -> None:
    protest = _find(kazerun, "PROTEST", "chanted slogans", mode="demo")
    assert _find(kazerun, "REQUEST", "fact-finding").reacts_to == protest.event_id
    assert _find(kazerun, "ACCUSE", "corruptocrats").reacts_to == protest.event_id


# --- precision: mentions, repeats and non-event text ------------------------------------


def test_a_later_mention_of_the_march_is_not_a_second_event(
    nlp: Language, lexicon: Lexicon
) -> None:
    events = _code(
        nlp,
        lexicon,
        "Thousands of workers marched in Nairobi on Tuesday. The march was peaceful.",
        places=["Nairobi"],
    )
    assert "Tuesday" in _only(events, "PROTEST").evidence.text


def test_condemned_attack_joins_the_reported_attack(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp,
        lexicon,
        "Gunmen attacked a market in Kano on Monday. The government condemned the attack.",
        places=["Kano"],
    )
    attack = _only(events, "ASSAULT")
    assert "Monday" in attack.evidence.text
    assert _only(events, "ACCUSE").reacts_to == attack.event_id


def test_in_protest_at_is_not_a_second_protest(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp, lexicon, "Two prisoners began a hunger strike on Monday in protest at their detention."
    )
    assert _only(events, "PROTEST").mode == "strike-hun"


def test_generic_mention_is_not_an_event(nlp: Language, lexicon: Lexicon) -> None:
    events = _code(
        nlp, lexicon, "The group monitors attacks on journalists and publishes a yearly report."
    )
    assert events == []


@pytest.mark.parametrize(
    "text",
    [
        "Hearts of Oak beat Kotoko 2-1 in the derby on Sunday. Their striker fired a shot past "
        "the goalkeeper after a swift counter-attack, and the fans in the stadium protested "
        "the referee's decision at the final whistle.",
        "The currency came under attack from speculators as investors sold bonds. The index "
        "rallied 2 percent, and analysts said the central bank would strike a balance.",
        "A strong earthquake struck the coast on Tuesday, killing four people. Rescuers searched "
        "the rubble as aftershocks shook the region, and a landslide blocked the main road.",
    ],
)
def test_non_event_articles_give_no_events(nlp: Language, lexicon: Lexicon, text: str) -> None:
    assert _code(nlp, lexicon, text) == []
