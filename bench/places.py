"""Benchmark places on real annotated news: toponyms, geocoding and the event's own place.

Run:
    python bench/places.py                       # every real set, tuning / held-back / all
    python bench/places.py --sets trnews geovirus --half held --verbose
    python bench/places.py --sets handwritten    # the old hand-written places_dev.jsonl

Data (development data, /work/shared/corpora, see its README; override with --corpora):
- geoparsing/TR-News.xml, geoparsing/GeoVirus.xml: news with gold toponym spans and
  coordinates. A predicted place matches a gold toponym when their character spans overlap
  (one prediction per gold). Precision = matched / predicted, recall = matched / gold;
  acc161 of found = the matched pairs within 161 km (100 miles) of the gold point, end to end
  = the gold toponyms found *and* within 161 km.
- event-location-dev.jsonl: one real sentence per annotated event VERB, with the event's
  LOCATION span where the sentence names it. The sentence is run through the whole pipeline
  as an article; the VERB's event is the event whose trigger lies on the VERB (else the
  nearest trigger in a sentence that covers it). Span accuracy: of the entries with a gold
  LOCATION, the share whose event's location start/end overlap it (no event = wrong);
  correctly unlocated: of the entries without one, the share whose event has no located span
  (no event, no location, or a fallback location without a span in the sentence).

Each set is split by document (sha1 of its id; event sentences by their text) into a tuning
half and a held-back half: nothing is tuned on the held-back half; report it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventscribe.extract.events import stage as events_module
from eventscribe.extract.places import find_places
from eventscribe.gazetteer import haversine_km, load_gazetteer
from eventscribe.parse import Parsed, load_nlp
from eventscribe.pipeline import extract_findings, load_models
from eventscribe.records import Article, Place

CORPORA = Path("/work/shared/corpora")
HANDWRITTEN = Path(__file__).parent / "data" / "places_dev.jsonl"
KM_LIMIT = 161.0


@dataclass(slots=True)
class Gold:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    country: str | None = None  # only the hand-written set: a country-level mention
    geonames_id: int | None = None  # only TR-News: the GeoNames feature the point is from


@dataclass(slots=True)
class Doc:
    id: str
    text: str
    gold: list[Gold] = field(default_factory=list)


def half_of(key: str) -> str:
    """Return "tune" or "held" for a document id: a fixed hash, so the split never moves."""
    return "tune" if hashlib.sha1(key.encode("utf-8")).digest()[0] % 2 == 0 else "held"


def _num(node: ET.Element | None) -> float | None:
    return float(node.text) if node is not None and node.text and node.text.strip() else None


def _aligned(text: str, phrase: str, start: int) -> tuple[int, int]:
    """Return the span of ``phrase`` nearest ``start``: GeoVirus offsets are one off, TR-News drift."""
    phrase = phrase.strip()
    hits = [m.start() for m in re.finditer(re.escape(phrase), text)] if phrase else []
    near = min(hits, key=lambda i: abs(i - start), default=None)
    if near is None or abs(near - start) > 20:
        return start, start + len(phrase)
    return near, near + len(phrase)


def read_trnews(path: Path) -> list[Doc]:
    """Read TR-News: articles with <toponym> start/end and a <gaztag> lat/lon."""
    docs = []
    for article in ET.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        doc = Doc(id=f"trnews:{article.get('docid')}", text=text)
        for top in article.iter("toponym"):
            tag = top.find("gaztag")
            lat = _num(tag.find("lat")) if tag is not None else None
            lon = _num(tag.find("lon")) if tag is not None else None
            gid = tag.get("geonameid") if tag is not None else None
            start, end = _aligned(
                text, top.findtext("phrase") or "", int(top.findtext("start") or 0)
            )
            doc.gold.append(
                Gold(start, end, text[start:end], lat, lon, geonames_id=int(gid) if gid else None)
            )
        docs.append(doc)
    return docs


def read_geovirus(path: Path) -> list[Doc]:
    """Read GeoVirus: Wikinews paragraphs with <location> name, start, end, lat, lon."""
    docs = []
    for number, article in enumerate(ET.parse(path).getroot().iter("article")):
        text = article.findtext("text") or ""
        doc = Doc(id=f"geovirus:{article.findtext('source') or number}", text=text)
        for loc in article.iter("location"):
            start, end = _aligned(text, loc.findtext("name") or "", int(loc.findtext("start") or 0))
            doc.gold.append(
                Gold(start, end, text[start:end], _num(loc.find("lat")), _num(loc.find("lon")))
            )
        docs.append(doc)
    return docs


def read_handwritten(path: Path) -> list[Doc]:
    """Read the hand-written JSONL set; gold spans are the first unused occurrence of the text."""
    docs = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        doc, used = Doc(id=row["id"], text=row["text"]), set()
        for g in row["places"]:
            start = row["text"].find(g["text"])
            while start in used:
                start = row["text"].find(g["text"], start + 1)
            used.add(start)
            doc.gold.append(
                Gold(start, start + len(g["text"]), g["text"], g["lat"], g["lon"], g["country"])
            )
        docs.append(doc)
    return docs


# ---------------------------------------------------------------- toponyms


@dataclass(slots=True)
class TopoScore:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    right: int = 0
    with_point: int = 0  # matched pairs whose gold has coordinates
    gold_with_point: int = 0
    ms: float = 0.0
    docs: int = 0

    def add(self, other: TopoScore) -> None:
        for name in self.__slots__:  # type: ignore[attr-defined]
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self) -> dict[str, float]:
        p, r = self.matched / max(self.predicted, 1), self.matched / max(self.gold, 1)
        return {
            "gold": self.gold, "P": p, "R": r, "F1": 2 * p * r / max(p + r, 1e-9),
            "acc161_found": self.right / max(self.with_point, 1),
            "acc161_e2e": self.right / max(self.gold_with_point, 1),
            "ms_per_doc": self.ms / max(self.docs, 1),
        }  # fmt: skip


def _correct(place: Place, g: Gold) -> bool:
    if g.lat is None or g.lon is None:
        return g.country is not None and place.country == g.country
    if place.lat is None or place.lon is None:
        return False
    return haversine_km(place.lat, place.lon, g.lat, g.lon) <= KM_LIMIT


def score_doc(doc: Doc, predicted: list[Place], *, log: Callable[[str], None] | None) -> TopoScore:
    s = TopoScore(gold=len(doc.gold), predicted=len(predicted), docs=1)
    unmatched = list(predicted)
    for g in doc.gold:
        point = g.lat is not None or g.country is not None
        s.gold_with_point += point
        hit = next((p for p in unmatched if p.start < g.end and g.start < p.end), None)
        if hit is None:
            if log:
                log(
                    f"  MISS {doc.id} {g.text!r} @{g.start} ctx={doc.text[max(0, g.start - 40) : g.end + 30]!r}"
                )
            continue
        unmatched.remove(hit)
        s.matched += 1
        s.with_point += point
        if _correct(hit, g):
            s.right += 1
        elif log and point:
            km = haversine_km(hit.lat or 0, hit.lon or 0, g.lat or 0, g.lon or 0)
            log(
                f"  WRONG {doc.id} {g.text!r} -> {hit.name} {hit.feature} {hit.admin1} {hit.country} ({km:.0f} km)"
            )
    for p in unmatched if log else []:
        log(f"  EXTRA {doc.id} {p.text!r} -> {p.name} {p.feature} {p.country}")  # type: ignore[misc]
    return s


def run_toponyms(
    docs: list[Doc], nlp: Any, gazetteer: Any, *, verbose: bool
) -> dict[str, TopoScore]:
    """Return the scores per half ("tune", "held", "all")."""
    t0 = time.perf_counter()
    parsed = list(nlp.pipe(d.text for d in docs))
    print(f"  parse: {(time.perf_counter() - t0) / len(docs) * 1e3:.1f} ms per document")
    halves = {"tune": TopoScore(), "held": TopoScore(), "all": TopoScore()}
    for doc, spacy_doc in zip(docs, parsed, strict=True):
        t0 = time.perf_counter()
        predicted = find_places(spacy_doc, gazetteer=gazetteer)
        ms = (time.perf_counter() - t0) * 1e3
        s = score_doc(doc, predicted, log=print if verbose and half_of(doc.id) == "tune" else None)
        s.ms = ms
        halves[half_of(doc.id)].add(s)
        halves["all"].add(s)
    return halves


# ---------------------------------------------------------------- event locations


@dataclass(slots=True)
class EventRow:
    text: str
    verb: tuple[int, int]
    location: list[tuple[int, int]]


def read_event_rows(path: Path) -> list[EventRow]:
    """Read the event sentences; LOCATION spans given as token indices are turned into chars."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        text = raw["text"]
        verbs = [(s["start"], s["end"]) for s in raw["spans"] if s["label"] == "VERB"]
        locs = [
            _char_span(text, s["start"], s["end"], tokenizer)
            for s in raw["spans"]
            if s["label"] == "LOCATION"
        ]
        if verbs:
            rows.append(EventRow(text, verbs[0], locs))
    return rows


