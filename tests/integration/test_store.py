"""The store suite, run on SQLite files and on a real PostgreSQL server the tests start.

Every test takes a ``store_factory`` parametrized over both backends; tests named ``test_sqlite_*``
or ``test_postgres_*`` cover what only one backend has (files, WAL, URLs, server errors).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg
import pytest

from eventscribe.errors import ConfigError, StoreError
from eventscribe.records import (
    Actor,
    Article,
    Count,
    Event,
    Evidence,
    Findings,
    Place,
    Quote,
    StageError,
    from_json,
    to_json,
)
from eventscribe.store import EventQuery, Store, open_store
from eventscribe.store import postgres as pg_store
from eventscribe.store import sqlite as sqlite_store
from eventscribe.store.base import ActorQuery, QuoteQuery, SaveResult, StoreStats
from pg_server import PgServer

HERE = Path(__file__).resolve().parent
SQLITE_LATEST = sqlite_store.load_migrations()[-1][0]


KAZERUN = Place(
    name="Kāzerūn",
    text="Kazerun",
    start=0,
    end=7,
    geonames_id=128747,
    lat=29.62,
    lon=51.65,
    admin1="Fars",
    admin2="Kazerun County",
    country="IRN",
    feature="city",
    precision="city",
    confidence=0.9,
)
PARIS = Place(
    name="Paris",
    text="Paris",
    start=0,
    end=5,
    lat=48.85,
    lon=2.35,
    admin1="Île-de-France",
    country="FRA",
    precision="city",
)


def actor(
    name: str, *, country: str | None = None, sector: str | None = None, **kw: object
) -> Actor:
    return Actor(
        name=name,
        text=str(kw.pop("text", name)),
        start=0,
        end=len(name),
        country=country,
        sector=sector,
        **kw,
    )  # type: ignore[arg-type]


def event(event_id: str, sentence: str, **kw: object) -> Event:
    kw.setdefault("type", "PROTEST")
    return Event(
        event_id=event_id, evidence=Evidence(text=sentence, start=0, end=len(sentence)), **kw
    )  # type: ignore[arg-type]


def article(n: int, text: str | None = None, **kw: object) -> Article:
    kw.setdefault("published", f"2024-05-0{n % 9 + 1}")
    return Article(
        id=f"art-{n}",
        text=text or f"Article number {n}.",
        title=f"Title {n}",
        url=f"https://example.org/{n}",
        source="Example News",
        language="en",
        **kw,
    )  # type: ignore[arg-type]


def findings_for(a: Article, events: list[Event], **kw: object) -> Findings:
    return Findings(id=a.id, title=a.title, published=a.published, events=events, **kw)  # type: ignore[arg-type]


def corpus() -> list[tuple[Article, Findings]]:
    """Four articles with events that differ in every filtered field."""
    a1, a2, a3, a4 = (article(n) for n in range(1, 5))
    e1 = event(
        "ev_a",
        'Teachers rallied in Kazerun, chanting "bread, jobs".',
        mode="demo",
        acled_event_type="Protests",
        acled_sub_event_type="Peaceful protest",
        source_actors=[actor("teachers", country="IRN", sector="EDU", aliases=["Teachers' Union"])],
        location=KAZERUN,
        date="2024-05-01",
        date_precision="day",
        confidence=0.9,
        participants=Count(min=200, max=999, text="hundreds"),
    )
    e2 = event(
        "ev_b",
        "Police arrested 12 protesters in Kazerun.",
        type="COERCE",
        mode="arrest",
        acled_event_type="Protests",
        acled_sub_event_type="Protest with intervention",
        source_actors=[actor("Police of Iran", text="Police", country="IRN", sector="COP")],
        target_actors=[actor("protesters", country="IRN", sector="CVL")],
        location=KAZERUN,
        date="2024-05-02",
        date_precision="day",
        confidence=0.7,
        arrests=Count(value=12, text="12"),
        claimed_by=actor("Amnesty International", country="NGO"),
    )
    e3 = event(
        "ev_c",
        "Farmers blocked roads near Paris.",
        mode="obstruct",
        acled_event_type="Protests",
        source_actors=[actor("farmers", country="FRA")],
        location=PARIS,
        date="2024-04-20",
        confidence=0.5,
    )
    e4 = event(
        "ev_d",
        "The minister backed the decision.",
        type="SUPPORT",
        source_actors=[actor("Ali Reza", country="IRN", sector="GOV")],
        confidence=0.3,
    )
    quote = Quote(
        text="We want our wages",
        start=10,
        end=27,
        kind="direct",
        speaker=actor("Reza Karimi"),
        speaker_text="he",
    )
    return [
        (
            a1,
            findings_for(
                a1,
                [e1],
                quotes=[quote],
                places=[KAZERUN],
                actors=[actor("teachers", country="IRN")],
            ),
        ),
        (a2, findings_for(a2, [e2], actors=[actor("Police of Iran"), actor("protesters")])),
        (a3, findings_for(a3, [e3], places=[PARIS])),
        (a4, findings_for(a4, [e4], errors=[StageError(stage="places", message="no gazetteer")])),
    ]


@dataclass
class Backend:
    """One empty database of one backend, with raw access for checks the Store API cannot make."""

    name: str  # "sqlite" or "postgres"
    target: str  # a file path or a postgresql:// URL

    @property
    def module(self) -> Any:
        return sqlite_store if self.name == "sqlite" else pg_store

    @property
    def store_class(self) -> str:
        return "SQLiteStore" if self.name == "sqlite" else "PostgresStore"

    @property
    def latest(self) -> int:
        return int(self.module.load_migrations()[-1][0])

    def open(self, **options: Any) -> Store:
        if not options:
            return open_store(self.target)
        if self.name == "sqlite":
            return sqlite_store.open_sqlite_store(self.target, **options)
        return pg_store.open_postgres_store(self.target, **options)

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        if self.name == "sqlite":
            conn = sqlite3.connect(self.target, isolation_level=None)
            try:
                return conn.execute(query).fetchall()
            finally:
                conn.close()
        with psycopg.connect(self.target, autocommit=True) as pg:
            cursor = pg.execute(query)
            return cursor.fetchall() if cursor.description else []

    def version(self) -> int:
        if self.name == "sqlite":
            return int(self.rows("PRAGMA user_version")[0][0])
        if not self.rows(f"SELECT to_regclass('{pg_store.MIGRATIONS_TABLE}')")[0][0]:
            return 0
        return int(self.rows(f"SELECT max(version) FROM {pg_store.MIGRATIONS_TABLE}")[0][0])

    def set_version(self, version: int) -> None:
        if self.name == "sqlite":
            self.rows(f"PRAGMA user_version = {version:d}")
        else:
            self.rows(f"INSERT INTO {pg_store.MIGRATIONS_TABLE} VALUES ({version:d})")

    def tables(self) -> set[str]:
        if self.name == "sqlite":
            found = self.rows("SELECT name FROM sqlite_master WHERE type='table'")
        else:
            found = self.rows("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return {row[0] for row in found}

    def dump(self) -> dict[str, list[tuple[object, ...]]]:
        """Every table's rows, sorted, plus the schema version: compares content, not bytes.

        SQLite's full-text index is compared by what it holds (term, row, position), not by
        its shadow tables' bytes, which depend on how many writes built it.
        """
        tables = {t for t in self.tables() if not t.startswith("articles_fts")}
        out = {t: sorted(self.rows(f'SELECT * FROM "{t}"'), key=repr) for t in tables}
        if self.name == "sqlite" and "articles_fts" in self.tables():
            out["articles_fts"] = self.fts_terms()
        out["version"] = [(self.version(),)]
        return out

    def fts_terms(self) -> list[tuple[object, ...]]:
        """Every (term, rowid, column, offset) the SQLite full-text index holds, sorted."""
        conn = sqlite3.connect(self.target, isolation_level=None)
        try:
            conn.execute(
                "CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, articles_fts, instance)"
            )
            return sorted(conn.execute("SELECT * FROM temp.vocab").fetchall(), key=repr)
        finally:
            conn.close()

    @contextmanager
    def write_locked(self) -> Iterator[None]:
        """Hold the write lock from another connection, as a second writer process would."""
        if self.name == "sqlite":
            blocker = sqlite3.connect(self.target, isolation_level=None)
            blocker.execute("BEGIN EXCLUSIVE")
            try:
                yield
            finally:
                blocker.execute("ROLLBACK")
                blocker.close()
            return
        with psycopg.connect(self.target, autocommit=True) as pg:
            pg.execute("SELECT pg_advisory_lock(%s)", (pg_store.WRITE_LOCK,))
            yield


Factory = Callable[[], Backend]


@pytest.fixture(params=["sqlite", "postgres"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Factory]:
    """Make empty databases of one backend (the PostgreSQL server starts on first use)."""
    made: list[Backend] = []
    server: PgServer | None = None
    if request.param == "postgres":
        server = request.getfixturevalue("pg_server")

    def make() -> Backend:
        target = (
            str(tmp_path / f"events{len(made)}.db") if server is None else server.new_database()
        )
        made.append(Backend(request.param, target))
        return made[-1]

    yield make
    for backend in made:
        if server is not None:
            server.drop_database(backend.target)


@pytest.fixture
def db(store_factory: Factory) -> Backend:
    return store_factory()


@pytest.fixture
def filled(db: Backend) -> Iterator[Store]:
    store = db.open()
    store.save(corpus())
    yield store
    store.close()


def ids(store: Store, **kw: object) -> list[str]:
    return [s.event.event_id for s in store.query_events(EventQuery(**kw))]  # type: ignore[arg-type]


@pytest.fixture
def pg_db(pg_server: PgServer) -> Iterator[Backend]:
    """One empty PostgreSQL database, for the tests only that backend has."""
    backend = Backend("postgres", pg_server.new_database())
    yield backend
    pg_server.drop_database(backend.target)


@contextmanager
def socket_port() -> Iterator[int]:
    """A loopback port that is bound but not listening, so connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


