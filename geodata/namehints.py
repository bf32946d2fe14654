"""Region hints written inside a place's name (pure): "Троицк (Москва)", "ОМВД ... г. Москвы".

Real lists name a police station or a settlement together with its region: in brackets, as a
region phrase in any grammatical case ("Красноярского края", "Московской области"), or by
naming a federal city ("г. Москвы"). :func:`region_mentions` finds those hints and what is
left of the name without them; the gazetteer decides whether either means anything.
See ``docs/geocoding.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_WORD = r"[А-ЯЁа-яёA-Za-z-]+"
#: Federal cities by name, in every case a sentence puts them in, with an optional "г."/"город",
#: or in English (not "Moscow Oblast"/"Moscow Region", which is the oblast).
_CITY = r"(?<![\w-])(?:(?:г|гор|город)\.?\s*)?"
_NOT_OBLAST = r"(?![\w-])(?!\s+(?:oblast|region|province|krai)\b)"
FEDERAL_CITY_MENTIONS = {
    "RU-MOW": re.compile(rf"{_CITY}(?:москв(?:а|ы|е|у|ой)|moscow){_NOT_OBLAST}", re.I),
    "RU-SPE": re.compile(
        rf"{_CITY}(?:(?:санкт-)?петербург(?:а|е|у|ом)?|спб|(?:saint|st\.?)[ -]?petersburg)"
        + _NOT_OBLAST,
        re.I,
    ),
    "UA-40": re.compile(rf"{_CITY}(?:севастопол(?:ь|я|е|ю|ем)|sevastopol){_NOT_OBLAST}", re.I),
}
#: Region phrases in Russian (any case) and English, each with how to write it as a hint.
_REGION_PHRASES = (
    (re.compile(rf"({_WORD})(?:ая|ой|ую) (?:область|области|обл\.?)(?!\w)", re.I), "{}ая область"),
    (re.compile(rf"({_WORD})(?:ий|ого|ому|ом) (?:край|края|краю|крае)(?!\w)", re.I), "{}ий край"),
    (
        re.compile(rf"({_WORD})(?:ий|ого|ому|ом) автономн\w+ округ\w*", re.I),
        "{}ий автономный округ",
    ),
    (re.compile(rf"республик[аиеу] ({_WORD})", re.I), "Республика {}"),
    (re.compile(rf"({_WORD}) (oblast|krai|kray|region|territory)\b", re.I), "{} {}"),
    (re.compile(rf"republic of ({_WORD})", re.I), "Republic of {}"),
)
_BRACKETED = re.compile(r"\(([^()]*)\)")
_TRIM = " \t,;:.-–—"


def _without(text: str, start: int, end: int) -> str:
    rest = f"{text[:start]} {text[end:]}"
    return " ".join(rest.split()).strip(_TRIM)


def region_mentions(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(rest of the name, region hint)`` for each region the name mentions.

    Brackets first ("Троицк (Москва)" -> ("Троицк", "Москва")), then region phrases
    ("Железногорск Красноярского края" -> ("Железногорск", "Красноярский край")), then federal
    cities by name ("ОМВД по району Митино г. Москвы" -> ("ОМВД по району Митино", "RU-MOW")).
    """
    for match in _BRACKETED.finditer(text):
        yield _without(text, *match.span()), match.group(1).strip()
    for pattern, template in _REGION_PHRASES:
        for match in pattern.finditer(text):
            yield _without(text, *match.span()), template.format(*match.groups())
    for code, pattern in FEDERAL_CITY_MENTIONS.items():
        for match in pattern.finditer(text):
            yield _without(text, *match.span()), code
