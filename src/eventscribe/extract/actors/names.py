"""Mentions of dictionary names (countries, IGOs, NGOs, parties, groups) and of ORG entities.

Also holds the Mention record every actor finder returns and the span helpers they share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventscribe.extract.actors.dictionary import (
    ActorDictionary,
    NamedActor,
    is_generic,
    surface_key,
)
from eventscribe.extract.datelines import dateline_end
from eventscribe.parse import doc_ents, doc_text
from eventscribe.records import Actor

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


# An organisation name followed by one of these is still that organisation ("Hamas movement").
_ORG_TAILS = ("coalition", "movement", "group", "party", "organization", "organisation", "militia")
ORG_WORDS = frozenset(
    [
        "party",
        "union",
        "council",
        "ministry",
        "forces",
        "front",
        "army",
        "group",
        "organization",
        "organisation",
        "association",
        "committee",
        "movement",
        "company",
        "bank",
        "agency",
        "court",
        "police",
        "coalition",
        "alliance",
        "network",
        "league",
        "federation",
        "institute",
        "university",
        "school",
        "brigade",
        "brigades",
        "corps",
        "guard",
        "guards",
    ]
)
_LOCATIVE = frozenset(
    [
        "in",
        "at",
        "across",
        "throughout",
        "inside",
        "within",
        "into",
        "near",
        "around",
        "from",
        "to",
        "toward",
        "towards",
        "over",
        "of",
    ]
)


@dataclass(slots=True)
class Mention:
    """One coded actor mention, with its rank for overlaps and where its block starts."""

    actor: Actor
    rank: int  # lower wins an overlap
    block_start: int  # the title before a person also belongs to the mention


SETTING_PREPOSITIONS = frozenset({"in", "near", "outside", "across", "throughout", "around"})


def tokens_at(doc: Doc, start: int, end: int) -> Span | None:
    """Return the tokens covering characters start..end (expanded to whole tokens), or None."""
    return doc.char_span(start, end, alignment_mode="expand")


# "NAIROBI (Reuters) - ", "KHARTOUM, June 3 (AP) — ", "LAGOS, Nigeria (Reuters) - ",
# "BAGHDAD, 16 July 2025 — "
def in_dateline(doc: Doc, span: Span) -> bool:
    """Return True inside "NAIROBI (Reuters) - ", which names the desk, not an actor."""
    end = dateline_end(doc_text(doc), span.start_char)
    return end is not None and span.end_char <= end


# --- dictionary names -------------------------------------------------------------------------


def named_mentions(doc: Doc, dictionary: ActorDictionary) -> list[Mention]:
    """Find dictionary names (longest match) and capitals used for their state ("Tehran said")."""
    mentions = []
    text = doc_text(doc)
    for match in dictionary.named_pattern().finditer(text):
        entry = dictionary.named[surface_key(match.group(), dictionary.named)]
        start, end = match.start(), _extend_org_tail(text, match.end(), entry)
        end = _extend_branch(text, end, entry, dictionary)
        span = tokens_at(doc, start, end)
        if span is not None and in_dateline(doc, span):
            continue  # "LAGOS, Nigeria (Reuters) -" names the desk and its agency
        if entry.kind == "state" and not _is_state_actor(doc, start, end, dictionary):
            continue
        actor = _actor_from_entry(entry, text[start:end], start, end)
        mentions.append(Mention(actor, 1, start))
    for match in re.finditer(r"(?<!\w)[A-Z][\w.]+(?!\w)", text):
        alpha3 = dictionary.capitals.get(match.group(), "")
        if alpha3 in dictionary.states and _is_metonym(doc, match.start(), match.end()):
            actor = _actor_from_entry(dictionary.states[alpha3], match.group(), *match.span())
            mentions.append(Mention(actor, 1, match.start()))
    return mentions


def _extend_org_tail(text: str, end: int, entry: NamedActor) -> int:
    if entry.kind == "state":
        return end
    tail = re.match(r"\s+(" + "|".join(_ORG_TAILS) + r")\b", text[end : end + 20])
    return end + tail.end() if tail else end


def _extend_branch(text: str, end: int, entry: NamedActor, dictionary: ActorDictionary) -> int:
    """Take in the country of a national branch: "Amnesty International Kenya" is Amnesty."""
    if entry.country not in ("NGO", "IGO") or not text.startswith(" ", end):
        return end
    match = dictionary.named_pattern().match(text, end + 1)
    if match is None or re.match(r"\w", text[match.end() : match.end() + 1]):
        return end
    country = dictionary.named[surface_key(match.group(), dictionary.named)]
    return match.end() if country.kind == "state" else end


def _actor_from_entry(entry: NamedActor, text: str, start: int, end: int) -> Actor:
    return Actor(
        name=entry.name,
        text=text,
        start=start,
        end=end,
        kind=entry.kind,
        country=entry.country,
        sector=entry.sector,
    )


def _is_state_actor(doc: Doc, start: int, end: int, dictionary: ActorDictionary) -> bool:
    """Return False for a country named as a place ("in Iran") or as a modifier ("US forces")."""
    span = tokens_at(doc, start, end)
    if span is None or any(t.ent_type_ == "PERSON" for t in span):
        return False
    after = doc_text(doc)[end : end + 30]
    if after.startswith("-") or re.match(r"['’]s\b", after):
        return after.startswith(("'s", "’s")) and not _role_follows(after[2:], dictionary)
    if _role_follows(after, dictionary):
        return False
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    if before == "," and _qualifies_place(doc[span.start - 2], dictionary):
        return False  # "Atlanta, Georgia", "LAGOS, Nigeria": the region of a place
    return before not in _LOCATIVE and span.root.dep_ != "compound"


def _qualifies_place(token: Token, dictionary: ActorDictionary) -> bool:
    """Tell a town before "<town>, <country>" from a list of countries ("Iran, Iraq")."""
    named_place = token.ent_type_ in ("GPE", "LOC") or (
        token.pos_ == "PROPN" and token.ent_type_ not in ("PERSON", "ORG", "NORP")
    )
    return named_place and _surface_or_none(token.text, dictionary) is None


def _surface_or_none(text: str, dictionary: ActorDictionary) -> str | None:
    try:
        return surface_key(text, dictionary.named)
    except KeyError:
        return None


def _role_follows(after: str, dictionary: ActorDictionary) -> bool:
    match = dictionary.role_pattern().match(after.lstrip())
    return match is not None and len(after) - len(after.lstrip()) <= 1


def _is_metonym(doc: Doc, start: int, end: int) -> bool:
    span = tokens_at(doc, start, end)
    if span is None or any(t.ent_type_ == "PERSON" for t in span):
        return False
    return span.root.dep_ in ("nsubj", "nsubjpass", "poss") or doc_text(doc)[end:].startswith(
        ("'s", "’s")
    )


# --- ORG entities -----------------------------------------------------------------------------


def org_entity_mentions(doc: Doc, dictionary: ActorDictionary) -> list[Mention]:
    """Find ORG entities, coded from the words inside them."""
    mentions = []
    places: set[int] = set()  # ends of ORG entities read as places
    for ent in doc_ents(doc):
        if ent.label_ != "ORG" or len(ent.text) < 2:
            continue
        span = ent[1:] if ent[0].lower_ == "the" and len(ent) > 1 else ent
        if is_generic(span.text, dictionary) or in_dateline(doc, span):
            continue  # "the Regime" is a role, coded by group_mentions
        if _mislabelled_place(span, places):
            places.add(span.end)
            continue
        country, sector = _code_org_name(span.text, dictionary)
        actor = Actor(
            name=" ".join(span.text.split()),
            text=span.text,
            start=span.start_char,
            end=span.end_char,
            kind="organization",
            country=country,
            sector=sector,
        )
        mentions.append(Mention(actor, 1, span.start_char))  # same rank as names: longer wins
    return mentions


def _mislabelled_place(span: Span, places: set[int]) -> bool:
    """Tell "in Culiacán, Sinaloa" (tagged ORG) from an organisation: no organisation word,
    after a setting preposition or after such a place and a comma."""
    if any(t.lower_ in ORG_WORDS or t.text.isupper() for t in span) or span.start < 1:
        return False
    before = span.doc[span.start - 1]
    if before.lower_ in SETTING_PREPOSITIONS:
        return True
    if before.text != "," or span.start < 2:
        return False
    previous = span.doc[span.start - 2]
    return span.start - 1 in places or previous.ent_type_ in ("GPE", "LOC")


def _code_org_name(name: str, dictionary: ActorDictionary) -> tuple[str | None, str | None]:
    """Return (country, sector) of an unknown organisation from its words ("Interior Ministry")."""
    modifier = dictionary.modifier_pattern().search(name)
    country = (
        dictionary.modifiers[surface_key(modifier.group(), dictionary.modifiers)]
        if modifier
        else None
    )
    roles = [dictionary.role(m.group()) for m in dictionary.role_pattern().finditer(name)]
    groups = [role for role in roles if role.use == "group"]
    return country, groups[-1].sector if groups else None


_DEFINITION = re.compile(
    r"((?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|the|in|de|du|des|la|al|el)\s+)*)+[A-Z][\w'’-]*)"
    r"\s*\(([A-Z][A-Za-z]{1,7})\)"
)


def defined_acronyms(doc: Doc) -> list[Mention]:
    """Find "Movement for Justice and Progress (MJP)" when the tagger missed the long name."""
    mentions = []
    for match in _DEFINITION.finditer(doc_text(doc)):
        words = list(re.finditer(r"\S+", match.group(1)))
        while words and (
            words[0].group() in ("The", "the") or not _initials_fit(words, match.group(2))
        ):
            words.pop(0)
        if not words:
            continue
        start = match.start(1) + words[0].start()
        text = doc_text(doc)[start : match.end(1)]
        actor = Actor(
            name=" ".join(text.split()),
            text=text,
            start=start,
            end=match.end(1),
            kind="organization",
        )
        mentions.append(Mention(actor, 2, start))
    return mentions


def _initials_fit(words: list[re.Match[str]], acronym: str) -> bool:
    initials = "".join(w.group()[0] for w in words if w.group()[0].isupper())
    return len(words) > 1 and initials.upper() == acronym.upper()