CLI_TEXT_1 = (
    "Hundreds of teachers protested in Shiraz on Monday, demanding higher wages. "
    "Police arrested 12 protesters near the governor's office, witnesses said."
)
CLI_TEXT_2 = (
    "Thousands of farmers marched in Lyon on Tuesday against new water rules. "
    "The march ended peacefully in the afternoon."
)


# --- opening and migrations ---------------------------------------------------------------


def test_open_creates_schema(db: Backend) -> None:
    with db.open():
        pass
    assert db.version() == db.latest >= 1
    assert {"articles", "events", "event_actors", "quotes", "places", "actors"} <= db.tables()


def test_sqlite_open_creates_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    with open_store(path):
        pass
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SQLITE_LATEST >= 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == sqlite_store.APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert {"articles", "events", "event_actors", "quotes", "places", "actors"} <= tables


def test_reopening_an_up_to_date_db_changes_nothing(db: Backend) -> None:
    with db.open() as store:
        store.save(corpus())
    before = db.dump()
    target = f"sqlite:///{db.target}" if db.name == "sqlite" else db.target
    with open_store(target) as store:
        assert store.stats().events == 4
    assert db.dump() == before


def test_later_migrations_are_applied_once_in_order(
    db: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.open() as store:
        store.save(corpus()[:1])
    extra = "CREATE TABLE notes (body TEXT); -- a comment; with semicolons\nINSERT INTO notes VALUES ('x;y');"
    shipped = db.module.load_migrations()
    monkeypatch.setattr(db.module, "load_migrations", lambda: [*shipped, (len(shipped) + 1, extra)])
    for _ in range(2):  # the second open finds the DB up to date and changes nothing
        with db.open() as store:
            assert store.stats().articles == 1
    after = db.dump()
    assert after["notes"] == [("x;y",)]
    assert after["version"] == [(len(shipped) + 1,)]


def test_a_failing_migration_leaves_the_db_as_it_was(
    db: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.open() as store:
        store.save(corpus()[:1])
    before = db.dump()
    broken = "CREATE TABLE half (x TEXT);\nINSERT INTO no_such_table VALUES (1);"
    shipped = db.module.load_migrations()
    monkeypatch.setattr(
        db.module, "load_migrations", lambda: [*shipped, (len(shipped) + 1, broken)]
    )
    with pytest.raises(StoreError, match="no_such_table"):
        db.open()
    assert db.dump() == before  # no half table, version unchanged


def test_newer_schema_version_is_refused(db: Backend) -> None:
    db.open().close()
    db.set_version(db.latest + 1)
    with pytest.raises(StoreError, match="newer eventscribe"):
        db.open()


def test_concurrent_opens_of_a_new_db_migrate_once(db: Backend) -> None:
    errors: list[BaseException] = []

    def open_and_count() -> None:
        try:
            with db.open() as store:
                assert store.stats().articles == 0
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=open_and_count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert db.version() == db.latest
    if db.name == "postgres":
        recorded = db.rows(f"SELECT version FROM {pg_store.MIGRATIONS_TABLE} ORDER BY version")
        assert recorded == [(v,) for v in range(1, db.latest + 1)]  # each version once


def test_sqlite_a_non_database_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is plain text, not SQLite\n" * 50)
    with pytest.raises(StoreError, match="not an eventscribe database"):
        open_store(path)


def test_sqlite_a_foreign_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE birds (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an eventscribe database"):
        open_store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
    conn.close()


def test_sqlite_missing_folder_gives_advice(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder exists"):
        open_store(tmp_path / "no" / "such" / "dir" / "events.db")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("mysql://host/db", "unknown database URL scheme"),
        ("", "empty database path"),
        ("postgresql://host/db?nosuchoption=1", "invalid PostgreSQL URL"),
    ],
)
def test_open_store_rejects_other_targets(target: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        open_store(target)


def test_postgres_url_forms_all_open_the_same_database(pg_server: PgServer) -> None:
    url = pg_server.new_database()
    rest = url.removeprefix("postgresql://")
    for form in (url, f"postgres://{rest}", f"postgresql+psycopg://{rest}"):
        with open_store(form) as store:
            assert store.stats().articles == 0
    pg_server.drop_database(url)


def test_postgres_cannot_connect_gives_advice(pg_server: PgServer) -> None:
    with socket_port() as port:  # bound but not listening: refused at once
        url = f"postgresql://someone:secret-pw@127.0.0.1:{port}/events"
        with pytest.raises(StoreError) as caught:
            open_store(url)
    message = str(caught.value)
    assert message.startswith(f"cannot connect to PostgreSQL at 127.0.0.1:{port} (")
    assert message.endswith("; check that the server runs and the URL")
    assert "secret-pw" not in message


def test_postgres_missing_database_gives_advice(pg_server: PgServer) -> None:
    with pytest.raises(StoreError, match=r"no database 'nosuchdb'.*createdb nosuchdb"):
        open_store(pg_server.url("nosuchdb"))


def test_postgres_a_database_with_clashing_tables_is_refused_and_left_untouched(
    pg_db: Backend,
) -> None:
    db = pg_db
    db.rows("CREATE TABLE articles (title TEXT)")
    with pytest.raises(StoreError, match="already has tables named like eventscribe's"):
        db.open()
    assert db.tables() == {"articles"}


def test_a_locked_database_gives_advice(db: Backend) -> None:
    db.open().close()
    with (
        db.write_locked(),
        db.open(timeout=0.05) as store,
        pytest.raises(StoreError, match="locked"),
    ):
        store.save(corpus()[:1])
    with db.open() as store:  # the lock is gone: the batch goes in
        assert store.save(corpus()[:1]).articles_added == 1


# --- saving ------------------------------------------------------------------------------


def test_save_counts_and_stats(db: Backend) -> None:
    with db.open() as store:
        result = store.save(corpus())
        stats = store.stats()
    assert (result.articles_added, result.articles_skipped, result.events_added) == (4, 0, 4)
    assert (result.quotes_added, result.failures) == (1, 0)
    assert (stats.articles, stats.events, stats.quotes, stats.failures) == (4, 4, 1, 0)
    assert stats.actors == 3  # distinct canonical names in Findings.actors


def test_save_is_idempotent(db: Backend) -> None:
    items = corpus()
    with db.open() as store:
        store.save(items)
        before = db.dump()
        again = store.save(items)
        assert store.known_hashes([a.content_hash for a, _ in items] + ["nope"]) == {
            a.content_hash for a, _ in items
        }
    assert (again.articles_added, again.articles_skipped, again.events_added) == (0, 4, 0)
    assert db.dump() == before


def test_a_stored_article_is_never_rewritten(db: Backend) -> None:
    a, f = corpus()[0]
    with db.open() as store:
        store.save([(a, f)])
        before = db.dump()
        other = findings_for(a, [event("ev_new", "Something else entirely.")])
        assert store.save([(a, other)]).articles_skipped == 1
    assert db.dump() == before


def test_failures_are_stored_replaced_identically_then_by_success(db: Backend) -> None:
    a = article(7, text="Un texte en français.")
    failed = findings_for(
        a,
        [],
        places=[PARIS],
        errors=[StageError(stage="ingest", message="language fr not supported")],
    )
    with db.open() as store:
        assert store.save([(a, failed)]).failures == 1
        assert store.known_hashes([a.content_hash]) == set()
        assert store.get_article(a.content_hash) == (a, failed)
        stats = store.stats()
        assert (stats.articles, stats.failures) == (0, 1)
        before = db.dump()
        assert store.save([(a, failed)]).failures == 1
        assert db.dump() == before
        good = findings_for(a, [event("ev_fr", "Des manifestants à Paris.", location=PARIS)])
        assert store.save([(a, good)]).articles_added == 1
        assert store.get_article(a.content_hash) == (a, good)
        assert store.known_hashes([a.content_hash]) == {a.content_hash}
        stats = store.stats()
    assert (stats.articles, stats.failures, stats.events) == (1, 0, 1)
    assert db.dump()["places"] == []  # the failure's children went with it (foreign keys on)
    assert db.rows("SELECT status, errors FROM articles") == [("ok", "[]")]


def test_errors_with_events_is_not_a_failure(filled: Store) -> None:
    a, f = corpus()[3]
    assert f.errors and f.events
    assert filled.known_hashes([a.content_hash]) == {a.content_hash}
    assert filled.get_article(a.content_hash) == (a, f)


def test_crash_mid_batch_keeps_earlier_batches_and_resume_matches_a_clean_run(
    store_factory: Factory,
) -> None:
    items = corpus()
    batch1, batch2 = items[:2], items[2:]
    clean = store_factory()
    with clean.open() as store:
        store.save(batch1)
        store.save(batch2)
    crashed = store_factory()
    with crashed.open() as store:
        store.save(batch1)
        after_batch1 = crashed.dump()
        broken = event("ev_x", "Broken.", confidence=float("nan"))  # not valid JSON: save fails
        a3, f3 = batch2[0]
        with pytest.raises(ValueError):
            store.save([batch2[1], (a3, findings_for(a3, [*f3.events, broken]))])
        assert crashed.dump() == after_batch1
        assert ids(store) == ["ev_a", "ev_b"]  # still usable
        todo = [
            (a, f)
            for a, f in items
            if a.content_hash not in store.known_hashes([x.content_hash for x, _ in items])
        ]
        assert todo == batch2
        store.save(todo)
    assert crashed.dump() == clean.dump()


def test_a_killed_process_loses_only_its_open_batch(db: Backend) -> None:
    """Kill the interpreter inside save() (no rollback runs): earlier batches are kept."""
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path[:0] = [{str(HERE)!r}, {str(HERE.parent)!r}]
        from test_store import corpus
        from eventscribe.store import open_store
        from {db.module.__name__} import {db.store_class} as StoreClass
        store = open_store({db.target!r})
        items = corpus()
        store.save(items[:2])
        original = StoreClass._insert_children
        def die(self, key, findings):
            original(self, key, findings)
            if findings.id == "art-4":
                os._exit(3)
        StoreClass._insert_children = die
        store.save(items[2:])
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == 3, proc.stderr.decode()
    with db.open() as store:
        assert ids(store) == ["ev_a", "ev_b"]
        assert store.stats().articles == 2
        store.save(corpus())
        assert store.stats().articles == 4


# --- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["ev_c", "ev_a", "ev_b", "ev_d"]),  # by date, undated last
        ({"types": ("PROTEST",)}, ["ev_c", "ev_a"]),
        ({"types": "COERCE"}, ["ev_b"]),  # a bare string is one value
        ({"modes": ("arrest", "obstruct")}, ["ev_c", "ev_b"]),
        ({"acled_types": ("Protests",)}, ["ev_c", "ev_a", "ev_b"]),
        ({"countries": ("FRA",)}, ["ev_c"]),
        ({"place": "KĀZERŪN"}, ["ev_a", "ev_b"]),  # case-insensitive beyond ASCII
        ({"place": "île-de"}, ["ev_c"]),  # admin1
        ({"place": "kazerun county"}, ["ev_a", "ev_b"]),  # admin2
        ({"actor": "POLICE"}, ["ev_b"]),
        ({"actor": "protesters"}, ["ev_b"]),  # a target
        ({"actor": "union"}, ["ev_a"]),  # an alias
        ({"actor": "amnesty"}, []),  # claimed_by is not a source or target
        ({"text": "BREAD, JOBS"}, ["ev_a"]),
        ({"date_from": "2024-05-01"}, ["ev_a", "ev_b"]),
        ({"date_to": "2024-05-01"}, ["ev_c", "ev_a"]),
        ({"date_from": "2024-05-02", "date_to": "2024-05-02"}, ["ev_b"]),
        ({"min_confidence": 0.7}, ["ev_a", "ev_b"]),
        ({"article_id": "art-3"}, ["ev_c"]),
        ({"types": ("PROTEST", "COERCE"), "countries": ("IRN",), "min_confidence": 0.8}, ["ev_a"]),
        ({"actor": "x' OR 1=1 --"}, []),  # parameters, never SQL text
        ({"place": "%"}, []),  # no LIKE wildcards either
    ],
)
def test_filters(filled: Store, query: dict[str, object], expected: list[str]) -> None:
    assert ids(filled, **query) == expected
    assert filled.count_events(EventQuery(**query, limit=1)) == len(expected)  # type: ignore[arg-type]


def test_casefold_matching_beyond_lower(db: Backend) -> None:
    """Matching is str.casefold on both backends: "ß" matches "SS", "ǅ" matches "ǆ"."""
    a = article(8)
    e = event("ev_s", "Marchers filled the Hauptstraße.", location=replace(PARIS, admin2="ǅemal"))
    with db.open() as store:
        store.save([(a, findings_for(a, [e]))])
        assert ids(store, text="HAUPTSTRASSE") == ["ev_s"]
        assert ids(store, place="ǆEMAL") == ["ev_s"]
        assert ids(store, place="Ǆemal") == ["ev_s"]


@pytest.mark.parametrize(
    "query",
    [{"place": "\x00"}, {"actor": "a\x00"}, {"text": "\x00"}, {"types": ["PROTEST\x00"]}],
)
def test_a_nul_in_a_filter_matches_nothing(filled: Store, query: dict[str, object]) -> None:
    """PostgreSQL text cannot hold NUL; both backends answer "no match", not an error."""
    assert ids(filled, **query) == []
    assert filled.count_events(EventQuery(**query)) == 0  # type: ignore[arg-type]
    assert filled.get_event("ev_a\x00") is None
    assert filled.get_article("\x00") is None
    assert filled.known_hashes(["\x00"]) == set()


def test_text_is_ordered_byte_wise(db: Backend) -> None:
    """Ties on date sort by event_id in byte order, whatever the server's collation."""
    a = article(9)
    names = ["ev_é", "ev_a", "ev_B", "ev_Z", "ev_e", "ev_É"]
    events = [event(n, f"Protest {n}.", date="2024-06-01") for n in names]
    events += [event(f"{n}_undated", f"Protest {n}.") for n in ("ev_a", "ev_B")]
    with db.open() as store:
        store.save([(a, findings_for(a, events))])
        assert ids(store) == [
            *sorted(names, key=lambda n: n.encode()),
            "ev_B_undated",
            "ev_a_undated",
        ]
        assert ids(store, date_from="2024-06-01", date_to="2024-06-01", limit=None) == sorted(
            names, key=lambda n: n.encode()
        )


def test_paging_and_streaming(filled: Store) -> None:
    assert ids(filled, limit=2) == ["ev_c", "ev_a"]
    assert ids(filled, limit=2, offset=2) == ["ev_b", "ev_d"]
    assert ids(filled, limit=2, offset=4) == []
    assert ids(filled, limit=0) == []
    streamed = [s.event.event_id for s in filled.iter_events(EventQuery(limit=None))]
    assert streamed == ["ev_c", "ev_a", "ev_b", "ev_d"]
    assert filled.count_events(EventQuery(limit=1, offset=3)) == 4


def test_streaming_many_events_and_saving_meanwhile(db: Backend) -> None:
    """iter_events crosses fetch batches in order, and a save made mid-stream is committed."""
    a = article(10)
    many = [event(f"ev_{n:04d}", f"Protest number {n}.", date="2024-07-01") for n in range(1234)]
    with db.open() as store:
        store.save([(a, findings_for(a, many))])
        stream = store.iter_events(EventQuery(limit=None, offset=4))
        first = next(stream)
        b = article(11)
        assert store.save([(b, findings_for(b, [event("ev_late", "Late.")]))]).articles_added == 1
        with db.open() as other:  # another connection sees the save at once
            assert other.stats().articles == 2
        rest = [s.event.event_id for s in stream]
    assert [first.event.event_id, *rest] == [f"ev_{n:04d}" for n in range(4, 1234)]


@pytest.mark.parametrize("bad", [{"date_from": "May 2024"}, {"offset": -1}, {"limit": -5}])
def test_bad_queries_are_config_errors(filled: Store, bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        filled.query_events(EventQuery(**bad))  # type: ignore[arg-type]


def test_get_event_round_trip(filled: Store) -> None:
    expected = {e.event_id: (a, e) for a, f in corpus() for e in f.events}
    for event_id, (a, e) in expected.items():
        stored = filled.get_event(event_id)
        assert stored is not None
        assert stored.event == e
        assert from_json(Event, to_json(stored.event)) == e
        assert (stored.article_id, stored.article_hash) == (a.id, a.content_hash)
        assert (stored.title, stored.url, stored.source, stored.published) == (
            a.title,
            a.url,
            a.source,
            a.published,
        )
    assert filled.get_event("ev_missing") is None


def test_get_article_round_trip(filled: Store) -> None:
    for a, f in corpus():
        assert filled.get_article(a.content_hash) == (a, f)
    assert filled.get_article("0" * 64) is None


def test_closed_store_raises_store_error(db: Backend) -> None:
    store = db.open()
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.stats()


def test_postgres_lost_connection_gives_advice(pg_db: Backend) -> None:
    with pg_db.open() as store:
        pg_db.rows(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'eventscribe' AND datname = current_database()"
        )
        with pytest.raises(StoreError, match=r"lost the connection to PostgreSQL at 127\.0\.0\.1"):
            store.stats()


# --- the CLI -----------------------------------------------------------------------------


@pytest.mark.model
def test_postgres_cli_run_then_events(pg_db: Backend, tmp_path: Path) -> None:
    """`eventscribe run --db postgresql://...` then `eventscribe events`, as a user types them."""
    exe = str(Path(sys.executable).with_name("eventscribe"))
    articles = tmp_path / "articles.jsonl"
    rows = [
        {"id": "pg-1", "published": "2024-03-05", "text": CLI_TEXT_1},
        {"id": "pg-2", "published": "2024-03-06", "text": CLI_TEXT_2},
    ]
    articles.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "EVENTSCRIBE_DB"}
    for attempt in range(2):  # the second run finds both articles stored and adds nothing
        done = subprocess.run(
            [exe, "run", "--quiet", "--db", pg_db.target, str(articles)],
            capture_output=True, text=True, timeout=600, env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert ("new 2" if attempt == 0 else "already stored 2") in done.stdout
    listed = subprocess.run(
        [exe, "events", "--db", pg_db.target, "--json", "--limit", "100"],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    events = [json.loads(line) for line in listed.stdout.splitlines()]
    assert events and {"PROTEST"} <= {e["type"] for e in events}
    assert pg_db.rows("SELECT count(*) FROM events") == [(len(events),)]
    assert pg_db.rows("SELECT id FROM articles ORDER BY id") == [("pg-1",), ("pg-2",)]


# --- full-text search ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("kazerun", ["ev_a", "ev_b"]),  # evidence
        ("KAZERUN police", ["ev_b"]),  # every word must appear
        ("Kāzerūn", ["ev_a", "ev_b"]),  # accents ignored both ways
        ("polic*", ["ev_b"]),  # a prefix
        ("polic", []),  # a word, not a substring
        ("title", ["ev_c", "ev_a", "ev_b", "ev_d"]),  # the article's title
        ("number 3", ["ev_c"]),  # the article's text
        ("BREAD, jobs!", ["ev_a"]),  # punctuation is not part of words
        ("near", ["ev_c"]),  # an FTS5 operator name is just a word
        ("AND", []),
        ("kazerun OR paris", []),  # no operators: "or" is a word too
        ("kazerun -police", ["ev_b"]),  # no NOT either
        ('"kazerun', ["ev_a", "ev_b"]),
        ("NEAR(kazerun police)", []),  # "near" is not in ev_a/ev_b's articles
        ("evidence:kazerun", []),  # no column filters
        ("^teachers", ["ev_a"]),
        ('"', ["ev_c", "ev_a", "ev_b", "ev_d"]),  # no words: no filter
        ("*", ["ev_c", "ev_a", "ev_b", "ev_d"]),
        ("", ["ev_c", "ev_a", "ev_b", "ev_d"]),
        ("x' OR 1=1 --", []),
        ("kaz\x00erun", []),  # a NUL splits words; never an error
    ],
)
def test_search_events(filled: Store, search: str, expected: list[str]) -> None:
    assert ids(filled, search=search) == expected
    assert filled.count_events(EventQuery(search=search)) == len(expected)


def test_search_combines_with_filters_and_pages(filled: Store) -> None:
    assert ids(filled, search="kazerun", types=("COERCE",)) == ["ev_b"]
    assert ids(filled, search="title", limit=2, offset=1) == ["ev_a", "ev_b"]
    assert ids(filled, search="kazerun", min_confidence=0.8) == ["ev_a"]


@pytest.mark.parametrize(
    "text", ['"', "AND", "*", "OR NOT", "(", 'a"b', "NEAR(x y)", "col:term", "^", "''", "\\", "-"]
)
def test_search_input_is_never_a_syntax_error(filled: Store, text: str) -> None:
    found = filled.search_articles(text)
    assert filled.count_articles(text) == len(found)
    assert filled.count_events(EventQuery(search=text)) in (0, 4)


def test_search_articles(filled: Store) -> None:
    found = filled.search_articles("kazerun")
    assert [s.id for s in found] == ["art-2", "art-1"]  # newest first
    first = found[1]
    a1 = corpus()[0][0]
    assert (first.hash, first.title, first.published, first.url) == (
        a1.content_hash,
        a1.title,
        a1.published,
        a1.url,
    )
    assert (first.source, first.language, first.status, first.duplicate_of, first.events) == (
        "Example News",
        "en",
        "ok",
        None,
        1,
    )
    assert [s.id for s in filled.search_articles(None)] == ["art-4", "art-3", "art-2", "art-1"]
    assert [s.id for s in filled.search_articles("title", limit=2, offset=1)] == ["art-3", "art-2"]
    assert filled.search_articles("title", limit=0) == []
    assert filled.count_articles("kazerun") == 2
    assert filled.count_articles() == 4
    with pytest.raises(ConfigError):
        filled.search_articles("x", offset=-1)


def test_replacing_a_failure_leaves_the_rows_of_a_first_success(store_factory: Factory) -> None:
    """The replaced failure's search terms go, and the row keeps its number: dumps are equal."""
    a, b = article(30, text="Un texte en français."), article(31, text="Another text.")
    failed = findings_for(a, [], errors=[StageError(stage="parse", message="timeout")])
    good = findings_for(a, [event("ev_fr", "Des manifestants à Paris.", location=PARIS)])
    direct, replaced = store_factory(), store_factory()
    with direct.open() as store:
        store.save([(a, good), (b, findings_for(b, []))])
    with replaced.open() as store:
        store.save([(a, failed), (b, findings_for(b, []))])
        assert ids(store, search="manifestants") == []
        store.save([(a, good)])
        assert ids(store, search="manifestants francais") == ["ev_fr"]
    assert replaced.dump() == direct.dump()


# --- near-duplicates and signatures --------------------------------------------------------


def test_duplicates_are_stored_known_and_linked(db: Backend) -> None:
    items = corpus()
    original = items[0][0]
    copy = article(40, text=original.text + " Reprinted.")
    with db.open() as store:
        result = store.save(
            items,
            duplicates=[(copy, original.content_hash)],
            signatures=[(original.content_hash, b"\x01" * 8), (copy.content_hash, b"\x02" * 8)],
        )
        assert (result.articles_added, result.duplicates_added, result.events_added) == (4, 1, 4)
        assert store.known_hashes([copy.content_hash]) == {copy.content_hash}
        assert store.duplicates_of(original.content_hash) == [copy.content_hash]
        assert store.duplicates_of(copy.content_hash) == []
        stored = store.get_article(copy.content_hash)
        assert stored is not None and stored[0] == copy
        assert (stored[1].events, stored[1].id, stored[1].title) == ([], copy.id, copy.title)
        stats = store.stats()
        assert (stats.articles, stats.duplicates, stats.failures, stats.events) == (4, 1, 0, 4)
        summary = store.search_articles("reprinted")
        assert [(s.id, s.status, s.duplicate_of, s.events) for s in summary] == [
            ("art-40", "duplicate", original.content_hash, 0)
        ]
        before = db.dump()
        again = store.save(items, duplicates=[(copy, original.content_hash)])
        assert (again.articles_skipped, again.duplicates_added) == (5, 0)
        copy_processed = findings_for(copy, [event("ev_copy", "Copied.")])
        assert store.save([(copy, copy_processed)]).articles_skipped == 1  # never rewritten
    assert db.dump() == before
    assert db.rows("SELECT status, duplicate_of FROM articles WHERE id = 'art-40'") == [
        ("duplicate", original.content_hash)
    ]


def test_signatures_keep_their_first_value_and_save_order(db: Backend) -> None:
    with db.open() as store:
        store.save([], signatures=[("h3", b"three"), ("h1", b"one")])
        store.save_signatures([("h2", b"two"), ("h1", b"changed"), ("h2", b"again")])
        before = db.dump()
        store.save_signatures([("h1", b"one"), ("h3", b"x")])
        assert list(store.iter_signatures()) == [("h3", b"three"), ("h1", b"one"), ("h2", b"two")]
    assert db.dump() == before
    assert db.rows("SELECT seq FROM signatures ORDER BY seq") == [(1,), (2,), (3,)]  # no gaps


def test_signatures_warm_a_near_duplicate_index(db: Backend) -> None:
    """A new process finds copies of articles an earlier run stored."""
    from eventscribe.resolve import NearDuplicateIndex

    story = (
        "Thousands of nurses marched through the capital on Monday to demand safer staffing, "
        "better pay and an end to compulsory overtime in public hospitals across the country."
    )
    other = "The central bank kept interest rates unchanged for the third month in a row."
    first = NearDuplicateIndex()
    for key, text in (("h-story", story), ("h-other", other)):
        assert first.add(key, text) is None
    with db.open() as store:
        store.save_signatures([(key, first.signature(key)) for key in ("h-story", "h-other")])
    warmed = NearDuplicateIndex()
    with db.open() as store:
        for key, signature in store.iter_signatures():
            warmed.add_signature(key, signature)
    assert warmed.add("h-copy", story + " Reporting by our staff.") == "h-story"
    assert (
        warmed.add("h-new", "Farmers blocked a motorway with tractors to protest fuel taxes.")
        is None
    )


# --- actors, quotes, places ----------------------------------------------------------------


def speaking_corpus() -> list[tuple[Article, Findings]]:
    """Two articles where the police act twice, a minister speaks twice, and aliases differ."""
    police = actor("Police of Iran", text="riot police", country="IRN", sector="COP")
    crowd = actor("protesters", country="IRN", sector="CVL")
    minister = actor("Stef Blok", text="the Dutch minister", country="NLD", sector="GOV",
                     aliases=["Blok", "Foreign Minister Blok"])  # fmt: skip
    ncri = actor("NCRI", country="IRN", sector="OPP", aliases=["Iranian Resistance"])
    a, b = article(50, published="2024-06-01"), article(51, published="2024-06-03")
    ev = [
        event("ev_p1", "Riot police beat protesters.", type="ASSAULT", source_actors=[police],
              target_actors=[crowd], claimed_by=ncri),
        event("ev_p2", "Police arrested protesters.", type="COERCE", source_actors=[police],
              target_actors=[crowd]),
        event("ev_m1", "Blok backed the protesters.", type="SUPPORT", source_actors=[minister],
              target_actors=[crowd]),
    ]  # fmt: skip
    q = [
        Quote(text="Stop the violence", start=0, end=17, kind="direct", speaker=minister),
        Quote(text="We stand with the people", start=20, end=44, kind="indirect", speaker=minister),
        Quote(text="The Regime is corrupt", start=50, end=70, kind="direct", speaker=ncri),
        Quote(text="Nobody knows who said this", start=80, end=100, kind="direct"),
    ]
    return [
        (a, findings_for(a, ev[:2], quotes=[q[2], q[3]])),
        (b, findings_for(b, ev[2:], quotes=q[:2])),
    ]


def counts(store: Store, **kw: Any) -> list[tuple[object, ...]]:
    return [
        (c.name, c.country, c.sector, c.as_source, c.as_target, c.as_claimant, c.quotes, c.total)
        for c in store.actor_counts(ActorQuery(**kw))
    ]


def test_actor_counts(db: Backend) -> None:
    with db.open() as store:
        store.save(speaking_corpus())
        assert counts(store) == [
            ("Stef Blok", "NLD", "GOV", 1, 0, 0, 2, 3),
            ("protesters", "IRN", "CVL", 0, 3, 0, 0, 3),
            ("NCRI", "IRN", "OPP", 0, 0, 1, 1, 2),
            ("Police of Iran", "IRN", "COP", 2, 0, 0, 0, 2),
        ]  # by total, then name byte-wise ("S" sorts before "p")
        assert [c[0] for c in counts(store, limit=2, offset=1)] == ["protesters", "NCRI"]
        assert [c[0] for c in counts(store, name="OLIC")] == ["Police of Iran"]
        assert [c[0] for c in counts(store, country="IRN", sector="OPP")] == ["NCRI"]
        assert counts(store, country="FRA") == []
        assert counts(store, name="\x00") == []
        with pytest.raises(ConfigError):
            store.actor_counts(ActorQuery(limit=-1))


def test_actor_counts_keep_country_and_sector_apart(filled: Store) -> None:
    names = [(c.name, c.country, c.sector, c.total) for c in filled.actor_counts(ActorQuery())]
    assert names == [  # all total 1: byte order of names, uppercase first
        ("Ali Reza", "IRN", "GOV", 1),
        ("Amnesty International", "NGO", None, 1),
        ("Police of Iran", "IRN", "COP", 1),
        ("Reza Karimi", None, None, 1),
        ("farmers", "FRA", None, 1),
        ("protesters", "IRN", "CVL", 1),
        ("teachers", "IRN", "EDU", 1),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Stop the violence", "We stand with the people", "The Regime is corrupt",
              "Nobody knows who said this"]),  # newest article first, then article order
        ({"speaker": "BLOK"}, ["Stop the violence", "We stand with the people"]),
        ({"speaker": "dutch minister"}, ["Stop the violence", "We stand with the people"]),
        ({"speaker": "resistance"}, ["The Regime is corrupt"]),  # an alias
        ({"text": "REGIME"}, ["The Regime is corrupt"]),
        ({"article_id": "art-50"}, ["The Regime is corrupt", "Nobody knows who said this"]),
        ({"kind": "indirect"}, ["We stand with the people"]),
        ({"kind": "direct", "speaker": "blok"}, ["Stop the violence"]),
        ({"limit": 2, "offset": 1}, ["We stand with the people", "The Regime is corrupt"]),
        ({"speaker": "%"}, []),
        ({"text": "\x00"}, []),
    ],
)  # fmt: skip
def test_query_quotes(db: Backend, query: dict[str, Any], expected: list[str]) -> None:
    with db.open() as store:
        store.save(speaking_corpus())
        found = store.query_quotes(QuoteQuery(**query))
        assert [s.quote.text for s in found] == expected
        assert store.count_quotes(QuoteQuery(**{**query, "limit": 1})) == len(
            store.query_quotes(QuoteQuery(**{**query, "limit": None, "offset": 0}))
        )


