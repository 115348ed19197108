"""Our two spaCy components and the per-Doc caches, on hand-built Docs (no model)."""

from __future__ import annotations

import spacy
from spacy.tokens import Span

from eventscribe.parse import (
    doc_tokens,
    finish_parse,
    paragraph_boundaries,
    reading,
    span_text,
    span_tokens,
    trim_entities,
)
from eventscribe.records import Article


def test_blank_line_and_bullet_start_sentences() -> None:
    nlp = spacy.blank("en")
    doc = nlp("Title here\n\nBody starts here.\n• US Senator Marco Rubio said so\n")
    doc = paragraph_boundaries(doc)
    starts = [t.text for t in doc if t.is_sent_start]
    assert "Body" in starts and "•" in starts
    bullet = next(t for t in doc if t.text == "•")
    assert all(t.is_sent_start is False for t in doc[bullet.i + 1 : bullet.i + 5])


def test_single_newline_does_not_split_a_paragraph() -> None:
    nlp = spacy.blank("en")
    doc = paragraph_boundaries(nlp("Police fired\ntear gas at the crowd."))
    assert [t.is_sent_start for t in doc[1:]].count(True) == 0


def test_bullets_are_trimmed_from_entities() -> None:
    nlp = spacy.blank("en")
    doc = nlp("• United Nations said")
    doc.ents = [Span(doc, 0, 3, label="ORG")]
    doc = trim_entities(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("United Nations", "ORG")]


def test_token_columns_read_as_spans_do() -> None:
    nlp = spacy.blank("en")
    text = "Protesters  marched in Paris, Texas.\n\nPolice  said so"
    doc = nlp(text)
    doc.ents = [Span(doc, 4, 7, label="GPE")]
    tokens = doc_tokens(doc)
    assert tokens.text == [t.text for t in doc] and tokens.ent_type[4] == "GPE"
    for start in range(len(doc)):
        for end in range(start, len(doc) + 3):  # a slice past the end is clipped, as spaCy does
            assert tokens.span_text(start, end) == doc[start:end].text
        assert tokens.end_char(start + 1) == doc[start : start + 1].end_char


def test_token_columns_are_kept_only_on_a_sealed_doc() -> None:
    nlp = spacy.blank("en")
    doc = nlp("A hand-built doc")
    assert doc_tokens(doc) is not doc_tokens(doc)  # may be edited: read afresh
    text = "A parsed article"
    parsed = finish_parse(Article(id="a", text=text), nlp(text))
    assert doc_tokens(parsed.doc) is doc_tokens(parsed.doc)


def test_a_reading_keeps_the_columns_of_an_unsealed_doc_until_it_ends() -> None:
    doc = spacy.blank("en")("Police fired tear gas in Nairobi")
    with reading(doc), reading(doc):
        kept = doc_tokens(doc)
        assert doc_tokens(doc) is kept
    assert doc_tokens(doc) is not kept and not doc.user_data  # nothing left behind


def test_span_tokens_and_text_are_the_spans() -> None:
    nlp = spacy.blank("en")
    text = "Police  fired tear gas.\n\nProtesters fled"
    for doc in (nlp(text), finish_parse(Article(id="a", text=text), nlp(text)).doc):
        for start, end in ((0, 3), (2, 7), (4, len(doc))):
            span = doc[start:end]
            assert [t.i for t in span_tokens(span)] == [t.i for t in span]
            assert span_text(span) == span.text
