"""Benchmark place extraction on the hand-written dev set; print detection and geocoding scores.

Run: python bench/places.py [--build] [--verbose] [--data bench/data/places_heldout.jsonl]

places_dev.jsonl was used while developing the rules; places_heldout.jsonl was written after
and not tuned on.

Detection: a predicted place matches a gold one when their character spans overlap (gold spans
are the first unused occurrence of the gold text). Geocoding accuracy: of the matched pairs,
the share within 161 km (100 miles) of the gold point; a country-level gold mention (no
lat/lon) counts as right when the predicted country is the gold country.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path

from eventscribe.extract.places import find_places
from eventscribe.gazetteer import build_gazetteer, load_gazetteer, open_gazetteer
from eventscribe.parse import load_nlp
from eventscribe.records import Place

DEV = Path(__file__).parent / "data" / "places_dev.jsonl"
KM_LIMIT = 161.0
LOOKUP_NAMES = ["Kazerun", "Paris", "Georgia", "Lagos", "Washington", "Mashhad", "Springfield",
                "Kyiv", "Nairobi", "Nowhereville", "Tehran", "San Jose", "Hyderabad", "Tripoli"]  # fmt: skip


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def gold_spans(text: str, gold: list[dict]) -> list[tuple[int, int, dict]]:
    """Place each gold mention at the first unused occurrence of its text."""
    spans, used = [], set()
    for g in gold:
        start = text.find(g["text"])
        while start in used:
            start = text.find(g["text"], start + 1)
        used.add(start)
        spans.append((start, start + len(g["text"]), g))
    return spans


def correct(place: Place, g: dict) -> bool:
    if g["lat"] is None:
        return place.country == g["country"]
    assert place.lat is not None and place.lon is not None
    return haversine_km(place.lat, place.lon, g["lat"], g["lon"]) <= KM_LIMIT


def score(rows: list[dict], predictions: list[list[Place]], *, verbose: bool) -> dict[str, float]:
    n_pred = n_gold = n_match = n_right = 0
    for row, predicted in zip(rows, predictions, strict=True):
        golds = gold_spans(row["text"], row["places"])
        n_pred, n_gold = n_pred + len(predicted), n_gold + len(golds)
        unmatched = list(predicted)
        for start, end, g in golds:
            hit = next((p for p in unmatched if p.start < end and start < p.end), None)
            if hit is None:
                if verbose:
                    print(f"  MISS {row['id']} {g['text']!r}")
                continue
            unmatched.remove(hit)
            n_match += 1
            if correct(hit, g):
                n_right += 1
            elif verbose:
                print(f"  WRONG {row['id']} {g['text']!r} -> {hit.name} {hit.admin1} {hit.country} "
                      f"({hit.lat}, {hit.lon})")  # fmt: skip
        for p in unmatched if verbose else []:
            print(f"  EXTRA {row['id']} {p.text!r} -> {p.name} {p.country}")
    precision, recall = n_match / max(n_pred, 1), n_match / max(n_gold, 1)
    return {
        "gold": n_gold, "predicted": n_pred, "precision": precision, "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-9),
        "acc161_matched": n_right / max(n_match, 1), "acc161_of_gold": n_right / max(n_gold, 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="also time a fresh index build")
    parser.add_argument("--data", type=Path, default=DEV, help="JSONL file of gold places")
    parser.add_argument("--verbose", action="store_true", help="print misses and errors")
    args = parser.parse_args()
    if args.build:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            build_gazetteer(Path(tmp) / "g.sqlite")
            size = (Path(tmp) / "g.sqlite").stat().st_size / 1e6
            print(f"build: {time.perf_counter() - t0:.1f} s, index {size:.1f} MB")
    t0 = time.perf_counter()
    gazetteer = load_gazetteer()
    print(
        f"first load_gazetteer (builds when the cache is empty): {time.perf_counter() - t0:.2f} s"
    )
    t0 = time.perf_counter()
    gazetteer = load_gazetteer()
    print(f"load_gazetteer of the built index: {(time.perf_counter() - t0) * 1e3:.1f} ms")
    fresh = open_gazetteer(gazetteer.path)  # an uncached instance for the lookup timing
    t0 = time.perf_counter()
    for name in LOOKUP_NAMES:
        fresh.candidates(name)
    per = (time.perf_counter() - t0) / len(LOOKUP_NAMES) * 1e3
    print(f"candidates(): {per:.3f} ms per uncached lookup")
    rows = [json.loads(line) for line in args.data.read_text("utf-8").splitlines() if line.strip()]
    nlp = load_nlp()
    docs = list(nlp.pipe(row["text"] for row in rows))
    t0 = time.perf_counter()
    predictions = [find_places(doc, gazetteer=gazetteer) for doc in docs]
    per_doc = (time.perf_counter() - t0) / len(docs) * 1e3
    print(f"find_places: {per_doc:.2f} ms per document (parse excluded), {len(docs)} documents")
    for key, value in score(rows, predictions, verbose=args.verbose).items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
    main()
