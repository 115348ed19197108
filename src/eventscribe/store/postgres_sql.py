"""SQL text, row builders and WHERE builders of the PostgreSQL store; its migration data steps.

User values only ever travel as parameters: every builder returns (SQL, parameters). Text
holding NUL cannot be stored in PostgreSQL, so a filter on such text matches nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg

from eventscribe.records import Event, Findings, Quote, from_json
from eventscribe.store import rows
from eventscribe.store.base import ActorQuery, EventQuery, QuoteQuery

EVENT_SELECT = """
SELECT e.record, a.id, a.hash, a.title, a.url, a.source, a.published
FROM events AS e JOIN articles AS a ON a.hash = e.article_hash
"""
EVENT_ORDER = " ORDER BY e.date NULLS LAST, e.event_id, e.article_hash, e.seq"
ACTOR_CLAUSE = """EXISTS (
    SELECT 1 FROM event_actors AS x
    WHERE x.article_hash = e.article_hash AND x.event_seq = e.seq
      AND x.role IN ('source', 'target')
      AND (strpos(x.name_fold, %s) > 0 OR strpos(x.text_fold, %s) > 0
           OR strpos(x.aliases_fold, %s) > 0))"""
PLACE_CLAUSE = """(strpos(e.location_name_fold, %s) > 0
    OR strpos(e.location_admin1_fold, %s) > 0 OR strpos(e.location_admin2_fold, %s) > 0)"""
IN_COLUMNS = ("e.type", "e.mode", "e.acled_event_type", "e.location_country")
SEARCH_CLAUSE = "a.search @@ %s::tsquery"
CLUSTER_CLAUSE = """EXISTS (
    SELECT 1 FROM cluster_members AS m
    WHERE m.article_hash = e.article_hash AND m.event_seq = e.seq AND m.cluster_id = %s)"""
# one row per (event, role, actor) and per quote with a speaker: what actor_counts counts;
# COLLATE "C" on every text column so grouping and order are byte-wise, as in SQLite
ACTOR_MENTIONS = """
SELECT DISTINCT article_hash, event_seq AS seq, role, name COLLATE "C" AS name, name_fold,
       country COLLATE "C" AS country, sector COLLATE "C" AS sector
FROM event_actors
UNION ALL
SELECT article_hash, seq, 'quote', speaker_name COLLATE "C", speaker_name_fold,
       speaker_country COLLATE "C", speaker_sector COLLATE "C"
FROM quotes WHERE speaker_name IS NOT NULL"""
ACTOR_COUNTS = f"""
SELECT name, country, sector, count(*) FILTER (WHERE role = 'source'),
       count(*) FILTER (WHERE role = 'target'), count(*) FILTER (WHERE role = 'claimed_by'),
       count(*) FILTER (WHERE role = 'quote')
FROM ({ACTOR_MENTIONS}) AS r"""
ACTOR_ORDER = """
GROUP BY name, country, sector
ORDER BY count(*) DESC, name, country NULLS FIRST, sector NULLS FIRST"""
QUOTES_FROM = " FROM quotes AS q JOIN articles AS a ON a.hash = q.article_hash"
QUOTE_SELECT = "SELECT q.record, a.id, a.hash, a.title, a.url, a.published" + QUOTES_FROM
QUOTE_ORDER = " ORDER BY a.published DESC NULLS LAST, a.hash, q.seq"
SPEAKER_CLAUSE = """(strpos(q.speaker_name_fold, %s) > 0
    OR strpos(q.speaker_text_fold, %s) > 0 OR strpos(q.speaker_aliases_fold, %s) > 0)"""
PLACE_SELECT = """
SELECT e.location_name, e.location_geonames_id, e.location_admin1, e.location_country,
       e.location_lat, e.location_lon, count(*)
FROM events AS e JOIN articles AS a ON a.hash = e.article_hash"""
PLACE_GROUP = """
GROUP BY e.location_name, e.location_geonames_id, e.location_admin1, e.location_country,
         e.location_lat, e.location_lon
