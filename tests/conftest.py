"""Shared fixtures: the loaded models (once per session) and the golden-update flag."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from eventscribe.pipeline import Models

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/expected/*.json from the current output (review the diff).",
    )
    parser.addoption(
        "--update-quality-baseline",
        action="store_true",
        help="Pin the current quality scores as the floors in tests/golden/quality_baseline.json.",
    )
    parser.addoption(
        "--allow-lower-quality",
        action="store_true",
        help="With --update-quality-baseline: allow a floor to go down.",
    )


@pytest.fixture(scope="session")
def models() -> Models:
    from eventscribe.pipeline import load_models

    return load_models()


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
