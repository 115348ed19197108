"""Quality gate: measured scores must not fall below the floors pinned in quality_baseline.json.

Raise the floors with ``pytest tests/golden/test_quality_gate.py --update-quality-baseline``;
lowering one also needs ``--allow-lower-quality`` (say why in the commit message).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from eventscribe.eval import evaluate, read_jsonl
from eventscribe.extract.events.classifier import load_classifier
from eventscribe.ingest import read_inputs
from eventscribe.pipeline import iter_findings
from eventscribe.records import to_json
from eventscribe.training import NONE, load_split, macro_f1, predict_labels, score

if TYPE_CHECKING:
    from eventscribe.pipeline import Models

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("quality_baseline.json")
# files of the sample corpus carry no date: the gold was coded with these
PUBLISHED = {"data/sample/txt/kazerun.txt": "2018-05-20"}


def _classifier_scores(models: Models) -> dict[str, float]:
    examples = load_split(REPO / "data" / "training", "dev")
    predicted = predict_labels(load_classifier(), examples, nlp=models.nlp)
    scores: dict[str, float] = {}
    for head in ("plover", "acled"):
        gold = [getattr(e, head) for e in examples]
        scores[f"classifier.dev.{head}.macro_f1"] = macro_f1(score(gold, predicted[head]))
        negatives = [p for g, p in zip(gold, predicted[head], strict=True) if g == NONE]
        scores[f"classifier.dev.{head}.non_event_specificity"] = negatives.count(NONE) / len(
            negatives
        )
    return scores


def _sample_scores(models: Models) -> dict[str, float]:
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        items = list(read_inputs(["data/sample"]))
    finally:
        os.chdir(cwd)
    for item in items:
        if item.id in PUBLISHED:
            item.published = PUBLISHED[item.id]  # type: ignore[union-attr]
    predicted = {f.id: to_json(f) for _, f in iter_findings(items, models=models)}
    report = evaluate(read_jsonl(REPO / "data" / "gold" / "sample.jsonl"), predicted)
    wanted = ("event", "type", "acled_sub_event_type", "location", "date")
    return {f"sample.{s.name}.f1": s.f1 for s in report.fields if s.name in wanted}


def _heldout_scores(models: Models) -> dict[str, float]:
    """The held-out gold articles (never tuned on) carry their own text."""
    from eventscribe.ingest import read_jsonl as read_articles

    path = REPO / "data" / "gold" / "events-heldout.jsonl"
    items = list(read_articles(path.read_text(encoding="utf-8").splitlines(), origin=str(path)))
    predicted = {f.id: to_json(f) for _, f in iter_findings(items, models=models)}
    report = evaluate(read_jsonl(path), predicted)
    return {f"heldout.{s.name}.f1": s.f1 for s in report.fields if s.name in ("event", "type")}


@pytest.fixture(scope="module")
def scores(models: Models) -> dict[str, float]:
    return {**_classifier_scores(models), **_sample_scores(models), **_heldout_scores(models)}


def test_quality_does_not_regress(scores: dict[str, float], request: pytest.FixtureRequest) -> None:
    floors: dict[str, Any] = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    if request.config.getoption("--update-quality-baseline"):
        scores = {k: math.floor(v * 10_000) / 10_000 for k, v in scores.items()}
        lowered = {k: (floors[k], v) for k, v in scores.items() if k in floors and v < floors[k]}
        if lowered and not request.config.getoption("--allow-lower-quality"):
            pytest.fail(f"refusing to lower floors {lowered}; add --allow-lower-quality")
        BASELINE.write_text(
            json.dumps({k: round(v, 4) for k, v in sorted(scores.items())}, indent=1) + "\n"
        )
        return
    assert floors, "no baseline: run with --update-quality-baseline"
    below = {
        k: (round(scores[k], 4), floor) for k, floor in floors.items() if scores[k] < floor - 1e-4
    }
    assert not below, f"quality fell below the pinned floors (score, floor): {below}"
