"""Read PolNeAR (brat standoff attributions) and score quotes against it.

PolNeAR annotates every attribution as Source, Cue and Content spans joined by an ``E`` line
(``Attribution:T4 Content:T3 Cue:T2 Source:T1``); a span may be discontinuous
(``Content 315 448;463 553``). This module reads them and scores predicted quotes the way
``bench/quotes.py --polnear`` reports them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from eventscribe.records import Actor, Quote

Pieces = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One annotated attribution: content, cue and (optional) source, each as pieces."""

    content: Pieces
    cue: Pieces
    source: Pieces | None


@dataclass(slots=True)
class GoldArticle:
    """One PolNeAR article with its attributions."""

    name: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)


@dataclass(slots=True)
class Predicted:
    """A predicted attribution: one quote, or the pieces of a quote split around its cue."""

    pieces: list[tuple[int, int]]
    quotes: list[Quote]


_SPAN = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t")


def read_article(text_path: Path, ann_path: Path) -> GoldArticle:
    """Read one article and its ``.ann`` file."""
    spans: dict[str, Pieces] = {}
    article = GoldArticle(name=text_path.stem, text=text_path.read_text(encoding="utf-8"))
    lines = ann_path.read_text(encoding="utf-8").splitlines() if ann_path.exists() else []
    for line in lines:
        m = _SPAN.match(line)
        if m:
            spans[m.group(1)] = tuple(
                (int(a), int(b)) for a, b in (p.split() for p in m.group(3).split(";"))
            )
    for line in lines:
        if line.startswith("E"):
            roles = dict(part.split(":") for part in line.split("\t")[1].split())
            if "Content" in roles and roles["Content"] in spans:
                article.attributions.append(
                    GoldAttribution(
                        content=spans[roles["Content"]],
                        cue=spans.get(roles.get("Cue", ""), ()),
                        source=spans.get(roles["Source"]) if "Source" in roles else None,
                    )
                )
    return article


def read_split(directory: Path) -> list[GoldArticle]:
    """Read every article of a PolNeAR split (``DIR/text/*.txt`` and ``DIR/attributions``).

    Annotation files are named ``<stem>_<annotator>.ann``; an article annotated twice is read
    with its first file in name order.
    """
    texts = sorted((directory / "text").glob("*.txt"))
    anns = sorted((directory / "attributions").glob("*.ann"))
    return [read_article(t, _annotation(t, anns)) for t in texts]


def _annotation(text: Path, anns: list[Path]) -> Path:
    found = [a for a in anns if a.stem.rsplit("_", 1)[0] == text.stem]
    return found[0] if found else text.with_suffix(".ann")


def group_predictions(quotes: list[Quote]) -> list[Predicted]:
    """Join the quotes that share one cue: PolNeAR annotates them as one discontinuous content."""
    groups: dict[object, Predicted] = {}
    for i, q in enumerate(quotes):
        key: object = (q.cue_start, q.cue_end) if q.cue_start is not None else i
        group = groups.setdefault(key, Predicted(pieces=[], quotes=[]))
        group.pieces.append((q.start, q.end))
        group.quotes.append(q)
    return list(groups.values())


def _length(pieces: Pieces | list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in pieces)


def overlap(gold: Pieces, predicted: list[tuple[int, int]]) -> float:
    """Return the characters two piece sets share, as a share of the shorter one."""
    inter = sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in gold for s2, e2 in predicted)
    shorter = min(_length(gold), _length(predicted))
    return inter / shorter if shorter > 0 else 0.0


def match(
    gold: list[GoldAttribution], predicted: list[Predicted], *, threshold: float = 0.5
) -> list[tuple[GoldAttribution, Predicted]]:
    """Pair gold and predicted contents greedily 1:1, best overlap first."""
    scored = [
        (overlap(g.content, p.pieces), gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(predicted)
    ]
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for score, gi, pi in sorted(scored, key=lambda t: -t[0]):
        if score < threshold:
            break
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gold[gi], predicted[pi]))
    return pairs


def speaker_right(text: str, gold: GoldAttribution, predicted: Predicted) -> bool:
    """Tell whether the prediction names the gold source: by its span or by its resolved name."""
    assert gold.source is not None
    for q in predicted.quotes:
        spoken = (q.speaker_start or 0, q.speaker_end or 0)
        if q.speaker_start is not None and overlap(gold.source, [spoken]) > 0:
            return True
        if q.speaker is not None and _names_source(q.speaker, text, gold.source):
            return True
    return False


def _names_source(actor: Actor, text: str, source: Pieces) -> bool:
    """Tell whether the source span says the actor's name, in full or by its last word."""
    said = " ".join(text[s:e] for s, e in source).lower()
    names = [actor.name, actor.text, *actor.aliases]
    person = actor.kind == "person"
    words = {n.split()[-1] for n in names if person and n and n.split()}
    return any(re.search(rf"\b{re.escape(w.lower())}\b", said) for w in {*names, *words} if w)
