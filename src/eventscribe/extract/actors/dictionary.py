"""The actor dictionary (countries, named actors, role words) and phrase coding from it alone.

The tables are TSV files (resources/actors/README.md); a phrase such as a title ("Iranian
opposition leader") or an organisation name is coded from the dictionary entries inside it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from eventscribe.errors import ModelError
from eventscribe.records import ActorKind

COUNTRY_HEADER = ("name", "alpha3", "aliases", "demonyms", "capitals")
NAMED_HEADER = ("name", "kind", "country", "sector", "aliases")
ROLE_HEADER = ("phrase", "use", "sector", "kind", "canonical")
_KINDS = frozenset({"person", "organization", "group", "state", "igo"})


@dataclass(frozen=True, slots=True)
class NamedActor:
    """A dictionary actor with a proper name: a country, IGO, NGO, party, movement or group."""

    name: str
    kind: ActorKind
    country: str | None
    sector: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Role:
    """A role word: a title before a person's name, or a generic actor ("riot police")."""

    phrase: str
    use: Literal["title", "group"]
    sector: str | None
    kind: ActorKind
    canonical: str


@dataclass(slots=True)
class ActorDictionary:
    """Names, country words and role words, with the matchers built from them."""

    named: dict[str, NamedActor] = field(default_factory=dict)  # surface form -> actor
    roles: dict[str, Role] = field(default_factory=dict)  # lower-case phrase -> role
    modifiers: dict[str, str] = field(default_factory=dict)  # "Iranian", "US" -> alpha-3
    capitals: dict[str, str] = field(default_factory=dict)  # "Tehran" -> alpha-3
    demonyms: dict[str, str] = field(default_factory=dict)  # alpha-3 -> "Iranian"
    states: dict[str, NamedActor] = field(default_factory=dict)  # alpha-3 -> the country
    _named_re: Alternation | None = field(default=None, repr=False)
    _role_re: Alternation | None = field(default=None, repr=False)
    _modifier_re: Alternation | None = field(default=None, repr=False)
    _title_words: frozenset[str] | None = field(default=None, repr=False)
    _single_titles: frozenset[str] | None = field(default=None, repr=False)
    # the role matches of the last text scanned: three stages scan each article's text
    _role_scan: tuple[str, list[re.Match[str]]] | None = field(default=None, repr=False)

    def named_pattern(self) -> Alternation:
        """Return the regex matching every name and alias (case-sensitive, first letter free)."""
        if self._named_re is None:
            self._named_re = _alternation(self.named, case_free_first=True)
        return self._named_re

    def role(self, surface: str) -> Role:
        """Return the role a ``role_pattern`` match names: its spaces and apostrophes may vary."""
        key = " ".join(surface.lower().split())
        for variant in (key, key.replace("’", "'"), key.replace("'", "’")):
            if variant in self.roles:
                return self.roles[variant]
        raise KeyError(surface)

    def title_words(self) -> frozenset[str]:
        """Return every word of the title roles' phrases ("foreign", "minister", ...)."""
        if self._title_words is None:
            titles = [r.phrase for r in self.roles.values() if r.use == "title"]
            self._title_words = frozenset(w for phrase in titles for w in phrase.split())
        return self._title_words

    def single_word_titles(self) -> frozenset[str]:
        """Return the title roles that are one word ("minister", "chairperson")."""
        if self._single_titles is None:
            titles = (r.phrase for r in self.roles.values() if r.use == "title")
            self._single_titles = frozenset(p for p in titles if " " not in p)
        return self._single_titles

    def role_matches(self, text: str) -> list[re.Match[str]]:
        """Return every ``role_pattern`` match in ``text`` (the last text's are remembered)."""
        if self._role_scan is None or self._role_scan[0] is not text:
            self._role_scan = (text, list(self.role_pattern().finditer(text)))
        return self._role_scan[1]

    def role_pattern(self) -> Alternation:
        """Return the case-insensitive regex matching every role phrase."""
        if self._role_re is None:
            self._role_re = _alternation(self.roles, ignore_case=True)
        return self._role_re

    def modifier_pattern(self) -> Alternation:
        """Return the regex matching country words (names, aliases, demonyms)."""
        if self._modifier_re is None:
            self._modifier_re = _alternation(self.modifiers, case_free_first=True)
        return self._modifier_re

    def country_name(self, alpha3: str) -> str | None:
        """Return the canonical name of a country code, or None."""
        actor = self.states.get(alpha3)
        return actor.name if actor is not None else None


