"""Quote marks and speakers, on text and hand-built Docs (no model)."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from eventscribe.extract.quotes import MarkedSpan, extract_quotes, find_marked_spans
from eventscribe.records import Actor


def contents(text: str) -> list[str]:
    return ["\n".join(text[s:e] for s, e in span.pieces) for span in find_marked_spans(text)]


def test_every_mark_style_pairs() -> None:
    text = 'A “one” B "two" C ‘three’ D «four» E „five“ F ‹six›.'
    assert contents(text) == ["one", "two", "three", "four", "five", "six"]


def test_content_offsets_exclude_marks_and_edge_spaces() -> None:
    text = "Il a dit : « Nous restons. » Puis il est parti."
    (span,) = find_marked_spans(text)
    assert text[span.start : span.end] == "Nous restons."
    assert text[span.open] == "«" and text[span.close] == "»"


def test_curly_mark_before_a_space_is_not_an_opener() -> None:
    assert contents("a stray “ mark and “a quote”.") == ["a quote"]


def test_quote_split_around_cue_gives_two_quotes() -> None:
    text = "“We came,” she said, “and we stay.”"
    assert contents(text) == ["We came,", "and we stay."]


def test_quote_continues_into_a_paragraph_that_reopens_it() -> None:
    text = "“First paragraph.\n\n“Second paragraph,” he said."
    (span,) = find_marked_spans(text)
    assert len(span.pieces) == 2
    assert contents(text) == ["First paragraph.\nSecond paragraph,"]


def test_unclosed_straight_quote_resets_at_the_paragraph() -> None:
    text = 'He shouted "stop.\n\nNext "real" one.'
    assert contents(text) == ["real"]


def test_unclosed_curly_quote_without_continuation_is_dropped() -> None:
    text = "They chanted “Death to the dictator.\n\nThe crowd grew."
    assert find_marked_spans(text) == []


def test_apostrophes_do_not_open_or_close_quotes() -> None:
    text = "The drivers’ strike and the people’s desire, rock ’n’ roll."
    assert find_marked_spans(text) == []


def test_single_quote_ignores_inner_apostrophe() -> None:
    text = "She said ‘the people’s will is clear’ today."
    assert contents(text) == ["the people’s will is clear"]


def test_long_unclosed_quote_is_dropped_and_reading_goes_on() -> None:
    text = "“" + "word " * 400 + "end. Later “short one” here."
    spans = find_marked_spans(text, max_chars=1500)
    assert [text[s.start : s.end] for s in spans] == ["short one"]


def test_marked_span_start_end_cover_all_pieces() -> None:
    span = MarkedSpan(open=0, close=30, pieces=((1, 10), (14, 29)))
    assert (span.start, span.end) == (1, 29)


def said_doc() -> Doc:
    # “We stay,” he said. Mary Kaye said the police fired.
    words = [
        "“",
        "We",
        "stay",
        ",",
        "”",
        "he",
        "said",
        ".",
        "Mary",
        "Kaye",
        "said",
        "the",
        "police",
        "fired",
        ".",
    ]
    spaces = [
        False,
        True,
        False,
        False,
        True,
        True,
        False,
        True,
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    heads = [6, 2, 6, 6, 6, 6, 6, 6, 9, 10, 10, 12, 13, 10, 10]
    deps = [
        "punct",
        "nsubj",
        "ccomp",
        "punct",
        "punct",
        "nsubj",
        "ROOT",
        "punct",
        "compound",
        "nsubj",
        "ROOT",
        "det",
        "nsubj",
        "ccomp",
        "punct",
    ]
    pos = [
        "PUNCT",
        "PRON",
        "VERB",
        "PUNCT",
        "PUNCT",
        "PRON",
        "VERB",
        "PUNCT",
        "PROPN",
        "PROPN",
        "VERB",
        "DET",
        "NOUN",
        "VERB",
        "PUNCT",
    ]
    lemmas = [
        "“",
        "we",
        "stay",
        ",",
        "”",
        "he",
        "say",
        ".",
        "Mary",
        "Kaye",
        "say",
        "the",
        "police",
        "fire",
        ".",
    ]
    sent_starts = [True] + [False] * 7 + [True] + [False] * 6
    return Doc(
        spacy.blank("en").vocab,
        words=words,
        spaces=spaces,
        heads=heads,
        deps=deps,
        pos=pos,
        lemmas=lemmas,
        sent_starts=sent_starts,
    )


def test_direct_quote_speaker_through_pronoun() -> None:
    doc = said_doc()
    ruto = Actor(
        name="William Ruto", text="Ruto", start=0, end=0, kind="person", country="KEN", sector="GOV"
    )
    (direct, _) = extract_quotes(doc, actors=[ruto])
    assert (direct.text, direct.kind, direct.cue) == ("We stay,", "direct", "said")
    assert direct.speaker == ruto and direct.speaker_text == "he"


def test_indirect_quote_from_a_speech_verb_and_its_clause() -> None:
    doc = said_doc()
    start = doc.text.index("Mary Kaye")
    mary = Actor(name="Mary Kaye", text="Mary Kaye", start=start, end=start + 9, kind="person")
    quotes = extract_quotes(doc, actors=[mary])
    indirect = quotes[-1]
    assert (indirect.text, indirect.kind) == ("the police fired", "indirect")
    assert indirect.speaker == mary
    assert doc.text[indirect.start : indirect.end] == indirect.text


def test_no_actor_means_no_speaker_but_the_words_are_kept() -> None:
    doc = said_doc()
    direct = extract_quotes(doc, actors=[])[0]
    assert direct.speaker is None and direct.speaker_text == "he"
