"""Events: trigger lexicon + dependency patterns -> PLOVER type/mode/contexts and ACLED types.

One pass per sentence segment (a spaCy sentence, split again at blank lines and bullet items):
``score_sentence`` finds candidate triggers, dependency patterns assign roles, place, date,
counts and contexts, then article-level rules escalate protests met by force and merge
repeats. Decisions, kept consistent:

- Negated, future and hypothetical events ARE emitted, with those contexts, a lower confidence
  and no ACLED type (ACLED codes what happened); historical events keep their ACLED type.
  The complement of a threat, request or denial is not an event of its own ("threatened to
  strike" is THREATEN only).
- A protest met by force within two segments, at the same place, becomes *Protest with
  intervention*, or *Excessive force against protesters* for lethal force; the force event
  then has no ACLED type (the protest carries it). Strikes and boycotts get no ACLED type.
- Evidence is the segment; for a bullet item under "X who supported Y include:", it runs from
  the intro to the end of the item.
- Merging: triggers of one type/mode in one segment are one event (unless their source actors
  differ); within a segment a riot absorbs the march and arson that make it up. Across the
  article a later physical draft joins the first earlier event it can be (``_corefers``): same
  kind, no different place named in both, and either a definite mention ("the march", "their
  arrest", "the attack"), a witness's quoted retelling, or an undated report with the same
  contexts. Competing casualty figures from another claimant stay separate; a definite mention
  with its own different date ("the protests began last week in Zubair") is another event.
  The merged event keeps the dated sentence as evidence, and the first place, date and counts.
- Location: the place the event's own "in/at X" names (on the trigger, its object, or the
  verb of a subject trigger: "stormed the building in Basra", "a strike killed five in
  Kharkiv") wins over the sentence's other places, which win over the article's focus place.
  "from X" is an origin; a demonym modifying a noun ("a Russian missile strike") is a setting
  only when the sentence names no other place; where an official speaker sits ("a spokesman
  in Goma said") never is.
- Not reported: generic or habitual mentions ("monitors attacks", "almost every summer"),
  statements that did not happen ("nobody asked us"), statements that only describe an act
  ("marched to demand"); "would not withdraw" is a REJECT.
- ``confidence`` is a sum of simple features (trigger strength, actors, place, contexts,
  sport/market/crime words, the article's domain) mapped through a reliability table read off
  the sample gold (``reliability``); events under ``min_confidence`` are dropped.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from eventscribe.extract import taxonomy as tx
from eventscribe.extract.counts import CountMention, parse_quantity
from eventscribe.extract.dates import DateMention, DateValue
from eventscribe.extract.event_args import (
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
from eventscribe.extract.triggers import (
    Candidate,
    LexEntry,
    Lexicon,
    Segment,
    SentenceScorer,
    load_lexicon,
    score_sentence,
    split_segments,
)
from eventscribe.records import Actor, Count, Event, Evidence, Place, Quote, make_event_id

__all__ = [
    "Candidate",
    "LexEntry",
    "Lexicon",
    "Segment",
    "SentenceScorer",
    "extract_events",
    "load_lexicon",
    "score_sentence",
    "split_segments",
]

_SUPPRESSING_TYPES = frozenset({"THREATEN", "REQUEST", "REJECT", "CONCEDE"})
_ANAPHORIC_DETS = frozenset({"these", "this", "those", "that", "such", "the same"})
_SPORT = frozenset(
    [
        "match",
        "goal",
        "league",
        "midfielder",
        "penalty",
        "tournament",
        "championship",
        "cup",
        "football",
        "soccer",
        "cricket",
        "tennis",
        "basketball",
        "coach",
        "fixture",
        "kick-off",
        "half-time",
        "goalkeeper",
    ]
)
_FINANCE = frozenset(
    [
        "share",
        "stock",
        "index",
        "investor",
        "dividend",
        "earnings",
        "bond",
        "currency",
        "nasdaq",
        "dow",
    ]
)
# Article-level only: too common in news to scale down a single sentence ("attacked a market").
_SPORT_WORDS = _SPORT | {
    "goalkeeper",
    "stadium",
    "referee",
    "derby",
    "equaliser",
    "equalizer",
    "whistle",
    "season",
    "fan",
    "scorer",
}
# "trader" and "percent" only count for the article: market traders protest, turnout is in percent.
_MARKET_WORDS = _FINANCE | {
    "inflation",
    "yield",
    "analyst",
    "exporter",
    "speculator",
    "market",
    "trader",
    "percent",
}
_CRIME = frozenset(
    (
        "robbery",
        "burglary",
        "theft",
        "burglar",
        "robber",
        "thief",
        "mugging",
        "shoplifting",
        "stabbing",
        "stab",
        "burgle",
        "murder",
        "manslaughter",
        "detective",
        "fraud",
        "custody",
    )
)
_DISASTER = frozenset(
    (
        "earthquake",
        "quake",
        "magnitude",
        "aftershock",
        "flood",
        "flooding",
        "landslide",
        "storm",
        "hurricane",
        "cyclone",
        "typhoon",
        "tsunami",
        "wildfire",
        "eruption",
        "drought",
        "rescuer",
    )
)
_CULTURE = frozenset(
    (
        "film",
        "festival",
        "album",
        "concert",
        "novel",
        "premiere",
        "actor",
        "actress",
        "jury",
        "audience",
        "theatre",
        "exhibition",
        "cinema",
        "screening",
        "ovation",
        "cast",
        "prize",
    )
)
# Words of political conflict: an article with as many of these is news, whatever else it has.
_POLITICAL = frozenset(
    (
        "protester",
        "demonstrator",
        "rioter",
        "soldier",
        "troop",
        "army",
        "military",
        "rebel",
        "militant",
        "militia",
        "insurgent",
        "jihadist",
        "activist",
        "opposition",
        "regime",
        "junta",
        "ceasefire",
        "truce",
        "parliament",
        "ministry",
        "minister",
        "election",
        "coup",
        "crackdown",
        "airstrike",
        "paramilitary",
        "government",
        "union",
        "sanction",
    )
)


# --- drafts ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    type: str
    mode: str | None
    entry_sub: str | None
    flags: frozenset[str]
    strength: float
    anchor: Token
    segment: Segment
    evidence: tuple[int, int]
    sources: list[Actor] = field(default_factory=list)
    targets: list[Actor] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)
    location: Place | None = None
    date: DateValue | None = None
    counts: dict[str, Count] = field(default_factory=dict)
    claimed_by: Actor | None = None
    acled_sub: str | None = None
    anaphoric: bool = False
    crowd_agent: bool = False
    patients: list[Token] = field(default_factory=list)
    part_of_protest: bool = False
    veto: float = 1.0
    definite: bool = False  # "the march", "their arrest": a mention of an event told before
    own_place: bool = False  # the location is named in the draft's own sentence
    own_date: DateValue | None = None  # a date said of this very mention ("began last week")
    quoted: bool = False  # inside a direct quote: a witness retelling, not a new report


def extract_events(
    doc: Doc,
    *,
    article_key: str,
    published: datetime.date | None,
    lexicon: Lexicon,
    actors: Sequence[Actor],
    places: Sequence[Place],
    quotes: Sequence[Quote],
    dates: Sequence[DateMention],
    counts: Sequence[CountMention],
    fallback_place: Place | None = None,
    scorer: SentenceScorer | None = None,
    min_confidence: float = 0.3,
) -> list[Event]:
    """Detect and code the events an article reports, one record per event."""
    index = ArticleIndex.build(doc, actors=actors, places=places, quotes=quotes, dates=dates)
    segments = split_segments(doc)
    drafts: list[_Draft] = []
    for seg in segments:
        cands = score_sentence(seg.span, lexicon=lexicon)
        if scorer is not None:  # a classifier adds types the lexicon missed, never duplicates
            cands += [c for c in scorer(seg.span) if c.type not in {d.type for d in cands}]
        drafts += _segment_drafts(cands, seg, index, published, fallback_place, counts)
    drafts = _expand_lists(_in_conflict(drafts), segments, index)
    _escalate_protests(drafts)
    domain = article_domain(doc)
    for d in drafts:
        d.veto *= domain
    events = _to_events(_merge(drafts), article_key=article_key)
    return [e for e in events if e.confidence >= min_confidence]


def _segment_drafts(
    cands: list[Candidate],
    seg: Segment,
    index: ArticleIndex,
    published: datetime.date | None,
    fallback: Place | None,
    counts: Sequence[CountMention],
) -> list[_Draft]:
    drafts = [_draft(c, seg) for c in _keep(cands, seg)]
    _fill(drafts, seg, index=index, published=published, fallback=fallback)
    drafts = [d for d in map(_recode_negated, drafts) if d is not None and _is_reported(d)]
    drafts = _drop_folded(drafts)
    _share_location(drafts, fallback)
    _attach_counts(drafts, seg, counts)
    _count_abductees(drafts)
    return [copy for d in drafts for copy in _split_places(d, seg, index)]


def _in_conflict(drafts: list[_Draft]) -> list[_Draft]:
    """Keep "in-conflict" triggers ("three people died") only where other force is reported.

    A toll with no attack named is news of violence in an article about violence; in one
    about an epidemic or a crash it is not an event.
    """
    conflict = any(
        d.type in ("ASSAULT", "PROTEST", "COERCE") and "in-conflict" not in d.flags for d in drafts
    )
    return [d for d in drafts if conflict or "in-conflict" not in d.flags]


def _split_places(d: _Draft, seg: Segment, index: ArticleIndex) -> list[_Draft]:
    """Give "rallies were held in Thessaloniki, Patras and Heraklion" one event per place."""
    if d.type not in ("PROTEST", "ASSAULT") or not d.own_place:
        return [d]
    roots = [r for p, r in index.places if p is d.location and _in_seg(r, seg)]
    if not roots:
        return [d]
    others = [p for p, r in index.places if _in_seg(r, seg) and r in roots[0].conjuncts]
    return [d] + [replace(d, location=p, counts=dict(d.counts)) for p in others]


def _keep(cands: list[Candidate], seg: Segment) -> list[Candidate]:
    """Drop weak participant nouns unless force meets them, and complements of statements."""
    strong = [c for c in cands if c.entry is None or "weak" not in c.entry.flags]
    force = any(c.type in ("ASSAULT", "COERCE") for c in strong)
    protest = any(c.type == "PROTEST" for c in strong)
    weak = [c for c in cands if c not in strong and c.type not in {s.type for s in strong}]
    weak = [c for c in weak if c.type != "PROTEST" or (force and not protest)][:1]
    kept = sorted(strong + weak, key=lambda c: c.anchor or 0)
    doc = seg.span.doc
    gates = {c.anchor for c in kept if c.type in _SUPPRESSING_TYPES}
    acts = {c.anchor for c in kept if c.type in tx.PHYSICAL_TYPES}
    return [
        c
        for c in kept
        if not _governed_by(doc, c.anchor, gates, seg)
        and not (c.type in tx.STATEMENT_TYPES and _is_background_statement(doc, c, acts, seg))
    ]


def _is_background_statement(doc: Doc, c: Candidate, acts: set[int | None], seg: Segment) -> bool:
    """Tell a statement that only describes an act ("marched to demand", "after he refused")."""
    if c.anchor is None:
        return False
    tok = doc[c.anchor]
    purpose = tok.dep_ == "advcl" and any(
        ch.dep_ == "aux" and ch.lower_ == "to" for ch in tok.children
    )
    return purpose or _governed_by(doc, c.anchor, acts, seg)


def _governed_by(doc: Doc, anchor: int | None, gates: set[int | None], seg: Segment) -> bool:
    if anchor is None:
        return False
    tok = doc[anchor]
    while tok.head.i != tok.i:
        if tok.dep_ == "conj" and tok.head.i in gates:
            return False  # "demanded an inquiry, and students held a vigil": two clauses
        tok = tok.head
        if tok.i in gates and seg.span.start <= tok.i < seg.span.end:
            return True
    return False


def _recode_negated(d: _Draft) -> _Draft | None:
    """Drop statements that did not happen; "would not withdraw the bill" is a REJECT."""
    if "negated" in d.contexts and "result" in d.flags:
        return None  # "no one was killed in the attack": says what did not happen
    if "negated" not in d.contexts or d.type not in tx.STATEMENT_TYPES | {"RETREAT"}:
        return d
    if d.type in ("RETREAT", "CONCEDE") and "future" not in d.contexts:
        d.type, d.mode, d.acled_sub, d.contexts = "REJECT", None, None, []
        return d
    return None


def _is_reported(d: _Draft) -> bool:
    """Tell a reported event from a generic or habitual mention ("monitors attacks")."""
    if d.anchor.pos_ not in ("NOUN", "PROPN"):
        return True
    if habitual(d.segment.span) and not d.definite:
        return False  # "have seen protests almost every summer"
    dets = {c.lower_ for c in d.anchor.children if c.dep_ in ("det", "poss")}
    if dets & {"each", "every", "any"}:
        return False  # "each kidnapping sets us back"
    return bool(dets) or not _generic_governor(d.anchor)


def _generic_governor(noun: Token) -> bool:
    """Tell whether a bare noun hangs on a present-tense or modal verb ("protest is a right")."""
    verb = noun.head.head if noun.dep_ == "pobj" else noun.head
    if verb.pos_ not in ("VERB", "AUX") or noun.dep_ not in ("nsubj", "dobj", "pobj", "attr"):
        return False
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    return (verb.tag_ in ("VBZ", "VBP") and not auxes) or bool(auxes & _MODAL_WORDS)


_MODAL_WORDS = frozenset({"will", "would", "can", "could", "may", "might", "must", "should"})


def _drop_folded(drafts: list[_Draft]) -> list[_Draft]:
    """Fold results ("killing nine") into the attack, and drop weak nouns a riot replaced."""
    main = [d for d in drafts if d.type == "ASSAULT" and "result" not in d.flags]
    riots = [d for d in drafts if d.type == "PROTEST" and d.mode == "riot"]
    riots.sort(key=lambda d: "weak" in d.flags)  # a riot verb before a "rioters" noun
    specific = riots or [d for d in drafts if d.type == "PROTEST" and d.mode not in _DEMO]
    out: list[_Draft] = []
    for d in drafts:
        if "result" in d.flags and main:
            _absorb(main[0], d)
        elif "weak" in d.flags and d.type == "PROTEST" and riots and d is not riots[0]:
            continue
        elif riots and d is not riots[0] and _part_of_riot(d, riots[0]):
            _absorb(riots[0], d)  # "marched on the station, threw stones and set it ablaze"
        elif specific and d.type == "PROTEST" and d.mode in _DEMO and d is not specific[0]:
            _absorb(specific[0], d)  # "on hunger strike ... in protest at his detention"
        elif (into := _governing_same_type(d, out)) is not None:
            _absorb(into, d)  # "arrested three reporters in raids on their homes"
        else:
            out.append(d)
    return out


_DEMO = frozenset({"demo", None})


def _part_of_riot(d: _Draft, riot: _Draft) -> bool:
    if d.type == "PROTEST":
        return d.mode in ("demo", "obstruct", "riot")
    if d.type != "ASSAULT" or d.mode not in (None, "destroy", "explosives", "primitive"):
        return False
    return not d.sources or d.crowd_agent or bool({a.name for a in d.sources} & _names(riot))


def _names(d: _Draft) -> set[str]:
    return {a.name for a in d.sources}


def _governing_same_type(d: _Draft, earlier: list[_Draft]) -> _Draft | None:
    if d.anchor.pos_ not in ("NOUN", "PROPN") or d.anchor.dep_ != "pobj" or d.date or d.contexts:
        return None  # "on the anniversary of the 2019 uprising": another, older event
    above = {t.i for t in d.anchor.ancestors}
    return next((o for o in earlier if o.type == d.type and o.anchor.i in above), None)


def _share_location(drafts: list[_Draft], fallback: Place | None) -> None:
    """Let physical events of one sentence share the place that sentence gives."""
    current = [d for d in drafts if d.type in tx.PHYSICAL_TYPES and "historical" not in d.contexts]
    # own_place, not "is not fallback": the focus place may be this very sentence's mention
    own = [d.location for d in current if d.location and d.own_place]
    for d in current:
        if own and not d.anaphoric and not d.own_place:
            d.location, d.own_place = own[0], True


def _draft(cand: Candidate, seg: Segment) -> _Draft:
    doc = seg.span.doc
    anchor = doc[cand.anchor] if cand.anchor is not None else seg.span.root
    entry = cand.entry
    return _Draft(
        type=cand.type,
        mode=cand.mode,
        entry_sub=entry.acled_sub if entry else None,
        flags=entry.flags if entry else frozenset(),
        strength=cand.score,
        anchor=anchor,
        segment=seg,
        evidence=(seg.start, seg.end),
    )


def _fill(
    drafts: list[_Draft],
    seg: Segment,
    *,
    index: ArticleIndex,
    published: datetime.date | None,
    fallback: Place | None,
) -> None:
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
        d.veto = _veto(seg.span)
        d.acled_sub = tx.acled_for(d.type, d.mode, default_sub=d.entry_sub)[1]


def _fill_roles(d: _Draft, index: ArticleIndex) -> None:
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
        d.sources = _item_actors(d.segment, index)


def _retype_crowd_violence(d: _Draft) -> None:
    """Protesters attacking property or police are a riot, not an assault (ACLED's rule)."""
    if d.type != "ASSAULT" or "crowd-riot" not in d.flags or not d.crowd_agent:
        return
    mob = is_mob(agent_heads(d.anchor))
    d.type, d.mode = "PROTEST", "riot"
    d.entry_sub = "Mob violence" if mob else "Violent demonstration"


def _owned(
    d: _Draft, items: Sequence[tuple[DateMention, Token]], anchors: set[int], seg: Segment
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
        if _in_seg(r, seg) and _is_setting(r) and not speaker_place(r, anchor)
    ]


def _locate(
    d: _Draft, index: ArticleIndex, anchors: set[int], fallback: Place | None
) -> Place | None:
    usable = _settings_in(d.segment, d.anchor, index)
    if d.type in tx.STATEMENT_TYPES or d.type == "SANCTION":
        said_in = [p for p, r in usable if _said_of(r, d.anchor)]  # "said in Paris"
        return said_in[0] if said_in else None
    usable = [(p, r) for p, r in usable if not _is_modifier(r)] or usable
    linked = [(p, r) for p, r in usable if _said_of(r, d.anchor)]
    mine = [(p, r) for p, r in usable if _owner(r, anchors) == d.anchor.i]
    free = [(p, r) for p, r in usable if _owner(r, anchors) is None]
    own_fallback = fallback if d.type in tx.PHYSICAL_TYPES else None
    for pool in (linked, mine, free):
        for wanted in (_SUB_COUNTRY, {"country"}):
            near = [(abs(r.i - d.anchor.i), p) for p, r in pool if _precision(p) in wanted]
            if near:
                return _sharpen(min(near, key=lambda x: x[0])[1], own_fallback)
    return own_fallback


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


_AREAS = frozenset(
    {"city", "town", "village", "province", "district", "region", "state", "county", "capital"}
)


def _is_modifier(root: Token) -> bool:
    """Tell a demonym or country modifying a noun ("a Russian missile strike"): not a setting."""
    return root.dep_ == "amod" or (root.pos_ == "ADJ" and root.dep_ != "pobj")


def _sharpen(place: Place, fallback: Place | None) -> Place:
    """Prefer the article's focus place to a bare mention of the country it lies in."""
    if fallback is None or _precision(place) != "country" or _precision(fallback) == "country":
        return place
    return fallback if fallback.country and fallback.country == place.country else place


_SUB_COUNTRY = frozenset({"point", "city", "admin2", "admin1"})


def _is_setting(root: Token) -> bool:
    """Tell whether a place mention can be where something happened, not who acted."""
    if root.dep_ in ("nsubj", "nsubjpass") or root.head.dep_ == "agent":
        return False  # "Turkey deployed troops": an actor that the place stage also found
    return not is_title_place(root)


def _precision(place: Place) -> str:
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


def _veto(span: Span) -> float:
    """Scale down sentences about sport, markets or ordinary crime."""
    lemmas = {t.lemma_.lower() for t in span}
    factor = 0.3 if lemmas & (_SPORT | _FINANCE) else 1.0
    return factor * (0.4 if lemmas & _CRIME else 1.0)


def article_domain(doc: Doc) -> float:
    """Return a factor below 1 for articles about sport, markets, crime, disasters or culture.

    An article is off-domain when it has at least three distinct words of one such field and
    fewer words of political conflict (police alone is not political: it is in crime news).
    """
    lemmas = {t.lemma_.lower() for t in doc} | {t.lower_ for t in doc}
    political = len(lemmas & _POLITICAL)
    fields = (_SPORT_WORDS, _MARKET_WORDS, _CRIME, _DISASTER, _CULTURE)
    worst = max(len(lemmas & words) for words in fields)
    return 0.25 if worst >= 3 and worst > political else 1.0


def habitual(span: Span) -> bool:
    """Tell a sentence about what usually happens ("almost every summer", "each year")."""
    words = [t.lower_ for t in span]
    pairs = set(itertools.pairwise(words))
    return any(p[0] in ("every", "each") and p[1] in _PERIODS for p in pairs) or bool(
        set(words) & {"usually", "routinely", "regularly", "traditionally"}
    )


_PERIODS = frozenset(
    ["day", "week", "month", "year", "summer", "winter", "spring", "autumn", "season"]
)


_COUNT_PREFERENCE: dict[str, tuple[str, ...]] = {
    "fatalities": ("ASSAULT", "PROTEST", "COERCE"),
    "injuries": ("ASSAULT", "PROTEST", "COERCE"),
    "arrests": ("COERCE", "PROTEST"),
    "participants": ("PROTEST", "MOBILIZE"),
}


def _attach_counts(drafts: list[_Draft], seg: Segment, counts: Sequence[CountMention]) -> None:
    for mention in counts:
        if not seg.start <= mention.start < seg.end:
            continue
        for type_ in _COUNT_PREFERENCE[mention.category]:
            fits = [d for d in drafts if d.type == type_]
            if fits:
                best = min(fits, key=lambda d: abs(d.anchor.idx - mention.start))
                best.counts.setdefault(mention.category, mention.count)
                break


def _count_abductees(drafts: list[_Draft]) -> None:
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


def _item_actors(item: Segment, index: ArticleIndex) -> list[Actor]:
    """Return the actors a bullet item is about: those before its first comma or "who"."""
    cut = next((t.idx for t in item.span if t.text == "," or t.lower_ in REL_WORDS), item.end)
    head = index.actors_between(item.start, cut)
    return head or index.actors_between(item.start, item.end)[:1]


REL_WORDS = frozenset({"who", "which", "whose"})


def _expand_lists(
    drafts: list[_Draft], segments: list[Segment], index: ArticleIndex
) -> list[_Draft]:
    """Give each bullet item under "X who supported Y include:" its own statement event."""
    out: list[_Draft] = []
    for d in drafts:
        items = _items_after(d.segment, segments)
        if not items or d.type not in tx.STATEMENT_TYPES or d.sources:
            out.append(d)
            continue
        for item in items:
            if any(o.segment.index == item.index and o.type in tx.STATEMENT_TYPES for o in drafts):
                continue  # "Maryam Rajavi, who called for ...": the item's own statement codes it
            out.append(
                replace(
                    d,
                    segment=item,
                    evidence=(d.segment.start, item.end),
                    sources=_item_actors(item, index),
                )
            )
    return sorted(out, key=lambda d: (d.segment.index, d.anchor.i))


def _items_after(seg: Segment, segments: list[Segment]) -> list[Segment]:
    if not seg.is_intro:
        return []
    items = []
    for nxt in segments[seg.index + 1 :]:
        if not nxt.bullet:
            break
        items.append(nxt)
    return items


_SEVERITY = ("Peaceful protest", "Protest with intervention", "Excessive force against protesters")
_BLOCKING = frozenset({"historical", "negated", "hypothetical", "future"})


def _escalate_protests(drafts: list[_Draft]) -> None:
    """Code a protest met by force as ACLED intervention / excessive force (ACLED's rule)."""
    for p in drafts:
        if p.type != "PROTEST" or p.mode not in ("demo", "obstruct") or _BLOCKING & set(p.contexts):
            continue
        force = [f for f in drafts if _meets_protest(f, p)]
        if not force:
            continue
        lethal = any(_is_lethal(f) for f in force)
        p.acled_sub = tx.escalate_protest(p.acled_sub, lethal=lethal)
        for f in force:
            f.part_of_protest = True
            f.targets = f.targets or list(p.sources)


def _meets_protest(f: _Draft, p: _Draft) -> bool:
    return (
        f.type in ("ASSAULT", "COERCE")
        and not f.crowd_agent
        and not _BLOCKING & set(f.contexts)
        and abs(f.segment.index - p.segment.index) <= 2
        and f.acled_sub in (None, "Attack", "Arrests")
        and _same_place(f.location, p.location)
        and _aimed_at_protest(f, p)
    )


def _aimed_at_protest(f: _Draft, p: _Draft) -> bool:
    """Tell whether force may be aimed at the protest: no stated target, or the protesters."""
    if not f.patients or p.anchor in f.patients:
        return True
    return f.segment.index != p.segment.index or is_crowd(f.patients)


def _is_lethal(f: _Draft) -> bool:
    if f.type != "ASSAULT":
        return False
    return f.mode in tx.LETHAL_MODES or "lethal" in f.flags or "fatalities" in f.counts


def _same_place(a: Place | None, b: Place | None) -> bool:
    return a is None or b is None or a.name == b.name


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    """Merge one sentence's repeated triggers, and later mentions of an event told before."""
    out: list[_Draft] = []
    for d in drafts:
        into = next((o for o in out if _mergeable(o, d)), None)
        into = into or next((o for o in out if _corefers(o, d)), None)
        if into is None:
            out.append(d)
        else:
            _absorb(into, d)
    return out


def _corefers(o: _Draft, d: _Draft) -> bool:
    """Tell whether a later draft tells the same event again ("The march was peaceful.")."""
    statement_mention = d.definite and d.anchor.pos_ == "NOUN"  # "of the agreement"
    if not (d.type in tx.PHYSICAL_TYPES or statement_mention) or not _kind_fits(o, d):
        return False
    if o.own_place and d.own_place and _name(o.location) != _name(d.location):
        return False  # "In Athens, 20,000 marched" vs "rallies were held in Patras"
    if ("historical" in o.contexts) != ("historical" in d.contexts):
        return False
    casualties = {"fatalities", "injuries"} & set(d.counts) and "negated" not in d.contexts
    if casualties and d.claimed_by is not None and not _same_side(o.claimed_by, d.claimed_by):
        return False  # a competing figure ("activists said 12 were killed") stays attributable
    if d.definite and d.own_date and o.date and d.own_date != o.date:
        return False  # "the protests began last week in Zubair": an earlier protest
    if d.definite or d.quoted:  # a mention or a witness's retelling: its own date is not new
        return True
    return (
        o.contexts == d.contexts
        and (o.date is None or d.date is None or o.date == d.date)
        and not _different_actors(o, d)
    )


_STRIKES = frozenset({"strike-gen", "strike-lim"})
_BLASTS = frozenset({"explosives", "heavy-weapons", "suicide-attack"})
_GENERIC_SUBS = frozenset({None, "Attack"})


def _kind_fits(o: _Draft, d: _Draft) -> bool:
    if o.type != d.type:  # "three people lost their lives during the events": the riot's toll
        toll = "result" in d.flags or (d.definite and d.mode in (None, "destroy"))
        return toll and d.type == "ASSAULT" and o.type == "PROTEST" and o.mode == "riot"
    if o.type == "PROTEST":
        same = o.mode == d.mode or {o.mode, d.mode} <= _STRIKES
        return same or (d.mode == "obstruct" and o.mode in ("demo", "riot"))
    if o.type != "ASSAULT":
        return o.mode == d.mode or None in (o.mode, d.mode)
    modes = o.mode == d.mode or None in (o.mode, d.mode) or {o.mode, d.mode} <= _BLASTS
    subs = o.acled_sub == d.acled_sub or _GENERIC_SUBS & {o.acled_sub, d.acled_sub}
    blasts = {o.acled_sub, d.acled_sub} <= _EXPLOSION_SUBS
    return modes and bool(subs or blasts)


_EXPLOSION_SUBS = frozenset(
    k for k, v in tx.ACLED_SUB_EVENT_TYPES.items() if v == "Explosions/Remote violence"
)


def _same_side(a: Actor | None, b: Actor) -> bool:
    """Tell whether two claimants speak for one side ("the army" and its spokesman)."""
    if a is None:
        return False
    return a.name == b.name or (
        a.sector is not None and (a.country, a.sector) == (b.country, b.sector)
    )


def _different_actors(o: _Draft, d: _Draft) -> bool:
    """Tell two named acting bodies apart ("the army" vs "the rebels"); crowds may differ."""
    named = {"state", "organization", "igo", "person"}
    mine = {a.name for a in o.sources if a.kind in named}
    theirs = {a.name for a in d.sources if a.kind in named}
    return bool(mine and theirs and not mine & theirs)


def _mergeable(o: _Draft, d: _Draft) -> bool:
    same_kind = (o.type, o.mode, o.contexts, _name(o.claimed_by)) == (
        d.type,
        d.mode,
        d.contexts,
        _name(d.claimed_by),
    )
    if not same_kind:
        return False
    if o.evidence == d.evidence:
        names = {a.name for a in o.sources}
        return not names or not d.sources or bool(names & {a.name for a in d.sources})
    return d.anaphoric and _name(o.location) == _name(d.location)


def _name(record: Actor | Place | None) -> str | None:
    return record.name if record is not None else None


def _absorb(into: _Draft, d: _Draft) -> None:
    if into.segment is not d.segment and into.date is None and d.date and not d.definite:
        into.segment, into.evidence = d.segment, d.evidence  # the dated report tells it best
    into.sources += [a for a in d.sources if a not in into.sources]
    into.targets += [a for a in d.targets if a not in into.targets and a not in into.sources]
    into.location = into.location or d.location
    into.date = into.date or d.date
    into.mode = into.mode or d.mode
    for key, count in d.counts.items():
        if "negated" not in d.contexts:  # "no one was killed in the attack" gives no toll
            into.counts.setdefault(key, count)
    into.strength = max(into.strength, d.strength)
    into.acled_sub = into.acled_sub or d.acled_sub  # "agreed to a truce": the noun knows
    if d.acled_sub in _SEVERITY and into.acled_sub in _SEVERITY:
        into.acled_sub = max(into.acled_sub, d.acled_sub, key=_SEVERITY.index)


def _to_events(drafts: list[_Draft], *, article_key: str) -> list[Event]:
    seen: dict[tuple[int, int, str, str | None], int] = {}
    events = []
    for d in drafts:
        key = (*d.evidence, d.type, d.mode)
        seen[key] = seen.get(key, 0) + 1
        id_mode = d.mode if seen[key] == 1 else f"{d.mode}#{seen[key]}"
        events.append(_to_event(d, make_event_id(article_key, *d.evidence, d.type, id_mode)))
    return events


_UNREAL = frozenset({"negated", "hypothetical", "future"})


def _to_event(d: _Draft, event_id: str) -> Event:
    # ACLED codes what happened: not parts of a protest it already codes, nor unreal events.
    sub = None if d.part_of_protest or _UNREAL & set(d.contexts) else d.acled_sub
    start, end = d.evidence
    return Event(
        event_id=event_id,
        type=d.type,  # type: ignore[arg-type]  # lexicon rows are checked against PLOVER_TYPES
        mode=d.mode,
        contexts=list(d.contexts),
        acled_event_type=tx.ACLED_SUB_EVENT_TYPES.get(sub) if sub else None,
        acled_sub_event_type=sub,
        source_actors=list(d.sources),
        target_actors=list(d.targets),
        location=d.location,
        date=d.date.date if d.date else None,
        date_precision=d.date.precision if d.date else None,
        fatalities=d.counts.get("fatalities"),
        injuries=d.counts.get("injuries"),
        arrests=d.counts.get("arrests"),
        participants=d.counts.get("participants"),
        evidence=Evidence(text=d.segment.span.doc.text[start:end], start=start, end=end),
        claimed_by=d.claimed_by,
        confidence=_confidence(d),
    )


_CONTEXT_WEIGHT = {"negated": 0.55, "hypothetical": 0.7, "future": 0.75, "historical": 0.9}
# Raw score -> share of events whose type was right, read off the reliability table on the
# sample gold (data/gold/sample.jsonl, 77 events): raw 0.3-0.5 were right about half the time,
# raw 0.5 and up about 90%. Below 0.3 stays below 0.3, so `min_confidence` keeps its meaning.
_RELIABILITY = ((0.0, 0.0), (0.3, 0.3), (0.5, 0.75), (0.9, 0.92), (1.0, 0.95))


def _confidence(d: _Draft) -> float:
    """Score an event from simple features, mapped to the share of such events that are right."""
    score = d.strength + 0.1 * bool(d.sources) + 0.05 * bool(d.targets)
    score += 0.05 * bool(d.location)
    for context in d.contexts:
        score *= _CONTEXT_WEIGHT.get(context, 1.0)
    if not d.sources and not d.targets:
        score *= 0.7
    return round(reliability(min(1.0, max(0.0, score * d.veto))), 2)


def reliability(raw: float) -> float:
    """Map a raw event score to its expected share right (piecewise linear, monotone)."""
    for (x0, y0), (x1, y1) in itertools.pairwise(_RELIABILITY):
        if raw <= x1:
            return y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
    return _RELIABILITY[-1][1]
