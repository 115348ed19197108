"""The SQLite fast path of the HTTP API: read-only SQL on the store file, beside the Store.

Every read here has a Store method that answers the same (``page_events``, ``count_events``,
``count_by``, ``dyads``, ``reactions``, ``map_places``), which the API uses on PostgreSQL.
On SQLite these raw reads stay because they are 5-50x faster on 100k events (bench/api.py):
pages splice the stored event JSON in without decoding it, totals are cached on PRAGMA
data_version, and date-sorted pages may walk the date index. Filters reuse the store's
parameterised WHERE builder, so user values only ever travel as SQL parameters.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from eventscribe.store import sqlite as _sqlite
from eventscribe.store.base import EventQuery

_EVENTS_FROM = " FROM events AS e JOIN articles AS a ON a.hash = e.article_hash"
_SORTS = {
    "date": " ORDER BY e.date, e.event_id, e.rowid",
    # NULL sorts lowest in SQLite, so DESC puts undated events last and can walk events_date
    "-date": " ORDER BY e.date DESC, e.event_id DESC, e.rowid DESC",
    "confidence": " ORDER BY e.confidence, e.event_id, e.article_hash, e.seq",
    "-confidence": " ORDER BY e.confidence DESC, e.event_id, e.article_hash, e.seq",
}
EVENT_SORTS = tuple(_SORTS)
COUNT_KEYS = {
    "day": "e.date",
    "month": "substr(e.date, 1, 7)",
    "type": "e.type",
    "country": "e.location_country",
    "acled_type": "e.acled_event_type",
}


def open_reader(path: str | Path) -> sqlite3.Connection:
    """Open a read-only connection to an existing store file, with the store's fold function."""
    uri = "file:" + quote(str(Path(path).resolve())) + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    connection.create_function("es_fold", 1, _fold, deterministic=True)
    return connection


def _fold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def data_version(connection: sqlite3.Connection) -> int:
    """Return a number that changes whenever another connection commits a change."""
    return int(connection.execute("PRAGMA data_version").fetchone()[0])


def _event_where(query: EventQuery) -> tuple[str, list[Any]]:
    # the store's private builder: one definition of what each filter means
    return _sqlite._where(query)


def count_events(connection: sqlite3.Connection, query: EventQuery) -> int:
    """Count matching events, joining articles only when a filter reads them (10-100x faster)."""
    where, params = _event_where(query)
    source = _EVENTS_FROM if re.search(r"\ba\.", where) else " FROM events AS e"
    return int(connection.execute("SELECT count(*)" + source + where, params).fetchone()[0])


def _and(where: str, clause: str) -> str:
    return where + (" AND " if where else " WHERE ") + clause


def page_event_items(
    connection: sqlite3.Connection,
    query: EventQuery,
    *,
    sort: str,
    matches: int | None = None,
    everything: int | None = None,
) -> list[str]:
    """Return one page of matching events as JSON texts of ``{"event": ..., "article": ...}``.

    The stored event JSON is spliced in as it is: decoding it into records and encoding it
    again would cost most of the request. ``matches`` (events matching the query) and
    ``everything`` (all events) let a date-sorted page walk the date index when that is cheaper
    than sorting every match (the store keeps no planner statistics to tell SQLite so).
    """
    walk = sort in ("date", "-date") and _walk_is_cheaper(query, matches, everything)
    if sort == "date":
        return _page_dated_first(connection, query, walk=walk)
    return _page(connection, query, _SORTS[sort], walk=walk)


def _walk_is_cheaper(query: EventQuery, matches: int | None, everything: int | None) -> bool:
    """Walking the date index reads about (offset+limit) * everything / matches rows; sorting, matches."""
    if not matches or not everything or query.limit is None:
        return False
    return (query.offset + query.limit) * everything < matches * matches


def _page(
    connection: sqlite3.Connection,
    query: EventQuery,
    order: str,
    *,
    extra: str = "",
    walk: bool = False,
) -> list[str]:
    where, params = _event_where(query)
    if extra:
        where = _and(where, extra)
    limit = -1 if query.limit is None else query.limit
    source = (
        _EVENTS_FROM.replace("events AS e", "events AS e INDEXED BY events_date")
        if walk
        else _EVENTS_FROM
    )
    sql = "SELECT e.record, a.id, a.hash, a.title, a.url, a.source, a.published" + source
    names = ("id", "hash", "title", "url", "source", "published")
    return [
        '{"event":' + row[0] + ',"article":' + _dumps(dict(zip(names, row[1:], strict=True))) + "}"
        for row in connection.execute(
            sql + where + order + " LIMIT ? OFFSET ?", [*params, limit, query.offset]
        )
    ]


