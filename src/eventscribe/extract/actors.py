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
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from eventscribe.errors import ModelError
from eventscribe.extract.datelines import dateline_end
from eventscribe.parse import doc_text
from eventscribe.records import Actor, ActorKind

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

COUNTRY_HEADER = ("name", "alpha3", "aliases", "demonyms", "capitals")
NAMED_HEADER = ("name", "kind", "country", "sector", "aliases")
ROLE_HEADER = ("phrase", "use", "sector", "kind", "canonical")
_KINDS = frozenset({"person", "organization", "group", "state", "igo"})
# Words that may sit inside a title before a name without being a role themselves.
_TITLE_FILLERS = frozenset(
    [
        "former",
        "acting",
        "deputy",
        "chief",
        "senior",
        "top",
        "exiled",
        "interim",
        "then",
        "foreign",
        "interior",
        "defence",
        "defense",
        "finance",
        "justice",
        "leader",
        "head",
        "of",
        "the",
        "-",
    ]
)
_HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame"})
# An organisation name followed by one of these is still that organisation ("Hamas movement").
_ORG_TAILS = ("coalition", "movement", "group", "party", "organization", "organisation", "militia")
_ORG_WORDS = frozenset(
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


@dataclass(frozen=True, slots=True)
class NamedActor:
    """A dictionary actor with a proper name: a country, IGO, NGO, party, movement or group."""

    name: str
    kind: ActorKind
    country: str | None
    sector: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Role:
    """A role word: a title before a person's name, or a generic actor ("riot police")."""

    phrase: str
    use: Literal["title", "group"]
    sector: str | None
    kind: ActorKind
    canonical: str


@dataclass(slots=True)
class ActorDictionary:
    """Names, country words and role words, with the matchers built from them."""

    named: dict[str, NamedActor] = field(default_factory=dict)  # surface form -> actor
    roles: dict[str, Role] = field(default_factory=dict)  # lower-case phrase -> role
    modifiers: dict[str, str] = field(default_factory=dict)  # "Iranian", "US" -> alpha-3
    capitals: dict[str, str] = field(default_factory=dict)  # "Tehran" -> alpha-3
    demonyms: dict[str, str] = field(default_factory=dict)  # alpha-3 -> "Iranian"
    states: dict[str, NamedActor] = field(default_factory=dict)  # alpha-3 -> the country
    _named_re: re.Pattern[str] | None = field(default=None, repr=False)
    _role_re: re.Pattern[str] | None = field(default=None, repr=False)
    _modifier_re: re.Pattern[str] | None = field(default=None, repr=False)

    def named_pattern(self) -> re.Pattern[str]:
        """Return the regex matching every name and alias (case-sensitive, first letter free)."""
        if self._named_re is None:
            self._named_re = _alternation(self.named, case_free_first=True)
        return self._named_re

    def role_pattern(self) -> re.Pattern[str]:
        """Return the case-insensitive regex matching every role phrase."""
        if self._role_re is None:
            self._role_re = _alternation(self.roles, ignore_case=True)
        return self._role_re

    def modifier_pattern(self) -> re.Pattern[str]:
        """Return the regex matching country words (names, aliases, demonyms)."""
        if self._modifier_re is None:
            self._modifier_re = _alternation(self.modifiers, case_free_first=True)
        return self._modifier_re

    def country_name(self, alpha3: str) -> str | None:
        """Return the canonical name of a country code, or None."""
        actor = self.states.get(alpha3)
        return actor.name if actor is not None else None


def _surface_regex(surface: str, *, case_free_first: bool) -> str:
    body = re.sub(r"\\?['’]", "['’]", re.escape(surface)).replace(r"\ ", r"\s+")
    first = surface[0]
    if case_free_first and first.isalpha() and not surface.isupper():
        body = f"[{first.upper()}{first.lower()}]" + body[len(re.escape(first)) :]
    return body


def _alternation(
    surfaces: Iterable[str], *, case_free_first: bool = False, ignore_case: bool = False
) -> re.Pattern[str]:
    # Longest first: Python's alternation takes the first alternative that matches.
    ordered = sorted(set(surfaces), key=lambda s: (-len(s), s))
    parts = [_surface_regex(s, case_free_first=case_free_first) for s in ordered]
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(r"(?<![\w])(?:" + "|".join(parts or ["(?!)"]) + r")(?![\w])", flags)


def load_actor_dictionary(paths: Sequence[Path] = ()) -> ActorDictionary:
    """Load the packaged actor TSVs, then the user's TSVs (later rows win)."""
    dictionary = ActorDictionary()
    folder = resources.files("eventscribe") / "resources" / "actors"
    for name in ("countries.tsv", "organizations.tsv", "roles.tsv"):
        _read_table(dictionary, (folder / name).read_text(encoding="utf-8"), source=name)
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"cannot read actor dictionary {path}: {exc}; check the path") from exc
        _read_table(dictionary, text, source=str(path))
    return dictionary


