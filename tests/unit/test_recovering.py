"""Names the place stage missed, recovered for an event's place only (hand-built parses)."""

from __future__ import annotations

import datetime

import pytest
from spacy.tokens import Doc

from eventscribe.extract.events.recovering import recover_places
from eventscribe.extract.events.stage import Lexicon, extract_events, load_lexicon
from eventscribe.records import Event, Place
from parses import Row, built_doc

FOCUS = Place(name="Syria", text="Syria", start=0, end=0, feature="country", precision="country")

# "Gunmen attacked a checkpoint in Kafr Nabudah in Hama." with the village tagged PERSON
CHECKPOINT: list[Row] = [
    ("Gunmen", "gunman", "NOUN", "nsubj", 1, "O"),
    ("attacked", "attack", "VERB", "ROOT", 1, "O"),
    ("a", "a", "DET", "det", 3, "O"),
    ("checkpoint", "checkpoint", "NOUN", "dobj", 1, "O"),
    ("in", "in", "ADP", "prep", 1, "O"),
    ("Kafr", "Kafr", "PROPN", "compound", 6, "B-PERSON"),
    ("Nabudah", "Nabudah", "PROPN", "pobj", 4, "I-PERSON"),
    ("in", "in", "ADP", "prep", 6, "O"),
    ("Hama", "Hama", "PROPN", "pobj", 7, "B-GPE"),
    (".", ".", "PUNCT", "punct", 1, "O"),
]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def _extract(doc: Doc, lexicon: Lexicon, places: list[Place]) -> list[Event]:
    return extract_events(
        doc,
        article_key="a1",
        published=datetime.date(2024, 3, 10),
        lexicon=lexicon,
        actors=[],
        places=places,
        quotes=[],
        dates=[],
        counts=[],
        fallback_place=FOCUS,
    )


def _hama(doc: Doc) -> Place:
    tok = doc[8]
    return Place(
        name="Hama", text="Hama", start=tok.idx, end=tok.idx + len(tok), geonames_id=170017,
        lat=35.13, lon=36.75, admin1="Hama", country="SYR", feature="city", precision="city",
        confidence=0.9,
    )  # fmt: skip


def test_a_village_the_place_stage_missed_is_the_attacks_place(lexicon: Lexicon) -> None:
    doc = built_doc(CHECKPOINT)
    places = [_hama(doc)]
    [event] = _extract(doc, lexicon, places)
    assert event.location is not None
    assert (event.location.text, event.location.start) == ("Kafr Nabudah", doc[5].idx)
    assert event.location.geonames_id is None and event.location.feature is None
    # at the point of the sentence's resolved place, the way the place stage borrows one
    assert (event.location.lat, event.location.country) == (35.13, "SYR")
    assert [p.text for p in places] == ["Hama"]  # never added to the article's places


def test_a_recovered_name_with_no_place_in_its_sentence_has_no_point() -> None:
    doc = built_doc([*CHECKPOINT[:7], (".", ".", "PUNCT", "punct", 1, "O")])
    [found] = recover_places(doc, [])
    assert (found.place.text, found.label, found.position) == ("Kafr Nabudah", "PERSON", "locative")
    assert found.place.lat is None and found.place.confidence == 0.2


def test_a_name_the_place_stage_found_is_not_recovered_again() -> None:
    doc = built_doc(CHECKPOINT)
    nabudah = Place(name="Kafr Nabudah", text="Kafr Nabudah", start=doc[5].idx, end=doc[6].idx + 7)
    assert recover_places(doc, [nabudah, _hama(doc)]) == []


def test_the_village_of_an_untagged_proper_noun_is_a_cued_place() -> None:
    doc = built_doc(
        [
            ("Jets", "jet", "NOUN", "nsubj", 1, "O"),
            ("shelled", "shell", "VERB", "ROOT", 1, "O"),
            ("the", "the", "DET", "det", 3, "O"),
            ("village", "village", "NOUN", "dobj", 1, "O"),
            ("of", "of", "ADP", "prep", 3, "O"),
            ("Habit", "Habit", "PROPN", "pobj", 4, "O"),
            (".", ".", "PUNCT", "punct", 1, "O"),
        ]
    )
    [found] = recover_places(doc, [])
    assert (found.place.text, found.label, found.cued) == ("Habit", "", True)


def test_a_source_or_a_name_in_no_locative_position_is_not_a_place() -> None:
    doc = built_doc(
        [
            ("According", "accord", "VERB", "prep", 6, "O"),
            ("to", "to", "ADP", "prep", 0, "O"),
            ("Aamaq", "Aamaq", "PROPN", "compound", 3, "B-ORG"),
            ("Agency", "Agency", "PROPN", "pobj", 1, "I-ORG"),
            (",", ",", "PUNCT", "punct", 6, "O"),
            ("Hamas", "Hamas", "PROPN", "nsubj", 6, "B-ORG"),
            ("attacked", "attack", "VERB", "ROOT", 6, "O"),
            ("troops", "troop", "NOUN", "dobj", 6, "O"),
            (".", ".", "PUNCT", "punct", 6, "O"),
        ]
    )
    assert recover_places(doc, []) == []


def test_a_found_place_written_again_is_that_place_at_this_mention() -> None:
    doc = built_doc(CHECKPOINT)
    nabudah = Place(
        name="Kafr Nabudah", text="Kafr Nabudah", start=0, end=0, geonames_id=1, lat=35.4,
        lon=36.5, country="SYR", feature="city", precision="city", confidence=0.9,
    )  # fmt: skip
    [found] = recover_places(doc, [_hama(doc)], fallback=nabudah)
    assert (found.place.start, found.place.geonames_id, found.place.feature) == (
        doc[5].idx,
        1,
        "city",
    )


def test_a_school_district_is_a_board_not_a_place() -> None:
    doc = built_doc(
        [
            ("Teachers", "teacher", "NOUN", "nsubj", 1, "O"),
            ("struck", "strike", "VERB", "ROOT", 1, "O"),
            ("in", "in", "ADP", "prep", 1, "O"),
            ("Tucson", "Tucson", "PROPN", "compound", 6, "B-ORG"),
            ("Unified", "Unified", "PROPN", "compound", 6, "I-ORG"),
            ("School", "School", "PROPN", "compound", 6, "I-ORG"),
            ("District", "District", "PROPN", "pobj", 2, "I-ORG"),
            (".", ".", "PUNCT", "punct", 1, "O"),
        ]
    )
    assert recover_places(doc, []) == []


def test_a_person_arrested_is_not_a_place_but_a_village_stormed_is() -> None:
    def parse(verb: str, lemma: str) -> Doc:
        return built_doc(
            [
                ("Police", "police", "NOUN", "nsubj", 1, "O"),
                (verb, lemma, "VERB", "ROOT", 1, "O"),
                ("Sami", "Sami", "PROPN", "compound", 4, "B-PERSON"),
                ("Ben", "Ben", "PROPN", "compound", 4, "I-PERSON"),
                ("Amor", "Amor", "PROPN", "dobj", 1, "I-PERSON"),
                (".", ".", "PUNCT", "punct", 1, "O"),
            ]
        )

    assert recover_places(parse("arrested", "arrest"), []) == []
    [found] = recover_places(parse("stormed", "storm"), [])
    assert (found.place.text, found.position) == ("Sami Ben Amor", "object")
