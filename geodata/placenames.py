"""Place and region names, in Russian and Latin spelling, reduced to keys that match (pure).

Kept apart from the gazetteer so the spelling rules (normalisation, transliteration, which
Cyrillic alternate name is the Russian one, region-type words) can be read and tested alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

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


#: Latin endings of Russian adjectives, spelled many ways: -ий as -iy/-ii/-y/-i after "sk",
#: -ый as -yy/-y ("Dzerzhinskiy", "Dzerzhinskii", "Dzerzhinsky", "Dzerzhinski" share a key).
_LATIN_ADJECTIVE = re.compile(r"(?:(?<=sk)(?:iy|ii|yi|ij|y|i)|(?<=[a-z])(?:iy|ii|yy|yi|ij))$")


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    if _CYRILLIC.search(text):
        text = text.translate(_HOMOGLYPHS)
    words = text.casefold().translate(_FOLD).split()
    return [_LATIN_ADJECTIVE.sub("y", w) if w.isascii() else w for w in words]


def normalize_name(text: str) -> str:
    """Reduce a place name to its matching key.

    Case, ё/е, accents, apostrophes and hyphen/space/dot variants are ignored; "St" means
    "Saint"; Latin adjective endings -skiy/-skii/-sky/-ski and -yy/-iy are one; a leading
    "г.", "город", "село"... is dropped; Latin look-alike letters inside a
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
    "RU-AL": ("Republic of Altai", "Gorno-Altai", "Горный Алтай"),
    "RU-BA": ("Bashkiria", "Башкирия"),
    "RU-CE": ("Чеченская Республика",),
    "RU-CU": ("Чувашская Республика",),
    "RU-KB": ("Kabardino-Balkar Republic", "Кабардино-Балкарская Республика"),
    "RU-KC": ("Karachay-Cherkessia", "Карачаево-Черкесская Республика"),
    "RU-KHM": ("Yugra", "ХМАО", "Югра"),
    "RU-KEM": ("Кузбасс",),
    "RU-MOW": ("Moscow City",),
    "RU-ORL": ("Orel", "Orël"),
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
#: Names that other datasets give a region though GeoNames gives them to another: ACLED writes
#: "Altai" for Altai Krai (GeoNames' admin1 name of the Altai Republic, which ACLED calls
#: "Republic of Altai"). Imported files use ACLED's spelling; GeoNames' code RU.03 still works.
REGION_PREFERRED = {"Altai": "RU-ALT"}
#: Spellings of a region type that mean the same ("Moscow Region" is "Moscow Oblast").
_REGION_TYPE_SYNONYMS = {
    "region": "oblast",
    "obl": "oblast",
    "kray": "krai",
    "territory": "krai",
    "обл": "область",
    "респ": "республика",
}


def name_variants(text: str) -> list[str]:
    """Give a name, the name without its bracketed part, that part, and each side of a dash."""
    variants = [text]
    if "(" in text:
        variants += [re.sub(r"\([^)]*\)", " ", text), *re.findall(r"\(([^)]*)\)", text)]
    parts = re.split(r"\s+[-–—]\s+", text)
    return variants + parts if len(parts) > 1 else variants


def region_exact(text: str) -> str:
    """Key of a region name, type words spelled one way ("Moscow Region" = "Moscow Oblast")."""
    words = [_REGION_TYPE_SYNONYMS.get(w, w) for w in _tokens(text)]
    return normalize_name(" ".join(words))


def region_core(text: str) -> str:
    """Key of a region name without any type word, so "Sverdlovsk" finds "Sverdlovsk Oblast"."""
    return "".join(
        "saint" if w == "st" else w for w in _tokens(text) if w not in _REGION_TYPE_WORDS
    )


def english_region_name(name_en: str, name_ru: str) -> str:
    """'Kursk' + 'Курская область' -> 'Kursk Oblast': the crosswalk drops the region type."""
    low = name_ru.lower()
    if "автономная область" in low and "Autonomous" not in name_en:
        return f"{name_en} Autonomous Oblast"
    if low.endswith("область") and "Oblast" not in name_en:
        return f"{name_en} Oblast"
    if low.endswith("край") and "Krai" not in name_en:
        return f"{name_en} Krai"
    return name_en


def unique(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Keys that name exactly one region (``Moscow`` the city, not ``moscow`` the core)."""
    seen: dict[str, set[str]] = {}
    for key, code in pairs:
        if key:
            seen.setdefault(key, set()).add(code)
    return {key: codes.pop() for key, codes in seen.items() if len(codes) == 1}