def _char_span(text: str, start: int, end: int, tokenizer: Any) -> tuple[int, int]:
    """Return a LOCATION's character span.

    About a quarter of the annotations (the AP batch) give spaCy token indices with an
    inclusive end ("In the city of Mosul": 5-5) instead of character offsets: a span that
    does not cover whole capitalised words is read that way.
    """
    piece = text[start:end]
    whole = (start == 0 or not text[start - 1].isalnum()) and (
        end == len(text) or not text[end].isalnum()
    )
    if end > start and piece == piece.strip() and piece[:1].isupper() and whole:
        return start, end
    tokens = tokenizer(text)
    if end < len(tokens) and tokens[start].text[:1].isupper():
        span = tokens[start : end + 1]
        return span.start_char, span.end_char
    return start, end


@dataclass(slots=True)
class EventScore:
    located: int = 0
    located_right: int = 0
    unlocated: int = 0
    unlocated_right: int = 0
    with_event: int = 0
    rows: int = 0

    def add(self, other: EventScore) -> None:
        for name in self.__slots__:  # type: ignore[attr-defined]
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self) -> dict[str, float]:
        return {
            "entries": self.rows, "located": self.located,
            "span_acc": self.located_right / max(self.located, 1),
            "unlocated_right": self.unlocated_right / max(self.unlocated, 1),
            "event_found": self.with_event / max(self.rows, 1),
        }  # fmt: skip


