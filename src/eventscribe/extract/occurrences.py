"""Whole-word occurrences of a name in a text, found without compiling a regex per name.

``re.finditer(rf"(?<!{edge}){re.escape(name)}(?!{edge})", text)`` compiles a pattern for each
name an article repeats; ``occurrences`` finds the same spans with ``str.find``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator


def occurrences(
    text: str, name: str, *, edge: re.Pattern[str], after: re.Pattern[str] | None = None
) -> Iterator[tuple[int, int]]:
    """Yield the non-overlapping (start, end) of ``name`` in ``text`` with no ``edge``
    character (a one-character pattern, such as ``[\\w-]``) just before it, and none just after
    it (or no match of ``after`` there, when given: ``\\w|-(?![a-z])`` lets "U.S.-led" in)."""
    after = after or edge
    if not name:  # an empty name matches between characters: leave that to the regex
        pattern = f"(?<!{edge.pattern})(?!{after.pattern})"
        yield from (m.span() for m in re.finditer(pattern, text))
        return
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        if (start == 0 or not edge.match(text, start - 1)) and not after.match(text, end):
            yield start, end
            start = text.find(name, end)
        else:
            start = text.find(name, start + 1)
