"""Reactions: link statements (SUPPORT, ACCUSE, REQUEST, ...) to the physical event they answer.

A statement reacts to a physical event of the same article when its evidence or its targets
refer to it: the event's place ("the Kazerun protesters"), a word for that kind of event
("these protests", "the crackdown"), or the event's participants as targets. The best-scoring
event wins; ties go to the event in the same sentence, then the earliest. A statement that
refers to an event kind but matches nothing better reacts to the article's main physical
event; a statement inside a linked statement's evidence (a list item under its intro) takes
that link. Deterministic: no randomness, no model.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from eventscribe.records import Event, Place

REACTING_TYPES = frozenset(
    {"SUPPORT", "ACCUSE", "REQUEST", "REJECT", "THREATEN", "CONSULT", "CONCEDE", "SANCTION"}
)
_PHYSICAL = frozenset({"PROTEST", "ASSAULT", "COERCE", "MOBILIZE", "RETREAT"})
_KIND_WORDS: dict[str, frozenset[str]] = {
    "PROTEST": frozenset(
        [
            "protest",
            "protests",
            "protester",
            "protesters",
            "demonstration",
            "demonstrations",
            "demonstrators",
            "demonstrator",
            "rally",
            "rallies",
            "march",
            "marches",
            "strike",
            "strikes",
            "uprising",
            "riot",
            "riots",
        ]
    ),
    "ASSAULT": frozenset(
        [
            "attack",
            "attacks",
            "killing",
            "killings",
            "shooting",
            "shootings",
            "crackdown",
            "violence",
            "brutality",
            "bombing",
            "massacre",
            "airstrike",
            "airstrikes",
            "shelling",
        ]
    ),
    "COERCE": frozenset(
        [
            "crackdown",
            "arrest",
            "arrests",
            "detention",
            "detentions",
            "repression",
            "suppression",
            "curfew",
        ]
    ),
}
_WORD = re.compile(r"[\w’'-]+")


def link_reactions(events: Sequence[Event]) -> list[Event]:
    """Return the events with ``reacts_to`` set on statements that answer a physical event."""
    physical = [e for e in events if e.type in _PHYSICAL]
    main = _main_event(physical)
    out = []
    for event in events:
        if event.type in REACTING_TYPES and event.reacts_to is None:
            target = _best_match(event, physical, main)
            event = dataclasses.replace(event, reacts_to=target)
        out.append(event)
    return _inherit_from_enclosing(out)


def _inherit_from_enclosing(events: list[Event]) -> list[Event]:
    """Give an unlinked statement the link of a statement whose evidence encloses it.

    A list item ("• Maryam Rajavi, who called for ...") sits inside the evidence of the
    list's own statement ("Others who have supported the Kazerun protesters include: ...").
    """
    linked = [e for e in events if e.reacts_to is not None and e.type in REACTING_TYPES]
    out = []
    for event in events:
        if event.type in REACTING_TYPES and event.reacts_to is None:
            outer = next((o for o in linked if _encloses(o, event)), None)
            if outer is not None:
                event = dataclasses.replace(event, reacts_to=outer.reacts_to)
        out.append(event)
    return out


def _encloses(outer: Event, inner: Event) -> bool:
    a, b = outer.evidence, inner.evidence
    return a.start <= b.start and b.end <= a.end and (a.start, a.end) != (b.start, b.end)


def _main_event(physical: Sequence[Event]) -> Event | None:
    """Return the article's main physical event: not historical, most confident, earliest."""
    current = [e for e in physical if "historical" not in e.contexts]
    if not current:
        return None
    return min(current, key=lambda e: (-e.confidence, e.evidence.start))


def _best_match(statement: Event, physical: Sequence[Event], main: Event | None) -> str | None:
    words = {w.lower() for w in _WORD.findall(statement.evidence.text)}
    scored = [(_score(statement, words, e), e) for e in physical if e is not statement]
    scored = [(s, e) for s, e in scored if s > 0]
    if scored:
        best = min(
            scored, key=lambda se: (-se[0], -_same_sentence(statement, se[1]), se[1].evidence.start)
        )
        return best[1].event_id
    mentions_kind = any(words & kind for kind in _KIND_WORDS.values())
    return main.event_id if main is not None and mentions_kind else None


def _score(statement: Event, words: set[str], event: Event) -> int:
    score = 0
    if words & _KIND_WORDS.get(event.type, frozenset()):
        score += 2
    place = event.location
    if place is not None and place.precision != "country" and _names_place(place, words):
        score += 3 if score else 1
    participants = {a.name for a in event.source_actors}  # who did it, not who suffered it
    if participants & {a.name for a in statement.target_actors}:
        score += 2
    if score and "historical" in event.contexts:
        score -= 1
    if score and _same_sentence(statement, event):
        score += 1
    return score


def _names_place(place: Place, words: set[str]) -> bool:
    return bool({place.name.lower(), place.text.lower()} & words)


def _same_sentence(a: Event, b: Event) -> bool:
    return a.evidence.start <= b.evidence.start < a.evidence.end