def _read_table(dictionary: ActorDictionary, text: str, *, source: str) -> None:
    rows = [r for r in csv.reader(text.splitlines(), delimiter="\t") if r and r[0].strip()]
    rows = [r for r in rows if not r[0].startswith("#")]
    if not rows:
        return
    header = tuple(c.strip() for c in rows[0])
    readers: dict[tuple[str, ...], Callable[[ActorDictionary, list[str]], None]] = {
        COUNTRY_HEADER: _add_country,
        NAMED_HEADER: _add_named,
        ROLE_HEADER: _add_role,
    }
    reader = readers.get(header)
    if reader is None:
        raise ModelError(
            f"actor dictionary {source} has header {header!r}; use one of "
            f"{COUNTRY_HEADER}, {NAMED_HEADER}, {ROLE_HEADER} (see resources/actors/README.md)"
        )
    for number, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        try:
            reader(dictionary, cells)
        except ValueError as exc:
            raise ModelError(f"actor dictionary {source}, line {number}: {exc}") from exc


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _add_country(dictionary: ActorDictionary, cells: list[str]) -> None:
    name, alpha3, aliases, demonyms, capitals = cells[:5]
    actor = NamedActor(name, "state", alpha3, "GOV", tuple(_split(aliases)))
    dictionary.states[alpha3] = actor
    for surface in (name, *actor.aliases):
        dictionary.named[surface] = actor
        dictionary.modifiers[surface] = alpha3
    for demonym in _split(demonyms):
        dictionary.modifiers[demonym] = alpha3
        dictionary.demonyms.setdefault(alpha3, demonym)
    for capital in _split(capitals):
        dictionary.capitals[capital] = alpha3


def _add_named(dictionary: ActorDictionary, cells: list[str]) -> None:
    name, kind, country, sector, aliases = cells[:5]
    if kind not in _KINDS:
        raise ValueError(f"kind {kind!r} is not one of {sorted(_KINDS)}")
    actor = NamedActor(name, kind, country or None, sector or None, tuple(_split(aliases)))  # type: ignore[arg-type]
    for surface in (name, *actor.aliases):
        dictionary.named[surface] = actor


def _add_role(dictionary: ActorDictionary, cells: list[str]) -> None:
    phrase, use, sector, kind, canonical = cells[:5]
    if use not in ("title", "group") or kind not in _KINDS:
        raise ValueError(f"use must be title or group and kind one of {sorted(_KINDS)}")
    role = Role(phrase.lower(), use, sector or None, kind, canonical or phrase.lower())  # type: ignore[arg-type]
    dictionary.roles[role.phrase] = role


# --- finding mentions -------------------------------------------------------------------------


@dataclass(slots=True)
class _Mention:
    actor: Actor
    rank: int  # lower wins an overlap
    block_start: int  # the title before a person also belongs to the mention


