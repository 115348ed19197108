"""The faster stand-ins for spaCy's attribute_ruler and lemmatizer leave the Doc as the stock
components do; the entity helpers answer as ``Doc.ents`` and ``Span.ents`` (no model)."""

from __future__ import annotations

from typing import Any

import spacy
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc, Span

from eventscribe.attribute_rules import IndexedAttributeRuler, use_indexed_attribute_ruler
from eventscribe.lemmas import CachedLemmatizer, use_cached_lemmatizer
from eventscribe.parse import doc_ents, span_ents

RULES: list[dict[str, Any]] = [
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {
        "patterns": [[{"TAG": "VBZ", "LOWER": {"IN": ["is", "'s"]}}]],
        "attrs": {"LEMMA": "be", "POS": "AUX"},
    },
    {
        "patterns": [[{"TAG": {"NOT_IN": ["TO", ""]}, "DEP": {"IN": ["aux"]}}]],
        "attrs": {"POS": "AUX"},
    },
    {"patterns": [[{"LOWER": {"REGEX": "^n[ou]thin'$"}}]], "attrs": {"LEMMA": "nothing"}},
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": 1},
    {"patterns": [[{"DEP": "nsubj"}, {"LOWER": "is"}]], "attrs": {"POS": "VERB"}, "index": -1},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE"}},
    {"patterns": [[{"TAG": "_SP"}]], "attrs": {"POS": "X"}},  # matched before any is set
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "PROPN"}},  # a later rule wins
]
WORDS = ["He", "is", "gon", "na", "say", "nothin'", "\n", "cats", "cat", "cats", "walked"]
TAGS = ["PRP", "VBZ", "VBG", "TO", "VB", "NN", "", "NNS", "NN", "NNS", "VBD"]
DEPS = ["nsubj", "aux", "ROOT", "aux", "xcomp", "dobj", "dep", "dep", "dep", "dep", "dep"]
HEADS = [2, 2, 2, 4, 2, 4, 4, 4, 4, 4, 4]


def _doc(nlp: Language) -> Doc:
    return Doc(nlp.vocab, words=WORDS, tags=TAGS, deps=DEPS, heads=HEADS)


def _attributes(doc: Doc) -> list[tuple[str, str, str, str]]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]


def test_indexed_attribute_ruler_sets_what_the_stock_ruler_sets() -> None:
    nlp = spacy.blank("en")
    stock = AttributeRuler(nlp.vocab)
    stock.add_patterns(RULES)
    indexed = IndexedAttributeRuler(nlp.vocab)
    indexed.copy_rules(stock)
    expected, got = stock(_doc(nlp)), indexed(_doc(nlp))
    assert _attributes(got) == _attributes(expected)
    assert [t.pos_ for t in expected][:2] == ["", "VERB"] and expected[8].pos_ == "PROPN"


def test_indexed_attribute_ruler_takes_the_stock_ones_place() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("attribute_ruler").add_patterns(RULES)
    nlp.add_pipe("merge_entities")
    use_indexed_attribute_ruler(nlp)
    assert nlp.pipe_names == ["sentencizer", "attribute_ruler", "merge_entities"]
    assert isinstance(nlp.get_pipe("attribute_ruler"), IndexedAttributeRuler)


def _lemmatizing(cached: bool) -> Language:
    nlp = spacy.blank("en")
    lookups = Lookups()
    lookups.add_table("lemma_rules", {"noun": [["s", ""]], "verb": [["ed", ""], ["ing", ""]]})
    lookups.add_table("lemma_index", {"noun": ["cat"], "verb": ["walk"]})
    lookups.add_table("lemma_exc", {"verb": {"went": ["go"]}})
    lookups.add_table("lemma_lookup", {})
    nlp.add_pipe("lemmatizer", config={"mode": "rule"}).initialize(lookups=lookups)
    if cached:
        use_cached_lemmatizer(nlp)
    return nlp


def _posed(nlp: Language) -> Doc:
    words = ["cats", "cat", "walked", "went", "cats", "dogs", "walked", "is"]
    pos = ["NOUN", "NOUN", "VERB", "VERB", "NOUN", "NOUN", "VERB", "AUX"]
    morphs = ["Number=Plur", "Number=Sing", "Tense=Past", "", "Number=Plur", "", "", ""]
    doc = Doc(nlp.vocab, words=words, pos=pos, morphs=morphs)
    doc[7].lemma_ = "be"  # set by the attribute_ruler: kept
    return doc


def test_cached_lemmatizer_gives_the_stock_lemmas() -> None:
    stock, cached = _lemmatizing(cached=False), _lemmatizing(cached=True)
    assert isinstance(cached.get_pipe("lemmatizer"), CachedLemmatizer)
    for _ in range(2):  # the second time from its own cache
        expected = stock.get_pipe("lemmatizer")(_posed(stock))
        got = cached.get_pipe("lemmatizer")(_posed(cached))
        assert [t.lemma_ for t in got] == [t.lemma_ for t in expected]
    assert [t.lemma_ for t in got] == ["cat", "cat", "walk", "go", "cat", "dog", "walk", "be"]


def test_entity_helpers_answer_as_spacy() -> None:
    nlp = spacy.blank("en")
    doc = nlp("Police in Paris and Lyon met the United Nations on Monday")
    doc.ents = [Span(doc, 2, 3, "GPE"), Span(doc, 4, 5, "GPE"), Span(doc, 7, 9, "ORG")]
    assert doc_ents(doc) == doc.ents
    for start, end in [(0, 11), (2, 5), (3, 8), (5, 9), (8, 11), (0, 0)]:
        span = doc[start:end]
        assert span_ents(span) == list(span.ents)
