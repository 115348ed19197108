"""Event confidence: a sum of simple features mapped through a reliability table.

Features are trigger strength, actors, place, contexts and the sport/market/crime and
article-domain vetoes; ``reliability`` maps the raw score to the share of such events that
were right on the sample gold.
"""

from __future__ import annotations

import itertools

from eventscribe.extract.events.drafts import Draft

__all__ = ["event_confidence", "reliability"]

_CONTEXT_WEIGHT = {"negated": 0.55, "hypothetical": 0.7, "future": 0.75, "historical": 0.9}
# Raw score -> share of events whose type was right, read off the reliability table on the
# sample gold (data/gold/sample.jsonl, 77 events): raw 0.3-0.5 were right about half the time,
# raw 0.5 and up about 90%. Below 0.3 stays below 0.3, so `min_confidence` keeps its meaning.
_RELIABILITY = ((0.0, 0.0), (0.3, 0.3), (0.5, 0.75), (0.9, 0.92), (1.0, 0.95))


def event_confidence(d: Draft) -> float:
    """Score an event from simple features, mapped to the share of such events that are right."""
    score = d.strength + 0.1 * bool(d.sources) + 0.05 * bool(d.targets)
    score += 0.05 * bool(d.location)
    for context in d.contexts:
        score *= _CONTEXT_WEIGHT.get(context, 1.0)
    if not d.sources and not d.targets:
        score *= 0.7
    return round(reliability(min(1.0, max(0.0, score * d.veto))), 2)


def reliability(raw: float) -> float:
    """Map a raw event score to its expected share right (piecewise linear, monotone)."""
    for (x0, y0), (x1, y1) in itertools.pairwise(_RELIABILITY):
        if raw <= x1:
            return y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
    return _RELIABILITY[-1][1]
