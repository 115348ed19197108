"""SQLite store: one file, WAL journal, numbered migrations, idempotent saves by content hash.

Every record is kept as its exact JSON (so reads return what was saved) next to indexed copies
of the fields the filters use. Full-text search is a contentless FTS5 table over terms computed
in Python (rows.py), kept in step inside ``save()``. sqlite3 errors are translated here into
``StoreError`` with a message that says what to do; nothing above this module sees the driver.
What both stores do alike (saving, reading) is ``RowStore`` in ``common.py``; this module
keeps what SQLite does its own way. The SQL text is in ``sqlite_sql.py`` and ``dialect.py``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eventscribe.errors import StoreError
from eventscribe.store import rows, sqlite_sql
from eventscribe.store.common import RowStore, read_migrations

# The store's logic is shared with the PostgreSQL store (common.py), its SQL text and WHERE
# builders are in sqlite_sql.py. api_sql reads through this name, so it stays importable here.
_where = sqlite_sql.event_where

APPLICATION_ID = 0x45766963  # PRAGMA application_id set by migration 0001: "this file is ours"
_FETCH_SIZE = 500
_MAX_PARAMS = 500  # stay well under SQLite's bound-variable limit


def load_migrations() -> list[tuple[int, str]]:
    """Return the packaged SQLite migrations as (version, sql), oldest first."""
    return read_migrations("sqlite", name="SQLite")


def open_sqlite_store(path: str | Path, *, timeout: float = 5.0) -> SQLiteStore:
    """Open (creating and migrating when needed) the SQLite store at ``path``."""
    path = Path(path)
    with _translated(path, "opening"):
        connection = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    try:
        with _translated(path, "opening"):
            _prepare(connection, path, timeout=timeout)
    except BaseException:
        connection.close()
        raise
    return SQLiteStore(connection, path=path)


def _prepare(connection: sqlite3.Connection, path: Path, *, timeout: float) -> None:
    connection.create_function("es_fold", 1, _fold, deterministic=True)
    connection.execute("PRAGMA foreign_keys = ON")
    migrations = load_migrations()
    current = _schema_version(connection, path)  # before any write: never touch foreign files
    _refuse_newer(current, migrations[-1][0], path)
    _use_wal(connection, timeout=timeout)
    if current < migrations[-1][0]:
        _migrate(connection, path, migrations)


def _use_wal(connection: sqlite3.Connection, *, timeout: float) -> None:
    """Switch to WAL, waiting while another process holds the file.

    The switch needs the file to itself, and SQLite answers "database is locked" at once,
    without its busy wait, when two processes open a new file together.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _fold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _schema_version(connection: sqlite3.Connection, path: Path) -> int:
    # One statement, so one snapshot: read one by one, another process creating the same new
    # file could commit between them, and a version of 0 beside its tables looks foreign.
    row = connection.execute(
        "SELECT (SELECT user_version FROM pragma_user_version),"
        " (SELECT application_id FROM pragma_application_id),"
        " EXISTS (SELECT 1 FROM sqlite_master)"
    ).fetchone()
    version, app_id, has_tables = int(row[0]), int(row[1]), bool(row[2])
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


class SQLiteStore(RowStore):
    """The Store protocol on one SQLite file; get one from ``open_sqlite_store``."""

    _dialect = sqlite_sql.DIALECT

    def __init__(self, connection: sqlite3.Connection, *, path: Path) -> None:
        self._connection = connection
        self.path = path

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

    @contextmanager
    def _write(self) -> Iterator[None]:
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

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._connection.execute(sql, params).fetchall()

    def _stream(self, sql: str, params: Sequence[Any], *, action: str) -> Iterator[Any]:
        with self._translated(action):
            cursor = self._connection.execute(sql, params)
            while batch := cursor.fetchmany(_FETCH_SIZE):
                yield from batch

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._connection.execute(sql, params).rowcount

    def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._connection.executemany(sql, rows)

    def _forget_failure(self, key: str) -> int | None:
        # a contentless index forgets a row only when told its terms; the failure's rid is
        # reused, so the database ends up as if the article had succeeded the first time
        rid, terms = sqlite_sql.stored_terms(self._connection, key)
        self._connection.execute(
            "INSERT INTO articles_fts (articles_fts, rowid, terms) VALUES ('delete', ?, ?)",
            (rid, " ".join(terms)),
        )
        return rid

    def _insert_article_row(
        self, values: Sequence[Any], terms: list[str], *, rid: int | None
    ) -> None:
        cursor = self._connection.execute(
            f"INSERT INTO articles (rid, {rows.ARTICLE_COLUMNS})"
            f" VALUES (?, {sqlite_sql.marks(len(values))})",
            (rid, *values),  # rid None: the next free number
        )
        self._connection.execute(
            "INSERT INTO articles_fts (rowid, terms) VALUES (?, ?)",
            (cursor.lastrowid, " ".join(terms)),
        )
