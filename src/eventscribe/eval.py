"""Score extracted events against annotated gold data (`eventscribe eval`).

Gold format (JSONL, one article per line; documented in docs/gold-format.md)::

    {"id": "a1", "events": [{"type": "PROTEST", "mode": "demo",
      "acled_event_type": "Protests", "acled_sub_event_type": "Peaceful protest",
      "country": "NGA", "location": "Lagos", "date": "2024-03-05",
      "source_actors": ["protesters"], "target_actors": [], "claimed_by": null,
      "fatalities": {"value": 3, "min": null, "max": null, "text": "three"},
      "evidence": "Thousands marched in Lagos on Tuesday."}]}

Predictions are `eventscribe extract` output lines with the same ids. A gold event and a predicted
event are paired when their evidence sentences overlap (word Jaccard >= 0.5, or one contains the
other); among candidates the pair with the same type wins, then the higher overlap. Each field is
then scored over the pairs: precision = correct / predicted events, recall = correct / gold events.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventscribe.errors import InputError

FIELDS = (
    "type",
    "mode",
    "acled_event_type",
    "acled_sub_event_type",
    "country",
    "location",
    "date",
    "source_actors",
    "target_actors",
    "claimed_by",
    "fatalities",
    "injuries",
    "arrests",
    "participants",
)
NONE = "(none)"
BINS = 10


@dataclass(slots=True, kw_only=True)
class FieldScore:
    """Precision, recall and F1 of one field over all events."""

    name: str
    correct: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True, kw_only=True)
class Report:
    """Everything `eventscribe eval` prints."""

    fields: list[FieldScore]
    confusion: Counter[tuple[str, str]]  # (gold type, predicted type) -> count
    calibration: list[tuple[float, float, int, int]]  # (low, high, correct, total) per bin
    articles: int
    missing: list[str] = field(default_factory=list)  # gold ids without a prediction


def read_jsonl(path: Path) -> dict[str, dict[str, Any]]:
    """Read a JSONL file keyed by id; a bad line raises InputError naming it."""
    rows: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                rows[str(row["id"])] = row
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{number}: not a JSON object with an id ({exc})") from exc
    return rows


def evaluate(
    gold: Mapping[str, Mapping[str, Any]], predicted: Mapping[str, Mapping[str, Any]]
) -> Report:
    """Pair events article by article and score every field."""
    totals = {
        name: FieldScore(name=name, correct=0, predicted=0, gold=0) for name in ("event", *FIELDS)
    }
    confusion: Counter[tuple[str, str]] = Counter()
    calibration_rows: list[tuple[float, bool]] = []
    missing = [key for key in gold if key not in predicted]
    for key, gold_row in gold.items():
        gold_events = list(gold_row.get("events", []))
        pred_events = list(predicted.get(key, {}).get("events", []))
        pairs = pair_events(gold_events, pred_events)
        _score_article(gold_events, pred_events, pairs, totals, confusion)
        right = {p for g, p in pairs if gold_events[g]["type"] == pred_events[p]["type"]}
        calibration_rows += [
            (float(e.get("confidence", 0.0)), i in right) for i, e in enumerate(pred_events)
        ]
    return Report(
        fields=list(totals.values()),
        confusion=confusion,
        calibration=_calibration(calibration_rows),
        articles=len(gold),
        missing=missing,
    )


def _score_article(
    gold: Sequence[Mapping[str, Any]],
    pred: Sequence[Mapping[str, Any]],
    pairs: Sequence[tuple[int, int]],
    totals: dict[str, FieldScore],
    confusion: Counter[tuple[str, str]],
) -> None:
    totals["event"].correct += len(pairs)
    totals["event"].predicted += len(pred)
    totals["event"].gold += len(gold)
    for name in FIELDS:
        totals[name].predicted += sum(_present(name, e) for e in pred)
        totals[name].gold += sum(_present(name, e) for e in gold)
        totals[name].correct += sum(
            _present(name, gold[g]) and _same(name, gold[g], pred[p]) for g, p in pairs
        )
    paired_gold, paired_pred = {g for g, _ in pairs}, {p for _, p in pairs}
    confusion.update((gold[g]["type"], pred[p]["type"]) for g, p in pairs)
    confusion.update((e["type"], NONE) for i, e in enumerate(gold) if i not in paired_gold)
    confusion.update((NONE, e["type"]) for i, e in enumerate(pred) if i not in paired_pred)


def pair_events(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing by evidence overlap, same type first."""
    candidates = []
    for g, gold_event in enumerate(gold):
        for p, pred_event in enumerate(pred):
            overlap = _overlap(_evidence(gold_event), _evidence(pred_event))
            if overlap >= 0.5:
                same = gold_event.get("type") == pred_event.get("type")
                candidates.append((not same, -overlap, g, p))
    pairs, used_g, used_p = [], set(), set()
    for _, _, g, p in sorted(candidates):
        if g not in used_g and p not in used_p:
            pairs.append((g, p))
            used_g.add(g)
            used_p.add(p)
    return sorted(pairs)