def test_stored_quote_round_trip(filled: Store) -> None:
    a, f = corpus()[0]
    (found,) = filled.query_quotes(QuoteQuery())
    assert found.quote == f.quotes[0]
    assert (found.article_id, found.article_hash, found.title, found.url, found.published) == (
        a.id,
        a.content_hash,
        a.title,
        a.url,
        a.published,
    )


def test_place_counts(filled: Store) -> None:
    rows = [
        (p.name, p.geonames_id, p.admin1, p.country, p.lat, p.lon, p.events)
        for p in filled.place_counts()
    ]
    assert rows == [
        ("Kāzerūn", 128747, "Fars", "IRN", 29.62, 51.65, 2),
        ("Paris", None, "Île-de-France", "FRA", 48.85, 2.35, 1),
    ]
    assert [p.name for p in filled.place_counts(limit=1, offset=1)] == ["Paris"]
    coerce = filled.place_counts(EventQuery(types=("COERCE",)))
    assert [(p.name, p.events) for p in coerce] == [("Kāzerūn", 1)]
    assert filled.place_counts(EventQuery(search="farmers"))[0].name == "Paris"
    with pytest.raises(ConfigError):
        filled.place_counts(offset=-2)


# --- clusters ------------------------------------------------------------------------------


def three_reports() -> list[tuple[Article, Findings]]:
    """One protest told by three outlets, with different death tolls and claimants."""
    out = []
    for n, (deaths, claimant) in enumerate([(2, None), (3, "NCRI"), (5, "Amnesty")]):
        a = article(60 + n, published="2024-05-02")
        e = event(
            f"ev_r{n}", f"Protesters marched in Kazerun; {deaths} died.", date="2024-05-01",
            date_precision="day", location=KAZERUN,
            fatalities=Count(value=deaths, text=str(deaths)),
            claimed_by=actor(claimant) if claimant else None,
            source_actors=[actor("protesters", country="IRN")],
        )  # fmt: skip
        out.append((a, findings_for(a, [e])))
    return out


