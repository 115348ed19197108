"""Place extraction with the real spaCy pipeline and the real gazetteer, across many countries."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from eventscribe.extract.places import find_places, focus_country, focus_place
from eventscribe.gazetteer import Gazetteer, load_gazetteer
from eventscribe.parse import load_nlp
from eventscribe.records import Place

pytestmark = pytest.mark.model

KAZERUN = Path(__file__).resolve().parents[2] / "data" / "sample" / "txt" / "kazerun.txt"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def places_in(nlp, gazetteer: Gazetteer, text: str) -> dict[str, Place]:  # type: ignore[no-untyped-def]
    return {p.text: p for p in find_places(nlp(text), gazetteer=gazetteer)}


def km(place: Place, lat: float, lon: float) -> float:
    assert place.lat is not None and place.lon is not None
    p1, p2 = math.radians(place.lat), math.radians(lat)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - place.lon) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(a))


CASES = [
    ("Iranian security forces opened fire on protesters in Kazerun on Wednesday.", "Kazerun", "IRN", 29.62, 51.65),
    ("The uprising that began in Mashhad in December spread across Iran.", "Mashhad", "IRN", 36.30, 59.61),
    ("Gunmen killed 12 villagers in Zamfara State, Nigeria, police said.", "Nigeria", "NGA", None, None),
    ("Thousands of Nigerians marched in Lagos to protest against police brutality.", "Lagos", "NGA", 6.45, 3.39),
    ("Farmers blocked highways leading into New Delhi as the protest entered its third week.", "New Delhi", "IND", 28.61, 77.21),
    ("Police raids in Rio de Janeiro left 18 people dead, Brazilian media reported.", "Rio de Janeiro", "BRA", -22.91, -43.17),
    ("Drones hit an energy facility near Lviv, in western Ukraine.", "Lviv", "UKR", 49.84, 24.03),
    ("French police used tear gas against pension protesters in Paris.", "Paris", "FRA", 48.86, 2.35),
    ("A tornado destroyed several homes in Paris, Texas, the sheriff said.", "Paris", "USA", 33.66, -95.56),
    ("Police fired tear gas at protesters in Atlanta, Georgia, on Monday night.", "Georgia", "USA", 32.7, -83.4),
    ("Russian troops advanced deep into Georgia, and residents fled toward Tbilisi.", "Georgia", "GEO", None, None),
    ("Kenyan police fired live rounds at protesters in Nairobi and Mombasa.", "Mombasa", "KEN", -4.04, 39.67),
    ("Anti-coup protesters banged pots in Yangon, Myanmar, on Saturday.", "Yangon", "MMR", 16.87, 96.20),
    ("Clashes erupted in Tripoli, Lebanon's second city, between rival gunmen.", "Tripoli", "LBN", 34.44, 35.85),
    ("Flood victims blocked a highway near Hyderabad in Sindh province, Pakistan.", "Hyderabad", "PAK", 25.40, 68.37),
]  # fmt: skip


@pytest.mark.parametrize(("text", "mention", "alpha3", "lat", "lon"), CASES)
def test_place_is_found_and_geocoded(nlp, gazetteer, text, mention, alpha3, lat, lon) -> None:  # type: ignore[no-untyped-def]
    found = places_in(nlp, gazetteer, text)
    assert mention in found, sorted(found)
    assert found[mention].country == alpha3
    if lat is not None:
        assert km(found[mention], lat, lon) < 161


def test_country_names_resolve_to_countries(nlp, gazetteer) -> None:  # type: ignore[no-untyped-def]
    found = places_in(
        nlp, gazetteer, "The US and Iran traded threats while the U.S. Navy sailed on."
    )
    assert found["US"].feature == found["Iran"].feature == "country"
    assert (found["US"].country, found["Iran"].country) == ("USA", "IRN")


def test_kazerun_article(nlp, gazetteer) -> None:  # type: ignore[no-untyped-def]
    places = find_places(nlp(KAZERUN.read_text("utf-8")), gazetteer=gazetteer)
    kazerun = [p for p in places if p.text == "Kazerun"]
    assert len(kazerun) >= 5
    assert {(p.name, p.admin1, p.country, p.precision) for p in kazerun} == {
        ("Kāzerūn", "Fars", "IRN", "city")
    }
    assert km(kazerun[0], 29.62, 51.65) < 10
    mashhad = next(p for p in places if p.text == "Mashhad")
    assert (mashhad.admin1, mashhad.country) == ("Razavi Khorasan", "IRN")
    assert {p.country for p in places if p.text in ("US", "Dutch")} == {"USA", "NLD"}
    assert focus_place(places).name == "Kāzerūn"  # type: ignore[union-attr]
    assert focus_country(places) == "IRN"


def test_load_is_fast_once_built(gazetteer: Gazetteer) -> None:
    import time

    start = time.perf_counter()
    load_gazetteer(cache_dir=gazetteer.path.parent)
    assert time.perf_counter() - start < 1.0


def _event_places(nlp, gazetteer: Gazetteer, text: str) -> list[tuple[str, Place | None]]:  # type: ignore[no-untyped-def]
    from eventscribe.extract.counts import find_counts
    from eventscribe.extract.events.stage import extract_events, load_lexicon
    from eventscribe.extract.places import focus_place

    doc = nlp(text)
    places = find_places(doc, gazetteer=gazetteer)
    events = extract_events(
        doc, article_key="k", published=None, lexicon=load_lexicon(), actors=[],
        places=places, quotes=[], dates=[], fallback_place=focus_place(places),
        counts=[m for sent in doc.sents for m in find_counts(sent)],
    )  # fmt: skip
    return [(e.type, e.location) for e in events]


def test_event_location_is_the_place_the_sentence_names(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Government forces shelled the village of Sharifah in western Homs, killing four civilians."
    )
    [(kind, place)] = _event_places(nlp, gazetteer, text)
    assert kind == "ASSAULT" and place is not None
    assert text[place.start : place.end] == "Sharifah" and place.geonames_id is None
    assert place.country == "SYR" and place.lat is not None  # at Homs, the place it lies in
    text = "The Syrian Arab Army launched a powerful assault in the Deir Ezzor Governorate."
    [(_, place)] = _event_places(nlp, gazetteer, text)
    assert place is not None and place.feature == "admin1" and place.country == "SYR"
    assert text[place.start : place.end].startswith("Deir Ezzor")  # not the demonym "Syrian"


def test_an_event_whose_sentence_names_no_place_has_the_focus_place_without_a_span(
    nlp, gazetteer: Gazetteer
) -> None:  # type: ignore[no-untyped-def]
    text = "Police fired tear gas at protesters in Lagos. Officers later arrested 20 people."
    located = [place for _, place in _event_places(nlp, gazetteer, text)]
    assert all(p is not None and p.name == "Lagos" for p in located)
    assert [p.text for p in located if p is not None] == ["Lagos", "Lagos", ""]
