"""Issue 12 on text written for these tests: attribution beyond quote marks, and who claims it.

Each sentence shows one way news attributes content (indirect speech, "according to", a cue
after its content, a belief, an intention, a headline) and checks the quote and, where the
source asserts it, the ``claimed_by`` of the event inside.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from eventscribe.pipeline import iter_findings
from eventscribe.records import Article, Findings, Quote

if TYPE_CHECKING:
    from eventscribe.pipeline import Models

pytestmark = pytest.mark.model

TEXTS = {
    "said-that": "Kenyan police said that officers shot dead two protesters in Nairobi on Tuesday.",
    "according": "According to the Red Cross, gunmen abducted 12 villagers near Goma on Monday.",
    "after": "The army shelled the town of Sake overnight, a spokesman for the M23 rebels said.",
    "believe": "Rebel commanders believe the army will attack Sake next week.",
    "wants": "President William Ruto wants to raise the fuel levy before June.",
    "expects": "The Kenyan government expects protesters to march on parliament on Thursday.",
    "headline": "William Ruto: Protesters Will Not Stop the Finance Bill\n\n"
    "NAIROBI (Wire) - Kenya's president William Ruto spoke on Tuesday.",
}


@pytest.fixture(scope="module")
def found(models: Models) -> dict[str, Findings]:
    articles = [Article(id=key, text=text) for key, text in TEXTS.items()]
    return {f.id: f for _, f in iter_findings(articles, models=models)}


def _only_quote(findings: Findings) -> Quote:
    [quote] = findings.quotes
    assert TEXTS[findings.id][quote.start : quote.end] == quote.text
    return quote


def _claimants(findings: Findings) -> set[str | None]:
    return {e.claimed_by.name if e.claimed_by else None for e in findings.events}


def test_indirect_speech_with_that_claims_the_events_inside(found: dict[str, Findings]) -> None:
    quote = _only_quote(found["said-that"])
    assert (quote.kind, quote.cue, quote.speaker_text) == ("indirect", "said", "Kenyan police")
    assert quote.text == "officers shot dead two protesters in Nairobi on Tuesday"
    assert quote.speaker is not None and _claimants(found["said-that"]) == {quote.speaker.name}


def test_according_to_names_the_claimant(found: dict[str, Findings]) -> None:
    quote = _only_quote(found["according"])
    assert quote.text == "gunmen abducted 12 villagers near Goma on Monday"
    assert quote.speaker is not None and "Red Cross" in quote.speaker.name
    assert _claimants(found["according"]) == {quote.speaker.name}


def test_a_cue_after_its_content(found: dict[str, Findings]) -> None:
    quote = _only_quote(found["after"])
    assert (quote.text, quote.cue) == ("The army shelled the town of Sake overnight", "said")
    assert quote.speaker is not None and quote.speaker.name == "M23"
    assert _claimants(found["after"]) == {"M23"}


def test_beliefs_and_intentions_are_attributed(found: dict[str, Findings]) -> None:
    belief = _only_quote(found["believe"])
    assert (belief.cue, belief.text, belief.speaker_text) == (
        "believe",
        "the army will attack Sake next week",
        "Rebel commanders",
    )
    intention = _only_quote(found["wants"])
    assert (intention.cue, intention.text) == ("wants", "to raise the fuel levy before June")
    assert intention.speaker is not None and intention.speaker.name == "William Ruto"


def test_an_expectation_attributes_but_claims_nothing(found: dict[str, Findings]) -> None:
    quote = _only_quote(found["expects"])
    assert quote.cue == "expects" and quote.speaker_text == "The Kenyan government"
    assert found["expects"].events and _claimants(found["expects"]) == {None}


def test_a_headline_claim_is_its_named_source(found: dict[str, Findings]) -> None:
    [quote] = [q for q in found["headline"].quotes if q.cue == ":"]
    assert quote.text == "Protesters Will Not Stop the Finance Bill"
    assert quote.speaker is not None and quote.speaker.name == "William Ruto"
