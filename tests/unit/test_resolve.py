"""Near-duplicate articles (MinHash/LSH) and events merged across articles (hand-built events)."""

from __future__ import annotations

import datetime
import random

import pytest

from eventscribe.records import Actor, Article, Count, Event, Evidence, Place
from eventscribe.resolve import (
    EventCluster,
    FigureClaim,
    NearDuplicateIndex,
    link_duplicates,
    merge_events,
    same_event_reason,
    shingles,
)
from eventscribe.store.base import StoredEvent

# --- near-duplicates ---------------------------------------------------------------------

WIRE = """KAZERUN, Iran (Gulf Wire) - Thousands of residents marched through the centre of
Kazerun on Wednesday to oppose a government plan to split the city and hand its eastern
districts to a new county, in the largest protest the town has seen in years.

Shopkeepers pulled down their shutters before noon and joined the crowd, which gathered
outside the governor's office and then moved towards the main bazaar. Marchers carried
banners reading "Kazerun will not be divided" and chanted against the provincial council.

Witnesses said riot police fired tear gas near the Salman Farsi roundabout late in the
afternoon, and that several young men were taken away in unmarked vans. A local hospital
worker said at least a dozen people were treated for breathing problems and two for
gunshot wounds.

The governor of Fars province, speaking on state television, said the redistricting plan
had been suspended while a committee studied the objections. He blamed "outside agitators"
for the clashes and promised that anyone responsible for damage would be prosecuted.

Residents have protested the plan for three weeks. Organisers said they would gather again
on Friday after prayers unless the plan was cancelled outright."""

SYNDICATED = """By Staff Reporter | Tehran Evening Post

KAZERUN, Iran (Gulf Wire) - Thousands of residents marched through the centre of
Kazerun on Wednesday to oppose a government plan to split the city and hand its eastern
districts to a new county, in the largest protest the town has seen in years.

Shopkeepers pulled down their shutters before noon and joined the crowd, which gathered
outside the governor's office and then moved towards the main bazaar. Marchers carried
banners reading "Kazerun will not be divided" and chanted against the provincial council.

Witnesses said riot police fired tear gas near the Salman Farsi roundabout late in the
afternoon, and that several young men were taken away in unmarked vans. A local hospital
worker said at least a dozen people were treated for breathing problems and two for
gunshot wounds.

The governor of Fars province, speaking on state television, said the redistricting plan
had been suspended while a committee studied the objections. He blamed "outside agitators"
for the clashes and promised that anyone responsible for damage would be prosecuted.

Residents have protested the plan for three weeks. Organisers said they would gather again
on Friday after prayers unless the plan was cancelled outright. Additional reporting by
the Evening Post's provincial desk; this story has been updated."""

SAME_TOPIC = """Protesters returned to the streets of Kazerun on Friday after prayers, the third
week of demonstrations against a plan to divide the city, local activists said.

Several hundred people walked from the main mosque towards the bazaar, chanting slogans
against the provincial council and calling for the release of young men detained earlier in
the week. Video shared online showed police vans parked along the road to the governor's
office, but no clashes were reported by the evening.

Activists said the authorities had cut mobile internet in parts of the city for several
hours. The governor's office said the redistricting plan remained suspended and that the
committee would publish its findings within a month. Families of those detained gathered
outside the prosecutor's office to demand news of their relatives."""


def test_shingles_are_five_word_runs_of_lowercased_words() -> None:
    assert shingles("The crowd, the POLICE and the crowd again.") == {
        b"the crowd the police and",
        b"crowd the police and the",
        b"the police and the crowd",
        b"police and the crowd again",
    }
    assert shingles("Too short") == {b"too short"}
    assert shingles("  ... ") == set()


def test_syndicated_copy_is_linked_and_a_same_topic_story_is_not() -> None:
    index = NearDuplicateIndex()
    assert index.add("wire", WIRE) is None
    assert index.add("other", SAME_TOPIC) is None
    assert index.add("copy", SYNDICATED) == "wire"
    assert index.similarity("wire", "copy") >= 0.8
    assert index.similarity("wire", "other") < 0.1
    assert len(index) == 3


