"""Linking statements to the physical events they react to."""

from __future__ import annotations

from eventscribe.extract.reactions import link_reactions
from eventscribe.records import Actor, Event, Evidence, Place

TEXT = (
    "Protesters marched in Kazerun. Police arrested students in Shiraz. "
    "The UN praised the Kazerun protesters. The EU condemned the arrests. "
    "Rome hosted a summit."
)


def _span(phrase: str) -> Evidence:
    start = TEXT.index(phrase)
    return Evidence(text=phrase, start=start, end=start + len(phrase))


def _place(name: str) -> Place:
    return Place(name=name, text=name, start=0, end=0)


def _actor(name: str) -> Actor:
    return Actor(name=name, text=name, start=0, end=0)


def _event(eid: str, type_: str, phrase: str, **kw: object) -> Event:
    return Event(event_id=eid, type=type_, evidence=_span(phrase), **kw)  # type: ignore[arg-type]


def _events() -> list[Event]:
    return [
        _event(
            "p1",
            "PROTEST",
            "Protesters marched in Kazerun.",
            location=_place("Kazerun"),
            confidence=0.9,
        ),
        _event(
            "c1",
            "COERCE",
            "Police arrested students in Shiraz.",
            location=_place("Shiraz"),
            confidence=0.95,
            source_actors=[_actor("police")],
        ),
        _event("s1", "SUPPORT", "The UN praised the Kazerun protesters."),
        _event("a1", "ACCUSE", "The EU condemned the arrests."),
        _event("m1", "CONSULT", "Rome hosted a summit."),
    ]


def test_statement_naming_the_place_links_to_that_event() -> None:
    linked = {e.event_id: e.reacts_to for e in link_reactions(_events())}
    assert linked["s1"] == "p1"


def test_statement_naming_the_event_kind_links_to_it() -> None:
    linked = {e.event_id: e.reacts_to for e in link_reactions(_events())}
    assert linked["a1"] == "c1"


def test_statement_without_any_reference_stays_unlinked() -> None:
    linked = {e.event_id: e.reacts_to for e in link_reactions(_events())}
    assert linked["m1"] is None


def test_physical_events_never_react() -> None:
    linked = {e.event_id: e.reacts_to for e in link_reactions(_events())}
    assert linked["p1"] is None and linked["c1"] is None


def test_targets_shared_with_the_event_source_link() -> None:
    events = _events()
    events[4] = _event("m1", "CONSULT", "Rome hosted a summit.", target_actors=[_actor("police")])
    linked = {e.event_id: e.reacts_to for e in link_reactions(events)}
    assert linked["m1"] == "c1"


def test_historical_event_loses_to_a_current_one() -> None:
    events = _events()
    events[1] = _event(
        "c1",
        "PROTEST",
        "Police arrested students in Shiraz.",
        contexts=["historical"],
        confidence=0.99,
    )
    events[2] = _event("s1", "SUPPORT", "The UN praised the Kazerun protesters.")
    events.insert(0, events.pop(1))  # the historical protest comes first in the text
    linked = {e.event_id: e.reacts_to for e in link_reactions(events)}
    assert linked["a1"] == "p1"  # a kind word, no better match: the main current event
    assert linked["s1"] == "p1"


def test_linking_is_deterministic_and_keeps_order() -> None:
    first, second = link_reactions(_events()), link_reactions(_events())
    assert first == second
    assert [e.event_id for e in first] == ["p1", "c1", "s1", "a1", "m1"]


def test_statement_inside_a_linked_list_statement_inherits_its_link() -> None:
    events = _events()
    outer = Evidence(text="x", start=0, end=len(TEXT))
    inner = _span("Rome hosted a summit.")
    events[2] = Event(
        event_id="s1", type="SUPPORT", evidence=outer, target_actors=[_actor("police")]
    )
    events[4] = Event(event_id="m1", type="REQUEST", evidence=inner)
    linked = {e.event_id: e.reacts_to for e in link_reactions(events)}
    assert linked["s1"] == "c1" and linked["m1"] == "c1"
