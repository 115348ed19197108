"""How many were killed, injured, arrested or took part.

INTERFACE (the counts helper implements the functions; the dataclass is fixed):

    parse_quantity(text: str) -> Count | None
    find_counts(span: Span) -> list[CountMention]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eventscribe.records import Count

CountCategory = Literal["fatalities", "injuries", "arrests", "participants"]


@dataclass(slots=True, frozen=True, kw_only=True)
class CountMention:
    """A figure for one category, with the character span of the whole phrase."""

    category: CountCategory
    count: Count
    start: int
    end: int
