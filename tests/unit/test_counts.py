"""Counts: parsing quantities, and finding figures on hand-built parses."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from eventscribe.extract.counts import CountMention, find_counts, parse_quantity
from eventscribe.records import Count


@pytest.mark.parametrize(
    ("text", "value", "low", "high"),
    [
        ("three", 3, None, None),
        ("12", 12, None, None),
        ("1,200", 1200, None, None),
        ("1.2 million", 1_200_000, None, None),
        ("twenty-five", 25, None, None),
        ("two hundred and fifty", 250, None, None),
        ("a hundred", 100, None, None),
        ("a dozen", 12, None, None),
        ("half a dozen", 6, None, None),
        ("no one", 0, None, None),
        ("dozens", None, 24, 99),
        ("hundreds", None, 200, 999),
        ("Hundreds", None, 200, 999),
        ("thousands", None, 2000, 9999),
        ("tens of thousands", None, 20_000, 99_999),
        ("hundreds of thousands", None, 200_000, 999_999),
        ("several hundred", None, 300, 999),
        ("at least 12", 12, 12, None),
        ("no fewer than 12", 12, 12, None),
        ("up to 40", None, None, 40),
        ("as many as 40", None, None, 40),
        ("more than 1,000", None, 1001, None),
        ("over 100", None, 101, None),
        ("more than a dozen", None, 13, None),
        ("fewer than 20", None, None, 19),
        ("nearly 50", 50, None, None),
        ("about 50", 50, None, None),
        ("around 50", 50, None, None),
        ("some 50", 50, None, None),
        ("an estimated 5,000", 5000, None, None),
        ("between 10 and 15", None, 10, 15),
        ("10-15", None, 10, 15),
        ("two or three", None, 2, 3),
        ("a number of", None, 2, None),
        ("a number of women", None, 2, None),
        ("several", None, 3, None),
        ("some", None, 2, None),
    ],
)
def test_parse_quantity(text: str, value: int | None, low: int | None, high: int | None) -> None:
    assert parse_quantity(text) == Count(value=value, min=low, max=high, text=text)


@pytest.mark.parametrize("text", ["people", "the", "", "protesters were killed"])
def test_parse_quantity_without_amount_is_none(text: str) -> None:
    assert parse_quantity(text) is None


_POS = {"CD": "NUM", "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "JJ": "ADJ", "JJS": "ADJ"}
_POS |= {"IN": "ADP", "DT": "DET", "RB": "ADV", "PRP": "PRON", "WP": "PRON", ".": "PUNCT"}
_POS |= {"CC": "CCONJ", "VBD": "VERB", "VBN": "VERB", "VBG": "VERB", "VBP": "AUX", "VBZ": "VERB"}


def _parsed(spec: str) -> Doc:
    """Build a parsed Doc from "word/TAG/dep/head[/lemma]" items (head = absolute index)."""
    items = [item.split("/") for item in spec.split()]
    return Doc(
        spacy.blank("en").vocab,
        words=[i[0] for i in items],
        tags=[i[1] for i in items],
        pos=[_POS.get(i[1], "X") for i in items],
        deps=[i[2] for i in items],
        heads=[int(i[3]) for i in items],
        lemmas=[i[4] if len(i) > 4 else i[0].lower() for i in items],
    )


def _summary(mentions: list[CountMention]) -> list[tuple[str, int | None, int | None, str]]:
    return [(m.category, m.count.value, m.count.min, m.count.text) for m in mentions]


def test_passive_subject_of_killed_is_fatalities() -> None:
    doc = _parsed(
        "12/CD/nummod/1 people/NNS/nsubjpass/3 were/VBD/auxpass/3 killed/VBN/ROOT/3/kill ./././3"
    )
    assert _summary(find_counts(doc[:])) == [("fatalities", 12, None, "12 people")]
    mention = find_counts(doc[:])[0]
    assert (mention.start, mention.end) == (0, 9)


def test_object_of_killing_is_fatalities_and_agent_is_not_counted() -> None:
    doc = _parsed(
        "3/CD/nummod/1 gunmen/NNS/nsubj/2/gunman killed/VBD/ROOT/2/kill "
        "12/CD/nummod/4 villagers/NNS/dobj/2/villager ./././2"
    )
    assert _summary(find_counts(doc[:])) == [("fatalities", 12, None, "12 villagers")]


def test_left_three_dead_and_dozens_wounded() -> None:
    doc = _parsed(
        "The/DT/det/1 attack/NN/nsubj/2 left/VBD/ROOT/2/leave three/CD/nummod/4 dead/JJ/oprd/2 "
        "and/CC/cc/2 dozens/NNS/nsubj/7 wounded/VBN/conj/2/wound ./././7"
    )
    assert _summary(find_counts(doc[:])) == [
        ("fatalities", 3, None, "three"),
        ("injuries", None, 24, "dozens"),
    ]


def test_death_toll_rose_to() -> None:
    doc = _parsed(
        "The/DT/det/2 death/NN/compound/2 toll/NN/nsubj/3 rose/VBD/ROOT/3/rise to/IN/prep/3 "
        "40/CD/pobj/4 ./././3"
    )
    assert _summary(find_counts(doc[:])) == [("fatalities", 40, None, "40")]


def test_conjoined_groups_give_one_mention_each() -> None:
    doc = _parsed(
        "Two/CD/nummod/2 police/NN/compound/2 officers/NNS/nsubjpass/7/officer and/CC/cc/2 "
        "five/CD/nummod/5 protesters/NNS/conj/2/protester were/VBD/auxpass/7 "
        "injured/VBN/ROOT/7/injure ./././7"
    )
    assert _summary(find_counts(doc[:])) == [
        ("injuries", 2, None, "Two police officers"),
        ("injuries", 5, None, "five protesters"),
    ]


def test_a_number_of_women_amongst_those_wounded() -> None:
    doc = _parsed(
        "A/DT/det/1 number/NN/nsubj/4 of/IN/prep/1 women/NNS/pobj/2/woman are/VBP/ROOT/4/be "
        "amongst/IN/prep/4 those/DT/pobj/5 wounded/VBN/acl/6/wound in/IN/prep/7 "
        "these/DT/det/10 rallies/NNS/pobj/8/rally ./././4"
    )
    mentions = find_counts(doc[:])
    assert _summary(mentions) == [("injuries", None, 2, "A number of women")]
    assert mentions[0].count.max is None


def test_hundreds_of_whom_filmed_swearing_are_participants_and_deaths_uncounted() -> None:
    doc = _parsed(
        "hundreds/NNS/nsubjpass/5/hundred of/IN/prep/0 whom/WP/pobj/1 have/VBP/aux/5/have "
        "been/VBN/auxpass/5/be filmed/VBN/ROOT/5/film swearing/VBG/xcomp/5/swear "
        "to/TO/aux/8 avenge/VB/advcl/6 the/DT/det/10 deaths/NNS/dobj/8/death of/IN/prep/10 "
        "the/DT/det/13 martyrs/NNS/pobj/11/martyr ./././5"
    )
    mentions = find_counts(doc[:])
    assert [(m.category, m.count) for m in mentions] == [
        ("participants", Count(value=None, min=200, max=999, text="hundreds"))
    ]


def test_competing_figures_each_keep_their_offsets() -> None:
    doc = _parsed(
        "Activists/NNS/nsubj/1/activist say/VBP/ccomp/8/say 12/CD/nsubjpass/4 "
        "were/VBD/auxpass/4/be killed/VBN/ccomp/1/kill ;/:/punct/8 state/NN/compound/7 "
        "media/NNS/nsubj/8 says/VBZ/ROOT/8/say 3/CD/dobj/8 ./././8"
    )
    mentions = find_counts(doc[:])
    assert _summary(mentions) == [("fatalities", 12, None, "12"), ("fatalities", 3, None, "3")]
    assert [doc.text[m.start : m.end] for m in mentions] == ["12", "3"]


def test_subsets_and_non_people_are_not_counted() -> None:
    doc = _parsed(
        "Police/NNS/nsubj/1 arrested/VBD/ROOT/1/arrest 35/CD/nummod/3 people/NNS/dobj/1 "
        ",/,/punct/3 including/VBG/prep/3/include three/CD/nummod/7 "
        "journalists/NNS/pobj/5/journalist for/IN/prep/1 three/CD/nummod/10 "
        "days/NNS/pobj/8/day ./././1"
    )
    assert _summary(find_counts(doc[:])) == [("arrests", 35, None, "35 people")]


def test_participants_from_the_noun_and_from_the_verb() -> None:
    doc = _parsed(
        "Hundreds/NNS/nsubj/3/hundred of/IN/prep/0 people/NNS/pobj/1 gathered/VBD/ROOT/3/gather "
        "and/CC/cc/3 police/NNS/nsubj/6 dispersed/VBD/conj/3/disperse 50/CD/nummod/8 "
        "demonstrators/NNS/dobj/6/demonstrator ./././3"
    )
    assert _summary(find_counts(doc[:])) == [
        ("participants", None, 200, "Hundreds of people"),
        ("participants", 50, None, "50 demonstrators"),
    ]


def test_figure_in_a_time_entity_is_not_a_count() -> None:
    doc = _parsed("12/CD/nsubj/1 marched/VBD/ROOT/1/march ./././1")
    assert _summary(find_counts(doc[:])) == [("participants", 12, None, "12")]
    doc.ents = [doc.char_span(0, 2, label="TIME")]  # type: ignore[list-item]
    assert find_counts(doc[:]) == []


def test_range_mislabelled_as_date_is_still_a_count() -> None:
    doc = _parsed(
        "Between/IN/quantmod/1 10/CD/nummod/4 and/CC/cc/1 15/CD/conj/1 students/NNS/nsubjpass/6 "
        "were/VBD/auxpass/6 detained/VBN/ROOT/6/detain ./././6"
    )
    doc.ents = [doc.char_span(0, 17, label="DATE")]  # type: ignore[list-item]
    mentions = find_counts(doc[:])
    assert [(m.category, m.count.min, m.count.max) for m in mentions] == [("arrests", 10, 15)]