def find_actors(
    doc: Doc, *, dictionary: ActorDictionary, country_hint: str | None = None
) -> list[Actor]:
    """Return every actor mention in text order, coded and merged within the article."""
    named = _named_mentions(doc, dictionary)
    persons = [
        p
        for p in _person_mentions(doc, dictionary, country_hint=country_hint)
        if not _inside_name(p, named)
    ]
    orgs = _org_entity_mentions(doc, dictionary) + _defined_acronyms(doc)
    groups = _group_mentions(doc, dictionary, country_hint=country_hint)
    groups += _post_mentions(doc, dictionary)
    kept = _drop_overlaps([*persons, *named, *orgs, *groups])
    kept.extend(_surname_mentions(doc, kept))
    kept.extend(_acronym_mentions(doc, kept))
    kept.extend(_appositive_mentions(doc, kept))
    kept = _drop_overlaps(kept)
    actors = [m.actor for m in sorted(kept, key=lambda m: m.actor.start)]
    return _merge_aliases(_code_titles_by_organisation(actors))


def _inside_name(person: _Mention, named: list[_Mention]) -> bool:
    """Return True for "Without Borders" inside "Doctors Without Borders"."""
    start, end = person.actor.start, person.actor.end
    return any(
        m.actor.kind != "person"
        and m.actor.start <= start
        and end <= m.actor.end
        and m.actor.end - m.actor.start > end - start
        for m in named
    )


def _drop_overlaps(mentions: list[_Mention]) -> list[_Mention]:
    """Keep the best mention wherever mentions overlap (rank first, then the longer one)."""
    kept: list[_Mention] = []
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


# --- people -----------------------------------------------------------------------------------


def _person_mentions(
    doc: Doc, dictionary: ActorDictionary, *, country_hint: str | None
) -> list[_Mention]:
    mentions = []
    for span, tagged in _person_candidates(doc, dictionary):
        title_span = (
            _title_before(span, dictionary)
            or _title_after(span, dictionary)
            or _title_in_apposition(span, dictionary)
        )
        if not tagged and title_span is None:
            continue  # a name the tagger called ORG is a person only next to a title
        actor = _code_person(span, title_span, dictionary, country_hint=country_hint)
        block = title_span.start_char if title_span is not None else span.start_char
        mentions.append(_Mention(actor, 0, min(block, span.start_char)))
    return mentions


def _person_candidates(doc: Doc, dictionary: ActorDictionary) -> list[tuple[Span, bool]]:
    """Return possible person names, each with whether the tagger called it PERSON."""
    title_words = {r.phrase for r in _title_roles(dictionary) if " " not in r.phrase}
    found = []
    for ent in doc.ents:
        span = _strip_person(ent, title_words | _HONORIFICS)
        if span is not None and _may_be_person(ent, span, dictionary):
            found.append((span, ent.label_ == "PERSON"))
    found += [(span, False) for span in _names_after_titles(doc, dictionary, title_words)]
    return found


_NOT_NAMES = frozenset({"DATE", "TIME", "GPE", "LOC", "NORP", "CARDINAL", "ORDINAL", "FAC"})


def _names_after_titles(doc: Doc, dictionary: ActorDictionary, title_words: set[str]) -> list[Span]:
    """Find "chairperson Roseline Odede" when the tagger did not see a PERSON."""
    names = []
    for match in dictionary.role_pattern().finditer(doc_text(doc)):
        if dictionary.roles[match.group().lower()].use != "title":
            continue
        title = _tokens_at(doc, match.start(), match.end())
        if title is None:
            continue
        end = title.end
        while (
            end < len(doc) and end - title.end < 3 and _name_word(doc[end], dictionary, title_words)
        ):
            end += 1
        count = end - title.end
        if count >= 2 or (count == 1 and doc[title.end].pos_ == "PROPN"):
            names.append(doc[title.end : end])
    return names


def _name_word(token: Token, dictionary: ActorDictionary, title_words: set[str]) -> bool:
    word = token.text
    if not word[:1].isupper() or not word.replace("-", "").replace("'", "").isalpha():
        return False
    if token.ent_type_ in _NOT_NAMES or word in dictionary.modifiers or word in dictionary.named:
        return False
    return word.lower() not in title_words and word.lower() not in _TITLE_FILLERS


def _may_be_person(ent: Span, span: Span, dictionary: ActorDictionary) -> bool:
    known = dictionary.named.get(span.text)
    if known is not None:
        return known.kind == "person"
    if ent.label_ == "PERSON":  # not "Riot" in "Riot police", nor "Kyiv" in "in Kyiv"
        return not _modifies_group_word(span, dictionary) and not _one_word_setting(span)
    words = [t for t in span if not t.is_punct]
    if ent.label_ not in ("ORG", "GPE", "NORP") or not 2 <= len(words) <= 3:
        return False
    if any(t.lower_ in _ORG_WORDS or not t.text[:1].isupper() for t in words):
        return False
    return not _is_generic(span.text, dictionary)


