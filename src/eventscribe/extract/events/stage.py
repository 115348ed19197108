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
  then has no ACLED type (the protest carries it). Force told as what led up to the news
  ("hours after a police officer shot dead a rider") is not force met by a protest. Strikes and boycotts get no ACLED type.
- Evidence is the segment; for a bullet item under "X who supported Y include:", it runs from
  the intro to the end of the item.
- Merging: triggers of one type/mode in one segment are one event (unless their source actors
  differ, or each names its own, different place: "launched an offensive in A, targeting B");
  within a segment a riot absorbs the march and arson that make it up. Across the article a
  later physical draft joins the first earlier event it can be (``_corefers``): same kind, no
  different place named in both, and either a definite mention ("the march", "their arrest",
  "the attack"), a witness's quoted retelling, or an undated report with the same contexts.
  Competing casualty figures from another claimant stay separate; a definite mention with its
  own different date ("the protests began last week in Zubair") is another event. The merged
  event keeps the dated sentence as evidence, and the first place, date and counts.
- Location: a learned picker (``placing``) chooses among the places the segment names (with the
  proper nouns in a locative position the place stage did not return, ``recovering``), or none;
  role rules come first (where an official speaker sits, "said in X" for statements, an
  anaphoric or background mention's own phrase, another trigger's own "in Y"). With none, a
  physical event takes the segment's dateline place, else the article's focus place, with no
  span.
- Not reported: generic or habitual mentions ("monitors attacks", "almost every summer"),
  statements that did not happen ("nobody asked us"), statements that only describe an act
  ("marched to demand"); "would not withdraw" is a REJECT.
- ``confidence`` is a sum of simple features (trigger strength, actors, place, contexts,
  sport/market/crime words, the article's domain) mapped through a reliability table read off
  the sample gold (``reliability``); events under ``min_confidence`` are dropped.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc, Token

from eventscribe.extract import taxonomy as tx
from eventscribe.extract.counts import CountMention
from eventscribe.extract.dates import DateMention
from eventscribe.extract.events.args import ArticleIndex, is_crowd
from eventscribe.extract.events.codebook import apply_codebook
from eventscribe.extract.events.confidence import event_confidence, reliability
from eventscribe.extract.events.domain import article_domain, habitual
from eventscribe.extract.events.drafts import Draft, new_draft
from eventscribe.extract.events.judge import (
    LEADING,
    Leading,
    SentenceJudge,
    SentenceView,
    best_reading,
    propose,
    recode,
    weigh,
)
from eventscribe.extract.events.placing import PlaceChooser, default_place_picker
from eventscribe.extract.events.recovering import recover_places
from eventscribe.extract.events.slots import (
    attach_counts,
    count_abductees,
    fill_slots,
    item_actors,
    share_location,
    split_places,
)
from eventscribe.extract.events.triggers import (
    Candidate,
    LexEntry,
    Lexicon,
    Segment,
    load_lexicon,
    score_sentence,
    split_segments,
)
from eventscribe.gazetteer import Gazetteer
from eventscribe.parse import doc_text
from eventscribe.records import Actor, Event, Evidence, Place, Quote, make_event_id

# Re-exported: callers and tests import these from here.
__all__ = [
    "Candidate",
    "LexEntry",
    "Lexicon",
    "Segment",
    "article_domain",
    "extract_events",
    "habitual",
    "load_lexicon",
    "reliability",
    "score_sentence",
    "split_segments",
]

_SUPPRESSING_TYPES = frozenset({"THREATEN", "REQUEST", "REJECT", "CONCEDE"})


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
    judge: SentenceJudge | None = None,
    leading: Leading = LEADING,
    min_confidence: float = 0.3,
    place_chooser: PlaceChooser | None = None,
    gazetteer: Gazetteer | None = None,
) -> list[Event]:
    """Detect and code the events an article reports, one record per event.

    With a ``judge`` (the sentence classifier) the classifier leads: see ``event_judge``.
    ``place_chooser`` picks each event's place (by default the packaged place picker); the
    ``gazetteer``, when given, tells the picker which names it did not get are known places.
    """
    chooser = place_chooser or default_place_picker()
    # names the place stage did not return, for the events' places only
    recovered = recover_places(doc, places, gazetteer=gazetteer, fallback=fallback_place)
    index = ArticleIndex.build(
        doc, actors=actors, places=places, quotes=quotes, dates=dates, recovered=recovered
    )
    segments = split_segments(doc)
    drafts: list[Draft] = []
    views: list[SentenceView] = []
    for seg in segments:
        cands = score_sentence(seg.span, lexicon=lexicon)
        view = judge(seg.span, cands) if judge is not None else None
        if view is not None:
            views.append(view)
            cands += propose(view, cands, leading=leading, clause=_has_verb(seg))
        found = _segment_drafts(cands, seg, index, published, fallback_place, counts, chooser)
        if view is not None:
            weigh(found, view, leading=leading)
            recode(found, view, leading=leading)
        drafts += apply_codebook(found)
    drafts = _in_conflict(drafts)
    if not drafts and (best := best_reading(views, leading=leading)) is not None:
        seg = segments[best[0]]
        drafts = apply_codebook(
            _segment_drafts([best[1]], seg, index, published, fallback_place, counts, chooser)
        )
    drafts = _expand_lists(drafts, segments, index)
    _escalate_protests(drafts)
    domain = article_domain(doc)
    for d in drafts:
        d.veto *= domain
    events = _to_events(_merge(drafts), article_key=article_key)
    return [e for e in events if e.confidence >= min_confidence]