_ANCHORS: dict[str, int] = {}


def _record_anchors() -> None:
    """Remember each event's trigger offset (bench instrumentation, not part of the output)."""
    original = events_module._to_event

    def wrapped(d: Any, event_id: str) -> Any:
        _ANCHORS[event_id] = d.anchor.idx
        return original(d, event_id)

    events_module._to_event = wrapped  # type: ignore[assignment]


def _verb_event(findings: Any, verb: tuple[int, int]) -> Any:
    covering = [e for e in findings.events if e.evidence.start <= verb[0] < e.evidence.end]
    if not covering:
        return None
    on_verb = [e for e in covering if verb[0] <= _ANCHORS.get(e.event_id, -1) < verb[1]]
    if on_verb:
        return on_verb[0]
    return min(covering, key=lambda e: abs(_ANCHORS.get(e.event_id, 10**9) - verb[0]))


def _has_span(place: Place | None, text: str) -> bool:
    return (
        place is not None
        and 0 <= place.start < place.end <= len(text)
        and text[place.start : place.end] == place.text
    )


def run_events(rows: list[EventRow], *, verbose: bool, limit: int | None) -> dict[str, EventScore]:
    _record_anchors()
    models = load_models()
    texts = sorted({r.text for r in rows}, key=lambda t: hashlib.sha1(t.encode()).hexdigest())
    if limit:
        texts = texts[:limit]
    articles = [Article(id=hashlib.sha1(t.encode()).hexdigest()[:12], text=t) for t in texts]
    found: dict[str, Any] = {}
    for article, doc in zip(articles, models.nlp.pipe(texts, batch_size=64), strict=True):
        found[article.text] = extract_findings(Parsed(article=article, doc=doc), models=models)
    halves = {"tune": EventScore(), "held": EventScore(), "all": EventScore()}
    for row in rows:
        if row.text not in found:
            continue
        s = _score_event(row, found[row.text], verbose=verbose and half_of(row.text) == "tune")
        halves[half_of(row.text)].add(s)
        halves["all"].add(s)
    return halves


