"""Row building and reading shared by the SQLite and PostgreSQL stores.

Both backends store exactly alike because they build their rows, their search terms and their
query checks here. Full-text search terms are computed in Python, not by the database: the
text is casefolded, decomposed (NFKD) and stripped of combining marks, then cut into runs of
letters and digits. SQLite's FTS5 and PostgreSQL's tsvector then index the same terms, so a
search gives the same answer on both (the databases' own tokenizers split words differently).
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from eventscribe.errors import ConfigError, StoreError
from eventscribe.records import (
    Actor,
    Article,
    Event,
    EventCluster,
    FigureClaim,
    Findings,
    Place,
    Quote,
    StoredEvent,
    from_json,
    to_json,
)
from eventscribe.store.base import (
    ActorCount,
    ArticleSummary,
    ClusterView,
    EventQuery,
    MapPlace,
    PlaceCount,
    Reaction,
    StoredQuote,
    StoreStats,
)

_TERM = re.compile(r"[^\W_]+")
# longer "words" (base64, run-together URLs) are noise, and PostgreSQL caps a lexeme at 2 KB
MAX_TERM_LENGTH = 100


def dumps(value: Any) -> str:
    """Encode JSON compactly and exactly (NaN is refused: it is not JSON)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# --- search terms ------------------------------------------------------------------------


def search_terms(text: str | None) -> list[str]:
    """Return the distinct search terms of a text, in order of first occurrence."""
    if not text:
        return []
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    terms = (term for term in _TERM.findall(bare) if len(term) <= MAX_TERM_LENGTH)
    return list(dict.fromkeys(terms))


def document_terms(title: str | None, text: str, evidences: Iterable[str]) -> list[str]:
    """Return the terms an article is found by: its title, text and events' evidence."""
    return search_terms("\n".join([title or "", text, *evidences]))


def query_terms(search: str | None) -> list[tuple[str, bool]]:
    """Return (term, is_prefix) for untrusted search input; a word ending in ``*`` is a prefix."""
    found: dict[str, bool] = {}
    for chunk in (search or "").split():
        terms = search_terms(chunk)
        for n, term in enumerate(terms):
            prefix = chunk.endswith("*") and n == len(terms) - 1
            found[term] = found.get(term, False) or prefix
    return list(found.items())


def fts5_match(terms: Sequence[tuple[str, bool]]) -> str:
    """Return an FTS5 MATCH expression requiring every term: each quoted, never an operator."""
    return " ".join('"' + term.replace('"', '""') + '"' + ("*" if p else "") for term, p in terms)


def pg_tsquery(terms: Sequence[tuple[str, bool]]) -> str:
    """Return tsquery input requiring every term: each a quoted lexeme, never an operator."""
    quoted = (
        "'" + term.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if p else "")
        for term, p in terms
    )
    return " & ".join(quoted)


# --- rows written by save() --------------------------------------------------------------


def event_row(key: str, seq: int, event: Event) -> tuple[Any, ...]:
    """Return the events row of one event (19 columns, record last but one)."""
    loc = event.location
    return (
        key, seq, event.event_id, event.type, event.mode, event.acled_event_type,
        event.acled_sub_event_type, event.date, event.date_precision,
        loc.name if loc else None, loc.admin1 if loc else None, loc.admin2 if loc else None,
        loc.country if loc else None, loc.lat if loc else None, loc.lon if loc else None,
        event.confidence, event.evidence.text, dumps(to_json(event)),
        loc.geonames_id if loc else None,
    )  # fmt: skip


EVENT_COLUMNS = (
    "article_hash, seq, event_id, type, mode, acled_event_type, acled_sub_event_type, date,"
    " date_precision, location_name, location_admin1, location_admin2, location_country,"
    " location_lat, location_lon, confidence, evidence, record, location_geonames_id"
)


def actor_rows(key: str, seq: int, event: Event) -> Iterator[tuple[Any, ...]]:
    """Yield the event_actors rows of one event: sources, targets, then the claimant."""
    claimed = [event.claimed_by] if event.claimed_by else []
    roles: tuple[tuple[str, list[Actor]], ...] = (
        ("source", event.source_actors),
        ("target", event.target_actors),
        ("claimed_by", claimed),
    )
    for role, actors in roles:
        for position, a in enumerate(actors):
            aliases = "\n".join(a.aliases)
            yield (key, seq, role, position, event.event_id, a.name, a.text, aliases, a.country,
                   a.sector)  # fmt: skip


