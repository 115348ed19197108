"""Build the real-news article set for the speed benches from /work/shared/corpora.

    python bench/news_data.py [--corpora DIR] [--per-source 100] [-o FILE.jsonl]

Takes ``--per-source`` articles of at least 400 characters, evenly spaced through each of three
sources: TR-News (world news, with its download date as publication date), GeoVirus (Wikinews
outbreak reports, no date) and PolNeAR train + dev (US political news; the date is in the file
name). The texts stay outside the package: the file goes to /tmp unless ``-o`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

CORPORA = Path("/work/shared/corpora")
DEFAULT_OUTPUT = Path("/tmp/eventscribe-bench-news.jsonl")
MIN_CHARS = 400
_POLNEAR_DATE = re.compile(r"_(\d{4}-\d{2}-\d{2})_")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--per-source", type=int, default=100)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    count = build(args.output, corpora=args.corpora, per_source=args.per_source)
    print(f"wrote {count} articles to {args.output}")


def build(output: Path, *, corpora: Path = CORPORA, per_source: int = 100) -> int:
    """Write the article set to ``output``; return how many articles it holds."""
    sources = (_tr_news(corpora), _geovirus(corpora), _polnear(corpora))
    articles = [a for pool in sources for a in _spaced(pool, per_source)]
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as out:
        for article in articles:
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    return len(articles)


def _spaced(pool: Sequence[dict[str, str]], count: int) -> list[dict[str, str]]:
    """Return ``count`` items evenly spaced through ``pool`` (all of it when it is smaller)."""
    kept = [a for a in pool if len(a["text"]) >= MIN_CHARS]
    if len(kept) <= count:
        return kept
    return [kept[n * len(kept) // count] for n in range(count)]


def _tr_news(corpora: Path) -> list[dict[str, str]]:
    root = ET.parse(corpora / "geoparsing" / "TR-News.xml").getroot()
    return [
        _article(f"trnews-{n:03d}", a.findtext("text"), a.findtext("title"), a.findtext("dltime"))
        for n, a in enumerate(root.iter("article"))
    ]


def _geovirus(corpora: Path) -> list[dict[str, str]]:
    root = ET.parse(corpora / "geoparsing" / "GeoVirus.xml").getroot()
    return [
        _article(f"geovirus-{n:03d}", a.findtext("text"), None, None)
        for n, a in enumerate(root.iter("article"))
    ]


def _polnear(corpora: Path) -> list[dict[str, str]]:
    files = sorted((corpora / "polnear").glob("*/text/*.txt"))
    articles = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        date = _POLNEAR_DATE.search(path.name)
        title = text.strip().split("\n", 1)[0]
        articles.append(
            _article(f"polnear-{path.stem[:40]}", text, title, date.group(1) if date else None)
        )
    return articles


def _article(
    id_: str, text: str | None, title: str | None, published: str | None
) -> dict[str, str]:
    article = {"id": id_, "text": (text or "").strip()}
    if title and title.strip():
        article["title"] = " ".join(title.split())
    if published and _DAY.fullmatch(published.strip()[:10]):
        article["published"] = published.strip()[:10]  # TR-News has some "7:58 AM ET"
    return article


if __name__ == "__main__":
    main()
