"""Whole-word occurrences of a name in a text, found without compiling a regex per name.

``re.finditer(rf"(?<!{edge}){re.escape(name)}(?!{edge})", text)`` compiles a pattern for each
name an article repeats; ``occurrences`` finds the same spans with ``str.find``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator


def occurrences(text: str, name: str, *, edge: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Yield the non-overlapping (start, end) of ``name`` in ``text`` with no ``edge``
    character (a one-character pattern, such as ``[\\w-]``) just before or after it."""
    if not name:  # an empty name matches between characters: leave that to the regex
        pattern = f"(?<!{edge.pattern})(?!{edge.pattern})"
        yield from (m.span() for m in re.finditer(pattern, text))
        return
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        if (start == 0 or not edge.match(text, start - 1)) and not edge.match(text, end):
            yield start, end
            start = text.find(name, end)
        else:
            start = text.find(name, start + 1)
