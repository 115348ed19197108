"""Text outside the protest domain gets the right ACLED sub-event type, through the pipeline:
a battle, an airstrike, an IED, a kidnapping and a ceasefire from the sample corpus, and
short reports written for this test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from eventscribe.pipeline import iter_findings
from eventscribe.records import Article, Findings

if TYPE_CHECKING:
    from eventscribe.pipeline import Models

pytestmark = pytest.mark.model

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "articles.jsonl"

SAMPLE_CASES = {
    "sample-09-masisi-army-rebel-clash": ("ASSAULT", "Battles", "Armed clash"),
    "sample-10-sagaing-airstrike": ("ASSAULT", "Explosions/Remote violence", "Air/drone strike"),
    "sample-11-lakki-marwat-roadside-bomb": (
        "ASSAULT",
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    ),
    "sample-12-cauca-engineers-kidnapped": (
        "ASSAULT",
        "Violence against civilians",
        "Abduction/forced disappearance",
    ),
    "sample-13-juba-ceasefire-signed": ("AGREE", "Strategic developments", "Agreement"),
}

WRITTEN = [
    (
        "Soldiers and fighters of a rebel militia exchanged fire for six hours near the town of "
        "Beni on Sunday, leaving at least eight combatants dead, an army spokesman said.",
        ("ASSAULT", "Battles", "Armed clash"),
    ),
    (
        "A drone strike hit a house in the village of Mir Ali on Thursday night, killing three "
        "people, residents said.",
        ("ASSAULT", "Explosions/Remote violence", "Air/drone strike"),
    ),
    (
        "A roadside bomb exploded under a police patrol in Kandahar province on Tuesday, "
        "wounding four officers.",
        ("ASSAULT", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ),
    (
        "Gunmen abducted a parish priest and two teachers from a school in Kaduna state on "
        "Monday, police said.",
        ("ASSAULT", "Violence against civilians", "Abduction/forced disappearance"),
    ),
    (
        "The government and the rebel alliance signed a ceasefire agreement in Addis Ababa on "
        "Friday, ending two years of fighting.",
        ("AGREE", "Strategic developments", "Agreement"),
    ),
]


def _coded(findings: Findings) -> set[tuple[str, str | None, str | None]]:
    return {
        (e.type, e.acled_event_type, e.acled_sub_event_type)
        for e in findings.events
        if not e.contexts
    }


@pytest.fixture(scope="module")
def sample(models: Models) -> dict[str, Findings]:
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    articles = [
        Article(id=r["id"], text=r["text"], title=r["title"], published=r["published"])
        for r in rows
        if r["id"] in SAMPLE_CASES
    ]
    return {f.id: f for _, f in iter_findings(articles, models=models)}


@pytest.mark.parametrize("article_id", sorted(SAMPLE_CASES))
def test_sample_article_gets_its_acled_sub_event(
    article_id: str, sample: dict[str, Findings]
) -> None:
    assert SAMPLE_CASES[article_id] in _coded(sample[article_id])


@pytest.mark.parametrize(("text", "expected"), WRITTEN, ids=[e[2] for _, e in WRITTEN])
def test_written_report_gets_its_acled_sub_event(
    text: str, expected: tuple[str, str, str], models: Models
) -> None:
    article = Article(id="w", text=text, published="2025-06-10")
    [(_, findings)] = list(iter_findings([article], models=models))
    assert expected in _coded(findings), sorted(_coded(findings), key=str)


@pytest.mark.parametrize(
    ("text", "protest"),
    [
        (
            "Residents of Misrata gathered in Martyrs' Square on Friday to reject a proposed deal.",
            True,
        ),
        (
            "Health workers gathered outside the ministry in Addis Ababa on Monday, demanding pay.",
            True,
        ),
        ("Families gathered in the square in Valletta to watch the fireworks.", False),
    ],
)
def test_a_gathering_is_a_protest_only_with_a_stated_demand(
    text: str, protest: bool, models: Models
) -> None:
    [(_, findings)] = list(iter_findings([Article(id="g", text=text)], models=models))
    assert any(e.type == "PROTEST" for e in findings.events) is protest
