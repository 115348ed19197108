"""PostgreSQL store: the SQLite store's semantics on a server, through psycopg 3.

The same tables and the same exact-JSON records as ``sqlite.py``; what differs is kept here:
migrations are recorded in ``eventscribe_migrations`` and applied under an advisory lock (two
processes may open a new database at once), writers take a second advisory lock (one writer at
a time, as SQLite's ``BEGIN IMMEDIATE``), text is sorted byte-wise (``COLLATE "C"`` in the
schema) and searched through Python-casefolded copies, so every query returns what SQLite
returns. Full-text search indexes the same Python-computed terms as SQLite (a tsvector built
with array_to_tsvector, GIN-indexed), so searches agree too. psycopg errors are translated here
into ``StoreError``; nothing above sees the driver. What both stores do alike is ``RowStore``
in ``common.py``; SQL text and PostgreSQL-only row builders are in ``postgres_sql.py`` and
``dialect.py``; the shared row builders in ``rows.py``.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from eventscribe.errors import ConfigError, StoreError
from eventscribe.store import postgres_sql, rows
from eventscribe.store.common import RowStore, read_migrations

MIGRATIONS_TABLE = "eventscribe_migrations"
MIGRATION_LOCK = 0x4576696300000001  # advisory lock keys: "Evic" + purpose
WRITE_LOCK = 0x4576696300000002
_URL_PREFIX = re.compile(r"^postgres(?:ql)?(?:\+[a-z0-9_]+)?://")
_FETCH_SIZE = 500
_CURSOR_NAMES = itertools.count(1)


def load_migrations() -> list[tuple[int, str]]:
    """Return the packaged PostgreSQL migrations as (version, sql), oldest first."""
    return read_migrations("postgres", name="PostgreSQL")


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


class PostgresStore(RowStore):
    """The Store protocol on one PostgreSQL database; get one from ``open_postgres_store``."""

    _dialect = postgres_sql.DIALECT

    def __init__(self, connection: psycopg.Connection[Any], *, where: str) -> None:
        self._connection = connection
        self.where = where  # host:port/dbname, for messages (the URL may hold a password)

    def close(self) -> None:
        """Close the database connection (safe to call twice)."""
        self._connection.close()

    def known_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Return the hashes among ``hashes`` stored successfully or as near-duplicates."""
        sql_text = "SELECT hash FROM articles WHERE status <> 'failed' AND hash = ANY(%s)"
        wanted = sorted({h for h in hashes if not postgres_sql.has_nul(h)})  # NUL: cannot be stored
        with self._translated("looking up known articles"):
            return {row[0] for row in self._rows(sql_text, (wanted,))}

    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        with _translated(self.where, action, closed=self._connection.closed):
            yield

    @contextmanager
    def _write(self) -> Iterator[None]:
        with self._connection.transaction():
            # one writer at a time, as in SQLite: the hash checks then cannot race
            self._connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield

    def _rows(self, sql_text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._connection.execute(sql_text, params).fetchall()

    def _stream(self, sql_text: str, params: Sequence[Any], *, action: str) -> Iterator[Any]:
        name = f"eventscribe_stream_{next(_CURSOR_NAMES)}"
        # WITH HOLD: the result outlives its (autocommit) transaction, so a save() made while
        # the caller iterates is committed on its own
        with self._translated(action), self._connection.cursor(name, withhold=True) as cursor:
            cursor.execute(sql_text, params)
            while batch := cursor.fetchmany(_FETCH_SIZE):
                yield from batch

    def _execute(self, sql_text: str, params: Sequence[Any] = ()) -> int:
        return self._connection.execute(sql_text, params).rowcount

    def _execute_many(self, sql_text: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._connection.cursor() as cursor:
            cursor.executemany(sql_text, rows)

    def _storable(self, *values: str) -> bool:
        return not postgres_sql.has_nul(list(values))  # as SQLite: NUL text is never found

    def _insert_article_row(
        self, values: Sequence[Any], terms: list[str], *, rid: int | None
    ) -> None:
        # rid is SQLite's row number; PostgreSQL rows need none
        self._connection.execute(
            f"INSERT INTO articles ({rows.ARTICLE_COLUMNS}, search)"
            f" VALUES ({postgres_sql.marks(len(values))}, array_to_tsvector(%s::text[]))",
            (*values, terms),
        )

    def _records(self, table: str, article_hash: str) -> list[Any]:
        query = sql.SQL("SELECT record FROM {} WHERE article_hash = %s ORDER BY seq").format(
            sql.Identifier(table)
        )
        found = self._connection.execute(query, (article_hash,)).fetchall()
        return [json.loads(r[0]) for r in found]