def _evidence(event: Mapping[str, Any]) -> str:
    evidence = event.get("evidence")
    return str(evidence.get("text", "") if isinstance(evidence, dict) else evidence or "")


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    if wa <= wb or wb <= wa:
        return 1.0
    return len(wa & wb) / len(wa | wb)


def _value(name: str, event: Mapping[str, Any]) -> Any:
    if name in ("country", "location"):
        location = event.get("location")
        if isinstance(location, dict):
            return location.get(name if name == "country" else "name")
        return event.get(name) if name == "country" else location
    if name in ("source_actors", "target_actors"):
        return {_actor_name(a).lower() for a in event.get(name) or []}
    if name == "claimed_by":
        claimed = event.get(name)
        return _actor_name(claimed).lower() if claimed else None
    if name in ("fatalities", "injuries", "arrests", "participants"):
        count = event.get(name)
        return (count.get("value"), count.get("min"), count.get("max")) if count else None
    return event.get(name)


def _actor_name(actor: Any) -> str:
    return str(actor.get("name", "") if isinstance(actor, dict) else actor)


def _present(name: str, event: Mapping[str, Any]) -> bool:
    return _value(name, event) not in (None, "", set())


def _same(name: str, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    g, p = _value(name, gold), _value(name, pred)
    if name == "location":
        return _fold(g) == _fold(p) or _fold(g) in _aliases(pred)
    if name in ("source_actors", "target_actors"):
        return bool(g) and bool(g & (p | _alias_set(pred, name)))
    if name == "claimed_by":  # gold "army" matches a predicted "Congolese military" by its text
        return g is not None and (g == p or g in _alias_set(pred, name))
    return bool(g == p)


def _fold(value: Any) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return text.lower().strip()


def _aliases(event: Mapping[str, Any]) -> set[str]:
    location = event.get("location")
    return {_fold(location.get("text"))} if isinstance(location, dict) else set()


def _alias_set(event: Mapping[str, Any], name: str) -> set[str]:
    names: set[str] = set()
    value = event.get(name) or []
    for actor in [value] if isinstance(value, dict) else value:
        if isinstance(actor, dict):
            names.add(str(actor.get("text", "")).lower())
            names.update(a.lower() for a in actor.get("aliases", []))
    return names


def _calibration(rows: Iterable[tuple[float, bool]]) -> list[tuple[float, float, int, int]]:
    bins = [[0, 0] for _ in range(BINS)]
    for confidence, correct in rows:
        index = min(BINS - 1, max(0, int(confidence * BINS)))
        bins[index][0] += int(correct)
        bins[index][1] += 1
    return [(i / BINS, (i + 1) / BINS, c, n) for i, (c, n) in enumerate(bins)]


def render(report: Report) -> str:
    """Return the report as plain text tables."""
    lines = [
        f"articles: {report.articles}"
        + (f" ({len(report.missing)} without predictions)" if report.missing else "")
    ]
    lines.append(f"{'field':<22}{'P':>7}{'R':>7}{'F1':>7}{'correct':>9}{'pred':>7}{'gold':>7}")
    for s in report.fields:
        lines.append(
            f"{s.name:<22}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.correct:9d}{s.predicted:7d}{s.gold:7d}"
        )
    lines += ["", "confusion (gold type -> predicted type: count)"]
    lines += [f"  {g} -> {p}: {n}" for (g, p), n in sorted(report.confusion.items())]
    lines += ["", "calibration (confidence bin: share of events with the right type)"]
    for low, high, correct, total in report.calibration:
        if total:
            lines.append(f"  {low:.1f}-{high:.1f}: {correct}/{total} = {correct / total:.2f}")
    return "\n".join(lines)