ORDER BY count(*) DESC, e.location_name COLLATE "C", e.location_geonames_id NULLS FIRST,
         e.location_admin1 COLLATE "C" NULLS FIRST, e.location_country NULLS FIRST,
         e.location_lat NULLS FIRST, e.location_lon NULLS FIRST"""
CLUSTER_OF = """
SELECT c.cluster_id, c.reasons, c.figures FROM cluster_members AS m
JOIN clusters AS c ON c.cluster_id = m.cluster_id
JOIN events AS e ON e.article_hash = m.article_hash AND e.seq = m.event_seq
WHERE e.event_id = %s ORDER BY e.article_hash, e.seq LIMIT 1"""
CLUSTER_EVENTS = (
    EVENT_SELECT
    + " JOIN cluster_members AS m ON m.article_hash = e.article_hash AND m.event_seq = e.seq"
    + " WHERE m.cluster_id = %s ORDER BY m.position"
)


def fill_version_2(connection: psycopg.Connection[Any]) -> None:
    """Fill the columns and the search terms version 2 adds, for rows version 1 stored."""
    execute = connection.execute
    for key, seq, record in execute("SELECT article_hash, seq, record FROM events").fetchall():
        geonames_id = rows.event_row(key, seq, from_json(Event, json.loads(record)))[-1]
        execute(
            "UPDATE events SET location_geonames_id = %s WHERE article_hash = %s AND seq = %s",
            (geonames_id, key, seq),
        )
    for key, seq, record in execute("SELECT article_hash, seq, record FROM quotes").fetchall():
        row = quote_row_folded(key, seq, from_json(Quote, json.loads(record)))
        execute(
            "UPDATE quotes SET speaker_text = %s, speaker_aliases = %s, speaker_country = %s,"
            " speaker_sector = %s, text_fold = %s, speaker_name_fold = %s, speaker_text_fold = %s,"
            " speaker_aliases_fold = %s WHERE article_hash = %s AND seq = %s",
            (*row[6:], key, seq),
        )
    for key, title, text in execute("SELECT hash, title, text FROM articles").fetchall():
        sql_text = "SELECT evidence FROM events WHERE article_hash = %s ORDER BY seq"
        evidences = [r[0] for r in execute(sql_text, (key,)).fetchall()]
        execute(
            "UPDATE articles SET search = array_to_tsvector(%s::text[]) WHERE hash = %s",
            (rows.document_terms(title, text, evidences), key),
        )


def _fold(value: str | None) -> str | None:
    return None if value is None else value.casefold()


def child_rows(key: str, findings: Findings) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Yield (INSERT statement, rows) for each child table of one article."""
    yield (
        f"INSERT INTO events ({rows.EVENT_COLUMNS}, location_name_fold, location_admin1_fold,"
        f" location_admin2_fold, evidence_fold) VALUES ({marks(23)})",
        [_event_row_folded(key, seq, event) for seq, event in enumerate(findings.events)],
    )
    yield (
        "INSERT INTO event_actors (article_hash, event_seq, role, position, event_id, name, text,"
        f" aliases, country, sector, name_fold, text_fold, aliases_fold) VALUES ({marks(13)})",
        [
            (*row, row[5].casefold(), row[6].casefold(), row[7].casefold())
            for seq, event in enumerate(findings.events)
            for row in rows.actor_rows(key, seq, event)
        ],
    )
    yield (
        f"INSERT INTO quotes ({rows.QUOTE_COLUMNS}, text_fold, speaker_name_fold,"
        f" speaker_text_fold, speaker_aliases_fold) VALUES ({marks(14)})",
        [quote_row_folded(key, seq, q) for seq, q in enumerate(findings.quotes)],
    )
    yield (
        "INSERT INTO places (article_hash, seq, name, geonames_id, admin1, country, lat, lon,"
        f" record) VALUES ({marks(9)})",
        [rows.place_row(key, seq, p) for seq, p in enumerate(findings.places)],
    )
    yield (
        "INSERT INTO actors (article_hash, seq, name, kind, country, sector, record)"
        f" VALUES ({marks(7)})",
        [rows.actor_row(key, seq, a) for seq, a in enumerate(findings.actors)],
    )


def quote_row_folded(key: str, seq: int, quote: Quote) -> tuple[Any, ...]:
    """Return the quotes row with the casefolded copies PostgreSQL filters on."""
    row = rows.quote_row(key, seq, quote)
    return (*row, quote.text.casefold(), _fold(row[4]), _fold(row[6]), _fold(row[7]))


def has_nul(value: object) -> bool:
    """Say whether a value (or any item of a list) holds a NUL, which PostgreSQL text cannot."""
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return isinstance(value, str) and "\x00" in value


