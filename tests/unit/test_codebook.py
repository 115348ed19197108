"""ACLED codebook rules on hand-built parses (no spaCy model): air strikes and territory."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from eventscribe.extract.events.codebook import (
    ABDUCTION,
    AIR,
    OVERTAKES,
    REGAINS,
    apply_codebook,
)
from eventscribe.extract.events.drafts import Draft, new_draft
from eventscribe.extract.events.triggers import Candidate, Segment
from eventscribe.records import Actor, Count

VOCAB = spacy.blank("en").vocab
# word, lemma, pos, dep, head index (absolute)
Row = tuple[str, str, str, str, int]

JETS_BOMBED: list[Row] = [
    ("Turkish", "turkish", "ADJ", "amod", 1),
    ("warplanes", "warplane", "NOUN", "nsubj", 2),
    ("retaliated", "retaliate", "VERB", "ROOT", 2),
    ("with", "with", "ADP", "prep", 2),
    ("bombing", "bomb", "VERB", "pcomp", 3),
    ("the", "the", "DET", "det", 6),
    ("town", "town", "NOUN", "dobj", 4),
    (".", ".", "PUNCT", "punct", 2),
]
ARMY_CAPTURED: list[Row] = [
    ("The", "the", "DET", "det", 1),
    ("army", "army", "NOUN", "nsubj", 2),
    ("captured", "capture", "VERB", "ROOT", 2),
    ("the", "the", "DET", "det", 4),
    ("town", "town", "NOUN", "dobj", 2),
    ("after", "after", "ADP", "prep", 2),
    ("killing", "kill", "VERB", "pcomp", 5),
    ("rebels", "rebel", "NOUN", "dobj", 6),
    (".", ".", "PUNCT", "punct", 2),
]


def _segment(rows: list[Row]) -> Segment:
    doc = Doc(
        VOCAB,
        words=[r[0] for r in rows],
        lemmas=[r[1] for r in rows],
        pos=[r[2] for r in rows],
        deps=[r[3] for r in rows],
        heads=[r[4] for r in rows],
    )
    return Segment(doc[:], 0, False)


def _draft(seg: Segment, anchor: int, sub: str | None) -> Draft:
    d = new_draft(Candidate(type="ASSAULT", mode=None, score=0.6, anchor=anchor), seg)
    d.acled_sub = sub
    return d


def test_an_attack_by_warplanes_is_an_air_strike_through_the_verb_it_completes() -> None:
    seg = _segment(JETS_BOMBED)
    [d] = apply_codebook([_draft(seg, 4, "Remote explosive/landmine/IED")])
    assert d.acled_sub == AIR


def test_a_bombing_with_no_air_asset_keeps_its_code() -> None:
    rows = [("Militants", "militant", "NOUN", "nsubj", 1), *JETS_BOMBED[2:]]
    rows = [
        (w, lemma, pos, dep, head - 1 if i else head)
        for i, (w, lemma, pos, dep, head) in enumerate(rows)
    ]
    seg = _segment(rows)
    [d] = apply_codebook([_draft(seg, 3, "Remote explosive/landmine/IED")])
    assert d.acled_sub == "Remote explosive/landmine/IED"


def test_a_capture_by_the_army_regains_territory_and_absorbs_its_clash() -> None:
    seg = _segment(ARMY_CAPTURED)
    capture, clash = _draft(seg, 2, "Armed clash"), _draft(seg, 6, "Armed clash")
    clash.counts["fatalities"] = Count(value=20, text="20")
    out = apply_codebook([capture, clash])
    assert [d.acled_sub for d in out] == [REGAINS]
    assert "fatalities" in out[0].counts


def test_a_capture_by_a_rebel_group_is_a_non_state_takeover() -> None:
    seg = _segment(ARMY_CAPTURED)
    capture = _draft(seg, 2, "Armed clash")
    capture.sources = [Actor(name="Rebels", text="rebels", start=0, end=6, sector="REB")]
    out = apply_codebook([capture, _draft(seg, 6, "Attack")])
    assert [d.acled_sub for d in out] == [OVERTAKES]


REBELS_CAPTURED: list[Row] = [
    ("Rebels", "rebel", "NOUN", "nsubj", 1),
    ("captured", "capture", "VERB", "ROOT", 1),
    ("two", "two", "NUM", "nummod", 3),
    ("soldiers", "soldier", "NOUN", "dobj", 1),
    (".", ".", "PUNCT", "punct", 1),
]


def _capture(rows: list[Row]) -> Draft:
    seg = _segment(rows)
    d = new_draft(Candidate(type="COERCE", mode="arrest", score=0.6, anchor=1), seg)
    d.acled_sub = "Arrests"
    return d


def test_a_capture_of_persons_by_rebels_is_an_abduction() -> None:
    [d] = apply_codebook([_capture(REBELS_CAPTURED)])
    assert (d.type, d.mode, d.acled_sub) == ("ASSAULT", "abduct", ABDUCTION)


def test_a_capture_of_persons_by_the_army_stays_an_arrest() -> None:
    rows = [("Troops", "troop", "NOUN", "nsubj", 1), *REBELS_CAPTURED[1:]]
    [d] = apply_codebook([_capture(rows)])
    assert (d.type, d.mode, d.acled_sub) == ("COERCE", "arrest", "Arrests")