def _one_word_setting(span: Span) -> bool:
    return (
        len(span) == 1
        and span.start > 0
        and span.doc[span.start - 1].lower_ in (_SETTING_PREPOSITIONS)
    )


def _modifies_group_word(span: Span, dictionary: ActorDictionary) -> bool:
    """Tell a capitalised modifier the tagger calls PERSON ("Riot police") from a name."""
    token = span[-1]
    role = dictionary.roles.get(token.head.lower_)
    return len(span) == 1 and token.dep_ == "compound" and role is not None and role.use == "group"


def _title_in_apposition(span: Span, dictionary: ActorDictionary) -> Span | None:
    """Return "opposition leader" in "The opposition leader, Nika Melia, said"."""
    root = span.root
    head = root.head
    if root.dep_ != "appos" or head.i >= span.start or head.pos_ != "NOUN":
        return None
    start = head.left_edge.i
    while start < head.i and head.doc[start].dep_ in ("det", "punct"):
        start += 1
    title = head.doc[start : head.i + 1]
    if _has_title_role(title.text, dictionary) or head.lower_ in ("leader", "head", "chief"):
        return title
    return None


def _strip_person(ent: Span, title_words: set[str]) -> Span | None:
    start, end = ent.start, ent.end
    while start < end - 1 and ent.doc[start].lower_ in title_words:
        start += 1
    while end > start and ent.doc[end - 1].lower_ in ("'s", "’s", "'", "’"):
        end -= 1
    return ent.doc[start:end] if end > start else None


def _title_before(span: Span, dictionary: ActorDictionary) -> Span | None:
    doc, i = span.doc, span.start
    sent_start = span.sent.start if doc.has_annotation("SENT_START") else 0
    while i > sent_start and _is_title_token(doc[i - 1].text, dictionary):
        i -= 1
    while i < span.start and doc[i].lower_ in ("the", "of", "-"):
        i += 1
    title = doc[i : span.start]
    return title if len(title) and _has_title_role(title.text, dictionary) else None


def _is_title_token(word: str, dictionary: ActorDictionary) -> bool:
    if "\n" in word or not word.strip():
        return False
    lower = word.lower()
    if lower in _TITLE_FILLERS or lower in _HONORIFICS:
        return True
    if any(lower in role.phrase.split() for role in _title_roles(dictionary)):
        return True
    return (word[:1].isupper() and word.isalpha()) or word in dictionary.modifiers


def _title_roles(dictionary: ActorDictionary) -> list[Role]:
    return [role for role in dictionary.roles.values() if role.use == "title"]


def _has_title_role(text: str, dictionary: ActorDictionary) -> bool:
    roles = dictionary.role_pattern().finditer(text)
    return any(dictionary.roles[m.group().lower()].use == "title" for m in roles)


def _title_after(span: Span, dictionary: ActorDictionary) -> Span | None:
    doc = span.doc
    if span.end + 2 >= len(doc) or doc[span.end].text != ",":
        return None
    start = span.end + 1
    end = start
    while end < len(doc) and end - start < 9 and doc[end].text not in (",", ".", ";", ":", "\n"):
        if doc[end].pos_ in ("VERB", "AUX") or doc[end].lower_ in ("who", "which"):
            return None
        end += 1
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    title = doc[start:end]
    return title if len(title) and _has_title_role(title.text, dictionary) else None


def _code_person(
    span: Span, title: Span | None, dictionary: ActorDictionary, *, country_hint: str | None
) -> Actor:
    known = dictionary.named.get(span.text)
    country, sector = (known.country, known.sector) if known else (None, None)
    if title is not None:
        t_country, t_sector = _code_title(title.text, dictionary)
        # a title with no country ("Interior Minister") is a post in the article's country
        country, sector = t_country or country or country_hint, t_sector or sector
    name = known.name if known else " ".join(span.text.split())
    return Actor(
        name=name,
        text=span.text,
        start=span.start_char,
        end=span.end_char,
        kind="person",
        country=country,
        sector=sector,
        title=title.text if title is not None else None,
    )


