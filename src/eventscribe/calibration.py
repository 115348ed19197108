"""Confidence calibration: map the extractor's raw event scores to "share of such events right".

`eventscribe calibrate` runs the whole pipeline over labelled real-news sentences (the train half,
data/real/events/train.jsonl, each sentence as its own article, scored by a classifier that did
not train on them: ``--weights``), marks each emitted event right or wrong against the
sentence's label, and fits a logistic (monotone) map from raw score to observed precision;
its reliability table is then shown on the dev half, which it never saw. The map is a
handful of (raw, calibrated) knots in ``resources/calibration.json``; the pipeline applies it
by linear interpolation, so a calibrated 0.8 means about 80% of such events were right.

An event is right when its PLOVER type is the sentence's labelled type or one of its ``also``
types; an event with a negated/future/hypothetical context is right on a sentence labelled
with that context (real-news labels leave such types out); when the sentence is a
protest met with force (ACLED "Protest with intervention" / "Excessive force against
protesters"), COERCE and ASSAULT events are right too, since the sentence reports both the
protest and the force. Any event in a sentence labelled as no event is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from eventscribe.errors import ModelError

PACKAGED = "calibration.json"
_FORCE_ON_PROTEST = {"Protest with intervention", "Excessive force against protesters"}
_UNREAL = frozenset({"negated", "future", "hypothetical"})


@dataclass(slots=True, frozen=True)
class Calibrator:
    """A monotone piecewise-linear map from raw score to calibrated confidence."""

    knots_x: tuple[float, ...]
    knots_y: tuple[float, ...]

    def __call__(self, raw: float) -> float:
        """Return the calibrated confidence of a raw score (rounded to 3 places)."""
        if not self.knots_x:
            return raw
        return round(float(np.interp(raw, self.knots_x, self.knots_y)), 3)


IDENTITY = Calibrator(knots_x=(), knots_y=())


def load_calibrator(path: Path | None = None) -> Calibrator:
    """Load the calibration map, by default the packaged one."""
    source = path or resources.files("eventscribe.resources").joinpath(PACKAGED)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        return Calibrator(knots_x=tuple(data["x"]), knots_y=tuple(data["y"]))
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(
            f"cannot load the calibration map {source}: {exc}; rebuild it with "
            "`eventscribe calibrate` or reinstall eventscribe"
        ) from exc


def is_right(event_type: str, contexts: Sequence[str], row: dict[str, Any]) -> bool:
    """Tell whether an event emitted for a labelled sentence counts as right (see above)."""
    gold_type, gold_acled = row.get("plover_type"), row.get("acled_sub_event_type")
    unreal = _UNREAL & set(row.get("contexts") or [])
    if unreal and gold_type is None:  # real-news labels leave the type of an unreal event out
        return bool(unreal & set(contexts))
    if gold_type is None:
        return False
    if event_type == gold_type or event_type in (row.get("also") or []):
        return True
    return gold_acled in _FORCE_ON_PROTEST and event_type in ("COERCE", "ASSAULT")


def fit(raw: Sequence[float], right: Sequence[bool]) -> Calibrator:
    """Fit a logistic (Platt) map from raw scores to the share right (needs scikit-learn).

    Two parameters on the logit of the raw score: smooth and strictly increasing, so it keeps
    the order of the events of one sentence (an isotonic step map ties them) and holds up on
    the few hundred events a real-news train half gives. Stored as knots on a fixed grid.
    """
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise ModelError(
            "calibrating needs scikit-learn: pip install 'eventscribe[train]'"
        ) from exc
    x = _logit(np.asarray(raw, dtype=float)).reshape(-1, 1)
    model = LogisticRegression(C=100.0).fit(x, np.asarray(right, dtype=int))
    slope, bias = float(model.coef_[0][0]), float(model.intercept_[0])
    if slope <= 0:
        raise ModelError("the calibration data shows no relation between score and rightness")
    grid = np.linspace(0.0, 1.0, 41)
    ys = 1.0 / (1.0 + np.exp(-(slope * _logit(grid) + bias)))
    return Calibrator(
        knots_x=tuple(round(float(v), 4) for v in grid),
        knots_y=tuple(round(float(v), 4) for v in ys),
    )


def _logit(p: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    q = np.clip(p, 1e-3, 1 - 1e-3)
    result: np.ndarray[Any, Any] = np.log(q / (1 - q))
    return result


def save(calibrator: Calibrator, path: Path, *, meta: dict[str, Any]) -> None:
    """Write the map as JSON (knots plus how it was made)."""
    data = {"x": list(calibrator.knots_x), "y": list(calibrator.knots_y), "meta": meta}
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def reliability(
    scores: Sequence[float], right: Sequence[bool], *, bins: int = 10
) -> list[tuple[float, float, int, int, float]]:
    """Return (low, high, right, total, mean score) per confidence bin that has events."""
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [
            (s, r)
            for s, r in zip(scores, right, strict=True)
            if low <= s < high or (b == bins - 1 and s == 1.0)
        ]
        if inside:
            mean = sum(s for s, _ in inside) / len(inside)
            table.append((low, high, sum(r for _, r in inside), len(inside), mean))
    return table


def render_reliability(table: Sequence[tuple[float, float, int, int, float]]) -> str:
    """Return a reliability table as text."""
    lines = ["  bin        events  right  share right  mean confidence"]
    for low, high, right, total, mean in table:
        lines.append(
            f"  {low:.1f}-{high:.1f}  {total:8d}  {right:5d}  {right / total:11.2f}  {mean:15.2f}"
        )
    return "\n".join(lines)
