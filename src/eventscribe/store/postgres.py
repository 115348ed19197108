"""PostgreSQL store: the SQLite store's semantics on a server, through psycopg 3.

The same tables and the same exact-JSON records as ``sqlite.py``; what differs is kept here:
migrations are recorded in ``eventscribe_migrations`` and applied under an advisory lock (two
processes may open a new database at once), writers take a second advisory lock (one writer at
a time, as SQLite's ``BEGIN IMMEDIATE``), text is sorted byte-wise (``COLLATE "C"`` in the
schema) and searched through Python-casefolded copies, so every query returns what SQLite
returns. Full-text search indexes the same Python-computed terms as SQLite (a tsvector built
with array_to_tsvector, GIN-indexed), so searches agree too. psycopg errors are translated here
into ``StoreError``; nothing above sees the driver. SQL text, PostgreSQL-only row builders and
WHERE builders are in ``postgres_sql.py``; the shared row builders in ``rows.py``.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from eventscribe.errors import ConfigError, StoreError
from eventscribe.records import Article, Findings, from_json
from eventscribe.store import postgres_sql, rows
from eventscribe.store.base import (
    ActorCount,
    ActorQuery,
    ArticleSummary,
    ClusterView,
    EventQuery,
    PlaceCount,
    QuoteQuery,
    SaveResult,
    StoredEvent,
    StoredQuote,
    StoreStats,
)

# The row builders, JSON encoder and query checks are shared with the SQLite store (rows.py),
# so both backends store and validate exactly alike.
from eventscribe.store.rows import stored_event as _stored_event

if TYPE_CHECKING:
    from eventscribe.resolve import EventCluster

MIGRATIONS_TABLE = "eventscribe_migrations"
MIGRATION_LOCK = 0x4576696300000001  # advisory lock keys: "Evic" + purpose
WRITE_LOCK = 0x4576696300000002
_MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_URL_PREFIX = re.compile(r"^postgres(?:ql)?(?:\+[a-z0-9_]+)?://")
_FETCH_SIZE = 500
_CURSOR_NAMES = itertools.count(1)


def load_migrations() -> list[tuple[int, str]]:
    """Return the packaged PostgreSQL migrations as (version, sql), oldest first."""
    folder = resources.files("eventscribe.store").joinpath("migrations", "postgres")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_FILE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    if [version for version, _ in found] != list(range(1, len(found) + 1)):
        raise StoreError(
            "the packaged PostgreSQL migrations are not numbered 0001, 0002, ...; reinstall"
        )
    return found


def open_postgres_store(
    url: str, *, timeout: float = 5.0, connect_timeout: int = 10
) -> PostgresStore:
    """Open (creating the tables when needed) the store in the PostgreSQL database at ``url``."""
    params = _parse_url(url)
    where = _describe(params)
    params.setdefault("connect_timeout", connect_timeout)
    params.setdefault("application_name", "eventscribe")
    try:
        connection = psycopg.connect(autocommit=True, **params)
    except psycopg.Error as exc:
        raise StoreError(_connect_advice(exc, where, params)) from exc
    where = f"{where}/{connection.info.dbname}"
    try:
        with _translated(where, "opening"):
            _prepare(connection, where, timeout=timeout)
    except BaseException:
        connection.close()
        raise
    return PostgresStore(connection, where=where)


def _parse_url(url: str) -> dict[str, Any]:
    # SQLAlchemy-style "postgresql+psycopg://" is accepted; libpq knows only the plain scheme
    try:
        return conninfo_to_dict(_URL_PREFIX.sub("postgresql://", url, count=1))
    except psycopg.ProgrammingError as exc:
        raise ConfigError(
            f"invalid PostgreSQL URL ({exc}); use postgresql://user@host:port/dbname"
        ) from None


def _describe(params: dict[str, Any]) -> str:
    """Name the server as host:port, never with the password."""
    host = params.get("host") or os.environ.get("PGHOST") or "localhost"
    port = params.get("port") or os.environ.get("PGPORT") or "5432"
    return f"{host}:{port}"


def _connect_advice(exc: psycopg.Error, where: str, params: dict[str, Any]) -> str:
    reason = _first_line(exc)
    if "does not exist" in reason and "database" in reason:
        name = params.get("dbname", "")
        return (
            f"PostgreSQL at {where} has no database {name!r} ({reason}); "
            f"create it (createdb {name}) or fix the URL"
        )
    if "authentication failed" in reason or "no password supplied" in reason:
        return (
            f"PostgreSQL at {where} refused the login ({reason}); check the user and password "
            "in the URL, PGPASSWORD or ~/.pgpass"
        )
    return (
        f"cannot connect to PostgreSQL at {where} ({reason}); "
        "check that the server runs and the URL"
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _prepare(connection: psycopg.Connection[Any], where: str, *, timeout: float) -> None:
    # how long a writer waits for another one (SQLite's busy timeout)
    connection.execute(
        "SELECT set_config('lock_timeout', %s, false)", (f"{max(1, int(timeout * 1000))}ms",)
    )
    migrations = load_migrations()
    current = _schema_version(connection)
    _refuse_newer(current, migrations[-1][0], where)
    if current < migrations[-1][0]:
        _migrate(connection, where, migrations)


def _schema_version(connection: psycopg.Connection[Any]) -> int:
    found = connection.execute("SELECT to_regclass(%s) IS NOT NULL", (MIGRATIONS_TABLE,))
    if not _one(found.fetchone()):
        return 0
    row = connection.execute(f"SELECT coalesce(max(version), 0) FROM {MIGRATIONS_TABLE}")
    return int(_one(row.fetchone()))


def _one(row: tuple[Any, ...] | None) -> Any:
    if row is None:
        raise StoreError("PostgreSQL returned no row for an aggregate; check the server")
    return row[0]


def _refuse_newer(current: int, latest: int, where: str) -> None:
    if current > latest:
        raise StoreError(
            f"PostgreSQL database {where} was written by a newer eventscribe (schema version "
            f"{current}, this one knows up to {latest}); upgrade eventscribe or use another --db"
        )


def _migrate(
    connection: psycopg.Connection[Any], where: str, migrations: list[tuple[int, str]]
) -> None:
    """Apply the pending migrations in one transaction, re-reading the version under the lock."""
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY)"
        )
        current = _schema_version(connection)  # another process may have migrated meanwhile
        _refuse_newer(current, migrations[-1][0], where)
        for version, script in migrations:
            if version > current:
                connection.execute(script)  # no parameters: psycopg sends the whole script
                _DATA_STEPS.get(version, _no_data_step)(connection)
                connection.execute(
                    f"INSERT INTO {MIGRATIONS_TABLE} (version) VALUES (%s)", (version,)
                )


def _no_data_step(connection: psycopg.Connection[Any]) -> None:
    """Most migrations change only the schema."""


_DATA_STEPS: dict[int, Callable[[psycopg.Connection[Any]], None]] = {2: postgres_sql.fill_version_2}


@contextmanager
def _translated(where: str, action: str, *, closed: bool = False) -> Iterator[None]:
    """Turn psycopg errors into StoreError with advice."""
    try:
        yield
    except psycopg.Error as exc:
        raise StoreError(_advice(exc, where, action, closed=closed)) from exc


_ADVICE: tuple[tuple[type[psycopg.Error], str], ...] = (
    (pg_errors.LockNotAvailable, "PostgreSQL database {where} is locked by another writer; "
     "wait or use another --db"),
    (pg_errors.DeadlockDetected, "PostgreSQL database {where} is locked by another writer; "
     "wait or use another --db"),
    (pg_errors.DiskFull, "the disk of the PostgreSQL server {where} is full; free space and "
     "run again (finished batches are kept)"),
    (pg_errors.InsufficientPrivilege, "the PostgreSQL user lacks rights on {where}; grant "
     "them (CREATE on the schema, then ownership of the tables) or use another --db"),
    (pg_errors.ReadOnlySqlTransaction, "PostgreSQL database {where} is read-only (a standby?); "
     "use the primary server or another --db"),
    (pg_errors.DuplicateTable, "PostgreSQL database {where} already has tables named like "
     "eventscribe's but no eventscribe schema version; use an empty database"),
)  # fmt: skip


def _advice(exc: psycopg.Error, where: str, action: str, *, closed: bool) -> str:
    if closed:
        return f"the store on {where} is already closed; open it again with open_store()"
    detail = f" ({_first_line(exc)} while {action})"
    for kind, message in _ADVICE:
        if isinstance(exc, kind):
            return message.format(where=where) + detail
    if isinstance(exc, psycopg.OperationalError):
        return (
            f"lost the connection to PostgreSQL at {where}{detail}; check the server and run "
            "again (finished batches are kept)"
        )
    if isinstance(exc, psycopg.DataError) and "NUL" in str(exc):
        return f"text with a NUL character cannot be stored in PostgreSQL{detail}; remove it"
    return f"database error on PostgreSQL {where} while {action}: {_first_line(exc)}"


class PostgresStore:
    """The Store protocol on one PostgreSQL database; get one from ``open_postgres_store``."""

    def __init__(self, connection: psycopg.Connection[Any], *, where: str) -> None:
        self._connection = connection
        self.where = where  # host:port/dbname, for messages (the URL may hold a password)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection (safe to call twice)."""
        self._connection.close()

    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        with _translated(self.where, action, closed=self._connection.closed):
            yield

    def _rows(self, sql_text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._connection.execute(sql_text, params).fetchall()

    def known_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Return the hashes among ``hashes`` stored successfully or as near-duplicates."""
        sql_text = "SELECT hash FROM articles WHERE status <> 'failed' AND hash = ANY(%s)"
        wanted = sorted({h for h in hashes if not postgres_sql.has_nul(h)})  # NUL: cannot be stored
        with self._translated("looking up known articles"):
            return {row[0] for row in self._rows(sql_text, (wanted,))}

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

    @contextmanager
    def _write(self) -> Iterator[None]:
        with self._connection.transaction():
            # one writer at a time, as in SQLite: the hash checks then cannot race
            self._connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield

    def _kept(self, key: str) -> bool:
        """Say whether an article is stored for good; remove an earlier failure of it."""
        row = self._connection.execute("SELECT status FROM articles WHERE hash = %s", (key,))
        status = row.fetchone()
        if status is None:
            return False
        if status[0] != "failed":
            return True  # idempotent: a stored article is never rewritten
        self._connection.execute("DELETE FROM articles WHERE hash = %s", (key,))  # cascades
        return False

    def _save_one(self, article: Article, findings: Findings, result: SaveResult) -> None:
        key = article.content_hash
        if self._kept(key):
            result.articles_skipped += 1
            return
        failed = bool(findings.errors) and not findings.events
        self._insert_article(article, findings, status="failed" if failed else "ok")
        self._insert_children(key, findings)
        result.failures += failed
        result.articles_added += not failed
        result.events_added += len(findings.events)
        result.quotes_added += len(findings.quotes)

    def _save_duplicate(self, article: Article, original: str, result: SaveResult) -> None:
        if self._kept(article.content_hash):
            result.articles_skipped += 1
            return
        findings = rows.duplicate_findings(article)
        self._insert_article(article, findings, status="duplicate", duplicate_of=original)
        result.duplicates_added += 1

    def _insert_article(
        self, article: Article, findings: Findings, *, status: str, duplicate_of: str | None = None
    ) -> None:
        values = rows.article_values(article, findings, status=status, duplicate_of=duplicate_of)
        evidences = [event.evidence.text for event in findings.events]
        terms = rows.document_terms(article.title, article.text, evidences)
        self._connection.execute(
            f"INSERT INTO articles ({rows.ARTICLE_COLUMNS}, search)"
            f" VALUES ({postgres_sql.marks(len(values))}, array_to_tsvector(%s::text[]))",
            (*values, terms),
        )

    def _insert_children(self, key: str, findings: Findings) -> None:
        with self._connection.cursor() as cursor:
            for statement, child_rows in postgres_sql.child_rows(key, findings):
                if child_rows:
                    cursor.executemany(statement, child_rows)

    def _insert_signatures(self, signatures: Sequence[tuple[str, bytes]]) -> None:
        if not signatures:
            return
        last = self._connection.execute("SELECT coalesce(max(seq), 0) FROM signatures")
        seq = int(_one(last.fetchone()))
        for key, signature in signatures:
            cursor = self._connection.execute(
                "INSERT INTO signatures (article_hash, seq, signature) VALUES (%s, %s, %s)"
                " ON CONFLICT (article_hash) DO NOTHING",
                (key, seq + 1, bytes(signature)),
            )
            seq += cursor.rowcount  # 0 when the hash already had a signature

    def iter_signatures(self) -> Iterator[tuple[str, bytes]]:
        """Yield every stored (content hash, signature) in the order they were saved."""
        sql_text = "SELECT article_hash, signature FROM signatures ORDER BY seq"
        for key, signature in self._stream(sql_text, [], action="reading signatures"):
            yield key, bytes(signature)

    def _stream(self, sql_text: str, params: list[Any], *, action: str) -> Iterator[Any]:
        name = f"eventscribe_stream_{next(_CURSOR_NAMES)}"
        # WITH HOLD: the result outlives its (autocommit) transaction, so a save() made while
        # the caller iterates is committed on its own
        with self._translated(action), self._connection.cursor(name, withhold=True) as cursor:
            cursor.execute(sql_text, params)
            while batch := cursor.fetchmany(_FETCH_SIZE):
                yield from batch

    def duplicates_of(self, article_hash: str) -> list[str]:
        """Return the content hashes of the stored near-duplicates of an article, sorted."""
        sql_text = "SELECT hash FROM articles WHERE duplicate_of = %s ORDER BY hash"
        if postgres_sql.has_nul(article_hash):
            return []
        with self._translated("reading duplicates"):
            return [row[0] for row in self._rows(sql_text, (article_hash,))]

    def search_articles(
        self, text: str | None, *, limit: int | None = 100, offset: int = 0
    ) -> list[ArticleSummary]:
        """Return articles whose title, text or evidence hold every word, newest first."""
        rows.check_paging(limit, offset)
        where, params = postgres_sql.article_where(text)
        sql_text = (
            f"SELECT {rows.ARTICLE_SUMMARY_COLUMNS} FROM articles AS a{where}"
            " ORDER BY a.published DESC NULLS LAST, a.id, a.hash LIMIT %s OFFSET %s"
        )
        with self._translated("searching articles"):
            found = self._rows(sql_text, [*params, limit, offset])
        return [rows.article_summary(row) for row in found]

    def count_articles(self, text: str | None = None) -> int:
        """Return how many articles ``search_articles`` finds, ignoring paging."""
        where, params = postgres_sql.article_where(text)
        with self._translated("counting articles"):
            sql_text = "SELECT count(*) FROM articles AS a" + where
            return int(_one(self._connection.execute(sql_text, params).fetchone()))

    def actor_counts(self, query: ActorQuery) -> list[ActorCount]:
        """Return canonical actors with their counts, by total (descending) then name."""
        rows.check_paging(query.limit, query.offset)
        where, params = postgres_sql.nul_free(postgres_sql.actor_clauses(query))
        sql_text = (
            postgres_sql.ACTOR_COUNTS + where + postgres_sql.ACTOR_ORDER + " LIMIT %s OFFSET %s"
        )
        with self._translated("counting actors"):
            found = self._rows(sql_text, [*params, query.limit, query.offset])
        return [rows.actor_count(row) for row in found]

    def query_quotes(self, query: QuoteQuery) -> list[StoredQuote]:
        """Return matching quotes, newest article first, then in article order."""
        where, params = postgres_sql.nul_free(postgres_sql.quote_clauses(query))
        sql_text = (
            postgres_sql.QUOTE_SELECT + where + postgres_sql.QUOTE_ORDER + " LIMIT %s OFFSET %s"
        )
        with self._translated("reading quotes"):
            found = self._rows(sql_text, [*params, query.limit, query.offset])
        return [rows.stored_quote(row) for row in found]

    def count_quotes(self, query: QuoteQuery) -> int:
        """Return how many quotes match, ignoring limit and offset."""
        where, params = postgres_sql.nul_free(postgres_sql.quote_clauses(query))
        with self._translated("counting quotes"):
            sql_text = "SELECT count(*)" + postgres_sql.QUOTES_FROM + where
            return int(_one(self._connection.execute(sql_text, params).fetchone()))

    def place_counts(
        self, query: EventQuery | None = None, *, limit: int | None = 100, offset: int = 0
    ) -> list[PlaceCount]:
        """Return event locations with their matching event counts, most events first."""
        rows.check_paging(limit, offset)
        where, params = postgres_sql.event_where(query or EventQuery())
        where += (" AND " if where else " WHERE ") + "e.location_name IS NOT NULL"
        sql_text = (
            postgres_sql.PLACE_SELECT + where + postgres_sql.PLACE_GROUP + " LIMIT %s OFFSET %s"
        )
        with self._translated("counting places"):
            found = self._rows(sql_text, [*params, limit, offset])
        return [rows.place_count(row) for row in found]

    def save_clusters(self, clusters: Sequence[EventCluster]) -> None:
        """Replace every stored cluster sharing an id or an event with the given clusters."""
        with self._translated("saving clusters"), self._write():
            members = [[self._event_key(s) for s in c.events] for c in clusters]
            rows.check_clusters(clusters, members)
            stale = {c.cluster_id for c in clusters}
            sql_text = (
                "SELECT cluster_id FROM cluster_members WHERE article_hash = %s AND event_seq = %s"
            )
            for key in (key for keys in members for key in keys):
                stale.update(row[0] for row in self._rows(sql_text, key))
            for cluster_id in sorted(stale):
                self._connection.execute(
                    "DELETE FROM clusters WHERE cluster_id = %s", (cluster_id,)
                )
            for cluster, keys in zip(clusters, members, strict=True):
                self._insert_cluster(cluster, keys)

    def _event_key(self, stored: StoredEvent) -> tuple[str, int]:
        sql_text = (
            "SELECT seq FROM events WHERE article_hash = %s AND event_id = %s ORDER BY seq LIMIT 1"
        )
        params = (stored.article_hash, stored.event.event_id)
        found = None if postgres_sql.has_nul(list(params)) else self._rows(sql_text, params)
        return rows.event_key(stored, found[0] if found else None)

    def _insert_cluster(self, cluster: EventCluster, keys: list[tuple[str, int]]) -> None:
        self._connection.execute(
            "INSERT INTO clusters (cluster_id, reasons, figures) VALUES (%s, %s, %s)",
            (cluster.cluster_id, rows.dumps(cluster.reasons), rows.figures_json(cluster)),
        )
        with self._connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO cluster_members (article_hash, event_seq, cluster_id, position)"
                " VALUES (%s, %s, %s, %s)",
                [(key, seq, cluster.cluster_id, n) for n, (key, seq) in enumerate(keys)],
            )

    def get_cluster(self, event_id: str) -> ClusterView | None:
        """Return the cluster holding an event (its first stored copy), or None when in none."""
        if postgres_sql.has_nul(event_id):
            return None
        with self._translated("reading a cluster"):
            found = self._rows(postgres_sql.CLUSTER_OF, (event_id,))
            if not found:
                return None
            members = self._rows(postgres_sql.CLUSTER_EVENTS, (found[0][0],))
        return rows.cluster_view(found[0], [_stored_event(row) for row in members])

    def iter_events(self, query: EventQuery) -> Iterator[StoredEvent]:
        """Yield matching events in query order, fetched from a server-side cursor."""
        sql_text, params = postgres_sql.event_sql(query)
        for row in self._stream(sql_text, params, action="reading events"):
            yield _stored_event(row)

    def query_events(self, query: EventQuery) -> list[StoredEvent]:
        """Return matching events ordered by date (nulls last), then event_id."""
        sql_text, params = postgres_sql.event_sql(query)
        with self._translated("reading events"):
            found = self._rows(sql_text, params)
        return [_stored_event(row) for row in found]

    def count_events(self, query: EventQuery) -> int:
        """Return how many events match, ignoring limit and offset."""
        where, params = postgres_sql.event_where(query)
        sql_text = "SELECT count(*) FROM events AS e JOIN articles AS a ON a.hash = e.article_hash"
        with self._translated("counting events"):
            return int(_one(self._connection.execute(sql_text + where, params).fetchone()))

    def get_event(self, event_id: str) -> StoredEvent | None:
        """Return one event by id (the first in query order if ids repeat), or None."""
        sql_text = (
            postgres_sql.EVENT_SELECT
            + " WHERE e.event_id = %s"
            + postgres_sql.EVENT_ORDER
            + " LIMIT 1"
        )
        if postgres_sql.has_nul(event_id):  # as SQLite: an id that cannot be stored is not found
            return None
        with self._translated("reading an event"):
            row = self._connection.execute(sql_text, (event_id,)).fetchone()
        return None if row is None else _stored_event(row)

    def get_article(self, article_hash: str) -> tuple[Article, Findings] | None:
        """Return an article and its findings by content hash, or None."""
        if postgres_sql.has_nul(article_hash):
            return None
        with self._translated("reading an article"):
            row = self._connection.execute(
                "SELECT record, findings, errors FROM articles WHERE hash = %s", (article_hash,)
            ).fetchone()
            if row is None:
                return None
            data = json.loads(row[1]) | {"errors": json.loads(row[2])}
            for table in ("events", "quotes", "places", "actors"):
                data[table] = self._records(table, article_hash)
        return from_json(Article, json.loads(row[0])), from_json(Findings, data)

    def _records(self, table: str, article_hash: str) -> list[Any]:
        query = sql.SQL("SELECT record FROM {} WHERE article_hash = %s ORDER BY seq").format(
            sql.Identifier(table)
        )
        found = self._connection.execute(query, (article_hash,)).fetchall()
        return [json.loads(r[0]) for r in found]

    def stats(self) -> StoreStats:
        """Return row counts (actors = distinct canonical actor names)."""
        with self._translated("counting rows"):
            return rows.store_stats(self._connection.execute(rows.STATS_SQL).fetchone())
