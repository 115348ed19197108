"""Resolve: near-duplicate articles, and one event reported by several articles.

Near-duplicates (``NearDuplicateIndex``, ``link_duplicates``)
    An article's text becomes the set of its word 5-shingles (lower-cased ``\\w+`` words), a
    128-value MinHash signature (fixed seed, CRC-32 shingle hashes: the same text gives the
    same signature in every process) and an entry in a MinHash-LSH index. The LSH index is
    built for a threshold 0.2 below the one asked for, so that pairs just above it are almost
    never missed; each candidate is then checked against its estimated Jaccard similarity.
    Memory per article is fixed (the signature, the LSH bands, the key: about 7 KB), whatever
    its length; with ``capacity`` the index forgets its oldest texts, so a stream stays
    bounded. A copy of a copy is linked to the first original. A syndicated copy with its own
    headline, byline or closing sentence stays above 0.8; two stories on the same topic share
    few 5-word runs and stay far below.

Event merging (``merge_events``)
    Two events are the same event reported twice when all of these hold; the reason text
    names each one that held:

    - they come from different articles (an article never reports one event twice: two
      events it codes are two events, and no cluster holds two events of one article);
    - same PLOVER type. Modes must match too, or one be unknown, except for PROTEST, whose
      modes may differ: outlets call the same crowd a demonstration, a riot or a strike;
    - the same grammatical contexts among negated, hypothetical and future (a planned protest
      is not the protest; "historical" may differ, since later articles recall the event);
    - same place: the same GeoNames id; or one place is an admin1 division and the other lies
      in it (same country, same admin1 name); or, without GeoNames ids, the same name,
      country and precision. Country-level places never merge: too coarse to tell two
      events apart. An event without a location never merges;
    - dates within ``days`` of each other when both are known to the day; otherwise the
      articles' publication dates within ``days``. With neither, no merge;
    - compatible actors: when both events name source actors with countries, they share at
      least one country (Iranian protesters and French protesters are two protests).

    Only pairs that can pass the place and date rules are compared: within a (type, country,
    admin1) block, events at one place, or at the admin1 itself, whose days are close (found
    by sorting, not by trying every pair), so a dense province's week merges in seconds. Clusters grow by complete linkage: two clusters join only when every pair across them
    passes the rules, so a chain of near-misses cannot drift across a week or a province.
    Candidate pairs are tried from the closest in time, then by event id; the events are
    sorted first, so the result does not depend on input order. ``cluster_id`` is derived
    from the smallest member event id, so a cluster keeps its id when later reports join.
    Every member event is kept whole (evidence, actors, claims); figures (fatalities,
    injuries, arrests, participants) are listed side by side with who claims them and where.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eventscribe.records import (
    Article,
    Count,
    Event,
    EventCluster,
    FigureClaim,
    Place,
    StoredEvent,
    content_hash,
)

if TYPE_CHECKING:
    import numpy.typing as npt

DEFAULT_THRESHOLD = 0.8
NUM_PERM = 128
SHINGLE_WORDS = 5
MINHASH_SEED = 1
# The LSH index looks this far below the threshold; candidates are then checked exactly.
_CANDIDATE_MARGIN = 0.2
_WORD = re.compile(r"\w+")
_KEY_SEPARATOR = "\x1f"

FIGURE_CATEGORIES = ("fatalities", "injuries", "arrests", "participants")
_GRAMMATICAL = frozenset({"negated", "hypothetical", "future"})
_FREE_MODE_TYPES = frozenset({"PROTEST"})
_DAY_PRECISIONS = (None, "day")


# --- near-duplicate articles -------------------------------------------------------------


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Return the set of ``size``-word runs of the text, lower-cased, as UTF-8 bytes."""
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


