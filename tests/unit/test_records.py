"""Records: JSON round trip, stable ids, and the committed JSON Schema."""

from __future__ import annotations

import jsonschema

from eventscribe.records import (
    Actor,
    Count,
    Event,
    Evidence,
    Findings,
    Place,
    Quote,
    StageError,
    content_hash,
    from_json,
    make_event_id,
    to_json,
)
from eventscribe.schema import findings_schema, packaged_schema


def _findings() -> Findings:
    pompeo = Actor(
        name="Mike Pompeo",
        text="Mike Pompeo",
        start=10,
        end=21,
        kind="person",
        country="USA",
        sector="GOV",
        title="US Secretary of State",
        aliases=["Pompeo"],
    )
    place = Place(
        name="Kāzerūn",
        text="Kazerun",
        start=30,
        end=37,
        geonames_id=1,
        lat=29.6,
        lon=51.6,
        admin1="Fars",
        country="IRN",
        feature="city",
        precision="city",
        confidence=0.9,
    )
    event = Event(
        event_id="ev_1",
        type="ACCUSE",
        evidence=Evidence(text="x", start=0, end=1),
        source_actors=[pompeo],
        location=place,
        participants=Count(min=200, max=999, text="hundreds"),
        contexts=["historical"],
        claimed_by=pompeo,
    )
    quote = Quote(text="corruptocrats", start=40, end=53, kind="mixed", speaker=pompeo)
    return Findings(
        id="a",
        title="T",
        published="2018-05-20",
        events=[event],
        quotes=[quote],
        places=[place],
        actors=[pompeo],
        errors=[StageError(stage="x", message="y")],
    )


def test_json_round_trip_is_lossless() -> None:
    findings = _findings()
    assert from_json(Findings, to_json(findings)) == findings


def test_json_has_the_contract_keys_in_order() -> None:
    data = to_json(_findings())
    assert list(data) == [
        "id",
        "schema",
        "title",
        "published",
        "events",
        "quotes",
        "places",
        "actors",
        "errors",
    ]
    assert data["schema"] == 1
    assert data["events"][0]["participants"] == {
        "value": None,
        "min": 200,
        "max": 999,
        "text": "hundreds",
    }


def test_event_id_is_stable_and_discriminating() -> None:
    first = make_event_id("k", 0, 10, "PROTEST", "demo")
    assert first == make_event_id("k", 0, 10, "PROTEST", "demo")
    assert first.startswith("ev_")
    assert first != make_event_id("k", 0, 10, "PROTEST", "riot")
    assert first != make_event_id("k", 0, 11, "PROTEST", "demo")


def test_content_hash_keeps_none_and_empty_apart() -> None:
    assert content_hash(None, "a") != content_hash("", "a")
    assert content_hash("ab", "c") != content_hash("a", "bc")


def test_packaged_schema_is_generated_from_records() -> None:
    assert packaged_schema() == findings_schema(), (
        "run: eventscribe schema > src/eventscribe/resources/findings.schema.json"
    )


def test_schema_accepts_records_and_rejects_bad_types() -> None:
    schema = packaged_schema()
    data = to_json(_findings())
    jsonschema.validate(data, schema)
    data["events"][0]["type"] = "PARTY"
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("an unknown PLOVER type passed the schema")
