"""The sentence classifier: features, training, the weights file and the judge seam (no model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from eventscribe.errors import ModelError
from eventscribe.extract.events.classifier import (
    NONE,
    core_text,
    load_classifier,
    make_judge,
    pairings,
    save_classifier,
    sentence_features,
    set_offsets,
    train_classifier,
)
from eventscribe.extract.events.judge import Leading, SentenceView, propose

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


def test_features_carry_each_verbs_frame_and_subject_kind() -> None:
    doc = _doc(
        ["Rebels", "accused", "troops", "of", "looting"],
        ["rebel", "accuse", "troop", "of", "loot"],
        ["nsubj", "ROOT", "dobj", "prep", "pobj"],
        [1, 1, 1, 1, 3],
    )
    feats = set(sentence_features(doc[:]))
    assert {"fr:accuse>dobj:troop", "fr:accuse>prep:of", "fs:accuse:nsubj:NOUN"} <= feats


def test_the_core_is_the_root_and_its_near_arguments() -> None:
    # "Officials said the minister accused the rebels of looting on Sunday in the north"
    doc = _doc(
        ["Officials", "said", "minister", "accused", "rebels", "of", "looting", "on", "Sunday"],
        ["official", "say", "minister", "accuse", "rebel", "of", "loot", "on", "sunday"],
        ["nsubj", "ROOT", "nsubj", "ccomp", "dobj", "prep", "pobj", "prep", "pobj"],
        [1, 1, 3, 1, 3, 3, 5, 6, 7],
    )
    # the reported clause's verb and its arguments stay; "looting on Sunday", below them, goes
    assert core_text(doc[:]) == "Officials said minister accused rebels of"
    rootless = Doc(VOCAB, words=["Breaking", "news"], deps=["dep", "dep"], heads=[1, 1])
    assert core_text(rootless[:]) == "Breaking news"


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


def test_decision_offsets_shift_the_scores_and_round_trip(tmp_path: Path) -> None:
    features, labels = _toy()
    classifier = train_classifier(features, labels, min_count=1, c=10.0)
    rows = [classifier.vocabulary["w:bomb"]]
    head = classifier.heads["plover"]
    before = head.probabilities(rows)
    set_offsets(classifier, {"plover": {NONE: 1.5}})
    after = head.probabilities(rows)
    none = head.classes.index(NONE)
    assert after[none] > before[none]
    assert after.sum() == pytest.approx(1.0)
    path = tmp_path / "c.npz"
    save_classifier(classifier, path)
    loaded = load_classifier(path)
    assert loaded.meta["offsets"] == {"plover": {NONE: 1.5}}
    assert loaded.heads["plover"].probabilities(rows) == pytest.approx(after, abs=1e-3)
    assert loaded.heads["acled"].offset is None
    set_offsets(loaded, {})
    assert "offsets" not in loaded.meta
    assert loaded.heads["plover"].offset is None


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
    assert classifier.meta["real_examples"] > 700
    assert classifier.embedder is not None and classifier.embedder.dims == 128


def _view(classifier: object, words: list[str]) -> SentenceView:
    nlp = spacy.blank("en")
    doc = nlp(" ".join(words))
    for token, lemma in zip(doc, words, strict=True):
        token.lemma_ = lemma
    return make_judge(classifier)(doc[:], [])  # type: ignore[arg-type]


def test_the_judge_proposes_the_classifier_type_only_when_no_trigger_has_it() -> None:
    features, labels = _toy()
    classifier = train_classifier(features, labels, min_count=1, c=10.0)
    classifier.meta["pairings"] = pairings(labels["plover"], labels["acled"], min_count=1)
    view = _view(classifier, ["bomb", "blast"])
    [proposed] = propose(view, [], leading=Leading(propose_at=0.5))
    assert (proposed.type, proposed.mode) == ("ASSAULT", "explosives")
    assert proposed.entry is not None
    assert proposed.entry.acled_sub == "Remote explosive/landmine/IED"
    assert propose(view, [], leading=Leading(propose_at=0.999)) == []
    assert propose(view, [proposed], leading=Leading(propose_at=0.5)) == []


def test_the_judge_reads_no_event_in_a_sports_sentence() -> None:
    features, labels = _toy()
    classifier = train_classifier(features, labels, min_count=1, c=10.0)
    view = _view(classifier, ["match", "goal"])
    assert max(view.plover, key=view.plover.__getitem__) == NONE
    assert propose(view, [], leading=Leading(propose_at=0.3)) == []


def test_protest_sub_type_only_escalates() -> None:
    from eventscribe.extract.events.judge import _may_replace

    assert _may_replace("Peaceful protest", "Excessive force against protesters")
    assert not _may_replace("Excessive force against protesters", "Protest with intervention")
    assert _may_replace("Attack", "Air/drone strike")
    assert _may_replace(None, "Armed clash")


def test_vectors_join_the_lexical_features(tmp_path: Path) -> None:
    features, labels = _toy()
    vectors = np.array([[1.0, 0.0] if p == "PROTEST" else [0.0, 1.0] for p in labels["plover"]])
    classifier = train_classifier(features, labels, vectors=vectors, min_count=1, c=10.0)
    head = classifier.heads["plover"]
    assert head.dense is not None and head.dense.shape == (2, len(head.classes))
    path = tmp_path / "c.npz"
    save_classifier(classifier, path)
    loaded = load_classifier(path)
    probs = loaded.heads["plover"].probabilities([], np.array([1.0, 0.0]))
    assert loaded.heads["plover"].classes[int(np.argmax(probs))] == "PROTEST"


def test_the_acled_head_drops_a_code_it_reads_as_no_acled_event() -> None:
    from types import SimpleNamespace

    from eventscribe.extract.events.judge import recode

    def draft(type_: str, sub: str) -> SimpleNamespace:
        return SimpleNamespace(
            type=type_, contexts=[], entry_sub=None, flags=frozenset(), acled_sub=sub
        )

    allowed = {"Attack": ["ASSAULT"], "Arrests": ["COERCE"]}
    private = SentenceView(plover={}, acled={NONE: 0.8, "Attack": 0.1}, allowed=allowed)
    shooting, rally = draft("ASSAULT", "Attack"), draft("PROTEST", "Peaceful protest")
    recode([shooting, rally], private, leading=Leading())  # type: ignore[list-item]
    assert shooting.acled_sub is None  # "a man shot his neighbour": not an ACLED event
    assert rally.acled_sub == "Peaceful protest"  # every demonstration is ACLED's to code
    statement = SentenceView(plover={}, acled={NONE: 0.9, "Peaceful protest": 0.05}, allowed={})
    protested = draft("PROTEST", "Peaceful protest")  # "Sakharov protested."
    recode([protested], statement, leading=Leading())  # type: ignore[list-item]
    assert protested.acled_sub is None
    militia = SentenceView(plover={}, acled={NONE: 0.3, "Attack": 0.6}, allowed=allowed)
    attack = draft("ASSAULT", "Attack")
    recode([attack], militia, leading=Leading())  # type: ignore[list-item]
    assert attack.acled_sub == "Attack"