def test_a_stricter_threshold_no_longer_links_the_edited_copy() -> None:
    index = NearDuplicateIndex(threshold=0.97)
    index.add("wire", WIRE)
    assert index.add("copy", SYNDICATED) is None
    assert index.add("exact", WIRE) == "wire"


def test_signatures_are_deterministic_and_duplicates_point_to_the_first_original() -> None:
    first, second = NearDuplicateIndex(), NearDuplicateIndex()
    for index in (first, second):
        index.add("wire", WIRE)
        index.add("copy", SYNDICATED)
    assert first.similarity("wire", "copy") == second.similarity("wire", "copy")
    # A copy of the copy is linked to the original, not to the copy.
    assert first.add("copy-of-copy", SYNDICATED) == "wire"


def test_signatures_can_be_stored_and_loaded_into_a_new_index() -> None:
    first = NearDuplicateIndex()
    first.add("wire", WIRE)
    saved = first.signature("wire")
    assert isinstance(saved, bytes) and len(saved) % 128 == 0
    width = len(saved) // 128  # bytes per value
    warmed = NearDuplicateIndex()
    assert warmed.add_signature("wire", saved) is None
    assert "wire" in warmed and "copy" not in warmed
    assert warmed.add("copy", SYNDICATED) == "wire"
    with pytest.raises(ValueError, match="signature has 2 values"):
        warmed.add_signature("short", saved[: 2 * width])


def test_empty_text_and_repeated_keys() -> None:
    index = NearDuplicateIndex()
    assert index.add("blank", " ... ") is None
    assert index.add("blank-too", "") is None
    index.add("wire", WIRE)
    with pytest.raises(ValueError, match="already in the index"):
        index.add("wire", SYNDICATED)
    with pytest.raises(ValueError, match="threshold"):
        NearDuplicateIndex(threshold=0)


def test_link_duplicates_keeps_input_order_and_names_the_original() -> None:
    articles = [
        Article(id="wire-1", text=WIRE, title="Thousands march in Kazerun"),
        Article(id="activists-7", text=SAME_TOPIC),
        Article(id="post-3", text=SYNDICATED, title="Kazerun erupts over split plan"),
    ]
    linked = list(link_duplicates(articles))
    assert [(a.id, original) for a, original in linked] == [
        ("wire-1", None),
        ("activists-7", None),
        ("post-3", "wire-1"),
    ]


def test_a_bounded_index_forgets_the_oldest_texts() -> None:
    index = NearDuplicateIndex(capacity=2)
    index.add("wire", WIRE)
    index.add("other", SAME_TOPIC)
    assert index.add("copy", SYNDICATED) == "wire"
    index.add("filler", "An unrelated note about the weather in the harbour town today.")
    assert len(index) == 2  # wire and other are forgotten
    # Linked through the remembered copy to its original, though the original is forgotten.
    assert index.add("late-copy", WIRE) == "wire"
    assert index.add("late-original", SAME_TOPIC) is None
    articles = [Article(id="same", text=WIRE), Article(id="same", text=SYNDICATED)]
    assert [o for _, o in link_duplicates(articles, capacity=1)] == [None, "same"]


def test_many_distinct_documents_are_not_linked() -> None:
    rng = random.Random(7)
    vocabulary = [f"word{n}" for n in range(3000)]
    index = NearDuplicateIndex()
    texts = [" ".join(rng.choice(vocabulary) for _ in range(200)) for _ in range(200)]
    assert all(index.add(str(n), text) is None for n, text in enumerate(texts))
    assert index.add("again", texts[42]) == "42"


# --- events across articles --------------------------------------------------------------