QUOTE_COLUMNS = (
    "article_hash, seq, kind, text, speaker_name, record, speaker_text, speaker_aliases,"
    " speaker_country, speaker_sector"
)


def quote_row(key: str, seq: int, quote: Quote) -> tuple[Any, ...]:
    """Return the quotes row of one quote (10 columns, as QUOTE_COLUMNS)."""
    s = quote.speaker
    return (
        key, seq, quote.kind, quote.text, s.name if s else None, dumps(to_json(quote)),
        s.text if s else None, "\n".join(s.aliases) if s else None,
        s.country if s else None, s.sector if s else None,
    )  # fmt: skip


def place_row(key: str, seq: int, p: Place) -> tuple[Any, ...]:
    """Return the places row of one place."""
    return (key, seq, p.name, p.geonames_id, p.admin1, p.country, p.lat, p.lon, dumps(to_json(p)))


def actor_row(key: str, seq: int, a: Actor) -> tuple[Any, ...]:
    """Return the actors row of one actor."""
    return (key, seq, a.name, a.kind, a.country, a.sector, dumps(to_json(a)))


def article_values(
    article: Article, findings: Findings, *, status: str, duplicate_of: str | None = None
) -> tuple[Any, ...]:
    """Return the articles row of one article (15 columns, as ARTICLE_COLUMNS)."""
    meta = {k: v for k, v in to_json(findings).items() if not isinstance(v, list)}
    return (
        article.content_hash, article.id, article.title, article.published, article.url,
        article.source, article.language, article.section, article.author, article.text,
        status, dumps(to_json(findings.errors)), dumps(meta), dumps(to_json(article)),
        duplicate_of,
    )  # fmt: skip


ARTICLE_COLUMNS = (
    "hash, id, title, published, url, source, language, section, author, text, status, errors,"
    " findings, record, duplicate_of"
)


def duplicate_findings(article: Article) -> Findings:
    """Return the empty findings stored with a near-duplicate (it is never processed)."""
    return Findings(id=article.id, title=article.title, published=article.published)


# --- clusters ----------------------------------------------------------------------------


def figures_json(cluster: EventCluster) -> str:
    """Encode a cluster's figures (category -> claims) as JSON."""
    return dumps(
        {name: [dataclasses.asdict(c) for c in claims] for name, claims in cluster.figures.items()}
    )


def figures_from_json(text: str) -> dict[str, list[FigureClaim]]:
    """Decode figures stored by ``figures_json``."""
    data: dict[str, list[dict[str, Any]]] = json.loads(text)
    return {name: [FigureClaim(**claim) for claim in claims] for name, claims in data.items()}


def event_key(stored: StoredEvent, row: Sequence[Any] | None) -> tuple[str, int]:
    """Return a cluster member's (article_hash, seq), given its looked-up ``(seq,)`` row."""
    if row is None:
        raise StoreError(
            f"event {stored.event.event_id!r} of article {stored.article_id!r} is not stored; "
            "save the articles before the clusters of their events"
        )
    return stored.article_hash, int(row[0])


def check_clusters(clusters: Sequence[EventCluster], members: Sequence[Sequence[Any]]) -> None:
    """Raise StoreError when two clusters share an id or an event (each is in one at most)."""
    ids = [cluster.cluster_id for cluster in clusters]
    keys = [key for keys in members for key in keys]
    if len(set(ids)) != len(ids) or len(set(keys)) != len(keys):
        raise StoreError(
            "the clusters to save repeat a cluster id or an event; pass each event in one "
            "cluster at most (as merge_events returns them)"
        )


def cluster_view(row: Sequence[Any], events: list[StoredEvent]) -> ClusterView:
    """Build a ClusterView from (cluster_id, reasons JSON, figures JSON) and its events."""
    cluster_id, reasons, figures = row
    return ClusterView(
        cluster_id=cluster_id,
        events=events,
        reasons=json.loads(reasons),
        figures=figures_from_json(figures),
    )


# --- rows read back ----------------------------------------------------------------------


def stored_event(row: Sequence[Any]) -> StoredEvent:
    """Build a StoredEvent from (record, id, hash, title, url, source, published)."""
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


def stored_quote(row: Sequence[Any]) -> StoredQuote:
    """Build a StoredQuote from (record, id, hash, title, url, published)."""
    record, article_id, article_hash, title, url, published = row
    return StoredQuote(
        quote=from_json(Quote, json.loads(record)),
        article_id=article_id,
        article_hash=article_hash,
        title=title,
        url=url,
        published=published,
    )