def _surface_regex(surface: str, *, case_free_first: bool) -> tuple[str, str]:
    """Return the regex of a surface and the part of it that matches its first character."""
    body = _escape(surface)
    first = surface[0]
    head = _escape(first)
    if case_free_first and first.isalpha() and not surface.isupper():
        head = f"[{first.upper()}{first.lower()}]"
        body = head + body[len(re.escape(first)) :]
    return body, head


def _escape(surface: str) -> str:
    return re.sub(r"\\?['’]", "['’]", re.escape(surface)).replace(r"\ ", r"\s+")


def _alternation(
    surfaces: Iterable[str], *, case_free_first: bool = False, ignore_case: bool = False
) -> Alternation:
    # Longest first: Python's alternation takes the first alternative that matches.
    ordered = sorted(set(surfaces), key=lambda s: (-len(s), s))
    parts = [_surface_regex(s, case_free_first=case_free_first) for s in ordered]
    return Alternation(parts, flags=re.IGNORECASE if ignore_case else 0)


# A regex matching one character: a literal, an escaped literal or a class (not "\\s+").
_ONE_CHARACTER = re.compile(r"[^\\\[]|\\[^ ]|\[[^\]]+\]")
_ANY_START = re.compile(r"(?<![\w])(?s:.)")  # where a surface may start: after no word character


class Alternation:
    """The longest-first alternation of a table's surfaces, each a whole word sequence.

    ``regex`` is the whole alternation; ``finditer`` finds the same matches faster. Python's
    ``re`` tries every alternative at every position, and the tables hold hundreds: an
    alternative can only match where its first character does, so ``finditer`` tries, at each
    position where a surface may start, only the alternatives (in the same order) whose first
    character fits the text's there.
    """

    def __init__(self, parts: Sequence[tuple[str, str]], *, flags: int) -> None:
        self._flags = flags
        self.regex = self._compile([body for body, _ in parts])
        self._parts = parts
        # every head a single character: else finditer scans with the whole alternation
        self._by_first = bool(parts) and all(
            body.startswith(head) and _ONE_CHARACTER.fullmatch(head) for body, head in parts
        )
        self._heads = list(dict.fromkeys(head for _, head in parts))
        self._at: dict[str, re.Pattern[str] | None] = {}  # first character -> its alternatives

    def _compile(self, bodies: Sequence[str]) -> re.Pattern[str]:
        alternatives = "|".join(bodies or ["(?!)"])
        return re.compile(r"(?<![\w])(?:" + alternatives + r")(?![\w])", self._flags)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Yield the non-overlapping matches in ``text``, as ``regex.finditer`` does."""
        if not self._by_first:
            yield from self.regex.finditer(text)
            return
        end = 0
        for start in _ANY_START.finditer(text):
            position = start.start()
            if position < end:
                continue
            regex = self._starting_with(text[position])
            found = regex.match(text, position) if regex is not None else None
            if found is not None:
                yield found
                end = found.end()

    def _starting_with(self, char: str) -> re.Pattern[str] | None:
        if char not in self._at:
            heads = {h for h in self._heads if re.fullmatch(h, char, self._flags)}
            bodies = [body for body, head in self._parts if head in heads]
            self._at[char] = self._compile(bodies) if bodies else None
        return self._at[char]

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """Return ``regex.match(text, pos)``."""
        return self.regex.match(text, pos)

    def search(self, text: str) -> re.Match[str] | None:
        """Return ``regex.search(text)``."""
        return self.regex.search(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        """Return ``regex.fullmatch(text)``."""
        return self.regex.fullmatch(text)


def load_actor_dictionary(paths: Sequence[Path] = ()) -> ActorDictionary:
    """Load the packaged actor TSVs, then the user's TSVs (later rows win)."""
    dictionary = ActorDictionary()
    folder = resources.files("eventscribe") / "resources" / "actors"
    for name in ("countries.tsv", "organizations.tsv", "roles.tsv"):
        _read_table(dictionary, (folder / name).read_text(encoding="utf-8"), source=name)
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"cannot read actor dictionary {path}: {exc}; check the path") from exc
        _read_table(dictionary, text, source=str(path))
    return dictionary


