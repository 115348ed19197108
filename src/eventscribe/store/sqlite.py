"""SQLite store: one file, WAL journal, numbered migrations, idempotent saves by content hash.

Every record is kept as its exact JSON (so reads return what was saved) next to indexed copies
of the fields the filters use. Full-text search is a contentless FTS5 table over terms computed
in Python (rows.py), kept in step inside ``save()``. sqlite3 errors are translated here into
``StoreError`` with a message that says what to do; nothing above this module sees the driver.
The SQL text and WHERE builders are in ``sqlite_sql.py``; the row builders, shared with the
PostgreSQL store, in ``rows.py``.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from eventscribe.errors import StoreError
from eventscribe.records import Article, Findings, from_json
from eventscribe.store import rows, sqlite_sql
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
from eventscribe.store.rows import stored_event as _stored_event

if TYPE_CHECKING:
    from eventscribe.resolve import EventCluster

# Row builders live in rows.py (shared with the PostgreSQL store), SQL text and WHERE builders
# in sqlite_sql.py. api_sql reads through these two names, so they stay importable from here.
_where = sqlite_sql.event_where

APPLICATION_ID = 0x45766963  # PRAGMA application_id set by migration 0001: "this file is ours"
_MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_FETCH_SIZE = 500
_MAX_PARAMS = 500  # stay well under SQLite's bound-variable limit


def load_migrations() -> list[tuple[int, str]]:
    """Return the packaged SQLite migrations as (version, sql), oldest first."""
    folder = resources.files("eventscribe.store").joinpath("migrations", "sqlite")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_FILE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    if [version for version, _ in found] != list(range(1, len(found) + 1)):
        raise StoreError(
            "the packaged SQLite migrations are not numbered 0001, 0002, ...; reinstall"
        )
    return found


def open_sqlite_store(path: str | Path, *, timeout: float = 5.0) -> SQLiteStore:
    """Open (creating and migrating when needed) the SQLite store at ``path``."""
    path = Path(path)
    with _translated(path, "opening"):
        connection = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    try:
        with _translated(path, "opening"):
            _prepare(connection, path)
    except BaseException:
        connection.close()
        raise
    return SQLiteStore(connection, path=path)


def _prepare(connection: sqlite3.Connection, path: Path) -> None:
    connection.create_function("es_fold", 1, _fold, deterministic=True)
    connection.execute("PRAGMA foreign_keys = ON")
    migrations = load_migrations()
    current = _schema_version(connection, path)  # before any write: never touch foreign files
    _refuse_newer(current, migrations[-1][0], path)
    connection.execute("PRAGMA journal_mode = WAL")
    if current < migrations[-1][0]:
        _migrate(connection, path, migrations)


def _fold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _schema_version(connection: sqlite3.Connection, path: Path) -> int:
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    app_id = int(connection.execute("PRAGMA application_id").fetchone()[0])
    has_tables = connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
    if version == 0 and app_id == 0 and not has_tables:
        return 0
    if app_id != APPLICATION_ID:
        raise StoreError(
            f"{path} is not an eventscribe database (it is a SQLite file with other content); "
            "pass a new or existing eventscribe --db path"
        )
    return version


def _refuse_newer(current: int, latest: int, path: Path) -> None:
    if current > latest:
        raise StoreError(
            f"{path} was written by a newer eventscribe (schema version {current}, this one "
            f"knows up to {latest}); upgrade eventscribe or use another --db"
        )


def _migrate(connection: sqlite3.Connection, path: Path, migrations: list[tuple[int, str]]) -> None:
    """Apply the pending migrations in one transaction, re-reading the version under the lock."""
    # off while a migration rebuilds a parent table (SQLite's 12-step ALTER); checked below
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("BEGIN IMMEDIATE")
    try:
        current = _schema_version(connection, path)  # another process may have migrated meanwhile
        _refuse_newer(current, migrations[-1][0], path)
        for version, sql in migrations:
            if version > current:
                for statement in _statements(sql):
                    connection.execute(statement)
                _DATA_STEPS.get(version, _no_data_step)(connection)
                connection.execute(f"PRAGMA user_version = {version:d}")
        if connection.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise StoreError(f"migrating {path} broke a foreign key; restore a backup, report it")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    finally:
        connection.execute("PRAGMA foreign_keys = ON")


def _no_data_step(connection: sqlite3.Connection) -> None:
    """Most migrations change only the schema."""


_DATA_STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {2: sqlite_sql.fill_version_2}


def _statements(script: str) -> Iterator[str]:
    """Split a SQL script into statements (executescript would commit our transaction)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip() and not _only_comments(buffer):
        raise StoreError("a packaged SQLite migration ends without ';'; reinstall eventscribe")


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


