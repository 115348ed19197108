"""Toponyms -> gazetteer places, disambiguated at article level.

``find_places`` collects every place mention of a parsed article: spaCy GPE/LOC entities
("Kazerun", "Paris, Texas", "southern Fars province"), demonyms as country mentions
("Iranian", "Dutch"), an agency dateline ("TEHRAN (Reuters) -"), places the small tagger
mislabels but the context marks ("in Dakar" tagged PERSON), and later repeats of a found name. Each mention is then resolved the way a careful coder would: a "City, Region"
qualifier first, then the countries the article is about (named, implied by demonyms or the
dateline), then feature level and population. ``focus_place`` and ``focus_country`` give the
article's main place and country, the fallback location of events whose sentence names none.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

from eventscribe.extract.occurrences import occurrences
from eventscribe.extract.states import dateline_state, standalone_state, state_after
from eventscribe.gazetteer import GazEntry, Gazetteer, fold_name, haversine_km, prior
from eventscribe.parse import TokenColumns, doc_cached, doc_ents, doc_text, doc_tokens, reading
from eventscribe.records import Place, Precision

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# FAC (buildings, squares, bridges) is left out: it names a town only by accident
# ("White House", Tennessee), and a coder geocodes a square by the city around it. A FAC with
# a place cue is recovered only as a big city ("in Mandalay" tagged FAC).
PLACE_LABELS = frozenset({"GPE", "LOC"})
# Entities a demonym may sit inside and still name its country ("the Iranian regime" as ORG,
# "the Turkish Embassy" as FAC).
DEMONYM_HOSTS = frozenset({"", "NORP", "ORG", "GPE", "LOC", "FAC"})
MAX_PLACE_TOKENS = 6  # longer "places" are breadcrumbs and headlines run together
# An organisation's name runs longer than a place's ("the Kentucky Department of Fish and
# Wildlife"); only its leading, "of" and last-word runs are read.
MAX_ORG_TOKENS = 10
ORG_LABELS = frozenset({"ORG", "FAC", "EVENT"})  # names that may hold the place they are in
TYPE_WORDS = {
    "province": "admin1", "state": "admin1", "region": "admin1", "governorate": "admin1",
    "oblast": "admin1", "prefecture": "admin1", "district": "admin2", "county": "admin2",
    "city": "city", "town": "city", "village": "city",
}  # fmt: skip
DIRECTIONS = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "northeastern", "northwestern", "southeastern", "southwestern", "northeast", "northwest",
    "southeast", "southwest", "far",
})  # fmt: skip
PRECISIONS: dict[str, Precision] = {
    "city": "city", "admin1": "admin1", "admin2": "admin2", "country": "country",
}  # fmt: skip
# How much a mention of each kind says about the article's countries.
EVIDENCE_WEIGHT = {
    "entity": 1.0, "repeat": 1.0, "demonym": 1.0, "dateline": 2.0, "organisation": 0.5
}  # fmt: skip
KIND_CONFIDENCE = {
    "entity": 1.0, "dateline": 1.0, "repeat": 0.9, "demonym": 0.85, "organisation": 0.8
}  # fmt: skip
# Organisation words that name the place they are in ("Tehran University", "Kano State Police").
ORG_PLACE_WORDS = frozenset({
    "university", "college", "polytechnic", "airport", "bazaar", "police", "municipality",
    "council", "department", "ministry", "court", "sheriff", "hospital", "government",
})  # fmt: skip
# A city this big is named often enough to trust weak evidence: a place inside an organisation
# name ("Cairo University"; "Columbia University" is not in Columbia, SC, unless the article
# names it) and a one-word old name the tagger mislabels ("in Calcutta" as PRODUCT).
MEGACITY = 1_000_000
# A city this big that starts an organisation's name is where it is ("the Winnipeg Free Press").
ORG_CITY = 100_000
# Cues that the next proper noun is a place ("in Mashhad" tagged PERSON, "capital of Tigray").
LOCATIVES = frozenset({
    "in", "near", "outside", "across", "around", "at", "to", "into", "from", "toward",
    "towards", "through", "inside",
})  # fmt: skip
OF_PLACE_NOUNS = frozenset({
    "capital", "city", "town", "village", "province", "region", "state", "district",
    "outskirts", "suburbs", "countryside", "south", "north", "east", "west", "centre",
    "center", "part", "parts", "streets", "residents", "people", "sector", "governorate",
    "stronghold", "heart", "edge", "neighbourhood", "neighborhood",
})  # fmt: skip
MISTAGGED_LABELS = frozenset({
    "PERSON", "ORG", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "FAC", "LANGUAGE"
})  # fmt: skip
MIN_CUED_POPULATION = 10_000
MAX_RECOVERY_PASSES = 8  # each pass reads one more item of a list out from a known name
CALENDAR_WORDS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
})  # fmt: skip
BIG_CITY = 50_000  # a city this big beats the division of the same name ("Kano", "Tehran")
# ... and this big when it lies outside that division: "Washington" is the capital, not the
# state, but Wyoming, Michigan (75,000) does not make "Wyoming" a town.
NATIONAL_CITY = 500_000

# At a line's start, or after a headline run into the first line ("Mason charged. BANTAM —").
_DATELINE = re.compile(
    r"(?:^|(?<=[a-z][.!?] ))[ \t]*(?P<place>[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3})"
    r"(?:,[ \t]*(?P<region>[A-Z][A-Za-z.\-]+(?: [A-Z][A-Za-z.\-]+){0,2}))?"
    r"[ \t]*(?:\([^)\n]{1,40}\))?[ \t]*(?:--|[-–—])[ \t]",
    re.MULTILINE,
)


@dataclass(slots=True)
class _Mention:
    """One place mention while it is being resolved."""

    start: int
    end: int
    text: str
    candidates: list[GazEntry]
    kind: str  # entity | demonym | dateline | organisation | repeat
    hint: str | None = None  # feature named by a type word: "Fars province" -> admin1
    qualifier: _Mention | None = None  # "Paris, Texas": Texas qualifies Paris
    qualified: list[_Mention] = field(default_factory=list)
    # the names beside it in a list ("Virginia, Washington, West Virginia and Wyoming")
    listed_with: list[_Mention] = field(default_factory=list)
    choice: GazEntry | None = None
    confidence: float = 0.0
    # fold_name(text), the name resolution compares mentions by (read millions of times)
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.key = fold_name(self.text)


def find_places(doc: Doc, *, gazetteer: Gazetteer) -> list[Place]:
    """Return every place mention in ``doc``, in text order, resolved at article level."""
    with reading(doc):
        mentions = _find_mentions(doc, gazetteer)
        _resolve(mentions, ranker_weights())
        places = [_to_place(m) for m in mentions if m.choice is not None]
        return sorted(places + _unresolved_places(doc, gazetteer, places), key=_text_order)


def _find_mentions(doc: Doc, gazetteer: Gazetteer) -> list[_Mention]:
    """Return the article's place mentions with their candidates, not yet resolved."""
    with reading(doc):
        return _mentions_with_candidates(doc, gazetteer)


