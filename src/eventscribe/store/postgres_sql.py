"""SQL text, row builders and Dialect of the PostgreSQL store; its migration data steps.

User values only ever travel as parameters: every builder returns (SQL, parameters). Text
holding NUL cannot be stored in PostgreSQL, so a filter on such text matches nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg

from eventscribe.records import Event, Findings, Quote, from_json
from eventscribe.store import dialect, rows

EVENT_ORDER = " ORDER BY e.date NULLS LAST, e.event_id, e.article_hash, e.seq"
SEARCH_CLAUSE = "a.search @@ %s::tsquery"
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
ACTOR_COUNTS = dialect.actor_counts(ACTOR_MENTIONS)
QUOTE_ORDER = " ORDER BY a.published DESC NULLS LAST, a.hash, q.seq"
PLACE_GROUP = """
GROUP BY e.location_name, e.location_geonames_id, e.location_admin1, e.location_country,
         e.location_lat, e.location_lon
ORDER BY count(*) DESC, e.location_name COLLATE "C", e.location_geonames_id NULLS FIRST,
         e.location_admin1 COLLATE "C" NULLS FIRST, e.location_country NULLS FIRST,
         e.location_lat NULLS FIRST, e.location_lon NULLS FIRST"""


def fill_version_2(connection: psycopg.Connection[Any]) -> None:
    """Fill the columns and the search terms version 2 adds, for rows version 1 stored."""
    execute = connection.execute
    dialect.fill_geonames_ids(execute, "%s")
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
    yield from dialect.plain_child_rows(key, findings, "%s")


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
    return dialect.marks(count, "%s")


def _event_row_folded(key: str, seq: int, event: Event) -> tuple[Any, ...]:
    loc = event.location
    folds = (
        _fold(loc.name if loc else None),
        _fold(loc.admin1 if loc else None),
        _fold(loc.admin2 if loc else None),
        event.evidence.text.casefold(),
    )
    return (*rows.event_row(key, seq, event), *folds)


def _nul_checked(clause: str, values: list[Any]) -> tuple[str, list[Any]]:
    if any(has_nul(value) for value in values):
        return "FALSE", []  # PostgreSQL text never holds NUL: nothing matches
    return clause, values


def _contains(column: str) -> str:
    # the *_fold columns hold Python-casefolded copies, so case-insensitivity matches SQLite's
    return f"strpos({column}_fold, %s) > 0"


def _any_of(column: str, values: list[str]) -> tuple[str, list[Any]]:
    return f"{column} = ANY(%s)", [values]


DIALECT = dialect.Dialect(
    mark="%s",
    contains=_contains,
    any_of=_any_of,
    search_clause=SEARCH_CLAUSE,
    search_value=rows.pg_tsquery,
    child_rows=child_rows,
    actor_counts=ACTOR_COUNTS,
    article_order=" ORDER BY a.published DESC NULLS LAST, a.id, a.hash",
    event_order=EVENT_ORDER,
    quote_order=QUOTE_ORDER,
    place_group=PLACE_GROUP,
    no_limit=None,  # LIMIT NULL is no limit in PostgreSQL
    reacts_to="(e.record::json ->> 'reacts_to')",
    guard=_nul_checked,
)
