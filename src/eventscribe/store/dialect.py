"""SQL text and WHERE builders shared by the SQLite and PostgreSQL stores, per SQL dialect.

Both stores run the same queries; only placeholders, case-insensitive substring tests, list
membership, full-text search and a few ORDER BY clauses differ. Each backend's ``*_sql.py``
describes those differences in one ``Dialect``; the text that is alike is written once here.
User values only ever travel as parameters: every builder returns (SQL, parameters).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from eventscribe.records import Event, Findings, from_json
from eventscribe.store import rows
from eventscribe.store.base import ActorQuery, EventQuery, QuoteQuery

Clause = tuple[str, list[Any]]
ChildRows = tuple[str, list[tuple[Any, ...]]]

EVENT_SELECT = """
SELECT e.record, a.id, a.hash, a.title, a.url, a.source, a.published
FROM events AS e JOIN articles AS a ON a.hash = e.article_hash
"""
IN_COLUMNS = ("e.type", "e.mode", "e.acled_event_type", "e.location_country")
ACTOR_ORDER = """
GROUP BY name, country, sector
ORDER BY count(*) DESC, name, country NULLS FIRST, sector NULLS FIRST"""
QUOTES_FROM = " FROM quotes AS q JOIN articles AS a ON a.hash = q.article_hash"
QUOTE_SELECT = "SELECT q.record, a.id, a.hash, a.title, a.url, a.published" + QUOTES_FROM
PLACE_SELECT = """
SELECT e.location_name, e.location_geonames_id, e.location_admin1, e.location_country,
       e.location_lat, e.location_lon, count(*)
FROM events AS e JOIN articles AS a ON a.hash = e.article_hash"""


EVENTS_FROM = " FROM events AS e JOIN articles AS a ON a.hash = e.article_hash"
# the sorts of page_events after the date order; ties broken alike so both backends agree
EVENT_SORT_ORDERS = {
    "-date": " ORDER BY e.date DESC NULLS LAST, e.event_id DESC, e.article_hash DESC, e.seq DESC",
    "confidence": " ORDER BY e.confidence, e.event_id, e.article_hash, e.seq",
    "-confidence": " ORDER BY e.confidence DESC, e.event_id, e.article_hash, e.seq",
}
COUNT_COLUMNS = {
    "day": "e.date",
    "month": "substr(e.date, 1, 7)",
    "type": "e.type",
    "country": "e.location_country",
    "acled_type": "e.acled_event_type",
}
_ROLE_JOIN = (
    " JOIN event_actors AS {0} ON {0}.article_hash = e.article_hash"
    " AND {0}.event_seq = e.seq AND {0}.role = '{1}'"
)
DYAD_SELECT = (
    "SELECT s.name, t.name, e.type, count(DISTINCT e.event_id)"
    + EVENTS_FROM
    + _ROLE_JOIN.format("s", "source")
    + _ROLE_JOIN.format("t", "target")
)
DYAD_ORDER = (
    " GROUP BY s.name, t.name, e.type"
    " ORDER BY count(DISTINCT e.event_id) DESC, s.name, t.name, e.type"
)
MAP_SELECT = (
    "SELECT e.location_name, e.location_admin1, e.location_country, e.location_lat,"
    " e.location_lon, e.type, count(*)" + EVENTS_FROM
)
MAP_GROUP = """
GROUP BY e.location_name, e.location_admin1, e.location_country, e.location_lat,
         e.location_lon, e.type
ORDER BY e.location_name NULLS FIRST, e.location_admin1 NULLS FIRST,
         e.location_country NULLS FIRST, e.location_lat, e.location_lon, e.type"""


def marks(count: int, mark: str) -> str:
    """Return ``count`` comma-separated ``mark`` placeholders."""
    return ", ".join([mark] * count)


def actor_counts(mentions: str) -> str:
    """Return the SELECT of actor_counts over one row per mention (``mentions``)."""
    return f"""
SELECT name, country, sector, count(*) FILTER (WHERE role = 'source'),
       count(*) FILTER (WHERE role = 'target'), count(*) FILTER (WHERE role = 'claimed_by'),
       count(*) FILTER (WHERE role = 'quote')