@contextmanager
def _translated(path: Path, action: str) -> Iterator[None]:
    """Turn sqlite3 errors into StoreError with advice."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(_advice(exc, path, action)) from exc


_ADVICE = (
    ("SQLITE_BUSY", "database file {path} is locked by another process; wait or use another --db"),
    (
        "SQLITE_LOCKED",
        "database file {path} is locked by another process; wait or use another --db",
    ),
    (
        "SQLITE_NOTADB",
        "{path} is not an eventscribe database (not a SQLite file); pass another --db",
    ),
    (
        "SQLITE_CANTOPEN",
        "cannot open database file {path}; check that its folder exists and is writable",
    ),
    (
        "SQLITE_READONLY",
        "database file {path} is read-only; fix its permissions or use another --db",
    ),
    (
        "SQLITE_FULL",
        "the disk holding {path} is full; free space and run again (finished batches are kept)",
    ),
    ("SQLITE_CORRUPT", "database file {path} is corrupted; restore a backup or use another --db"),
    ("SQLITE_IOERR", "input/output error on {path}; check the disk and run again"),
)


def _advice(exc: sqlite3.Error, path: Path, action: str) -> str:
    name = getattr(exc, "sqlite_errorname", "") or ""
    for prefix, message in _ADVICE:
        if name.startswith(prefix):
            return message.format(path=path) + f" ({exc} while {action})"
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc):
        return f"the store on {path} is already closed; open it again with open_store()"
    return f"database error on {path} while {action}: {exc}"


class SQLiteStore:
    """The Store protocol on one SQLite file; get one from ``open_sqlite_store``."""

    def __init__(self, connection: sqlite3.Connection, *, path: Path) -> None:
        self._connection = connection
        self.path = path

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

    def known_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Return the hashes among ``hashes`` stored successfully or as near-duplicates."""
        unique = sorted(set(hashes))
        found: set[str] = set()
        with self._translated("looking up known articles"):
            for start in range(0, len(unique), _MAX_PARAMS):
                chunk = unique[start : start + _MAX_PARAMS]
                marks = ", ".join("?" * len(chunk))
                sql = f"SELECT hash FROM articles WHERE status <> 'failed' AND hash IN ({marks})"
                found.update(row[0] for row in self._connection.execute(sql, chunk))
        return found

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
        with self._translated("saving a batch"), self._transaction():
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
    def _transaction(self) -> Iterator[None]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        with _translated(self.path, action):
            yield

    def _kept(self, key: str) -> tuple[bool, int | None]:
        """Say whether an article is stored for good; else remove an earlier failure of it.

        Returns (kept, the failure's rid to reuse): a replaced failure keeps its row number,
        so the database ends up as if the article had succeeded the first time.
        """
        row = self._connection.execute("SELECT status FROM articles WHERE hash = ?", (key,))
        status = row.fetchone()
        if status is None:
            return False, None
        if status[0] != "failed":
            return True, None  # idempotent: a stored article is never rewritten
        # a contentless index forgets a row only when told its terms
        rid, terms = sqlite_sql.stored_terms(self._connection, key)
        self._connection.execute(
            "INSERT INTO articles_fts (articles_fts, rowid, terms) VALUES ('delete', ?, ?)",
            (rid, " ".join(terms)),
        )
        self._connection.execute("DELETE FROM articles WHERE hash = ?", (key,))  # cascades
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
        cursor = self._connection.execute(
            f"INSERT INTO articles (rid, {rows.ARTICLE_COLUMNS}) VALUES (?, {_marks(len(values))})",
            (rid, *values),  # rid None: the next free number
        )
        evidences = [event.evidence.text for event in findings.events]
        terms = rows.document_terms(article.title, article.text, evidences)
        self._connection.execute(
            "INSERT INTO articles_fts (rowid, terms) VALUES (?, ?)",
            (cursor.lastrowid, " ".join(terms)),
        )

    def _insert_children(self, key: str, findings: Findings) -> None:
        execute = self._connection.executemany
        execute(
            f"INSERT INTO events ({rows.EVENT_COLUMNS}) VALUES ({_marks(19)})",
            [rows.event_row(key, seq, event) for seq, event in enumerate(findings.events)],
        )
        execute(
            "INSERT INTO event_actors (article_hash, event_seq, role, position, event_id, name,"
            f" text, aliases, country, sector) VALUES ({_marks(10)})",
            [r for seq, ev in enumerate(findings.events) for r in rows.actor_rows(key, seq, ev)],
        )
        execute(
            f"INSERT INTO quotes ({rows.QUOTE_COLUMNS}) VALUES ({_marks(10)})",
            [rows.quote_row(key, seq, q) for seq, q in enumerate(findings.quotes)],
        )
        execute(
            "INSERT INTO places (article_hash, seq, name, geonames_id, admin1, country, lat, lon,"
            f" record) VALUES ({_marks(9)})",
            [rows.place_row(key, seq, p) for seq, p in enumerate(findings.places)],
        )
        execute(
            "INSERT INTO actors (article_hash, seq, name, kind, country, sector, record)"
            f" VALUES ({_marks(7)})",
            [rows.actor_row(key, seq, a) for seq, a in enumerate(findings.actors)],
        )

    def _insert_signatures(self, signatures: Sequence[tuple[str, bytes]]) -> None:
        if not signatures:
            return
        last = self._connection.execute("SELECT coalesce(max(seq), 0) FROM signatures")
        seq = int(last.fetchone()[0])
        for key, signature in signatures:
            cursor = self._connection.execute(
                "INSERT INTO signatures (article_hash, seq, signature) VALUES (?, ?, ?)"
                " ON CONFLICT (article_hash) DO NOTHING",
                (key, seq + 1, bytes(signature)),
            )
            seq += cursor.rowcount  # 0 when the hash already had a signature

    def iter_signatures(self) -> Iterator[tuple[str, bytes]]:
        """Yield every stored (content hash, signature) in the order they were saved."""
        with self._translated("reading signatures"):
            cursor = self._connection.execute(
                "SELECT article_hash, signature FROM signatures ORDER BY seq"
            )
            while batch := cursor.fetchmany(_FETCH_SIZE):
                yield from ((key, bytes(signature)) for key, signature in batch)

    def duplicates_of(self, article_hash: str) -> list[str]:
        """Return the content hashes of the stored near-duplicates of an article, sorted."""
        sql = "SELECT hash FROM articles WHERE duplicate_of = ? ORDER BY hash"
        with self._translated("reading duplicates"):
            return [row[0] for row in self._connection.execute(sql, (article_hash,))]

    def search_articles(
        self, text: str | None, *, limit: int | None = 100, offset: int = 0
    ) -> list[ArticleSummary]:
        """Return articles whose title, text or evidence hold every word, newest first."""
        rows.check_paging(limit, offset)
        where, params = sqlite_sql.article_where(text)
        sql = (
            f"SELECT {rows.ARTICLE_SUMMARY_COLUMNS} FROM articles AS a{where}"
            " ORDER BY a.published IS NULL, a.published DESC, a.id, a.hash LIMIT ? OFFSET ?"
        )
        with self._translated("searching articles"):
            found = self._connection.execute(sql, [*params, _limit(limit), offset])
            return [rows.article_summary(row) for row in found]

    def count_articles(self, text: str | None = None) -> int:
        """Return how many articles ``search_articles`` finds, ignoring paging."""
        where, params = sqlite_sql.article_where(text)
        with self._translated("counting articles"):
            sql = "SELECT count(*) FROM articles AS a" + where
            return int(self._connection.execute(sql, params).fetchone()[0])

    def actor_counts(self, query: ActorQuery) -> list[ActorCount]:
        """Return canonical actors with their counts, by total (descending) then name."""
        rows.check_paging(query.limit, query.offset)
        where, params = sqlite_sql.actor_where(query)
        sql = sqlite_sql.ACTOR_COUNTS + where + sqlite_sql.ACTOR_ORDER + " LIMIT ? OFFSET ?"
        with self._translated("counting actors"):
            found = self._connection.execute(sql, [*params, _limit(query.limit), query.offset])
            return [rows.actor_count(row) for row in found]

    def query_quotes(self, query: QuoteQuery) -> list[StoredQuote]:
        """Return matching quotes, newest article first, then in article order."""
        rows.check_paging(query.limit, query.offset)
        where, params = sqlite_sql.quote_where(query)
        sql = sqlite_sql.QUOTE_SELECT + where + sqlite_sql.QUOTE_ORDER + " LIMIT ? OFFSET ?"
        with self._translated("reading quotes"):
            found = self._connection.execute(sql, [*params, _limit(query.limit), query.offset])
            return [rows.stored_quote(row) for row in found]

    def count_quotes(self, query: QuoteQuery) -> int:
        """Return how many quotes match, ignoring limit and offset."""
        where, params = sqlite_sql.quote_where(query)
        with self._translated("counting quotes"):
            sql = "SELECT count(*)" + sqlite_sql.QUOTES_FROM + where
            return int(self._connection.execute(sql, params).fetchone()[0])

    def place_counts(
        self, query: EventQuery | None = None, *, limit: int | None = 100, offset: int = 0
    ) -> list[PlaceCount]:
        """Return event locations with their matching event counts, most events first."""
        rows.check_paging(limit, offset)
        where, params = sqlite_sql.event_where(query or EventQuery())
        where += (" AND " if where else " WHERE ") + "e.location_name IS NOT NULL"
        sql = sqlite_sql.PLACE_SELECT + where + sqlite_sql.PLACE_GROUP + " LIMIT ? OFFSET ?"
        with self._translated("counting places"):
            found = self._connection.execute(sql, [*params, _limit(limit), offset])
            return [rows.place_count(row) for row in found]

    def save_clusters(self, clusters: Sequence[EventCluster]) -> None:
        """Replace every stored cluster sharing an id or an event with the given clusters."""
        with self._translated("saving clusters"), self._transaction():
            members = [[self._event_key(s) for s in c.events] for c in clusters]
            rows.check_clusters(clusters, members)
            stale = {c.cluster_id for c in clusters}
            sql = "SELECT cluster_id FROM cluster_members WHERE article_hash = ? AND event_seq = ?"
            for key in (key for keys in members for key in keys):
                stale.update(row[0] for row in self._connection.execute(sql, key))
            for cluster_id in sorted(stale):
                self._connection.execute("DELETE FROM clusters WHERE cluster_id = ?", (cluster_id,))
            for cluster, keys in zip(clusters, members, strict=True):
                self._insert_cluster(cluster, keys)

    def _event_key(self, stored: StoredEvent) -> tuple[str, int]:
        sql = "SELECT seq FROM events WHERE article_hash = ? AND event_id = ? ORDER BY seq LIMIT 1"
        row = self._connection.execute(sql, (stored.article_hash, stored.event.event_id))
        return rows.event_key(stored, row.fetchone())

    def _insert_cluster(self, cluster: EventCluster, keys: list[tuple[str, int]]) -> None:
        self._connection.execute(
            "INSERT INTO clusters (cluster_id, reasons, figures) VALUES (?, ?, ?)",
            (cluster.cluster_id, rows.dumps(cluster.reasons), rows.figures_json(cluster)),
        )
        self._connection.executemany(
            "INSERT INTO cluster_members (article_hash, event_seq, cluster_id, position)"
            " VALUES (?, ?, ?, ?)",
            [(key, seq, cluster.cluster_id, n) for n, (key, seq) in enumerate(keys)],
        )

    def get_cluster(self, event_id: str) -> ClusterView | None:
        """Return the cluster holding an event (its first stored copy), or None when in none."""
        with self._translated("reading a cluster"):
            found = self._connection.execute(sqlite_sql.CLUSTER_OF, (event_id,)).fetchone()
            if found is None:
                return None
            members = self._connection.execute(sqlite_sql.CLUSTER_EVENTS, (found[0],)).fetchall()
        return rows.cluster_view(found, [_stored_event(row) for row in members])

    def iter_events(self, query: EventQuery) -> Iterator[StoredEvent]:
        """Yield matching events in query order without loading them all."""
        where, params = sqlite_sql.event_where(query)
        sql = sqlite_sql.EVENT_SELECT + where + sqlite_sql.EVENT_ORDER + " LIMIT ? OFFSET ?"
        with self._translated("reading events"):
            cursor = self._connection.execute(sql, [*params, _limit(query.limit), query.offset])
            while batch := cursor.fetchmany(_FETCH_SIZE):
                yield from (_stored_event(row) for row in batch)

    def query_events(self, query: EventQuery) -> list[StoredEvent]:
        """Return matching events ordered by date (nulls last), then event_id."""
        return list(self.iter_events(query))

    def count_events(self, query: EventQuery) -> int:
        """Return how many events match, ignoring limit and offset."""
        where, params = sqlite_sql.event_where(query)
        sql = "SELECT count(*) FROM events AS e JOIN articles AS a ON a.hash = e.article_hash"
        with self._translated("counting events"):
            return int(self._connection.execute(sql + where, params).fetchone()[0])

    def get_event(self, event_id: str) -> StoredEvent | None:
        """Return one event by id (the first in query order if ids repeat), or None."""
        sql = (
            sqlite_sql.EVENT_SELECT + " WHERE e.event_id = ?" + sqlite_sql.EVENT_ORDER + " LIMIT 1"
        )
        with self._translated("reading an event"):
            row = self._connection.execute(sql, (event_id,)).fetchone()
        return None if row is None else _stored_event(row)

    def get_article(self, article_hash: str) -> tuple[Article, Findings] | None:
        """Return an article and its findings by content hash, or None."""
        with self._translated("reading an article"):
            row = self._connection.execute(
                "SELECT record, findings, errors FROM articles WHERE hash = ?", (article_hash,)
            ).fetchone()
            if row is None:
                return None
            data = json.loads(row[1]) | {"errors": json.loads(row[2])}
            for table in ("events", "quotes", "places", "actors"):
                data[table] = self._records(table, article_hash)
        return from_json(Article, json.loads(row[0])), from_json(Findings, data)

    def _records(self, table: str, article_hash: str) -> list[Any]:
        # table comes from a fixed tuple in get_article, never from a caller
        sql = f"SELECT record FROM {table} WHERE article_hash = ? ORDER BY seq"
        return [json.loads(r[0]) for r in self._connection.execute(sql, (article_hash,))]

    def stats(self) -> StoreStats:
        """Return row counts (actors = distinct canonical actor names)."""
        with self._translated("counting rows"):
            numbers = self._connection.execute(rows.STATS_SQL).fetchone()
        return rows.store_stats(numbers)


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _limit(limit: int | None) -> int:
    return -1 if limit is None else limit  # LIMIT -1: no limit in SQLite