def test_clusters_round_trip_and_filter(db: Backend) -> None:
    from eventscribe.resolve import merge_events

    with db.open() as store:
        store.save(three_reports() + corpus()[2:])  # corpus()[0] is the same protest too
        clusters = [c for c in merge_events(store.query_events(EventQuery(limit=None)))
                    if len(c.events) > 1]  # fmt: skip
        assert [sorted(s.event.event_id for s in c.events) for c in clusters] == [
            ["ev_r0", "ev_r1", "ev_r2"]
        ]
        store.save_clusters(clusters)
        view = store.get_cluster("ev_r1")
        assert view is not None
        assert view.cluster_id == clusters[0].cluster_id
        assert view.events == clusters[0].events
        assert view.reasons == clusters[0].reasons
        assert view.figures == clusters[0].figures
        assert [c.value for c in view.figures["fatalities"]] == [2, 3, 5]
        assert view.article_ids == ["art-60", "art-61", "art-62"]
        assert store.get_cluster("ev_a") is None
        assert store.get_cluster("ev_missing") is None
        assert ids(store, cluster_id=view.cluster_id) == ["ev_r0", "ev_r1", "ev_r2"]
        assert ids(store, cluster_id="cl_none") == []
        assert store.stats().clusters == 1
        before = db.dump()
        store.save_clusters(clusters)  # idempotent
        assert db.dump() == before