class NearDuplicateIndex:
    """Remember texts and tell, for each new one, which earlier text it nearly duplicates."""

    def __init__(
        self,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        num_perm: int = NUM_PERM,
        shingle_size: int = SHINGLE_WORDS,
        seed: int = MINHASH_SEED,
        capacity: int | None = None,
    ) -> None:
        from datasketch import MinHash, MinHashLSH

        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        if capacity is not None and capacity < 1:
            raise ValueError(f"capacity must be a positive number of texts, got {capacity}")
        self.threshold = threshold
        # With a capacity, the oldest texts are forgotten: a stream's index stays bounded.
        self.capacity = capacity
        self.shingle_size = shingle_size
        self._template = MinHash(num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)
        candidate = max(threshold - _CANDIDATE_MARGIN, 0.1)
        self._lsh = MinHashLSH(threshold=candidate, num_perm=num_perm)
        self._signatures: dict[str, npt.NDArray[Any]] = {}
        self._order: dict[str, int] = {}
        self._original: dict[str, str] = {}  # duplicate key -> the original it copies
        self._added = 0

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, key: object) -> bool:
        return key in self._signatures

    def add(self, key: str, text: str) -> str | None:
        """Index a text; return the key of the earlier text it nearly duplicates, or None."""
        self._check_new(key)
        minhash = self._minhash(text)
        if minhash is None:
            return None  # no words: nothing to compare, and nothing others could match
        return self._add(key, minhash)

    def add_signature(self, key: str, signature: bytes) -> str | None:
        """Index a stored signature (from ``signature``), e.g. to warm the index from a database."""
        import numpy as np

        self._check_new(key)
        values = np.frombuffer(signature, dtype=self._template.hashvalues.dtype)
        if len(values) != self._template.num_perm:
            raise ValueError(
                f"signature has {len(values)} values, the index uses {self._template.num_perm}"
            )
        return self._add(key, self._wrap(values.copy()))

    def signature(self, key: str) -> bytes:
        """Return the MinHash signature of an indexed text, as bytes to store."""
        return bytes(self._signatures[key].tobytes())

    def _check_new(self, key: str) -> None:
        if key in self._signatures:
            raise ValueError(f"key {key!r} is already in the index; give each text its own key")

    def _add(self, key: str, minhash: Any) -> str | None:
        match = self._best_match(minhash)
        original = None if match is None else self._original.get(match, match)
        if original is not None:
            self._original[key] = original
        self._lsh.insert(key, minhash)
        self._signatures[key] = minhash.hashvalues
        self._order[key] = self._added
        self._added += 1
        self._forget_oldest()
        return original

    def _forget_oldest(self) -> None:
        if self.capacity is None or len(self._signatures) <= self.capacity:
            return
        oldest = next(iter(self._order))  # dicts keep insertion order
        self._lsh.remove(oldest)
        del self._signatures[oldest], self._order[oldest]
        self._original.pop(oldest, None)

    def _minhash(self, text: str) -> Any:
        runs = shingles(text, size=self.shingle_size)
        if not runs:
            return None
        minhash = self._wrap(None)
        minhash.update_batch(sorted(runs))
        return minhash

    def _wrap(self, values: npt.NDArray[Any] | None) -> Any:
        """Return a MinHash sharing the template's permutations (generating them is slow)."""
        from datasketch import MinHash

        template = self._template
        return MinHash(
            num_perm=template.num_perm,
            seed=template.seed,
            hashfunc=zlib.crc32,
            hashvalues=values,
            permutations=template.permutations,
            scheme=template.scheme,
        )

    def _best_match(self, minhash: Any) -> str | None:
        """Return the most similar indexed key at or above the threshold (earliest on ties)."""
        best: tuple[float, int, str] | None = None
        for key in self._lsh.query(minhash):
            similarity = float((self._signatures[key] == minhash.hashvalues).mean())
            rank = (-similarity, self._order[key], key)
            if similarity >= self.threshold and (best is None or rank < best):
                best = rank
        return None if best is None else best[2]

    def similarity(self, first: str, second: str) -> float:
        """Return the estimated Jaccard similarity of two indexed texts."""
        a, b = self._signatures[first], self._signatures[second]
        return float((a == b).mean())


def link_duplicates(
    articles: Iterable[Article],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    capacity: int | None = None,
) -> Iterator[tuple[Article, str | None]]:
    """Yield (article, id of the earlier article it nearly duplicates, or None), in input order."""
    index = NearDuplicateIndex(threshold=threshold, capacity=capacity)
    for n, article in enumerate(articles):
        # The position keeps keys unique (article ids need not be); the id rides along.
        original = index.add(f"{n}{_KEY_SEPARATOR}{article.id}", article.text)
        yield article, None if original is None else original.split(_KEY_SEPARATOR, 1)[1]


# --- events reported by several articles -------------------------------------------------


def merge_events(events: Sequence[StoredEvent], *, days: int = 2) -> list[EventCluster]:
    """Group reports of the same event across articles; see the module docstring for the rules."""
    members = _sorted_unique(events)
    size = len(members)
    ordered = _passing_pairs(members, [_facts(stored) for stored in members], days=days)
    pairs = [divmod(key % (size * size), size) for key in ordered]
    groups = _Groups(members, pairs)
    for first, second in pairs:
        if groups.can_join(first, second):
            groups.join(first, second, reason=_joined(members, first, second, days=days))
    clusters = [_cluster([members[i] for i in g], why) for g, why in groups.result()]
    return sorted(clusters, key=lambda c: (_first_day(c), c.cluster_id))