def _page_dated_first(
    connection: sqlite3.Connection, query: EventQuery, *, walk: bool
) -> list[str]:
    """Oldest first, undated last, in two index walks ("date IS NULL" in ORDER BY cannot use one)."""
    dated = _page(connection, query, _SORTS["date"], extra="e.date IS NOT NULL", walk=walk)
    if query.limit is not None and len(dated) >= query.limit:
        return dated
    where, params = _event_where(query)
    n_dated = connection.execute(
        "SELECT count(*)" + _EVENTS_FROM + _and(where, "e.date IS NOT NULL"), params
    ).fetchone()[0]
    rest = None if query.limit is None else query.limit - len(dated)
    undated = replace(query, limit=rest, offset=max(0, query.offset - n_dated))
    return dated + _page(connection, undated, _SORTS["date"], extra="e.date IS NULL")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def count_by(connection: sqlite3.Connection, query: EventQuery, *, by: str) -> list[dict[str, Any]]:
    """Return event counts grouped by day, month, type, country or ACLED type."""
    where, params = _event_where(query)
    key = COUNT_KEYS[by]
    sql = f"SELECT {key} AS k, count(*){_EVENTS_FROM}{where} GROUP BY k ORDER BY k IS NULL, k"
    return [{"key": k, "count": n} for k, n in connection.execute(sql, params)]


def dyads(connection: sqlite3.Connection, query: EventQuery, *, limit: int) -> list[dict[str, Any]]:
    """Return who acts on whom: (source, target, type) with event counts, most frequent first."""
    where, params = _event_where(query)
    join = " JOIN event_actors AS {0} ON {0}.article_hash = e.article_hash AND {0}.event_seq = e.seq AND {0}.role = '{1}'"
    sql = (
        "SELECT s.name, t.name, e.type, count(DISTINCT e.event_id)"
        + _EVENTS_FROM
        + join.format("s", "source")
        + join.format("t", "target")
        + where
        + " GROUP BY s.name, t.name, e.type ORDER BY count(DISTINCT e.event_id) DESC, s.name, t.name, e.type LIMIT ?"
    )
    names = ("source", "target", "type", "events")
    return [dict(zip(names, row, strict=True)) for row in connection.execute(sql, [*params, limit])]


def reactions(
    connection: sqlite3.Connection, query: EventQuery, *, limit: int
) -> list[dict[str, Any]]:
    """Return who reacts to what: each reacting event beside the event it reacts to."""
    where, params = _event_where(query)
    where = _and(
        where, "e.record IS NOT NULL AND json_extract(e.record, '$.reacts_to') IS NOT NULL"
    )
    sql = (
        "SELECT e.event_id, e.type, e.date, e.evidence, json_extract(e.record, '$.reacts_to'),"
        " r.type, r.evidence"
        + _EVENTS_FROM
        + " LEFT JOIN events AS r ON r.event_id = json_extract(e.record, '$.reacts_to')"
        " AND r.article_hash = e.article_hash"
        + where
        + " ORDER BY e.date IS NULL, e.date DESC, e.event_id LIMIT ?"
    )
    out = []
    for row in connection.execute(sql, [*params, limit]):
        out.append(
            {
                "event_id": row[0], "type": row[1], "date": row[2], "evidence": row[3],
                "reacts_to": {"event_id": row[4], "type": row[5], "evidence": row[6]},
                "actors": _actor_names(connection, row[0]),
            }
        )  # fmt: skip
    return out


def _actor_names(connection: sqlite3.Connection, event_id: str) -> list[str]:
    sql = "SELECT DISTINCT name FROM event_actors WHERE event_id = ? AND role = 'source' ORDER BY name"
    return [row[0] for row in connection.execute(sql, (event_id,))]


def place_counts(
    connection: sqlite3.Connection, query: EventQuery, *, limit: int
) -> list[dict[str, Any]]:
    """Return event locations with coordinates and their event counts by type (for the map)."""
    where, params = _event_where(query)
    where = _and(where, "e.location_lat IS NOT NULL AND e.location_lon IS NOT NULL")
    sql = (
        "SELECT e.location_name, e.location_admin1, e.location_country, e.location_lat,"
        " e.location_lon, e.type, count(*)" + _EVENTS_FROM + where
        + " GROUP BY e.location_name, e.location_admin1, e.location_country, e.location_lat,"
        " e.location_lon, e.type"
    )  # fmt: skip
    places: dict[tuple[Any, ...], dict[str, Any]] = {}
    for name, admin1, country, lat, lon, type_, n in connection.execute(sql, params):
        key = (name, admin1, country, lat, lon)
        entry = places.setdefault(
            key,
            {"name": name, "admin1": admin1, "country": country, "lat": lat, "lon": lon,
             "events": 0, "types": {}},
        )  # fmt: skip
        entry["events"] += n
        entry["types"][type_] = n
    ranked = sorted(places.values(), key=lambda p: (-p["events"], p["name"] or ""))
    return ranked[:limit]