FROM ({mentions}) AS r"""


def plain_child_rows(key: str, findings: Findings, mark: str) -> Iterator[ChildRows]:
    """Yield (INSERT statement, rows) for the child tables both backends fill alike."""
    yield (
        "INSERT INTO places (article_hash, seq, name, geonames_id, admin1, country, lat, lon,"
        f" record) VALUES ({marks(9, mark)})",
        [rows.place_row(key, seq, p) for seq, p in enumerate(findings.places)],
    )
    yield (
        "INSERT INTO actors (article_hash, seq, name, kind, country, sector, record)"
        f" VALUES ({marks(7, mark)})",
        [rows.actor_row(key, seq, a) for seq, a in enumerate(findings.actors)],
    )


def fill_geonames_ids(execute: Callable[..., Any], mark: str) -> None:
    """Fill the events' location_geonames_id (added by version 2) from their stored records."""
    for key, seq, record in execute("SELECT article_hash, seq, record FROM events").fetchall():
        geonames_id = rows.event_row(key, seq, from_json(Event, json.loads(record)))[-1]
        execute(
            f"UPDATE events SET location_geonames_id = {mark} WHERE article_hash = {mark}"
            f" AND seq = {mark}",
            (geonames_id, key, seq),
        )


def _unguarded(clause: str, values: list[Any]) -> Clause:
    return clause, values