def test_saving_clusters_replaces_those_sharing_events(db: Backend) -> None:
    from eventscribe.resolve import EventCluster

    with db.open() as store:
        store.save(three_reports())
        r0, r1, r2 = store.query_events(EventQuery())
        store.save_clusters([EventCluster(cluster_id="cl_a", events=[r0, r1, r2], reasons=["x"])])
        before = db.dump()
        # r2 alone moves to a new cluster: cl_a (it shared r2) goes, r0 and r1 are unclustered
        store.save_clusters([EventCluster(cluster_id="cl_b", events=[r2, r1], reasons=["y"])])
        assert store.get_cluster("ev_r0") is None
        view = store.get_cluster("ev_r2")
        assert view is not None and view.cluster_id == "cl_b"
        assert [s.event.event_id for s in view.events] == ["ev_r2", "ev_r1"]  # saved order
        assert (view.reasons, view.figures) == (["y"], {})
        assert store.stats().clusters == 1
        store.save_clusters([EventCluster(cluster_id="cl_a", events=[r0, r1, r2], reasons=["x"])])
        assert db.dump() == before


def test_bad_clusters_are_refused_and_change_nothing(db: Backend) -> None:
    from eventscribe.resolve import EventCluster

    with db.open() as store:
        store.save(three_reports())
        r0, r1, r2 = store.query_events(EventQuery())
        store.save_clusters([EventCluster(cluster_id="cl_a", events=[r0, r1])])
        before = db.dump()
        ghost = replace(r0, event=replace(r0.event, event_id="ev_ghost"))
        with pytest.raises(StoreError, match=r"ev_ghost.*not stored"):
            store.save_clusters([EventCluster(cluster_id="cl_b", events=[r2, ghost])])
        twice = [
            EventCluster(cluster_id="cl_c", events=[r0]),
            EventCluster(cluster_id="cl_d", events=[r0, r2]),
        ]
        with pytest.raises(StoreError, match="repeat"):
            store.save_clusters(twice)
    assert db.dump() == before


