"""Confidence calibration: the logistic map, the right/wrong rule and the reliability table."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventscribe.calibration import (
    IDENTITY,
    fit,
    is_right,
    load_calibrator,
    reliability,
    save,
)
from eventscribe.errors import ModelError


def test_fit_is_monotone_and_tracks_the_share_right() -> None:
    raw = [0.1] * 10 + [0.5] * 10 + [0.9] * 10
    right = [False] * 9 + [True] + [True] * 5 + [False] * 5 + [True] * 9 + [False]
    calibrator = fit(raw, right)
    assert calibrator(0.1) == pytest.approx(0.1)
    assert calibrator(0.5) == pytest.approx(0.5)
    assert calibrator(0.9) == pytest.approx(0.9)
    values = [calibrator(x / 20) for x in range(21)]
    assert values == sorted(values)


def test_round_trip_and_identity(tmp_path: Path) -> None:
    calibrator = fit([0.2, 0.4, 0.8], [False, True, True])
    path = tmp_path / "c.json"
    save(calibrator, path, meta={"events": 3})
    assert load_calibrator(path) == calibrator
    assert IDENTITY(0.37) == 0.37


def test_broken_map_is_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("{")
    with pytest.raises(ModelError, match="eventscribe calibrate"):
        load_calibrator(path)


def test_force_on_a_protest_counts_as_right() -> None:
    def row(ptype: str | None, sub: str | None, **more: object) -> dict[str, object]:
        return {"plover_type": ptype, "acled_sub_event_type": sub, **more}

    assert is_right("PROTEST", [], row("PROTEST", "Peaceful protest"))
    assert is_right("COERCE", [], row("PROTEST", "Protest with intervention"))
    assert not is_right("COERCE", [], row("PROTEST", "Peaceful protest"))
    assert not is_right("ASSAULT", [], row(None, None))
    assert is_right("ACCUSE", [], row("ASSAULT", "Attack", also=["ACCUSE"]))
    assert is_right("PROTEST", ["future"], row(None, None, contexts=["future"]))
    assert not is_right("PROTEST", [], row(None, None, contexts=["future"]))


def test_reliability_bins() -> None:
    table = reliability([0.05, 0.95, 0.97, 1.0], [False, True, False, True])
    assert table[0][:4] == (0.0, 0.1, 0, 1)
    assert table[-1][:4] == (0.9, 1.0, 2, 3)
