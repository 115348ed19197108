"""The working record of one event while it is being coded: a ``Draft`` per trigger.

Drafts are mutable on purpose: slot filling (``event_slots``), the article-level rules and
merging (``events``) each refine the same draft before it becomes an ``Event`` record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from eventscribe.extract.dates import DateValue
from eventscribe.extract.events.triggers import Candidate, Segment
from eventscribe.records import Actor, Count, Place

__all__ = ["Draft", "new_draft"]


@dataclass(slots=True)
class Draft:
    type: str
    mode: str | None
    entry_sub: str | None
    flags: frozenset[str]
    strength: float
    anchor: Token
    segment: Segment
    evidence: tuple[int, int]
    sources: list[Actor] = field(default_factory=list)
    targets: list[Actor] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)
    location: Place | None = None
    date: DateValue | None = None
    counts: dict[str, Count] = field(default_factory=dict)
    claimed_by: Actor | None = None
    acled_sub: str | None = None
    anaphoric: bool = False
    crowd_agent: bool = False
    patients: list[Token] = field(default_factory=list)
    part_of_protest: bool = False
    veto: float = 1.0
    definite: bool = False  # "the march", "their arrest": a mention of an event told before
    own_place: bool = False  # the location is named in the draft's own sentence
    own_date: DateValue | None = None  # a date said of this very mention ("began last week")
    quoted: bool = False  # inside a direct quote: a witness retelling, not a new report


def new_draft(cand: Candidate, seg: Segment) -> Draft:
    """Start a draft for one trigger candidate, its evidence the whole segment."""
    doc = seg.span.doc
    anchor = doc[cand.anchor] if cand.anchor is not None else seg.span.root
    entry = cand.entry
    return Draft(
        type=cand.type,
        mode=cand.mode,
        entry_sub=entry.acled_sub if entry else None,
        flags=entry.flags if entry else frozenset(),
        strength=cand.score,
        anchor=anchor,
        segment=seg,
        evidence=(seg.start, seg.end),
    )