def _mentions_with_candidates(doc: Doc, gazetteer: Gazetteer) -> list[_Mention]:
    mentions = _entity_mentions(doc, gazetteer)
    mentions = _merge(mentions, _dateline_mentions(doc_text(doc), gazetteer))
    mentions = _merge(mentions, _demonym_mentions(doc, gazetteer, mentions))
    mentions = _merge(mentions, _recovered_mentions(doc, gazetteer, mentions))
    mentions = _merge(mentions, _organisation_mentions(doc, gazetteer, mentions))
    mentions = _merge(mentions, _repeat_mentions(doc, mentions))
    text = doc_text(doc)
    mentions = _state_mentions(mentions, text, gazetteer)
    _link_qualifiers(mentions, text)
    return mentions


def _text_order(place: Place) -> tuple[int, int]:
    return place.start, place.end


# ---------------------------------------------------------------- places the gazetteer lacks


def _unresolved_places(doc: Doc, gazetteer: Gazetteer, found: Sequence[Place]) -> list[Place]:
    """Return the villages, districts and neighbourhoods that the gazetteer does not hold.

    A span counts when the tagger calls it GPE/LOC or a cue says place ("the village of
    Sharifah", "in Rangae district"); it gets the point of the nearest resolved place of its
    sentence (else of the sentence's country), at that place's precision, and no GeoNames id:
    a coder would put "Sharifah in western Palmyra" at Palmyra.
    """
    taken = [(p.start, p.end) for p in found]
    spans: list[tuple[int, int]] = []
    tokens = doc_tokens(doc)
    for start, end in _unknown_spans(doc, gazetteer):
        first, last = tokens.idx[start], tokens.end_char(end)
        if not any(a < last and first < b for a, b in taken + spans):
            spans.append((first, last))
    return [borrowed_place(doc, a, b, found) for a, b in spans]


def _unknown_spans(doc: Doc, gazetteer: Gazetteer) -> Iterator[tuple[int, int]]:
    """Yield token ranges of GPE/LOC entities and cued proper nouns with no gazetteer entry."""
    tokens = doc_tokens(doc)
    for ent in doc_ents(doc):  # a LOC the gazetteer lacks is a park or a square more often than not
        label = ent.label_
        site = label in ("LOC", "FAC", "ORG") and tokens.lower[ent.end - 1] in SITE_WORDS
        if (
            (label == "GPE" or site)
            and len(ent) <= MAX_PLACE_TOKENS
            and "\n" not in tokens.span_text(ent.start, ent.end)
        ):
            for start, end in _comma_parts(ent):
                start = _skip_determiners(doc, start, end)
                if start < end and _is_unknown(doc, start, end, gazetteer):
                    yield start, end
        elif label in _CUED_LABELS and _strong_cue(doc, ent.start, ent.end):
            start = _skip_determiners(doc, ent.start, ent.end)  # "the Al-Maalif neighbourhood"
            if start < ent.end and _is_unknown(doc, start, ent.end, gazetteer):
                yield start, _with_type_word(doc, ent.end)
    for start, end, label in _loose_spans(doc):
        cued = label in ("", "PERSON", "ORG") and _strong_cue(doc, start, end)
        cued = cued or (label == "NORP" and _of_cue(doc, start))  # "the village of Sharifah"
        if cued and _is_unknown(doc, start, end, gazetteer):
            yield start, _with_type_word(doc, end)


def _skip_determiners(doc: Doc, start: int, end: int) -> int:
    tokens = doc_tokens(doc)
    lower, text = tokens.lower, tokens.text
    while start < end and (lower[start] == "the" or _is_direction(text[start])):
        start += 1
    return start


def _is_unknown(doc: Doc, start: int, end: int, gazetteer: Gazetteer) -> bool:
    tokens = doc_tokens(doc)
    text, lower = tokens.span_text(start, end), tokens.lower
    if not text[:1].isupper() or (text.isupper() and len(text) <= 3):
        return False
    if gazetteer.demonym(text) is not None or lower[start] in CALENDAR_WORDS:
        return False
    if lower[start] in TYPE_WORDS or lower[start] in SITE_WORDS:
        return False  # "State", "District 9": a type word is not a name
    if any(lower[i] in BODY_WORDS for i in range(start, end)):
        return False  # "Tucson Unified School District" is a school board
    return not gazetteer.candidates(text)


def _strong_cue(doc: Doc, start: int, end: int) -> bool:
    """Say whether the words around a name say it is a place: "village of X", "X district"."""
    lower = doc_tokens(doc).lower
    after = lower[end] if end < len(lower) else ""
    if (after in TYPE_WORDS and after != "state") or after in _AREA_WORDS:
        return True
    return _of_cue(doc, start)


def _of_cue(doc: Doc, start: int) -> bool:
    """Say whether a settlement noun and "of" come before token ``start`` ("town of X")."""
    lower = doc_tokens(doc).lower
    before = lower[start - 1] if start > 0 else ""
    return before == "of" and start > 1 and lower[start - 2] in _SETTLEMENT_NOUNS