KAZERUN = Place(
    name="Kāzerūn",
    text="Kazerun",
    start=0,
    end=7,
    geonames_id=1001,
    admin1="Fars",
    country="IRN",
    feature="city",
    precision="city",
)
FARS = Place(
    name="Fars",
    text="Fars province",
    start=0,
    end=13,
    geonames_id=1002,
    admin1="Fars",
    country="IRN",
    feature="admin1",
    precision="admin1",
)
SHIRAZ = Place(
    name="Shiraz",
    text="Shiraz",
    start=0,
    end=6,
    geonames_id=1003,
    admin1="Fars",
    country="IRN",
    feature="city",
    precision="city",
)
IRAN = Place(
    name="Iran", text="Iran", start=0, end=4, geonames_id=1004, country="IRN", precision="country"
)
PARIS = Place(
    name="Paris",
    text="Paris",
    start=0,
    end=5,
    geonames_id=1005,
    admin1="Île-de-France",
    country="FRA",
    feature="city",
    precision="city",
)

# Three reports of one protest, worded differently, and one unrelated story.
REPORTS = {
    "gulf-wire": (
        "Thousands of residents marched through Kazerun on Wednesday against a plan to split "
        "the city; riot police fired tear gas and two people were shot dead."
    ),
    "evening-post": (
        "Security forces opened fire on demonstrators in the southern city of Kazerun, "
        "killing three, the opposition NCRI said on Thursday."
    ),
    "harbour-times": (
        "Hundreds of people took to the streets of Kazerun, in Fars province, where angry "
        "youths set fire to a police kiosk late on Wednesday."
    ),
    "paris-daily": (
        "Rail workers marched in Paris on Wednesday against the pension reform, the unions said."
    ),
}


def actor(name: str, country: str | None, sector: str | None = None) -> Actor:
    return Actor(name=name, text=name, start=0, end=len(name), country=country, sector=sector)


def stored(
    event_id: str,
    article_id: str,
    *,
    type_: str = "PROTEST",
    mode: str | None = "demo",
    place: Place | None = KAZERUN,
    date: str | None = "2018-05-16",
    published: str | None = "2018-05-17",
    sources: tuple[Actor, ...] = (actor("protesters", "IRN", "CVL"),),
    contexts: tuple[str, ...] = (),
    fatalities: Count | None = None,
    participants: Count | None = None,
    claimed_by: Actor | None = None,
) -> StoredEvent:
    text = REPORTS.get(article_id, "A sentence.")
    event = Event(
        event_id=event_id,
        type=type_,  # type: ignore[arg-type]
        mode=mode,
        contexts=list(contexts),
        source_actors=list(sources),
        location=place,
        date=date,
        date_precision="day" if date else None,
        fatalities=fatalities,
        participants=participants,
        evidence=Evidence(text=text, start=0, end=len(text)),
        claimed_by=claimed_by,
    )
    return StoredEvent(
        event=event,
        article_id=article_id,
        article_hash="h-" + article_id,
        title=None,
        url=f"http://news.example/{article_id}",
        source=article_id.replace("-", " ").title(),
        published=published,
    )


NCRI = actor("National Council of Resistance of Iran", "IRN", "OPP")


def story() -> list[StoredEvent]:
    """One protest told by three articles, plus a protest in Paris and an unrelated ACCUSE."""
    return [
        stored(
            "ev_b1",
            "gulf-wire",
            fatalities=Count(value=2, text="two"),
            participants=Count(min=1000, max=9999, text="thousands"),
        ),
        stored(
            "ev_a2",
            "evening-post",
            date="2018-05-16",
            published="2018-05-18",
            sources=(actor("protesters", "IRN", "CVL"), actor("demonstrators", "IRN", "CVL")),
            fatalities=Count(value=3, text="three"),
            claimed_by=NCRI,
        ),
        stored(
            "ev_c3",
            "harbour-times",
            mode="riot",
            date="2018-05-16",
            sources=(actor("youths", "IRN", "CVL"),),
            participants=Count(min=200, max=999, text="hundreds"),
        ),
        stored(
            "ev_d4",
            "paris-daily",
            place=PARIS,
            sources=(actor("rail workers", "FRA", "LAB"),),
        ),
        stored("ev_e5", "gulf-wire", type_="ACCUSE", mode=None),
    ]


