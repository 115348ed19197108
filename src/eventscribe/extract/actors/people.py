"""Person mentions coded from their titles.

The title is written before the name ("US Secretary of State Mike Pompeo"), after it
("Stef Blok, the Dutch foreign minister") or as the head of an appositive
("The opposition leader, Nika Melia, said").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventscribe.extract.actors.dictionary import ActorDictionary, code_title, is_generic
from eventscribe.extract.actors.names import ORG_WORDS, SETTING_PREPOSITIONS, Mention, tokens_at
from eventscribe.parse import doc_ents, doc_text
from eventscribe.records import Actor

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


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


def person_mentions(
    doc: Doc, dictionary: ActorDictionary, *, country_hint: str | None
) -> list[Mention]:
    """Find person names, each coded from its title before, after or in apposition."""
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
        mentions.append(Mention(actor, 0, min(block, span.start_char)))
    return mentions


def _person_candidates(doc: Doc, dictionary: ActorDictionary) -> list[tuple[Span, bool]]:
    """Return possible person names, each with whether the tagger called it PERSON."""
    title_words = dictionary.single_word_titles()
    strip = title_words | _HONORIFICS
    found = []
    for ent in doc_ents(doc):
        span = _strip_person(ent, strip)
        if span is not None and _may_be_person(ent, span, dictionary):
            found.append((span, ent.label_ == "PERSON"))
    found += [(span, False) for span in _names_after_titles(doc, dictionary, title_words)]
    return found


_NOT_NAMES = frozenset({"DATE", "TIME", "GPE", "LOC", "NORP", "CARDINAL", "ORDINAL", "FAC"})


def _names_after_titles(
    doc: Doc, dictionary: ActorDictionary, title_words: frozenset[str]
) -> list[Span]:
    """Find "chairperson Roseline Odede" when the tagger did not see a PERSON."""
    names = []
    for match in dictionary.role_matches(doc_text(doc)):
        if dictionary.role(match.group()).use != "title":
            continue
        title = tokens_at(doc, match.start(), match.end())
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


def _name_word(token: Token, dictionary: ActorDictionary, title_words: frozenset[str]) -> bool:
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
    if any(t.lower_ in ORG_WORDS or not t.text[:1].isupper() for t in words):
        return False
    return not is_generic(span.text, dictionary)


def _one_word_setting(span: Span) -> bool:
    return (
        len(span) == 1
        and span.start > 0
        and span.doc[span.start - 1].lower_ in (SETTING_PREPOSITIONS)
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


def _strip_person(ent: Span, title_words: frozenset[str]) -> Span | None:
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
    if lower in dictionary.title_words():
        return True
    return (word[:1].isupper() and word.isalpha()) or word in dictionary.modifiers


def _has_title_role(text: str, dictionary: ActorDictionary) -> bool:
    roles = dictionary.role_pattern().finditer(text)
    return any(dictionary.role(m.group()).use == "title" for m in roles)


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
        t_country, t_sector = code_title(title.text, dictionary)
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