# The last word of a LOC/FAC/ORG entity that makes it a place events happen at
# ("the Jazal Mountains", "Deir Ezzor Governorate", "T-4 Military Airport"), not a park or a firm.
SITE_WORDS = frozenset({
    "mountains", "mountain", "governorate", "district", "province", "region", "valley",
    "plateau", "hill", "hills", "heights", "farms", "fields", "countryside", "quarter",
    "suburb", "neighbourhood", "neighborhood", "village", "camp", "airport", "airbase",
    "township", "county", "municipality", "prefecture", "oblast", "state",
    "road", "street", "avenue", "boulevard", "highway", "lane", "square",
})  # fmt: skip
# Entities that a place cue turns into a place ("the Al-Maalif neighbourhood"); not NORP:
# "a mainly Sunni neighbourhood" names who lives there.
_CUED_LABELS = (MISTAGGED_LABELS - {"NORP"}) | {"LOC"}
# Words that make a "district" or "state" an institution rather than a place.
BODY_WORDS = frozenset({
    "school", "schools", "unified", "police", "court", "council", "university", "college",
    "department", "bank", "company", "authority", "board", "party", "hospital", "church",
    "assembly", "government", "ministry", "office", "secretary",
})  # fmt: skip
_SETTLEMENT_NOUNS = frozenset({
    "city", "town", "village", "villages", "province", "district", "districts", "region",
    "neighbourhood", "neighborhood", "suburb", "suburbs", "outskirts", "area", "county",
    "governorate", "towns", "cities", "camp", "island",
})  # fmt: skip


# Words after a name that make it a place without making it a division ("in Sani area").
_AREA_WORDS = frozenset({
    "area", "sector", "camp", "neighbourhood", "neighborhood", "lga", "suburb", "quarter",
})  # fmt: skip


def _with_type_word(doc: Doc, end: int) -> int:
    lower = doc_tokens(doc).lower
    after = lower[end] if end < len(lower) else ""
    return end + 1 if after in TYPE_WORDS or after in _AREA_WORDS else end


def _sentence_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Return the character bounds of the sentence around a span (the text when unparsed)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not doc.has_annotation("SENT_START"):
        return 0, len(doc_text(doc))
    return span.sent.start_char, span.sent.end_char


def borrowed_place(doc: Doc, start: int, end: int, found: Sequence[Place]) -> Place:
    """Return an unresolved place at the point of its sentence's nearest resolved place."""
    lo, hi = _sentence_bounds(doc, start, end)
    inside = [p for p in found if lo <= p.start < hi and p.lat is not None]
    inside = [p for p in inside if p.feature != "continent"]
    precise = [p for p in inside if p.feature != "country"] or inside
    host = min(precise, key=lambda p: abs(p.start - start), default=None)
    text = doc_text(doc)[start:end]
    if host is None:
        return Place(name=text, text=text, start=start, end=end, confidence=0.2)
    return Place(
        name=text, text=text, start=start, end=end, lat=host.lat, lon=host.lon,
        admin1=host.admin1, admin2=host.admin2, country=host.country, precision=host.precision,
        confidence=round(0.5 * host.confidence, 3),
    )  # fmt: skip


# ---------------------------------------------------------------- detection


def _entity_mentions(doc: Doc, gazetteer: Gazetteer) -> list[_Mention]:
    mentions = []
    tokens = doc_tokens(doc)
    for ent in doc_ents(doc):
        if (
            ent.label_ in PLACE_LABELS
            and len(ent) <= MAX_PLACE_TOKENS
            and "\n" not in tokens.span_text(ent.start, ent.end)
        ):
            for start, end in _comma_parts(ent):
                mention = _entity_mention(doc, start, end, ent.label_, gazetteer)
                if mention is not None and mention.candidates:
                    mentions.append(mention)
    return mentions


def _entity_mention(
    doc: Doc, start: int, end: int, label: str, gazetteer: Gazetteer
) -> _Mention | None:
    mention = _span_mention(doc, start, end, gazetteer, strict=label != "GPE")
    if mention is None:
        mention = _abbreviated_state(doc, start, end, gazetteer)
    if mention is not None and label != "GPE":
        # A LOC is a region more often than a town: "Central Park" is not in Washington.
        mention.candidates = [c for c in mention.candidates if _big_enough(c)]
    if label == "LOC" and (mention is None or not mention.candidates):
        # Only an old or foreign name of a big city ("Meshed", "Madras") is worth the risk.
        mention = _span_mention(doc, start, end, gazetteer)
        if mention is not None:
            mention.candidates = [c for c in mention.candidates if c.population >= BIG_CITY]
    return mention


def _abbreviated_state(doc: Doc, start: int, end: int, gazetteer: Gazetteer) -> _Mention | None:
    """Return a state named by its dotted initials alone ("in B.C.", "N.Y. officials")."""
    span = doc[start:end]
    found = standalone_state(span.text)
    if found is None:
        return None
    entries = [c for c in gazetteer.candidates(found[0]) if _is_state(c, found[0], found[1])]
    if not entries:
        return None
    return _Mention(span.start_char, span.end_char, span.text, entries[:1], "entity")


def _comma_parts(ent: Span) -> Iterator[tuple[int, int]]:
    """Split "Paris, Texas" tagged as one entity into its token ranges."""
    text = doc_tokens(ent.doc).text
    start = ent.start
    for i in range(ent.start, ent.end):
        if text[i] == ",":
            yield start, i
            start = i + 1
    yield start, ent.end


def _span_mention(
    doc: Doc,
    start: int,
    end: int,
    gazetteer: Gazetteer,
    *,
    untagged: bool = False,
    strict: bool = False,
) -> _Mention | None:
    tokens = doc_tokens(doc)
    lower, text = tokens.lower, tokens.text
    start = _skip_determiners(doc, start, end)
    if end > start and lower[end - 1] in ("'s", "’s"):
        end -= 1
    if start >= end or not text[start][:1].isupper():
        return None
    if untagged and gazetteer.demonym(tokens.span_text(start, end)) is not None:
        return None
    hint = None
    if end - start > 1 and lower[end - 1] in TYPE_WORDS:
        hint = TYPE_WORDS[lower[end - 1]]
        candidates = _lookup(gazetteer, tokens.span_text(start, end), strict=strict) or _lookup(
            gazetteer, tokens.span_text(start, end - 1), strict=strict
        )
    else:
        if end < len(lower) and lower[end] in TYPE_WORDS and lower[end] != "city":
            hint = TYPE_WORDS[lower[end]]
            end += 1
        name_end = end - 1 if hint else end
        candidates = _lookup(gazetteer, tokens.span_text(start, name_end), strict=strict)
    if not candidates:
        return _region_of_area(doc, start, end, gazetteer, strict=strict)
    return _Mention(
        tokens.idx[start], tokens.end_char(end), tokens.span_text(start, end), candidates,
        "entity", hint=hint,
    )  # fmt: skip


