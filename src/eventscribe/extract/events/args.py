"""Event arguments from the dependency parse: who acted, on whom, who claims it, and contexts.

Kept apart from ``events.py`` so that detection (what happened) and argument finding (roles,
claims, grammatical contexts) can be read and tested on their own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from eventscribe.extract.dates import DateMention, DateValue
from eventscribe.extract.events.recovering import Recovered
from eventscribe.extract.quotes import states_claim
from eventscribe.parse import doc_ents
from eventscribe.records import Actor, Place, Quote

REL_PRONOUNS = frozenset({"who", "that", "which", "whom", "whose"})
_PERSONAL = frozenset({"they", "he", "she", "we", "it", "them"})
CROWD_WORDS = frozenset(
    [
        "people",
        "protester",
        "demonstrator",
        "crowd",
        "youth",
        "student",
        "resident",
        "villager",
        "worker",
        "rioter",
        "mob",
        "man",
        "woman",
        "men",
        "women",
        "youngster",
        "activist",
        "supporter",
        "vigilante",
    ]
)
_MOB_WORDS = frozenset({"mob", "vigilante"})
_NP_DEPS = frozenset(
    {"compound", "amod", "det", "poss", "appos", "conj", "cc", "nmod", "flat", "nummod", "case"}
)
_TARGET_PREPS = frozenset({"against", "on", "at", "upon", "toward", "towards", "like", "with"})
_NOUN_TARGET_PREPS = _TARGET_PREPS | {"of", "into"}
_LIGHT_VERBS = frozenset(
    [
        "launch",
        "stage",
        "hold",
        "carry",
        "conduct",
        "mount",
        "organise",
        "organize",
        "lead",
        "join",
        "make",
        "issue",
        "express",
        "voice",
        "call",
        "impose",
        "announce",
        "sign",
        "reach",
        "begin",
        "start",
        "use",
        "fire",
    ]
)
# The subject of these verbs undergoes the noun event: "faced attack", "attracted criticism".
_EXPERIENCER_VERBS = frozenset(
    ["face", "suffer", "attract", "draw", "receive", "endure", "undergo"]
)
_REPORTING = frozenset(
    [
        "say",
        "tell",
        "claim",
        "allege",
        "report",
        "state",
        "announce",
        "add",
        "insist",
        "confirm",
        "accuse",
        "write",
    ]
)
_CONTROL_FUTURE = frozenset(
    [
        "plan",
        "intend",
        "vow",
        "prepare",
        "expect",
        "schedule",
        "set",
        "aim",
        "promise",
        "pledge",
        "threaten",
        "want",
        "decide",
    ]
)
_MODALS_HYPO = frozenset({"could", "would", "might", "may", "should"})
_HISTORICAL_MODS = frozenset({"previous", "past", "earlier", "former", "last"})
TITLE_WORDS = frozenset(
    [
        "minister",
        "secretary",
        "senator",
        "president",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "leader",
        "ambassador",
        "envoy",
        "official",
        "chief",
        "general",
        "governor",
        "mayor",
        "regime",
        "government",
        "authorities",
        "authority",
        "army",
        "military",
        "police",
        "force",
        "embassy",
        "opposition",
        "parliament",
        "ministry",
        "foreign",
        "prime",
        "counterpart",
        "delegation",
        "council",
        "resistance",
        "media",
        "court",
        "prosecutor",
        "coalition",
        "navy",
        "organization",
        "organisation",
        "party",
    ]
)


@dataclass(frozen=True, slots=True)
class ArticleIndex:
    """The other stages' records, indexed by token for the dependency rules."""

    doc: Doc
    actor_tokens: dict[int, tuple[Actor, ...]]
    places: tuple[tuple[Place, Token], ...]
    quotes: tuple[Quote, ...]
    dates: tuple[tuple[DateMention, Token], ...]
    # names the place stage did not return, for the event's place only (``recovering``)
    recovered: tuple[Recovered, ...] = ()

    @classmethod
    def build(
        cls,
        doc: Doc,
        *,
        actors: Sequence[Actor],
        places: Sequence[Place],
        quotes: Sequence[Quote],
        dates: Sequence[DateMention],
        recovered: Sequence[Recovered] = (),
    ) -> ArticleIndex:
        """Index records by the tokens their character offsets cover."""
        by_token: dict[int, list[Actor]] = {}
        for actor in actors:
            for tok in _tokens_of(doc, actor.start, actor.end):
                by_token.setdefault(tok.i, []).append(actor)
        return cls(
            doc=doc,
            actor_tokens={i: tuple(a) for i, a in by_token.items()},
            places=tuple((p, r) for p in places if (r := _root_of(doc, p.start, p.end))),
            quotes=tuple(quotes),
            dates=tuple((m, r) for m in dates if (r := _root_of(doc, m.start, m.end))),
            recovered=tuple(recovered),
        )

    def actors_on(self, tokens: Iterable[Token]) -> list[Actor]:
        """Return the actors covering any of the tokens, in text order, without repeats."""
        seen: dict[str, Actor] = {}  # one entry per canonical actor, first mention kept
        for tok in sorted(tokens, key=lambda t: t.i):
            for actor in self.actor_tokens.get(tok.i, ()):
                seen.setdefault(actor.name, actor)
        return list(seen.values())

    def actors_between(self, start: int, end: int) -> list[Actor]:
        """Return actors whose mention starts within [start, end), in text order."""
        toks = [t for t in self.doc if start <= t.idx < end]
        return [a for a in self.actors_on(toks) if start <= a.start < end]