def _has_verb(seg: Segment) -> bool:
    return any(t.pos_ in ("VERB", "AUX") for t in seg.span)


def _segment_drafts(
    cands: list[Candidate],
    seg: Segment,
    index: ArticleIndex,
    published: datetime.date | None,
    fallback: Place | None,
    counts: Sequence[CountMention],
    chooser: PlaceChooser,
) -> list[Draft]:
    drafts = [new_draft(c, seg) for c in _keep(cands, seg)]
    fill_slots(drafts, seg, index=index, published=published, fallback=fallback, chooser=chooser)
    drafts = [d for d in map(_recode_negated, drafts) if d is not None and _is_reported(d)]
    drafts = _drop_folded(drafts)
    share_location(drafts, fallback)
    attach_counts(drafts, seg, counts)
    count_abductees(drafts)
    return [copy for d in drafts for copy in split_places(d, seg, index)]


def _in_conflict(drafts: list[Draft]) -> list[Draft]:
    """Keep "in-conflict" triggers ("three people died") only where other force is reported.

    A toll with no attack named is news of violence in an article about violence; in one
    about an epidemic or a crash it is not an event.
    """
    conflict = any(
        d.type in ("ASSAULT", "PROTEST", "COERCE") and "in-conflict" not in d.flags for d in drafts
    )
    return [d for d in drafts if conflict or "in-conflict" not in d.flags]


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


def _recode_negated(d: Draft) -> Draft | None:
    """Drop statements that did not happen; "would not withdraw the bill" is a REJECT."""
    if "negated" in d.contexts and "result" in d.flags:
        return None  # "no one was killed in the attack": says what did not happen
    if "negated" not in d.contexts or d.type not in tx.STATEMENT_TYPES | {"RETREAT"}:
        return d
    if d.type in ("RETREAT", "CONCEDE") and "future" not in d.contexts:
        d.type, d.mode, d.acled_sub, d.contexts = "REJECT", None, None, []
        return d
    return None


def _is_reported(d: Draft) -> bool:
    """Tell a reported event from a generic or habitual mention ("monitors attacks")."""
    if d.anchor.pos_ not in ("NOUN", "PROPN"):
        return not _iterated(d.anchor)
    if habitual(d.segment.span) and not d.definite:
        return False  # "have seen protests almost every summer"
    dets = {c.lower_ for c in d.anchor.children if c.dep_ in ("det", "poss")}
    if dets & {"each", "every", "any"}:
        return False  # "each kidnapping sets us back"
    return bool(dets) or not _generic_governor(d.anchor)


def _iterated(verb: Token) -> bool:
    """Tell a summary of many events ("has been targeted several times since 2019") from one."""
    return any(
        c.lemma_.lower() == "time" and any(g.lower_ in _VAGUE_MANY for g in c.children)
        for c in verb.children
    )


_VAGUE_MANY = frozenset({"several", "many", "multiple", "numerous", "countless"})


