"""Compose the stages: ingest -> parse -> extract -> (store).

``extract_findings`` is the pure per-article function (models passed in); ``iter_findings``
streams any iterable of ingested items through it in batches, keeping input order; ``run_into``
adds the store, skipping articles it already holds, one transaction per batch.
"""

from __future__ import annotations

import datetime
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from eventscribe.calibration import IDENTITY, Calibrator, load_calibrator
from eventscribe.config import Settings
from eventscribe.errors import ModelError, StoreError
from eventscribe.extract.actors.stage import ActorDictionary, find_actors, load_actor_dictionary
from eventscribe.extract.counts import CountMention, find_counts
from eventscribe.extract.dates import find_dates
from eventscribe.extract.events.classifier import EventClassifier, load_classifier, make_judge
from eventscribe.extract.events.judge import LEADING, Leading, SentenceJudge
from eventscribe.extract.events.placing import PlacePicker, load_place_picker
from eventscribe.extract.events.stage import Lexicon, extract_events, load_lexicon
from eventscribe.extract.places import find_places, focus_country, focus_place
from eventscribe.extract.quotes import extract_quotes
from eventscribe.extract.reactions import link_reactions
from eventscribe.gazetteer import Gazetteer, load_gazetteer
from eventscribe.ingest import IngestFailure
from eventscribe.ingest.failure import one_line
from eventscribe.parse import Parsed, load_nlp, parse_articles
from eventscribe.records import Article, Findings, StageError
from eventscribe.resolve import NearDuplicateIndex, merge_events
from eventscribe.store.base import EventQuery, SaveResult

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from eventscribe.store.base import Store

log = logging.getLogger(__name__)

Item = Article | IngestFailure
# how many article signatures the near-duplicate index keeps (about 6.6 KB each)
DUPLICATE_MEMORY = 200_000


@dataclass(slots=True, kw_only=True)
class Models:
    """Everything extraction needs, loaded once and passed in (never global)."""

    nlp: Language
    gazetteer: Gazetteer
    actors: ActorDictionary
    lexicon: Lexicon
    classifier: EventClassifier | None = None  # the sentence classifier (types, ACLED codes)
    judge: SentenceJudge | None = None  # the classifier as extract_events' sentence judge
    leading: Leading = LEADING  # how far the judge leads (chosen by bench/events_cv.py)
    calibrator: Calibrator = IDENTITY  # raw event score -> calibrated confidence
    place_picker: PlacePicker | None = None  # each event's own place (None: the packaged one)
    language: str = "en"


def load_models(settings: Settings | None = None) -> Models:
    """Load the spaCy pipeline, gazetteer, actor dictionary and event lexicon."""
    settings = settings or Settings()
    cache = Path(settings.cache_dir) if settings.cache_dir else None
    lexicon = load_lexicon([Path(p) for p in settings.lexicon_files])
    classifier = load_classifier()
    return Models(
        nlp=load_nlp(),
        gazetteer=load_gazetteer(cache_dir=cache),
        actors=load_actor_dictionary([Path(p) for p in settings.actor_files]),
        lexicon=lexicon,
        classifier=classifier,
        judge=make_judge(classifier),
        calibrator=load_calibrator(),
        place_picker=load_place_picker(),
        language=settings.language,
    )


def extract_findings(parsed: Parsed, *, models: Models) -> Findings:
    """Run every extraction stage on one parsed article."""
    article, doc = parsed.article, parsed.doc
    findings = Findings(id=article.id, title=article.title, published=article.published)
    published = _parse_day(article.published)
    places = find_places(doc, gazetteer=models.gazetteer)
    actors = find_actors(doc, dictionary=models.actors, country_hint=focus_country(places))
    quotes = extract_quotes(doc, actors=actors)
    events = extract_events(
        doc,
        article_key=article.content_hash,
        published=published,
        lexicon=models.lexicon,
        actors=actors,
        places=places,
        quotes=quotes,
        dates=find_dates(doc, published=published),
        counts=_sentence_counts(doc),
        fallback_place=focus_place(places),
        judge=models.judge,
        place_chooser=models.place_picker,
        leading=models.leading,
        gazetteer=models.gazetteer,
    )
    findings.events = [
        replace(e, confidence=models.calibrator(e.confidence)) for e in link_reactions(events)
    ]
    findings.quotes, findings.places, findings.actors = quotes, places, actors
    return findings


