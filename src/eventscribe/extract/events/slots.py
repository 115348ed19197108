"""Fill an event draft's slots: roles, date, place, counts and how it is mentioned.

Location: ``placing.locate`` picks among the places the segment names, with a learned model;
only when it picks none does a physical event take the article's focus place, with its
precision and no span (text "", start = end = 0). Dates owned by another trigger in the
sentence are left to it. Counts go to the event type each figure most likely belongs to.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Token

from eventscribe.extract import taxonomy as tx
from eventscribe.extract.counts import CountMention, parse_quantity
from eventscribe.extract.dates import DateMention, DateValue
from eventscribe.extract.events.args import (
    ArticleIndex,
    agent_heads,
    claimant,
    contexts_for,
    is_crowd,
    is_mob,
    noun_phrase,
    patient_heads,
)
from eventscribe.extract.events.domain import sentence_veto
from eventscribe.extract.events.drafts import Draft
from eventscribe.extract.events.placing import (
    PlaceChooser,
    default_place_picker,
    in_segment,
    locate,
    owning_anchor,
)
from eventscribe.extract.events.triggers import Segment
from eventscribe.records import Actor, Count, Place

__all__ = [
    "REL_WORDS",
    "attach_counts",
    "count_abductees",
    "fill_slots",
    "item_actors",
    "share_location",
    "split_places",
]

_ANAPHORIC_DETS = frozenset({"these", "this", "those", "that", "such", "the same"})


def fill_slots(
    drafts: list[Draft],
    seg: Segment,
    *,
    index: ArticleIndex,
    published: datetime.date | None,
    fallback: Place | None,
    chooser: PlaceChooser | None = None,
) -> None:
    """Fill each draft's roles, date, contexts, claimant, place and mention kind."""
    chooser = chooser or default_place_picker()
    anchors = {d.anchor.i for d in drafts}
    for d in drafts:
        _fill_roles(d, index)
        _retype_crowd_violence(d)
        d.date = _owned(d, index.dates, anchors, seg)
        d.own_date = _own_date(d.anchor, index.dates, seg)
        d.contexts = contexts_for(d.anchor, date=d.date, published=published)
        if "weak" in d.flags:  # "did not fire on the protesters": the protest still happened
            d.contexts = [c for c in d.contexts if c == "historical"]
        d.claimed_by = claimant(d.anchor, index)
        d.anaphoric = _is_anaphoric(d.anchor)
        d.location = locate(d, index, anchors, fallback, chooser=chooser)
        d.own_place = any(p is d.location for p, _ in index.places) or any(
            r.place is d.location for r in index.recovered
        )
        d.definite = d.anaphoric or _is_definite(d.anchor) or _is_retold(d.anchor)
        d.quoted = any(q.kind == "direct" and q.start <= d.anchor.idx < q.end for q in index.quotes)
        d.veto = sentence_veto(seg.span, d.sources)
        d.acled_sub = tx.acled_for(d.type, d.mode, default_sub=d.entry_sub)[1]


def _fill_roles(d: Draft, index: ArticleIndex) -> None:
    patient_subj = "patient-subj" in d.flags
    inside = range(d.segment.span.start, d.segment.span.end)
    agents = [t for t in agent_heads(d.anchor, patient_subject=patient_subj) if t.i in inside]
    patients = [t for t in patient_heads(d.anchor, patient_subject=patient_subj) if t.i in inside]
    if "weak" in d.flags:  # "protesters": the noun names its own participants
        agents, patients = [d.anchor], []
    d.crowd_agent = is_crowd(agents)
    d.patients = noun_phrase(patients)
    d.sources = index.actors_on(noun_phrase(agents))
    d.targets = [a for a in index.actors_on(noun_phrase(patients)) if a not in d.sources]
    if not agents and d.segment.bullet and d.type in tx.STATEMENT_TYPES:
        d.sources = item_actors(d.segment, index)


def _retype_crowd_violence(d: Draft) -> None:
    """Protesters attacking property or police are a riot, not an assault (ACLED's rule)."""
    if d.type != "ASSAULT" or "crowd-riot" not in d.flags or not d.crowd_agent:
        return
    mob = is_mob(agent_heads(d.anchor))
    d.type, d.mode = "PROTEST", "riot"
    d.entry_sub = "Mob violence" if mob else "Violent demonstration"


def _owned(
    d: Draft, items: Sequence[tuple[DateMention, Token]], anchors: set[int], seg: Segment
) -> DateValue | None:
    mine = [
        m
        for m, root in items
        if in_segment(root, seg) and owning_anchor(root, anchors) == d.anchor.i
    ]
    free = [
        m for m, root in items if in_segment(root, seg) and owning_anchor(root, anchors) is None
    ]
    for mention in mine + free:
        if mention.value is not None:
            return mention.value
    return None


def _own_date(
    anchor: Token, items: Sequence[tuple[DateMention, Token]], seg: Segment
) -> DateValue | None:
    """Return a date said of the anchor itself: "the protests began last week" (not "after")."""
    for mention, root in items:
        if mention.value is None or not in_segment(root, seg):
            continue
        gov = root.head.head if root.dep_ == "pobj" else root.head
        if anchor in root.ancestors or (gov == anchor.head and anchor.dep_.startswith("nsubj")):
            return mention.value
    return None


