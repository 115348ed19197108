"""Fill an event draft's slots: roles, date, place, counts and how it is mentioned.

Location: the place the event's own "in/at X" names (on the trigger, its object, or the verb
of a subject trigger) wins over the sentence's other places, and the narrowest place around
it wins over the one that only locates it ("the village of Sharifah in western Palmyra");
"from X" is an origin, a demonym modifying a noun ("the Syrian Arab Army") names an actor,
and where an official speaker sits never is. Only when the sentence names no place does the
event take the article's focus place, with its precision and no span (text "", start = end
= 0). Dates and places
owned by another trigger in the sentence are left to it. Counts go to the event type each
figure most likely belongs to.
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
    clause_verb,
    contexts_for,
    is_crowd,
    is_mob,
    is_title_place,
    noun_phrase,
    patient_heads,
    speaker_place,
)
from eventscribe.extract.events.domain import sentence_veto
from eventscribe.extract.events.drafts import Draft
from eventscribe.extract.events.triggers import Segment
from eventscribe.parse import doc_ents
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
) -> None:
    """Fill each draft's roles, date, contexts, claimant, place and mention kind."""
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
        d.location = _locate(d, index, anchors, fallback)
        d.own_place = any(p is d.location for p, r in _settings_in(seg, d.anchor, index))
        d.anaphoric = _is_anaphoric(d.anchor)
        d.definite = d.anaphoric or _is_definite(d.anchor)
        d.quoted = any(q.kind == "direct" and q.start <= d.anchor.idx < q.end for q in index.quotes)
        d.veto = sentence_veto(seg.span)
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
    mine = [m for m, root in items if _in_seg(root, seg) and _owner(root, anchors) == d.anchor.i]
    free = [m for m, root in items if _in_seg(root, seg) and _owner(root, anchors) is None]
    for mention in mine + free:
        if mention.value is not None:
            return mention.value
    return None


def _own_date(
    anchor: Token, items: Sequence[tuple[DateMention, Token]], seg: Segment
) -> DateValue | None:
    """Return a date said of the anchor itself: "the protests began last week" (not "after")."""
    for mention, root in items:
        if mention.value is None or not _in_seg(root, seg):
            continue
        gov = root.head.head if root.dep_ == "pobj" else root.head
        if anchor in root.ancestors or (gov == anchor.head and anchor.dep_.startswith("nsubj")):
            return mention.value
    return None


def _in_seg(tok: Token, seg: Segment) -> bool:
    return seg.span.start <= tok.i < seg.span.end


def _owner(tok: Token, anchors: set[int]) -> int | None:
    """Return the nearest trigger anchor above a token in the parse, if any."""
    for anc in tok.ancestors:
        if anc.i in anchors:
            return anc.i
    return None


def _settings_in(seg: Segment, anchor: Token, index: ArticleIndex) -> list[tuple[Place, Token]]:
    """Return the segment's places that can be where the anchor's event happened."""
    return [
        (p, r)
        for p, r in index.places
        if _in_seg(r, seg) and _is_setting(r, p) and not speaker_place(r, anchor)
    ]


def _locate(
    d: Draft, index: ArticleIndex, anchors: set[int], fallback: Place | None
) -> Place | None:
    usable = _settings_in(d.segment, d.anchor, index)
    if d.type in tx.STATEMENT_TYPES or d.type == "SANCTION":
        said_in = [p for p, r in usable if _said_of(r, d.anchor)]  # "said in Paris"
        return said_in[0] if said_in else None
    # "the Syrian Arab Army", "a Russian strike": a country modifying a noun names an actor.
    usable = [(p, r) for p, r in usable if not _is_modifier(r) and not _is_demonym(p, r)]
    linked = [(p, r) for p, r in usable if _said_of(r, d.anchor)]
    mine = [(p, r) for p, r in usable if _owner(r, anchors) == d.anchor.i]
    free = [(p, r) for p, r in usable if _owner(r, anchors) is None]
    own_fallback = fallback if d.type in tx.PHYSICAL_TYPES else None
    for pool in (linked, mine, free):
        for wanted in (_SUB_COUNTRY, {"country"}):
            near = [(abs(r.i - d.anchor.i), p, r) for p, r in pool if _precision(p) in wanted]
            if near:
                _, place, root = min(near, key=lambda x: x[0])
                return _narrowest(place, root, usable)
    return _unspanned(own_fallback, d.segment)


def _unspanned(place: Place | None, seg: Segment) -> Place | None:
    """Return the article's focus place as a fallback: its precision, but no span here.

    Unless the focus mention is in this very sentence (and names a place, not a demonym),
    the sentence does not name where the event happened, so the location must not point at
    a mention elsewhere.
    """
    if place is None:
        return None
    named = place.text.casefold().replace(".", "") == place.name.casefold()
    if seg.start <= place.start < place.end <= seg.end and (named or place.feature != "country"):
        return place
    return replace(place, text="", start=0, end=0)