def _code_title(title: str, dictionary: ActorDictionary) -> tuple[str | None, str | None]:
    """Return (country, sector) for a title such as "Iranian opposition leader"."""
    roles = [dictionary.roles[m.group().lower()] for m in dictionary.role_pattern().finditer(title)]
    titles = [role for role in roles if role.use == "title"]
    sector = titles[-1].sector if titles else None  # the head of the title is its last role
    groups = [role.sector for role in roles if role.use == "group" and role.sector]
    if titles and titles[-1].phrase in _SPEAKS_FOR and groups:
        sector = groups[-1]  # "union leader", "leader of the CGT union": the body's sector
    country = None
    for match in dictionary.named_pattern().finditer(title):
        actor = dictionary.named[_surface_key(match.group(), dictionary.named)]
        if actor.kind == "state":
            country = country or actor.country
            continue
        country = actor.country or country
        if actor.sector and sector in (None, "GOV") and actor.kind != "igo":
            sector = actor.sector  # "Hamas spokesman" speaks for Hamas
        if actor.country in ("IGO", "NGO"):
            break
    if country is None:
        modifier = dictionary.modifier_pattern().search(title)
        country = (
            dictionary.modifiers[_surface_key(modifier.group(), dictionary.modifiers)]
            if modifier
            else None
        )
    return country, sector


# Posts that speak for the body their title names ("army spokesman", "union president"),
# unlike posts of their own ("Police Minister" is a government minister).
_SPEAKS_FOR = frozenset(
    (
        "president",
        "vice president",
        "vice-president",
        "leader",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "chairman",
        "chairperson",
        "chairwoman",
        "director",
        "executive director",
        "coordinator",
        "founder",
        "secretary-general",
        "secretary general",
    )
)


def _surface_key(found: str, table: Container[str]) -> str:
    """Map a matched surface back to its table key (first-letter case, curly apostrophes)."""
    if found in table:
        return found
    normal = " ".join(found.replace("’", "'").split())
    for candidate in (normal, normal[:1].swapcase() + normal[1:]):
        if candidate in table:
            return candidate
    raise KeyError(found)


# --- dictionary names and ORG entities ---------------------------------------------------------


def _named_mentions(doc: Doc, dictionary: ActorDictionary) -> list[_Mention]:
    mentions = []
    text = doc_text(doc)
    for match in dictionary.named_pattern().finditer(text):
        entry = dictionary.named[_surface_key(match.group(), dictionary.named)]
        start, end = match.start(), _extend_org_tail(text, match.end(), entry)
        end = _extend_branch(text, end, entry, dictionary)
        span = _tokens_at(doc, start, end)
        if span is not None and _in_dateline(doc, span):
            continue  # "LAGOS, Nigeria (Reuters) -" names the desk and its agency
        if entry.kind == "state" and not _is_state_actor(doc, start, end, dictionary):
            continue
        actor = _actor_from_entry(entry, text[start:end], start, end)
        mentions.append(_Mention(actor, 1, start))
    for match in re.finditer(r"(?<!\w)[A-Z][\w.]+(?!\w)", text):
        alpha3 = dictionary.capitals.get(match.group(), "")
        if alpha3 in dictionary.states and _is_metonym(doc, match.start(), match.end()):
            actor = _actor_from_entry(dictionary.states[alpha3], match.group(), *match.span())
            mentions.append(_Mention(actor, 1, match.start()))
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
    country = dictionary.named[_surface_key(match.group(), dictionary.named)]
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


