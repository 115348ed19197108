"""The event's own place: the learned picker and the role rules around it (hand-built parses)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import numpy as np
import pytest
from spacy.tokens import Doc

from eventscribe.errors import ModelError
from eventscribe.extract.events.placing import (
    FEATURES,
    TreeEnsemble,
    load_place_picker,
    said_of,
)
from eventscribe.extract.events.stage import Lexicon, extract_events, load_lexicon
from eventscribe.records import Event, Place
from parses import Row, built_doc


def _place(doc: Doc, i: int, name: str, *, feature: str = "city") -> Place:
    tok = doc[i]
    precision = "country" if feature == "country" else "city"
    return Place(
        name=name,
        text=tok.text,
        start=tok.idx,
        end=tok.idx + len(tok),
        feature=feature,
        precision=precision,  # type: ignore[arg-type]
    )


FOCUS = Place(name="Kyiv", text="Kyiv", start=0, end=0, feature="city", precision="city")


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


TWO_EVENTS: list[Row] = [
    ("Police", "police", "NOUN", "nsubj", 1, "O"),
    ("arrested", "arrest", "VERB", "ROOT", 1, "O"),
    ("journalists", "journalist", "NOUN", "dobj", 1, "O"),
    ("in", "in", "ADP", "prep", 1, "O"),
    ("Cairo", "Cairo", "PROPN", "pobj", 3, "B-GPE"),
    ("and", "and", "CCONJ", "cc", 1, "O"),
    ("gunmen", "gunman", "NOUN", "nsubj", 7, "O"),
    ("attacked", "attack", "VERB", "conj", 1, "O"),
    ("a", "a", "DET", "det", 9, "O"),
    ("convoy", "convoy", "NOUN", "dobj", 7, "O"),
    ("in", "in", "ADP", "prep", 7, "O"),
    ("Giza", "Giza", "PROPN", "pobj", 10, "B-GPE"),
    (".", ".", "PUNCT", "punct", 1, "O"),
]


def test_two_events_of_one_sentence_each_take_their_own_place(lexicon: Lexicon) -> None:
    doc = built_doc(TWO_EVENTS)
    events = _extract(doc, lexicon, [_place(doc, 4, "Cairo"), _place(doc, 11, "Giza")])
    where = {e.type: (e.location.name, e.location.start) for e in events if e.location}
    assert where == {"COERCE": ("Cairo", doc[4].idx), "ASSAULT": ("Giza", doc[11].idx)}


def test_a_demonym_is_not_the_place_so_the_focus_place_comes_without_a_span(
    lexicon: Lexicon,
) -> None:
    doc = built_doc(
        [
            ("Russian", "russian", "ADJ", "amod", 1, "B-NORP"),
            ("troops", "troop", "NOUN", "nsubj", 2, "O"),
            ("arrested", "arrest", "VERB", "ROOT", 2, "O"),
            ("journalists", "journalist", "NOUN", "dobj", 2, "O"),
            (".", ".", "PUNCT", "punct", 2, "O"),
        ]
    )
    [event] = _extract(doc, lexicon, [_place(doc, 0, "Russia", feature="country")])
    assert event.location is not None and event.location.name == "Kyiv"
    assert (event.location.text, event.location.start, event.location.end) == ("", 0, 0)


def test_where_an_official_speaker_sits_is_never_the_events_place(lexicon: Lexicon) -> None:
    doc = built_doc(
        [
            ("A", "a", "DET", "det", 1, "O"),
            ("spokesman", "spokesman", "NOUN", "nsubj", 4, "O"),
            ("in", "in", "ADP", "prep", 1, "O"),
            ("Goma", "Goma", "PROPN", "pobj", 2, "B-GPE"),
            ("said", "say", "VERB", "ROOT", 4, "O"),
            ("soldiers", "soldier", "NOUN", "nsubj", 6, "O"),
            ("arrested", "arrest", "VERB", "ccomp", 4, "O"),
            ("journalists", "journalist", "NOUN", "dobj", 6, "O"),
            (".", ".", "PUNCT", "punct", 4, "O"),
        ]
    )
    [arrest] = [e for e in _extract(doc, lexicon, [_place(doc, 3, "Goma")]) if e.type == "COERCE"]
    assert arrest.location is not None and arrest.location.name == "Kyiv"
    assert arrest.location.text == ""


def test_the_packaged_weights_name_every_feature_the_code_computes() -> None:
    data = json.loads(
        (Path(__file__).parents[2] / "src/eventscribe/resources/place-picker.json").read_text()
    )
    assert data["features"] == list(FEATURES)
    trees = load_place_picker().trees
    assert len(trees.roots) > 0 and any(v != 0 for v in trees.value)
    assert trees.feature.max() < 3 * len(FEATURES)  # each feature, its distance to max and min


def test_the_trees_walk_to_their_leaves() -> None:
    # one stump: x0 <= 0.5 -> -1.0, else +2.0; a second tree: a single leaf of 0.25
    trees = TreeEnsemble(
        feature=np.array([0, 0, 0, 0]),
        threshold=np.array([0.5, 0.0, 0.0, 0.0]),
        left=np.array([1, -1, -1, -1]),
        right=np.array([2, -1, -1, -1]),
        value=np.array([0.0, -1.0, 2.0, 0.25]),
        roots=np.array([0, 3]),
    )
    assert trees.predict(np.array([[0.0], [1.0]])).tolist() == [-0.75, 2.25]


def test_a_bad_weights_file_is_a_model_error(tmp_path: Path) -> None:
    bad = tmp_path / "picker.json"
    bad.write_text(json.dumps({"format": 99, "features": [], "weights": []}))
    with pytest.raises(ModelError, match="train_place_picker"):
        load_place_picker(bad)


def test_a_place_naming_an_area_noun_is_set_by_that_nouns_preposition() -> None:
    doc = built_doc(
        [
            ("Troops", "troop", "NOUN", "nsubj", 1, "O"),
            ("attacked", "attack", "VERB", "ROOT", 1, "O"),
            ("in", "in", "ADP", "prep", 1, "O"),
            ("the", "the", "DET", "det", 5, "O"),
            ("Hama", "Hama", "PROPN", "compound", 5, "B-GPE"),
            ("countryside", "countryside", "NOUN", "pobj", 2, "O"),
        ]
    )
    assert said_of(doc[4], doc[1])  # "attacked in the Hama countryside": set in Hama
