"""Dates resolved against the publication date.

INTERFACE (the dates helper implements the functions; the dataclasses are fixed):

    resolve_date(text: str, *, published: datetime.date | None) -> DateValue | None
    find_dates(doc: Doc, *, published: datetime.date | None) -> list[DateMention]
    date_for_sentence(sent: Span, *, dates, published, historical=False) -> DateValue | None

Rules (news reports the past):
- Relative expressions ("on Tuesday", "in December", "last week", "yesterday", "two days ago",
  "earlier this month") resolve backwards from the publication date; "next", "coming",
  "upcoming" and "tomorrow" resolve forwards. Without a publication date they give None.
- A day and month without a year ("May 3") takes the latest occurrence no later than seven
  days after publication (metadata is often a day off, and near announcements are common).
- Absolute expressions ("3 May 2018", "December 2017", "2017") resolve with or without one.
- Durations, ages and decades ("for three days", "20 years old", "the 1990s") give None.
- Week, month and year precision give the first day of the period (weeks start on Monday).
dateparser is not used: its guesses on fragments ("We" -> Wednesday) are worse than None.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventscribe.parse import doc_ents, doc_text
from eventscribe.records import DatePrecision

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


@dataclass(slots=True, frozen=True, kw_only=True)
class DateValue:
    """A resolved calendar date; for week/month/year precision, the first day of that period."""

    date: str  # YYYY-MM-DD
    precision: DatePrecision


@dataclass(slots=True, frozen=True, kw_only=True)
class DateMention:
    """A date expression in the text, resolved when possible (value None = unresolvable)."""

    text: str
    start: int
    end: int
    value: DateValue | None


_Date = datetime.date
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = (  # noqa: SIM905 (one line reads better than twelve)
    "january february march april may june july august september october november december"
).split()
_MONTHS = {name: i + 1 for i, name in enumerate(_MONTH_NAMES)}
_MONTHS.update({name[:3]: i + 1 for i, name in enumerate(_MONTH_NAMES)})
_MONTHS["sept"] = 9
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_SMALL.update({"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12})
_FUTURE = ("next", "coming", "upcoming", "this coming")
_MONTH_RE = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DURATION = re.compile(
    r"\b(?:old|aged?|decades?|centur(?:y|ies)|\d{4}s|(?:for|over|within|past|last|next)"
    r" (?:the )?(?:\d+|few|several|couple|" + "|".join(_SMALL) + r"))\b"
)


def resolve_date(text: str, *, published: datetime.date | None) -> DateValue | None:
    """Resolve a date expression against the publication date; None when it names no date."""
    low = " ".join(text.lower().replace("’", "'").split())
    if _DURATION.search(low) and "ago" not in low:
        return None
    for rule in _RULES:
        found = rule(low, published)
        if found is not None:
            return found
    return None


def _value(day: _Date, precision: DatePrecision) -> DateValue:
    return DateValue(date=day.isoformat(), precision=precision)


def _is_future(low: str) -> bool:
    return any(re.search(rf"\b{cue}\b", low) for cue in _FUTURE)


def _monday(day: _Date) -> _Date:
    return day - datetime.timedelta(days=day.weekday())


def _shift_month(day: _Date, months: int) -> _Date:
    index = day.year * 12 + day.month - 1 + months
    return _Date(index // 12, index % 12 + 1, 1)


def _relative_day(low: str, published: _Date | None) -> DateValue | None:
    if published is None:
        return None
    offsets = (
        (r"\bday before yesterday\b", -2),
        (r"\bday after tomorrow\b", 2),
        (r"\b(?:yesterday|last night)\b", -1),
        (r"\btomorrow\b", 1),
        (r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", 0),
    )
    for pattern, days in offsets:
        if re.search(pattern, low):
            return _value(published + datetime.timedelta(days=days), "day")
    return None


def _ago(low: str, published: _Date | None) -> DateValue | None:
    found = re.search(r"\b(\d+|[a-z]+) (day|week|month|year)s? ago\b", low)
    if published is None or found is None:
        return None
    amount = int(found[1]) if found[1].isdigit() else _SMALL.get(found[1])
    if amount is None:
        return None
    unit = found[2]
    if unit in ("day", "week"):
        day = published - datetime.timedelta(days=amount * (7 if unit == "week" else 1))
        return _value(day if unit == "day" else _monday(day), "day" if unit == "day" else "week")
    if unit == "month":
        return _value(_shift_month(published, -amount), "month")
    return _value(_Date(published.year - amount, 1, 1), "year")


def _relative_period(low: str, published: _Date | None) -> DateValue | None:
    found = re.search(r"\b(this|last|next|coming|the) (week|weekend|month|year)\b", low)
    if published is None or found is None or re.search(r"\b(?:past|previous)\b", low):
        return None
    step = {"last": -1, "next": 1, "coming": 1}.get(found[1], 0)
    unit = found[2]
    if unit == "weekend":
        # The weekend just past (or the next one); a weekend is reported at week precision.
        days_back = (published.weekday() - 5) % 7
        saturday = published - datetime.timedelta(days=days_back) + datetime.timedelta(weeks=step)
        return _value(_monday(saturday), "week")
    if unit == "week":
        return _value(_monday(published) + datetime.timedelta(weeks=step), "week")
    if unit == "month":
        return _value(_shift_month(published, step), "month")
    return _value(_Date(published.year + step, 1, 1), "year")


def _weekday(low: str, published: _Date | None) -> DateValue | None:
    found = re.search(r"\b(?:(last|next|coming|this|past) )?(" + "|".join(_WEEKDAYS) + r")\b", low)
    if published is None or found is None or _has_month_or_year(low):
        return None
    target = _WEEKDAYS.index(found[2])
    if found[1] in ("next", "coming") or _is_future(low):
        ahead = (target - published.weekday()) % 7 or 7
        return _value(published + datetime.timedelta(days=ahead), "day")
    back = (published.weekday() - target) % 7
    if found[1] in ("last", "past") and back == 0:
        back = 7
    return _value(published - datetime.timedelta(days=back), "day")


def _has_month_or_year(low: str) -> bool:
    return bool(re.search(r"\b\d{4}\b", low)) or _month_in(low) is not None


def _month_in(low: str) -> int | None:
    found = re.search(rf"\b{_MONTH_RE}(?![a-z])", low)
    return None if found is None else _MONTHS[found[1]]


def _numeric(low: str, published: _Date | None) -> DateValue | None:
    iso = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", low)
    if iso is not None:
        return _day_value(int(iso[1]), int(iso[2]), int(iso[3]))
    slash = re.search(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b", low)
    if slash is None:
        return None
    first, second, year = int(slash[1]), int(slash[2]), int(slash[3])
    if first > 12 >= second:
        return _day_value(year, second, first)
    if second > 12 >= first:
        return _day_value(year, first, second)
    return None  # 03/05/2018: day-first or month-first cannot be told apart


def _day_value(year: int, month: int, day: int) -> DateValue | None:
    try:
        return _value(_Date(year, month, day), "day")
    except ValueError:
        return None


def _day_month(low: str, published: _Date | None) -> DateValue | None:
    day_first = re.search(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH_RE}(?:,? (\d{{4}}))?", low
    )
    month_first = re.search(rf"\b{_MONTH_RE} (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?", low)
    if day_first is not None:
        day, month, year = int(day_first[1]), _MONTHS[day_first[2]], day_first[3]
    elif month_first is not None:
        month, day, year = _MONTHS[month_first[1]], int(month_first[2]), month_first[3]
    else:
        return None
    if year is not None:
        return _day_value(int(year), month, day)
    if published is None:
        return None
    return _day_value(_year_for(month, day, published, future=_is_future(low)), month, day)


def _year_for(month: int, day: int, published: _Date, *, future: bool) -> int:
    """Pick the year of a day-month: the next one after a future cue, else the latest past one."""
    key = (month, min(day, 28))
    if future:
        return published.year + (key < (published.month, published.day))
    grace = published + datetime.timedelta(days=7)
    return grace.year - (key > (grace.month, grace.day))


def _month_year(low: str, published: _Date | None) -> DateValue | None:
    found = re.search(rf"\b{_MONTH_RE},? (\d{{4}})\b", low)
    if found is None:
        return None
    return _value(_Date(int(found[2]), _MONTHS[found[1]], 1), "month")


def _month_only(low: str, published: _Date | None) -> DateValue | None:
    month = _month_in(low)
    if published is None or month is None:
        return None
    if _is_future(low):
        return _value(_Date(published.year + (month < published.month), month, 1), "month")
    strictly_before = re.search(r"\blast\b", low) is not None
    earlier = month < published.month or (month == published.month and not strictly_before)
    return _value(_Date(published.year - (not earlier), month, 1), "month")


def _year(low: str, published: _Date | None) -> DateValue | None:
    found = re.search(r"(?<![\d$£€])\b(1\d{3}|2[01]\d{2})\b(?![\d%])", low)
    if found is None:
        return None
    return _value(_Date(int(found[1]), 1, 1), "year")


_Rule = Callable[[str, "_Date | None"], "DateValue | None"]
_RULES: tuple[_Rule, ...] = (
    _numeric,
    _day_month,
    _month_year,
    _month_only,
    _relative_day,
    _ago,
    _relative_period,
    _weekday,
    _year,
)


_CAP_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# Expressions the small NER model often misses. Month names are capitalised and "May" only
# counts beside a day, a year or a preposition, so the modal verb never becomes a date;
# weekdays need a cue ("on", "last", "night") so that "the Sunday Times" stays a name.
_EXTRA = re.compile(
    rf"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his|coming|late|early) {_WEEKDAY_RE}(?!s)"
    rf"|(?<=\b(?:on|On) ){_WEEKDAY_RE}(?!s)"
    rf"|(?<=\b(?:since|until) ){_WEEKDAY_RE}(?!s)"
    rf"|{_WEEKDAY_RE}(?= (?:morning|afternoon|evening|night))"
    rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_CAP_MONTH}(?:,? \d{{4}})?"
    rf"|{_CAP_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?\b"
    rf"|{_CAP_MONTH},? \d{{4}}"
    rf"|(?<=\b(?:in|In|by|of) ){_CAP_MONTH}(?! \d)"
    rf"|(?<=\bsince ){_CAP_MONTH}(?! \d)"
    rf"|(?<=\bduring ){_CAP_MONTH}(?! \d)"
    rf"|(?:(?:early|late) |mid-?)(?:{_CAP_MONTH}|\d{{4}})"
    r"|(?<=\b(?:in|In) )(?:1[89]|20)\d\d(?![\d%-])"
    r"|(?:[Yy]esterday|[Tt]oday|[Tt]onight|[Ll]ast night|[Tt]his (?:morning|afternoon|evening))"
    r"|(?:(?:[Ee]arlier|[Ll]ater) )?(?:[Tt]his|[Ll]ast|[Nn]ext) (?:week|weekend|month|year)"
    r"|(?:\d+|[Aa]n?|one|two|three|four|five|six|seven|eight|nine|ten) (?:day|week|month|year)s? ago"
    r")\b"
)
_DATE_LABELS = ("DATE", "TIME")


def find_dates(doc: Doc, *, published: datetime.date | None) -> list[DateMention]:
    """Find date expressions (spaCy DATE entities plus common patterns) and resolve them."""
    found: list[DateMention] = []
    for ent in doc_ents(doc):
        if ent.label_ in _DATE_LABELS:
            span = _trimmed(ent)
            value = resolve_date(span.text, published=published)
            if value is not None and published is not None and _in_future_clause(span):
                value = _forward(span.text, value, published=published)
            if len(span) and (ent.label_ == "DATE" or value is not None):
                found.append(_mention(span.text, span.start_char, value))
    for match in _EXTRA.finditer(doc_text(doc)):
        value = resolve_date(match[0], published=published)
        found.append(_mention(match[0], match.start(), value))
    return _without_overlaps(found)


_FUTURE_AUX = frozenset({"will", "shall", "'ll", "’ll"})


def _in_future_clause(span: Span) -> bool:
    """Tell whether a date sits in a future clause ("will be lifted ... on Thursday")."""
    if not len(span):
        return False
    verb = span.root.head
    for _ in range(3):  # "at 6 a.m. on Thursday": climb through the prepositions to the verb
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ in _FUTURE_AUX for c in verb.children)


def _forward(text: str, value: DateValue, *, published: datetime.date) -> DateValue:
    """Resolve a bare weekday or month forwards when the clause is about the future."""
    if value.date >= published.isoformat() or _is_future(text.lower()):
        return value
    return resolve_date(f"coming {text}", published=published) or value


# The model sometimes swallows the next word into a DATE ("Since May 3 thousands have marched").
_NOT_DATE_WORDS = {"dozens", "hundreds", "thousands", "millions", "scores", ",", "-", "."}


def _trimmed(ent: Span) -> Span:
    end = ent.end
    while end > ent.start and ent.doc[end - 1].lower_ in _NOT_DATE_WORDS:
        end -= 1
    return ent.doc[ent.start : end]


def _mention(text: str, start: int, value: DateValue | None) -> DateMention:
    return DateMention(text=text, start=start, end=start + len(text), value=value)


def _without_overlaps(mentions: list[DateMention]) -> list[DateMention]:
    """Keep the longest of overlapping mentions, resolved ones first, in text order."""
    ranked = sorted(mentions, key=lambda m: (m.value is None, -(m.end - m.start), m.start))
    kept: list[DateMention] = []
    for mention in ranked:
        if all(mention.end <= k.start or mention.start >= k.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def date_for_sentence(
    sent: Span,
    *,
    dates: Sequence[DateMention],
    published: datetime.date | None,
    historical: bool = False,
) -> DateValue | None:
    """Return the date of an event reported in ``sent``, or None when the sentence gives none."""
    inside = [
        m
        for m in dates
        if m.value is not None and sent.start_char <= m.start and m.end <= sent.end_char
    ]
    if not historical:
        inside = [m for m in inside if not _background(m, sent, published)]
    if not inside:
        return None
    best = min(inside, key=lambda m: (_distance_to_root(m, sent), m.start))
    return best.value


def _head_token(mention: DateMention, sent: Span) -> Token | None:
    span = sent.doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return None if span is None or len(span) == 0 else span.root


def _distance_to_root(mention: DateMention, sent: Span) -> int:
    """Count the arcs from the date up to the sentence root: fewer means closer to the verb."""
    token = _head_token(mention, sent)
    steps = 0
    while token is not None and token.head.i != token.i and steps < 50:
        token, steps = token.head, steps + 1
    return steps


def _background(mention: DateMention, sent: Span, published: datetime.date | None) -> bool:
    """Tell whether a date belongs to background ("the 1979 revolution"), not to the event."""
    assert mention.value is not None
    when = datetime.date.fromisoformat(mention.value.date)
    if published is not None and when < datetime.date(published.year - 1, 1, 1):
        return True
    token = _head_token(mention, sent)
    modifies_noun = token is not None and token.dep_ in ("compound", "nummod", "amod")
    return mention.value.precision == "year" and modifies_noun