def _is_anaphoric(anchor: Token) -> bool:
    dets = {c.lower_ for c in anchor.children if c.dep_ in ("det", "amod")}
    return anchor.pos_ in ("NOUN", "PROPN") and bool(dets & (_ANAPHORIC_DETS | {"same"}))


def _is_retold(anchor: Token) -> bool:
    """Tell a past-perfect report of an event told before ("said that the air force had
    struck a camp") from a new one: its date is the statement's, not the event's."""
    if anchor.pos_ != "VERB" or anchor.dep_ not in ("ccomp", "acl"):
        return False  # "said that ...", "a statement that ..."
    had = any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in anchor.children)
    return had and anchor.head.lemma_.lower() in _REPORTING_VERBS


_REPORTING_VERBS = frozenset(
    ("say", "state", "claim", "report", "announce", "confirm", "tell", "statement", "add")
)


def _is_definite(anchor: Token) -> bool:
    """Tell "the march", "their arrest", "the wounded" (told before) from "a march"."""
    if anchor.pos_ not in ("NOUN", "PROPN", "ADJ") or anchor.dep_ == "compound":
        return False
    dets = {c.lower_ for c in anchor.children if c.dep_ in ("det", "predet")}
    poss = any(c.dep_ == "poss" for c in anchor.children)
    return poss or bool(dets & {"the", "their", "its", "his", "her", "all"})


def share_location(drafts: list[Draft], fallback: Place | None) -> None:
    """Let physical events of one sentence share the place that sentence gives."""
    current = [d for d in drafts if d.type in tx.PHYSICAL_TYPES and "historical" not in d.contexts]
    # own_place, not "is not fallback": the focus place may be this very sentence's mention
    own = [d.location for d in current if d.location and d.own_place]
    for d in current:
        if own and not d.anaphoric and not d.own_place:
            d.location, d.own_place = own[0], True


def split_places(d: Draft, seg: Segment, index: ArticleIndex) -> list[Draft]:
    """Give "rallies were held in Thessaloniki, Patras and Heraklion" one event per place."""
    if d.type not in ("PROTEST", "ASSAULT") or not d.own_place:
        return [d]
    roots = [r for p, r in index.places if p is d.location and in_segment(r, seg)]
    if not roots:
        return [d]
    others = [
        p
        for p, r in index.places
        if in_segment(r, seg) and r in roots[0].conjuncts and p.feature is not None
    ]  # a place the gazetteer lacks does not make an event of its own
    return [d] + [replace(d, location=p, counts=dict(d.counts)) for p in others]


_COUNT_PREFERENCE: dict[str, tuple[str, ...]] = {
    "fatalities": ("ASSAULT", "PROTEST", "COERCE"),
    "injuries": ("ASSAULT", "PROTEST", "COERCE"),
    "arrests": ("COERCE", "PROTEST"),
    "participants": ("PROTEST", "MOBILIZE"),
}


def attach_counts(drafts: list[Draft], seg: Segment, counts: Sequence[CountMention]) -> None:
    """Give each figure in the segment to the nearest draft of the type it most likely counts."""
    for mention in counts:
        if not seg.start <= mention.start < seg.end:
            continue
        for type_ in _COUNT_PREFERENCE[mention.category]:
            fits = [d for d in drafts if d.type == type_]
            if fits:
                best = min(fits, key=lambda d: abs(d.anchor.idx - mention.start))
                best.counts.setdefault(mention.category, mention.count)
                break


def count_abductees(drafts: list[Draft]) -> None:
    """Give "abducted up to 40 women" its figure, as arrests: people taken into captivity.

    ACLED has no field for abductees and the counts stage reports arrests by authorities
    only; of the four figures an event carries, "arrests" (people deprived of liberty) is
    the nearest, so an ASSAULT/abduct event reports its captives there.
    """
    for d in drafts:
        if d.type != "ASSAULT" or d.mode != "abduct" or "arrests" in d.counts:
            continue
        for patient in (p for p in d.patients if p.dep_ in ("dobj", "nsubjpass")):
            figure = _figure_of(patient)
            if figure is not None:
                d.counts["arrests"] = figure
                break


def _figure_of(noun: Token) -> Count | None:
    """Return the quantity written before a noun ("up to 40 women"), if any."""
    numbers = [c for c in noun.children if c.dep_ == "nummod" or c.like_num]
    if not numbers:
        return None
    first = min(t.left_edge.i for t in numbers)
    text = noun.doc[first : noun.i + 1].text
    count = parse_quantity(noun.doc[first : numbers[-1].i + 1].text)
    return replace(count, text=text) if count is not None else None


def item_actors(item: Segment, index: ArticleIndex) -> list[Actor]:
    """Return the actors a bullet item is about: those before its first comma or "who"."""
    cut = next((t.idx for t in item.span if t.text == "," or t.lower_ in REL_WORDS), item.end)
    head = index.actors_between(item.start, cut)
    return head or index.actors_between(item.start, item.end)[:1]


REL_WORDS = frozenset({"who", "which", "whose"})