@dataclass(frozen=True)
class Dialect:
    """What one SQL backend does differently; builds the queries both stores share."""

    mark: str  # the parameter placeholder
    contains: Callable[[str], str]  # column -> "column holds the casefolded parameter"
    any_of: Callable[[str, list[str]], Clause]  # column, values -> "column is one of them"
    search_clause: str  # "the article matches the full-text parameter"
    search_value: Callable[[Sequence[tuple[str, bool]]], str]  # query terms -> that parameter
    child_rows: Callable[[str, Findings], Iterator[ChildRows]]  # INSERTs of one article
    actor_counts: str  # the SELECT of actor_counts, up to its WHERE
    article_order: str
    event_order: str
    quote_order: str
    place_group: str
    no_limit: int | None  # what LIMIT takes for "no limit"
    reacts_to: str  # the event record's reacts_to, as SQL text (NULL when none)
    guard: Callable[[str, list[Any]], Clause] = _unguarded  # rewrites a clause before use

    def limit(self, limit: int | None) -> int | None:
        """Return the LIMIT parameter for ``limit`` (None: no limit)."""
        return self.no_limit if limit is None else limit

    def actor_clause(self) -> str:
        """Return the clause: a source or target actor of the event holds the text."""
        contains = self.contains
        return f"""EXISTS (
    SELECT 1 FROM event_actors AS x
    WHERE x.article_hash = e.article_hash AND x.event_seq = e.seq
      AND x.role IN ('source', 'target')
      AND ({contains("x.name")} OR {contains("x.text")}
           OR {contains("x.aliases")}))"""

    def place_clause(self) -> str:
        """Return the clause: the event's place name, admin1 or admin2 holds the text."""
        contains = self.contains
        return f"""({contains("e.location_name")}
    OR {contains("e.location_admin1")} OR {contains("e.location_admin2")})"""

    def speaker_clause(self) -> str:
        """Return the clause: the quote's speaker name, text or aliases hold the text."""
        contains = self.contains
        return f"""({contains("q.speaker_name")}
    OR {contains("q.speaker_text")} OR {contains("q.speaker_aliases")})"""

    def cluster_clause(self) -> str:
        """Return the clause: the event is a member of the cluster."""
        return f"""EXISTS (
    SELECT 1 FROM cluster_members AS m
    WHERE m.article_hash = e.article_hash AND m.event_seq = e.seq AND m.cluster_id = {self.mark})"""

    def cluster_of(self) -> str:
        """Return the SELECT of the cluster holding the first stored copy of an event id."""
        return f"""
SELECT c.cluster_id, c.reasons, c.figures FROM cluster_members AS m
JOIN clusters AS c ON c.cluster_id = m.cluster_id
JOIN events AS e ON e.article_hash = m.article_hash AND e.seq = m.event_seq
WHERE e.event_id = {self.mark} ORDER BY e.article_hash, e.seq LIMIT 1"""

    def cluster_events(self) -> str:
        """Return the SELECT of a cluster's events, in cluster order."""
        return (
            EVENT_SELECT
            + " JOIN cluster_members AS m ON m.article_hash = e.article_hash AND m.event_seq = e.seq"
            + f" WHERE m.cluster_id = {self.mark} ORDER BY m.position"
        )

    def count_by(self, by: str, where: str) -> str:
        """Return the SELECT of (key, events) grouped by ``by`` (a COUNT_COLUMNS key), None last."""
        key = COUNT_COLUMNS[by]
        return f"SELECT {key}, count(*){EVENTS_FROM}{where} GROUP BY 1 ORDER BY 1 NULLS LAST"

    def reactions(self, where: str) -> str:
        """Return the SELECT of reacting events beside the events they react to, newest first."""
        return (
            f"SELECT e.event_id, e.type, e.date, e.evidence, {self.reacts_to}, r.type, r.evidence"
            + EVENTS_FROM
            + f" LEFT JOIN events AS r ON r.event_id = {self.reacts_to}"
            " AND r.article_hash = e.article_hash"
            + where
            + f" ORDER BY e.date DESC NULLS LAST, e.event_id LIMIT {self.mark}"
        )

    def source_names(self) -> str:
        """Return the SELECT of the distinct source actor names of an event id, sorted."""
        return (
            "SELECT DISTINCT name FROM event_actors"
            f" WHERE event_id = {self.mark} AND role = 'source' ORDER BY name"
        )

    def event_where(self, query: EventQuery) -> Clause:
        """Build a parameterised WHERE clause: user values only ever travel as parameters."""
        rows.check_query(query)
        return self.join(list(self._conditions(query)))

    def join(self, clauses: list[Clause]) -> Clause:
        """Join clauses into a WHERE (or ""), each passed through ``guard``."""
        return rows.join_clauses([self.guard(c, v) for c, v in clauses])

    def article_where(self, text: str | None) -> Clause:
        """Build the WHERE clause of an article search (no words: no clause)."""
        terms = rows.query_terms(text)
        if not terms:
            return "", []
        return " WHERE " + self.search_clause, [self.search_value(terms)]

    def actor_where(self, query: ActorQuery) -> Clause:
        """Build the WHERE clause of actor_counts over the actor mentions."""
        clauses: list[Clause] = []
        if query.name:
            clauses.append((self.contains("name"), [query.name.casefold()]))
        if query.country is not None:
            clauses.append((f"country = {self.mark}", [query.country]))
        if query.sector is not None:
            clauses.append((f"sector = {self.mark}", [query.sector]))
        return self.join(clauses)

    def quote_where(self, query: QuoteQuery) -> Clause:
        """Build the WHERE clause of a quote query over QUOTES_FROM."""
        rows.check_paging(query.limit, query.offset)
        clauses: list[Clause] = []
        if query.speaker:
            clauses.append((self.speaker_clause(), [query.speaker.casefold()] * 3))
        if query.text:
            clauses.append((self.contains("q.text"), [query.text.casefold()]))
        if query.article_id is not None:
            clauses.append((f"a.id = {self.mark}", [query.article_id]))
        if query.kind is not None:
            clauses.append((f"q.kind = {self.mark}", [query.kind]))
        return self.join(clauses)

    def _conditions(self, query: EventQuery) -> Iterator[Clause]:
        lists = (query.types, query.modes, query.acled_types, query.countries)
        for column, values in zip(IN_COLUMNS, lists, strict=True):
            if values:
                yield self.any_of(column, rows.as_list(values))
        if query.place:
            yield self.place_clause(), [query.place.casefold()] * 3
        if query.actor:
            yield self.actor_clause(), [query.actor.casefold()] * 3
        if query.text:
            yield self.contains("e.evidence"), [query.text.casefold()]
        yield from self._plain_conditions(query)
        if terms := rows.query_terms(query.search):
            yield self.search_clause, [self.search_value(terms)]
        if query.cluster_id is not None:
            yield self.cluster_clause(), [query.cluster_id]

    def _plain_conditions(self, query: EventQuery) -> Iterator[Clause]:
        mark = self.mark
        if query.date_from:
            yield f"e.date >= {mark}", [query.date_from]
        if query.date_to:
            yield f"e.date <= {mark}", [query.date_to]
        if query.min_confidence > 0:
            yield f"e.confidence >= {mark}", [query.min_confidence]
        if query.article_id is not None:
            yield f"a.id = {mark}", [query.article_id]