def _region_of_area(
    doc: Doc, start: int, end: int, gazetteer: Gazetteer, *, strict: bool
) -> _Mention | None:
    """Read a region the gazetteer lacks, named by direction within an area, as the area.

    "Far North Queensland" in an article that names Queensland on its own is in Queensland: the
    state or country is the place (no town: "North Hinton" is not Hinton; and "the Central
    Plateau" of Haiti is not Plateau State, Nigeria, nor "South Coast" the Coast Region).
    """
    tokens = doc_tokens(doc)
    lower, text = tokens.lower, tokens.text
    inner = start
    while inner < end - 1 and lower[inner] in DIRECTIONS and text[inner][:1].isupper():
        inner += 1
    if inner == start:
        return None
    if not _named_alone(doc_text(doc), tokens.span_text(inner, end)):
        return None
    mention = _span_mention(doc, inner, end, gazetteer, strict=strict)
    if mention is None:
        return None
    mention.candidates = [c for c in mention.candidates if c.feature in ("admin1", "country")]
    return mention if mention.candidates else None


def _named_alone(text: str, name: str) -> bool:
    """Say whether ``text`` names ``name`` once without a direction word before it."""
    for found in re.finditer(rf"\b{re.escape(name)}\b", text):
        before = text[max(0, found.start() - 12) : found.start()].split()
        if not before or before[-1].lower() not in DIRECTIONS:
            return True
    return False


def _lookup(gazetteer: Gazetteer, text: str, *, strict: bool) -> list[GazEntry]:
    """Return the candidates; ``strict`` drops towns that match only by an alternate name.

    GeoNames alternate names include translations and stunts ("White House" for Casablanca,
    "Google" for Topeka), so they only count for spans the tagger itself calls GPE.
    """
    candidates = gazetteer.candidates(text)
    if strict:
        key = fold_name(text)
        candidates = [c for c in candidates if c.feature != "city" or fold_name(c.name) == key]
    return candidates


def _recovered_mentions(
    doc: Doc, gazetteer: Gazetteer, found: Sequence[_Mention]
) -> list[_Mention]:
    """Recover places the small tagger mislabels or misses, when the context says "place".

    A span counts when a cue says place ("in Dakar", "capital of Tigray", "Rakhine State",
    "Isfahan and Shiraz" after a found place) or, for a mislabelled entity, when it names a
    town in one of the article's countries; a cued small town counts when it lies in a state the
    article names ("from Churchill" beside "Manitoba"). A list item before or after a found
    place is cued too; the passes go on until a pass finds nothing, so a list is read out from
    the one name the tagger knew ("Rogaland, Vestfold, ..., Akershus, Oslo").
    """
    countries = {m.candidates[0].country for m in found}
    states = {(c.country, c.name) for m in found for c in m.candidates if c.feature == "admin1"}
    kept = list(found)
    loose = _loose_spans(doc)
    for _ in range(MAX_RECOVERY_PASSES):
        size = len(kept)
        for start, end, label in loose:
            mention = _span_mention(doc, start, end, gazetteer, untagged=not label, strict=True)
            if mention is None and _strong_cue(doc, start, end):  # "the city of Kismaayo"
                mention = _span_mention(doc, start, end, gazetteer, untagged=not label)
            if label and label != "FAC" and end - start == 1:
                mention = _with_old_names(doc, start, gazetteer, mention)
            if mention is None or any(
                m.start < mention.end and mention.start < m.end for m in kept
            ):
                continue
            cue = mention.hint is not None or _has_cue(doc, start, end, kept)
            plausible = [
                c
                for c in mention.candidates
                if _plausible(c, label, cue, countries, doc, start, end)
                or (cue and c.feature == "city" and (c.country, c.admin1) in states)
            ]
            if plausible:
                mention.candidates = plausible
                kept.append(mention)
        if len(kept) == size:
            break
    return [m for m in kept if m not in found]


def _with_old_names(
    doc: Doc, start: int, gazetteer: Gazetteer, mention: _Mention | None
) -> _Mention | None:
    """Add megacities that a one-word mislabelled span names by an alternate name ("Calcutta").

    Multi-word alternate names are left out: they hold the stunts ("White House", Casablanca).
    """
    loose = _span_mention(doc, start, start + 1, gazetteer)
    if loose is None:
        return mention
    big = [c for c in loose.candidates if c.feature == "city" and c.population >= MEGACITY]
    if mention is None:
        loose.candidates = big
        return loose if big else None
    mention.candidates += [c for c in big if c not in mention.candidates]
    return mention


def _loose_spans(doc: Doc) -> list[tuple[int, int, str]]:
    """Return mislabelled entities (split at "and", commas, "in") and untagged proper-noun runs."""
    return doc_cached(doc, "places.loose_spans", _find_loose_spans)


def _find_loose_spans(doc: Doc) -> list[tuple[int, int, str]]:
    tokens = doc_tokens(doc)
    lower = tokens.lower
    spans = []
    for ent in doc_ents(doc):
        if ent.label_ in MISTAGGED_LABELS and len(ent) <= 4:
            start = ent.start
            # a person's "of" tells where they live ("Leonard of Ada, Oklahoma")
            splits = ("and", ",", "in", "or", "of") if ent.label_ == "PERSON" else _LOOSE_SPLITS
            for i in range(ent.start, ent.end):
                if lower[i] in splits:
                    spans.append((start, i, ent.label_))
                    start = i + 1
            spans.append((start, ent.end, ent.label_))
    return spans + _untagged_runs(tokens)


_LOOSE_SPLITS = ("and", ",", "in", "or")


def _untagged_runs(tokens: TokenColumns) -> list[tuple[int, int, str]]:
    """Return runs of up to three capitalised words outside entities, not opening a sentence."""
    lower, sent_start = tokens.lower, tokens.is_sent_start
    # a name word outside every entity
    free = [
        not ent and _is_name_word(text)
        for ent, text in zip(tokens.ent_type, tokens.text, strict=True)
    ]
    runs = []
    i, size = 0, len(free)
    while i < size:
        j = i
        while j < size and j - i < 3 and free[j]:
            j += 1
        if j > i and not sent_start[i] and lower[i] not in CALENDAR_WORDS:
            runs.append((i, j, ""))
        i = max(j, i + 1)
    return runs


def _is_name_word(text: str) -> bool:
    return text[:1].isupper() and text.replace("-", "").replace("'", "").isalpha()


