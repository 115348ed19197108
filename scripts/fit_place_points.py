"""Fit where annotators put a country, state or continent, on the tuning halves only.

    PYTHONPATH=src python scripts/fit_place_points.py [--corpora /work/shared/corpora] \
        [--out src/eventscribe/resources/places/points.tsv]

A city is a point; a country is wherever a convention puts it, and conventions differ by
hundreds of kilometres (GeoNames has Canada at 60N 113W, Wikipedia at 60N 95W). For every
country, admin1 and continent that ``find_places`` picks for a gold toponym of the tuning
halves of TR-News and GeoVirus (``bench/places.py`` splits by a hash of the document id), this
takes the point that lies within 161 km of the most gold points: the gazetteer's own point,
a gold point, or the midpoint of two gold points (within 161 km of both conventions where they
are close enough). An entry is written only when it puts at least ``MIN_GAIN`` more gold points
within 161 km than the gazetteer's point, and moves it by at most ``MAX_MOVE_KM``. The held
halves are never read.

``--demonyms`` fits, the same way, where the tuning halves put a country named by its demonym
("Canadian"), over the shipped gazetteer's points, into resources/places/demonym_points.tsv:
the coders who geocode a demonym at all keep to a convention of their own.
"""

from __future__ import annotations

import argparse
import itertools
import math
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
    corpora: Path, *, demonyms: bool = False
) -> tuple[dict[int, list[Point]], dict[int, tuple[str, str, Point]]]:
    """Return geonames id -> gold points of the tuning-half toponyms resolved to that area.

    ``demonyms``: only the countries named by a demonym, read with the shipped gazetteer.
    """
    nlp = load_nlp()
    gazetteer = load_gazetteer() if demonyms else _source_gazetteer()
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
    path = Path(tempfile.mkdtemp(prefix="points-")) / "gazetteer.sqlite"
    build_gazetteer(path, fitted_points=False)
    return open_gazetteer(path)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("/work/shared/corpora"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--demonyms", action="store_true", help="fit demonym_points.tsv")
    args = parser.parse_args()
    out = args.out or (DEMONYM_OUT if args.demonyms else DEFAULT_OUT)
    golds, names = collect(args.corpora, demonyms=args.demonyms)
    flag = " --demonyms" if args.demonyms else ""
    lines = [
        "# geonames_id\tlat\tlon\tname\tfeature\tgold points within 161 km: before -> after",
        f"# written by scripts/fit_place_points.py{flag} from the tuning halves of TR-News and"
        " GeoVirus",
    ]
    for gid in sorted(golds):
        name, feature, current = names[gid]
        point = best_point(current, golds[gid])
        before, after = within(current, golds[gid]), within(point, golds[gid])
        # A demonym names its country without doubt, so no move means a misread area; it moves
        # from one convention to another (Canada: Wikipedia's 60N 95W to GeoNames' 60N 113W).
        cap = math.inf if args.demonyms else MAX_MOVE_KM[feature]
        if after - before >= MIN_GAIN and haversine_km(*current, *point) <= cap:
            lines.append(
                f"{gid}\t{point[0]:.4f}\t{point[1]:.4f}\t{name}\t{feature}\t"
                f"{before}/{len(golds[gid])} -> {after}/{len(golds[gid])}"
            )
            print(lines[-1])
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 2} points to {out}")


if __name__ == "__main__":
    main()
