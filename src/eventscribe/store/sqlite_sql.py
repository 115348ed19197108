"""SQL text and WHERE builders of the SQLite store, and the data steps of its migrations.

User values only ever travel as parameters: every builder returns (SQL, parameters).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from eventscribe.records import Event, Quote, from_json
from eventscribe.store import rows
from eventscribe.store.base import ActorQuery, EventQuery, QuoteQuery

EVENT_SELECT = """
SELECT e.record, a.id, a.hash, a.title, a.url, a.source, a.published
FROM events AS e JOIN articles AS a ON a.hash = e.article_hash
"""
EVENT_ORDER = " ORDER BY e.date IS NULL, e.date, e.event_id, e.article_hash, e.seq"
ACTOR_CLAUSE = """EXISTS (
    SELECT 1 FROM event_actors AS x
    WHERE x.article_hash = e.article_hash AND x.event_seq = e.seq
      AND x.role IN ('source', 'target')
      AND (instr(es_fold(x.name), ?) > 0 OR instr(es_fold(x.text), ?) > 0
           OR instr(es_fold(x.aliases), ?) > 0))"""
PLACE_CLAUSE = """(instr(es_fold(e.location_name), ?) > 0
    OR instr(es_fold(e.location_admin1), ?) > 0 OR instr(es_fold(e.location_admin2), ?) > 0)"""
IN_COLUMNS = ("e.type", "e.mode", "e.acled_event_type", "e.location_country")
SEARCH_CLAUSE = "a.rid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
CLUSTER_CLAUSE = """EXISTS (
    SELECT 1 FROM cluster_members AS m
    WHERE m.article_hash = e.article_hash AND m.event_seq = e.seq AND m.cluster_id = ?)"""
# one row per (event, role, actor) and per quote with a speaker: what actor_counts counts
ACTOR_MENTIONS = """
SELECT DISTINCT article_hash, event_seq AS seq, role, name, country, sector FROM event_actors
UNION ALL
SELECT article_hash, seq, 'quote', speaker_name, speaker_country, speaker_sector FROM quotes
WHERE speaker_name IS NOT NULL"""
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
QUOTE_ORDER = " ORDER BY a.published IS NULL, a.published DESC, a.hash, q.seq"
SPEAKER_CLAUSE = """(instr(es_fold(q.speaker_name), ?) > 0
    OR instr(es_fold(q.speaker_text), ?) > 0 OR instr(es_fold(q.speaker_aliases), ?) > 0)"""
PLACE_SELECT = """
SELECT e.location_name, e.location_geonames_id, e.location_admin1, e.location_country,
       e.location_lat, e.location_lon, count(*)
FROM events AS e JOIN articles AS a ON a.hash = e.article_hash"""
PLACE_GROUP = """
GROUP BY e.location_name, e.location_geonames_id, e.location_admin1, e.location_country,
         e.location_lat, e.location_lon
ORDER BY count(*) DESC, e.location_name, e.location_geonames_id NULLS FIRST,
         e.location_admin1 NULLS FIRST, e.location_country NULLS FIRST,
         e.location_lat NULLS FIRST, e.location_lon NULLS FIRST"""
CLUSTER_OF = """
SELECT c.cluster_id, c.reasons, c.figures FROM cluster_members AS m
JOIN clusters AS c ON c.cluster_id = m.cluster_id
JOIN events AS e ON e.article_hash = m.article_hash AND e.seq = m.event_seq
WHERE e.event_id = ? ORDER BY e.article_hash, e.seq LIMIT 1"""
CLUSTER_EVENTS = (
    EVENT_SELECT
    + " JOIN cluster_members AS m ON m.article_hash = e.article_hash AND m.event_seq = e.seq"
    + " WHERE m.cluster_id = ? ORDER BY m.position"
)


def fill_version_2(connection: sqlite3.Connection) -> None:
    """Fill the columns and the search index version 2 adds, for rows version 1 stored."""
    execute = connection.execute
    for key, seq, record in execute("SELECT article_hash, seq, record FROM events").fetchall():
        geonames_id = rows.event_row(key, seq, from_json(Event, json.loads(record)))[-1]
        execute(
            "UPDATE events SET location_geonames_id = ? WHERE article_hash = ? AND seq = ?",
            (geonames_id, key, seq),
        )
    for key, seq, record in execute("SELECT article_hash, seq, record FROM quotes").fetchall():
        speaker = rows.quote_row(key, seq, from_json(Quote, json.loads(record)))[6:]
        execute(
            "UPDATE quotes SET speaker_text = ?, speaker_aliases = ?, speaker_country = ?,"
            " speaker_sector = ? WHERE article_hash = ? AND seq = ?",
            (*speaker, key, seq),
        )
    for (key,) in execute("SELECT hash FROM articles ORDER BY rid").fetchall():
        rid, terms = stored_terms(connection, key)
        execute("INSERT INTO articles_fts (rowid, terms) VALUES (?, ?)", (rid, " ".join(terms)))


def stored_terms(connection: sqlite3.Connection, key: str) -> tuple[int, list[str]]:
    """Return an article's rid and search terms, from its stored title, text and evidence."""
    rid, title, text = connection.execute(
        "SELECT rid, title, text FROM articles WHERE hash = ?", (key,)
    ).fetchone()
    sql = "SELECT evidence FROM events WHERE article_hash = ? ORDER BY seq"
    evidences = [row[0] for row in connection.execute(sql, (key,))]
    return int(rid), rows.document_terms(title, text, evidences)


