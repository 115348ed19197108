"""Datelines: "NAIROBI (Reuters) - " or "KANO, Nigeria, March 4, 2025 (Wire) — " opening a line.

A dateline names the desk and the day of filing, not an actor, a place of the event or the
event's date; the stages that read names and dates skip it.
"""

from __future__ import annotations

import re

DATELINE = re.compile(
    r"[A-Z][A-Z .'’-]*(?:,\s*[A-Z][A-Za-z.'’-]*(?:\s+[A-Z][A-Za-z.'’-]*){0,2})?"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})(?:,?\s*\d{4})?)?"
    r"\s*(?:\([^)\n]{1,40}\))?\s*[-—–]\s"
)


def dateline_end(text: str, position: int) -> int | None:
    """Return where the dateline of the line holding ``position`` ends, or None without one."""
    line_start = text.rfind("\n", 0, position) + 1
    match = DATELINE.match(text, line_start)
    return match.end() if match else None