def _narrowest(place: Place, root: Token, usable: Sequence[tuple[Place, Token]]) -> Place:
    """Return the most specific place around a chosen one: "Sharifah in Palmyra" -> Sharifah.

    A place whose phrase holds the chosen one ("the village of Sharifah in western Palmyra",
    "Mogadishu's Yaqshid district") is where the event was; the chosen one only locates it.
    """
    for other, other_root in usable:
        if other is not place and other_root in root.ancestors and _chain(root, other_root):
            return other
    return place


def _chain(inner: Token, outer: Token) -> bool:
    """Say whether ``inner`` hangs on ``outer`` through place-qualifying links only."""
    tok = inner
    while tok.i != outer.i:
        if tok.dep_ not in _QUALIFYING or tok.head.i == tok.i:
            return False
        tok = tok.head
    return True


_QUALIFYING = frozenset({"pobj", "prep", "poss", "compound", "appos", "npadvmod", "nmod"})


_SETTING_PREPS = frozenset(
    {"in", "at", "near", "outside", "inside", "across", "throughout", "around", "within"}
)


def _said_of(root: Token, anchor: Token) -> bool:
    """Tell "marched in Nairobi", "stormed the building in Basra": a place the event is set in.

    The preposition hangs on the trigger, on the verb of a subject trigger ("a strike killed
    five in Kharkiv"), on the trigger's object, or on a participle describing the trigger or
    its object ("a truce signed in Rome", "the curfew imposed in the city of Basra");
    "travelled from Mombasa" or a dateline is not.
    """
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in _AREAS:
        root = root.head.head  # "in the city of Basra"
    prep = root.head
    if root.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in _SETTING_PREPS:
        return False
    host = prep.head
    if host.dep_ == "acl" and host.tag_ == "VBN":
        host = host.head  # "a truce signed in Rome": where the truce was
    subject = anchor.dep_ in ("nsubj", "nsubjpass") and host.i == clause_verb(anchor).i
    if host.i == anchor.i or subject:
        return True
    return host.dep_ in ("dobj", "nsubjpass") and host.head.i == anchor.i


_AREAS = frozenset({
    "city", "town", "village", "province", "district", "region", "state", "county", "capital",
    "neighbourhood", "neighborhood", "suburb", "quarter", "area", "villages", "governorate",
})  # fmt: skip


def _is_modifier(root: Token) -> bool:
    """Tell a demonym or country modifying a noun ("a Russian missile strike"): not a setting."""
    if root.dep_ == "amod" or (root.pos_ == "ADJ" and root.dep_ != "pobj"):
        return True
    return (
        root.dep_ in ("compound", "nmod")
        and root.head.pos_ in ("NOUN", "PROPN")
        and (root.ent_type_ == "NORP" or root.tag_ in ("JJ", "NNPS"))
    )


def _is_demonym(place: Place, root: Token) -> bool:
    """Tell "Syrian" in "the Syrian Arab Army", "U.S. forces": a country named as an adjective."""
    if place.feature != "country" or root.dep_ not in ("compound", "amod", "nmod"):
        return False
    return place.text.casefold().replace(".", "") != place.name.casefold()


_SUB_COUNTRY = frozenset({"point", "city", "admin2", "admin1"})


def _is_setting(root: Token, place: Place) -> bool:
    """Tell whether a place mention can be where something happened, not who acted."""
    if root.dep_ in ("nsubj", "nsubjpass") or root.head.dep_ == "agent":
        return False  # "Turkey deployed troops": an actor that the place stage also found
    return _is_whole_entity(root, place) or not is_title_place(root)


def _is_whole_entity(root: Token, place: Place) -> bool:
    """Tell a place the tagger called ORG as a whole ("Al-Raqqa"), not one inside a name."""
    ent = next((e for e in doc_ents(root.doc) if e.start <= root.i < e.end), None)
    if ent is None or ent.label_ != "ORG":
        return False
    first = ent[1] if ent[0].lower_ == "the" and len(ent) > 1 else ent[0]
    return place.start <= first.idx and ent.end_char <= place.end


def _precision(place: Place) -> str:
    if place.feature == "continent":
        return "continent"  # too coarse to say where an event happened
    return place.precision or ("country" if place.feature == "country" else "city")


def _is_anaphoric(anchor: Token) -> bool:
    dets = {c.lower_ for c in anchor.children if c.dep_ in ("det", "amod")}
    return anchor.pos_ in ("NOUN", "PROPN") and bool(dets & (_ANAPHORIC_DETS | {"same"}))


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
    roots = [r for p, r in index.places if p is d.location and _in_seg(r, seg)]
    if not roots:
        return [d]
    others = [
        p
        for p, r in index.places
        if _in_seg(r, seg) and r in roots[0].conjuncts and p.feature is not None
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