def _has_cue(doc: Doc, start: int, end: int, kept: Sequence[_Mention]) -> bool:
    """Say whether the words around a span mark a place ("in", "south of", "X and", "and X")."""
    tokens = doc_tokens(doc)
    lower = tokens.lower
    after = end + (end + 1 < len(lower) and lower[end] == "," and lower[end + 1] in ("and", "or"))
    if after + 1 < len(lower) and lower[after] in ("and", "or", ","):
        next_start = tokens.idx[after + 1]
        if any(m.start == next_start for m in kept):
            return True
    before = lower[start - 1] if start > 0 else ""
    if before in LOCATIVES:
        return True
    if before == "of" and start > 1 and lower[start - 2] in OF_PLACE_NOUNS:
        return True
    if before == "of" and start > 1 and lower[start - 2] in (",", "outside"):
        return True  # where someone lives: "William Goble, 26, of Edmonton", "outside of Waterloo"
    if before in ("and", "or", ",") and start > 1:
        previous_end = tokens.end_char(start - 1)  # where token start - 2 ends
        return any(m.end == previous_end for m in kept)
    return False


def _big_enough(c: GazEntry) -> bool:
    return c.feature != "city" or c.population >= MIN_CUED_POPULATION


def _plausible(
    c: GazEntry, label: str, cue: bool, countries: set[str], doc: Doc, start: int, end: int
) -> bool:
    tokens = doc_tokens(doc)
    if c.feature == "country" and label:
        # A mislabelled "Jordan" is a person more often than the country; "in Jordan", "Zambia,
        # Malawi and Mozambique" and a capitals-only "DRC" are the country.
        words = tokens.span_text(start, end)
        return cue or (words.isupper() and len(words) >= 3 and label in ("ORG", "PERSON"))
    # (at token 0, as doc[-1], the token before is the last one)
    if c.feature == "city" and label and "the" in (tokens.lower[start], tokens.lower[start - 1]):
        return False  # "the White House", "the Kremlin": a building or body, not a town
    if label == "FAC":  # "in Mandalay" as a building; "at the White House" is not in Tennessee
        return cue and (c.feature != "city" or c.population >= BIG_CITY)
    if cue:
        return _big_enough(c)
    if label == "PERSON":
        verb_before = start > 0 and tokens.pos[start - 1] == "VERB"
        return verb_before and c.country in countries and c.population >= BIG_CITY
    return bool(label) and c.country in countries and c.population >= MIN_CUED_POPULATION


def _organisation_mentions(
    doc: Doc, gazetteer: Gazetteer, found: Sequence[_Mention]
) -> list[_Mention]:
    """Return the place an organisation name starts or ends with, or holds after "of".

    News coders geocode "Texas A&M University", "the Adair County Sheriff's Office",
    "the U.S. Department of Justice", "Taco Bell Canada" and "University of Lagos" at the
    place they name. Only readings that are safe without a cue are kept: countries, admin1s,
    counties named as such, big cities and names the article already uses.
    """
    named = {(m.key, c.name, c.country, c.feature) for m in found for c in m.candidates}
    mentions: list[_Mention] = []
    for ent in doc_ents(doc):
        # The small tagger calls "the Metcalfe County Sheriff's Office" a FAC as often as an ORG;
        # an event is named for its place as an organisation is ("the Venice Film Festival").
        if ent.label_ not in ORG_LABELS or len(ent) > MAX_ORG_TOKENS or "\n" in ent.text:
            continue
        for start, end, edge in _org_place_spans(ent):
            mention = _span_mention(doc, start, end, gazetteer, strict=True)
            if mention is None or any(m.start < mention.end and mention.start < m.end
                                      for m in mentions):  # fmt: skip
                continue
            mention.kind = "organisation"
            mention.candidates = [
                c
                for c in mention.candidates
                if _org_reading(c, mention, named, edge=edge)
                and (ent.label_ != "FAC" or c.feature == mention.hint)
            ]  # a building's name holds a place only as a named division ("Fairfax County ...")
            if mention.candidates:
                mentions.append(mention)
    return mentions


def _org_reading(
    c: GazEntry, m: _Mention, named: set[tuple[str, str, str, str]], *, edge: str
) -> bool:
    """Say whether an organisation's place word may be read as ``c``."""
    if edge == "in":  # a place glued to the name: as safe as any place after "in"
        return _big_enough(c)
    if edge == "end":  # "Taco Bell Canada", "ABC Australia": a country, or a name already used
        return c.feature == "country" or (m.key, c.name, c.country, c.feature) in named
    if " " not in m.text and m.text.lower() in _GENERIC_ORG_WORDS:
        return False  # "Southern Baptist ...", "Federal Reserve": not a division by that name
    if (m.key, c.name, c.country, c.feature) in named or c.feature == "country":
        return True  # "France Football", "the U.S. Department of Justice"
    if c.feature == "admin1":  # "the Kentucky Department of ...", not "Equatoria" for a state
        bare = m.key.rsplit(" ", 1)[0] if m.hint is not None else m.key  # "Lagos State"
        return fold_name(c.name) in (m.key, bare)
    if c.feature == "admin2":
        return m.hint == "admin2"  # "Adair County Regional Jail", not "Riley" as a county
    return c.population >= (MEGACITY if edge == "word" else ORG_CITY)


