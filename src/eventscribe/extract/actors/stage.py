"""Actor mentions coded with country (ISO alpha-3, IGO, NGO) and PLOVER sector.

Four sources of mentions, in priority order when they overlap:

1. PERSON entities, coded from the title written before them ("US Secretary of State
   Mike Pompeo") or in an appositive after them ("Stef Blok, the Dutch foreign minister").
2. Dictionary names (countries, IGOs, NGOs, parties, movements, armed groups), longest match.
3. ORG entities the dictionary does not know, coded from the words inside them.
4. Generic actors ("security forces", "the Iranian people", "the regime"), coded by role, with
   the country from a demonym before them, "of <country>" after them, or the article's country.

Mentions of one actor share its canonical name and code: later bare surnames ("Pompeo"),
acronyms ("NCRI") and appositives ("the Iranian Resistance coalition, the NCRI") are merged.

The dictionary is in actor_dictionary, the finders in actor_people, actor_names and
actor_roles; this module finds, ranks and merges the mentions.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from eventscribe.extract.actors.dictionary import (
    COUNTRY_HEADER,
    NAMED_HEADER,
    ROLE_HEADER,
    SPEAKS_FOR,
    ActorDictionary,
    NamedActor,
    Role,
    load_actor_dictionary,
)
from eventscribe.extract.actors.names import (
    Mention,
    defined_acronyms,
    in_dateline,
    named_mentions,
    org_entity_mentions,
    tokens_at,
)
from eventscribe.extract.actors.people import person_mentions
from eventscribe.extract.actors.roles import group_mentions, post_mentions
from eventscribe.extract.occurrences import occurrences
from eventscribe.parse import doc_text
from eventscribe.records import Actor

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "COUNTRY_HEADER",
    "NAMED_HEADER",
    "ROLE_HEADER",
    "ActorDictionary",
    "NamedActor",
    "Role",
    "find_actors",
    "load_actor_dictionary",
]


def find_actors(
    doc: Doc, *, dictionary: ActorDictionary, country_hint: str | None = None
) -> list[Actor]:
    """Return every actor mention in text order, coded and merged within the article."""
    named = named_mentions(doc, dictionary)
    persons = [
        p
        for p in person_mentions(doc, dictionary, country_hint=country_hint)
        if not _inside_name(p, named)
    ]
    orgs = org_entity_mentions(doc, dictionary) + defined_acronyms(doc)
    groups = group_mentions(doc, dictionary, country_hint=country_hint)
    groups += post_mentions(doc, dictionary)
    kept = _drop_overlaps([*persons, *named, *orgs, *groups])
    kept.extend(_surname_mentions(doc, kept))
    kept.extend(_acronym_mentions(doc, kept))
    kept.extend(_appositive_mentions(doc, kept))
    kept = _drop_overlaps(kept)
    actors = [m.actor for m in sorted(kept, key=lambda m: m.actor.start)]
    return _merge_aliases(_code_titles_by_organisation(actors))


def _inside_name(person: Mention, named: list[Mention]) -> bool:
    """Return True for "Without Borders" inside "Doctors Without Borders"."""
    start, end = person.actor.start, person.actor.end
    return any(
        m.actor.kind != "person"
        and m.actor.start <= start
        and end <= m.actor.end
        and m.actor.end - m.actor.start > end - start
        for m in named
    )


def _drop_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the best mention wherever mentions overlap (rank first, then the longer one)."""
    kept: list[Mention] = []
    taken: list[tuple[int, int]] = []  # sorted, disjoint (start, end) of kept mentions
    for mention in sorted(mentions, key=lambda m: (m.rank, m.block_start - m.actor.end)):
        start, end = mention.block_start, mention.actor.end
        at = bisect.bisect_left(taken, (start, end))
        left_free = at == 0 or taken[at - 1][1] <= start
        right_free = at == len(taken) or end <= taken[at][0]
        if left_free and right_free and end > start:
            taken.insert(at, (start, end))
            kept.append(mention)
    return kept


# --- merging mentions of one actor -------------------------------------------------------------


def _surname_mentions(doc: Doc, kept: list[Mention]) -> list[Mention]:
    """Find later bare surnames ("Pompeo") of people named in full earlier."""
    people: dict[str, Actor] = {}
    for mention in sorted(kept, key=lambda m: m.actor.start):
        actor = mention.actor
        unnamed = actor.title == actor.text  # "the French foreign minister" has no surname
        if actor.kind == "person" and " " in actor.name and not unnamed:
            people.setdefault(actor.name.split()[-1], actor)
    found = []
    for surname, actor in people.items():
        for start, end in occurrences(doc_text(doc), surname, edge=_WORD):
            if start > actor.end:
                coded = replace(actor, text=surname, start=start, end=end, aliases=[])
                found.append(Mention(coded, -1, start))
    return found