def _generic_governor(noun: Token) -> bool:
    """Tell whether a bare noun hangs on a present-tense or modal verb ("protest is a right")."""
    verb = noun.head.head if noun.dep_ == "pobj" else noun.head
    if verb.pos_ not in ("VERB", "AUX") or noun.dep_ not in ("nsubj", "dobj", "pobj", "attr"):
        return False
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    return (verb.tag_ in ("VBZ", "VBP") and not auxes) or bool(auxes & _MODAL_WORDS)


_MODAL_WORDS = frozenset({"will", "would", "can", "could", "may", "might", "must", "should"})


def _drop_folded(drafts: list[Draft]) -> list[Draft]:
    """Fold results ("killing nine") into the attack, and drop weak nouns a riot replaced."""
    main = [d for d in drafts if d.type == "ASSAULT" and "result" not in d.flags]
    riots = [d for d in drafts if d.type == "PROTEST" and d.mode == "riot"]
    riots.sort(key=lambda d: "weak" in d.flags)  # a riot verb before a "rioters" noun
    specific = riots or [d for d in drafts if d.type == "PROTEST" and d.mode not in _DEMO]
    out: list[Draft] = []
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


def _part_of_riot(d: Draft, riot: Draft) -> bool:
    if d.type == "PROTEST":
        return d.mode in ("demo", "obstruct", "riot")
    if d.type != "ASSAULT" or d.mode not in (None, "destroy", "explosives", "primitive"):
        return False
    return not d.sources or d.crowd_agent or bool({a.name for a in d.sources} & _names(riot))


def _names(d: Draft) -> set[str]:
    return {a.name for a in d.sources}


def _governing_same_type(d: Draft, earlier: list[Draft]) -> Draft | None:
    if d.anchor.pos_ not in ("NOUN", "PROPN") or d.anchor.dep_ != "pobj" or d.date or d.contexts:
        return None  # "on the anniversary of the 2019 uprising": another, older event
    above = {t.i for t in d.anchor.ancestors}
    return next((o for o in earlier if o.type == d.type and o.anchor.i in above), None)


def _expand_lists(drafts: list[Draft], segments: list[Segment], index: ArticleIndex) -> list[Draft]:
    """Give each bullet item under "X who supported Y include:" its own statement event."""
    out: list[Draft] = []
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
                    sources=item_actors(item, index),
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


def _escalate_protests(drafts: list[Draft]) -> None:
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


def _meets_protest(f: Draft, p: Draft) -> bool:
    return (
        f.type in ("ASSAULT", "COERCE")
        and not f.crowd_agent
        and not _BLOCKING & set(f.contexts)
        and abs(f.segment.index - p.segment.index) <= 2
        and (f.acled_sub in (None, "Attack", "Arrests") or _state_fire_on_crowd(f, p))
        and _same_place(f.location, p.location)
        and _aimed_at_protest(f, p)
        and not _came_before(f)
    )


def _came_before(f: Draft) -> bool:
    """Tell force told as what led up to the news ("hours after a police officer shot dead a
    rider"): the cause of a protest, not force met by it."""
    anchor = f.anchor
    if anchor.dep_ == "pobj" and anchor.head.lower_ in _EARLIER:
        return True  # "after the killing of a rider"
    return anchor.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in _EARLIER for c in anchor.children
    )


_EARLIER = frozenset({"after", "following", "since"})


def _state_fire_on_crowd(f: Draft, p: Draft) -> bool:
    """Tell state forces' fire read as a clash that is aimed at the protest next to it ("when
    the security forces opened fire"): ACLED codes it as force against the protesters, since a
    clash needs two armed sides and the sentence names only one."""
    if f.acled_sub != "Armed clash" or abs(f.segment.index - p.segment.index) > 1:
        return False
    patients = [t for t in f.patients if t.lower_ not in _FIRE_WORDS]  # "opened fire"
    if patients:
        return p.anchor in patients or is_crowd(patients)
    return bool(f.sources) and all(a.sector in _STATE_FORCES for a in f.sources)


_STATE_FORCES = frozenset({"MIL", "COP"})
_FIRE_WORDS = frozenset({"fire", "shots", "gunfire", "bullets", "rounds", "volleys"})


def _aimed_at_protest(f: Draft, p: Draft) -> bool:
    """Tell whether force may be aimed at the protest: no stated target, or the protesters."""
    if not f.patients or p.anchor in f.patients:
        return True
    return f.segment.index != p.segment.index or is_crowd(f.patients)


