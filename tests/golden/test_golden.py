"""Golden test: every sample article -> its expected Findings, as sorted JSON.

Regenerate with ``pytest tests/golden --update-golden`` and review the diff like code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from eventscribe.ingest import read_inputs
from eventscribe.pipeline import iter_findings
from eventscribe.records import to_json

if TYPE_CHECKING:
    from eventscribe.pipeline import Models

REPO = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).parent / "expected"
INPUTS = ["data/sample"]


def _slug(article_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("_")


def _sample_ids() -> list[str]:
    import os

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        return [item.id for item in read_inputs(INPUTS)]
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def outputs(models: Models) -> dict[str, Any]:
    import os

    cwd = os.getcwd()
    os.chdir(REPO)  # ids of files are their paths as given, relative to the repo
    try:
        items = read_inputs(INPUTS)
        return {f.id: to_json(f) for _, f in iter_findings(items, models=models)}
    finally:
        os.chdir(cwd)


def _render(data: Any) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.model
@pytest.mark.parametrize("article_id", _sample_ids())
def test_golden(article_id: str, outputs: dict[str, Any], update_golden: bool) -> None:
    path = EXPECTED / f"{_slug(article_id)}.json"
    actual = _render(outputs[article_id])
    if update_golden:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path.name}; run pytest tests/golden --update-golden"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{article_id} changed; review, then pytest tests/golden --update-golden"
    )
