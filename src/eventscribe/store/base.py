"""The Store protocol every backend implements, and the records it takes and returns.

The pipeline, the CLI and the HTTP API only see this interface; ``sqlite.py`` (and later
``postgres.py``) adapt a database to it and translate the driver's errors into ``StoreError``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from eventscribe.records import (
    Article,
    EventCluster,
    FigureClaim,
    Findings,
    Quote,
    StoredEvent,
)


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
    # words that must all appear in the evidence or the article's title or text (casefolded,
    # accents ignored; "prot*" is a prefix); untrusted input is fine: never a syntax error
    search: str | None = None
    cluster_id: str | None = None  # events of one cross-article cluster
    limit: int | None = 100
    offset: int = 0


@dataclass(slots=True, kw_only=True)
class SaveResult:
    """What one ``Store.save`` call did."""

    articles_added: int
    articles_skipped: int
    events_added: int
    quotes_added: int
    failures: int
    duplicates_added: int = 0  # near-duplicate articles stored (as status 'duplicate')


@dataclass(slots=True, kw_only=True)
class StoreStats:
    """Row counts: articles, events, quotes, distinct actors, failures, duplicates, clusters."""

    articles: int
    events: int
    quotes: int
    actors: int
    failures: int
    duplicates: int = 0  # articles stored as near-duplicates of another
    clusters: int = 0  # stored cross-article event clusters


@dataclass(slots=True, kw_only=True)
class ArticleSummary:
    """One stored article without its text, with how many events it gave."""

    hash: str
    id: str
    title: str | None
    published: str | None
    url: str | None
    source: str | None
    language: str | None
    status: str  # "ok", "failed" or "duplicate"
    duplicate_of: str | None  # content hash of the original, for a near-duplicate
    events: int


@dataclass(slots=True, kw_only=True)
class ActorQuery:
    """Filters for ``actor_counts``; None means "no filter"."""

    name: str | None = None  # case-insensitive substring of the canonical name
    country: str | None = None  # exact: alpha-3, "IGO" or "NGO"
    sector: str | None = None  # exact PLOVER sector, e.g. "GOV"
    limit: int | None = 100
    offset: int = 0


@dataclass(slots=True, kw_only=True)
class ActorCount:
    """How often one canonical actor (name, country, sector) appears in the store."""

    name: str
    country: str | None
    sector: str | None
    as_source: int  # events with the actor among the sources
    as_target: int  # events with the actor among the targets
    as_claimant: int  # events the actor claims (claimed_by)
    quotes: int  # quotes the actor speaks
    total: int  # the sum of the four


@dataclass(slots=True, kw_only=True)
class QuoteQuery:
    """Filters for ``query_quotes``; None means "no filter"."""

    speaker: str | None = None  # case-insensitive substring of the speaker's name, text, alias
    text: str | None = None  # case-insensitive substring of the quote
    article_id: str | None = None
    kind: str | None = None  # "direct", "indirect", ...
    limit: int | None = 100
    offset: int = 0


@dataclass(slots=True, kw_only=True)
class StoredQuote:
    """A quote as stored, with the article it came from."""

    quote: Quote
    article_id: str
    article_hash: str
    title: str | None
    url: str | None
    published: str | None


@dataclass(slots=True, kw_only=True)
class PlaceCount:
    """One event location and how many matching events happened there."""

    name: str
    geonames_id: int | None
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    events: int


@dataclass(slots=True, kw_only=True)
class MapPlace:
    """One event location with coordinates and its matching event counts by PLOVER type."""

    name: str | None
    admin1: str | None
    country: str | None
    lat: float
    lon: float
    events: int
    types: dict[str, int]


@dataclass(slots=True, kw_only=True)
class KeyCount:
    """How many matching events share one key (a day, month, type, country or ACLED type)."""

    key: str | None
    count: int


@dataclass(slots=True, kw_only=True)
class DyadCount:
    """Who acts on whom: a source, a target, an event type and how many events link them."""

    source: str
    target: str
    type: str
    events: int


@dataclass(slots=True, kw_only=True)
class Reaction:
    """An event that reacts to another, beside the event it reacts to (None: not stored)."""

    event_id: str
    type: str
    date: str | None
    evidence: str
    reacts_to: str
    reacts_to_type: str | None
    reacts_to_evidence: str | None
    actors: list[str]  # the reacting event's source actors, sorted


EVENT_SORTS = ("date", "-date", "confidence", "-confidence")
COUNT_KEYS = ("day", "month", "type", "country", "acled_type")


@dataclass(slots=True, kw_only=True)
class ClusterView:
    """A stored cross-article cluster: its events as stored, why they merged, their figures."""

    cluster_id: str
    events: list[StoredEvent]  # in the order they were saved (resolve: by publication)
    reasons: list[str]
    figures: dict[str, list[FigureClaim]]

    @property
    def article_ids(self) -> list[str]:
        """Return the ids of the articles that report this event, sorted."""
        return sorted({member.article_id for member in self.events})


class Store(Protocol):
    """A database of articles and their findings, keyed by ``Article.content_hash``."""

    def known_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Return the hashes among ``hashes`` stored successfully or as near-duplicates."""
        ...

    def save(
        self,
        items: Sequence[tuple[Article, Findings]],
        *,
        duplicates: Sequence[tuple[Article, str]] = (),
        signatures: Sequence[tuple[str, bytes]] = (),
    ) -> SaveResult:
        """Store a batch in one transaction: processed articles, near-duplicates, signatures.

        ``duplicates`` are (article, content hash of the original it copies): stored with status
        'duplicate', no findings, and known to ``known_hashes``. ``signatures`` are
        (content hash, MinHash signature bytes); a hash already stored keeps its signature.
        """
        ...

    def save_signatures(self, rows: Sequence[tuple[str, bytes]]) -> None:
        """Store (content hash, MinHash signature) rows on their own transaction."""
        ...

    def iter_signatures(self) -> Iterator[tuple[str, bytes]]:
        """Yield every stored (content hash, signature) in the order they were saved."""
        ...

    def duplicates_of(self, article_hash: str) -> list[str]:
        """Return the content hashes of the stored near-duplicates of an article, sorted."""
        ...

    def search_articles(
        self, text: str | None, *, limit: int | None = 100, offset: int = 0
    ) -> list[ArticleSummary]:
        """Return articles whose title, text or evidence hold every word, newest first."""
        ...

    def count_articles(self, text: str | None = None) -> int:
        """Return how many articles ``search_articles`` finds, ignoring paging."""
        ...

    def actor_counts(self, query: ActorQuery) -> list[ActorCount]:
        """Return canonical actors with their counts, by total (descending) then name."""
        ...

    def query_quotes(self, query: QuoteQuery) -> list[StoredQuote]:
        """Return matching quotes, newest article first, then in article order."""
        ...

    def count_quotes(self, query: QuoteQuery) -> int:
        """Return how many quotes match, ignoring limit and offset."""
        ...

    def place_counts(
        self, query: EventQuery | None = None, *, limit: int | None = 100, offset: int = 0
    ) -> list[PlaceCount]:
        """Return event locations with their matching event counts, most events first."""
        ...

    def map_places(self, query: EventQuery | None = None, *, limit: int = 5000) -> list[MapPlace]:
        """Return event locations with coordinates and counts by type, most events first."""
        ...

    def count_by(self, query: EventQuery, *, by: str) -> list[KeyCount]:
        """Return matching event counts by day, month, type, country or acled_type (None last)."""
        ...

    def dyads(self, query: EventQuery, *, limit: int = 100) -> list[DyadCount]:
        """Return (source, target, type) with their event counts, most frequent first."""
        ...

    def reactions(self, query: EventQuery, *, limit: int = 100) -> list[Reaction]:
        """Return matching events that react to another, newest first (undated last)."""
        ...

    def page_events(self, query: EventQuery, *, sort: str = "date") -> list[StoredEvent]:
        """Return matching events in one of EVENT_SORTS (undated last in both date orders)."""
        ...

    def save_clusters(self, clusters: Sequence[EventCluster]) -> None:
        """Replace every stored cluster sharing an id or an event with the given clusters."""
        ...

    def get_cluster(self, event_id: str) -> ClusterView | None:
        """Return the cluster holding an event, or None when it is in none."""
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