def _org_place_spans(ent: Span) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, edge) name runs: before an organisation word, after its "of", and
    the longest leading or a last-word name of a longer organisation."""
    tokens = doc_tokens(ent.doc)
    lower, text = tokens.lower, tokens.text
    for i in range(ent.start, ent.end):
        glued = lower[i] == "in" and i + 1 < ent.end  # "Hospital ... in Winnipeg"
        if glued and all(_is_name_word(text[k]) for k in range(i + 1, ent.end)):
            yield i + 1, ent.end, "in"
        if lower[i] not in ORG_PLACE_WORDS:
            continue
        if i > ent.start and all(_is_name_word(text[k]) for k in range(ent.start, i)):
            yield ent.start, i, "word"
        after = i + 1
        if after + 1 < ent.end and lower[after] == "of":
            yield after + 1, ent.end, "word"
            end = after + 1
            while end < ent.end and _is_org_name_word(text[end]):
                end += 1
            # "University of Missouri Extension", "Hospital of Manitoba in Winnipeg"
            for stop in range(min(end, ent.end - 1), after + 1, -1):
                yield after + 1, stop, "word"
    first = ent.start + (lower[ent.start] == "the")
    run = first
    while run < ent.end and run - first < 3 and _is_org_name_word(text[run]):
        run += 1
    for end in range(run, first, -1):  # "Los Angeles County Fire Department": longest first
        if end < ent.end:
            yield first, end, "start"
    if ent.end - first > 1 and _is_name_word(text[ent.end - 1]):
        yield ent.end - 1, ent.end, "end"


_GENERIC_ORG_WORDS = DIRECTIONS | {
    "federal", "national", "central", "capital", "royal", "general", "united", "union",
    "metropolitan", "international", "global", "first",
}  # fmt: skip


def _is_org_name_word(text: str) -> bool:
    """Say whether a word may be part of a place name that starts an organisation ("U.S.")."""
    return text[:1].isupper() and text.replace(".", "").replace("-", "").isalpha()


def _is_direction(word: str) -> bool:
    return word.islower() and word in DIRECTIONS


def _dateline_mentions(text: str, gazetteer: Gazetteer) -> list[_Mention]:
    """Find an agency dateline ("TEHRAN (Reuters) -", "LAGOS, Nigeria —") in the first lines."""
    head = "\n".join(text.split("\n", 4)[:4])
    match = _DATELINE.search(head)
    if match is None or not any(c.isalpha() for c in match["place"]) or len(match["place"]) < 3:
        return []
    found = []
    for group in ("place", "region"):
        candidates = gazetteer.candidates(match[group]) if match[group] else []
        if group == "region" and match[group] and (state := dateline_state(match[group])):
            name, country = state
            candidates = [c for c in gazetteer.candidates(name) if _is_state(c, name, country)]
        if candidates:
            found.append(
                _Mention(match.start(group), match.end(group), match[group], candidates, "dateline")
            )
    return found


def _demonym_mentions(doc: Doc, gazetteer: Gazetteer, taken: Sequence[_Mention]) -> list[_Mention]:
    """Return "Iranian", "Dutch", "South Korean" as mentions of their country."""
    covered = {i for m in taken for i in range(m.start, m.end)}
    tokens = doc_tokens(doc)
    capital = [  # a capitalised alphabetic word: most tokens are not, and start no demonym
        text[:1].isupper() and alpha
        for text, alpha in zip(tokens.text, tokens.is_alpha, strict=True)
    ]
    found: list[_Mention] = []
    i = 0
    while i < len(capital):
        if not capital[i]:
            i += 1
            continue
        size, country = _demonym_at(tokens, capital, i, gazetteer)
        host = tokens.ent_type[i]
        if country is not None and tokens.idx[i] not in covered and host in DEMONYM_HOSTS:
            words = tokens.span_text(i, i + size)
            end = tokens.end_char(i + size)
            found.append(_Mention(tokens.idx[i], end, words, [country], "demonym"))
        i += max(size, 1)
    return found


def _demonym_at(
    tokens: TokenColumns, capital: list[bool], i: int, gazetteer: Gazetteer
) -> tuple[int, GazEntry | None]:
    for size in (2, 1):
        if i + size <= len(capital) and all(capital[i : i + size]):
            country = gazetteer.demonym(tokens.span_text(i, i + size))
            if country is not None:
                return size, country
    return 0, None


def _repeat_mentions(doc: Doc, mentions: Sequence[_Mention]) -> list[_Mention]:
    """Find later uses of an already found name that the tagger missed or mislabelled."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    entity_at = {i: ent for ent in doc_ents(doc) for i in range(ent.start_char, ent.end_char)}
    found = []
    sources = {m.text: m for m in mentions if m.kind == "entity"}
    # a dateline's town is named again in the body ("LONDON, Ky. - London Police")
    for m in mentions:
        if m.kind == "dateline" and m.text.isupper() and m.text.title() not in sources:
            sources[m.text.title()] = m
    for text, source in sources.items():
        # A compound modifier names the place too: "the U.S.-led campaign", "a Texas-based firm".
        for start, end in occurrences(doc_text(doc), text, edge=_NAME_EDGE, after=_NAME_END):
            host = entity_at.get(start)
            if start in covered or (host is not None and host.text != text):
                continue
            found.append(_Mention(start, end, text, source.candidates, "repeat", hint=source.hint))
    return found


_NAME_EDGE = re.compile(r"[\w-]")  # a repeat is a whole name: "Kano", not "Al-Kano"
_NAME_END = re.compile(r"\w|-(?![a-z])")  # ... that may lead a compound: "Kano-based"


def _merge(mentions: Sequence[_Mention], extra: Sequence[_Mention]) -> list[_Mention]:
    """Add ``extra`` mentions that do not overlap ones already found; keep text order."""
    kept = list(mentions)
    for new in extra:
        overlapping = [m for m in kept if m.start < new.end and new.start < m.end]
        if not overlapping:
            kept.append(new)
        elif new.kind == "dateline":
            for m in overlapping:
                m.kind = "dateline"
    return sorted(kept, key=lambda m: (m.start, m.end))


def _state_mentions(
    mentions: Sequence[_Mention], text: str, gazetteer: Gazetteer
) -> list[_Mention]:
    """Read "Springfield, Ill." as the town and its state; the state then qualifies the town.

    The abbreviation replaces what it was taken for ("Ala." as Aalen, "Mo." as Meaux), and is
    reported as the state, the way "Texas" is in "Paris, Texas".
    """
    states = []
    for m in mentions:
        found = state_after(text, m.end)
        if found is None:
            continue
        start, end, name, country = found
        entries = [c for c in gazetteer.candidates(name) if _is_state(c, name, country)]
        if entries:
            states.append(_Mention(start, end, text[start:end], entries[:1], "entity"))
    kept = [m for m in mentions if not any(m.start < s.end and s.start < m.end for s in states)]
    return sorted(kept + states, key=lambda m: (m.start, m.end))


def _is_state(c: GazEntry, name: str, country: str) -> bool:
    return c.country == country and c.feature == "admin1" and fold_name(c.name) == fold_name(name)


def _link_qualifiers(mentions: Sequence[_Mention], text: str) -> None:
    """Link "City, Region" pairs whose candidates fit together (not lists like "Iran, Iraq").

    Neighbours joined by a comma or "and" are also linked as list items: a list names places
    of one kind ("Utah, Virginia, Washington" are states, "Benin, Niger, Togo" countries).
    """
    previous_end = -1
    for first, second in itertools.pairwise(mentions):
        if _LIST_JOIN.fullmatch(text[first.end : second.start]):
            first.listed_with.append(second)
            second.listed_with.append(first)
        # In "Colorado, Georgia, Illinois, Missouri" each name is a list item, not a qualifier.
        listed = previous_end >= 0 and _comma_between(text, previous_end, first.start)
        previous_end = first.end
        if listed or not _comma_between(text, first.end, second.start):
            continue
        if any(_inside(a, b) for a in first.candidates for b in second.candidates):
            first.qualifier = second
            second.qualified.append(first)


