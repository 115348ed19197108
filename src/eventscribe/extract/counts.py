"""How many were killed, injured, arrested or took part.

INTERFACE (the counts helper implements the functions; the dataclass is fixed):

    parse_quantity(text: str) -> Count | None
    find_counts(span: Span) -> list[CountMention]
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from eventscribe.parse import doc_ents, doc_text, span_tokens
from eventscribe.records import Count

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

CountCategory = Literal["fatalities", "injuries", "arrests", "participants"]


@dataclass(slots=True, frozen=True, kw_only=True)
class CountMention:
    """A figure for one category, with the character span of the whole phrase."""

    category: CountCategory
    count: Count
    start: int
    end: int


# --- parse_quantity -------------------------------------------------------------------------


def _ordered(words: str) -> tuple[str, ...]:
    return tuple(words.split())


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


_UNITS = _ordered(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_TENS = _ordered("twenty thirty forty fifty sixty seventy eighty ninety")
_WORD_VALUES = {word: i for i, word in enumerate(_UNITS)}
_WORD_VALUES.update({word: 10 * (i + 2) for i, word in enumerate(_TENS)})
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
# Vague amounts: (min, max) by contract ("hundreds" -> 200..999); longest phrases first.
_VAGUE: dict[str, tuple[int, int | None]] = {
    "hundreds of thousands": (200_000, 999_999),
    "tens of thousands": (20_000, 99_999),
    "several hundred": (300, 999),
    "a few hundred": (200, 999),
    "several thousand": (3000, 9999),
    "a few thousand": (2000, 9999),
    "several dozen": (36, 99),
    "a few dozen": (24, 99),
    "dozens": (24, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2000, 9999),
    "millions": (2_000_000, 9_999_999),
    "a number of": (2, None),
    "a number": (2, None),
    "a handful": (2, 9),
    "a few": (2, 9),
    "several": (3, None),
    "numerous": (2, None),
    "many": (2, None),
    "some": (2, None),
}
_EXACT_PHRASES = {"half a dozen": 6, "a dozen": 12, "dozen": 12, "a couple of": 2, "a couple": 2}
_AT_LEAST = ("at least", "no fewer than", "no less than", "a minimum of", "not less than")
_MORE_THAN = ("more than", "over", "upwards of", "in excess of", "above", "greater than")
_UP_TO = ("up to", "as many as", "at most", "a maximum of", "no more than", "not more than")
_LESS_THAN = ("fewer than", "less than", "under", "below")
_ABOUT = (
    *_ordered("nearly almost about around approximately roughly some estimated approx only"),
    *("an estimated", "an approximate", "close to", "just over", "just under"),
)


def parse_quantity(text: str) -> Count | None:
    """Parse how many people a phrase names ("three", "1.2 million", "hundreds", "at least 12")."""
    words = _words(text)
    qualifier, rest = _strip_prefix(words, _AT_LEAST + _MORE_THAN + _UP_TO + _LESS_THAN + _ABOUT)
    if qualifier == "" and rest[:1] == ["between"]:
        return _range(rest[1:], text)
    base = _base(rest)
    if base is None:
        return None
    value, low, high, used = base
    tail = rest[used:]
    if value is not None and tail[:1] in (["to"], ["or"]) and qualifier == "":
        other = _base(tail[1:])
        if other is not None and other[0] is not None and other[0] > value:
            return Count(min=value, max=other[0], text=text.strip())
    return _qualified(qualifier, value, low, high, text.strip())


def _words(text: str) -> list[str]:
    low = text.lower().replace("’", "'")
    low = re.sub(r"(?<=\d)\s*[-–]\s*(?=\d)", " to ", low)
    low = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", low)
    return re.findall(r"\d[\d,.]*\d|\d|[a-z']+", low)


def _strip_prefix(words: list[str], prefixes: tuple[str, ...]) -> tuple[str, list[str]]:
    for prefix in sorted(prefixes, key=len, reverse=True):
        size = len(prefix.split())
        matches = " ".join(words[:size]) == prefix and len(words) > size
        if matches and _base(words[size:]) is not None:
            return prefix, words[size:]
    return "", words


def _range(words: list[str], text: str) -> Count | None:
    first = _base(words)
    if first is None or first[0] is None or words[first[3] : first[3] + 1] not in (["and"], ["to"]):
        return None
    second = _base(words[first[3] + 1 :])
    if second is None or second[0] is None:
        return None
    return Count(min=first[0], max=second[0], text=text.strip())


def _qualified(
    qualifier: str, value: int | None, low: int | None, high: int | None, text: str
) -> Count:
    number = value if value is not None else low
    if qualifier in _AT_LEAST:
        return Count(value=value, min=number, max=None, text=text)
    if qualifier in _MORE_THAN and number is not None:
        return Count(min=number + 1, text=text)
    if qualifier in _UP_TO:
        return Count(max=value if value is not None else high, text=text)
    if qualifier in _LESS_THAN and value is not None:
        return Count(max=value - 1, text=text)
    return Count(value=value, min=low, max=high, text=text)


_Base = tuple[int | None, int | None, int | None, int]  # value, min, max, words used


def _base(words: list[str]) -> _Base | None:
    """Read the amount at the start of ``words``."""
    joined = " ".join(words)
    for phrase in sorted(_EXACT_PHRASES, key=len, reverse=True):
        if joined == phrase or joined.startswith(phrase + " "):
            return _EXACT_PHRASES[phrase], None, None, len(phrase.split())
    if words[:2] == ["no", "one"] or words[:1] in (["nobody"], ["none"]):
        return 0, None, None, 2 if words[0] == "no" else 1
    number = _number(words)
    if number is not None:
        return number[0], None, None, number[1]
    for phrase, (low, high) in _VAGUE.items():
        if joined == phrase or joined.startswith(phrase + " "):
            return None, low, high, len(phrase.split())
    return None


def _number(words: list[str]) -> tuple[int, int] | None:
    """Read digits or number words ("1,200", "1.2 million", "two hundred and fifty")."""
    if not words:
        return None
    if re.fullmatch(r"\d[\d,.]*", words[0]):
        amount = float(words[0].replace(",", "")) if words[0].count(".") <= 1 else None
        if amount is None:
            return None
        scale = _SCALES.get(words[1], 1) if len(words) > 1 else 1
        return round(amount * scale), 1 + (scale > 1)
    return _word_number(words)


def _word_number(words: list[str]) -> tuple[int, int] | None:
    total, current, used = 0, 0, 0
    for i, word in enumerate(words):
        if word in _WORD_VALUES:
            current += _WORD_VALUES[word]
        elif word in _SCALES and (used or word != "hundred" or i == 0):
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] > 100:
                total, current = total + current, 0
        elif word in ("a", "an") and i == 0 and len(words) > 1 and words[1] in _SCALES:
            current = 1
        elif word == "and" and used and i + 1 < len(words) and words[i + 1] in _WORD_VALUES:
            continue
        else:
            break
        used = i + 1
    return (total + current, used) if used else None


# --- find_counts ----------------------------------------------------------------------------


_FATAL_WORDS = _lexicon(
    "kill killed die died murder murdered slay slain massacre massacred behead beheaded "
    "perish perished martyr martyred execute executed lynch lynched assassinate "
    "assassinated gun gunned drown drowned"
)
_FATAL_NOUNS = _lexicon(
    "dead death deaths body bodies corpse corpses fatality fatalities martyr martyrs killed "
    "killing killings murder murders execution executions massacre assassination"
)
_INJURY_WORDS = _lexicon(
    "injure injured wound wounded hurt hospitalise hospitalised hospitalize hospitalized "
    "maim maimed"
)
_INJURY_NOUNS = {"injured", "wounded", "injury", "injuries", "casualty", "casualties", "hurt"}
_ARREST_WORDS = _lexicon(
    "arrest arrested detain detained jail jailed imprison imprisoned apprehend apprehended "
    "nab nabbed"
)
_ARREST_NOUNS = {"arrest", "arrests", "arrested", "detention", "detentions", "detained"}
_PARTICIPANT_NOUNS = _lexicon(
    "protester protesters protestor protestors demonstrator demonstrators marcher marchers "
    "striker strikers rioter rioters participant participants picketer picketers"
)
# Base forms plus past forms: the small model's lemmatizer slips ("staged" -> "stag").
_PARTICIPANT_VERBS = _lexicon(
    "gather rally march protest demonstrate assemble attend join participate chant shout "
    "swear vow wave block occupy storm strike stage converge flock throng pour clash sing "
    "picket riot boycott gathered rallied marched protested demonstrated assembled attended "
    "joined participated chanted shouted swore vowed waved blocked occupied stormed struck "
    "staged converged flocked thronged poured clashed sang picketed rioted boycotted"
)
_DRAW_VERBS = {"draw", "drew", "attract", "mobilise", "mobilize", "bring", "brought"}
_CROWD_NOUNS = _lexicon(
    "crowd crowds rally march protest demonstration procession gathering convoy sit-in strike"
)
# Nouns a number can count that are not people.
_NOT_PEOPLE = _lexicon(
    "second minute hour day week month year decade century time percent per cent km "
    "kilometre kilometer mile metre meter dollar euro pound round shot vehicle car house "
    "home building city town village province country point % article page kg ton"
)
_QUANTITY_WORDS = _lexicon(
    "dozen dozens hundreds thousands millions scores several handful couple many numerous "
    "none nobody tens half"
)
_PHRASE_DEPS = {"quantmod", "advmod", "amod", "compound", "nummod", "cc", "conj", "det"}
_SUBJECTS = ("nsubj", "nsubjpass")
_DATE_WORDS = re.compile(
    r"(?i)\b(?:day|week|month|year|decade|century|ago|old|\d{4}|jan|feb|mar|apr|may|jun|jul|aug"
    r"|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)"
)


def find_counts(span: Span) -> list[CountMention]:
    """Find figures for fatalities, injuries, arrests and participants in a sentence.

    One mention per figure: "two officers and five protesters were injured" gives injuries 2
    and injuries 5; competing claims give one mention each. Subsets ("including three
    children") are left out so that the figures of one category can be summed.
    """
    mentions: list[CountMention] = []
    for token in span_tokens(span):
        if not _is_phrase_head(token):
            continue
        mention = _mention(token, previous=mentions)
        if mention is not None:
            mentions.append(mention)
    return mentions


def _lemma(token: Token) -> str:
    return (token.lemma_ or token.lower_).lower()


def _is(token: Token | None, words: AbstractSet[str]) -> bool:
    return token is not None and (token.lower_ in words or _lemma(token) in words)


def _is_quantity(token: Token) -> bool:
    if token.like_num and not re.fullmatch(r"(?:1[89]|20)\d\d", token.text):
        return True
    if token.lower_ == "number":
        return any(c.lower_ in ("a", "an") for c in token.children)
    if token.lower_ == "some":
        return token.dep_ == "det"
    return token.lower_ in _QUANTITY_WORDS or (
        token.lower_ == "few" and token.i > 0 and token.nbor(-1).lower_ == "a"
    )


def _is_phrase_head(token: Token) -> bool:
    if not _is_quantity(token) or _in_date_like_entity(token):
        return False
    return not (_is_quantity(token.head) and token.dep_ in _PHRASE_DEPS and token.head != token)


def _in_date_like_entity(token: Token) -> bool:
    if token.ent_type_ in ("TIME", "MONEY", "PERCENT", "ORDINAL", "QUANTITY"):
        return True
    if token.ent_type_ != "DATE":
        return False
    ent = next(e for e in doc_ents(token.doc) if e.start <= token.i < e.end)
    return _DATE_WORDS.search(ent.text) is not None


def _phrase_tokens(head: Token) -> list[Token]:
    """The quantity words under ``head`` ("at least 35", "tens of thousands", "a number of")."""
    found, todo = [head], [head]
    while todo:
        for child in todo.pop().children:
            wanted = child.dep_ in _PHRASE_DEPS or (
                child.dep_ == "prep" and child.lower_ == "of" and head.lower_ == "number"
            )
            if wanted and not (child.pos_ in ("NOUN", "PROPN") and not _is_quantity(child)):
                found.append(child)
                todo.append(child)
    return sorted(found, key=lambda t: t.i)


def _counted(head: Token) -> Token | None:
    """The noun the figure counts: "12 people", "hundreds of demonstrators", None for "12 died"."""
    if head.dep_ == "nummod" or (
        head.dep_ in ("amod", "det") and head.head.pos_ in ("NOUN", "PROPN", "ADJ")
    ):
        return head.head
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return next((c for c in prep.children if c.dep_ == "pobj"), None)
    return None


_VICTIM_NOUNS: tuple[tuple[CountCategory, AbstractSet[str]], ...] = (
    ("fatalities", _FATAL_NOUNS),
    ("injuries", _INJURY_NOUNS),
    ("arrests", _ARREST_NOUNS),
)
_VICTIM_VERBS: tuple[tuple[CountCategory, AbstractSet[str]], ...] = (
    ("fatalities", _FATAL_WORDS),
    ("injuries", _INJURY_WORDS),
    ("arrests", _ARREST_WORDS),
)
_GROUP_WORDS = {"total", "group", "batch", "contingent", "team"}
_SUBSET_PREPS = {"including", "among", "amongst", "like"}
_PRONOUNS = {"whom", "them", "those", "who", "us", "which"}
_REPORTING = {"say", "says", "said", "put", "report", "claim", "give", "estimate", "count", "reach"}


def _mention(head: Token, *, previous: list[CountMention]) -> CountMention | None:
    phrase = _with_estimate(_phrase_tokens(head))
    noun = _counted(head)
    count = parse_quantity(head.doc[phrase[0].i : phrase[-1].i + 1].text)
    if count is None or _is(noun, _NOT_PEOPLE) or (noun is not None and noun.like_num):
        return None
    top = _whole_group(noun if noun is not None and noun.i == head.head.i else head)
    category = _category(noun, top, previous=previous)
    if category is None or _is_subset(top, noun):
        return None
    last = phrase[-1]
    if noun is not None and noun.i > last.i and _shown(noun):
        last = noun
    start, end = phrase[0].idx, last.idx + len(last.text)
    text = doc_text(head.doc)[start:end]
    count = Count(value=count.value, min=count.min, max=count.max, text=text)
    return CountMention(category=category, count=count, start=start, end=end)


def _whole_group(top: Token) -> Token:
    """Climb "a total of 40 people" / "a group of 12 students" to the word the verb governs."""
    owner = top.head.head
    if top.dep_ == "pobj" and top.head.lower_ == "of" and _lemma(owner) in _GROUP_WORDS:
        return owner
    return top


def _with_estimate(phrase: list[Token]) -> list[Token]:
    """Add "an estimated" / "approximately", which the parser hangs on the noun."""
    first = phrase[0]
    if first.i > 0 and first.nbor(-1).lower_ in ("estimated", "approximately", "roughly"):
        first = first.nbor(-1)
        if first.i > 0 and first.nbor(-1).lower_ in ("an", "a"):
            first = first.nbor(-1)
    return [*first.doc[first.i : phrase[0].i], *phrase]


def _shown(noun: Token) -> bool:
    """Tell whether the counted noun belongs in the phrase ("12 people", not "three dead")."""
    cue = noun.lower_ in _FATAL_NOUNS | _INJURY_NOUNS | _ARREST_NOUNS
    return noun.lower_ not in _PRONOUNS and noun.pos_ != "PRON" and (not cue or noun.tag_ == "NNS")


def _clause_member(token: Token) -> Token:
    """Climb from a conjunct ("five protesters" in "two officers and five protesters")."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def _is_subset(top: Token, noun: Token | None) -> bool:
    """Tell whether a figure is part of another: "including three children", "five of the dead"."""
    member = _clause_member(top)
    if member.dep_ == "appos" or (member.dep_ == "pobj" and member.head.lower_ in _SUBSET_PREPS):
        return True
    if any(c.dep_ == "prep" and c.lower_ in _SUBSET_PREPS and c.i < top.i for c in top.children):
        return True  # "among them several activists"
    partitive = noun is not None and noun.head.lower_ == "of" and noun.head.head.i == top.i
    definite = noun is not None and any(c.lower_ == "the" for c in noun.children)
    return partitive and definite and _noun_category(noun) not in (None, "participants")


def _category(
    noun: Token | None, top: Token, *, previous: list[CountMention]
) -> CountCategory | None:
    if noun is not None and _noun_category(noun) not in (None, "participants"):
        return _noun_category(noun)
    found = _modifier_category(noun or top) or _verb_category(top)
    if found is not None:
        return found
    if _is_participants(noun, top):
        return "participants"
    if noun is None and previous and _is_reported_figure(top):
        return previous[-1].category  # "activists say 12 killed; state media says 3"
    return None


def _is_fatal_casualty(noun: Token | None) -> bool:
    return (
        noun is not None
        and noun.lower_.startswith("casualt")
        and any(c.lower_ == "fatal" for c in noun.children)
    )


def _word_category(token: Token) -> CountCategory | None:
    for category, words in _VICTIM_VERBS:
        if _is(token, words):
            return category
    return None


def _modifier_category(token: Token) -> CountCategory | None:
    """Read "12 people killed", "40 injured people", "three left dead"."""
    for child in token.children:
        if child.dep_ in ("acl", "relcl", "amod") and child.i != token.i:
            found = "fatalities" if child.lower_ == "dead" else _word_category(child)
            if found is not None:
                return found
    return None


def _verb_category(top: Token) -> CountCategory | None:
    member = _clause_member(top)
    verb = member.head
    if member.dep_ in _SUBJECTS:
        if _suffered(verb) is not None:
            return _suffered(verb)
        found = _victim_predicate(verb)
        if found is not None and (
            member.dep_ == "nsubjpass" or _is_passive(verb) or _is_intransitive(verb)
        ):
            return found
        return _among_category(verb)
    if member.dep_ in ("dobj", "oprd"):
        return _word_category(verb) or _left_category(verb)
    if member.dep_ == "pobj" and member.head.lower_ == "of":
        found = _noun_category(member.head.head)  # "the deaths of 304 people"
        return None if found == "participants" else found
    if member.dep_ == "pobj":
        return _toll_category(member.head.head)
    if member.dep_ == "attr":
        return _toll_category(verb)
    return None


def _victim_predicate(verb: Token) -> CountCategory | None:
    """Category of a predicate: "were killed", "were found dead", "were held in custody"."""
    found = _word_category(verb) or _left_category(verb)
    lemma = _lemma(verb)
    if found is None and lemma in ("hold", "round", "take") and _is_passive(verb):
        custody = lemma != "take" or "custody" in {_lemma(t) for t in verb.subtree}
        return "arrests" if custody else None
    return found


def _suffered(verb: Token) -> CountCategory | None:
    """Read predicates whose subject is the victim: "lost their lives", "sustained injuries"."""
    objects = {_lemma(c) for c in verb.children if c.dep_ in ("dobj", "prep")}
    objects |= {_lemma(g) for c in verb.children if c.dep_ == "prep" for g in c.children}
    lemma = _lemma(verb)
    if lemma == "lose" and "life" in objects:
        return "fatalities"
    if lemma in ("suffer", "sustain", "treat", "receive") and objects & {"injury", "wound"}:
        return "injuries"
    if lemma == "treat" and "for" in objects and _is_passive(verb):
        return "injuries"  # "were treated for tear gas inhalation"
    return None


def _left_category(verb: Token) -> CountCategory | None:
    """Read "left three dead", "were shot dead", "were found injured"."""
    for child in verb.children:
        if child.dep_ in ("oprd", "acomp", "xcomp", "ccomp", "advcl", "conj") and child.i > verb.i:
            for category, words in _VICTIM_NOUNS:
                if (child.lower_ in words and child.pos_ == "ADJ") or child.lower_ == "dead":
                    return category
    return None


def _is_passive(verb: Token) -> bool:
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return True
    return verb.tag_ == "VBN" and not any(c.dep_ == "dobj" for c in verb.children)


def _is_intransitive(verb: Token) -> bool:
    return _lemma(verb) in ("die", "perish") or not any(c.dep_ == "dobj" for c in verb.children)


def _among_category(verb: Token) -> CountCategory | None:
    """Read "a number of women are amongst those wounded" / "among the dead"."""
    if _lemma(verb) != "be":
        return None
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("among", "amongst"):
            for group in prep.children:
                for category, words in _VICTIM_NOUNS:
                    if _is(group, words):
                        return category
                if group.dep_ == "pobj":
                    return _modifier_category(group)
    return None


_TALLIES = {"toll", "number", "figure", "tally", "count", "turnout", "attendance"}


def _toll_category(owner: Token) -> CountCategory | None:
    """Read "the death toll rose to 40", "put the number of dead at 106", "turnout was 5,000"."""
    tallies = [owner] + [c for c in owner.children if c.dep_ in (*_SUBJECTS, "dobj")]
    for tally in tallies:
        if _lemma(tally) in ("turnout", "attendance", "crowd"):
            return "participants"
        if _lemma(tally) in _TALLIES:
            kinds = {_lemma(c) for c in tally.children}
            if kinds & {"injury", "casualty"}:
                return "injuries"
            counted = _of_object(tally)
            if counted is not None:
                return _noun_category(counted) or _modifier_category(counted)
            return "fatalities" if tally.lower_ == "toll" else None
    return None


def _of_object(token: Token) -> Token | None:
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return next((c for c in prep.children if c.dep_ == "pobj"), None)
    return None


def _noun_category(noun: Token | None) -> CountCategory | None:
    for category, words in _VICTIM_NOUNS:
        if _is(noun, words):
            return "fatalities" if _is_fatal_casualty(noun) else category
    return "participants" if _is(noun, _PARTICIPANT_NOUNS) else None


def _is_participants(noun: Token | None, top: Token) -> bool:
    if _is(noun, _PARTICIPANT_NOUNS):
        return True
    member = _clause_member(top)
    verb = member.head
    if member.dep_ in _SUBJECTS:
        verbs = [verb, *(c for c in verb.children if c.dep_ in ("xcomp", "advcl"))]
        return any(_is(v, _PARTICIPANT_VERBS) or _is_turnout(v) for v in verbs)
    if member.dep_ == "dobj":
        return _is(verb, _DRAW_VERBS)
    return (
        member.dep_ == "pobj" and member.head.lower_ == "of" and _is(member.head.head, _CROWD_NOUNS)
    )


def _is_turnout(verb: Token) -> bool:
    """Read "took part", "turned out", "took to the streets", "held a vigil"."""
    parts = {c.lower_ for c in verb.children if c.dep_ in ("dobj", "prt", "prep")}
    lemma = _lemma(verb)
    if lemma == "hold":
        return any(_lemma(c) in _CROWD_NOUNS | {"vigil"} for c in verb.children if c.dep_ == "dobj")
    return (lemma == "take" and bool(parts & {"part", "to"})) or (
        lemma in ("turn", "come", "walk") and "out" in parts
    )


def _is_reported_figure(top: Token) -> bool:
    member = _clause_member(top)
    if member.dep_ == "pobj" and member.head.lower_ == "at":
        return _lemma(member.head.head) in _REPORTING
    return member.dep_ in ("dobj", "attr", "ccomp") and _lemma(member.head) in _REPORTING
