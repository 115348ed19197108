"""SQLite store: one file, WAL journal, numbered migrations, idempotent saves by content hash.

Every record is kept as its exact JSON (so reads return what was saved) next to indexed copies
of the fields the filters use. sqlite3 errors are translated here into ``StoreError`` with a
message that says what to do; nothing above this module sees the driver.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from eventscribe.errors import ConfigError, StoreError
from eventscribe.records import Actor, Article, Event, Findings, from_json, to_json
from eventscribe.store.base import EventQuery, SaveResult, StoredEvent, StoreStats

APPLICATION_ID = 0x45766963  # PRAGMA application_id set by migration 0001: "this file is ours"
_MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_FETCH_SIZE = 500
_MAX_PARAMS = 500  # stay well under SQLite's bound-variable limit

_EVENT_SELECT = """
SELECT e.record, a.id, a.hash, a.title, a.url, a.source, a.published
FROM events AS e JOIN articles AS a ON a.hash = e.article_hash
"""
_EVENT_ORDER = " ORDER BY e.date IS NULL, e.date, e.event_id, e.article_hash, e.seq"
_ACTOR_CLAUSE = """EXISTS (
    SELECT 1 FROM event_actors AS x
    WHERE x.article_hash = e.article_hash AND x.event_seq = e.seq
      AND x.role IN ('source', 'target')
      AND (instr(es_fold(x.name), ?) > 0 OR instr(es_fold(x.text), ?) > 0
           OR instr(es_fold(x.aliases), ?) > 0))"""
_PLACE_CLAUSE = """(instr(es_fold(e.location_name), ?) > 0
    OR instr(es_fold(e.location_admin1), ?) > 0 OR instr(es_fold(e.location_admin2), ?) > 0)"""
_IN_COLUMNS = ("e.type", "e.mode", "e.acled_event_type", "e.location_country")


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
    connection.execute("BEGIN IMMEDIATE")
    try:
        current = _schema_version(connection, path)  # another process may have migrated meanwhile
        _refuse_newer(current, migrations[-1][0], path)
        for version, sql in migrations:
            if version > current:
                for statement in _statements(sql):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version:d}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


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


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


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
        """Return the hashes among ``hashes`` already stored successfully."""
        unique = sorted(set(hashes))
        found: set[str] = set()
        with self._translated("looking up known articles"):
            for start in range(0, len(unique), _MAX_PARAMS):
                chunk = unique[start : start + _MAX_PARAMS]
                marks = ", ".join("?" * len(chunk))
                sql = f"SELECT hash FROM articles WHERE status = 'ok' AND hash IN ({marks})"
                found.update(row[0] for row in self._connection.execute(sql, chunk))
        return found

    def save(self, items: Sequence[tuple[Article, Findings]]) -> SaveResult:
        """Store a batch of articles and findings in one transaction."""
        result = SaveResult(
            articles_added=0, articles_skipped=0, events_added=0, quotes_added=0, failures=0
        )
        with self._translated("saving a batch"), self._transaction():
            for article, findings in items:
                self._save_one(article, findings, result)
        return result

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

    def _save_one(self, article: Article, findings: Findings, result: SaveResult) -> None:
        key = article.content_hash
        row = self._connection.execute("SELECT status FROM articles WHERE hash = ?", (key,))
        status = row.fetchone()
        if status is not None and status[0] == "ok":
            result.articles_skipped += 1  # idempotent: a stored article is never rewritten
            return
        if status is not None:  # an earlier failure: replace it (cascades to its children)
            self._connection.execute("DELETE FROM articles WHERE hash = ?", (key,))
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
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key, article.id, article.title, article.published, article.url, article.source,
                article.language, article.section, article.author, article.text,
                "failed" if failed else "ok", _dumps(to_json(findings.errors)), _dumps(meta),
                _dumps(to_json(article)),
            ),
        )  # fmt: skip

    def _insert_children(self, key: str, findings: Findings) -> None:
        execute = self._connection.executemany
        execute(
            "INSERT INTO events (article_hash, seq, event_id, type, mode, acled_event_type,"
            " acled_sub_event_type, date, date_precision, location_name, location_admin1,"
            " location_admin2, location_country, location_lat, location_lon, confidence, evidence,"
            " record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_event_row(key, seq, event) for seq, event in enumerate(findings.events)],
        )
        execute(
            "INSERT INTO event_actors (article_hash, event_seq, role, position, event_id, name, text,"
            " aliases, country, sector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [row for seq, ev in enumerate(findings.events) for row in _actor_rows(key, seq, ev)],
        )
        execute(
            "INSERT INTO quotes (article_hash, seq, kind, text, speaker_name, record)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    key,
                    seq,
                    q.kind,
                    q.text,
                    q.speaker.name if q.speaker else None,
                    _dumps(to_json(q)),
                )
                for seq, q in enumerate(findings.quotes)
            ],
        )
        execute(
            "INSERT INTO places (article_hash, seq, name, geonames_id, admin1, country, lat, lon,"
            " record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    key,
                    seq,
                    p.name,
                    p.geonames_id,
                    p.admin1,
                    p.country,
                    p.lat,
                    p.lon,
                    _dumps(to_json(p)),
                )
                for seq, p in enumerate(findings.places)
            ],
        )
        execute(
            "INSERT INTO actors (article_hash, seq, name, kind, country, sector, record)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (key, seq, a.name, a.kind, a.country, a.sector, _dumps(to_json(a)))
                for seq, a in enumerate(findings.actors)
            ],
        )

    def iter_events(self, query: EventQuery) -> Iterator[StoredEvent]:
        """Yield matching events in query order without loading them all."""
        where, params = _where(query)
        limit = -1 if query.limit is None else query.limit
        sql = _EVENT_SELECT + where + _EVENT_ORDER + " LIMIT ? OFFSET ?"
        with self._translated("reading events"):
            cursor = self._connection.execute(sql, [*params, limit, query.offset])
            while rows := cursor.fetchmany(_FETCH_SIZE):
                yield from (_stored_event(row) for row in rows)

    def query_events(self, query: EventQuery) -> list[StoredEvent]:
        """Return matching events ordered by date (nulls last), then event_id."""
        return list(self.iter_events(query))

    def count_events(self, query: EventQuery) -> int:
        """Return how many events match, ignoring limit and offset."""
        where, params = _where(query)
        sql = "SELECT count(*) FROM events AS e JOIN articles AS a ON a.hash = e.article_hash"
        with self._translated("counting events"):
            return int(self._connection.execute(sql + where, params).fetchone()[0])

    def get_event(self, event_id: str) -> StoredEvent | None:
        """Return one event by id (the first in query order if ids repeat), or None."""
        sql = _EVENT_SELECT + " WHERE e.event_id = ?" + _EVENT_ORDER + " LIMIT 1"
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
        sql = """SELECT
            (SELECT count(*) FROM articles WHERE status = 'ok'),
            (SELECT count(*) FROM events),
            (SELECT count(*) FROM quotes),
            (SELECT count(DISTINCT name) FROM actors),
            (SELECT count(*) FROM articles WHERE status = 'failed')"""
        with self._translated("counting rows"):
            articles, events, quotes, actors, failures = self._connection.execute(sql).fetchone()
        return StoreStats(
            articles=articles, events=events, quotes=quotes, actors=actors, failures=failures
        )


def _event_row(key: str, seq: int, event: Event) -> tuple[Any, ...]:
    loc = event.location
    return (
        key, seq, event.event_id, event.type, event.mode, event.acled_event_type,
        event.acled_sub_event_type, event.date, event.date_precision,
        loc.name if loc else None, loc.admin1 if loc else None, loc.admin2 if loc else None,
        loc.country if loc else None, loc.lat if loc else None, loc.lon if loc else None,
        event.confidence, event.evidence.text, _dumps(to_json(event)),
    )  # fmt: skip


def _actor_rows(key: str, seq: int, event: Event) -> Iterator[tuple[Any, ...]]:
    claimed = [event.claimed_by] if event.claimed_by else []
    roles: tuple[tuple[str, list[Actor]], ...] = (
        ("source", event.source_actors),
        ("target", event.target_actors),
        ("claimed_by", claimed),
    )
    for role, actors in roles:
        for position, a in enumerate(actors):
            aliases = "\n".join(a.aliases)
            yield (
                key,
                seq,
                role,
                position,
                event.event_id,
                a.name,
                a.text,
                aliases,
                a.country,
                a.sector,
            )


def _stored_event(row: sqlite3.Row | tuple[Any, ...]) -> StoredEvent:
    record, article_id, article_hash, title, url, source, published = row
    return StoredEvent(
        event=from_json(Event, json.loads(record)),
        article_id=article_id,
        article_hash=article_hash,
        title=title,
        url=url,
        source=source,
        published=published,
    )


def _where(query: EventQuery) -> tuple[str, list[Any]]:
    """Build a parameterised WHERE clause: user values only ever travel as parameters."""
    _check_query(query)
    clauses: list[str] = []
    params: list[Any] = []
    for clause, values in _conditions(query):
        clauses.append(clause)
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _conditions(query: EventQuery) -> Iterator[tuple[str, list[Any]]]:
    lists = (query.types, query.modes, query.acled_types, query.countries)
    for column, values in zip(_IN_COLUMNS, lists, strict=True):
        if values:
            items = _as_list(values)
            yield f"{column} IN ({', '.join('?' * len(items))})", items
    if query.place:
        yield _PLACE_CLAUSE, [query.place.casefold()] * 3
    if query.actor:
        yield _ACTOR_CLAUSE, [query.actor.casefold()] * 3
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


def _as_list(values: Iterable[str] | str) -> list[str]:
    # a bare string is one value, not a sequence of letters
    return [values] if isinstance(values, str) else list(values)


def _check_query(query: EventQuery) -> None:
    for name in ("date_from", "date_to"):
        value = getattr(query, name)
        try:
            if value is not None:
                date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None
    if query.offset < 0 or (query.limit is not None and query.limit < 0):
        raise ConfigError("limit and offset must be zero or more")
