"""PostgreSQL store: the SQLite store's semantics on a server, through psycopg 3.

The same tables and the same exact-JSON records as ``sqlite.py``; what differs is kept here:
migrations are recorded in ``eventscribe_migrations`` and applied under an advisory lock (two
processes may open a new database at once), writers take a second advisory lock (one writer at
a time, as SQLite's ``BEGIN IMMEDIATE``), text is sorted byte-wise (``COLLATE "C"`` in the
schema) and searched through Python-casefolded copies, so every query returns what SQLite
returns. psycopg errors are translated here into ``StoreError``; nothing above sees the driver.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from types import TracebackType
from typing import Any, Self

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from eventscribe.errors import ConfigError, StoreError
from eventscribe.records import Article, Event, Findings, from_json, to_json
from eventscribe.store.base import EventQuery, SaveResult, StoredEvent, StoreStats

# The row builders, JSON encoder and query checks are the SQLite store's, so both backends
# store and validate exactly alike.
from eventscribe.store.sqlite import (
    _actor_rows,
    _as_list,
    _check_query,
    _dumps,
    _event_row,
    _stored_event,
)

MIGRATIONS_TABLE = "eventscribe_migrations"
MIGRATION_LOCK = 0x4576696300000001  # advisory lock keys: "Evic" + purpose
WRITE_LOCK = 0x4576696300000002
_MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_URL_PREFIX = re.compile(r"^postgres(?:ql)?(?:\+[a-z0-9_]+)?://")
_FETCH_SIZE = 500
_CURSOR_NAMES = itertools.count(1)

_EVENT_SELECT = """
SELECT e.record, a.id, a.hash, a.title, a.url, a.source, a.published
FROM events AS e JOIN articles AS a ON a.hash = e.article_hash
"""
_EVENT_ORDER = " ORDER BY e.date NULLS LAST, e.event_id, e.article_hash, e.seq"
_ACTOR_CLAUSE = """EXISTS (
    SELECT 1 FROM event_actors AS x
    WHERE x.article_hash = e.article_hash AND x.event_seq = e.seq
      AND x.role IN ('source', 'target')
      AND (strpos(x.name_fold, %s) > 0 OR strpos(x.text_fold, %s) > 0
           OR strpos(x.aliases_fold, %s) > 0))"""
_PLACE_CLAUSE = """(strpos(e.location_name_fold, %s) > 0
    OR strpos(e.location_admin1_fold, %s) > 0 OR strpos(e.location_admin2_fold, %s) > 0)"""
_IN_COLUMNS = ("e.type", "e.mode", "e.acled_event_type", "e.location_country")


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
                connection.execute(
                    f"INSERT INTO {MIGRATIONS_TABLE} (version) VALUES (%s)", (version,)
                )


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

    def known_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Return the hashes among ``hashes`` already stored successfully."""
        sql_text = "SELECT hash FROM articles WHERE status = 'ok' AND hash = ANY(%s)"
        wanted = sorted({h for h in hashes if not _has_nul(h)})  # NUL: cannot be stored
        with self._translated("looking up known articles"):
            rows = self._connection.execute(sql_text, (wanted,)).fetchall()
        return {row[0] for row in rows}

    def save(self, items: Sequence[tuple[Article, Findings]]) -> SaveResult:
        """Store a batch of articles and findings in one transaction."""
        result = SaveResult(
            articles_added=0, articles_skipped=0, events_added=0, quotes_added=0, failures=0
        )
        with self._translated("saving a batch"), self._connection.transaction():
            # one writer at a time, as in SQLite: the hash check below then cannot race
            self._connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            for article, findings in items:
                self._save_one(article, findings, result)
        return result

    def _save_one(self, article: Article, findings: Findings, result: SaveResult) -> None:
        key = article.content_hash
        row = self._connection.execute("SELECT status FROM articles WHERE hash = %s", (key,))
        status = row.fetchone()
        if status is not None and status[0] == "ok":
            result.articles_skipped += 1  # idempotent: a stored article is never rewritten
            return
        if status is not None:  # an earlier failure: replace it (cascades to its children)
            self._connection.execute("DELETE FROM articles WHERE hash = %s", (key,))
        failed = bool(findings.errors) and not findings.events
        self._insert_article(key, article, findings, failed=failed)
        self._insert_children(key, findings)
        result.failures += failed
        result.articles_added += not failed
        result.events_added += len(findings.events)
        result.quotes_added += len(findings.quotes)

    def _insert_article(
        self, key: str, article: Article, findings: Findings, *, failed: bool
    ) -> None:
        meta = {k: v for k, v in to_json(findings).items() if not isinstance(v, list)}
        self._connection.execute(
            "INSERT INTO articles (hash, id, title, published, url, source, language, section,"
            " author, text, status, errors, findings, record)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                key, article.id, article.title, article.published, article.url, article.source,
                article.language, article.section, article.author, article.text,
                "failed" if failed else "ok", _dumps(to_json(findings.errors)), _dumps(meta),
                _dumps(to_json(article)),
            ),
        )  # fmt: skip

    def _insert_children(self, key: str, findings: Findings) -> None:
        with self._connection.cursor() as cursor:
            for statement, rows in _child_rows(key, findings):
                if rows:
                    cursor.executemany(statement, rows)

    def iter_events(self, query: EventQuery) -> Iterator[StoredEvent]:
        """Yield matching events in query order, fetched from a server-side cursor."""
        sql_text, params = _event_sql(query)
        name = f"eventscribe_events_{next(_CURSOR_NAMES)}"
        # WITH HOLD: the result outlives its (autocommit) transaction, so a save() made while
        # the caller iterates is committed on its own
        with (
            self._translated("reading events"),
            self._connection.cursor(name, withhold=True) as cursor,
        ):
            cursor.execute(sql_text, params)
            while rows := cursor.fetchmany(_FETCH_SIZE):
                yield from (_stored_event(row) for row in rows)

    def query_events(self, query: EventQuery) -> list[StoredEvent]:
        """Return matching events ordered by date (nulls last), then event_id."""
        sql_text, params = _event_sql(query)
        with self._translated("reading events"):
            rows = self._connection.execute(sql_text, params).fetchall()
        return [_stored_event(row) for row in rows]

    def count_events(self, query: EventQuery) -> int:
        """Return how many events match, ignoring limit and offset."""
        where, params = _where(query)
        sql_text = "SELECT count(*) FROM events AS e JOIN articles AS a ON a.hash = e.article_hash"
        with self._translated("counting events"):
            return int(_one(self._connection.execute(sql_text + where, params).fetchone()))

    def get_event(self, event_id: str) -> StoredEvent | None:
        """Return one event by id (the first in query order if ids repeat), or None."""
        sql_text = _EVENT_SELECT + " WHERE e.event_id = %s" + _EVENT_ORDER + " LIMIT 1"
        if _has_nul(event_id):  # as SQLite: an id that cannot be stored is not found
            return None
        with self._translated("reading an event"):
            row = self._connection.execute(sql_text, (event_id,)).fetchone()
        return None if row is None else _stored_event(row)

    def get_article(self, article_hash: str) -> tuple[Article, Findings] | None:
        """Return an article and its findings by content hash, or None."""
        if _has_nul(article_hash):
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
        rows = self._connection.execute(query, (article_hash,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def stats(self) -> StoreStats:
        """Return row counts (actors = distinct canonical actor names)."""
        sql_text = """SELECT
            (SELECT count(*) FROM articles WHERE status = 'ok'),
            (SELECT count(*) FROM events),
            (SELECT count(*) FROM quotes),
            (SELECT count(DISTINCT name) FROM actors),
            (SELECT count(*) FROM articles WHERE status = 'failed')"""
        with self._translated("counting rows"):
            row = self._connection.execute(sql_text).fetchone()
        articles, events, quotes, actors, failures = (int(n) for n in row or (0,) * 5)
        return StoreStats(
            articles=articles, events=events, quotes=quotes, actors=actors, failures=failures
        )


def _fold(value: str | None) -> str | None:
    return None if value is None else value.casefold()


def _child_rows(key: str, findings: Findings) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Yield (INSERT statement, rows) for each child table of one article."""
    yield (
        "INSERT INTO events (article_hash, seq, event_id, type, mode, acled_event_type,"
        " acled_sub_event_type, date, date_precision, location_name, location_admin1,"
        " location_admin2, location_country, location_lat, location_lon, confidence, evidence,"
        " record, location_name_fold, location_admin1_fold, location_admin2_fold, evidence_fold)"
        f" VALUES ({_marks(22)})",
        [_event_row_folded(key, seq, event) for seq, event in enumerate(findings.events)],
    )
    yield (
        "INSERT INTO event_actors (article_hash, event_seq, role, position, event_id, name, text,"
        f" aliases, country, sector, name_fold, text_fold, aliases_fold) VALUES ({_marks(13)})",
        [
            (*row, row[5].casefold(), row[6].casefold(), row[7].casefold())
            for seq, event in enumerate(findings.events)
            for row in _actor_rows(key, seq, event)
        ],
    )
    yield from _record_rows(key, findings)


def _record_rows(key: str, findings: Findings) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    yield (
        "INSERT INTO quotes (article_hash, seq, kind, text, speaker_name, record)"
        f" VALUES ({_marks(6)})",
        [
            (key, seq, q.kind, q.text, q.speaker.name if q.speaker else None, _dumps(to_json(q)))
            for seq, q in enumerate(findings.quotes)
        ],
    )
    yield (
        "INSERT INTO places (article_hash, seq, name, geonames_id, admin1, country, lat, lon,"
        f" record) VALUES ({_marks(9)})",
        [
            (key, seq, p.name, p.geonames_id, p.admin1, p.country, p.lat, p.lon, _dumps(to_json(p)))
            for seq, p in enumerate(findings.places)
        ],
    )
    yield (
        "INSERT INTO actors (article_hash, seq, name, kind, country, sector, record)"
        f" VALUES ({_marks(7)})",
        [
            (key, seq, a.name, a.kind, a.country, a.sector, _dumps(to_json(a)))
            for seq, a in enumerate(findings.actors)
        ],
    )


def _has_nul(value: object) -> bool:
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return isinstance(value, str) and "\x00" in value


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def _event_row_folded(key: str, seq: int, event: Event) -> tuple[Any, ...]:
    loc = event.location
    folds = (
        _fold(loc.name if loc else None),
        _fold(loc.admin1 if loc else None),
        _fold(loc.admin2 if loc else None),
        event.evidence.text.casefold(),
    )
    return (*_event_row(key, seq, event), *folds)


def _event_sql(query: EventQuery) -> tuple[str, list[Any]]:
    where, params = _where(query)
    # LIMIT NULL is no limit in PostgreSQL
    sql_text = _EVENT_SELECT + where + _EVENT_ORDER + " LIMIT %s OFFSET %s"
    return sql_text, [*params, query.limit, query.offset]


def _where(query: EventQuery) -> tuple[str, list[Any]]:
    """Build a parameterised WHERE clause: user values only ever travel as parameters."""
    _check_query(query)
    clauses: list[str] = []
    params: list[Any] = []
    for clause, values in _conditions(query):
        if any(_has_nul(value) for value in values):
            clause, values = "FALSE", []  # PostgreSQL text never holds NUL: nothing matches
        clauses.append(clause)
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _conditions(query: EventQuery) -> Iterator[tuple[str, list[Any]]]:
    lists = (query.types, query.modes, query.acled_types, query.countries)
    for column, values in zip(_IN_COLUMNS, lists, strict=True):
        if values:
            yield f"{column} = ANY(%s)", [_as_list(values)]
    if query.place:
        yield _PLACE_CLAUSE, [query.place.casefold()] * 3
    if query.actor:
        yield _ACTOR_CLAUSE, [query.actor.casefold()] * 3
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
