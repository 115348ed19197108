"""Draw the real-text sentences of data/real/events from ../shared/corpora (reproducible).

    python scripts/sample_real_sentences.py [--corpora ../shared/corpora] [--out data/real/events]

Writes `sentences.jsonl` (id, corpus, doc, split, text) and three annotation slices. The split is
by source document: PolNeAR keeps its own train/dev split; TR-News and GeoVirus articles and
event-location sentences go to dev when a hash of their document key is even.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_SENT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
QUOTAS_EL = {
    "Unknown_Andy": 300,
    "Atrocities": 200,
    "AP": 150,
    "wiki": 100,
    "Xinhua": 100,
    "coalition": 50,
}
N_TRNEWS, N_GEOVIRUS, N_POLNEAR = 250, 110, 300


def _split(key: str) -> str:
    return "dev" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 == 0 else "train"


def _sentences(text: str) -> list[str]:
    out = []
    for para in text.split("\n"):
        for s in _SENT.split(para.strip()):
            s = s.strip()
            if 40 <= len(s) <= 400:
                out.append(s)
    return out


def _event_location(corpora: Path, rng: random.Random) -> list[dict[str, str]]:
    by_source: dict[str, list[str]] = {}
    for line in (corpora / "event-location-dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = row["text"].strip()
        bucket = by_source.setdefault(row["source"], [])
        if text not in bucket:
            bucket.append(text)
    rows = []
    for source, n in QUOTAS_EL.items():
        for text in rng.sample(by_source[source], min(n, len(by_source[source]))):
            doc = "el-" + hashlib.sha1(text.encode()).hexdigest()[:12]
            rows.append(
                {
                    "corpus": f"event-location/{source}",
                    "doc": doc,
                    "split": _split(doc),
                    "text": text,
                }
            )
    return rows


def _xml_docs(path: Path) -> list[tuple[str, str]]:
    root = ET.parse(path).getroot()
    docs = []
    for i, art in enumerate(root.iter("article")):
        key = art.get("docid") or (art.findtext("source") or str(i)).strip()
        docs.append((key, art.findtext("text") or ""))
    return docs


def _from_docs(
    corpus: str, docs: list[tuple[str, str, str]], n: int, rng: random.Random
) -> list[dict[str, str]]:
    pool = [(key, split, s) for key, split, text in docs for s in _sentences(text)]
    return [
        {"corpus": corpus, "doc": key, "split": split, "text": s}
        for key, split, s in rng.sample(pool, min(n, len(pool)))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=REPO.parent / "shared" / "corpora")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "real" / "events")
    args = parser.parse_args()
    rng = random.Random(20261202)
    c = args.corpora
    rows = _event_location(c, rng)
    geo = c / "geoparsing"
    tr = [(f"trnews-{k}", _split(f"trnews-{k}"), t) for k, t in _xml_docs(geo / "TR-News.xml")]
    gv = [(f"geovirus-{k}", _split(f"geovirus-{k}"), t) for k, t in _xml_docs(geo / "GeoVirus.xml")]
    pn = [
        (f"polnear-{p.stem}", split, p.read_text(encoding="utf-8"))
        for split in ("train", "dev")
        for p in sorted((c / "polnear" / split / "text").glob("*.txt"))
    ]
    pn_train = [d for d in pn if d[1] == "train"]
    pn_dev = [d for d in pn if d[1] == "dev"]
    rows += _from_docs("TR-News", tr, N_TRNEWS, rng)
    rows += _from_docs("GeoVirus", gv, N_GEOVIRUS, rng)
    rows += _from_docs("PolNeAR", pn_train, N_POLNEAR // 2, rng)
    rows += _from_docs("PolNeAR", pn_dev, N_POLNEAR // 2, rng)
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row["text"] not in seen:
            seen.add(row["text"])
            unique.append(row)
    rng.shuffle(unique)
    for i, row in enumerate(unique):
        row["id"] = f"real-{i:04d}"
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "sentences.jsonl").open("w", encoding="utf-8") as fh:
        for row in unique:
            fh.write(
                json.dumps(
                    {k: row[k] for k in ("id", "corpus", "doc", "split", "text")},
                    ensure_ascii=False,
                )
                + "\n"
            )
    print(f"{len(unique)} sentences -> {args.out / 'sentences.jsonl'}")


if __name__ == "__main__":
    main()