def _sorted_unique(events: Iterable[StoredEvent]) -> list[StoredEvent]:
    """Sort by event id (then article) and keep the first of repeated event ids."""
    unique: dict[str, StoredEvent] = {}
    for stored in sorted(events, key=lambda s: (s.event.event_id, s.article_id)):
        unique.setdefault(stored.event.event_id, stored)
    return list(unique.values())


@dataclass(slots=True, frozen=True)
class _Facts:
    """What the merge rules compare, computed once per event (days as ordinals)."""

    article_id: str
    article_hash: str
    type: str
    mode: str | None
    contexts: frozenset[str]
    place: tuple[object, ...] | None  # None: an admin1 place, the same place as all its block
    day: int | None  # the event's day, when known to the day
    published: int | None
    countries: frozenset[str]

    @property
    def anchor(self) -> int | None:
        """The day that orders candidate pairs: the event's, else its article's."""
        return self.day if self.day is not None else self.published


def _facts(stored: StoredEvent) -> _Facts:
    event, place = stored.event, stored.event.location
    day, published = _event_day(event), _day(stored.published)
    return _Facts(
        article_id=stored.article_id, article_hash=stored.article_hash, type=event.type,
        mode=event.mode, contexts=_GRAMMATICAL.intersection(event.contexts),
        place=_place_key(place) if place is not None else None,
        day=day.toordinal() if day else None,
        published=published.toordinal() if published else None,
        countries=frozenset(_countries(event)),
    )  # fmt: skip


def _place_key(place: Place) -> tuple[object, ...] | None:
    """Within a block, two places are one when their keys are equal or either key is None."""
    if place.precision == "admin1" and _norm(_admin1_of(place)) is not None:
        return None
    if place.geonames_id is not None:
        return ("geonames", place.geonames_id)
    name = _norm(place.name)
    return ("name", place.precision, name) if name else ("unnamed", object())


def _passing_pairs(
    members: Sequence[StoredEvent], facts: Sequence[_Facts], *, days: int
) -> list[int]:
    """Return every pair (i < j) that passes the rules, closest in time first, then by (i, j).

    A pair is encoded as one int, ``(days apart * n + i) * n + j``, so that sorting ints gives
    this order and ``key % n**2`` identifies the pair. Only pairs that can pass the place and
    date rules are generated (per block, by place and by sorted days) and they are checked on
    facts computed once, so the work follows the pairs that pass, not every pair of a block.
    """
    blocks: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i, stored in enumerate(members):
        key = _block(stored.event)
        if key is not None:  # contexts must be equal: they split blocks too
            blocks[(*key, facts[i].contexts)].append(i)
    keys: list[int] = []
    for block in blocks.values():
        for i, partners in _candidates(facts, block, days=days):
            keys += _passing_keys(facts, i, partners, size=len(members))
    keys.sort()
    return keys


def _candidates(
    facts: Sequence[_Facts], block: Sequence[int], *, days: int
) -> Iterator[tuple[int, list[int]]]:
    """Yield (i, partners): each pair of the block that passes place and date comes once."""
    places: dict[tuple[object, ...] | None, list[int]] = defaultdict(list)
    for i in block:
        places[facts[i].place].append(i)
    areas = places.pop(None, [])
    in_areas = _DateIndex(facts, areas, days=days)
    for i in areas:
        yield i, [j for j in in_areas.near(facts[i]) if j > i]
    for group in places.values():
        in_group = _DateIndex(facts, group, days=days)
        for i in group:
            near = [j for j in in_group.near(facts[i]) if j > i]
            yield i, near + in_areas.near(facts[i])


def _passing_keys(facts: Sequence[_Facts], i: int, partners: list[int], *, size: int) -> list[int]:
    mine = facts[i]
    return [
        (_gap(mine, theirs) * size + min(i, j)) * size + max(i, j)
        for j in partners
        if _may_merge(mine, theirs := facts[j])
    ]


class _DateIndex:
    """Events sorted by day, to find those that pass the date rule with an event quickly."""

    def __init__(self, facts: Sequence[_Facts], members: Iterable[int], *, days: int) -> None:
        self._days = days
        self._dated = _sorted_by(facts, members, lambda f: f.day)
        self._undated = _sorted_by(facts, members, lambda f: f.published if f.day is None else None)
        self._published = _sorted_by(facts, members, lambda f: f.published)

    def near(self, fact: _Facts) -> list[int]:
        """Both known to the day: days apart <= ``days``; else the same for publication days."""
        if fact.day is not None:
            found = _within(self._dated, fact.day, self._days)
            if fact.published is not None:
                found += _within(self._undated, fact.published, self._days)
            return found
        if fact.published is not None:
            return _within(self._published, fact.published, self._days)
        return []