def _score_event(row: EventRow, findings: Any, *, verbose: bool) -> EventScore:
    event = _verb_event(findings, row.verb)
    place = event.location if event is not None else None
    spanned = _has_span(place, row.text)
    s = EventScore(rows=1, with_event=event is not None)
    if row.location:
        s.located = 1
        assert place is None or not spanned or place is not None
        s.located_right = spanned and any(
            place.start < e and b < place.end for b, e in row.location
        )  # type: ignore[union-attr]
    else:
        s.unlocated, s.unlocated_right = 1, not spanned
    wrong = (row.location and not s.located_right) or (not row.location and not s.unlocated_right)
    if verbose and wrong:
        gold = [row.text[b:e] for b, e in row.location]
        got = (
            f"{place.text!r}@{place.start}"
            if place is not None and spanned
            else ("fallback " + place.name if place else None)
        )
        print(
            f"  EV verb={row.text[row.verb[0] : row.verb[1]]!r} event={event.type if event else None} gold={gold} got={got} | {row.text[:200]!r}"
        )
    return s


# ---------------------------------------------------------------- main


def _print_table(title: str, halves: dict[str, Any]) -> None:
    print(f"\n{title}")
    for name in ("tune", "held", "all"):
        cells = "  ".join(
            f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
            for k, v in halves[name].row().items()
        )
        print(f"  {name:5s} {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=["trnews", "geovirus", "events"],
                        choices=["trnews", "geovirus", "events", "handwritten"])  # fmt: skip
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--verbose", action="store_true", help="print errors (tuning half only)")
    parser.add_argument("--model", default=None, help="spaCy pipeline for the toponym sets")
    parser.add_argument("--limit", type=int, default=None, help="event sentences to run (all)")
    args = parser.parse_args()
    readers: dict[str, Callable[[], list[Doc]]] = {
        "trnews": lambda: read_trnews(args.corpora / "geoparsing" / "TR-News.xml"),
        "geovirus": lambda: read_geovirus(args.corpora / "geoparsing" / "GeoVirus.xml"),
        "handwritten": lambda: read_handwritten(HANDWRITTEN),
    }
    toponym_sets = [s for s in args.sets if s in readers]
    if toponym_sets:
        nlp = load_nlp(args.model) if args.model else load_nlp()
        gazetteer = load_gazetteer()
        for name in toponym_sets:
            _print_table(
                f"toponyms: {name}",
                run_toponyms(readers[name](), nlp, gazetteer, verbose=args.verbose),
            )
    if "events" in args.sets:
        rows = read_event_rows(args.corpora / "event-location-dev.jsonl")
        t0 = time.perf_counter()
        halves = run_events(rows, verbose=args.verbose, limit=args.limit)
        _print_table(f"event locations ({time.perf_counter() - t0:.0f} s)", halves)


if __name__ == "__main__":
    main()
