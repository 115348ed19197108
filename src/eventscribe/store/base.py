"""The Store protocol every backend implements, and the records it takes and returns.

The pipeline, the CLI and the HTTP API only see this interface; ``sqlite.py`` (and later
``postgres.py``) adapt a database to it and translate the driver's errors into ``StoreError``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from eventscribe.records import Article, Event, Findings


@dataclass(slots=True, kw_only=True)
class EventQuery:
    """Filters for stored events; empty sequences and None mean "no filter"."""

    types: Sequence[str] = ()  # PLOVER types, e.g. ("PROTEST",)
    modes: Sequence[str] = ()
    acled_types: Sequence[str] = ()  # acled_event_type values
    countries: Sequence[str] = ()  # alpha-3 of the event location
    place: str | None = None  # case-insensitive substring of location name/admin1/admin2
    actor: str | None = None  # case-insensitive substring of a source/target name, text or alias
    text: str | None = None  # case-insensitive substring of the evidence text
    date_from: str | None = None  # inclusive YYYY-MM-DD
    date_to: str | None = None  # inclusive YYYY-MM-DD
    min_confidence: float = 0.0
    article_id: str | None = None
    limit: int | None = 100
    offset: int = 0


@dataclass(slots=True, kw_only=True)
class StoredEvent:
    """An event as stored, with the article it came from."""

    event: Event
    article_id: str
    article_hash: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None


@dataclass(slots=True, kw_only=True)
class SaveResult:
    """What one ``Store.save`` call did."""

    articles_added: int
    articles_skipped: int
    events_added: int
    quotes_added: int
    failures: int


@dataclass(slots=True, kw_only=True)
class StoreStats:
    """Row counts: stored articles, events, quotes, distinct actors, failed articles."""

    articles: int
    events: int
    quotes: int
    actors: int
    failures: int


class Store(Protocol):
    """A database of articles and their findings, keyed by ``Article.content_hash``."""

    def known_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Return the hashes among ``hashes`` already stored successfully."""
        ...

    def save(self, items: Sequence[tuple[Article, Findings]]) -> SaveResult:
        """Store a batch of articles and findings in one transaction."""
        ...

    def query_events(self, query: EventQuery) -> list[StoredEvent]:
        """Return matching events ordered by date (nulls last), then event_id."""
        ...

    def count_events(self, query: EventQuery) -> int:
        """Return how many events match, ignoring limit and offset."""
        ...

    def get_event(self, event_id: str) -> StoredEvent | None:
        """Return one event by id, or None when it is not stored."""
        ...

    def get_article(self, article_hash: str) -> tuple[Article, Findings] | None:
        """Return an article and its findings by content hash, or None."""
        ...

    def iter_events(self, query: EventQuery) -> Iterator[StoredEvent]:
        """Yield matching events in query order without loading them all."""
        ...

    def stats(self) -> StoreStats:
        """Return row counts."""
        ...

    def close(self) -> None:
        """Close the store; later calls fail."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