def test_a_story_told_by_three_articles_becomes_one_cluster_with_three_sources() -> None:
    clusters = merge_events(story())
    [protest] = [c for c in clusters if len(c.events) > 1]
    assert protest.article_ids == ["evening-post", "gulf-wire", "harbour-times"]
    assert sorted(s.event.event_id for s in protest.events) == ["ev_a2", "ev_b1", "ev_c3"]
    # Every report keeps its own evidence sentence.
    assert {s.event.evidence.text for s in protest.events} == {
        REPORTS["gulf-wire"],
        REPORTS["evening-post"],
        REPORTS["harbour-times"],
    }
    assert len(protest.reasons) == 2
    assert all("same place Kāzerūn (geonames 1001)" in r for r in protest.reasons)
    assert any("modes demo/riot may differ" in r for r in protest.reasons)
    assert any("dates 2018-05-16/2018-05-16 within 2 days" in r for r in protest.reasons)
    alone = sorted(c.events[0].event.event_id for c in clusters if len(c.events) == 1)
    assert alone == ["ev_d4", "ev_e5"]
    assert len(clusters) == 3


def test_conflicting_figures_stay_side_by_side_with_their_sources() -> None:
    [protest] = [c for c in merge_events(story()) if len(c.events) > 1]
    assert protest.figures["fatalities"] == [
        FigureClaim(
            value=2,
            min=None,
            max=None,
            text="two",
            claimed_by=None,
            article_id="gulf-wire",
            event_id="ev_b1",
            source="Gulf Wire",
        ),
        FigureClaim(
            value=3,
            min=None,
            max=None,
            text="three",
            claimed_by="National Council of Resistance of Iran",
            article_id="evening-post",
            event_id="ev_a2",
            source="Evening Post",
        ),
    ]
    assert [(f.text, f.article_id) for f in protest.figures["participants"]] == [
        ("thousands", "gulf-wire"),
        ("hundreds", "harbour-times"),
    ]
    assert "arrests" not in protest.figures


def test_merging_does_not_depend_on_input_order() -> None:
    def shape(clusters: list[EventCluster]) -> list[tuple[str, list[str], list[str]]]:
        return [(c.cluster_id, [s.event.event_id for s in c.events], c.reasons) for c in clusters]

    events = story()
    expected = shape(merge_events(events))
    for seed in range(5):
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        assert shape(merge_events(shuffled)) == expected


def test_cluster_id_survives_a_later_report_joining() -> None:
    [before] = [c for c in merge_events(story()) if len(c.events) > 1]
    later = stored("ev_z9", "late-digest", date="2018-05-17", published="2018-05-19")
    [after] = [c for c in merge_events([*story(), later]) if len(c.events) > 1]
    assert after.cluster_id == before.cluster_id
    assert len(after.events) == 4


def test_two_events_of_one_article_never_share_a_cluster() -> None:
    one, two = stored("ev_1", "gulf-wire"), stored("ev_2", "gulf-wire", mode="riot")
    other = stored("ev_3", "evening-post")
    assert same_event_reason(one, two) is None
    clusters = merge_events([one, two, other])
    assert sorted(len(c.events) for c in clusters) == [1, 2]
    for cluster in clusters:
        assert len(cluster.article_ids) == len(cluster.events)


