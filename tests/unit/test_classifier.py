"""The sentence classifier: features, training, the weights file and the scorer seam (no model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from eventscribe.errors import ModelError
from eventscribe.extract.classifier import (
    NONE,
    load_classifier,
    make_scorer,
    pairings,
    save_classifier,
    sentence_features,
    train_classifier,
)
from eventscribe.extract.triggers import load_lexicon

VOCAB = spacy.blank("en").vocab


def _doc(words: list[str], lemmas: list[str], deps: list[str], heads: list[int]) -> Doc:
    pos = ["VERB" if d == "ROOT" else "NOUN" for d in deps]
    return Doc(VOCAB, words=words, lemmas=lemmas, deps=deps, heads=heads, pos=pos)


def test_features_use_lemmas_bigrams_root_and_negation() -> None:
    doc = _doc(
        ["Police", "did", "not", "fire", "12", "shots"],
        ["police", "do", "not", "fire", "12", "shot"],
        ["nsubj", "aux", "neg", "ROOT", "nummod", "dobj"],
        [3, 3, 3, 3, 5, 3],
    )
    feats = sentence_features(doc[:])
    assert {"w:police", "b:not_fire", "root:fire", "neg", "w:#num", "v:fire"} <= set(feats)
    assert feats == sorted(set(feats))


def _toy() -> tuple[list[list[str]], dict[str, list[str]]]:
    features = [["w:march", "w:crowd"], ["w:march", "w:street"], ["w:bomb", "w:blast"]] * 4
    features += [["w:match", "w:goal"], ["w:price", "w:rise"]] * 4
    plover = (["PROTEST", "PROTEST", "ASSAULT"] * 4) + [NONE, NONE] * 4
    acled = (["Peaceful protest", "Peaceful protest", "Remote explosive/landmine/IED"] * 4) + [
        NONE
    ] * 8
    return features, {"plover": plover, "acled": acled}


def test_training_learns_and_the_file_round_trips(tmp_path: Path) -> None:
    features, labels = _toy()
    classifier = train_classifier(features, labels, min_count=1, c=10.0)
    classifier.meta["pairings"] = pairings(labels["plover"], labels["acled"])
    path = tmp_path / "c.npz"
    save_classifier(classifier, path)
    loaded = load_classifier(path)
    assert loaded.vocabulary == classifier.vocabulary
    assert loaded.meta["pairings"]["Peaceful protest"] == ["PROTEST"]
    rows = [loaded.vocabulary["w:bomb"]]
    probs = loaded.heads["plover"].probabilities(rows)
    assert loaded.heads["plover"].classes[int(np.argmax(probs))] == "ASSAULT"
    assert probs.sum() == pytest.approx(1.0)


def test_a_broken_weights_file_is_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.npz"
    path.write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="eventscribe train"):
        load_classifier(path)


def test_the_packaged_classifier_loads() -> None:
    classifier = load_classifier()
    assert set(classifier.heads) == {"plover", "acled"}
    assert "PROTEST" in classifier.heads["plover"].classes
    assert classifier.meta["train_examples"] > 4000


def test_scorer_defers_to_the_lexicon_and_respects_the_threshold() -> None:
    features, labels = _toy()
    classifier = train_classifier(features, labels, min_count=1, c=10.0)
    classifier.meta["pairings"] = pairings(labels["plover"], labels["acled"])
    lexicon = load_lexicon()
    nlp = spacy.blank("en")
    blast = nlp("bomb blast")
    for token, lemma in zip(blast, ["bomb", "blast"], strict=True):
        token.lemma_ = lemma
    proposed = make_scorer(classifier, lexicon=lexicon, threshold=0.5)(blast[:])
    assert [(c.type, c.mode) for c in proposed] == [("ASSAULT", "explosives")]
    assert (
        proposed[0].entry is not None
        and proposed[0].entry.acled_sub == "Remote explosive/landmine/IED"
    )
    assert make_scorer(classifier, lexicon=lexicon, threshold=0.999)(blast[:]) == []


def test_protest_sub_type_only_escalates() -> None:
    from eventscribe.extract.classifier import _may_replace

    assert _may_replace("PROTEST", "Peaceful protest", "Excessive force against protesters")
    assert not _may_replace(
        "PROTEST", "Excessive force against protesters", "Protest with intervention"
    )
    assert _may_replace("ASSAULT", "Attack", "Air/drone strike")
    assert not _may_replace("ASSAULT", "Armed clash", "Attack")
    assert not _may_replace("PROTEST", None, "Peaceful protest")  # a strike stays uncoded
    assert _may_replace("COERCE", None, "Other")


def test_refine_damps_a_sentence_read_as_no_event() -> None:
    from eventscribe.extract.classifier import refine_events
    from eventscribe.records import Event, Evidence

    features, labels = _toy()
    classifier = train_classifier(features, labels, min_count=1, c=10.0)
    classifier.meta["pairings"] = pairings(labels["plover"], labels["acled"])
    doc = spacy.blank("en")("match goal")
    for token, lemma in zip(doc, ["match", "goal"], strict=True):
        token.lemma_ = lemma
    event = Event(
        event_id="e",
        type="ASSAULT",
        confidence=0.8,
        evidence=Evidence(text="match goal", start=0, end=10),
    )
    [damped] = refine_events([event], doc, classifier, veto_threshold=0.5)
    assert damped.confidence == pytest.approx(0.4)
    [kept] = refine_events([event], doc, classifier, veto_threshold=0.9999)
    assert kept.confidence == 0.8