def _tokens_of(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _root_of(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def noun_phrase(heads: Iterable[Token]) -> list[Token]:
    """Return the heads with their modifiers, conjuncts, appositions and of-complements."""
    out: dict[int, Token] = {}
    stack = list(heads)
    while stack:
        tok = stack.pop()
        if tok.i in out:
            continue
        out[tok.i] = tok
        for child in tok.children:
            if (
                child.dep_ in _NP_DEPS
                or child.dep_ == "pobj"
                or (child.dep_ == "prep" and child.lower_ == "of")
            ):
                stack.append(child)
    return sorted(out.values(), key=lambda t: t.i)


def agent_heads(anchor: Token, *, patient_subject: bool = False) -> list[Token]:
    """Return the head tokens of whoever did the event the anchor names."""
    if anchor.pos_ in ("NOUN", "PROPN"):
        return _noun_agents(anchor)
    if patient_subject and anchor.dep_ == "xcomp":
        return _verb_agents(anchor.head)
    if patient_subject and not any(c.dep_ == "dobj" for c in anchor.children):
        return []  # "three people died", "the crowd dispersed": the subject underwent it
    return _verb_agents(anchor)


def _verb_agents(verb: Token) -> list[Token]:
    tok = verb
    for _ in range(5):
        subj = [c for c in tok.children if c.dep_ in ("nsubj", "csubj")]
        if subj:  # "LAGOS, Nigeria — Angry youths set fire": the nearest subject, not the dateline
            return [_resolve_subject(subj[-1], tok)]
        agent = [g for c in tok.children if c.dep_ == "agent" for g in c.children]
        if agent or any(c.dep_ == "nsubjpass" for c in tok.children):
            return [g for g in agent if g.dep_ == "pobj"]
        if tok.dep_ == "acl" and tok.tag_ == "VBG":
            return [tok.head]
        if tok.dep_ not in ("xcomp", "conj", "pcomp", "advcl") or tok.head.i == tok.i:
            return []
        tok = tok.head
    return []


def _resolve_subject(subj: Token, verb: Token) -> Token:
    if subj.lower_ in REL_PRONOUNS and verb.dep_ == "relcl":
        return verb.head
    if subj.lower_ in _PERSONAL:
        for anc in verb.ancestors:
            for c in anc.children:
                if c.dep_ == "nsubj" and c.pos_ != "PRON":
                    return c
    return subj


def _noun_agents(noun: Token) -> list[Token]:
    by = [
        g
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ in ("between", "among")
        for g in noun_phrase(c.children)
        if g.dep_ in ("pobj", "conj")
    ]  # "clashes between protesters and police"
    by += [
        g
        for c in noun.children
        if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from")
        for g in c.children
        if g.dep_ == "pobj"
    ]
    own = [
        c
        for c in noun.children
        if (c.dep_ in ("poss", "compound") and c.pos_ == "PROPN")
        or (c.dep_ == "amod" and c.ent_type_ == "NORP")  # "a Russian airstrike"
    ]
    if by or own:
        return by + own
    verb = noun.head
    if noun.dep_ == "dobj" and verb.lemma_.lower() in _LIGHT_VERBS:
        return _verb_agents(verb)
    if noun.dep_ == "pobj" and verb.head.lemma_.lower() in {"go", "take"}:
        return _verb_agents(verb.head)  # "went on strike", "took part in protests"
    return []


def patient_heads(anchor: Token, *, patient_subject: bool = False) -> list[Token]:
    """Return the head tokens of whoever or whatever the event was done to."""
    if patient_subject:
        own = [c for c in anchor.children if c.dep_ == "nsubj"]
        return own or [c for c in anchor.head.children if c.dep_ == "dobj"]
    if anchor.pos_ in ("NOUN", "PROPN"):
        return _noun_patients(anchor)
    out = [c for c in anchor.children if c.dep_ in ("dobj", "dative", "oprd", "nsubjpass")]
    for prep in anchor.children:
        if prep.dep_ == "prep" and prep.lower_ in _TARGET_PREPS:
            out.extend(c for c in prep.children if c.dep_ == "pobj")
    return out


def _noun_patients(noun: Token) -> list[Token]:
    out = [
        g
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ in _NOUN_TARGET_PREPS
        for g in c.children
        if g.dep_ == "pobj"
    ]
    verb = noun.head
    if noun.dep_ == "dobj" and verb.lemma_.lower() in _EXPERIENCER_VERBS:
        out.extend(c for c in verb.children if c.dep_ == "nsubj")
    return out


def is_crowd(heads: Iterable[Token]) -> bool:
    """Tell whether the heads name ordinary people acting together (protesters, residents)."""
    return any(t.lemma_.lower() in CROWD_WORDS or t.lower_ in CROWD_WORDS for t in heads)


def is_mob(heads: Iterable[Token]) -> bool:
    """Tell whether the heads name a mob rather than demonstrators."""
    return any(t.lemma_.lower() in _MOB_WORDS for t in heads)


def claimant(anchor: Token, index: ArticleIndex) -> Actor | None:
    """Return who asserts the event: a quote's speaker, or the subject of a reporting verb."""
    for quote in index.quotes:
        inside = quote.start <= anchor.idx < quote.end
        if inside and quote.speaker is not None and states_claim(quote, anchor.doc):
            return quote.speaker
    for anc in anchor.ancestors:
        if anc.lemma_.lower() in _REPORTING:
            subj = [c for c in anc.children if c.dep_ == "nsubj"]
            found = index.actors_on(noun_phrase([_resolve_subject(subj[0], anc)])) if subj else []
            if found:
                return found[0]
    return None


def speaker_place(root: Token, anchor: Token) -> bool:
    """Tell "a spokesman in Goma said nine died": a place that says where the speaker sits.

    Only for an office holder's post (spokesman, official, minister): "police in Kano said"
    or "residents in Kano said" usually tell where it happened.
    """
    for verb in anchor.ancestors:
        if verb.lemma_.lower() not in _REPORTING:
            continue
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if not subjects or root not in subjects[0].subtree:
            return False
        path = [root, *root.ancestors]
        above = path[: path.index(subjects[0]) + 1]
        return any(t.lemma_.lower() in _OFFICES for t in above)
    return False


_OFFICES = frozenset(
    {
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "minister",
        "ambassador",
        "envoy",
        "diplomat",
        "secretary",
        "embassy",
    }
)


def clause_verb(anchor: Token) -> Token:
    """Return the verb whose clause holds the anchor (itself when it is a verb)."""
    tok = anchor
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    return tok


def contexts_for(
    anchor: Token, *, date: DateValue | None, published: datetime.date | None
) -> list[str]:
    """Return the grammatical contexts, in a fixed order: historical future hypothetical negated."""
    verb = clause_verb(anchor)
    out = []
    if _is_historical(anchor, date, published):
        out.append("historical")
    if _is_future(anchor, verb, date, published):
        out.append("future")
    if _is_hypothetical(verb):
        out.append("hypothetical")
    if _is_negated(anchor, verb):
        out.append("negated")
    return out


def _aux_words(*toks: Token) -> set[str]:
    return {c.lower_ for t in toks for c in t.children if c.dep_ in ("aux", "auxpass", "neg")}


def _is_negated(anchor: Token, verb: Token) -> bool:
    dets = {c.lower_ for c in anchor.children if c.dep_ == "det"}
    negs = {c.lower_ for t in (anchor, verb) for c in t.children if c.dep_ == "neg"}
    return bool(negs) or "no" in dets or _nobody_did(verb)


def _nobody_did(verb: Token) -> bool:
    """Tell "no one was killed", "nobody asked us" (a negative subject) from a real agent."""
    for subj in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
        words = {subj.lower_} | {c.lower_ for c in subj.children if c.dep_ == "det"}
        if words & {"nobody", "none", "nothing", "no"} or (
            subj.text.lower() == "one" and any(c.lower_ == "no" for c in subj.children)
        ):
            return True
    return False


def _is_future(
    anchor: Token, verb: Token, date: DateValue | None, published: datetime.date | None
) -> bool:
    if _aux_words(anchor, verb) & {"will", "'ll", "shall"}:
        return True
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in _CONTROL_FUTURE:
        return True
    mods = {c.lower_ for c in anchor.children if c.dep_ in ("amod", "compound")}
    if mods & {"planned", "upcoming", "proposed", "next", "future"}:
        return True
    return bool(date and published and date.date > published.isoformat())


def _is_hypothetical(verb: Token) -> bool:
    if _aux_words(verb) & _MODALS_HYPO:
        return True
    for tok in (verb, *verb.ancestors):
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
            return True
    return False


def _is_historical(anchor: Token, date: DateValue | None, published: datetime.date | None) -> bool:
    if anchor.dep_ == "pobj" and anchor.head.lower_ in ("like", "unlike"):
        return True
    above = {t.lemma_.lower() for t in list(anchor.ancestors)[:2]}
    near = [*anchor.children, *(g for c in anchor.children for g in c.children)]
    words = {t.lemma_.lower() for t in near}
    if "anniversary" in above or (words & _HISTORICAL_MODS and "year" in words):
        return True  # "the anniversary of the uprising", "last year's protests"
    if {c.lower_ for c in anchor.children if c.dep_ == "amod"} & _HISTORICAL_MODS:
        return True
    return bool(date and published and _period_end(date) < published - datetime.timedelta(30))


def _period_end(value: DateValue) -> datetime.date:
    day = datetime.date.fromisoformat(value.date)
    if value.precision == "week":
        return day + datetime.timedelta(6)
    if value.precision == "month":
        nxt = day.replace(day=28) + datetime.timedelta(4)
        return nxt - datetime.timedelta(nxt.day)
    if value.precision == "year":
        return day.replace(month=12, day=31)
    return day


def is_title_place(root: Token) -> bool:
    """Tell whether a place mention is part of a title or a name ("US Secretary of State")."""
    if (root.ent_type_ in ("ORG",) and root.ent_iob_ != "B") or _inside_org(root):
        return True
    head = root
    while head.dep_ in ("compound", "amod", "nmod", "poss") and head.head.i != head.i:
        head = head.head
        if head.lemma_.lower() in TITLE_WORDS or head.lower_ in TITLE_WORDS:
            return True
    return False


def _inside_org(root: Token) -> bool:
    for ent in doc_ents(root.doc):
        if ent.start <= root.i < ent.end and ent.label_ == "ORG" and len(ent) > 1:
            return True
    return False