def event_where(query: EventQuery) -> tuple[str, list[Any]]:
    """Build a parameterised WHERE clause: user values only ever travel as parameters."""
    rows.check_query(query)
    clauses: list[str] = []
    params: list[Any] = []
    for clause, values in _conditions(query):
        clauses.append(clause)
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _conditions(query: EventQuery) -> Iterator[tuple[str, list[Any]]]:
    lists = (query.types, query.modes, query.acled_types, query.countries)
    for column, values in zip(IN_COLUMNS, lists, strict=True):
        if values:
            items = rows.as_list(values)
            yield f"{column} IN ({', '.join('?' * len(items))})", items
    if query.place:
        yield PLACE_CLAUSE, [query.place.casefold()] * 3
    if query.actor:
        yield ACTOR_CLAUSE, [query.actor.casefold()] * 3
    if query.text:
        yield "instr(es_fold(e.evidence), ?) > 0", [query.text.casefold()]
    if query.date_from:
        yield "e.date >= ?", [query.date_from]
    if query.date_to:
        yield "e.date <= ?", [query.date_to]
    if query.min_confidence > 0:
        yield "e.confidence >= ?", [query.min_confidence]
    if query.article_id is not None:
        yield "a.id = ?", [query.article_id]
    if terms := rows.query_terms(query.search):
        yield SEARCH_CLAUSE, [rows.fts5_match(terms)]
    if query.cluster_id is not None:
        yield CLUSTER_CLAUSE, [query.cluster_id]


def article_where(text: str | None) -> tuple[str, list[Any]]:
    """Build the WHERE clause of an article search (no words: no clause)."""
    terms = rows.query_terms(text)
    return (" WHERE " + SEARCH_CLAUSE, [rows.fts5_match(terms)]) if terms else ("", [])


def actor_where(query: ActorQuery) -> tuple[str, list[Any]]:
    """Build the WHERE clause of actor_counts over ACTOR_MENTIONS."""
    clauses: list[tuple[str, list[Any]]] = []
    if query.name:
        clauses.append(("instr(es_fold(name), ?) > 0", [query.name.casefold()]))
    if query.country is not None:
        clauses.append(("country = ?", [query.country]))
    if query.sector is not None:
        clauses.append(("sector = ?", [query.sector]))
    return rows.join_clauses(clauses)


def quote_where(query: QuoteQuery) -> tuple[str, list[Any]]:
    """Build the WHERE clause of a quote query over QUOTES_FROM."""
    rows.check_paging(query.limit, query.offset)
    clauses: list[tuple[str, list[Any]]] = []
    if query.speaker:
        clauses.append((SPEAKER_CLAUSE, [query.speaker.casefold()] * 3))
    if query.text:
        clauses.append(("instr(es_fold(q.text), ?) > 0", [query.text.casefold()]))
    if query.article_id is not None:
        clauses.append(("a.id = ?", [query.article_id]))
    if query.kind is not None:
        clauses.append(("q.kind = ?", [query.kind]))
    return rows.join_clauses(clauses)