@pytest.mark.parametrize(
    ("change", "merged"),
    [
        ({"date": "2018-05-19"}, False),  # three days apart
        ({"date": "2018-05-18"}, True),  # two days apart
        ({"place": SHIRAZ}, False),  # another city in the same province
        ({"place": FARS}, True),  # the province the city lies in
        ({"place": IRAN}, False),  # country-level: too coarse
        ({"place": None}, False),
        ({"type_": "ASSAULT", "mode": None}, False),
        ({"mode": "strike-gen"}, True),  # PROTEST modes may differ
        ({"mode": None}, True),
        ({"contexts": ("negated",)}, False),  # "no protest took place"
        ({"contexts": ("historical",)}, True),  # a later article recalling it
        ({"sources": (actor("protesters", "AFG"),)}, False),  # conflicting countries
        ({"sources": (actor("students", None),)}, True),  # no country: no conflict
    ],
)
def test_merge_rules(change: dict[str, object], merged: bool) -> None:
    base = stored("ev_1", "gulf-wire")
    other = stored("ev_2", "evening-post", **change)  # type: ignore[arg-type]
    assert (same_event_reason(base, other) is not None) is merged
    assert (len(merge_events([base, other])) == 1) is merged


def test_modes_of_other_types_must_agree() -> None:
    shooting = stored("ev_1", "gulf-wire", type_="ASSAULT", mode="firearms")
    bombing = stored("ev_2", "evening-post", type_="ASSAULT", mode="explosives")
    again = stored("ev_3", "harbour-times", type_="ASSAULT", mode="firearms")
    assert same_event_reason(shooting, bombing) is None
    assert same_event_reason(shooting, again) == (
        "same type ASSAULT/firearms, same place Kāzerūn (geonames 1001), "
        "dates 2018-05-16/2018-05-16 within 2 days, shared actor 'protesters'"
    )


def test_undated_events_match_only_within_the_publication_window() -> None:
    first = stored("ev_1", "gulf-wire", date=None, published="2018-05-17")
    near = stored("ev_2", "evening-post", date=None, published="2018-05-18")
    far = stored("ev_3", "harbour-times", date=None, published="2018-05-25")
    reason = same_event_reason(first, near)
    assert reason is not None and "date unknown, published 2018-05-17/2018-05-18" in reason
    assert same_event_reason(first, far) is None
    assert same_event_reason(first, stored("ev_4", "x", date=None, published=None)) is None


def test_clusters_join_by_complete_linkage_so_chains_do_not_drift() -> None:
    monday = stored("ev_1", "a", date="2018-05-14", published="2018-05-14")
    wednesday = stored("ev_2", "b", date="2018-05-16", published="2018-05-16")
    friday = stored("ev_3", "c", date="2018-05-18", published="2018-05-18")
    clusters = merge_events([friday, wednesday, monday])
    assert [[s.event.event_id for s in c.events] for c in clusters] == [
        ["ev_1", "ev_2"],
        ["ev_3"],
    ]
    assert merge_events([friday, wednesday, monday], days=4)[0].article_ids == ["a", "b", "c"]


# --- merging at scale: the fast pair search finds exactly the pairs the rules pass -------------


