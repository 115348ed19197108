"""Places the place stage did not return, recovered for the events only: "a checkpoint in Kafr Nabudah".

``find_places`` keeps a name the gazetteer lacks only when the tagger calls it GPE/LOC or a
strong cue says place, so small villages the tagger calls PERSON or ORG ("in Kafr Nabudah",
"near Dapchi"), sites ("at Nasser Hospital") and untagged proper nouns are not in the
article's places. An event's place picker may still choose them: every proper-noun span of
the sentence in a locative position ("in/at/near/outside/around/from/across/into/toward X",
"north of X", "the village of X", "X district") that overlaps no found place becomes an
unresolved place the way the place stage makes one (``places.borrowed_place``: the point of the
sentence's nearest resolved place, else none), with a few words on what it is, so the picker
learns how far to trust it. They are never added to the article's places.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from eventscribe.extract.places import (
    BODY_WORDS,
    CALENDAR_WORDS,
    DIRECTIONS,
    TYPE_WORDS,
    borrowed_place,
)
from eventscribe.gazetteer import Gazetteer
from eventscribe.parse import doc_ents
from eventscribe.records import Place

__all__ = ["Recovered", "recover_places"]

MAX_TOKENS = 5
# Entities that may be a place the tagger misnamed (NORP only as a noun: "in Kurdistan").
_LABELS = frozenset({"LOC", "FAC", "GPE", "PERSON", "ORG", "NORP", "PRODUCT", "EVENT"})
_LOCATIVE = frozenset({
    "in", "at", "near", "outside", "around", "from", "across", "into", "toward", "towards",
    "inside", "throughout", "within", "on", "onto", "to", "through", "along", "off", "via",
    "beyond", "behind", "past", "over",
})  # fmt: skip
# "outskirts of X", "the coast of X": a part of a place and "of" before the name
_PART_OF = frozenset({
    "outside", "outskirts", "coast", "edge", "heart", "centre", "center", "outpost", "hometown",
    "suburbs", "parts", "part", "streets", "entrance", "vicinity", "environs", "border",
    "districts", "provinces", "areas", "neighbourhoods", "neighborhoods", "cities", "farms",
    "perimeter", "banks", "sector", "hills", "mountaintop", "locality", "front", "gates",
    "walls", "ruins", "control", "countryside", "west", "east", "north", "south",
})  # fmt: skip
# "the village of X", "the Nasser hospital of X": a site noun and "of" before the name
_SITE_OF = frozenset({
    "village", "villages", "town", "towns", "city", "district", "province", "region", "area",
    "camp", "hospital", "market", "mosque", "school", "suburb", "outskirts", "neighbourhood",
    "neighborhood", "governorate", "county", "capital", "countryside",
})  # fmt: skip
# "X district", "X camp": a word after the name that says it is a place
_SITE_AFTER = frozenset({
    *TYPE_WORDS, "area", "camp", "neighbourhood", "neighborhood", "suburb", "quarter", "lga",
    "sector", "governorate", "municipality", "township", "countryside", "island", "checkpoint",
    "colony", "hill", "base", "airbase", "airport", "districts", "villages", "axis", "front",
    "prison", "community", "neighbourhoods", "neighborhoods", "lgo",
})  # fmt: skip
# Sites an entity may end with ("Nasser Hospital"); its span is the whole name.
_SITE_NAMES = frozenset({
    "hospital", "market", "mosque", "school", "camp", "village", "district", "province",
    "airport", "base", "university", "prison", "square", "bridge", "checkpoint", "church",
})  # fmt: skip


_TITLES = frozenset({
    "president", "mr", "mrs", "ms", "dr", "gen", "general", "minister", "king", "queen",
    "prince", "sheikh", "pope", "senator", "sen", "governor", "gov", "mayor", "col", "colonel",
    "lt", "capt", "captain", "judge", "justice", "rev", "imam", "chief", "premier", "sir",
})  # fmt: skip
_ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "at", "an", "ash", "az", "ez", "ed"})


@dataclass(frozen=True, slots=True)
class Recovered:
    """A recovered place, its parse root and what told it apart."""

    place: Place
    root: Token
    label: str  # the tagger's entity label, "" for a proper noun with none
    cued: bool  # a site word names it a place ("the village of X", "X district", "X Hospital")
    position: str  # "locative" ("in X", "north of X"), "site" ("village of X"), "object"
    known: bool = False  # the gazetteer holds the name (the place stage took it for no place)
    titled: bool = False  # a title comes before it ("President Johnson"): a person


def recover_places(
    doc: Doc,
    places: Sequence[Place],
    *,
    gazetteer: Gazetteer | None = None,
    fallback: Place | None = None,
) -> list[Recovered]:
    """Return the proper-noun spans in a locative position that no found place covers.

    Each is named after the resolved place whose point it borrows ("Emory University" is
    coded at Atlanta), the article's ``fallback`` place when its sentence has none; the text
    stays the name as written.
    """
    taken = [(p.start, p.end) for p in places if p.end > p.start]
    out: list[Recovered] = []
    for start, end, label in _spans(doc):
        span = doc[start:end]
        first, last = span.start_char, span.end_char
        position = _position(span.root)
        if position is None or any(a < last and first < b for a, b in taken):
            continue
        if position == "object" and label == "PERSON" and not _takes_place(span.root):
            continue  # "arrested Sami Ben Amor": people are arrested, villages stormed
        taken.append((first, last))
        if _is_body(span):
            continue  # "Tucson Unified School District" is a school board
        cued = span[-1].lower_ in _SITE_AFTER or span[-1].lower_ in _SITE_NAMES
        known = gazetteer is not None and bool(gazetteer.candidates(span.text))
        titled = start > 0 and doc[start - 1].lower_.rstrip(".") in _TITLES
        place = _repeat(span, places, fallback) or _named(
            borrowed_place(doc, first, last, places), places, fallback
        )
        out.append(
            Recovered(place, span.root, label, cued or position == "site", position, known, titled)
        )
    return out


def _is_body(span: Span) -> bool:
    words = {t.lower_ for t in span}
    return bool(words & TYPE_WORDS.keys()) and bool(words & BODY_WORDS)


def _repeat(span: Span, places: Sequence[Place], fallback: Place | None) -> Place | None:
    """Return a found place written again ("through central Santiago"), at this mention."""
    key = span.text.casefold()
    same = [p for p in [*places, *([fallback] if fallback else [])] if p.feature is not None]
    hit = next((p for p in same if key in (p.text.casefold(), p.name.casefold())), None)
    if hit is None:
        return None
    return replace(hit, text=span.text, start=span.start_char, end=span.end_char)


def _named(place: Place, places: Sequence[Place], fallback: Place | None) -> Place:
    """Name a borrowed place after its host; with no host, put it at the fallback place."""
    if place.lat is None:
        if fallback is None or fallback.lat is None:
            return place
        return replace(
            fallback, text=place.text, start=place.start, end=place.end, geonames_id=None,
            feature=None, confidence=round(0.5 * fallback.confidence, 3),
        )  # fmt: skip
    point = (place.lat, place.lon, place.country, place.precision)
    hosts = [p for p in places if (p.lat, p.lon, p.country, p.precision) == point]
    host = min(hosts, key=lambda p: abs(p.start - place.start), default=None)
    return place if host is None else replace(place, name=host.name)


def _spans(doc: Doc) -> Iterator[tuple[int, int, str]]:
    """Yield token ranges of candidate names: entities, then untagged proper-noun runs."""
    for ent in doc_ents(doc):
        if ent.label_ not in _LABELS or "\n" in ent.text:
            continue
        start = _skip_determiners(doc, ent.start, ent.end)
        if ent.label_ == "NORP" and (doc[ent.end - 1].tag_ in ("JJ", "NNPS")):
            continue  # "Kurdish", "Syrians": people, not a place
        end = _with_site_word(doc, ent.end)
        if _is_name(doc[start:end]):
            yield start, end, ent.label_
    i = 0
    while i < len(doc):
        if not _untagged_propn(doc[i]):
            i += 1
            continue
        j = i + 1
        while j < len(doc) and (
            _untagged_propn(doc[j]) or (_hyphen(doc, j) and _untagged_propn(doc[j + 1]))
        ):
            j += 1
        start, end = _skip_determiners(doc, i, j), _with_site_word(doc, j)
        if _is_name(doc[start:end]):
            yield start, end, ""
        i = j


def _untagged_propn(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and not tok.ent_type_ and _capital(tok)


def _capital(tok: Token) -> bool:
    """Say whether a word starts a name: a capital, or an Arabic article ("al-Rai")."""
    nxt = tok.nbor() if tok.i + 1 < len(tok.doc) else None
    article = tok.lower_ in _ARTICLES and nxt is not None and nxt.text == "-"
    return tok.text[:1].isupper() or (article and not tok.whitespace_)


def _hyphen(doc: Doc, j: int) -> bool:
    """Say whether token ``j`` is an inner hyphen ("Kafr-Nabudah"), not a dash."""
    tok = doc[j]
    return (
        tok.text == "-" and not doc[j - 1].whitespace_ and not tok.whitespace_ and j + 1 < len(doc)
    )


def _skip_determiners(doc: Doc, start: int, end: int) -> int:
    while start < end and (doc[start].lower_ == "the" or doc[start].lower_ in DIRECTIONS):
        start += 1
    return start


def _with_site_word(doc: Doc, end: int) -> int:
    after = doc[end].lower_ if end < len(doc) else ""
    return end + 1 if after in _SITE_AFTER and doc[end].pos_ in ("NOUN", "PROPN") else end


def _is_name(span: Span) -> bool:
    if not 0 < len(span) <= MAX_TOKENS or not _capital(span[0]):
        return False
    if span.text.isupper() and len(span.text) <= 3:
        return False  # "UN", "US": an acronym, not a village
    first = span[0].lower_
    return first not in CALENDAR_WORDS and first not in TYPE_WORDS and first not in _SITE_AFTER


# Verbs whose object may be a place ("stormed Qabasin", "targeting Talat Al-Bureij"): a name
# the tagger calls PERSON is recovered as an object only after one of them.
_PLACE_VERBS = frozenset({
    "target", "storm", "seize", "capture", "attack", "shell", "bomb", "bombard", "raid",
    "besiege", "overrun", "enter", "recapture", "retake", "strike", "hit", "control", "liberate",
    "surround", "encircle", "take", "reach", "occupy", "invade", "evacuate", "pound", "hold",
})  # fmt: skip


def _takes_place(root: Token) -> bool:
    return _first_conjunct(root).head.lemma_.lower() in _PLACE_VERBS


def _first_conjunct(root: Token) -> Token:
    """Return the name a conjunct or apposition hangs on ("in Kafr Nabudah and Habit")."""
    tok = root
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _position(root: Token) -> str | None:
    """Say how the name's place sits: "in X", "north of X", "village of X", or not at all."""
    tok = _first_conjunct(root)  # "in Kafr Nabudah and Habit": the first conjunct's position
    if tok.dep_ in ("dobj", "nsubjpass") and tok.head.pos_ == "VERB":
        return "object"  # "targeting Talat Al-Bureij", "Kindi Hospital was seized"
    if tok.dep_ != "pobj":
        return None
    prep = tok.head
    if prep.lower_ == "to" and prep.head.lower_ in ("according", "due", "thanks", "owing"):
        return None  # "according to Aamaq Agency"
    if prep.lower_ in _LOCATIVE:
        return "locative"
    if prep.lower_ != "of":
        return None
    host = prep.head
    if host.lower_ in DIRECTIONS or host.lower_.replace("-", "") in DIRECTIONS:
        return "locative"  # "40 km north of X"
    if host.lower_ in _SITE_OF:
        return "site"
    if host.lower_ in _PART_OF:
        return "locative"
    return None
