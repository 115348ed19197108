"""The example article: every item marked (must) in kazerun.expected.md."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from eventscribe.ingest import read_inputs
from eventscribe.pipeline import iter_findings
from eventscribe.records import Article, Event, Findings

if TYPE_CHECKING:
    from eventscribe.pipeline import Models

pytestmark = pytest.mark.model

KAZERUN = Path(__file__).resolve().parents[2] / "data" / "sample" / "txt" / "kazerun.txt"
NCRI = "National Council of Resistance of Iran"


@pytest.fixture(scope="module")
def result(models: Models) -> tuple[Article, Findings]:
    items = list(read_inputs([str(KAZERUN)]))
    article = items[0]
    assert isinstance(article, Article)
    article.published = "2018-05-20"
    [(_, findings)] = list(iter_findings([article], models=models))
    assert findings.errors == []
    return article, findings


def _km(lat: float, lon: float, lat2: float = 29.62, lon2: float = 51.65) -> float:
    p1, p2 = math.radians(lat), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def _in_kazerun(event: Event) -> bool:
    place = event.location
    return (
        place is not None
        and place.lat is not None
        and place.lon is not None
        and place.country == "IRN"
        and place.precision == "city"
        and _km(place.lat, place.lon) < 25
    )


def _find(findings: Findings, type_: str, mode: str | None = None) -> list[Event]:
    return [e for e in findings.events if e.type == type_ and (mode is None or e.mode == mode)]


def test_title_is_the_headline_and_breadcrumb_is_gone(result: tuple[Article, Findings]) -> None:
    article, findings = result
    assert findings.title == "Iran Resistance give a statement on Kazerun protest"
    assert "Home News" not in article.text
    assert article.text.lstrip().startswith("Not only has the Iranian Regime")


def test_protest_in_kazerun_met_with_fire(result: tuple[Article, Findings]) -> None:
    protests = [e for e in _find(result[1], "PROTEST", "demo") if _in_kazerun(e)]
    assert protests, "no PROTEST/demo located in Kazerun"
    assert any(
        e.acled_event_type == "Protests"
        and e.acled_sub_event_type == "Excessive force against protesters"
        for e in protests
    )


def test_assault_by_security_forces(result: tuple[Article, Findings]) -> None:
    events = _find(result[1], "ASSAULT") + _find(result[1], "COERCE")
    forces = [
        e for e in events if _in_kazerun(e) and any(a.sector == "COP" for a in e.source_actors)
    ]
    assert forces, "no ASSAULT/COERCE by security forces (COP) in Kazerun"


def test_riot_against_regime_property(result: tuple[Article, Findings]) -> None:
    riots = [e for e in _find(result[1], "PROTEST", "riot") if _in_kazerun(e)]
    assert riots
    assert any(e.acled_sub_event_type == "Violent demonstration" for e in riots)


def test_general_strike(result: tuple[Article, Findings]) -> None:
    assert [e for e in _find(result[1], "PROTEST", "strike-gen") if _in_kazerun(e)]


def test_ncri_support_and_its_two_quotes(result: tuple[Article, Findings]) -> None:
    findings = result[1]
    support = _find(findings, "SUPPORT")
    assert any(a.name == NCRI and a.sector == "OPP" for e in support for a in e.source_actors)
    ncri_quotes = [q for q in findings.quotes if q.speaker and q.speaker.name == NCRI]
    texts = [q.text for q in ncri_quotes if q.kind == "direct"]
    assert any(
        t.startswith("The people of Kazerun") and "wounded in these rallies" in t for t in texts
    )
    assert any(t.startswith("These developments signal a very troubling future") for t in texts)


def test_rajavi_request(result: tuple[Article, Findings]) -> None:
    requests = _find(result[1], "REQUEST")
    actors = [a for e in requests for a in e.source_actors if a.name == "Maryam Rajavi"]
    assert actors and actors[0].country == "IRN" and actors[0].sector == "OPP"


def test_pompeo_accuses_and_says_corruptocrats(result: tuple[Article, Findings]) -> None:
    findings = result[1]
    accuse = _find(findings, "ACCUSE")
    pompeo = [a for e in accuse for a in e.source_actors if a.name == "Mike Pompeo"]
    assert pompeo and pompeo[0].country == "USA" and pompeo[0].sector == "GOV"
    quotes = [q for q in findings.quotes if q.text == "corruptocrats"]
    assert quotes and quotes[0].speaker is not None and quotes[0].speaker.name == "Mike Pompeo"


def test_evidence_offsets_point_into_the_text(result: tuple[Article, Findings]) -> None:
    article, findings = result
    assert findings.events
    for event in findings.events:
        evidence = event.evidence
        assert article.text[evidence.start : evidence.end] == evidence.text
    for quote in findings.quotes:
        assert article.text[quote.start : quote.end] == quote.text