def _read_table(dictionary: ActorDictionary, text: str, *, source: str) -> None:
    rows = [r for r in csv.reader(text.splitlines(), delimiter="\t") if r and r[0].strip()]
    rows = [r for r in rows if not r[0].startswith("#")]
    if not rows:
        return
    header = tuple(c.strip() for c in rows[0])
    readers: dict[tuple[str, ...], Callable[[ActorDictionary, list[str]], None]] = {
        COUNTRY_HEADER: _add_country,
        NAMED_HEADER: _add_named,
        ROLE_HEADER: _add_role,
    }
    reader = readers.get(header)
    if reader is None:
        raise ModelError(
            f"actor dictionary {source} has header {header!r}; use one of "
            f"{COUNTRY_HEADER}, {NAMED_HEADER}, {ROLE_HEADER} (see resources/actors/README.md)"
        )
    for number, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        try:
            reader(dictionary, cells)
        except ValueError as exc:
            raise ModelError(f"actor dictionary {source}, line {number}: {exc}") from exc


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _add_country(dictionary: ActorDictionary, cells: list[str]) -> None:
    name, alpha3, aliases, demonyms, capitals = cells[:5]
    actor = NamedActor(name, "state", alpha3, "GOV", tuple(_split(aliases)))
    dictionary.states[alpha3] = actor
    for surface in (name, *actor.aliases):
        dictionary.named[surface] = actor
        dictionary.modifiers[surface] = alpha3
    for demonym in _split(demonyms):
        dictionary.modifiers[demonym] = alpha3
        dictionary.demonyms.setdefault(alpha3, demonym)
    for capital in _split(capitals):
        dictionary.capitals[capital] = alpha3


def _add_named(dictionary: ActorDictionary, cells: list[str]) -> None:
    name, kind, country, sector, aliases = cells[:5]
    if kind not in _KINDS:
        raise ValueError(f"kind {kind!r} is not one of {sorted(_KINDS)}")
    actor = NamedActor(name, kind, country or None, sector or None, tuple(_split(aliases)))  # type: ignore[arg-type]
    for surface in (name, *actor.aliases):
        dictionary.named[surface] = actor


def _add_role(dictionary: ActorDictionary, cells: list[str]) -> None:
    phrase, use, sector, kind, canonical = cells[:5]
    if use not in ("title", "group") or kind not in _KINDS:
        raise ValueError(f"use must be title or group and kind one of {sorted(_KINDS)}")
    role = Role(phrase.lower(), use, sector or None, kind, canonical or phrase.lower())  # type: ignore[arg-type]
    dictionary.roles[role.phrase] = role


# --- coding phrases from the dictionary -------------------------------------------------------


def surface_key(found: str, table: Container[str]) -> str:
    """Map a matched surface back to its table key (first-letter case, curly apostrophes)."""
    if found in table:
        return found
    normal = " ".join(found.replace("’", "'").split())
    for candidate in (normal, normal[:1].swapcase() + normal[1:]):
        if candidate in table:
            return candidate
    raise KeyError(found)


def code_title(title: str, dictionary: ActorDictionary) -> tuple[str | None, str | None]:
    """Return (country, sector) for a title such as "Iranian opposition leader"."""
    roles = [dictionary.role(m.group()) for m in dictionary.role_pattern().finditer(title)]
    titles = [role for role in roles if role.use == "title"]
    sector = titles[-1].sector if titles else None  # the head of the title is its last role
    groups = [role.sector for role in roles if role.use == "group" and role.sector]
    if titles and titles[-1].phrase in SPEAKS_FOR and groups:
        sector = groups[-1]  # "union leader", "leader of the CGT union": the body's sector
    country = None
    for match in dictionary.named_pattern().finditer(title):
        actor = dictionary.named[surface_key(match.group(), dictionary.named)]
        if actor.kind == "state":
            country = country or actor.country
            continue
        country = actor.country or country
        if actor.sector and sector in (None, "GOV") and actor.kind != "igo":
            sector = actor.sector  # "Hamas spokesman" speaks for Hamas
        if actor.country in ("IGO", "NGO"):
            break
    if country is None:
        modifier = dictionary.modifier_pattern().search(title)
        country = (
            dictionary.modifiers[surface_key(modifier.group(), dictionary.modifiers)]
            if modifier
            else None
        )
    return country, sector


# Posts that speak for the body their title names ("army spokesman", "union president"),
# unlike posts of their own ("Police Minister" is a government minister).
SPEAKS_FOR = frozenset(
    (
        "president",
        "vice president",
        "vice-president",
        "leader",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "chairman",
        "chairperson",
        "chairwoman",
        "director",
        "executive director",
        "coordinator",
        "founder",
        "secretary-general",
        "secretary general",
    )
)


def is_generic(text: str, dictionary: ActorDictionary) -> bool:
    """Return True for a role with at most a country before it ("Regime", "Iranian Regime")."""
    roles = [m for m in dictionary.role_pattern().finditer(text) if m.end() == len(text.rstrip())]
    if not roles or dictionary.role(roles[-1].group()).use != "group":
        return False
    prefix = text[: roles[-1].start()].strip()
    if prefix in dictionary.named and roles[-1].group().istitle():
        return False  # "Nigeria Labour Congress": a country's name before a capitalised role
    prefix = re.sub(r"['’]s$", "", prefix)
    return not prefix or dictionary.modifier_pattern().fullmatch(prefix) is not None