def _is_lethal(f: Draft) -> bool:
    if f.type != "ASSAULT":
        return False
    return f.mode in tx.LETHAL_MODES or "lethal" in f.flags or "fatalities" in f.counts


def _same_place(a: Place | None, b: Place | None) -> bool:
    return a is None or b is None or a.name == b.name


def _merge(drafts: list[Draft]) -> list[Draft]:
    """Merge one sentence's repeated triggers, and later mentions of an event told before."""
    out: list[Draft] = []
    for d in drafts:
        kin = [o for o in out if not _placed_apart(o, d)]
        into = next((o for o in kin if _mergeable(o, d)), None)
        into = into or next((o for o in kin if _corefers(o, d)), None)
        if into is None:
            out.append(d)
        else:
            _absorb(into, d)
    return out


def _corefers(o: Draft, d: Draft) -> bool:
    """Tell whether a later draft tells the same event again ("The march was peaceful.")."""
    statement_mention = d.definite and d.anchor.pos_ == "NOUN"  # "of the agreement"
    if not (d.type in tx.PHYSICAL_TYPES or statement_mention) or not _kind_fits(o, d):
        return False
    if o.own_place and d.own_place and _places_differ(o.location, d.location):
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


def _kind_fits(o: Draft, d: Draft) -> bool:
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


def _different_actors(o: Draft, d: Draft) -> bool:
    """Tell two named acting bodies apart ("the army" vs "the rebels"); crowds may differ."""
    named = {"state", "organization", "igo", "person"}
    mine = {a.name for a in o.sources if a.kind in named}
    theirs = {a.name for a in d.sources if a.kind in named}
    return bool(mine and theirs and not mine & theirs)


def _mergeable(o: Draft, d: Draft) -> bool:
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


def _placed_apart(o: Draft, d: Draft) -> bool:
    """Tell two triggers of one sentence that each name a place of their own, and not the same.

    "launched an offensive in East Ghouta, targeting the village of Hawsh Al-Zriqiyah": the
    offensive and its target are two located events (ACLED codes one event per location).
    """
    if o.type != d.type or o.evidence != d.evidence or o.anchor.i == d.anchor.i:
        return False  # another kind (a riot's toll), or split_places' copies of one trigger
    if not (o.own_place and d.own_place):
        return False  # a place shared from the other
    a, b = o.location, d.location
    # two names written in one sentence are two places, even where the gazetteer lacks both
    return a is not None and b is not None and a.text.casefold() != b.text.casefold()


def _places_differ(a: Place | None, b: Place | None) -> bool:
    """Tell two places apart, but not one name resolved twice.

    "a police station in Ikorodu" and "the Ikorodu divisional police station" may resolve to
    the town and to its district: the same name written is one place. A name the gazetteer
    lacks has the point of a place of its sentence (or none): "marched from Uhuru Park" is
    not another place than Nairobi.
    """
    if a is None or b is None or a.name == b.name:
        return False
    if a.feature is None or b.feature is None:  # a name the gazetteer lacks ("Uhuru Park")
        return _points_differ(a, b)  # lies at a place of its sentence, if any: compare those
    return not (a.text and a.text.casefold() == b.text.casefold())


def _points_differ(a: Place, b: Place) -> bool:
    """Tell two places apart by their points; one without a point may be anywhere."""
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return False
    return (round(a.lat, 3), round(a.lon, 3)) != (round(b.lat, 3), round(b.lon, 3))


def _name(record: Actor | Place | None) -> str | None:
    return record.name if record is not None else None


def _absorb(into: Draft, d: Draft) -> None:
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


def _to_events(drafts: list[Draft], *, article_key: str) -> list[Event]:
    seen: dict[tuple[int, int, str, str | None], int] = {}
    events = []
    for d in drafts:
        key = (*d.evidence, d.type, d.mode)
        seen[key] = seen.get(key, 0) + 1
        id_mode = d.mode if seen[key] == 1 else f"{d.mode}#{seen[key]}"
        events.append(_to_event(d, make_event_id(article_key, *d.evidence, d.type, id_mode)))
    return events


_UNREAL = frozenset({"negated", "hypothetical", "future"})


def _to_event(d: Draft, event_id: str) -> Event:
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
        evidence=Evidence(text=doc_text(d.segment.span.doc)[start:end], start=start, end=end),
        claimed_by=d.claimed_by,
        confidence=event_confidence(d),
    )