def _random_events(rng: random.Random, count: int) -> list[StoredEvent]:
    """Events of two countries with every edge the rules have: places without ids or admin1."""
    places = [
        Place(name="Lahore", text="", start=0, end=0, geonames_id=1, admin1="Punjab",
              country="PAK", precision="city"),
        Place(name="Multan", text="", start=0, end=0, geonames_id=2, admin1="Punjab",
              country="PAK", precision="city"),
        Place(name="Punjab", text="", start=0, end=0, geonames_id=3, admin1="Punjab",
              country="PAK", precision="admin1"),
        Place(name="punjab ", text="", start=0, end=0, country="PAK", precision="admin1"),
        Place(name="Old Town", text="", start=0, end=0, admin1="Punjab", country="PAK",
              precision="city"),
        Place(name="old  town", text="", start=0, end=0, admin1="Punjab", country="PAK",
              precision="admin2"),
        Place(name="Old Town", text="", start=0, end=0, country="PAK", precision="city"),
        Place(name="", text="", start=0, end=0, country="PAK", precision="admin1"),
        Place(name="Pakistan", text="", start=0, end=0, geonames_id=4, country="PAK",
              precision="country"),
        Place(name="Lahore", text="", start=0, end=0, geonames_id=1, admin1="Punjab",
              country="IND", precision="city"),
    ]  # fmt: skip
    actors = [actor("police", "PAK"), actor("students", None), actor("army", "IND")]
    events = []
    for _ in range(count):
        article = rng.randrange(count // 2)
        day = datetime.date(2025, 3, 1) + datetime.timedelta(days=rng.randrange(8))
        type_, mode = rng.choice(
            [("PROTEST", None), ("PROTEST", "riot"), ("PROTEST", "strike"), ("ASSAULT", None),
             ("ASSAULT", "beat"), ("ASSAULT", "kill")]
        )  # fmt: skip
        event = Event(
            event_id=f"ev{rng.randrange(count * 2):05d}", type=type_, mode=mode,
            contexts=rng.choice([[], [], ["negated"], ["historical"], ["future", "hypothetical"]]),
            source_actors=rng.sample(actors, rng.randrange(3)),
            location=rng.choice([*places, None]),
            date=rng.choice([day.isoformat(), day.isoformat(), None, "2025-03"]),
            date_precision=rng.choice(["day", None, "month"]),
            evidence=Evidence(text="x", start=0, end=1),
        )  # fmt: skip
        published = day + datetime.timedelta(days=rng.randrange(3))
        events.append(StoredEvent(
            event=event, article_id=f"a{article}", article_hash=f"h{article % (count // 3)}",
            title=None, url=None, source=None,
            published=rng.choice([published.isoformat(), published.isoformat(), None]),
        ))  # fmt: skip
    return events


def _reference_merge(events: list[StoredEvent], *, days: int) -> set[frozenset[str]]:
    """Complete linkage over every pair, closest first: the rules applied by brute force."""
    unique: dict[str, StoredEvent] = {}
    for stored in sorted(events, key=lambda s: (s.event.event_id, s.article_id)):
        unique.setdefault(stored.event.event_id, stored)
    members = list(unique.values())

    def block(s: StoredEvent) -> tuple[object, ...] | None:
        place = s.event.location
        if place is None or place.precision == "country":
            return None
        admin1 = place.admin1 or (place.name if place.precision == "admin1" else None)
        return s.event.type, place.country, " ".join(admin1.casefold().split()) if admin1 else None

    passing = {
        (i, j)
        for i in range(len(members))
        for j in range(i + 1, len(members))
        if block(members[i]) is not None and block(members[i]) == block(members[j])
        and same_event_reason(members[i], members[j], days=days) is not None
    }  # fmt: skip

    def anchor(s: StoredEvent) -> datetime.date | None:
        day = s.event.date if s.event.date_precision in (None, "day") else None
        for value in (day, s.published):
            if value and len(value) == 10:
                return datetime.date.fromisoformat(value)
        return None

    def gap(pair: tuple[int, int]) -> int:
        a, b = (anchor(members[k]) for k in pair)
        return abs((a - b).days) if a and b else 0

    group = {i: frozenset([i]) for i in range(len(members))}
    for i, j in sorted(passing, key=lambda p: (gap(p), p)):
        left, right = group[i], group[j]
        articles = {members[k].article_id for k in left}
        if left == right or any(members[k].article_id in articles for k in right):
            continue
        if all((min(x, y), max(x, y)) in passing for x in left for y in right):
            for k in left | right:
                group[k] = left | right
    return {frozenset(members[k].event.event_id for k in g) for g in set(group.values())}


@pytest.mark.parametrize("seed", range(6))
def test_merging_finds_exactly_the_clusters_of_the_rules_applied_to_every_pair(seed: int) -> None:
    events = _random_events(random.Random(seed), 160)
    for days in (0, 2):
        clusters = merge_events(events, days=days)
        found = {frozenset(s.event.event_id for s in c.events) for c in clusters}
        assert found == _reference_merge(events, days=days)
        assert sum(len(c.events) > 1 for c in clusters) > 3  # the test exercises merging
        for cluster in clusters:
            assert len(cluster.reasons) == len(cluster.events) - 1
            assert all(" + " in reason for reason in cluster.reasons)
