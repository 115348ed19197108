"""Attribution cues: candidates from a hand-built parse, the cue model, headlines, claims."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from eventscribe.extract.attribution import CueModel, find_candidates
from eventscribe.extract.quotes import extract_quotes, find_marked_spans, states_claim
from eventscribe.records import Actor, Quote

# (word, lemma, pos, dep, head index, space after)
Row = tuple[str, str, str, str, int, bool]


def build(rows: list[Row]) -> Doc:
    words, lemmas, pos, deps, heads, spaces = zip(*rows, strict=True)
    return Doc(
        spacy.blank("en").vocab,
        words=list(words),
        spaces=list(spaces),
        lemmas=list(lemmas),
        pos=list(pos),
        deps=list(deps),
        heads=list(heads),
        sent_starts=[True] + [False] * (len(rows) - 1),
    )


def wants_doc() -> Doc:
    # Trump wants to build a wall.
    return build(
        [
            ("Trump", "Trump", "PROPN", "nsubj", 1, True),
            ("wants", "want", "VERB", "ROOT", 1, True),
            ("to", "to", "PART", "aux", 3, True),
            ("build", "build", "VERB", "xcomp", 1, True),
            ("a", "a", "DET", "det", 5, True),
            ("wall", "wall", "NOUN", "dobj", 3, False),
            (".", ".", "PUNCT", "punct", 1, False),
        ]
    )


def claim_doc() -> Doc:
    # Her claim that taxes rose fell flat.
    return build(
        [
            ("Her", "her", "PRON", "poss", 1, True),
            ("claim", "claim", "NOUN", "nsubj", 5, True),
            ("that", "that", "SCONJ", "mark", 4, True),
            ("taxes", "tax", "NOUN", "nsubj", 4, True),
            ("rose", "rise", "VERB", "acl", 1, True),
            ("fell", "fall", "VERB", "ROOT", 5, True),
            ("flat", "flat", "ADV", "advmod", 5, False),
            (".", ".", "PUNCT", "punct", 5, False),
        ]
    )


TRUMP = Actor(name="Donald Trump", text="Trump", start=0, end=5, kind="person", country="USA")
LIKES_WANT = CueModel(weights={"lemma=want": 4.0}, bias=-2.0, threshold=0.5)
REFUSES_ALL = CueModel(weights={}, bias=-5.0, threshold=0.5)


def test_an_intention_is_a_candidate_with_its_infinitive_and_subject() -> None:
    doc = wants_doc()
    [c] = [c for c in find_candidates(doc) if c.cue.text == "wants"]
    assert (c.kind, doc.text[c.start : c.end], c.subject.text if c.subject else None) == (
        "infinitive",
        "to build a wall",
        "Trump",
    )


def test_a_cue_noun_takes_its_clause_and_its_owner() -> None:
    doc = claim_doc()
    [c] = find_candidates(doc)
    assert (c.kind, c.cue.text, doc.text[c.start : c.end]) == ("noun", "claim", "taxes rose")
    assert c.subject is not None and c.subject.text == "Her"


def test_the_injected_cue_model_decides_which_candidates_are_attributions() -> None:
    [quote] = extract_quotes(wants_doc(), actors=[TRUMP], cue_model=LIKES_WANT)
    assert (quote.text, quote.kind, quote.cue, quote.speaker) == (
        "to build a wall",
        "indirect",
        "wants",
        TRUMP,
    )
    assert extract_quotes(wants_doc(), actors=[TRUMP], cue_model=REFUSES_ALL) == []


def test_cue_model_score_is_a_probability_of_its_features() -> None:
    [c] = [c for c in find_candidates(wants_doc()) if c.cue.text == "wants"]
    assert LIKES_WANT.score(c) > 0.85 > REFUSES_ALL.score(c)


def test_two_apostrophes_pair_as_a_double_mark() -> None:
    text = "''We stay,'' he said. ''And we fight.''"
    spans = find_marked_spans(text)
    assert [text[s.start : s.end] for s in spans] == ["We stay,", "And we fight."]


def test_headline_claim_belongs_to_the_name_before_the_colon() -> None:
    text = "Graham: Trump Is Destroying the Party\n\nThe senator spoke on Sunday."
    graham = Actor(name="Lindsey Graham", text="Graham", start=0, end=6, kind="person")
    doc = spacy.blank("en")(text)
    [quote] = extract_quotes(doc, actors=[graham], cue_model=REFUSES_ALL)
    assert (quote.text, quote.cue, quote.speaker, quote.speaker_text) == (
        "Trump Is Destroying the Party",
        ":",
        graham,
        "Graham",
    )


def test_a_label_before_a_colon_is_no_source() -> None:
    doc = spacy.blank("en")("Breaking News: Trump Wins the Nomination\n\nText.")
    assert extract_quotes(doc, actors=[], cue_model=REFUSES_ALL) == []


def test_only_a_quote_that_asserts_makes_its_speaker_the_claimant() -> None:
    doc = wants_doc()
    wants = Quote(text="to build a wall", start=12, end=27, kind="indirect", speaker=TRUMP)
    wants.cue, wants.cue_start, wants.cue_end = "wants", 6, 11
    direct = Quote(text="We stay", start=0, end=7, kind="direct", speaker=TRUMP)
    assert not states_claim(wants, doc)
    assert states_claim(direct, doc)