def _sentence_counts(doc: Doc) -> list[CountMention]:
    return [mention for sent in doc.sents for mention in find_counts(sent)]


def _parse_day(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def failure_findings(item: Item, stage: str, message: str) -> Findings:
    """Return the Findings line of an item that could not be processed."""
    published = item.published if isinstance(item, Article) else None
    return Findings(
        id=item.id,
        title=item.title,
        published=published,
        errors=[StageError(stage=stage, message=message)],
    )


def iter_findings(
    items: Iterable[Item], *, models: Models, batch_size: int = 32, first: int | None = 1
) -> Iterator[tuple[Item, Findings]]:
    """Yield (item, findings) for every item, in input order, parsing in batches.

    The first batch is ``first`` articles, so that the first result comes as soon as the
    models are loaded (start-up), not after a whole batch.
    """
    for batch in batched(items, batch_size, first=first):
        yield from _process_batch(batch, models=models, batch_size=batch_size)


def _process_batch(
    batch: Sequence[Item], *, models: Models, batch_size: int
) -> Iterator[tuple[Item, Findings]]:
    rejections = [_rejection(item, models) for item in batch]
    wanted = [
        item
        for item, rejection in zip(batch, rejections, strict=True)
        if rejection is None and isinstance(item, Article)
    ]
    parsed = _parse_safely(wanted, models=models, batch_size=batch_size)
    for item, rejection in zip(batch, rejections, strict=True):
        if rejection is not None:
            yield item, failure_findings(item, *rejection)
        else:
            done = next(parsed)
            yield item, done if isinstance(done, Findings) else _safe_extract(done, models=models)


def _parse_safely(
    articles: Sequence[Article], *, models: Models, batch_size: int
) -> Iterator[Parsed | Findings]:
    """Parse in batches; when a batch fails, parse the rest alone so one article fails alone."""
    done = 0
    try:
        for parsed in parse_articles(articles, nlp=models.nlp, batch_size=batch_size):
            done += 1
            yield parsed
        return
    except ModelError:
        raise
    except Exception:  # e.g. spaCy's E088 on a text over nlp.max_length: find which one
        log.debug("a parse batch failed; parsing its articles one at a time", exc_info=True)
    for article in articles[done:]:
        yield _parse_one(article, models=models)


def _parse_one(article: Article, *, models: Models) -> Parsed | Findings:
    try:
        return next(iter(parse_articles([article], nlp=models.nlp, batch_size=1)))
    except ModelError:
        raise
    except Exception as exc:  # one unparseable article must not stop the run
        log.error("parsing failed on article %s", article.id, exc_info=exc)
        return failure_findings(article, "parse", _internal_message(exc))


def _rejection(item: Item, models: Models) -> tuple[str, str] | None:
    """Why an item is not parsed: (stage, message), or None when it should be."""
    if isinstance(item, IngestFailure):
        return item.stage, item.message
    if item.language and item.language != models.language:
        return (
            "language",
            f"skipped: the article is in {item.language!r}, and only {models.language!r} "
            "is supported for now",
        )
    if len(item.text) > models.nlp.max_length:
        return (
            "parse",
            f"the text is {len(item.text):,} characters, over the parser's limit of "
            f"{models.nlp.max_length:,}; split the article into parts",
        )
    return None


def _safe_extract(parsed: Parsed, *, models: Models) -> Findings:
    """Extract one article; a bug in a stage is recorded against the article, not fatal."""
    try:
        return extract_findings(parsed, models=models)
    except ModelError:
        raise
    except Exception as exc:  # a stage bug must not stop a 10,000-article run
        log.exception("extraction failed on article %s", parsed.article.id)
        return failure_findings(parsed.article, "extract", _internal_message(exc))


def _internal_message(exc: Exception) -> str:
    """Say, on one line, that a stage broke on this article and the run went on."""
    return f"internal error {type(exc).__name__}: {one_line(exc)} (the article was skipped; please report it)"


@dataclass(slots=True, kw_only=True)
class RunSummary:
    """What one `run` did."""

    articles: int = 0
    stored: int = 0
    already_stored: int = 0
    duplicates: int = 0  # near-duplicates of stored articles, linked and not processed again
    events: int = 0
    quotes: int = 0
    clusters: int = 0  # cross-article clusters stored after the run
    failures: list[tuple[str, str]] = field(default_factory=list)  # (id, "stage: message")
    event_dates: list[str] = field(default_factory=list)  # first and last date of new events


Progress = Callable[[RunSummary], None]


BatchMapper = Callable[[Iterable[list[Item]]], Iterator[tuple[list[Item], list[Findings]]]]


def run_into(
    items: Iterable[Item],
    *,
    store: Store,
    models: Models | None = None,
    process: BatchMapper | None = None,
    batch_size: int = 32,
    progress: Progress | None = None,
    dedupe: bool = True,
) -> RunSummary:
    """Extract every new article and save it, one transaction per batch; return a summary.

    Articles the store holds, and with ``dedupe`` near-duplicates of articles seen before
    (syndicated wire copy, stored as linked duplicates), are dropped before a batch's work
    goes out. The work is done in-process with ``models``, or by ``process``, which maps
    batches to their findings in order (the local and Ray engines); only this process writes.
    """
    if process is None:
        if models is None:
            raise ValueError("run_into needs models or a process function")
        process = _in_process(models, batch_size=batch_size)
    summary = RunSummary()
    index = warm_duplicate_index(store) if dedupe else None
    dropped: deque[_Dropped] = deque()
    work = _work_batches(batched(items, batch_size), store=store, index=index, dropped=dropped)
    for batch, found in process(work):
        pairs = list(zip(batch, found, strict=True))
        _save(pairs, dropped.popleft(), store=store, index=index, summary=summary)
        if progress is not None:
            progress(summary)
    return summary


def _in_process(models: Models, *, batch_size: int) -> BatchMapper:
    def process(batches: Iterable[list[Item]]) -> Iterator[tuple[list[Item], list[Findings]]]:
        for batch in batches:
            yield batch, [f for _, f in _process_batch(batch, models=models, batch_size=batch_size)]

    return process


def warm_duplicate_index(store: Store) -> NearDuplicateIndex:
    """Return a near-duplicate index holding the signatures of the stored articles."""
    index = NearDuplicateIndex(capacity=DUPLICATE_MEMORY)
    for key, signature in store.iter_signatures():
        if key not in index:
            index.add_signature(key, signature)
    return index


@dataclass(slots=True, kw_only=True, frozen=True)
class _Dropped:
    """What was taken out of one input batch before its work went out."""

    items: int
    known: int
    duplicates: list[tuple[Article, str]]


def batched(
    items: Iterable[Item], batch_size: int, *, first: int | None = None
) -> Iterator[list[Item]]:
    """Yield lists of up to ``batch_size`` items, in order; the first one of ``first`` items."""
    iterator = iter(items)
    if first is not None and (batch := list(islice(iterator, first))):
        yield batch
    while batch := list(islice(iterator, batch_size)):
        yield batch


def _work_batches(
    batches: Iterable[list[Item]],
    *,
    store: Store,
    index: NearDuplicateIndex | None,
    dropped: deque[_Dropped],
) -> Iterator[list[Item]]:
    """Yield each batch less its stored articles and near-duplicates, noting what was dropped."""
    for batch in batches:
        hashes = [item.content_hash for item in batch if isinstance(item, Article)]
        known = store.known_hashes(hashes)
        fresh = [item for item in batch if not _is_known(item, known)]
        work, duplicates = _split_duplicates(fresh, index)
        dropped.append(
            _Dropped(items=len(batch), known=len(batch) - len(fresh), duplicates=duplicates)
        )
        yield work


def _save(
    pairs: Sequence[tuple[Item, Findings]],
    dropped: _Dropped,
    *,
    store: Store,
    index: NearDuplicateIndex | None,
    summary: RunSummary,
) -> None:
    """Save one processed batch, its duplicates and signatures in one transaction."""
    summary.articles += dropped.items
    summary.already_stored += dropped.known
    for item, findings in pairs:
        for error in findings.errors:
            summary.failures.append((item.id, f"{error.stage}: {error.message}"))
    to_save = [(item, f) for item, f in pairs if isinstance(item, Article)]
    linked = [a for a, _ in to_save] + [a for a, _ in dropped.duplicates]
    signatures = _signatures(index, linked)
    try:
        result = store.save(to_save, duplicates=dropped.duplicates, signatures=signatures)
    except StoreError:
        raise  # the database itself is at fault (locked, full, read-only): stop, with advice
    except Exception:  # one article the database cannot hold: find it, save the others
        log.debug("saving a batch failed; saving its articles one at a time", exc_info=True)
        _tally(summary, store.save([], duplicates=dropped.duplicates, signatures=signatures), [])
        for pair in to_save:
            _save_one(pair, store=store, summary=summary)
        return
    _tally(summary, result, to_save)


def _save_one(pair: tuple[Article, Findings], *, store: Store, summary: RunSummary) -> None:
    """Save one article on its own; record it as failed at the store stage when it cannot be."""
    try:
        result = store.save([pair])
    except StoreError:
        raise
    except Exception as exc:
        log.error("saving failed on article %s", pair[0].id, exc_info=exc)
        summary.failures.append((pair[0].id, f"store: {_internal_message(exc)}"))
        return
    _tally(summary, result, [pair])


def _split_duplicates(
    items: Sequence[Item], index: NearDuplicateIndex | None
) -> tuple[list[Item], list[tuple[Article, str]]]:
    """Separate near-duplicates of earlier articles (index order = input order) from work."""
    work: list[Item] = []
    duplicates: list[tuple[Article, str]] = []
    for item in items:
        original = None
        if index is not None and isinstance(item, Article) and item.content_hash not in index:
            original = index.add(item.content_hash, item.text)
        if original is not None and isinstance(item, Article):
            duplicates.append((item, original))
        else:
            work.append(item)
    return work, duplicates


def _signatures(
    index: NearDuplicateIndex | None, articles: Sequence[Article]
) -> list[tuple[str, bytes]]:
    if index is None:
        return []
    hashes = dict.fromkeys(a.content_hash for a in articles)
    return [(h, index.signature(h)) for h in hashes if h in index]


def _tally(
    summary: RunSummary, result: SaveResult, saved: Sequence[tuple[Article, Findings]]
) -> None:
    summary.stored += result.articles_added
    # an exact copy later in the same batch is found stored only at save time
    summary.already_stored += result.articles_skipped
    summary.duplicates += result.duplicates_added
    summary.events += result.events_added
    summary.quotes += result.quotes_added
    dates = [e.date for _, f in saved for e in f.events if e.date] + summary.event_dates
    if dates:
        summary.event_dates = [min(dates), max(dates)]


def _is_known(item: Item, known: set[str]) -> bool:
    return isinstance(item, Article) and item.content_hash in known


def cluster_events(
    store: Store, *, date_from: str | None = None, date_to: str | None = None, days: int = 2
) -> int:
    """Merge the stored events of a date range across articles; store and count the clusters."""
    query = EventQuery(date_from=date_from, date_to=date_to, limit=None)
    clusters = [
        c for c in merge_events(list(store.iter_events(query)), days=days) if len(c.events) > 1
    ]
    store.save_clusters(clusters)
    return len(clusters)


def cluster_new_events(store: Store, summary: RunSummary, *, days: int = 2) -> None:
    """Cluster the stored events around the dates of the events this run added.

    A run that met articles stored earlier widens the window to every stored event date: the
    run that stored them may have been killed before its own clustering, and a resumed run
    must leave the store as one uninterrupted run would have.
    """
    dates = summary.event_dates
    if summary.already_stored:
        dates = [d for d in (*dates, *_stored_event_days(store)) if d]
    if not dates:
        return
    first, last = (datetime.date.fromisoformat(d) for d in (min(dates), max(dates)))
    window = datetime.timedelta(days=days)
    summary.clusters = cluster_events(
        store,
        date_from=(first - window).isoformat(),
        date_to=(last + window).isoformat(),
        days=days,
    )


def _stored_event_days(store: Store) -> list[str]:
    """Return the first and last day of the stored events (empty when none has a date)."""
    found = [c.key for c in store.count_by(EventQuery(limit=None), by="day") if c.key]
    return [min(found), max(found)] if found else []
