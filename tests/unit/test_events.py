"""Event detection and coding on hand-built parses (no spaCy model)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, Span

from eventscribe.errors import ModelError
from eventscribe.extract import taxonomy as tx
from eventscribe.extract.counts import CountMention
from eventscribe.extract.dates import DateMention, DateValue
from eventscribe.extract.events.stage import (
    Lexicon,
    extract_events,
    load_lexicon,
    score_sentence,
    split_segments,
)
from eventscribe.records import PLOVER_TYPES, Actor, Count, Event, Place, Quote, make_event_id
from parses import Row, built_doc

ARREST: list[Row] = [
    ("Police", "police", "NOUN", "nsubj", 1, "O"),
    ("arrested", "arrest", "VERB", "ROOT", 1, "O"),
    ("journalists", "journalist", "NOUN", "dobj", 1, "O"),
    ("in", "in", "ADP", "prep", 1, "O"),
    ("Cairo", "Cairo", "PROPN", "pobj", 3, "B-GPE"),
    (".", ".", "PUNCT", "punct", 1, "O"),
]
NOT_ARREST: list[Row] = [
    ("Police", "police", "NOUN", "nsubj", 3, "O"),
    ("did", "do", "AUX", "aux", 3, "O"),
    ("not", "not", "PART", "neg", 3, "O"),
    ("arrest", "arrest", "VERB", "ROOT", 3, "O"),
    ("protesters", "protester", "NOUN", "dobj", 3, "O"),
    (".", ".", "PUNCT", "punct", 3, "O"),
]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def _actor(doc: Doc, i: int, name: str) -> Actor:
    tok = doc[i]
    return Actor(name=name, text=tok.text, start=tok.idx, end=tok.idx + len(tok))


def _place(doc: Doc, i: int, name: str) -> Place:
    tok = doc[i]
    return Place(
        name=name,
        text=tok.text,
        start=tok.idx,
        end=tok.idx + len(tok),
        precision="city",
        feature="city",
    )


def _extract(doc: Doc, lexicon: Lexicon, **kw: object) -> list[Event]:
    args: dict[str, object] = {"actors": [], "places": [], "quotes": [], "dates": [], "counts": []}
    args.update(kw)
    return extract_events(
        doc, article_key="a1", published=datetime.date(2024, 3, 10), lexicon=lexicon, **args
    )  # type: ignore[arg-type]


def test_lexicon_reaches_every_plover_type(lexicon: Lexicon) -> None:
    assert {e.type for e in lexicon.entries} == set(PLOVER_TYPES)


def test_lexicon_modes_and_acled_strings_are_valid(lexicon: Lexicon) -> None:
    for entry in lexicon.entries:
        assert tx.check_lexicon_row(entry.type, entry.mode, entry.acled_sub) is None


def test_extra_lexicon_file_adds_triggers(tmp_path: Path) -> None:
    extra = tmp_path / "extra.tsv"
    extra.write_text(
        "trigger\tpos\ttype\tmode\tacled_event_type\tacled_sub_event_type\t"
        "strength\tflags\tnotes\nsquat\tV\tPROTEST\tobstruct\t-\t-\t0.6\t-\t-\n"
    )
    assert ("squat",) in {e.trigger for e in load_lexicon([extra]).entries}


def test_bad_lexicon_row_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(
        "trigger\tpos\ttype\tmode\tacled_event_type\tacled_sub_event_type\t"
        "strength\tflags\tnotes\nsquat\tV\tPROTEST\tdance\t-\t-\t0.6\t-\t-\n"
    )
    with pytest.raises(ModelError, match=r"bad\.tsv:2"):
        load_lexicon([bad])


def test_missing_lexicon_file_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read lexicon"):
        load_lexicon([tmp_path / "nope.tsv"])


def test_longest_phrase_wins(lexicon: Lexicon) -> None:
    doc = built_doc(
        [
            ("Workers", "worker", "NOUN", "nsubj", 1, "O"),
            ("went", "go", "VERB", "ROOT", 1, "O"),
            ("on", "on", "ADP", "prep", 1, "O"),
            ("a", "a", "DET", "det", 4, "O"),
            ("strike", "strike", "NOUN", "pobj", 2, "O"),
        ]
    )
    cands = score_sentence(doc[:], lexicon=lexicon)
    assert [(c.type, c.mode, c.anchor) for c in cands] == [("PROTEST", "strike-gen", 1)]


def _triggers(rows: list[Row], lexicon: Lexicon) -> list[tuple[str, str | None]]:
    return [(c.type, c.mode) for c in score_sentence(built_doc(rows)[:], lexicon=lexicon)]


def test_a_strike_by_troops_is_an_attack_and_by_workers_a_strike(lexicon: Lexicon) -> None:
    troops: list[Row] = [
        ("Troops", "troop", "NOUN", "nsubj", 1, "O"),
        ("struck", "strike", "VERB", "ROOT", 1, "O"),
        ("a", "a", "DET", "det", 3, "O"),
        ("camp", "camp", "NOUN", "dobj", 1, "O"),
    ]
    workers = [("Workers", "worker", "NOUN", "nsubj", 1, "O"), *troops[1:2]]
    assert _triggers(troops, lexicon) == [("ASSAULT", None)]
    assert _triggers(workers, lexicon) == [("PROTEST", "strike-gen")]


def test_a_patrol_is_mobilization_only_when_forces_patrol(lexicon: Lexicon) -> None:
    soldiers: list[Row] = [
        ("Soldiers", "soldier", "NOUN", "nsubj", 1, "O"),
        ("patrolled", "patrol", "VERB", "ROOT", 1, "O"),
        ("the", "the", "DET", "det", 3, "O"),
        ("border", "border", "NOUN", "dobj", 1, "O"),
    ]
    keeper = [("Keepers", "keeper", "NOUN", "nsubj", 1, "O"), *soldiers[1:]]
    assert _triggers(soldiers, lexicon) == [("MOBILIZE", None)]
    assert _triggers(keeper, lexicon) == []


def test_capturing_people_is_an_arrest_but_not_on_camera(lexicon: Lexicon) -> None:
    captured: list[Row] = [
        ("Troops", "troop", "NOUN", "nsubj", 1, "O"),
        ("captured", "capture", "VERB", "ROOT", 1, "O"),
        ("five", "five", "NUM", "nummod", 3, "O"),
        ("suspects", "suspect", "NOUN", "dobj", 1, "O"),
    ]
    filmed: list[Row] = [
        ("Obey", "Obey", "PROPN", "nsubjpass", 2, "B-PERSON"),
        ("was", "be", "AUX", "auxpass", 2, "O"),
        ("captured", "capture", "VERB", "ROOT", 2, "O"),
        ("on", "on", "ADP", "prep", 2, "O"),
        ("camera", "camera", "NOUN", "pobj", 3, "O"),
    ]
    assert _triggers(captured, lexicon) == [("COERCE", "arrest")]
    assert _triggers(filmed, lexicon) == []


def test_arrest_with_roles_place_and_acled(lexicon: Lexicon) -> None:
    doc = built_doc(ARREST)
    events = _extract(
        doc,
        lexicon,
        actors=[_actor(doc, 0, "police"), _actor(doc, 2, "journalists")],
        places=[_place(doc, 4, "Cairo")],
    )
    assert len(events) == 1
    event = events[0]
    assert (event.type, event.mode) == ("COERCE", "arrest")
    assert (event.acled_event_type, event.acled_sub_event_type) == (
        "Strategic developments",
        "Arrests",
    )
    assert [a.name for a in event.source_actors] == ["police"]
    assert [a.name for a in event.target_actors] == ["journalists"]
    assert event.location is not None and event.location.name == "Cairo"
    assert event.evidence.text == doc.text and event.evidence.start == 0
    assert event.event_id == make_event_id("a1", 0, len(doc.text), "COERCE", "arrest")


def test_negated_event_is_kept_with_context_and_lower_confidence(lexicon: Lexicon) -> None:
    doc, neg = built_doc(ARREST), built_doc(NOT_ARREST)
    plain = _extract(doc, lexicon, actors=[_actor(doc, 0, "police")])[0]
    negated = _extract(neg, lexicon, actors=[_actor(neg, 0, "police")])[0]
    assert plain.contexts == [] and negated.contexts == ["negated"]
    assert negated.confidence < plain.confidence
    assert negated.acled_event_type is None  # ACLED codes what happened


def test_fallback_place_for_physical_events_only(lexicon: Lexicon) -> None:
    doc = built_doc(
        [
            ("Police", "police", "NOUN", "nsubj", 1, "O"),
            ("praised", "praise", "VERB", "ROOT", 1, "O"),
            ("protesters", "protester", "NOUN", "dobj", 1, "O"),
        ]
    )
    focus = Place(name="Cairo", text="Cairo", start=0, end=0, precision="city")
    assert _extract(doc, lexicon, fallback_place=focus)[0].location is None
    arrest = built_doc(NOT_ARREST)
    located = _extract(arrest, lexicon, fallback_place=focus)[0].location
    # the fallback keeps the focus place's name and precision, but no span in this sentence
    assert located is not None and (located.name, located.precision) == ("Cairo", "city")
    assert located.text == "" and located.start == located.end


def test_quote_speaker_claims_the_event(lexicon: Lexicon) -> None:
    doc = built_doc(ARREST)
    speaker = Actor(name="Amnesty", text="Amnesty", start=0, end=0)
    quote = Quote(text=doc.text, start=0, end=len(doc.text), kind="direct", speaker=speaker)
    event = _extract(doc, lexicon, quotes=[quote])[0]
    assert event.claimed_by is speaker


def test_counts_and_dates_attach_by_offsets(lexicon: Lexicon) -> None:
    doc = built_doc(ARREST)
    count = CountMention(category="arrests", count=Count(value=12, text="12"), start=10, end=20)
    date = DateMention(
        text="x", start=21, end=25, value=DateValue(date="2024-03-09", precision="day")
    )
    event = _extract(doc, lexicon, counts=[count], dates=[date])[0]
    assert event.arrests is not None and event.arrests.value == 12
    assert (event.date, event.date_precision) == ("2024-03-09", "day")


def test_old_date_makes_an_event_historical(lexicon: Lexicon) -> None:
    doc = built_doc(ARREST)
    date = DateMention(
        text="x", start=21, end=25, value=DateValue(date="2023-01-01", precision="month")
    )
    assert _extract(doc, lexicon, dates=[date])[0].contexts == ["historical"]


def test_future_with_will(lexicon: Lexicon) -> None:
    doc = built_doc(
        [
            ("Unions", "union", "NOUN", "nsubj", 2, "O"),
            ("will", "will", "AUX", "aux", 2, "O"),
            ("protest", "protest", "VERB", "ROOT", 2, "O"),
        ]
    )
    event = _extract(doc, lexicon)[0]
    assert event.contexts == ["future"] and event.acled_event_type is None


def test_threat_swallows_the_threatened_strike(lexicon: Lexicon) -> None:
    doc = built_doc(
        [
            ("Workers", "worker", "NOUN", "nsubj", 1, "O"),
            ("threatened", "threaten", "VERB", "ROOT", 1, "O"),
            ("to", "to", "PART", "aux", 3, "O"),
            ("strike", "strike", "VERB", "xcomp", 1, "O"),
        ]
    )
    assert [e.type for e in _extract(doc, lexicon)] == ["THREATEN"]


def test_crowd_attacking_property_is_a_riot(lexicon: Lexicon) -> None:
    doc = built_doc(
        [
            ("Protesters", "protester", "NOUN", "nsubj", 1, "O"),
            ("attacked", "attack", "VERB", "ROOT", 1, "O"),
            ("a", "a", "DET", "det", 3, "O"),
            ("bank", "bank", "NOUN", "dobj", 1, "O"),
        ]
    )
    [event] = _extract(doc, lexicon)
    assert (event.type, event.mode) == ("PROTEST", "riot")
    assert event.acled_sub_event_type == "Violent demonstration"


def test_force_on_protesters_escalates_the_protest(lexicon: Lexicon) -> None:
    doc = built_doc(
        [
            ("Troops", "troop", "NOUN", "nsubj", 1, "O"),
            ("shot", "shoot", "VERB", "ROOT", 1, "O"),
            ("protesters", "protester", "NOUN", "dobj", 1, "O"),
        ]
    )
    events = {e.type: e for e in _extract(doc, lexicon)}
    assert events["PROTEST"].acled_sub_event_type == "Excessive force against protesters"
    assert events["ASSAULT"].acled_event_type is None


def test_force_that_led_up_to_a_protest_does_not_escalate_it(lexicon: Lexicon) -> None:
    doc = built_doc(
        [
            ("Students", "student", "NOUN", "nsubj", 1, "O"),
            ("marched", "march", "VERB", "ROOT", 1, "O"),
            ("after", "after", "SCONJ", "mark", 4, "O"),
            ("police", "police", "NOUN", "nsubj", 4, "O"),
            ("shot", "shoot", "VERB", "advcl", 1, "O"),
            ("protesters", "protester", "NOUN", "dobj", 4, "O"),
        ]
    )
    events = {e.type: e for e in _extract(doc, lexicon)}
    assert events["PROTEST"].acled_sub_event_type == "Peaceful protest"
    assert events["ASSAULT"].acled_event_type is not None


def test_bullet_list_items_each_get_the_intro_statement(lexicon: Lexicon) -> None:
    rows: list[Row] = [
        ("Those", "those", "PRON", "nsubj", 5, "O"),
        ("who", "who", "PRON", "nsubj", 2, "O"),
        ("supported", "support", "VERB", "relcl", 0, "O"),
        ("the", "the", "DET", "det", 4, "O"),
        ("strikers", "striker", "NOUN", "dobj", 2, "O"),
        ("include", "include", "VERB", "ROOT", 5, "O"),
        (":", ":", "PUNCT", "punct", 5, "O"),
        ("\n", "\n", "SPACE", "dep", 6, "O"),
        ("•", "•", "PUNCT", "punct", 9, "O"),
        ("Ann", "Ann", "PROPN", "appos", 5, "B-PERSON"),
        ("\n", "\n", "SPACE", "dep", 9, "O"),
        ("•", "•", "PUNCT", "punct", 12, "O"),
        ("Bob", "Bob", "PROPN", "appos", 5, "B-PERSON"),
    ]
    doc = built_doc(rows)
    segments = split_segments(doc)
    assert [s.span.text for s in segments] == [doc[:7].text, "Ann", "Bob"]
    assert [s.bullet for s in segments] == [False, True, True]
    actors = [_actor(doc, 9, "Ann"), _actor(doc, 12, "Bob"), _actor(doc, 4, "strikers")]
    events = _extract(doc, lexicon, actors=actors)
    assert [(e.type, e.source_actors[0].name) for e in events] == [
        ("SUPPORT", "Ann"),
        ("SUPPORT", "Bob"),
    ]
    assert all(e.target_actors[0].name == "strikers" for e in events)
    assert events[1].evidence.text.startswith("Those who") and events[1].evidence.text.endswith(
        "Bob"
    )
    assert events[0].event_id != events[1].event_id


def test_sports_sentence_scores_low(lexicon: Lexicon) -> None:
    doc = built_doc(
        [
            ("The", "the", "DET", "det", 1, "O"),
            ("striker", "striker", "NOUN", "nsubj", 2, "O"),
            ("attacked", "attack", "VERB", "ROOT", 2, "O"),
            ("the", "the", "DET", "det", 4, "O"),
            ("goal", "goal", "NOUN", "dobj", 2, "O"),
        ]
    )
    assert all(e.confidence < 0.3 for e in _extract(doc, lexicon))


@pytest.mark.parametrize(
    ("type_", "mode", "sub"),
    [
        ("PROTEST", "demo", "Peaceful protest"),
        ("PROTEST", "riot", "Violent demonstration"),
        ("PROTEST", "strike-gen", None),
        ("ASSAULT", "firearms", "Attack"),
        ("ASSAULT", "abduct", "Abduction/forced disappearance"),
        ("ASSAULT", "sexual", "Sexual violence"),
        ("COERCE", "arrest", "Arrests"),
        ("COERCE", "curfew", None),
        ("SUPPORT", None, None),
        ("ACCUSE", None, None),
    ],
)
def test_crosswalk_defaults(type_: str, mode: str | None, sub: str | None) -> None:
    assert tx.acled_for(type_, mode, default_sub=None)[1] == sub


def test_crosswalk_has_all_25_acled_sub_types() -> None:
    assert len(tx.ACLED_SUB_EVENT_TYPES) == 25
    assert set(tx.ACLED_SUB_EVENT_TYPES.values()) == set(tx.ACLED_EVENT_TYPES)


def test_escalation_prefers_the_most_severe() -> None:
    assert tx.escalate_protest("Peaceful protest", lethal=False) == "Protest with intervention"
    assert tx.escalate_protest("Peaceful protest", lethal=True) == (
        "Excessive force against protesters"
    )
    assert tx.escalate_protest("Excessive force against protesters", lethal=False) == (
        "Excessive force against protesters"
    )


def test_the_sentence_country_beats_the_article_focus_place(lexicon: Lexicon) -> None:
    # The location is the place the sentence names, with its span; the focus city of the
    # article is only the fallback when the sentence names none.
    doc = built_doc(ARREST)
    country = Place(
        name="Egypt",
        text="Cairo",
        start=doc[4].idx,
        end=doc[4].idx + 5,
        country="EGY",
        precision="country",
        feature="country",
    )
    focus = Place(name="Giza", text="Giza", start=0, end=0, country="EGY", precision="city")
    other = Place(name="Gaza", text="Gaza", start=0, end=0, country="PSE", precision="city")
    assert _extract(doc, lexicon, places=[country], fallback_place=focus)[0].location is country
    assert _extract(doc, lexicon, places=[country], fallback_place=other)[0].location is country
    # with no place found, "in Cairo" is still where the sentence sets it: recovered, unresolved
    recovered = _extract(doc, lexicon, places=[], fallback_place=focus)[0].location
    assert recovered is not None and recovered.text == "Cairo" and recovered.feature is None


def test_reliability_map_is_monotone_and_keeps_the_drop_threshold() -> None:
    from eventscribe.extract.events.stage import reliability

    scores = [reliability(x / 20) for x in range(21)]
    assert scores == sorted(scores)
    assert reliability(0.3) == pytest.approx(0.3) and reliability(0.29) < 0.3
    assert reliability(1.0) < 1.0


def test_habitual_sentence_is_recognised() -> None:
    from eventscribe.extract.events.stage import habitual

    nlp = spacy.blank("en")
    assert habitual(nlp("Protests break out almost every summer in the south.")[:])
    assert not habitual(nlp("Protesters marched on Monday.")[:])


def test_sport_article_is_off_domain_but_a_strike_report_is_not() -> None:
    from eventscribe.extract.events.stage import article_domain

    nlp = spacy.blank("en")
    sport = nlp("The goalkeeper saved a penalty in the derby and the referee blew the whistle.")
    news = nlp("Soldiers fired on protesters near the ministry as the opposition called a strike.")
    assert article_domain(sport) < 0.3
    assert article_domain(news) == 1.0


def _lemma_span(pairs: str) -> Span:
    """A span from "word/lemma" pairs (a word alone is its own lemma, lowercased)."""
    items = [p.split("/") if "/" in p else (p, p.lower()) for p in pairs.split()]
    words, lemmas = [w for w, _ in items], [lemma for _, lemma in items]
    return Doc(spacy.blank("en").vocab, words=words, lemmas=lemmas)[:]


def test_crime_words_scale_down_a_private_killing_but_not_one_by_police() -> None:
    from eventscribe.extract.events.domain import sentence_veto

    span = _lemma_span(
        "Police shot/shoot dead a man after suspected thieves/thief attacked a post ."
    )
    police = Actor(name="Police", text="Police", start=0, end=6, sector="COP")
    assert sentence_veto(span) == 0.4
    assert sentence_veto(span, [police]) == 1.0


def test_a_share_of_battles_is_not_market_news() -> None:
    from eventscribe.extract.events.domain import sentence_veto

    assert sentence_veto(_lemma_span("The province has had its share of battles .")) == 1.0
    assert sentence_veto(_lemma_span("The share fell sharply .")) == 0.3


def test_an_offensive_and_its_target_named_apart_are_two_located_events(
    lexicon: Lexicon,
) -> None:
    doc = built_doc(
        [
            ("Troops", "troop", "NOUN", "nsubj", 1, "O"),
            ("launched", "launch", "VERB", "ROOT", 1, "O"),
            ("an", "an", "DET", "det", 3, "O"),
            ("offensive", "offensive", "NOUN", "dobj", 1, "O"),
            ("in", "in", "ADP", "prep", 3, "O"),
            ("Homs", "Homs", "PROPN", "pobj", 4, "B-GPE"),
            (",", ",", "PUNCT", "punct", 1, "O"),
            ("targeting", "target", "VERB", "advcl", 1, "O"),
            ("the", "the", "DET", "det", 9, "O"),
            ("town", "town", "NOUN", "dobj", 7, "O"),
            ("of", "of", "ADP", "prep", 9, "O"),
            ("Rastan", "Rastan", "PROPN", "pobj", 10, "B-GPE"),
        ]
    )
    places = [_place(doc, 5, "Homs"), _place(doc, 11, "Rastan")]
    events = _extract(doc, lexicon, places=places)
    assert sorted((e.type, e.location.name) for e in events if e.location) == [
        ("ASSAULT", "Homs"),
        ("ASSAULT", "Rastan"),
    ]