ARTICLE_SUMMARY_COLUMNS = (
    "a.hash, a.id, a.title, a.published, a.url, a.source, a.language, a.status, a.duplicate_of,"
    " (SELECT count(*) FROM events AS n WHERE n.article_hash = a.hash)"
)


def article_summary(row: Sequence[Any]) -> ArticleSummary:
    """Build an ArticleSummary from a row of ARTICLE_SUMMARY_COLUMNS."""
    hash_, id_, title, published, url, source, language, status, duplicate_of, events = row
    return ArticleSummary(
        hash=hash_, id=id_, title=title, published=published, url=url, source=source,
        language=language, status=status, duplicate_of=duplicate_of, events=int(events),
    )  # fmt: skip


def actor_count(row: Sequence[Any]) -> ActorCount:
    """Build an ActorCount from (name, country, sector, source, target, claimant, quotes)."""
    name, country, sector, *numbers = row
    source, target, claimant, quotes = (int(n) for n in numbers)
    return ActorCount(
        name=name, country=country, sector=sector, as_source=source, as_target=target,
        as_claimant=claimant, quotes=quotes, total=source + target + claimant + quotes,
    )  # fmt: skip


def place_count(row: Sequence[Any]) -> PlaceCount:
    """Build a PlaceCount from (name, geonames_id, admin1, country, lat, lon, events)."""
    name, geonames_id, admin1, country, lat, lon, events = row
    return PlaceCount(
        name=name, geonames_id=None if geonames_id is None else int(geonames_id), admin1=admin1,
        country=country, lat=lat, lon=lon, events=int(events),
    )  # fmt: skip


def map_places(found: Iterable[Sequence[Any]]) -> list[MapPlace]:
    """Fold (name, admin1, country, lat, lon, type, events) rows into places, most events first."""
    places: dict[tuple[Any, ...], MapPlace] = {}
    for name, admin1, country, lat, lon, type_, n in found:
        place = places.setdefault(
            (name, admin1, country, lat, lon),
            MapPlace(
                name=name, admin1=admin1, country=country, lat=lat, lon=lon, events=0, types={}
            ),
        )
        place.events += int(n)
        place.types[type_] = int(n)
    return sorted(places.values(), key=lambda p: (-p.events, p.name or ""))


def reaction(row: Sequence[Any], actors: list[str]) -> Reaction:
    """Build a Reaction from (id, type, date, evidence, reacts_to, its type, its evidence)."""
    event_id, type_, day, evidence, reacts_to, their_type, their_evidence = row
    return Reaction(
        event_id=event_id, type=type_, date=day, evidence=evidence, reacts_to=reacts_to,
        reacts_to_type=their_type, reacts_to_evidence=their_evidence, actors=actors,
    )  # fmt: skip


STATS_SQL = """SELECT
    (SELECT count(*) FROM articles WHERE status = 'ok'),
    (SELECT count(*) FROM events),
    (SELECT count(*) FROM quotes),
    (SELECT count(DISTINCT name) FROM actors),
    (SELECT count(*) FROM articles WHERE status = 'failed'),
    (SELECT count(*) FROM articles WHERE status = 'duplicate'),
    (SELECT count(*) FROM clusters)"""


def store_stats(row: Sequence[Any] | None) -> StoreStats:
    """Build StoreStats from the row of STATS_SQL."""
    articles, events, quotes, actors, failures, duplicates, clusters = (
        int(n) for n in row or (0,) * 7
    )
    return StoreStats(
        articles=articles, events=events, quotes=quotes, actors=actors, failures=failures,
        duplicates=duplicates, clusters=clusters,
    )  # fmt: skip


def join_clauses(clauses: Sequence[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """Return " WHERE c1 AND c2 ..." (or "") and the parameters, in order."""
    where = " WHERE " + " AND ".join(clause for clause, _ in clauses) if clauses else ""
    return where, [value for _, values in clauses for value in values]


# --- checks ------------------------------------------------------------------------------


def as_list(values: Iterable[str] | str) -> list[str]:
    """Return filter values as a list; a bare string is one value, not a sequence of letters."""
    return [values] if isinstance(values, str) else list(values)


def check_query(query: EventQuery) -> None:
    """Raise ConfigError for malformed dates or negative paging."""
    for name in ("date_from", "date_to"):
        value = getattr(query, name)
        try:
            if value is not None:
                date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None
    check_paging(query.limit, query.offset)


def check_paging(limit: int | None, offset: int) -> None:
    """Raise ConfigError for a negative limit or offset."""
    if offset < 0 or (limit is not None and limit < 0):
        raise ConfigError("limit and offset must be zero or more")