_WORD = re.compile(r"\w")


def _acronym_mentions(doc: Doc, kept: list[Mention]) -> list[Mention]:
    """Register "Full Name (FN)" acronyms of organisations and find their later uses."""
    found = []
    # "NLC president Joe Ajaero": the acronym is part of the person's title, as "US" is in
    # "US Secretary of State Mike Pompeo", so it must not take the person's place.
    titles = [(m.block_start, m.actor.start) for m in kept if m.actor.kind == "person"]
    for mention in kept:
        actor = mention.actor
        if actor.kind not in ("organization", "igo"):
            continue
        paren = re.match(
            r"\s*\(([A-Z][A-Z0-9/&-]{1,9})\)", doc_text(doc)[actor.end : actor.end + 14]
        )
        if paren is None:
            continue
        for part in paren.group(1).split("/"):
            for match in re.finditer(r"(?<!\w)" + re.escape(part) + r"(?!\w)", doc_text(doc)):
                if any(start <= match.start() < end for start, end in titles):
                    continue
                coded = replace(actor, text=part, start=match.start(), end=match.end(), aliases=[])
                found.append(Mention(coded, -1, match.start()))
    return found


def _appositive_mentions(doc: Doc, kept: list[Mention]) -> list[Mention]:
    """Code "the Iranian Resistance coalition" in "the Iranian Resistance coalition, the NCRI"."""
    found = []
    for mention in kept:
        actor = mention.actor
        span = tokens_at(doc, actor.start, actor.end)
        if actor.kind not in ("organization", "igo") or span is None:
            continue
        root = span.root
        partners = [root.head] if root.dep_ == "appos" else []
        partners += [c for c in root.children if c.dep_ == "appos"]
        for partner in partners:
            phrase = _named_phrase(partner)
            if phrase is None or in_dateline(doc, phrase):  # "LAGOS, Nigeria (Reuters) -"
                continue
            if not any(
                m.block_start < phrase.end_char and phrase.start_char < m.actor.end for m in kept
            ):
                coded = replace(
                    actor, text=phrase.text, start=phrase.start_char, end=phrase.end_char
                )
                found.append(Mention(coded, 2, phrase.start_char))
    return found


def _named_phrase(head: Token) -> Span | None:
    """Return a noun phrase such as "Iranian Resistance coalition" (capitalised, no verb)."""
    if head.pos_ not in ("NOUN", "PROPN"):
        return None
    start = head.left_edge.i
    while start < head.i and head.doc[start].dep_ in ("det", "punct"):
        start += 1
    phrase = head.doc[start : head.i + 1]
    if any(t.pos_ in ("VERB", "AUX", "PUNCT") for t in phrase) or not any(
        t.text[:1].isupper() for t in phrase
    ):
        return None
    return phrase


def _code_titles_by_organisation(actors: list[Actor]) -> list[Actor]:
    """Code "NLC president Joe Ajaero" from the organisation his title names (the NLC)."""
    bodies = {a.text: a for a in actors if a.kind == "organization" and a.sector}
    recoded: dict[str, Actor] = {}
    for person in (a for a in actors if a.kind == "person" and a.title):
        body = next((b for t, b in bodies.items() if _names_in(t, person.title or "")), None)
        if body is not None and person.name not in recoded and _speaks_for(person):
            country = body.country if body.country not in (None, "NGO", "IGO") else None
            recoded[person.name] = replace(
                person, country=country or person.country, sector=body.sector
            )
    return [
        replace(a, country=recoded[a.name].country, sector=recoded[a.name].sector)
        if a.kind == "person" and a.name in recoded
        else a
        for a in actors
    ]


def _names_in(surface: str, title: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", title) is not None


def _speaks_for(person: Actor) -> bool:
    """Tell a title whose post speaks for its body ("NLC president") from its own post."""
    words = (person.title or "").lower()
    return person.sector in (None, "GOV") and any(_names_in(w, words) for w in SPEAKS_FOR)


def _merge_aliases(actors: list[Actor]) -> list[Actor]:
    """Give every mention of one canonical actor the other surface forms used in the article."""
    forms: dict[str, list[str]] = {}
    for actor in actors:
        surface = re.sub(r"^(?:the|The)\s+", "", " ".join(actor.text.split()))
        seen = forms.setdefault(actor.name, [])
        known = {_fold(form) for form in (actor.name, *seen)}
        if _fold(surface) not in known:
            seen.append(surface)
    return [replace(actor, aliases=list(forms[actor.name])) for actor in actors]


def _fold(surface: str) -> str:
    return surface.lower().replace("’", "'")
