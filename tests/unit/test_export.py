"""Every export format, parsed back with csv/json, including hostile evidence text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from eventscribe.errors import ConfigError
from eventscribe.export import ACLED_COLUMNS, CSV_COLUMNS, EXPORT_FORMATS, write_export
from eventscribe.records import Actor, Count, Event, Evidence, Place, from_json
from eventscribe.store.base import StoredEvent

HOSTILE = 'He said, "Stop, now!"\nThen <script>alert(1)</script> & left.'
KAZERUN = Place(
    name="Kāzerūn",
    text="Kazerun",
    start=0,
    end=7,
    lat=29.62,
    lon=51.65,
    admin1="Fars",
    admin2="Kazerun County",
    country="IRN",
    precision="city",
)


def actor(name: str, country: str | None = None, sector: str | None = None) -> Actor:
    return Actor(
        name=name, text=name.lower(), start=0, end=len(name), country=country, sector=sector
    )


def stored(event_id: str, sentence: str = "Something happened.", **kw: object) -> StoredEvent:
    kw.setdefault("type", "PROTEST")
    ev = Event(
        event_id=event_id, evidence=Evidence(text=sentence, start=5, end=5 + len(sentence)), **kw
    )  # type: ignore[arg-type]
    return StoredEvent(
        event=ev,
        article_id="art-1",
        article_hash="h" * 64,
        title='A, "title"',
        url="https://example.org/a?x=1&y=2",
        source="Example News",
        published="2024-05-03",
    )


def sample() -> list[StoredEvent]:
    protest = stored(
        "ev_0001",
        HOSTILE,
        mode="demo",
        contexts=["economic", "negated"],
        acled_event_type="Protests",
        acled_sub_event_type="Peaceful protest",
        source_actors=[actor("Teachers", "IRN", "EDU"), actor("Retirees", "IRN", "CVL")],
        location=KAZERUN,
        date="2024-05-01",
        date_precision="day",
        confidence=0.9,
        participants=Count(min=200, max=999, text="hundreds"),
    )
    policed = stored(
        "ev_0002",
        "Police beat protesters, killing at least 3.",
        type="ASSAULT",
        mode="beat",
        acled_event_type="Protests",
        acled_sub_event_type="Excessive force against protesters",
        source_actors=[actor("Police of Iran", "IRN", "COP")],
        target_actors=[actor("protesters", "IRN", "CVL")],
        location=KAZERUN,
        date="2024-05",
        date_precision="month",
        fatalities=Count(min=3, text="at least 3"),
        claimed_by=actor("Amnesty International", "NGO"),
        reacts_to="ev_0001",
    )
    civilians = stored(
        "ev_0003",
        "Gunmen shot two villagers.",
        type="ASSAULT",
        mode="firearms",
        acled_event_type="Violence against civilians",
        acled_sub_event_type="Attack",
        source_actors=[actor("gunmen", None, "UAF")],
        target_actors=[actor("villagers", "IRN", "CVL")],
        location=Place(
            name="Iran",
            text="Iran",
            start=0,
            end=4,
            lat=32.0,
            lon=53.0,
            country="IRN",
            precision="country",
        ),
        fatalities=Count(value=2, text="two"),
    )
    statement = stored("ev_0004", "The minister backed the plan.", type="SUPPORT")
    return [protest, policed, civilians, statement]


def export(fmt: str, events: list[StoredEvent] | None = None) -> tuple[int, str]:
    out = io.StringIO()
    count = write_export(iter(sample() if events is None else events), fmt=fmt, out=out)
    return count, out.getvalue()


def test_unknown_format_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown export format 'xml'"):
        write_export([], fmt="xml", out=io.StringIO())


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_exports_stream(fmt: str) -> None:
    out = io.StringIO()
    events = sample()[:2]

    def source() -> Iterator[StoredEvent]:
        yield events[0]
        assert out.getvalue(), "nothing written before the second event was read"
        yield events[1]

    assert write_export(source(), fmt=fmt, out=out) == 2


@pytest.mark.parametrize("fmt", ["jsonl", "geojson", "plover"])
def test_json_exports_escape_markup(fmt: str) -> None:
    _, text = export(fmt)
    assert "<script>" not in text and "</script>" not in text and "&" not in text
    assert "\\u003cscript\\u003e" in text


def test_jsonl_round_trips_events() -> None:
    count, text = export("jsonl")
    lines = text.splitlines()
    assert count == len(lines) == 4
    for line, original in zip(lines, sample(), strict=True):
        record = json.loads(line)
        extras = {k: record.pop(k) for k in ("article_id", "title", "url", "source", "published")}
        assert from_json(Event, record) == original.event
        assert extras == {
            "article_id": "art-1",
            "title": 'A, "title"',
            "url": "https://example.org/a?x=1&y=2",
            "source": "Example News",
            "published": "2024-05-03",
        }
    assert json.loads(lines[0])["evidence"]["text"] == HOSTILE


def test_csv_columns_and_quoting() -> None:
    count, text = export("csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert count == len(rows) == 4
    assert tuple(rows[0]) == CSV_COLUMNS
    first, second = rows[0], rows[1]
    assert first["evidence"] == HOSTILE
    assert first["title"] == 'A, "title"'
    assert first["contexts"] == "economic;negated"
    assert first["source_actors"] == "Teachers; Retirees"
    assert first["source_countries"] == "IRN; IRN"
    assert first["source_sectors"] == "EDU; CVL"
    assert (first["participants"], first["participants_min"], first["participants_max"]) == (
        "",
        "200",
        "999",
    )
    assert (first["location_name"], first["location_lat"], first["location_lon"]) == (
        "Kāzerūn",
        "29.62",
        "51.65",
    )
    assert (second["claimed_by"], second["reacts_to"], second["fatalities_min"]) == (
        "Amnesty International",
        "ev_0001",
        "3",
    )
    assert rows[3]["location_name"] == "" and rows[3]["target_actors"] == ""


def test_geojson_points_only_for_located_events() -> None:
    no_coords = stored("ev_0005", location=Place(name="Somewhere", text="x", start=0, end=1))
    count, text = export("geojson", [*sample(), no_coords])
    data = json.loads(text)
    assert data["type"] == "FeatureCollection"
    assert count == len(data["features"]) == 3
    first = data["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [51.65, 29.62]}
    assert first["properties"]["evidence"] == HOSTILE
    assert first["properties"]["location_lat"] == 29.62
    assert [f["id"] for f in data["features"]] == ["ev_0001", "ev_0002", "ev_0003"]


def test_geojson_of_nothing_is_valid() -> None:
    count, text = export("geojson", [])
    assert count == 0 and json.loads(text) == {"type": "FeatureCollection", "features": []}


def test_acled_rows() -> None:
    count, text = export("acled")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert count == len(rows) == 3  # the SUPPORT statement has no ACLED type
    assert tuple(rows[0]) == ACLED_COLUMNS
    protest, policed, attack = rows
    assert protest["event_id_cnty"] == "IRN0001"
    assert (protest["event_date"], protest["year"], protest["time_precision"]) == (
        "2024-05-01",
        "2024",
        "1",
    )
    assert protest["disorder_type"] == "Demonstrations"
    assert (protest["actor1"], protest["assoc_actor_1"], protest["inter1"]) == (
        "Protesters (Iran)",
        "Teachers; Retirees",
        "6",
    )
    assert (protest["actor2"], protest["inter2"], protest["interaction"]) == ("", "", "60")
    assert (protest["iso"], protest["country"], protest["admin1"], protest["location"]) == (
        "364",
        "Iran",
        "Fars",
        "Kāzerūn",
    )
    assert (protest["geo_precision"], protest["fatalities"], protest["tags"]) == (
        "1",
        "0",
        "crowd size=hundreds",
    )
    assert protest["notes"] == HOSTILE and protest["source"] == "Example News"
    assert protest["timestamp"] == "" and protest["civilian_targeting"] == ""
    assert policed["disorder_type"] == "Political violence; Demonstrations"
    assert (policed["actor1"], policed["assoc_actor_1"], policed["actor2"]) == (
        "Protesters (Iran)",
        "protesters",
        "Police of Iran",
    )
    assert (policed["inter1"], policed["inter2"], policed["interaction"]) == ("6", "1", "16")
    assert (policed["time_precision"], policed["fatalities"]) == ("2", "3")
    assert (attack["actor1"], attack["inter1"], attack["actor2"], attack["inter2"]) == (
        "gunmen",
        "3",
        "villagers",
        "7",
    )
    assert (attack["interaction"], attack["civilian_targeting"]) == ("37", "Civilian targeting")
    assert (attack["time_precision"], attack["geo_precision"], attack["fatalities"]) == (
        "3",
        "3",
        "2",
    )


def test_plover_records() -> None:
    count, text = export("plover")
    records = [json.loads(line) for line in text.splitlines()]
    assert count == len(records) == 4
    protest, policed, _, statement = records
    assert (protest["id"], protest["date"], protest["event"]) == (
        "ev_0001",
        "2024-05-01",
        ["PROTEST"],
    )
    assert (protest["mode"], protest["context"], protest["quad_code"]) == (
        ["demo"],
        ["economic", "negated"],
        4,
    )
    assert protest["source"][0] == {
        "code": "IRN",
        "sector": "EDU",
        "actor_text": "teachers",
        "identifier_text": "Teachers",
        "office": None,
    }
    assert protest["recipient"] == []
    assert protest["event_loc"]["country code"] == "IR"
    assert (protest["event_loc"]["cc3"], protest["event_loc"]["latitude"]) == ("IRN", 29.62)
    assert protest["event_text"] == [HOSTILE]
    assert protest["text_info"] == {"start": 5, "end": 5 + len(HOSTILE)}
    assert protest["size_info"]["participants"] == 200
    assert protest["cite_info"]["url"] == "https://example.org/a?x=1&y=2"
    assert policed["recipient"][0]["identifier_text"] == "protesters"
    assert (policed["link"], policed["size_info"]["dead"]) == ("ev_0001", 3)
    assert policed["claimed_by"]["code"] == "NGO"
    assert (statement["quad_code"], statement["event_loc"], statement["mode"]) == (1, None, [])
