#!/usr/bin/env bash
# Refit the confidence map on the real train half, out of fold, and print its reliability on the
# real dev half. Two document-grouped folds of data/real/events/train.jsonl; each is scored by a
# classifier trained on the written set plus the other fold only (a salted hash: the halves
# themselves were split by the plain hash). About 3 minutes on 2 cores.
#   bash scripts/calibrate_real.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# a fixed folder (ignored by git), so the map records the same fold paths on every machine
work=build/calibrate-folds
rm -rf "$work" && mkdir -p "$work"
python - "$work" <<'PY'
import hashlib, json, sys
from pathlib import Path
work = Path(sys.argv[1])
rows = [json.loads(l) for l in Path("data/real/events/train.jsonl").read_text(encoding="utf-8").splitlines() if l]
folds = {0: [], 1: []}
for r in rows:
    folds[int(hashlib.sha1(("fold:" + r["doc"]).encode()).hexdigest(), 16) % 2].append(r)
for k, part in folds.items():
    (work / f"fold{k}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part), encoding="utf-8")
    print(f"fold {k}: {len(part)} sentences")
PY
eventscribe train --real "$work/fold1.jsonl" -o "$work/clf0.npz" > /dev/null
eventscribe train --real "$work/fold0.jsonl" -o "$work/clf1.npz" > /dev/null
eventscribe calibrate --labels "$work/fold0.jsonl" --weights "$work/clf0.npz" \
    --labels "$work/fold1.jsonl" --weights "$work/clf1.npz" --report data/real/events/dev.jsonl
rm -rf "$work"