_Sorted = tuple[list[int], list[int]]  # day numbers ascending, and the member of each


def _sorted_by(
    facts: Sequence[_Facts], members: Iterable[int], day: Callable[[_Facts], int | None]
) -> _Sorted:
    keyed = sorted((d, i) for i in members if (d := day(facts[i])) is not None)
    return [d for d, _ in keyed], [i for _, i in keyed]


def _within(index: _Sorted, day: int, days: int) -> list[int]:
    numbers, members = index
    return members[bisect_left(numbers, day - days) : bisect_right(numbers, day + days)]


def _may_merge(a: _Facts, b: _Facts) -> bool:
    """The rules other than place and date (which the candidate pairs already passed)."""
    if a.article_id == b.article_id or a.article_hash == b.article_hash:
        return False
    modes = a.mode == b.mode or a.mode is None or b.mode is None
    if not modes and a.type not in _FREE_MODE_TYPES:
        return False
    if a.contexts != b.contexts:
        return False
    return not (a.countries and b.countries and a.countries.isdisjoint(b.countries))


def _block(event: Event) -> tuple[str, str | None, str | None] | None:
    """Only events sharing type, country and admin1 can merge: compare within these blocks."""
    place = event.location
    if place is None or place.precision == "country":
        return None
    return event.type, place.country, _norm(_admin1_of(place))


def same_event_reason(first: StoredEvent, second: StoredEvent, *, days: int = 2) -> str | None:
    """Say why two stored events are one event reported twice, or return None when they are not."""
    if first.article_id == second.article_id or first.article_hash == second.article_hash:
        return None
    a, b = first.event, second.event
    checks = (
        _same_type(a, b),
        _same_contexts(a, b),
        _same_place(a.location, b.location),
        _close_dates(first, second, days=days),
        _compatible_actors(a, b),
    )
    if any(check is None for check in checks):
        return None
    return ", ".join(check for check in checks if check)


def _same_type(a: Event, b: Event) -> str | None:
    if a.type != b.type:
        return None
    if a.mode == b.mode or a.mode is None or b.mode is None:
        mode = a.mode or b.mode
        return f"same type {a.type}" + (f"/{mode}" if mode else "")
    if a.type in _FREE_MODE_TYPES:
        return f"same type {a.type} (modes {a.mode}/{b.mode} may differ between outlets)"
    return None


def _same_contexts(a: Event, b: Event) -> str | None:
    mine, theirs = _GRAMMATICAL.intersection(a.contexts), _GRAMMATICAL.intersection(b.contexts)
    if mine != theirs:
        return None
    return f"both {'/'.join(sorted(mine))}" if mine else ""


def _same_place(a: Place | None, b: Place | None) -> str | None:
    """Return the reason the two locations are one place, or None."""
    if a is None or b is None or "country" in (a.precision, b.precision):
        return None
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return f"same place {a.name} (geonames {a.geonames_id})"
    if a.country != b.country:
        return None
    for area, inner in ((a, b), (b, a)):
        if area.precision == "admin1" and _same_text(_admin1_of(area), _admin1_of(inner)):
            return f"same admin1 {area.name}: {inner.name} lies in it"
    unresolved = a.geonames_id is None and b.geonames_id is None
    if unresolved and a.precision == b.precision and _same_text(a.name, b.name):
        return f"same place name {a.name} ({a.country})"
    return None


def _admin1_of(place: Place) -> str | None:
    return place.admin1 or (place.name if place.precision == "admin1" else None)


def _close_dates(first: StoredEvent, second: StoredEvent, *, days: int) -> str | None:
    a, b = _event_day(first.event), _event_day(second.event)
    if a is not None and b is not None:
        if abs((a - b).days) > days:
            return None
        return f"dates {a}/{b} within {days} days"
    pa, pb = _day(first.published), _day(second.published)
    if pa is None or pb is None or abs((pa - pb).days) > days:
        return None
    return f"date unknown, published {pa}/{pb} within {days} days"


def _compatible_actors(a: Event, b: Event) -> str | None:
    mine, theirs = _countries(a), _countries(b)
    if mine and theirs and not mine & theirs:
        return None
    shared = sorted(_actor_names(a) & _actor_names(b))
    if shared:
        return "shared actor " + ", ".join(repr(name) for name in shared)
    if mine and theirs:
        return f"source actors from {'/'.join(sorted(mine & theirs))}"
    return ""


