"""Time cross-article merging (``resolve.merge_events``) on one dense province in one week.

    python bench/merge_scale.py [--events 10000] [--repeat 1]

Generates ``--events`` stored events in Punjab (Pakistan) over seven days, from articles of 1
to 4 events each, shaped like a busy news week: seven PLOVER types (protest the commonest),
60 cities whose shares fall off like city sizes (Lahore the largest) plus 15% of events
placed only at the province, 90% dated to the day (the rest dated by publication only), and
source actors drawn from a pool of 40 with a few foreign ones. Then prints the merge's wall
time, clusters found and events in them, at ``--events`` and at a tenth and a half of it, so
the growth with size is visible (near-linear when ten times the events take about ten times
as long). Fixed seed: the same events every run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from eventscribe.records import Actor, Event, Evidence, Place
from eventscribe.resolve import merge_events
from eventscribe.store.base import StoredEvent

TYPES = ("PROTEST", "ASSAULT", "COERCE", "FIGHT", "DEMAND", "ACCUSE", "MOBILIZE")
TYPE_WEIGHTS = (40, 20, 15, 10, 7, 5, 3)
MODES = {"PROTEST": ("demonstrate", "riot", "strike", None), "ASSAULT": ("beat", "kill", None)}
START = dt.date(2025, 3, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    print(f"\nmerging one province's week (bench/merge_scale.py, {args.events} events):")
    for size in sorted({max(args.events // 10, 1), max(args.events // 2, 1), args.events}):
        events = make_events(size)
        started, cpu = time.perf_counter(), time.process_time()
        clusters = merge_events(events, days=2)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        merged = [c for c in clusters if len(c.events) > 1]
        print(f"  {size:6d} events: {seconds:6.2f} s ({cpu:6.2f} s CPU), {len(merged)} clusters of 2+ holding "
              f"{sum(len(c.events) for c in merged)} events")  # fmt: skip


def make_events(count: int, *, seed: int = 13) -> list[StoredEvent]:
    """Return ``count`` stored events of one province and week (see the module docstring)."""
    rng = random.Random(seed)
    cities = [_city(n) for n in range(60)]
    city_weights = [1 / (n + 1) for n in range(60)]
    actors = [_actor(n) for n in range(40)]
    events: list[StoredEvent] = []
    article = 0
    while len(events) < count:
        article += 1
        published = START + dt.timedelta(days=rng.randrange(7))
        for n in range(min(rng.randint(1, 4), count - len(events))):
            place = _province() if rng.random() < 0.15 else rng.choices(cities, city_weights)[0]
            events.append(_stored(rng, article, n, published, place, actors))
    return events


def _stored(
    rng: random.Random, article: int, n: int, published: dt.date, place: Place, actors: list[Actor]
) -> StoredEvent:
    type_ = rng.choices(TYPES, TYPE_WEIGHTS)[0]
    day = published - dt.timedelta(days=rng.randrange(2))
    dated = rng.random() < 0.9
    event = Event(
        event_id=f"ev-{article:06d}-{n}", type=type_, mode=rng.choice(MODES.get(type_, (None,))),
        contexts=["negated"] if rng.random() < 0.03 else [],
        source_actors=[rng.choice(actors)], location=place,
        date=day.isoformat() if dated else None, date_precision="day" if dated else None,
        evidence=Evidence(text="...", start=0, end=3),
    )  # fmt: skip
    return StoredEvent(
        event=event, article_id=f"art-{article:06d}", article_hash=f"h{article:06d}",
        title=None, url=None, source=f"outlet-{article % 25}", published=published.isoformat(),
    )  # fmt: skip


def _city(n: int) -> Place:
    name = "Lahore" if n == 0 else f"Town {n}"
    return Place(name=name, text=name, start=0, end=len(name), geonames_id=1_000_000 + n,
                 admin1="Punjab", country="PAK", feature="city", precision="city")  # fmt: skip


def _province() -> Place:
    return Place(name="Punjab", text="Punjab", start=0, end=6, geonames_id=1_167_710,
                 admin1="Punjab", country="PAK", feature="admin1", precision="admin1")  # fmt: skip


def _actor(n: int) -> Actor:
    country = "IND" if n % 13 == 12 else "PAK"
    return Actor(name=f"Group {n}", text=f"Group {n}", start=0, end=7, country=country)


if __name__ == "__main__":
    main()
