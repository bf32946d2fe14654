"""Every region by the names other datasets give it: English, Russian and ACLED's admin1.

ACLED's admin1 spellings for Russia could not be checked against an ACLED export here (no
internet). Two are known from real ACLED files (issue 12): "Altai" is Altai Krai and "Republic
of Altai" the Altai Republic. For the others this test uses GeoNames' admin1 names, which is the
gazetteer ACLED's admin1 names follow in most countries; that they are ACLED's exact spellings
for Russia is an assumption, not a verified fact.
"""

from __future__ import annotations

import pytest

from geodata.geocoding import Gazetteer, Place, read_crosswalk
from geodata.placenames import english_region_name

CROSSWALK = read_crosswalk()
#: ACLED spellings verified in real ACLED exports (see the module docstring).
ACLED_VERIFIED = {"RU-ALT": "Altai", "RU-AL": "Republic of Altai"}


def spellings(row: dict[str, str]) -> list[str]:
    code = row["iso_3166_2"]
    english = english_region_name(row["name_en"], row["name_ru"])
    acled = ACLED_VERIFIED.get(code, row["geonames_admin1_name"])
    return [
        row["name_en"],
        english,
        english.replace(" Oblast", " Region").replace(" Krai", " Territory"),
        english.upper(),
        row["name_ru"],
        row["name_ru"].replace("область", "обл."),
        row["name_ru"].lower(),
        acled,
    ]


@pytest.mark.parametrize("row", CROSSWALK, ids=[r["iso_3166_2"] for r in CROSSWALK])
def test_every_region_by_english_russian_and_acled_spelling(gazetteer: Gazetteer, row) -> None:
    for spelling in spellings(row):
        assert gazetteer.resolve_region(spelling) == row["iso_3166_2"], spelling


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Altai", "RU-ALT"),
        ("Republic of Altai", "RU-AL"),
        ("Altai Republic", "RU-AL"),
        ("Республика Алтай", "RU-AL"),
        ("Altai Krai", "RU-ALT"),
        ("Алтайский край", "RU-ALT"),
        ("RU.03", "RU-AL"),
        ("RU.04", "RU-ALT"),
        ("Zabaykalskiy Krai", "RU-ZAB"),
        ("Zabaykalsky Krai", "RU-ZAB"),
        ("Zabaykalskii Krai", "RU-ZAB"),
        ("Primorskiy Kray", "RU-PRI"),
        ("Nizhniy Novgorod Oblast", "RU-NIZ"),
        ("Saint Petersburg", "RU-SPE"),
        ("St Petersburg", "RU-SPE"),
        ("St.-Petersburg", "RU-SPE"),
        ("Sankt-Peterburg", "RU-SPE"),
        ("Orel Oblast", "RU-ORL"),
        ("Oryol Oblast", "RU-ORL"),
        ("Орёл", None),
        ("Орловская область", "RU-ORL"),
        ("Khanty Mansi", "RU-KHM"),
        ("Kabardino Balkaria", "RU-KB"),
    ],
)
def test_region_spelling_variants(gazetteer: Gazetteer, spelling: str, code: str | None) -> None:
    assert gazetteer.resolve_region(spelling) == code


@pytest.mark.parametrize(
    "names",
    [
        ["Dzerzhinsk", "Дзержинск"],
        ["Zheleznodorozhny", "Zheleznodorozhnyy", "Zheleznodorozhniy", "Железнодорожный"],
        ["Nizhny Novgorod", "Nizhniy Novgorod", "Nizhnii Novgorod", "Нижний Новгород"],
        ["Oryol", "Orel", "Orël", "Орел", "Орёл"],
        ["Saint Petersburg", "St. Petersburg", "St Petersburg", "Saint-Petersburg"],
        ["Ust-Abakan", "Ust Abakan", "Усть Абакан", "Усть-Абакан"],
        ["Rostov-on-Don", "Rostov-na-Donu", "Rostov na Donu", "Ростов-на-Дону"],
        ["Korolyov", "Korolev", "Королёв", "Королев"],
    ],
)
def test_place_spelling_variants(gazetteer: Gazetteer, names: list[str]) -> None:
    found = [gazetteer.resolve(name) for name in names]
    assert isinstance(found[0], Place)
    assert [getattr(f, "geonameid", None) for f in found] == [found[0].geonameid] * len(names)