# --- schema version 2 ----------------------------------------------------------------------


def test_defaults_keep_old_constructors_working() -> None:
    stats = StoreStats(articles=1, events=2, quotes=3, actors=4, failures=5)
    assert (stats.duplicates, stats.clusters) == (0, 0)
    saved = SaveResult(
        articles_added=1, articles_skipped=0, events_added=0, quotes_added=0, failures=0
    )
    assert saved.duplicates_added == 0


def test_upgrading_a_version_1_database_matches_a_new_one(
    store_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows stored by version 1 get the columns and search terms version 2 adds."""
    fresh, old = store_factory(), store_factory()
    items = corpus() + speaking_corpus()
    with fresh.open() as store:
        store.save(items)
    shipped = old.module.load_migrations()
    monkeypatch.setattr(old.module, "load_migrations", lambda: shipped[:1])
    old.open().close()
    monkeypatch.undo()
    copy_rows(fresh, old, ["articles", "events", "event_actors", "quotes", "places", "actors"])
    with old.open() as store:
        assert ids(store, search="kazerun") == ["ev_a", "ev_b"]
        assert [c.name for c in store.actor_counts(ActorQuery(limit=1))] == ["protesters"]
    assert old.dump() == fresh.dump()


def copy_rows(source: Backend, target: Backend, tables: list[str]) -> None:
    """Copy the columns a version 1 table has from a version 2 database, in row order."""
    for table in tables:
        columns = table_columns(target, table)
        order = "rid" if table == "articles" and source.name == "sqlite" else "1"
        found = source.rows(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
        marks = ", ".join(["?" if target.name == "sqlite" else "%s"] * len(columns))
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        if target.name == "sqlite":
            conn = sqlite3.connect(target.target, isolation_level=None)
            conn.executemany(insert, found)
            conn.close()
        else:
            with psycopg.connect(target.target, autocommit=True) as pg, pg.cursor() as cursor:
                cursor.executemany(insert, found)


def table_columns(db: Backend, table: str) -> list[str]:
    if db.name == "sqlite":
        return [row[1] for row in db.rows(f"PRAGMA table_info({table})")]
    return [
        row[0]
        for row in db.rows(
            "SELECT column_name FROM information_schema.columns"
            f" WHERE table_name = '{table}' ORDER BY ordinal_position"
        )
    ]


def test_new_tables_exist(db: Backend) -> None:
    db.open().close()
    assert {"signatures", "clusters", "cluster_members"} <= db.tables()
    if db.name == "sqlite":
        assert "articles_fts" in db.tables()


TRICKY_TEXTS = [
    "Straßenproteste in München: 3.5 Tausend Menschen, e-mail info@example.org.",
    "İstanbul'da öğrenciler yürüdü; drivers' strike at https://news.example/x?id=7.",
    "Διαδηλωτές στην Αθήνα. Протест в Москве. متظاهرون في طهران.",
    "東京でデモ行進。Crème brûlée CAFÉ naïve coöperate ﬁnance Ⅻ ²",
    "under_score snake_case O'Brien rock-n-roll state-of-the-art 1990s",
]
TRICKY_QUERIES = [
    "strassenproteste", "STRASSE*", "münchen", "munchen", "3", "5", "3.5", "e-mail", "mail",
    "info", "example org", "istanbul", "İstanbul'da", "da", "drivers", "https", "αθηνα",
    "Αθήνα", "москве", "طهران", "東京でデモ行進", "creme brulee", "cafe", "naive", "cooperate",
    "finance", "xii", "2", "under_score", "score", "snake", "o'brien", "brien", "rock n roll",
    "state of the art", "1990s", "1990", "199*", "st*", "*", "",
]  # fmt: skip


def test_search_answers_the_same_on_both_backends(tmp_path: Path, pg_db: Backend) -> None:
    """Accents, scripts, punctuation, numbers and prefixes: SQLite and PostgreSQL agree."""
    items = [(article(70 + n, text=t), findings_for(article(70 + n, text=t), []))
             for n, t in enumerate(TRICKY_TEXTS)]  # fmt: skip
    sqlite_db = Backend("sqlite", str(tmp_path / "tricky.db"))
    answers: dict[str, list[list[str]]] = {}
    for backend in (sqlite_db, pg_db):
        with backend.open() as store:
            store.save(items)
            answers[backend.name] = [
                [s.id for s in store.search_articles(q, limit=None)] for q in TRICKY_QUERIES
            ]
    assert answers["sqlite"] == answers["postgres"]
    found = dict(zip(TRICKY_QUERIES, answers["sqlite"], strict=True))
    assert found["munchen"] == found["münchen"] == ["art-70"]
    assert found["STRASSE*"] == ["art-70"]
    assert found["αθηνα"] == ["art-72"]
    assert found["creme brulee"] == found["finance"] == ["art-73"]
    assert found["199*"] == ["art-74"]
    assert found["1990"] == []


# --- the reads the HTTP API needs: map places, counts, dyads, reactions, sorted pages -------


def test_map_places_count_events_by_type(filled: Store) -> None:
    places = [
        (p.name, p.admin1, p.country, p.lat, p.lon, p.events, p.types) for p in filled.map_places()
    ]
    assert places == [
        ("Kāzerūn", "Fars", "IRN", 29.62, 51.65, 2, {"PROTEST": 1, "COERCE": 1}),
        ("Paris", "Île-de-France", "FRA", 48.85, 2.35, 1, {"PROTEST": 1}),
    ]
    assert [p.name for p in filled.map_places(limit=1)] == ["Kāzerūn"]
    coerce = filled.map_places(EventQuery(types=("COERCE",)))
    assert [(p.name, p.types) for p in coerce] == [("Kāzerūn", {"COERCE": 1})]
    with pytest.raises(ConfigError):
        filled.map_places(limit=-1)


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("day", [("2024-04-20", 1), ("2024-05-01", 1), ("2024-05-02", 1), (None, 1)]),
        ("month", [("2024-04", 1), ("2024-05", 2), (None, 1)]),
        ("type", [("COERCE", 1), ("PROTEST", 2), ("SUPPORT", 1)]),
        ("country", [("FRA", 1), ("IRN", 2), (None, 1)]),
        ("acled_type", [("Protests", 3), (None, 1)]),
    ],
)
def test_count_by(filled: Store, by: str, expected: list[tuple[object, int]]) -> None:
    assert [(c.key, c.count) for c in filled.count_by(EventQuery(), by=by)] == expected


def test_count_by_filters_and_refuses_unknown_keys(filled: Store) -> None:
    found = filled.count_by(EventQuery(countries=("IRN",), limit=1), by="type")
    assert [(c.key, c.count) for c in found] == [("COERCE", 1), ("PROTEST", 1)]
    with pytest.raises(ConfigError, match="cannot count by"):
        filled.count_by(EventQuery(), by="year")


def test_dyads_count_who_acts_on_whom(db: Backend) -> None:
    a1, a2 = article(1), article(2)
    police, crowd, army = actor("police"), actor("crowd"), actor("army")
    e1 = event(
        "ev_1",
        "Police beat the crowd.",
        type="ASSAULT",
        source_actors=[police, army],
        target_actors=[crowd],
    )
    e2 = event(
        "ev_2",
        "Police beat the crowd again.",
        type="ASSAULT",
        source_actors=[police],
        target_actors=[crowd],
    )
    e3 = event(
        "ev_3",
        "Police arrested the crowd.",
        type="COERCE",
        source_actors=[police],
        target_actors=[crowd],
    )
    with db.open() as store:
        store.save([(a1, findings_for(a1, [e1, e3])), (a2, findings_for(a2, [e2]))])
        dyads = [(d.source, d.target, d.type, d.events) for d in store.dyads(EventQuery())]
        assert dyads == [
            ("police", "crowd", "ASSAULT", 2),
            ("army", "crowd", "ASSAULT", 1),
            ("police", "crowd", "COERCE", 1),
        ]
        assert len(store.dyads(EventQuery(), limit=1)) == 1
        assert [d.type for d in store.dyads(EventQuery(types=("COERCE",)))] == ["COERCE"]


def test_reactions_pair_each_reaction_with_its_event(db: Backend) -> None:
    a1 = article(1)
    protest = event(
        "ev_p", "Farmers protested.", date="2024-05-01", source_actors=[actor("farmers")]
    )
    reject = event(
        "ev_r", "The governor rejected the demands.", type="REJECT", date="2024-05-02",
        reacts_to="ev_p", source_actors=[actor("governor"), actor("aide")],
    )  # fmt: skip
    orphan = event("ev_o", "Officials said so.", type="CONSULT", reacts_to="ev_elsewhere")
    with db.open() as store:
        store.save([(a1, findings_for(a1, [protest, reject, orphan]))])
        found = [
            (
                r.event_id,
                r.type,
                r.date,
                r.reacts_to,
                r.reacts_to_type,
                r.reacts_to_evidence,
                r.actors,
            )
            for r in store.reactions(EventQuery())
        ]
        assert found == [
            (
                "ev_r",
                "REJECT",
                "2024-05-02",
                "ev_p",
                "PROTEST",
                "Farmers protested.",
                ["aide", "governor"],
            ),
            ("ev_o", "CONSULT", None, "ev_elsewhere", None, None, []),
        ]
        assert [r.event_id for r in store.reactions(EventQuery(), limit=1)] == ["ev_r"]
        assert store.reactions(EventQuery(types=("PROTEST",))) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("date", ["ev_c", "ev_a", "ev_b", "ev_d"]),
        ("-date", ["ev_b", "ev_a", "ev_c", "ev_d"]),
        ("confidence", ["ev_d", "ev_c", "ev_b", "ev_a"]),
        ("-confidence", ["ev_a", "ev_b", "ev_c", "ev_d"]),
    ],
)
def test_page_events_in_each_sort(filled: Store, sort: str, expected: list[str]) -> None:
    page = filled.page_events(EventQuery(limit=None), sort=sort)
    assert [s.event.event_id for s in page] == expected
    second = filled.page_events(EventQuery(limit=2, offset=1), sort=sort)
    assert [s.event.event_id for s in second] == expected[1:3]
    assert second[0].title is not None and second[0].article_hash


def test_page_events_refuses_unknown_sorts(filled: Store) -> None:
    with pytest.raises(ConfigError, match="cannot sort events"):
        filled.page_events(EventQuery(), sort="title")
