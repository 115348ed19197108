"""The typed records every stage passes on, and their JSON form (the output contract).

Stages take and return these records, never loose dicts. ``to_json`` gives the exact
shape documented in DESIGN.md; ``from_json`` reads it back. Bump ``SCHEMA_VERSION``
whenever a field name or meaning changes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast, get_type_hints

SCHEMA_VERSION = 1

PloverType = Literal[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
]
PLOVER_TYPES: tuple[str, ...] = PloverType.__args__  # type: ignore[attr-defined]

ActorKind = Literal["person", "organization", "group", "state", "igo"]
Precision = Literal["point", "city", "admin2", "admin1", "country"]
DatePrecision = Literal["day", "week", "month", "year"]
QuoteKind = Literal["direct", "indirect", "mixed"]


@dataclass(slots=True, kw_only=True)
class Article:
    """One input article, after ingest: clean text plus metadata."""

    id: str
    text: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None
    source: str | None = None  # outlet / site name
    language: str | None = None  # ISO 639-1, detected when not given
    author: str | None = None
    section: str | None = None  # e.g. "Protests", from a breadcrumb

    @property
    def content_hash(self) -> str:
        """Key for idempotent storage: the same text and metadata give the same hash."""
        return content_hash(self.title, self.published, self.text)


def content_hash(*parts: str | None) -> str:
    """Return a hex SHA-256 of the parts, None and "" kept distinct."""
    h = hashlib.sha256()
    for part in parts:
        h.update(b"\x00" if part is None else b"\x01" + part.encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


@dataclass(slots=True, kw_only=True)
class Actor:
    """An actor mention, coded with country and PLOVER sector."""

    name: str  # canonical
    text: str  # as written
    start: int
    end: int
    kind: ActorKind | None = None
    country: str | None = None  # ISO 3166 alpha-3, or "IGO"/"NGO"
    sector: str | None = (
        None  # PLOVER sector: GOV MIL COP OPP REB JUD LEG CVL LAB JRN EDU REL BUS MED
    )
    title: str | None = None  # "US Secretary of State"
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Place:
    """A place mention resolved against the gazetteer."""

    name: str
    text: str
    start: int
    end: int
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    admin1: str | None = None
    admin2: str | None = None
    country: str | None = None  # ISO 3166 alpha-3
    feature: str | None = None  # city, admin1, admin2, country, ...
    precision: Precision | None = None
    confidence: float = 0.0


@dataclass(slots=True, kw_only=True)
class Count:
    """A number of people: exact (value) or a range (min/max), with the words used."""

    value: int | None = None
    min: int | None = None
    max: int | None = None
    text: str = ""


@dataclass(slots=True, kw_only=True)
class Evidence:
    """The sentence that reports an event, with character offsets into the article text."""

    text: str
    start: int
    end: int


@dataclass(slots=True, kw_only=True)
class Quote:
    """A quote (direct, indirect or mixed) with its cue and speaker."""

    text: str
    start: int
    end: int
    kind: QuoteKind
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker: Actor | None = None
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None


@dataclass(slots=True, kw_only=True)
class Event:
    """One coded event: who did what to whom, where, when, how many, and who says so."""

    event_id: str
    type: PloverType
    mode: str | None = None
    contexts: list[str] = field(default_factory=list)
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    source_actors: list[Actor] = field(default_factory=list)
    target_actors: list[Actor] = field(default_factory=list)
    location: Place | None = None
    date: str | None = None
    date_precision: DatePrecision | None = None
    fatalities: Count | None = None
    injuries: Count | None = None
    arrests: Count | None = None
    participants: Count | None = None
    evidence: Evidence
    claimed_by: Actor | None = None
    reacts_to: str | None = None
    confidence: float = 0.0


@dataclass(slots=True, kw_only=True)
class StageError:
    """A failure or skip recorded against one article: which stage, and why."""

    stage: str
    message: str


@dataclass(slots=True, kw_only=True)
class Findings:
    """Everything extracted from one article: one line of `eventscribe extract`."""

    id: str
    schema: int = SCHEMA_VERSION
    title: str | None = None
    published: str | None = None
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    errors: list[StageError] = field(default_factory=list)


# --- what the store and the cross-article merge hand each other ---------------------------


@dataclass(slots=True, kw_only=True)
class StoredEvent:
    """An event as stored, with the article it came from."""

    event: Event
    article_id: str
    article_hash: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None


@dataclass(slots=True, frozen=True, kw_only=True)
class FigureClaim:
    """One article's figure for an event, with who claims it."""

    value: int | None
    min: int | None
    max: int | None
    text: str
    claimed_by: str | None  # the claiming actor's name; None: the outlet's own voice
    article_id: str
    event_id: str
    source: str | None  # the outlet


@dataclass(slots=True, kw_only=True)
class EventCluster:
    """One real-world event: every report of it, why they were merged, and every figure."""

    cluster_id: str
    events: list[StoredEvent]
    reasons: list[str] = field(default_factory=list)
    figures: dict[str, list[FigureClaim]] = field(default_factory=dict)

    @property
    def article_ids(self) -> list[str]:
        """Return the ids of the articles that report this event, sorted."""
        return sorted({member.article_id for member in self.events})


def make_event_id(article_key: str, start: int, end: int, type_: str, mode: str | None) -> str:
    """Return a stable event id: the same article, span and type give the same id."""
    digest = content_hash(article_key, str(start), str(end), type_, mode)
    return "ev_" + digest[:16]


def to_json(record: Any) -> Any:
    """Return the JSON form (dicts, lists, scalars) of a record or list of records."""
    if isinstance(record, str | int | float | None):  # most values: answer at once
        return record
    if isinstance(record, list | tuple):
        return [to_json(item) for item in record]
    names = _FIELD_NAMES.get(type(record)) or _field_names(type(record))
    if names is None:
        return record
    return {name: to_json(getattr(record, name)) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass (remembered per class), None for any other type."""
    if not dataclasses.is_dataclass(cls):
        return None
    names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


R = TypeVar("R")


def from_json(cls: type[R], data: Any) -> R:
    """Build a record of type ``cls`` from its JSON form."""
    kwargs = {
        name: _decode(hint, data[name])
        for name, hint in _field_hints(cast(type, cls))
        if name in data
    }
    return cls(**kwargs)


@functools.cache
def _field_hints(cls: type) -> tuple[tuple[str, Any], ...]:
    """(field name, resolved type) pairs of a record class; resolving hints is slow, so once."""
    hints = get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


_NESTED: dict[str, type] = {}


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    name = _record_name(hint)
    if name is not None:
        return from_json(_NESTED[name], value)
    args = getattr(hint, "__args__", ())
    origin = getattr(hint, "__origin__", None)
    if origin is list and args:
        return [_decode(args[0], item) for item in value]
    return value


def _record_name(hint: Any) -> str | None:
    """Name of the record class inside ``hint`` (X or X | None), else None."""
    if isinstance(hint, type) and hint.__name__ in _NESTED:
        return hint.__name__
    for arg in getattr(hint, "__args__", ()):
        if isinstance(arg, type) and arg.__name__ in _NESTED:
            if getattr(hint, "__origin__", None) is list:
                return None
            return arg.__name__
    return None


for _cls in (Article, Actor, Place, Count, Evidence, Quote, Event, StageError, Findings):
    _NESTED[_cls.__name__] = _cls
