"""occurrences finds what the per-name regex finds."""

from __future__ import annotations

import re

import pytest

from eventscribe.extract.occurrences import occurrences

TEXT = "Kano, Kano-based Kano. Kanos; aKano Kano_ KanoKano Kano\nPompeo's Pompeo Pompeo"


@pytest.mark.parametrize("name", ["Kano", "KanoKano", "Pompeo", "Kano Kano", "o", "", "absent"])
@pytest.mark.parametrize("edge", [r"\w", r"[\w-]"])
def test_occurrences_are_the_regex_matches(name: str, edge: str) -> None:
    pattern = rf"(?<!{edge}){re.escape(name)}(?!{edge})"
    expected = [m.span() for m in re.finditer(pattern, TEXT)]
    assert list(occurrences(TEXT, name, edge=re.compile(edge))) == expected
