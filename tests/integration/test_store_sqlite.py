"""The SQLite store on real files: migrations, idempotent saves, failures, resume, filters."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

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
from eventscribe.store import EventQuery, SQLiteStore, open_store
from eventscribe.store.sqlite import APPLICATION_ID, load_migrations, open_sqlite_store

LATEST = load_migrations()[-1][0]

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
    return Article(
        id=f"art-{n}",
        text=text or f"Article number {n}.",
        title=f"Title {n}",
        published=f"2024-05-0{n % 9 + 1}",
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


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted, plus the schema version: compares DB content, not bytes."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
        out["user_version"] = [conn.execute("PRAGMA user_version").fetchone()]
    conn.close()
    return out


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "events.db"


@pytest.fixture
def filled(db: Path) -> SQLiteStore:
    store = open_sqlite_store(db)
    store.save(corpus())
    return store


def ids(store: SQLiteStore, **kw: object) -> list[str]:
    return [s.event.event_id for s in store.query_events(EventQuery(**kw))]  # type: ignore[arg-type]


# --- opening and migrations ---------------------------------------------------------------


def test_open_creates_schema_in_wal_mode(db: Path) -> None:
    with open_store(db):
        pass
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST >= 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert {"articles", "events", "event_actors", "quotes", "places", "actors"} <= tables


def test_reopening_an_up_to_date_db_changes_nothing(db: Path) -> None:
    with open_store(db) as store:
        store.save(corpus())
    before = dump(db)
    with open_store(f"sqlite:///{db}") as store:
        assert store.stats().events == 4
    assert dump(db) == before


def test_later_migrations_are_applied_once_in_order(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(db) as store:
        store.save(corpus()[:1])
    extra = "CREATE TABLE notes (body TEXT); -- a comment; with semicolons\nINSERT INTO notes VALUES ('x;y');"
    monkeypatch.setattr(
        "eventscribe.store.sqlite.load_migrations",
        lambda: [*load_migrations(), (LATEST + 1, extra)],
    )
    for _ in range(2):  # the second open finds the DB up to date and changes nothing
        with open_store(db) as store:
            assert store.stats().articles == 1
    after = dump(db)
    assert after["notes"] == [("x;y",)]
    assert after["user_version"] == [(LATEST + 1,)]


def test_a_failing_migration_leaves_the_db_as_it_was(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(db) as store:
        store.save(corpus()[:1])
    before = dump(db)
    broken = "CREATE TABLE half (x TEXT);\nINSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(
        "eventscribe.store.sqlite.load_migrations",
        lambda: [*load_migrations(), (LATEST + 1, broken)],
    )
    with pytest.raises(StoreError, match="no_such_table"):
        open_store(db)
    assert dump(db) == before  # no half table, version unchanged


def test_newer_schema_version_is_refused(db: Path) -> None:
    open_store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer eventscribe"):
        open_store(db)


def test_a_non_database_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is plain text, not SQLite\n" * 50)
    with pytest.raises(StoreError, match="not an eventscribe database"):
        open_store(path)


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
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


def test_missing_folder_gives_advice(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder exists"):
        open_store(tmp_path / "no" / "such" / "dir" / "events.db")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("postgresql://user@host/db", "PostgreSQL store is not available yet"),
        ("mysql://host/db", "unknown database URL scheme"),
        ("", "empty database path"),
    ],
)
def test_open_store_rejects_other_targets(target: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        open_store(target)


def test_a_locked_database_gives_advice(db: Path) -> None:
    open_store(db).close()
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with (
            open_sqlite_store(db, timeout=0.05) as store,
            pytest.raises(StoreError, match="locked"),
        ):
            store.save(corpus()[:1])
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


# --- saving ------------------------------------------------------------------------------


def test_save_counts_and_stats(db: Path) -> None:
    with open_store(db) as store:
        result = store.save(corpus())
        stats = store.stats()
    assert (result.articles_added, result.articles_skipped, result.events_added) == (4, 0, 4)
    assert (result.quotes_added, result.failures) == (1, 0)
    assert (stats.articles, stats.events, stats.quotes, stats.failures) == (4, 4, 1, 0)
    assert stats.actors == 3  # distinct canonical names in Findings.actors


def test_save_is_idempotent(db: Path) -> None:
    items = corpus()
    with open_store(db) as store:
        store.save(items)
        before = dump(db)
        again = store.save(items)
        assert store.known_hashes([a.content_hash for a, _ in items] + ["nope"]) == {
            a.content_hash for a, _ in items
        }
    assert (again.articles_added, again.articles_skipped, again.events_added) == (0, 4, 0)
    assert dump(db) == before


def test_a_stored_article_is_never_rewritten(db: Path) -> None:
    a, f = corpus()[0]
    with open_store(db) as store:
        store.save([(a, f)])
        before = dump(db)
        other = findings_for(a, [event("ev_new", "Something else entirely.")])
        assert store.save([(a, other)]).articles_skipped == 1
    assert dump(db) == before


def test_failures_are_stored_replaced_identically_then_by_success(db: Path) -> None:
    a = article(7, text="Un texte en français.")
    failed = findings_for(
        a,
        [],
        places=[PARIS],
        errors=[StageError(stage="ingest", message="language fr not supported")],
    )
    with open_store(db) as store:
        assert store.save([(a, failed)]).failures == 1
        assert store.known_hashes([a.content_hash]) == set()
        assert store.get_article(a.content_hash) == (a, failed)
        stats = store.stats()
        assert (stats.articles, stats.failures) == (0, 1)
        before = dump(db)
        assert store.save([(a, failed)]).failures == 1
        assert dump(db) == before
        good = findings_for(a, [event("ev_fr", "Des manifestants à Paris.", location=PARIS)])
        assert store.save([(a, good)]).articles_added == 1
        assert store.get_article(a.content_hash) == (a, good)
        assert store.known_hashes([a.content_hash]) == {a.content_hash}
        stats = store.stats()
    assert (stats.articles, stats.failures, stats.events) == (1, 0, 1)
    assert dump(db)["places"] == []  # the failure's children went with it (foreign keys on)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status, errors FROM articles").fetchall() == [("ok", "[]")]
    conn.close()


def test_errors_with_events_is_not_a_failure(filled: SQLiteStore) -> None:
    a, f = corpus()[3]
    assert f.errors and f.events
    assert filled.known_hashes([a.content_hash]) == {a.content_hash}
    assert filled.get_article(a.content_hash) == (a, f)


def test_crash_mid_batch_keeps_earlier_batches_and_resume_matches_a_clean_run(
    tmp_path: Path,
) -> None:
    items = corpus()
    batch1, batch2 = items[:2], items[2:]
    clean = tmp_path / "clean.db"
    with open_store(clean) as store:
        store.save(batch1)
        store.save(batch2)
    crashed = tmp_path / "crashed.db"
    with open_store(crashed) as store:
        store.save(batch1)
        after_batch1 = dump(crashed)
        broken = event("ev_x", "Broken.", confidence=float("nan"))  # not valid JSON: save fails
        a3, f3 = batch2[0]
        with pytest.raises(ValueError):
            store.save([batch2[1], (a3, findings_for(a3, [*f3.events, broken]))])
        assert dump(crashed) == after_batch1
        assert ids(store) == ["ev_a", "ev_b"]  # still usable
        todo = [
            (a, f)
            for a, f in items
            if a.content_hash not in store.known_hashes([x.content_hash for x, _ in items])
        ]
        assert todo == batch2
        store.save(todo)
    assert dump(crashed) == dump(clean)


def test_a_killed_process_loses_only_its_open_batch(db: Path) -> None:
    """Kill the interpreter inside save() (no rollback runs): the WAL keeps earlier batches."""
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_store_sqlite import corpus
        from eventscribe.store import open_store
        from eventscribe.store.sqlite import SQLiteStore
        store = open_store({str(db)!r})
        items = corpus()
        store.save(items[:2])
        original = SQLiteStore._insert_children
        def die(self, key, findings):
            original(self, key, findings)
            if findings.id == "art-4":
                os._exit(3)
        SQLiteStore._insert_children = die
        store.save(items[2:])
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == 3, proc.stderr.decode()
    with open_store(db) as store:
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
    ],
)
def test_filters(filled: SQLiteStore, query: dict[str, object], expected: list[str]) -> None:
    assert ids(filled, **query) == expected
    assert filled.count_events(EventQuery(**query, limit=1)) == len(expected)  # type: ignore[arg-type]


def test_paging_and_streaming(filled: SQLiteStore) -> None:
    assert ids(filled, limit=2) == ["ev_c", "ev_a"]
    assert ids(filled, limit=2, offset=2) == ["ev_b", "ev_d"]
    assert ids(filled, limit=2, offset=4) == []
    assert ids(filled, limit=0) == []
    streamed = [s.event.event_id for s in filled.iter_events(EventQuery(limit=None))]
    assert streamed == ["ev_c", "ev_a", "ev_b", "ev_d"]
    assert filled.count_events(EventQuery(limit=1, offset=3)) == 4


@pytest.mark.parametrize("bad", [{"date_from": "May 2024"}, {"offset": -1}, {"limit": -5}])
def test_bad_queries_are_config_errors(filled: SQLiteStore, bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        filled.query_events(EventQuery(**bad))  # type: ignore[arg-type]


def test_get_event_round_trip(filled: SQLiteStore) -> None:
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


def test_get_article_round_trip(filled: SQLiteStore) -> None:
    for a, f in corpus():
        assert filled.get_article(a.content_hash) == (a, f)
    assert filled.get_article("0" * 64) is None


def test_closed_store_raises_store_error(db: Path) -> None:
    store = open_store(db)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.stats()
