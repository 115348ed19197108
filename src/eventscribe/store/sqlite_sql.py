"""SQL text and row INSERTs of the SQLite store, its Dialect and the data steps of its migrations.

User values only ever travel as parameters: every builder returns (SQL, parameters). The text
both stores share, and the WHERE builders, are in ``dialect.py``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from eventscribe.records import Findings, Quote, from_json
from eventscribe.store import dialect, rows

EVENT_ORDER = " ORDER BY e.date IS NULL, e.date, e.event_id, e.article_hash, e.seq"
SEARCH_CLAUSE = "a.rid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
# one row per (event, role, actor) and per quote with a speaker: what actor_counts counts
ACTOR_MENTIONS = """
SELECT DISTINCT article_hash, event_seq AS seq, role, name, country, sector FROM event_actors
UNION ALL
SELECT article_hash, seq, 'quote', speaker_name, speaker_country, speaker_sector FROM quotes
WHERE speaker_name IS NOT NULL"""
ACTOR_COUNTS = dialect.actor_counts(ACTOR_MENTIONS)
QUOTE_ORDER = " ORDER BY a.published IS NULL, a.published DESC, a.hash, q.seq"
PLACE_GROUP = """
GROUP BY e.location_name, e.location_geonames_id, e.location_admin1, e.location_country,
         e.location_lat, e.location_lon
ORDER BY count(*) DESC, e.location_name, e.location_geonames_id NULLS FIRST,
         e.location_admin1 NULLS FIRST, e.location_country NULLS FIRST,
         e.location_lat NULLS FIRST, e.location_lon NULLS FIRST"""


def fill_version_2(connection: sqlite3.Connection) -> None:
    """Fill the columns and the search index version 2 adds, for rows version 1 stored."""
    execute = connection.execute
    dialect.fill_geonames_ids(execute, "?")
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


def child_rows(key: str, findings: Findings) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Yield (INSERT statement, rows) for each child table of one article."""
    yield (
        f"INSERT INTO events ({rows.EVENT_COLUMNS}) VALUES ({marks(19)})",
        [rows.event_row(key, seq, event) for seq, event in enumerate(findings.events)],
    )
    yield (
        "INSERT INTO event_actors (article_hash, event_seq, role, position, event_id, name,"
        f" text, aliases, country, sector) VALUES ({marks(10)})",
        [r for seq, ev in enumerate(findings.events) for r in rows.actor_rows(key, seq, ev)],
    )
    yield (
        f"INSERT INTO quotes ({rows.QUOTE_COLUMNS}) VALUES ({marks(10)})",
        [rows.quote_row(key, seq, q) for seq, q in enumerate(findings.quotes)],
    )
    yield from dialect.plain_child_rows(key, findings, "?")


def marks(count: int) -> str:
    """Return ``count`` comma-separated ? placeholders."""
    return dialect.marks(count, "?")


def _contains(column: str) -> str:
    return f"instr(es_fold({column}), ?) > 0"  # es_fold: Python's casefold (sqlite.py)


def _any_of(column: str, values: list[str]) -> tuple[str, list[Any]]:
    return f"{column} IN ({marks(len(values))})", values


DIALECT = dialect.Dialect(
    mark="?",
    contains=_contains,
    any_of=_any_of,
    search_clause=SEARCH_CLAUSE,
    search_value=rows.fts5_match,
    child_rows=child_rows,
    actor_counts=ACTOR_COUNTS,
    article_order=" ORDER BY a.published IS NULL, a.published DESC, a.id, a.hash",
    event_order=EVENT_ORDER,
    quote_order=QUOTE_ORDER,
    place_group=PLACE_GROUP,
    no_limit=-1,  # LIMIT -1: no limit in SQLite
    reacts_to="json_extract(e.record, '$.reacts_to')",
)
event_where = DIALECT.event_where