def _countries(event: Event) -> set[str]:
    return {actor.country for actor in event.source_actors if actor.country}


def _actor_names(event: Event) -> set[str]:
    actors = [*event.source_actors, *event.target_actors]
    return {actor.name.casefold() for actor in actors if actor.name}


def _event_day(event: Event) -> dt.date | None:
    """The event's date when known to the day (a month or year is too vague to compare)."""
    if event.date_precision not in _DAY_PRECISIONS:
        return None
    return _day(event.date)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _gap(a: _Facts, b: _Facts) -> int:
    """Days between the two events (or their articles): the closest pairs are joined first."""
    first, second = a.anchor, b.anchor
    return abs(first - second) if first is not None and second is not None else 0


def _joined(members: Sequence[StoredEvent], i: int, j: int, *, days: int) -> str:
    reason = same_event_reason(members[i], members[j], days=days)
    return f"{members[i].event.event_id} + {members[j].event.event_id}: {reason}"


class _Groups:
    """Disjoint groups of member indices, joined under complete linkage."""

    def __init__(self, members: Sequence[StoredEvent], passing: Iterable[tuple[int, int]]) -> None:
        self._partners: list[set[int]] = [set() for _ in members]  # who passes with whom
        for i, j in passing:
            self._partners[i].add(j)
            self._partners[j].add(i)
        self._group = list(range(len(members)))  # member -> group id (its smallest member)
        self._members: dict[int, list[int]] = {i: [i] for i in range(len(members))}
        self._reasons: dict[int, list[str]] = {i: [] for i in range(len(members))}
        self._articles = {i: {m.article_id} for i, m in enumerate(members)}

    def can_join(self, i: int, j: int) -> bool:
        """Two groups join when they share no article and every pair across them passes."""
        left, right = self._group[i], self._group[j]
        if left == right or not self._articles[left].isdisjoint(self._articles[right]):
            return False
        small, large = sorted((self._members[left], self._members[right]), key=len)
        return all(self._partners[x].issuperset(large) for x in small)

    def join(self, i: int, j: int, *, reason: str) -> None:
        keep, gone = sorted((self._group[i], self._group[j]))
        for k in self._members[gone]:
            self._group[k] = keep
        self._members[keep] = sorted(self._members[keep] + self._members.pop(gone))
        self._reasons[keep] += [*self._reasons.pop(gone), reason]
        self._articles[keep] |= self._articles.pop(gone)

    def result(self) -> Iterator[tuple[list[int], list[str]]]:
        for group in sorted(self._members):
            yield self._members[group], self._reasons[group]


def _cluster(events: list[StoredEvent], reasons: list[str]) -> EventCluster:
    ordered = sorted(events, key=_report_order)
    smallest = min(stored.event.event_id for stored in events)
    return EventCluster(
        cluster_id="cl_" + content_hash(smallest)[:16],
        events=ordered,
        reasons=reasons,
        figures=_figures(ordered),
    )


def _report_order(stored: StoredEvent) -> tuple[str, str, str]:
    return (stored.published or "9999", stored.article_id, stored.event.event_id)


def _figures(events: Sequence[StoredEvent]) -> dict[str, list[FigureClaim]]:
    """Every figure each report gives, side by side, with its claimant and article."""
    figures: dict[str, list[FigureClaim]] = {}
    for category in FIGURE_CATEGORIES:
        claims = [_claim(s, count) for s in events if (count := _count(s.event, category))]
        if claims:
            figures[category] = claims
    return figures


def _count(event: Event, category: str) -> Count | None:
    count: Count | None = getattr(event, category)
    return count


def _claim(stored: StoredEvent, count: Count) -> FigureClaim:
    claimant = stored.event.claimed_by
    return FigureClaim(
        value=count.value,
        min=count.min,
        max=count.max,
        text=count.text,
        claimed_by=claimant.name if claimant else None,
        article_id=stored.article_id,
        event_id=stored.event.event_id,
        source=stored.source,
    )


def _first_day(cluster: EventCluster) -> str:
    days = [s.event.date or s.published or "9999" for s in cluster.events]
    return min(days)


def _same_text(a: str | None, b: str | None) -> bool:
    """Equal after case and spacing; a blank name is never the same as anything."""
    folded = _norm(a)
    return folded is not None and folded == _norm(b)


def _norm(text: str | None) -> str | None:
    return " ".join(text.casefold().split()) if text else None