_LIST_JOIN = re.compile(r"[ \t]*(?:,|,? (?:and|or))[ \t]*")


def _comma_between(text: str, end: int, start: int) -> bool:
    return re.fullmatch(r"[ \t]*,[ \t]*", text[end:start]) is not None


def _inside(place: GazEntry, area: GazEntry) -> bool:
    """Say whether ``place`` lies in ``area`` (a country, admin1 or admin2 division)."""
    # (a place never lies in itself: each reading below needs two different features)
    if place.country != area.country or place.feature == "country":
        return False
    if area.feature == "country":
        return True
    if area.feature == "admin1":
        return place.feature != "admin1" and _same(place.admin1, area.name)
    # A county is named only within its state: Columbia, Kentucky is in Adair County, Kentucky,
    # not in Adair County, Missouri.
    return (
        area.feature == "admin2"
        and place.feature == "city"
        and _same(place.admin2, area.name)
        and _same(place.admin1, area.admin1)
    )


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and fold_name(a) == fold_name(b)


# ---------------------------------------------------------------- resolution


def _resolve(mentions: Sequence[_Mention], weights: Sequence[float]) -> None:
    """Choose a candidate for each mention; a second round uses the first round's choices."""
    for _ in range(2):
        evidence = _country_evidence(mentions)
        for mention in mentions:
            scored = sorted(
                ((_score(c, mention, mentions, evidence, weights), c) for c in mention.candidates),
                key=lambda sc: -sc[0],
            )
            mention.choice = scored[0][1]
            margin = scored[0][0] - scored[1][0] if len(scored) > 1 else 3.0
            confidence = KIND_CONFIDENCE[mention.kind] / (1.0 + math.exp(-margin))
            mention.confidence = round(min(0.99, max(0.05, confidence)), 3)


# The candidate ranker: a linear score over these features, weights fitted by
# scripts/train_place_ranker.py (resources/places/ranker.json); HAND_WEIGHTS are the weights
# it started from ("Fars province": +3 for the admin1, -2 for the town).
RANKER_FEATURES = (
    "prior", "type_word_fits", "type_word_misfits", "division_of_big_city", "context",
    "qualifier", "containment", "state_context", "list_kin", "near", "far",
)  # fmt: skip
HAND_WEIGHTS = (1.0, 3.0, -2.0, -2.5, 1.0, 1.0, 1.0, 2.0, 1.5, 0.0, 0.0)
NEAR_KM = 300.0  # "near" falls from 1 at the nearest other place to 0 at this distance
FAR_KM = 2000.0  # farther than this from every other place the article names


@functools.cache
def ranker_weights() -> tuple[float, ...]:
    """Return the fitted ranker weights (the hand weights where the file is missing)."""
    path = resources.files("eventscribe").joinpath("resources/places/ranker.json")
    if not path.is_file():
        return HAND_WEIGHTS
    data = json.loads(path.read_text("utf-8"))
    weights = dict(zip(data["features"], data["weights"], strict=True))
    return tuple(float(weights.get(name, 0.0)) for name in RANKER_FEATURES)


def candidate_features(
    c: GazEntry,
    m: _Mention,
    mentions: Sequence[_Mention],
    evidence: _Evidence,
    *,
    proximity: bool = True,
) -> tuple[float, ...]:
    """Return the ranker's features of reading mention ``m`` as ``c`` (see RANKER_FEATURES).

    ``proximity=False`` leaves "near" and "far" at 0 (the costly ones, when unweighted).
    """
    near, far = _proximity(c, m, mentions) if proximity else (0.0, 0.0)
    return (
        prior(c), *_hint_features(c, m), _context_score(c, m, evidence), _qualifier_score(c, m),
        _containment_score(c, m, mentions), _state_context_score(c, m, mentions),
        _list_kin_score(c, m), near, far,
    )  # fmt: skip


def _score(
    c: GazEntry,
    m: _Mention,
    mentions: Sequence[_Mention],
    evidence: _Evidence,
    weights: Sequence[float],
) -> float:
    features = candidate_features(c, m, mentions, evidence, proximity=any(weights[-2:]))
    return sum(w * f for w, f in zip(weights, features, strict=True))


def _proximity(c: GazEntry, m: _Mention, mentions: Sequence[_Mention]) -> tuple[float, float]:
    """Return (near, far): how close a town reading lies to the other towns already chosen."""
    if c.feature not in ("city", "admin2", "admin1"):
        return 0.0, 0.0
    points = {(o.choice.lat, o.choice.lon) for o in mentions
              if o.choice is not None and o.key != m.key and o.choice.feature in ("city", "admin2")}  # fmt: skip
    if not points:
        return 0.0, 0.0
    km = min(haversine_km(c.lat, c.lon, lat, lon) for lat, lon in points)
    return max(0.0, 1.0 - km / NEAR_KM), float(km > FAR_KM)


class _Evidence(defaultdict[str, dict[str, float]]):
    """Country -> {mention key -> weight}, with each mention's view of it worked out once."""

    def __init__(self) -> None:
        super().__init__(lambda: defaultdict(float))
        self._views: dict[str, tuple[dict[str, float], float]] = {}

    def others(self, key: str) -> tuple[dict[str, float], float]:
        """Return (country -> weight of the mentions not named ``key``, their sum over all)."""
        view = self._views.get(key)
        if view is None:
            weights = {c: sum(w for k, w in ws.items() if k != key) for c, ws in self.items()}
            view = self._views[key] = weights, sum(weights.values())
        return view


def _country_evidence(mentions: Sequence[_Mention]) -> _Evidence:
    """Return country -> {mention key -> weight}: what says the article is about that country."""
    evidence = _Evidence()
    for m in mentions:
        if m.choice is not None:
            entry, weight = m.choice, (1.0 if m.choice.feature == "country" else 0.5) * m.confidence
        elif m.kind in ("demonym", "dateline") or m.candidates[0].feature == "country":
            entry, weight = m.candidates[0], 1.0
        elif len({c.country for c in m.candidates}) == 1:
            entry, weight = m.candidates[0], 0.5
        else:
            continue
        evidence[entry.country][m.key] += weight * EVIDENCE_WEIGHT[m.kind]
    return evidence


