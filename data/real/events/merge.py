"""Validate the annotators' label files and merge them with the sentences into train/dev JSONL.

    python data/real/events/merge.py LABELS.jsonl ... [--out data/real/events] [--partial]

Each label row (see GUIDE.md) is checked: known PLOVER type and mode, ACLED sub-event type with
its right parent, types null when a negated/future/hypothetical context is given, one label per
sentence id. The output rows have the shape of data/training rows plus ``corpus``, ``doc``,
``split``, ``also`` and ``note``; ``train.jsonl`` and ``dev.jsonl`` follow the ``split`` of
sentences.jsonl (by source document). Without ``--partial`` every sentence must be labelled.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eventscribe.extract.taxonomy import ACLED_SUB_EVENT_TYPES
from eventscribe.records import PLOVER_TYPES

HERE = Path(__file__).resolve().parent
CONTEXTS = {"historical", "negated", "future", "hypothetical"}
UNREAL = CONTEXTS - {"historical"}
MODES = {
    "PROTEST": {"demo", "riot", "strike-gen", "strike-lim", "strike-hun", "boycott", "obstruct"},
    "ASSAULT": {
        "firearms", "beat", "abduct", "torture", "execute", "sexual", "assassinate",
        "destroy", "primitive", "explosives", "suicide-attack", "heavy-weapons",
    },
    "COERCE": {"arrest", "curfew", "censor", "seize", "ban", "expel", "raid", "disperse"},
}  # fmt: skip


def problems(row: dict[str, object]) -> list[str]:
    """Return what is wrong with one label row (empty when it is valid)."""
    out = []
    ptype, mode = row.get("plover_type"), row.get("plover_mode")
    sub, parent = row.get("acled_sub_event_type"), row.get("acled_event_type")
    contexts = row.get("contexts") or []
    if ptype is not None and ptype not in PLOVER_TYPES:
        out.append(f"unknown PLOVER type {ptype!r}")
    if mode is not None and mode not in MODES.get(str(ptype), set()):
        out.append(f"mode {mode!r} does not belong to {ptype!r}")
    if sub is not None and ACLED_SUB_EVENT_TYPES.get(str(sub)) != parent:
        out.append(f"ACLED {sub!r} does not have parent {parent!r}")
    if sub is None and parent is not None:
        out.append("ACLED event type without a sub-event type")
    if not isinstance(contexts, list) or set(contexts) - CONTEXTS:
        out.append(f"bad contexts {contexts!r}")
    elif UNREAL & set(contexts) and (ptype or sub):
        out.append("an unreal (negated/future/hypothetical) event must have null types")
    also = row.get("also") or []
    if not isinstance(also, list) or set(also) - set(PLOVER_TYPES):
        out.append(f"bad also {also!r}")
    return out


def merged(sentence: dict[str, object], label: dict[str, object]) -> dict[str, object]:
    """Return one output row: the sentence's provenance and text with its label."""
    return {
        "id": sentence["id"],
        "text": sentence["text"],
        "plover_type": label.get("plover_type"),
        "plover_mode": label.get("plover_mode"),
        "acled_event_type": label.get("acled_event_type"),
        "acled_sub_event_type": label.get("acled_sub_event_type"),
        "contexts": label.get("contexts") or [],
        "also": label.get("also") or [],
        "corpus": sentence["corpus"],
        "doc": sentence["doc"],
        "split": sentence["split"],
        "note": label.get("note") or "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--partial", action="store_true", help="Allow unlabelled sentences.")
    args = parser.parse_args()
    sentences = [
        json.loads(line)
        for line in (HERE / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    known = {s["id"] for s in sentences}
    labels: dict[str, dict[str, object]] = {}
    errors = []
    for path in args.labels:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            where = f"{path}:{n} {row.get('id')}"
            if row.get("id") not in known:
                errors.append(f"{where}: unknown id")
            elif row["id"] in labels:
                errors.append(f"{where}: labelled twice")
            errors += [f"{where}: {p}" for p in problems(row)]
            labels[str(row.get("id"))] = row
    missing = [s["id"] for s in sentences if s["id"] not in labels]
    if missing and not args.partial:
        errors.append(f"{len(missing)} sentences unlabelled, e.g. {missing[:5]}")
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev"):
        rows = [
            merged(s, labels[s["id"]])
            for s in sentences
            if s["split"] == split and s["id"] in labels
        ]
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (args.out / f"{split}.jsonl").write_text(text, encoding="utf-8")
        print(f"{split}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
