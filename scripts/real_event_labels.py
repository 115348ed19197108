"""Compare the two annotation passes of data/real/events, list disagreements, build train/dev.

    python scripts/real_event_labels.py agree --annot data/real/events/passes        # first batch
    python scripts/real_event_labels.py agree --annot data/real/events/passes-extra  # second batch
    python scripts/real_event_labels.py agree --annot data/real/events/passes-extra2  # third batch
    python scripts/real_event_labels.py agree --annot data/real/events/passes-extra3  # fourth batch
    python scripts/real_event_labels.py agree --annot data/real/events/passes-extra4  # fifth batch
    python scripts/real_event_labels.py agree --annot data/real/events/passes-extra5  # sixth batch
    python scripts/real_event_labels.py build                                        # train/dev.jsonl

Each batch is a sentence file and a folder of passes (BATCHES): the first batch is
`sentences.jsonl` (a random sample, train and dev) with `passes/`, the second
`sentences-extra.jsonl` (train side only, enriched for rare types by
scripts/sample_extra_sentences.py) with `passes-extra/`, the third `sentences-extra2.jsonl`
(the same, `--batch 2`) with `passes-extra2/`, the fourth `sentences-extra3.jsonl` (`--batch 3`)
with `passes-extra3/`, the fifth `sentences-extra4.jsonl` (`--batch 4`) with `passes-extra4/`, the sixth
`sentences-extra5.jsonl` (`--batch 5`) with `passes-extra5/`, the seventh `sentences-extra6.jsonl`
(`--batch 6`) with `passes-extra6/`.
`agree` reads labels-K.jsonl (first pass) and labels-K-pass2.jsonl (blind second pass), prints
Cohen's kappa and raw agreement on the PLOVER type and the ACLED sub-event type (no event counts
as a label), and writes the rows where the passes differ on either to disagreements.jsonl.
`build` checks every final label (known types and modes, the ACLED parent of each sub-event
type, null types on unreal events), takes the agreed label where both passes agree and the
adjudicated one (adjudicated-K.jsonl) where they differ, and writes data/real/events/{train,dev}.jsonl in the
record shape of data/training plus corpus, doc and both passes' raw labels.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from eventscribe.extract.taxonomy import ACLED_SUB_EVENT_TYPES, PLOVER_MODES
from eventscribe.records import PLOVER_TYPES

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "data" / "real" / "events"
CONTEXTS = {"historical", "negated", "future", "hypothetical"}
UNREAL = CONTEXTS - {"historical"}
# (sentence file, folder of its passes), in the order their rows are written
BATCHES = (
    ("sentences.jsonl", "passes"),
    ("sentences-extra.jsonl", "passes-extra"),
    ("sentences-extra2.jsonl", "passes-extra2"),
    ("sentences-extra3.jsonl", "passes-extra3"),
    ("sentences-extra4.jsonl", "passes-extra4"),
    ("sentences-extra5.jsonl", "passes-extra5"),
    ("sentences-extra6.jsonl", "passes-extra6"),
)


def problems(row: dict[str, object]) -> list[str]:
    """Return what is wrong with one label row (empty when it is valid)."""
    out = []
    ptype, mode = row.get("plover_type"), row.get("plover_mode")
    sub, parent = row.get("acled_sub_event_type"), row.get("acled_event_type")
    contexts = row.get("contexts") or []
    if ptype is not None and ptype not in PLOVER_TYPES:
        out.append(f"unknown PLOVER type {ptype!r}")
    if mode is not None and mode not in PLOVER_MODES.get(str(ptype), ()):
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


FIELDS = (
    "plover_type",
    "plover_mode",
    "acled_event_type",
    "acled_sub_event_type",
    "contexts",
    "also",
)


def _read(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if r}


def _passes(annot: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    first: dict[str, dict] = {}
    second: dict[str, dict] = {}
    for path in sorted(annot.glob("labels-*-pass2.jsonl")):
        first.update(_read(path.with_name(path.name.replace("-pass2", ""))))
        second.update(_read(path))
    return first, second


def _sentences_of(annot: Path) -> dict[str, dict]:
    for sentences, passes in BATCHES:
        if annot.resolve() == (OUT / passes).resolve():
            return _read(OUT / sentences)
    raise SystemExit(f"{annot} is not one of the batches' pass folders: {[p for _, p in BATCHES]}")


def _kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return (observed - expected) / (1 - expected)


def _key(row: dict, field: str) -> str:
    return row.get(field) or "NONE"


def agree(annot: Path) -> None:
    first, second = _passes(annot)
    ids = sorted(first)
    sentences = _sentences_of(annot)
    for field in ("plover_type", "acled_sub_event_type", "acled_event_type"):
        a = [_key(first[i], field) for i in ids]
        b = [_key(second[i], field) for i in ids]
        same = sum(x == y for x, y in zip(a, b, strict=True)) / len(ids)
        event = [x != "NONE" for x in a], [y != "NONE" for y in b]
        ek = _kappa([str(x) for x in event[0]], [str(y) for y in event[1]])
        print(
            f"{field:22s} agreement {same:.3f}  kappa {_kappa(a, b):.3f}  (event/no-event kappa {ek:.3f})"
        )
    with (annot / "disagreements.jsonl").open("w", encoding="utf-8") as fh:
        n = 0
        for i in ids:
            p, q = first[i], second[i]
            if any(_key(p, f) != _key(q, f) for f in ("plover_type", "acled_sub_event_type")):
                n += 1
                fh.write(
                    json.dumps(
                        {
                            "id": i,
                            "text": sentences[i]["text"],
                            "corpus": sentences[i]["corpus"],
                            "a": {f: p.get(f) for f in (*FIELDS, "note")},
                            "b": {f: q.get(f) for f in (*FIELDS, "note")},
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
    print(f"{n} of {len(ids)} rows disagree -> {annot / 'disagreements.jsonl'}")


def build() -> None:
    rows: dict[str, list[dict]] = {"train": [], "dev": []}
    for sentences, passes in BATCHES:
        _build_batch(_read(OUT / sentences), OUT / passes, rows)
    for split, part in rows.items():
        with (OUT / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
            for row in part:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(
            f"{split}: {len(part)} sentences, {sum(r['plover_type'] is not None for r in part)} with an event"
        )


def _build_batch(sentences: dict[str, dict], annot: Path, rows: dict[str, list[dict]]) -> None:
    first, second = _passes(annot)
    adjudicated: dict[str, dict] = {}
    for path in sorted(annot.glob("adjudicated-*.jsonl")):
        adjudicated.update(_read(path))
    missing = []
    for i, s in sentences.items():
        p, q = first[i], second[i]
        if all(_key(p, f) == _key(q, f) for f in ("plover_type", "acled_sub_event_type")):
            final, how = p, "agreed"
        elif i in adjudicated:
            final, how = adjudicated[i], "adjudicated"
        else:
            missing.append(i)
            continue
        bad = problems(final)
        if bad:
            raise SystemExit(f"{i}: {'; '.join(bad)}")
        row = {"id": i, "text": s["text"], **{f: final.get(f) for f in FIELDS}}
        row["contexts"] = row["contexts"] or []
        row["also"] = row["also"] or []
        row.update(
            corpus=s["corpus"],
            doc=s["doc"],
            split=s["split"],
            note=final.get("note") or "",
            label_source=how,
            pass1={f: p.get(f) for f in ("plover_type", "acled_sub_event_type")},
            pass2={f: q.get(f) for f in ("plover_type", "acled_sub_event_type")},
        )
        rows[s["split"]].append(row)
    if missing:
        raise SystemExit(
            f"{annot}: {len(missing)} disagreements have no adjudicated label, e.g. {missing[:5]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("agree", "build"))
    parser.add_argument(
        "--annot", type=Path, help="agree: a batch's folder of labels-*.jsonl passes"
    )
    args = parser.parse_args()
    if args.command == "build":
        build()
    elif args.annot is None:
        parser.error("agree needs --annot")
    else:
        agree(args.annot)


if __name__ == "__main__":
    main()
