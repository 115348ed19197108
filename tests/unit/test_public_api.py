"""`__all__` is exactly the public API, and everything in it exists."""

from __future__ import annotations

import eventscribe


def test_all_names_exist_and_are_public() -> None:
    for name in eventscribe.__all__:
        assert hasattr(eventscribe, name), name
    public = {n for n in vars(eventscribe) if not n.startswith("_") or n == "__version__"}
    modules = {n for n in public if type(getattr(eventscribe, n)).__name__ == "module"}
    assert public - modules == set(eventscribe.__all__)
