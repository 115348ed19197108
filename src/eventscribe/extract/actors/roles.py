"""Generic actors coded by role ("security forces", "the regime", "the French foreign minister").

The country comes from a demonym before the role, "of <country>" after it, or the article's
country.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from eventscribe.extract.actors.dictionary import ActorDictionary, Role, code_title, surface_key
from eventscribe.extract.actors.names import Mention, tokens_at
from eventscribe.parse import doc_text
from eventscribe.records import Actor

if TYPE_CHECKING:
    from spacy.tokens import Doc


def group_mentions(
    doc: Doc, dictionary: ActorDictionary, *, country_hint: str | None
) -> list[Mention]:
    """Find generic actors ("security forces", "the regime"), each coded by its role."""
    mentions = []
    for match in dictionary.role_matches(doc_text(doc)):
        role = dictionary.role(match.group())
        if role.use != "group" or not _is_head_noun(doc, match.start(), match.end()):
            continue
        start, country = _modifier_before(doc_text(doc), match.start(), dictionary)
        end, of_country = _of_country_after(doc_text(doc), match.end(), dictionary)
        country = country or of_country or country_hint
        actor = Actor(
            name=_group_name(role, country, dictionary),
            text=doc_text(doc)[start:end],
            start=start,
            end=end,
            kind=role.kind,
            country=country,
            sector=role.sector,
        )
        mentions.append(Mention(actor, 3, start))
    return mentions


def post_mentions(doc: Doc, dictionary: ActorDictionary) -> list[Mention]:
    """Find unnamed office holders of a country ("the French foreign minister").

    Only with a country before the title: a bare "the minister" stands for somebody named
    earlier, which the quotes stage resolves. A name after the title makes it a person's title.
    """
    mentions = []
    text = doc_text(doc)
    for match in dictionary.role_matches(text):
        role = dictionary.role(match.group())
        if role.use != "title" or not _is_head_noun(doc, match.start(), match.end()):
            continue
        start, country = _modifier_before(text, match.start(), dictionary)
        if country is None:
            continue
        _, sector = code_title(text[start : match.end()], dictionary)
        actor = Actor(
            name=f"{dictionary.demonyms.get(country, country)} {role.phrase}",
            text=text[start : match.end()],
            start=start,
            end=match.end(),
            kind="person",
            country=country,
            sector=sector,
            title=text[start : match.end()],
        )
        mentions.append(Mention(actor, 3, start))
    return mentions


def _is_head_noun(doc: Doc, start: int, end: int) -> bool:
    """Reject role words used as modifiers ("police stations") or as verbs and adjectives."""
    span = tokens_at(doc, start, end)
    if span is None:
        return False
    last = span[-1]
    if doc.has_annotation("TAG") and last.pos_ not in ("NOUN", "PROPN"):
        return False
    if last.dep_ == "compound" and last.head.i > last.i:
        return False
    if last.ent_type_ == "PERSON":
        return False
    # A modifier the tagger calls PERSON does not make "Riot police" a name.
    return not any(t.ent_type_ in ("GPE", "LOC", "FAC") for t in span)


def _modifier_before(text: str, start: int, dictionary: ActorDictionary) -> tuple[int, str | None]:
    """Return the new start and country of a demonym or country just before a role word."""
    window = text[max(0, start - 60) : start]
    best: tuple[int, str | None] = (start, None)
    for match in dictionary.modifier_pattern().finditer(window):
        gap = window[match.end() :]
        if re.fullmatch(r"(?:['’]s)?\s", gap):
            alpha3 = dictionary.modifiers[surface_key(match.group(), dictionary.modifiers)]
            best = (start - len(window) + match.start(), alpha3)
    return best


def _of_country_after(text: str, end: int, dictionary: ActorDictionary) -> tuple[int, str | None]:
    of = re.match(r"\s+(?:of|in)\s+(?:the\s+)?", text[end : end + 12])
    if of is None:
        return end, None
    match = dictionary.modifier_pattern().match(text, end + of.end())
    if match is None:
        place = re.match(r"[A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+)*", text[end + of.end() :])
        # "the people of Kazerun": keep the place in the mention, the country stays the hint
        return (end + of.end() + place.end(), None) if place and "of" in of.group() else (end, None)
    alpha3 = dictionary.modifiers[surface_key(match.group(), dictionary.modifiers)]
    return match.end(), alpha3


def _group_name(role: Role, country: str | None, dictionary: ActorDictionary) -> str:
    if country is None:
        return role.canonical
    return f"{dictionary.demonyms.get(country, country)} {role.canonical}"