def _hint_features(c: GazEntry, m: _Mention) -> tuple[float, float, float]:
    """Return (type word fits, type word does not fit, a division named like a big city)."""
    if m.hint is not None:
        return (1.0, 0.0, 0.0) if c.feature == m.hint else (0.0, 1.0, 0.0)
    if c.feature not in ("admin1", "admin2"):
        return 0.0, 0.0, 0.0
    big_city = any(o.feature == "city" and o.country == c.country and o.population >= BIG_CITY
                   and (o.population >= NATIONAL_CITY or _near_division(o, c))
                   for o in m.candidates)  # fmt: skip
    return 0.0, 0.0, float(big_city)


def _near_division(city: GazEntry, division: GazEntry) -> bool:
    """Say whether ``city`` lies in ``division``, or a county's state (towns lack a county)."""
    county = division.feature == "admin2" and _same(city.admin1, division.admin1)
    return county or _inside(city, division)


def _context_score(c: GazEntry, m: _Mention, evidence: _Evidence) -> float:
    """Favour the countries other mentions point to (a name does not vouch for itself)."""
    weights, total = evidence.others(m.key)
    mine = weights.get(c.country, 0)
    return 1.0 + 0.8 * mine / total if mine > 0 else 0.0


def _qualifier_score(c: GazEntry, m: _Mention) -> float:
    score = 0.0
    if m.qualifier is not None:
        areas = [m.qualifier.choice] if m.qualifier.choice else m.qualifier.candidates
        score += 6.0 if any(_inside(c, a) for a in areas) else -3.0
    for inner in m.qualified:
        places = [inner.choice] if inner.choice else inner.candidates
        score += 6.0 if any(_inside(p, c) for p in places) else -3.0
    return score


def _containment_score(c: GazEntry, m: _Mention, mentions: Sequence[_Mention]) -> float:
    """Favour readings that share a division, or a country's set of states, with other places."""
    best = 0.0
    for other in mentions:
        o = other.choice
        # neither lies in the other, nor are both states of one country, across countries
        if o is None or o.country != c.country or other.key == m.key or o.feature == "country":
            continue
        if _inside(c, o) or _inside(o, c):
            return 1.5
        if c.feature == o.feature == "admin1" and c.country == o.country:
            best = 1.0  # "Georgia" beside "Texas" and "Florida" is the state
    return best


def _list_kin_score(c: GazEntry, m: _Mention) -> float:
    """Return 1 when a list neighbour was read as a country, or a division of ``c``'s country.

    Towns are left out: a list of towns names their states and countries as well.
    """
    if c.feature == "city":
        return 0.0
    return float(any(o.choice is not None and o.key != m.key and o.choice.feature == c.feature
                     and (c.feature == "country" or o.choice.country == c.country)
                     for o in m.listed_with))  # fmt: skip


def _state_context_score(c: GazEntry, m: _Mention, mentions: Sequence[_Mention]) -> float:
    """Return the share of the article's other places in ``c``'s country that lie in its state.

    A local report stays in its state: "Dallas County" in a report about Plymouth County,
    Black Hawk County and Hinton, Iowa is Iowa's, not the bigger Texas one. Only counties: a
    town's bigger namesake elsewhere is named often enough to be meant ("WASHINGTON" over a
    report on Iowa is the capital), and only a county named as such ("Suárez" may be the town
    or the Colombian municipality around it, in the same department).
    """
    if m.hint != "admin2" or c.feature != "admin2" or c.admin1 is None:
        return 0.0
    weights: dict[str, float] = defaultdict(float)
    for other in mentions:
        o = other.choice
        if o is None or other.key == m.key or o.feature == "country" or o.country != c.country:
            continue
        if o.admin1 is not None:
            weights[fold_name(o.admin1)] += EVIDENCE_WEIGHT[other.kind]
    total = sum(weights.values())
    return weights.get(fold_name(c.admin1), 0.0) / total if total else 0.0


@functools.cache
def demonym_points() -> dict[int, tuple[float, float]]:
    """Return geonames id -> where annotators put a country named by its demonym.

    A country's point is a convention (points.tsv); the coders who geocode a demonym
    ("Canadian") at all keep to their own, so ``scripts/fit_place_points.py --demonyms`` fits
    it apart, on demonym mentions of the tuning halves (resources/places/demonym_points.tsv).
    """
    path = resources.files("eventscribe").joinpath("resources/places/demonym_points.tsv")
    if not path.is_file():
        return {}
    points = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            gid, lat, lon, *_ = line.split("\t")
            points[int(gid)] = (float(lat), float(lon))
    return points


def _to_place(m: _Mention) -> Place:
    c = m.choice
    assert c is not None
    lat, lon = c.lat, c.lon
    if m.kind == "demonym" and c.feature == "country" and c.geonames_id is not None:
        lat, lon = demonym_points().get(c.geonames_id, (lat, lon))
    return Place(
        name=c.name, text=m.text, start=m.start, end=m.end, geonames_id=c.geonames_id,
        lat=lat, lon=lon, admin1=c.admin1 if c.feature != "country" else None,
        admin2=c.admin2, country=c.country or None, feature=c.feature,
        precision=PRECISIONS.get(c.feature), confidence=m.confidence,
    )  # fmt: skip


# ---------------------------------------------------------------- article focus


def focus_place(places: Sequence[Place]) -> Place | None:
    """Return the article's main place: the most mentioned city, else admin1, admin2, country."""
    # A dateline ("LAGOS, Nigeria (AP) —") says where the report was filed, not where things
    # happened: an all-capitals mention counts only when nothing else is at its level.
    for feature in ("city", "admin1", "admin2", "country"):
        level = [p for p in places if p.feature == feature]
        in_text = [p for p in level if not (p.text.isupper() and len(p.text) > 3)]
        if in_text or level:
            return _most_mentioned(in_text or level)
    return None


def _most_mentioned(places: Sequence[Place]) -> Place:
    counts = Counter(_identity(p) for p in places)
    best = max(counts.values())
    return next(p for p in places if counts[_identity(p)] == best)


def focus_country(places: Sequence[Place]) -> str | None:
    """Return the alpha-3 code of the country the article's places mostly lie in."""
    countries = [p.country for p in places if p.country]
    if not countries:
        return None
    counts = Counter(countries)
    best = max(counts.values())
    return next(c for c in countries if counts[c] == best)


def _identity(place: Place) -> tuple[object, ...]:
    return (place.geonames_id, place.name, place.lat, place.lon)
