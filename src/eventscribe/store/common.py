"""The Store protocol once, for both SQL backends, on a few hooks each backend implements.

``RowStore`` holds everything the SQLite and PostgreSQL stores do alike: saving a batch
(idempotent by content hash, a stored failure replaced), signatures, clusters and every read.
A backend supplies its ``Dialect`` (SQL text) and the hooks that truly differ: how a write
transaction is taken (and locked), how rows are fetched, streamed and inserted, how driver
errors are translated, and how an article row and its search terms are written.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from importlib import resources
from types import TracebackType
from typing import Any, ClassVar, Self

from eventscribe.errors import ConfigError, StoreError
from eventscribe.records import Article, EventCluster, Findings, StoredEvent, from_json
from eventscribe.store import dialect, rows
from eventscribe.store.base import (
    COUNT_KEYS,
    EVENT_SORTS,
    ActorCount,
    ActorQuery,
    ArticleSummary,
    ClusterView,
    DyadCount,
    EventQuery,
    KeyCount,
    MapPlace,
    PlaceCount,
    QuoteQuery,
    Reaction,
    SaveResult,
    StoredQuote,
    StoreStats,
)
from eventscribe.store.rows import stored_event

Params = Sequence[Any]
_MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def read_migrations(folder: str, *, name: str) -> list[tuple[int, str]]:
    """Return the migrations packaged in migrations/``folder`` as (version, sql), oldest first."""
    found = []
    for entry in resources.files("eventscribe.store").joinpath("migrations", folder).iterdir():
        match = _MIGRATION_FILE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    if [version for version, _ in found] != list(range(1, len(found) + 1)):
        raise StoreError(
            f"the packaged {name} migrations are not numbered 0001, 0002, ...; reinstall"
        )
    return found


class RowStore(ABC):
    """The Store protocol on a SQL database; subclasses supply the dialect and the hooks."""

    _dialect: ClassVar[dialect.Dialect]

    # --- hooks --------------------------------------------------------------------------

    @abstractmethod
    def close(self) -> None:
        """Close the database connection (safe to call twice)."""

    @abstractmethod
    def _translated(self, action: str) -> AbstractContextManager[None]:
        """Turn the driver's errors inside the block into StoreError with advice."""

    @abstractmethod
    def _write(self) -> AbstractContextManager[None]:
        """Run the block as the one writer, in one transaction."""

    @abstractmethod
    def _rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        """Return every row of a query."""

    @abstractmethod
    def _stream(self, sql: str, params: Params, *, action: str) -> Iterator[Any]:
        """Yield the rows of a query without loading them all."""

    @abstractmethod
    def _execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed."""

    @abstractmethod
    def _execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement once per row."""

    @abstractmethod
    def _insert_article_row(self, values: Params, terms: list[str], *, rid: int | None) -> None:
        """Insert an articles row and index its search terms (rid: a row number to reuse)."""

    def _forget_failure(self, key: str) -> int | None:
        """Prepare to delete a stored failure; return its row number to reuse, if any."""
        return None

    def _storable(self, *values: str) -> bool:
        """Say whether the database can hold these texts (else a lookup finds nothing)."""
        return True

    # --- lifetime -----------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- saving -------------------------------------------------------------------------

    def save(
        self,
        items: Sequence[tuple[Article, Findings]],
        *,
        duplicates: Sequence[tuple[Article, str]] = (),
        signatures: Sequence[tuple[str, bytes]] = (),
    ) -> SaveResult:
        """Store a batch in one transaction: processed articles, near-duplicates, signatures."""
        result = SaveResult(
            articles_added=0, articles_skipped=0, events_added=0, quotes_added=0, failures=0
        )
        with self._translated("saving a batch"), self._write():
            for article, findings in items:
                self._save_one(article, findings, result)
            for article, original in duplicates:
                self._save_duplicate(article, original, result)
            self._insert_signatures(signatures)
        return result

    def save_signatures(self, rows: Sequence[tuple[str, bytes]]) -> None:
        """Store (content hash, MinHash signature) rows on their own transaction."""
        self.save([], signatures=rows)

    def _kept(self, key: str) -> tuple[bool, int | None]:
        """Say whether an article is stored for good; else remove an earlier failure of it.

        Returns (kept, the failure's row number to reuse): a replaced failure keeps its number
        where the backend has one, so the database ends up as if the article had succeeded.
        """
        mark = self._dialect.mark
        found = self._rows(f"SELECT status FROM articles WHERE hash = {mark}", (key,))
        if not found:
            return False, None
        if found[0][0] != "failed":
            return True, None  # idempotent: a stored article is never rewritten
        rid = self._forget_failure(key)
        self._execute(f"DELETE FROM articles WHERE hash = {mark}", (key,))  # cascades
        return False, rid

    def _save_one(self, article: Article, findings: Findings, result: SaveResult) -> None:
        key = article.content_hash
        kept, rid = self._kept(key)
        if kept:
            result.articles_skipped += 1
            return
        failed = bool(findings.errors) and not findings.events
        self._insert_article(article, findings, status="failed" if failed else "ok", rid=rid)
        self._insert_children(key, findings)
        result.failures += failed
        result.articles_added += not failed
        result.events_added += len(findings.events)
        result.quotes_added += len(findings.quotes)

    def _save_duplicate(self, article: Article, original: str, result: SaveResult) -> None:
        kept, rid = self._kept(article.content_hash)
        if kept:
            result.articles_skipped += 1
            return
        findings = rows.duplicate_findings(article)
        self._insert_article(article, findings, status="duplicate", duplicate_of=original, rid=rid)
        result.duplicates_added += 1

    def _insert_article(
        self,
        article: Article,
        findings: Findings,
        *,
        status: str,
        duplicate_of: str | None = None,
        rid: int | None = None,
    ) -> None:
        values = rows.article_values(article, findings, status=status, duplicate_of=duplicate_of)
        evidences = [event.evidence.text for event in findings.events]
        terms = rows.document_terms(article.title, article.text, evidences)
        self._insert_article_row(values, terms, rid=rid)

    def _insert_children(self, key: str, findings: Findings) -> None:
        for statement, child_rows in self._dialect.child_rows(key, findings):
            if child_rows:
                self._execute_many(statement, child_rows)

    def _insert_signatures(self, signatures: Sequence[tuple[str, bytes]]) -> None:
        if not signatures:
            return
        seq = int(self._rows("SELECT coalesce(max(seq), 0) FROM signatures")[0][0])
        mark = self._dialect.mark
        for key, signature in signatures:
            seq += self._execute(  # 0 rows when the hash already had a signature
                f"INSERT INTO signatures (article_hash, seq, signature) VALUES ({mark}, {mark},"
                f" {mark}) ON CONFLICT (article_hash) DO NOTHING",
                (key, seq + 1, bytes(signature)),
            )

    def save_clusters(self, clusters: Sequence[EventCluster]) -> None:
        """Replace every stored cluster sharing an id or an event with the given clusters."""
        mark = self._dialect.mark
        with self._translated("saving clusters"), self._write():
            members = [[self._event_key(s) for s in c.events] for c in clusters]
            rows.check_clusters(clusters, members)
            stale = {c.cluster_id for c in clusters}
            sql = (
                "SELECT cluster_id FROM cluster_members"
                f" WHERE article_hash = {mark} AND event_seq = {mark}"
            )
            for key in (key for keys in members for key in keys):
                stale.update(row[0] for row in self._rows(sql, key))
            for cluster_id in sorted(stale):
                self._execute(f"DELETE FROM clusters WHERE cluster_id = {mark}", (cluster_id,))
            for cluster, keys in zip(clusters, members, strict=True):
                self._insert_cluster(cluster, keys)

    def _event_key(self, stored: StoredEvent) -> tuple[str, int]:
        mark = self._dialect.mark
        sql = (
            f"SELECT seq FROM events WHERE article_hash = {mark} AND event_id = {mark}"
            " ORDER BY seq LIMIT 1"
        )
        params = (stored.article_hash, stored.event.event_id)
        found = self._rows(sql, params) if self._storable(*params) else []
        return rows.event_key(stored, found[0] if found else None)

    def _insert_cluster(self, cluster: EventCluster, keys: list[tuple[str, int]]) -> None:
        marks = dialect.marks(3, self._dialect.mark)
        self._execute(
            f"INSERT INTO clusters (cluster_id, reasons, figures) VALUES ({marks})",
            (cluster.cluster_id, rows.dumps(cluster.reasons), rows.figures_json(cluster)),
        )
        self._execute_many(
            "INSERT INTO cluster_members (article_hash, event_seq, cluster_id, position)"
            f" VALUES ({dialect.marks(4, self._dialect.mark)})",
            [(key, seq, cluster.cluster_id, n) for n, (key, seq) in enumerate(keys)],
        )

    # --- reading ------------------------------------------------------------------------

    def iter_signatures(self) -> Iterator[tuple[str, bytes]]:
        """Yield every stored (content hash, signature) in the order they were saved."""
        sql = "SELECT article_hash, signature FROM signatures ORDER BY seq"
        for key, signature in self._stream(sql, [], action="reading signatures"):
            yield key, bytes(signature)

    def duplicates_of(self, article_hash: str) -> list[str]:
        """Return the content hashes of the stored near-duplicates of an article, sorted."""
        sql = f"SELECT hash FROM articles WHERE duplicate_of = {self._dialect.mark} ORDER BY hash"
        if not self._storable(article_hash):
            return []
        with self._translated("reading duplicates"):
            return [row[0] for row in self._rows(sql, (article_hash,))]

    def search_articles(
        self, text: str | None, *, limit: int | None = 100, offset: int = 0
    ) -> list[ArticleSummary]:
        """Return articles whose title, text or evidence hold every word, newest first."""
        rows.check_paging(limit, offset)
        where, params = self._dialect.article_where(text)
        sql = (
            f"SELECT {rows.ARTICLE_SUMMARY_COLUMNS} FROM articles AS a{where}"
            + self._dialect.article_order
            + self._paging()
        )
        with self._translated("searching articles"):
            found = self._rows(sql, [*params, self._dialect.limit(limit), offset])
        return [rows.article_summary(row) for row in found]

    def count_articles(self, text: str | None = None) -> int:
        """Return how many articles ``search_articles`` finds, ignoring paging."""
        where, params = self._dialect.article_where(text)
        with self._translated("counting articles"):
            return self._count("SELECT count(*) FROM articles AS a" + where, params)

    def actor_counts(self, query: ActorQuery) -> list[ActorCount]:
        """Return canonical actors with their counts, by total (descending) then name."""
        rows.check_paging(query.limit, query.offset)
        where, params = self._dialect.actor_where(query)
        sql = self._dialect.actor_counts + where + dialect.ACTOR_ORDER + self._paging()
        with self._translated("counting actors"):
            found = self._rows(sql, [*params, self._dialect.limit(query.limit), query.offset])
        return [rows.actor_count(row) for row in found]

    def query_quotes(self, query: QuoteQuery) -> list[StoredQuote]:
        """Return matching quotes, newest article first, then in article order."""
        where, params = self._dialect.quote_where(query)
        sql = dialect.QUOTE_SELECT + where + self._dialect.quote_order + self._paging()
        with self._translated("reading quotes"):
            found = self._rows(sql, [*params, self._dialect.limit(query.limit), query.offset])
        return [rows.stored_quote(row) for row in found]

    def count_quotes(self, query: QuoteQuery) -> int:
        """Return how many quotes match, ignoring limit and offset."""
        where, params = self._dialect.quote_where(query)
        with self._translated("counting quotes"):
            return self._count("SELECT count(*)" + dialect.QUOTES_FROM + where, params)

    def place_counts(
        self, query: EventQuery | None = None, *, limit: int | None = 100, offset: int = 0
    ) -> list[PlaceCount]:
        """Return event locations with their matching event counts, most events first."""
        rows.check_paging(limit, offset)
        where, params = self._dialect.event_where(query or EventQuery())
        where += (" AND " if where else " WHERE ") + "e.location_name IS NOT NULL"
        sql = dialect.PLACE_SELECT + where + self._dialect.place_group + self._paging()
        with self._translated("counting places"):
            found = self._rows(sql, [*params, self._dialect.limit(limit), offset])
        return [rows.place_count(row) for row in found]

    def map_places(self, query: EventQuery | None = None, *, limit: int = 5000) -> list[MapPlace]:
        """Return event locations with coordinates and counts by type, most events first."""
        rows.check_paging(limit, 0)
        where, params = self._dialect.event_where(query or EventQuery())
        where += (" AND " if where else " WHERE ") + (
            "e.location_lat IS NOT NULL AND e.location_lon IS NOT NULL"
        )
        with self._translated("counting places for the map"):
            found = self._rows(dialect.MAP_SELECT + where + dialect.MAP_GROUP, params)
        return rows.map_places(found)[:limit]

    def count_by(self, query: EventQuery, *, by: str) -> list[KeyCount]:
        """Return matching event counts by day, month, type, country or acled_type (None last)."""
        if by not in dialect.COUNT_COLUMNS:
            raise ConfigError(f"cannot count by {by!r}; use one of {', '.join(COUNT_KEYS)}")
        where, params = self._dialect.event_where(query)
        with self._translated("counting events"):
            found = self._rows(self._dialect.count_by(by, where), params)
        return [KeyCount(key=key, count=int(n)) for key, n in found]

    def dyads(self, query: EventQuery, *, limit: int = 100) -> list[DyadCount]:
        """Return (source, target, type) with their event counts, most frequent first."""
        rows.check_paging(limit, 0)
        where, params = self._dialect.event_where(query)
        sql = dialect.DYAD_SELECT + where + dialect.DYAD_ORDER + f" LIMIT {self._dialect.mark}"
        with self._translated("counting dyads"):
            found = self._rows(sql, [*params, limit])
        return [DyadCount(source=s, target=t, type=k, events=int(n)) for s, t, k, n in found]

    def reactions(self, query: EventQuery, *, limit: int = 100) -> list[Reaction]:
        """Return matching events that react to another, newest first (undated last)."""
        rows.check_paging(limit, 0)
        where, params = self._dialect.event_where(query)
        where += (" AND " if where else " WHERE ") + f"{self._dialect.reacts_to} IS NOT NULL"
        with self._translated("reading reactions"):
            found = self._rows(self._dialect.reactions(where), [*params, limit])
            names = self._dialect.source_names()
            return [rows.reaction(row, [n[0] for n in self._rows(names, row[:1])]) for row in found]

    def page_events(self, query: EventQuery, *, sort: str = "date") -> list[StoredEvent]:
        """Return matching events in one of EVENT_SORTS (undated last in both date orders)."""
        if sort == "date":
            return self.query_events(query)
        if sort not in dialect.EVENT_SORT_ORDERS:
            raise ConfigError(
                f"cannot sort events by {sort!r}; use one of {', '.join(EVENT_SORTS)}"
            )
        where, params = self._dialect.event_where(query)
        order = dialect.EVENT_SORT_ORDERS[sort]
        sql = dialect.EVENT_SELECT + where + order + self._paging()
        with self._translated("reading events"):
            found = self._rows(sql, [*params, self._dialect.limit(query.limit), query.offset])
        return [stored_event(row) for row in found]

    def get_cluster(self, event_id: str) -> ClusterView | None:
        """Return the cluster holding an event (its first stored copy), or None when in none."""
        if not self._storable(event_id):
            return None
        with self._translated("reading a cluster"):
            found = self._rows(self._dialect.cluster_of(), (event_id,))
            if not found:
                return None
            members = self._rows(self._dialect.cluster_events(), (found[0][0],))
        return rows.cluster_view(found[0], [stored_event(row) for row in members])

    def iter_events(self, query: EventQuery) -> Iterator[StoredEvent]:
        """Yield matching events in query order without loading them all."""
        sql, params = self._event_sql(query)
        for row in self._stream(sql, params, action="reading events"):
            yield stored_event(row)

    def query_events(self, query: EventQuery) -> list[StoredEvent]:
        """Return matching events ordered by date (nulls last), then event_id."""
        sql, params = self._event_sql(query)
        with self._translated("reading events"):
            found = self._rows(sql, params)
        return [stored_event(row) for row in found]

    def count_events(self, query: EventQuery) -> int:
        """Return how many events match, ignoring limit and offset."""
        where, params = self._dialect.event_where(query)
        sql = "SELECT count(*) FROM events AS e JOIN articles AS a ON a.hash = e.article_hash"
        with self._translated("counting events"):
            return self._count(sql + where, params)

    def get_event(self, event_id: str) -> StoredEvent | None:
        """Return one event by id (the first in query order if ids repeat), or None."""
        sql = (
            dialect.EVENT_SELECT
            + f" WHERE e.event_id = {self._dialect.mark}"
            + self._dialect.event_order
            + " LIMIT 1"
        )
        if not self._storable(event_id):  # an id the database cannot hold is not found
            return None
        with self._translated("reading an event"):
            found = self._rows(sql, (event_id,))
        return stored_event(found[0]) if found else None

    def get_article(self, article_hash: str) -> tuple[Article, Findings] | None:
        """Return an article and its findings by content hash, or None."""
        sql = f"SELECT record, findings, errors FROM articles WHERE hash = {self._dialect.mark}"
        if not self._storable(article_hash):
            return None
        with self._translated("reading an article"):
            found = self._rows(sql, (article_hash,))
            if not found:
                return None
            record, findings, errors = found[0]
            data = json.loads(findings) | {"errors": json.loads(errors)}
            for table in ("events", "quotes", "places", "actors"):
                data[table] = self._records(table, article_hash)
        return from_json(Article, json.loads(record)), from_json(Findings, data)

    def _records(self, table: str, article_hash: str) -> list[Any]:
        # table comes from a fixed tuple in get_article, never from a caller
        sql = f"SELECT record FROM {table} WHERE article_hash = {self._dialect.mark} ORDER BY seq"
        return [json.loads(r[0]) for r in self._rows(sql, (article_hash,))]

    def stats(self) -> StoreStats:
        """Return row counts (actors = distinct canonical actor names)."""
        with self._translated("counting rows"):
            found = self._rows(rows.STATS_SQL)
        return rows.store_stats(found[0] if found else None)

    def _event_sql(self, query: EventQuery) -> tuple[str, list[Any]]:
        where, params = self._dialect.event_where(query)
        sql = dialect.EVENT_SELECT + where + self._dialect.event_order + self._paging()
        return sql, [*params, self._dialect.limit(query.limit), query.offset]

    def _paging(self) -> str:
        return f" LIMIT {self._dialect.mark} OFFSET {self._dialect.mark}"

    def _count(self, sql: str, params: Params) -> int:
        return int(self._rows(sql, params)[0][0])
