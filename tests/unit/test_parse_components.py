"""Our two spaCy components, on hand-built Docs (no model)."""

from __future__ import annotations

import spacy
from spacy.tokens import Span

from eventscribe.parse import paragraph_boundaries, trim_entities


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
