"""Score quote extraction on the hand-written dev set: span precision/recall and speaker accuracy.

    python bench/quotes.py [--data bench/data/quotes_dev.jsonl] [--show]

``quotes_dev.jsonl`` (26 texts, 56 quotes) was used while developing; ``quotes_heldout.jsonl``
(10 texts, 19 quotes) was written afterwards and scored once before any fix it prompted.

A predicted quote matches a gold quote when their character spans overlap by at least half of
the shorter one (each gold quote matches at most one prediction). Speaker accuracy is over the
matched pairs: the predicted speaker's canonical name equals the gold one (null equals null).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eventscribe.extract.actors import find_actors, load_actor_dictionary
from eventscribe.extract.quotes import extract_quotes
from eventscribe.parse import load_nlp
from eventscribe.records import Quote

DEFAULT_DATA = Path(__file__).parent / "data" / "quotes_dev.jsonl"


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Return the overlap of two spans as a share of the shorter one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return max(0, inter) / shorter if shorter > 0 else 0.0


def match(
    gold: list[dict[str, object]], predicted: list[Quote]
) -> list[tuple[dict[str, object], Quote]]:
    """Pair gold and predicted quotes greedily by overlap."""
    pairs = []
    free = list(predicted)
    for g in gold:
        span = (int(g["start"]), int(g["end"]))  # type: ignore[call-overload]
        best = max(free, key=lambda q: overlap(span, (q.start, q.end)), default=None)
        if best is not None and overlap(span, (best.start, best.end)) >= 0.5:
            pairs.append((g, best))
            free.remove(best)
    return pairs


def main() -> None:
    """Run the benchmark and print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show", action="store_true", help="print every miss and wrong speaker")
    args = parser.parse_args()
    nlp, dictionary = load_nlp(), load_actor_dictionary()
    n_gold = n_pred = n_match = n_speaker = 0
    for line in args.data.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        doc = nlp(item["text"])
        actors = find_actors(doc, dictionary=dictionary, country_hint=item.get("country_hint"))
        predicted = extract_quotes(doc, actors=actors)
        pairs = match(item["quotes"], predicted)
        n_gold, n_pred, n_match = (
            n_gold + len(item["quotes"]),
            n_pred + len(predicted),
            n_match + len(pairs),
        )
        for g, q in pairs:
            said = q.speaker.name if q.speaker else None
            n_speaker += said == g["speaker"]
            if args.show and said != g["speaker"]:
                print(f"{item['id']}: speaker {said!r} != {g['speaker']!r} for {g['text'][:50]!r}")
        if args.show:
            matched = {id(q) for _, q in pairs}
            for q in predicted:
                if id(q) not in matched:
                    print(f"{item['id']}: extra {q.kind} {q.text[:60]!r}")
            for g in item["quotes"]:
                if all(g is not pg for pg, _ in pairs):
                    print(f"{item['id']}: missed {g['kind']} {g['text'][:60]!r}")
    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    print(f"quotes: gold {n_gold}, predicted {n_pred}, matched {n_match}")
    print(f"precision {precision:.3f}  recall {recall:.3f}")
    print(
        f"speaker accuracy (matched) {n_speaker / n_match if n_match else 0.0:.3f}  ({n_speaker}/{n_match})"
    )


if __name__ == "__main__":
    main()