def _tokens_at(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _is_state_actor(doc: Doc, start: int, end: int, dictionary: ActorDictionary) -> bool:
    """Return False for a country named as a place ("in Iran") or as a modifier ("US forces")."""
    span = _tokens_at(doc, start, end)
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
        return _surface_key(text, dictionary.named)
    except KeyError:
        return None


def _role_follows(after: str, dictionary: ActorDictionary) -> bool:
    match = dictionary.role_pattern().match(after.lstrip())
    return match is not None and len(after) - len(after.lstrip()) <= 1


def _is_metonym(doc: Doc, start: int, end: int) -> bool:
    span = _tokens_at(doc, start, end)
    if span is None or any(t.ent_type_ == "PERSON" for t in span):
        return False
    return span.root.dep_ in ("nsubj", "nsubjpass", "poss") or doc_text(doc)[end:].startswith(
        ("'s", "’s")
    )


def _org_entity_mentions(doc: Doc, dictionary: ActorDictionary) -> list[_Mention]:
    mentions = []
    places: set[int] = set()  # ends of ORG entities read as places
    for ent in doc.ents:
        if ent.label_ != "ORG" or len(ent.text) < 2:
            continue
        span = ent[1:] if ent[0].lower_ == "the" and len(ent) > 1 else ent
        if _is_generic(span.text, dictionary) or _in_dateline(doc, span):
            continue  # "the Regime" is a role, coded by _group_mentions
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
        mentions.append(_Mention(actor, 1, span.start_char))  # same rank as names: longer wins
    return mentions


_SETTING_PREPOSITIONS = frozenset({"in", "near", "outside", "across", "throughout", "around"})


def _mislabelled_place(span: Span, places: set[int]) -> bool:
    """Tell "in Culiacán, Sinaloa" (tagged ORG) from an organisation: no organisation word,
    after a setting preposition or after such a place and a comma."""
    if any(t.lower_ in _ORG_WORDS or t.text.isupper() for t in span) or span.start < 1:
        return False
    before = span.doc[span.start - 1]
    if before.lower_ in _SETTING_PREPOSITIONS:
        return True
    if before.text != "," or span.start < 2:
        return False
    previous = span.doc[span.start - 2]
    return span.start - 1 in places or previous.ent_type_ in ("GPE", "LOC")


# "NAIROBI (Reuters) - ", "KHARTOUM, June 3 (AP) — ", "LAGOS, Nigeria (Reuters) - ",
# "BAGHDAD, 16 July 2025 — "
def _in_dateline(doc: Doc, span: Span) -> bool:
    """Return True inside "NAIROBI (Reuters) - ", which names the desk, not an actor."""
    end = dateline_end(doc_text(doc), span.start_char)
    return end is not None and span.end_char <= end


def _code_org_name(name: str, dictionary: ActorDictionary) -> tuple[str | None, str | None]:
    """Return (country, sector) of an unknown organisation from its words ("Interior Ministry")."""
    modifier = dictionary.modifier_pattern().search(name)
    country = (
        dictionary.modifiers[_surface_key(modifier.group(), dictionary.modifiers)]
        if modifier
        else None
    )
    roles = [dictionary.roles[m.group().lower()] for m in dictionary.role_pattern().finditer(name)]
    groups = [role for role in roles if role.use == "group"]
    return country, groups[-1].sector if groups else None


def _is_generic(text: str, dictionary: ActorDictionary) -> bool:
    """Return True for a role with at most a country before it ("Regime", "Iranian Regime")."""
    roles = [m for m in dictionary.role_pattern().finditer(text) if m.end() == len(text.rstrip())]
    if not roles or dictionary.roles[roles[-1].group().lower()].use != "group":
        return False
    prefix = text[: roles[-1].start()].strip()
    if prefix in dictionary.named and roles[-1].group().istitle():
        return False  # "Nigeria Labour Congress": a country's name before a capitalised role
    prefix = re.sub(r"['’]s$", "", prefix)
    return not prefix or dictionary.modifier_pattern().fullmatch(prefix) is not None


_DEFINITION = re.compile(
    r"((?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|the|in|de|du|des|la|al|el)\s+)*)+[A-Z][\w'’-]*)"
    r"\s*\(([A-Z][A-Za-z]{1,7})\)"
)


def _defined_acronyms(doc: Doc) -> list[_Mention]:
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
        mentions.append(_Mention(actor, 2, start))
    return mentions


def _initials_fit(words: list[re.Match[str]], acronym: str) -> bool:
    initials = "".join(w.group()[0] for w in words if w.group()[0].isupper())
    return len(words) > 1 and initials.upper() == acronym.upper()


# --- generic actors ----------------------------------------------------------------------------


def _group_mentions(
    doc: Doc, dictionary: ActorDictionary, *, country_hint: str | None
) -> list[_Mention]:
    mentions = []
    for match in dictionary.role_pattern().finditer(doc_text(doc)):
        role = dictionary.roles[match.group().lower()]
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
        mentions.append(_Mention(actor, 3, start))
    return mentions


def _post_mentions(doc: Doc, dictionary: ActorDictionary) -> list[_Mention]:
    """Find unnamed office holders of a country ("the French foreign minister").

    Only with a country before the title: a bare "the minister" stands for somebody named
    earlier, which the quotes stage resolves. A name after the title makes it a person's title.
    """
    mentions = []
    text = doc_text(doc)
    for match in dictionary.role_pattern().finditer(text):
        role = dictionary.roles[match.group().lower()]
        if role.use != "title" or not _is_head_noun(doc, match.start(), match.end()):
            continue
        start, country = _modifier_before(text, match.start(), dictionary)
        if country is None:
            continue
        _, sector = _code_title(text[start : match.end()], dictionary)
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
        mentions.append(_Mention(actor, 3, start))
    return mentions


def _is_head_noun(doc: Doc, start: int, end: int) -> bool:
    """Reject role words used as modifiers ("police stations") or as verbs and adjectives."""
    span = _tokens_at(doc, start, end)
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
            alpha3 = dictionary.modifiers[_surface_key(match.group(), dictionary.modifiers)]
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
    alpha3 = dictionary.modifiers[_surface_key(match.group(), dictionary.modifiers)]
    return match.end(), alpha3


def _group_name(role: Role, country: str | None, dictionary: ActorDictionary) -> str:
    if country is None:
        return role.canonical
    return f"{dictionary.demonyms.get(country, country)} {role.canonical}"


# --- merging mentions of one actor -------------------------------------------------------------


def _surname_mentions(doc: Doc, kept: list[_Mention]) -> list[_Mention]:
    """Find later bare surnames ("Pompeo") of people named in full earlier."""
    people: dict[str, Actor] = {}
    for mention in sorted(kept, key=lambda m: m.actor.start):
        actor = mention.actor
        unnamed = actor.title == actor.text  # "the French foreign minister" has no surname
        if actor.kind == "person" and " " in actor.name and not unnamed:
            people.setdefault(actor.name.split()[-1], actor)
    found = []
    for surname, actor in people.items():
        for match in re.finditer(r"(?<!\w)" + re.escape(surname) + r"(?!\w)", doc_text(doc)):
            if match.start() > actor.end:
                coded = replace(
                    actor, text=surname, start=match.start(), end=match.end(), aliases=[]
                )
                found.append(_Mention(coded, -1, match.start()))
    return found


def _acronym_mentions(doc: Doc, kept: list[_Mention]) -> list[_Mention]:
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
                found.append(_Mention(coded, -1, match.start()))
    return found


def _appositive_mentions(doc: Doc, kept: list[_Mention]) -> list[_Mention]:
    """Code "the Iranian Resistance coalition" in "the Iranian Resistance coalition, the NCRI"."""
    found = []
    for mention in kept:
        actor = mention.actor
        span = _tokens_at(doc, actor.start, actor.end)
        if actor.kind not in ("organization", "igo") or span is None:
            continue
        root = span.root
        partners = [root.head] if root.dep_ == "appos" else []
        partners += [c for c in root.children if c.dep_ == "appos"]
        for partner in partners:
            phrase = _named_phrase(partner)
            if phrase is None or _in_dateline(doc, phrase):  # "LAGOS, Nigeria (Reuters) -"
                continue
            if not any(
                m.block_start < phrase.end_char and phrase.start_char < m.actor.end for m in kept
            ):
                coded = replace(
                    actor, text=phrase.text, start=phrase.start_char, end=phrase.end_char
                )
                found.append(_Mention(coded, 2, phrase.start_char))
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
    return person.sector in (None, "GOV") and any(_names_in(w, words) for w in _SPEAKS_FOR)


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