def marks(count: int) -> str:
    """Return ``count`` comma-separated %s placeholders."""
    return ", ".join(["%s"] * count)


def _event_row_folded(key: str, seq: int, event: Event) -> tuple[Any, ...]:
    loc = event.location
    folds = (
        _fold(loc.name if loc else None),
        _fold(loc.admin1 if loc else None),
        _fold(loc.admin2 if loc else None),
        event.evidence.text.casefold(),
    )
    return (*rows.event_row(key, seq, event), *folds)


def event_sql(query: EventQuery) -> tuple[str, list[Any]]:
    """Return the SELECT of matching events in query order, and its parameters."""
    where, params = event_where(query)
    # LIMIT NULL is no limit in PostgreSQL
    sql_text = EVENT_SELECT + where + EVENT_ORDER + " LIMIT %s OFFSET %s"
    return sql_text, [*params, query.limit, query.offset]


def event_where(query: EventQuery) -> tuple[str, list[Any]]:
    """Build a parameterised WHERE clause: user values only ever travel as parameters."""
    rows.check_query(query)
    return rows.join_clauses([_nul_checked(c, v) for c, v in _conditions(query)])


def _nul_checked(clause: str, values: list[Any]) -> tuple[str, list[Any]]:
    if any(has_nul(value) for value in values):
        return "FALSE", []  # PostgreSQL text never holds NUL: nothing matches
    return clause, values


def nul_free(clauses: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """Join clauses into a WHERE; a clause with a NUL value becomes FALSE."""
    return rows.join_clauses([_nul_checked(c, v) for c, v in clauses])


def article_where(text: str | None) -> tuple[str, list[Any]]:
    """Build the WHERE clause of an article search (no words: no clause)."""
    terms = rows.query_terms(text)
    return (" WHERE " + SEARCH_CLAUSE, [rows.pg_tsquery(terms)]) if terms else ("", [])


def actor_clauses(query: ActorQuery) -> list[tuple[str, list[Any]]]:
    """Return the clauses of actor_counts over ACTOR_MENTIONS."""
    clauses: list[tuple[str, list[Any]]] = []
    if query.name:
        clauses.append(("strpos(name_fold, %s) > 0", [query.name.casefold()]))
    if query.country is not None:
        clauses.append(("country = %s", [query.country]))
    if query.sector is not None:
        clauses.append(("sector = %s", [query.sector]))
    return clauses


def quote_clauses(query: QuoteQuery) -> list[tuple[str, list[Any]]]:
    """Return the clauses of a quote query over QUOTES_FROM."""
    rows.check_paging(query.limit, query.offset)
    clauses: list[tuple[str, list[Any]]] = []
    if query.speaker:
        clauses.append((SPEAKER_CLAUSE, [query.speaker.casefold()] * 3))
    if query.text:
        clauses.append(("strpos(q.text_fold, %s) > 0", [query.text.casefold()]))
    if query.article_id is not None:
        clauses.append(("a.id = %s", [query.article_id]))
    if query.kind is not None:
        clauses.append(("q.kind = %s", [query.kind]))
    return clauses


def _conditions(query: EventQuery) -> Iterator[tuple[str, list[Any]]]:
    lists = (query.types, query.modes, query.acled_types, query.countries)
    for column, values in zip(IN_COLUMNS, lists, strict=True):
        if values:
            yield f"{column} = ANY(%s)", [rows.as_list(values)]
    if query.place:
        yield PLACE_CLAUSE, [query.place.casefold()] * 3
    if query.actor:
        yield ACTOR_CLAUSE, [query.actor.casefold()] * 3
    if query.text:
        yield "strpos(e.evidence_fold, %s) > 0", [query.text.casefold()]
    if query.date_from:
        yield "e.date >= %s", [query.date_from]
    if query.date_to:
        yield "e.date <= %s", [query.date_to]
    if query.min_confidence > 0:
        yield "e.confidence >= %s", [query.min_confidence]
    if query.article_id is not None:
        yield "a.id = %s", [query.article_id]
    if terms := rows.query_terms(query.search):
        yield SEARCH_CLAUSE, [rows.pg_tsquery(terms)]
    if query.cluster_id is not None:
        yield CLUSTER_CLAUSE, [query.cluster_id]
