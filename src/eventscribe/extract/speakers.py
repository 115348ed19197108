"""Speakers: the actor behind a quote's cue, and the span that names it where it is said.

The subject of the cue is followed through relative pronouns ("Haq, who said": the span is
"who", the actor the noun the clause hangs on), personal pronouns ("he", "they": the nearest
earlier compatible actor) and descriptions ("the minister", "the group": the nearest earlier
actor with that title or kind).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventscribe.parse import doc_text
from eventscribe.records import Actor, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_PERSONAL = frozenset({"he", "she", "him", "her"})
_PLURAL = frozenset({"they", "them"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_GROUP_NOUNS = frozenset(
    [
        "group",
        "organisation",
        "organization",
        "movement",
        "coalition",
        "party",
        "council",
        "agency",
        "body",
        "union",
    ]
)


@dataclass(slots=True)
class Cue:
    """A cue word or phrase, its offsets and the subject the parse gives it."""

    token: Token | None  # None for "according to" without a verb
    text: str
    start: int
    end: int
    subject: Token | None


def attach_speaker(quote: Quote, doc: Doc, cue: Cue, actors: list[Actor]) -> None:
    """Set the quote's cue and its speaker: the cue's subject, resolved to an actor."""
    quote.cue, quote.cue_start, quote.cue_end = cue.text, cue.start, cue.end
    subject = cue.subject
    if subject is None or quote.start <= subject.idx < quote.end:
        actor = _adjacent_actor(doc, cue, quote, actors)  # the parse lost the subject
        subject = _noun_before(cue, quote) if actor is None else None
        if subject is not None:
            _attach_subject(quote, doc, subject, actors)
        elif actor is not None:
            quote.speaker = actor
            quote.speaker_text, quote.speaker_start, quote.speaker_end = (
                actor.text,
                actor.start,
                actor.end,
            )
        return
    _attach_subject(quote, doc, subject, actors)


def _attach_subject(quote: Quote, doc: Doc, subject: Token, actors: list[Actor]) -> None:
    speaker, start, end = _resolve(subject, actors)
    quote.speaker = speaker
    quote.speaker_text, quote.speaker_start, quote.speaker_end = (
        doc_text(doc)[start:end],
        start,
        end,
    )


def _noun_before(cue: Cue, quote: Quote) -> Token | None:
    """Return the noun right before a cue the parser left without a subject ("Majorities say")."""
    if cue.token is None or cue.token.i == 0:
        return None
    before = cue.token.doc[cue.token.i - 1]
    if before.pos_ not in ("NOUN", "PROPN", "PRON") or quote.start <= before.idx < quote.end:
        return None
    return before


def _adjacent_actor(doc: Doc, cue: Cue, quote: Quote, actors: list[Actor]) -> Actor | None:
    """Return the actor named right after the cue ("said Jonas Weber") or right before it."""
    for actor in actors:
        gap = doc_text(doc)[cue.end : actor.start]
        if actor.start >= cue.end and len(gap) < 12 and "\n" not in gap:
            return actor
    before = [a for a in actors if a.end <= cue.start and not quote.start <= a.start < quote.end]
    if before and cue.start - before[-1].end < 12:
        return before[-1]
    return None


def _resolve(token: Token, actors: list[Actor]) -> tuple[Actor | None, int, int]:
    """Return the actor a subject token stands for, and the span that names it."""
    lower = token.lower_
    if lower in _RELATIVE:  # the span is "who" as written, the actor its antecedent
        antecedent = _antecedent(token, actors)
        if antecedent is not None:
            return antecedent, token.idx, token.idx + len(token.text)
    holder = next((a for a in actors if a.start <= token.idx < a.end), None)
    named = _apposed_person(token, actors) if holder is None or holder.kind != "person" else None
    if named is not None:
        return named, named.start, named.end
    start, end = _subject_span(token)
    if lower in _PERSONAL:
        return _nearest(actors, start, lambda a: a.kind == "person"), start, end
    if lower in _PLURAL or lower == "it":
        return _nearest(actors, start, lambda a: a.kind != "person"), start, end
    inside = [holder] if holder is not None else []
    inside = inside or [a for a in actors if start <= a.start and a.end <= end]
    inside = inside or _actors_in_modifiers(token, actors)
    if inside:
        actor = inside[0]
        if doc_text(token.doc)[start : actor.start].strip().lower() not in ("", "the"):
            start, end = actor.start, actor.end  # the title is already on the actor
        return actor, min(start, actor.start), max(end, actor.end)
    return _by_description(token, actors), start, end


def _antecedent(relative: Token, actors: list[Actor]) -> Actor | None:
    """Return the actor "who" stands for: the one the clause hangs on, else the nearest.

    A clause on a common noun that no actor covers ("banners that read", "the group, which
    said") stands for what that description names, if anything.
    """
    head = relative.head.head if relative.head.dep_ == "relcl" else None
    if head is None:
        return _nearest(actors, relative.idx, lambda a: True)
    holder = next((a for a in actors if a.start <= head.idx < a.end), None)
    if holder is not None:
        return holder
    if head.pos_ == "NOUN" and not head.ent_type_:
        return _by_description(head, actors)
    if head.pos_ in ("PROPN", "PRON") or head.ent_type_:
        return _nearest(actors, relative.idx, lambda a: True)
    return None  # "Other who have supported": nobody named


def _apposed_person(token: Token, actors: list[Actor]) -> Actor | None:
    """Return Musa Ibrahim in "A trader, Musa Ibrahim, said" or "A spokesman in Goma, X, said".

    The parser often hangs the name on the place ("in Goma, Marc Kasongo"): a name in
    apposition to the place of the speaker's post is the speaker too.
    """
    posts = [c for c in token.children if c.dep_ == "prep" and c.lower_ in ("in", "at")]
    places = [g for p in posts for g in p.children if g.dep_ == "pobj"]
    for child in [*token.children, *(c for p in places for c in p.children)]:
        if child.dep_ == "appos":
            start, end = child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
            people = [a for a in actors if a.kind == "person" and start <= a.start < end]
            if people:
                return people[0]
    return None


def _subject_span(token: Token) -> tuple[int, int]:
    """Return the subject phrase up to its head word ("Truck drivers’ representatives")."""
    first = token.left_edge
    while first.i < token.i and (first.is_punct or first.is_space or first.pos_ == "VERB"):
        first = first.nbor()
    return first.idx, token.idx + len(token.text)


def _actors_in_modifiers(token: Token, actors: list[Actor]) -> list[Actor]:
    """Return actors in "a spokesman for the army" or "the group's director"."""
    found = []
    for child in token.children:
        if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in ("for", "of", "at")):
            start, end = child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
            found += [a for a in actors if start <= a.start and a.end <= end]
    return found


def _nearest(actors: list[Actor], before: int, keep: Callable[[Actor], bool]) -> Actor | None:
    chosen = None
    for actor in actors:
        if actor.end <= before and keep(actor):
            chosen = actor
    return chosen


def _by_description(token: Token, actors: list[Actor]) -> Actor | None:
    """Resolve "the minister", "the spokesman", "the group" to an actor named earlier."""
    word = token.lemma_.lower()
    owners = [c.lemma_.lower() for c in token.children if c.dep_ == "poss"]
    if word in _GROUP_NOUNS or any(owner in _GROUP_NOUNS for owner in owners):
        return _nearest(actors, token.idx, lambda a: a.kind in ("organization", "igo"))
    return _nearest(actors, token.idx, lambda a: word in (a.title or "").lower())
