"""Offline geocoding against the real GeoNames data (loaded once per module, ~3 s)."""

from __future__ import annotations

import csv
import math
from typing import Any

import pytest

from geodata.geocoding import (
    AMBIGUOUS_PLACE,
    DOMINANCE,
    UNKNOWN_PLACE,
    UNKNOWN_REGION,
    Gazetteer,
    Miss,
    Place,
    RegionOnly,
    read_crosswalk,
)
from geodata.placenames import choose_russian_name, normalize_name
from geodata.settings import PROJECT_ROOT

FACTS = PROJECT_ROOT.parent / "shared" / "facts" / "mobilization_2022_detentions.csv"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def place(gazetteer: Gazetteer, name: str, region: str | None = None) -> Place:
    found = gazetteer.resolve(name, region)
    assert isinstance(found, Place), found
    return found


def miss(gazetteer: Gazetteer, name: str, region: str | None = None) -> Miss:
    found = gazetteer.resolve(name, region)
    assert isinstance(found, Miss), found
    return found


# ------------------------------------------------------------------ name keys


@pytest.mark.parametrize(
    "spellings",
    [
        ["Ulan-Ude", "Ulan Ude", "ulan–ude", "  ULAN-UDE  "],
        ["Saint Petersburg", "St Petersburg", "St. Petersburg", "Saint-Petersburg"],
        ["Улан-Удэ", "улан удэ", "Улан.Удэ"],
        ["Москва", "г. Москва", "г.Москва", "город Москва", "г Москва", "МОСКВА"],
        ["Орёл", "Орел", "ОРЁЛ"],
        ["Nal'chik", "Nal’chik", "Nalchik"],
        ["Železnogorsk", "Zeleznogorsk"],
        ["Москва", "Mосква"],  # the first letter of the second is a Latin M
    ],
)
def test_spellings_share_one_key(spellings: list[str]) -> None:
    assert len({normalize_name(s) for s in spellings}) == 1


def test_prefix_alone_is_kept() -> None:
    assert normalize_name("город") == "город"


# ------------------------------------------------------------- resolving names


@pytest.mark.parametrize(
    ("name", "name_en", "region_code"),
    [
        ("Moscow", "Moscow", "RU-MOW"),
        ("Москва", "Moscow", "RU-MOW"),
        ("Saint Petersburg", "Saint Petersburg", "RU-SPE"),
        ("St Petersburg", "Saint Petersburg", "RU-SPE"),
        ("St. Petersburg", "Saint Petersburg", "RU-SPE"),
        ("Санкт-Петербург", "Saint Petersburg", "RU-SPE"),
        ("Петербург", "Saint Petersburg", "RU-SPE"),
        ("Yekaterinburg", "Yekaterinburg", "RU-SVE"),
        ("Екатеринбург", "Yekaterinburg", "RU-SVE"),
        ("Ulan-Ude", "Ulan-Ude", "RU-BU"),
        ("Ulan Ude", "Ulan-Ude", "RU-BU"),
        ("Улан-Удэ", "Ulan-Ude", "RU-BU"),
        ("г. Уфа", "Ufa", "RU-BA"),
        ("город Уфа", "Ufa", "RU-BA"),
        ("Орел", "Orël", "RU-ORL"),
        ("Orel", "Orël", "RU-ORL"),
        ("Nalchik", "Nalchik", "RU-KB"),
        ("Нальчик", "Nalchik", "RU-KB"),
        ("Grozny", "Grozny", "RU-CE"),
        ("Грозный", "Grozny", "RU-CE"),
        ("Kyzyl", "Kyzyl", "RU-TY"),
        ("Кызыл", "Kyzyl", "RU-TY"),
        ("Nizhny Novgorod", "Nizhniy Novgorod", "RU-NIZ"),
        ("Нижний Новгород", "Nizhniy Novgorod", "RU-NIZ"),
        ("Rostov-on-Don", "Rostov-on-Don", "RU-ROS"),
        ("Ростов-на-Дону", "Rostov-on-Don", "RU-ROS"),
        ("Togliatti", "Tolyatti", "RU-SAM"),
        ("Korolyov", "Korolev", "RU-MOS"),
        ("Королёв", "Korolev", "RU-MOS"),
        ("Kotlas", "Kotlas", "RU-ARK"),
        ("Chita", "Chita", "RU-ZAB"),
        ("Khasavyurt", "Khasavyurt", "RU-DA"),
        ("Endirey", "Endirey", "RU-DA"),
        ("село Эндирей", "Endirey", "RU-DA"),
        ("Babayurt", "Babayurt", "RU-DA"),
        ("Бабаюрт", "Babayurt", "RU-DA"),
    ],
)
def test_resolves_latin_and_cyrillic_spellings(
    gazetteer: Gazetteer, name: str, name_en: str, region_code: str
) -> None:
    found = place(gazetteer, name)
    assert (found.name_en, found.region_code) == (name_en, region_code)
    assert -90 <= found.lat <= 90 and -180 <= found.lon <= 180


@pytest.mark.parametrize(
    ("name_en", "name_ru"),
    [
        ("Moscow", "Москва"),
        ("Saint Petersburg", "Санкт-Петербург"),
        ("Yekaterinburg", "Екатеринбург"),
        ("Makhachkala", "Махачкала"),
        ("Khasavyurt", "Хасавюрт"),
        ("Yakutsk", "Якутск"),
        ("Kyzyl", "Кызыл"),
        ("Ulan-Ude", "Улан-Удэ"),
        ("Ufa", "Уфа"),
        ("Izhevsk", "Ижевск"),
        ("Grozny", "Грозный"),
        ("Nalchik", "Нальчик"),
        ("Simferopol", "Симферополь"),
        ("Sevastopol", "Севастополь"),
        ("Kotlas", "Котлас"),
        ("Petrozavodsk", "Петрозаводск"),
        ("Perm", "Пермь"),
        ("Kazan", "Казань"),
        ("Omsk", "Омск"),
        ("Rostov-on-Don", "Ростов-на-Дону"),
        ("Donetsk", "Донецк"),
        ("Kerch", "Керчь"),
        ("Nova Kakhovka", "Новая Каховка"),
    ],
)
def test_russian_name_is_the_russian_spelling(
    gazetteer: Gazetteer, name_en: str, name_ru: str
) -> None:
    assert place(gazetteer, name_en).name_ru == name_ru


@pytest.mark.parametrize("region", ["Krasnoyarsk Krai", "Красноярский край"])
def test_russian_name_of_a_shared_name(gazetteer: Gazetteer, region: str) -> None:
    assert place(gazetteer, "Zheleznogorsk", region).name_ru == "Железногорск"


@pytest.mark.parametrize(
    ("name_en", "alternatenames", "expected"),
    [
        ("Perm", ["Перм", "Пермь", "Perm'"], "Пермь"),  # Serbian drops the soft sign
        ("Omsk", ["Омськ", "Омск", "Омьскъ"], "Омск"),  # Ukrainian, pre-1918
        ("Kolomna", ["Коломьна", "Коломна"], "Коломна"),
        ("Ulan-Ude", ["Улан Уде", "Улан-Удэ"], "Улан-Удэ"),
        ("Grozny", ["Грозны", "Грозный", "Грозна"], "Грозный"),
        ("Orël", ["Орел", "Орёл"], "Орёл"),
        ("Kazan", ["Казан", "Къазан", "Казань"], "Казань"),
        ("Verhunskyi", ["Вергунський район", "Жовтневий"], None),  # only Ukrainian spellings
        ("Vila", ["Casas Vila", "Vila"], None),
    ],
)
def test_choose_russian_name(name_en: str, alternatenames: list[str], expected: str | None) -> None:
    assert choose_russian_name(name_en, alternatenames) == expected


# ------------------------------------------------------------------ ambiguity


@pytest.mark.parametrize("name", ["Zheleznogorsk", "Железногорск", "Troitsk"])
def test_similar_sized_namesakes_are_ambiguous(gazetteer: Gazetteer, name: str) -> None:
    found = miss(gazetteer, name)
    assert found.reason == AMBIGUOUS_PLACE
    assert found.query == name
    assert "add a region" in found.detail


def test_ambiguous_detail_lists_candidates(gazetteer: Gazetteer) -> None:
    detail = miss(gazetteer, "Zheleznogorsk").detail
    assert "Zheleznogorsk (Krasnoyarsk Krai, RU-KYA, pop 93,834)" in detail
    assert "Zheleznogorsk (Kursk Oblast, RU-KRS, pop 97,900)" in detail


@pytest.mark.parametrize(
    ("name", "region", "region_code"),
    [
        ("Zheleznogorsk", "Krasnoyarsk Krai", "RU-KYA"),
        ("Zheleznogorsk", "RU-KYA", "RU-KYA"),
        ("Железногорск", "Курская область", "RU-KRS"),
        ("Zheleznogorsk", "Kursk", "RU-KRS"),
        ("Troitsk", "Chelyabinsk Oblast", "RU-CHE"),
        ("Kirov", None, "RU-KIR"),  # 507,155 people against 39,319: dominant
        ("Kirov", "Kaluga Oblast", "RU-KLU"),
        ("Pushkino", None, "RU-MOS"),
    ],
)
def test_region_hint_or_dominance_decides(
    gazetteer: Gazetteer, name: str, region: str | None, region_code: str
) -> None:
    assert place(gazetteer, name, region).region_code == region_code


def test_hint_that_excludes_every_namesake(gazetteer: Gazetteer) -> None:
    found = miss(gazetteer, "Zheleznogorsk", "Tver Oblast")
    assert found.reason == UNKNOWN_PLACE
    assert "exists, but not in Tver Oblast (RU-TVE)" in found.detail
    assert "Krasnoyarsk Krai" in found.detail and "Kursk Oblast" in found.detail


@pytest.fixture(scope="module")
def crosswalk() -> list[dict[str, str]]:
    return read_crosswalk()


def _record(geonameid: int, name: str, population: int, admin1: str = "53") -> dict:
    return {
        "geonameid": geonameid,
        "name": name,
        "latitude": 55.0,
        "longitude": 83.0,
        "countrycode": "RU",
        "population": population,
        "admin1code": admin1,
        "alternatenames": [],
    }


@pytest.mark.parametrize(
    ("populations", "winner"),
    [
        ((10_000, 1_000), 1),
        ((10_000, 1_001), None),
        ((5_000, 0), 1),
        ((0, 0), None),
    ],
)
def test_dominance_rule(
    crosswalk: list[dict[str, str]], populations: tuple[int, int], winner: int | None
) -> None:
    assert DOMINANCE == 10
    records = [
        _record(i, "Testovo", pop, admin1)
        for i, (pop, admin1) in enumerate(zip(populations, ("53", "51"), strict=True), start=1)
    ]
    found = Gazetteer.from_records(records, crosswalk).resolve("Testovo")
    if winner is None:
        assert isinstance(found, Miss) and found.reason == AMBIGUOUS_PLACE
    else:
        assert isinstance(found, Place) and found.geonameid == winner


def test_namesakes_of_one_region_give_the_region(
    gazetteer: Gazetteer, crosswalk: list[dict[str, str]]
) -> None:
    records = [_record(1, "Testovo", 10_000), _record(2, "Testovo", 9_000)]
    found = Gazetteer.from_records(records, crosswalk).resolve("Testovo")
    assert isinstance(found, RegionOnly) and found.region_code == "RU-NVS"
    for spelling in ("Дзержинский", "Dzerzhinsky", "Dzerzhinskiy", "Dzerzhinskii", "Dzerzhinski"):
        found = gazetteer.resolve(spelling)
        assert isinstance(found, RegionOnly) and found.region_code == "RU-MOS", spelling
        assert "Dzerzhinsky (Moscow Oblast, RU-MOS, pop 47,163)" in found.detail


def test_primary_names_come_before_alternate_names(crosswalk: list[dict[str, str]]) -> None:
    big = {**_record(1, "Bigtown", 1_000_000), "alternatenames": ["Smallton"]}
    records = [big, _record(2, "Smallton", 600, admin1="75")]
    found = Gazetteer.from_records(records, crosswalk).resolve("Smallton")
    assert isinstance(found, Place) and found.geonameid == 2


def test_places_outside_the_area_are_left_out(crosswalk: list[dict[str, str]]) -> None:
    records = [
        {**_record(1, "Minsk", 2_000_000, admin1="04"), "countrycode": "BY"},
        {**_record(2, "Kyiv", 2_900_000, admin1="12"), "countrycode": "UA"},
    ]
    gazetteer = Gazetteer.from_records(records, crosswalk)
    assert [miss(gazetteer, n).reason for n in ("Minsk", "Kyiv")] == [UNKNOWN_PLACE] * 2


# ------------------------------------------------------------- misses, regions


@pytest.mark.parametrize("name", ["Atlantis", "Kyiv", "Minsk", "London", "Москва-300", "  "])
def test_unknown_names_are_misses(gazetteer: Gazetteer, name: str) -> None:
    assert miss(gazetteer, name).reason == UNKNOWN_PLACE


def test_only_russian_namesakes_of_foreign_cities(gazetteer: Gazetteer) -> None:
    # The gazetteer holds Russia and occupied Ukraine only: "Berlin" is a village in the Urals.
    assert place(gazetteer, "Berlin").region_code == "RU-CHE"


@pytest.mark.parametrize("region", ["Narnia", "RU-XXX", "Bavaria", "Kyiv Oblast"])
def test_unknown_region_hint(gazetteer: Gazetteer, region: str) -> None:
    found = miss(gazetteer, "Moscow", region)
    assert found.reason == UNKNOWN_REGION
    assert region in found.detail
    assert gazetteer.resolve_region(region) is None


@pytest.mark.parametrize("region", [None, "", "   ", math.nan])
def test_missing_hint_means_no_hint(gazetteer: Gazetteer, region: object) -> None:
    assert place(gazetteer, "Perm", region).region_code == "RU-PER"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("hint", "code"),
    [
        ("RU-SVE", "RU-SVE"),
        ("ru-sve", "RU-SVE"),
        ("RU.71", "RU-SVE"),
        ("Sverdlovsk Oblast", "RU-SVE"),
        ("Свердловская область", "RU-SVE"),
        ("Свердловская обл.", "RU-SVE"),
        ("Moscow", "RU-MOW"),
        ("Москва", "RU-MOW"),
        ("Moscow Oblast", "RU-MOS"),
        ("Moscow Region", "RU-MOS"),
        ("Московская область", "RU-MOS"),
        ("Республика Дагестан", "RU-DA"),
        ("Republic of Dagestan", "RU-DA"),
        ("Dagestan", "RU-DA"),
        ("Sakha (Yakutia) Republic", "RU-SA"),
        ("Республика Саха (Якутия)", "RU-SA"),
        ("Yakutia", "RU-SA"),
        ("Tyva Republic", "RU-TY"),
        ("Tuva", "RU-TY"),
        ("Chechen Republic", "RU-CE"),
        ("Чеченская Республика", "RU-CE"),
        ("Udmurt Republic", "RU-UD"),
        ("Удмуртия", "RU-UD"),
        ("Krasnoyarsk Krai", "RU-KYA"),
        ("Красноярский край", "RU-KYA"),
        ("Krasnoyarsk Territory", "RU-KYA"),
        ("Altai Krai", "RU-ALT"),
        ("Altai Republic", "RU-AL"),
        ("Jewish Autonomous Oblast", "RU-YEV"),
        ("Khanty-Mansi Autonomous Okrug – Yugra", "RU-KHM"),
        ("Kemerovo Oblast", "RU-KEM"),
        ("Kuzbass", "RU-KEM"),
        ("St. Petersburg", "RU-SPE"),
        ("North Ossetia–Alania", "RU-SE"),
        ("Crimea", "UA-43"),
        ("Республика Крым", "UA-43"),
        ("Sevastopol", "UA-40"),
        ("Donetsk Oblast", "UA-14"),
        ("Луганская область", "UA-09"),
        ("Zaporizhzhia Oblast", "UA-23"),
        ("Kherson", "UA-65"),
    ],
)
def test_resolve_region(gazetteer: Gazetteer, hint: str, code: str) -> None:
    assert gazetteer.resolve_region(hint) == code


def test_every_crosswalk_region_resolves_by_code_and_names(
    gazetteer: Gazetteer, crosswalk: list[dict[str, str]]
) -> None:
    assert len(crosswalk) == 89
    for row in crosswalk:
        hints = [row["iso_3166_2"], row["geonames_admin1"], row["name_en"], row["name_ru"]]
        assert {gazetteer.resolve_region(h) for h in hints} == {row["iso_3166_2"]}, hints


# ------------------------------------------------------- occupied Ukraine


@pytest.mark.parametrize(
    ("name", "region", "code"),
    [
        ("Simferopol", None, "UA-43"),
        ("Симферополь", None, "UA-43"),
        ("Simferopol", "Республика Крым", "UA-43"),
        ("Kerch", None, "UA-43"),
        ("Yalta", "Crimea", "UA-43"),
        ("Евпатория", None, "UA-43"),
        ("Sevastopol", None, "UA-40"),
        ("Севастополь", None, "UA-40"),
        ("Donetsk", None, "UA-14"),
        ("Luhansk", None, "UA-09"),
        ("Melitopol", None, "UA-23"),
        ("Nova Kakhovka", None, "UA-65"),
    ],
)
def test_occupied_ukraine_keeps_ukrainian_codes(
    gazetteer: Gazetteer, name: str, region: str | None, code: str
) -> None:
    found = place(gazetteer, name, region)
    assert found.region_code == code
    assert found.admin1.startswith("UA.")


def test_crimean_city_with_a_russian_region_hint_is_refused(gazetteer: Gazetteer) -> None:
    found = miss(gazetteer, "Simferopol", "Krasnodar Krai")
    assert "UA-43" in found.detail


# ----------------------------------------------------------------- resolve_many


def test_resolve_many_equals_resolve_row_by_row(gazetteer: Gazetteer) -> None:
    names = [
        "Moscow",
        "Zheleznogorsk",
        "Zheleznogorsk",
        "Atlantis",
        "Уфа",
        "Moscow",
        "Zheleznogorsk",
        "Simferopol",
        "Perm",
        "Troitsk",
    ]
    regions: list[Any] = [  # NaN is how pandas hands over an empty hint
        None,
        None,
        "Krasnoyarsk Krai",
        None,
        "RU-BA",
        "Narnia",
        "RU-KYA",
        "Crimea",
        math.nan,
        None,
    ]
    assert gazetteer.resolve_many(names, regions) == [
        gazetteer.resolve(n, r) for n, r in zip(names, regions, strict=True)
    ]


def test_resolve_many_needs_one_region_per_name(gazetteer: Gazetteer) -> None:
    with pytest.raises(ValueError, match="2 names but 1 regions"):
        gazetteer.resolve_many(["Moscow", "Perm"], [None])


# ----------------------------------------------------------- the facts table

FACT_REGIONS = {
    "Moscow": "RU-MOW",
    "Saint Petersburg": "RU-SPE",
    "Sverdlovsk Oblast": "RU-SVE",
    "Perm Krai": "RU-PER",
    "Republic of Bashkortostan": "RU-BA",
    "Chelyabinsk Oblast": "RU-CHE",
    "Krasnoyarsk Krai": "RU-KYA",
    "Voronezh Oblast": "RU-VOR",
    "Krasnodar Krai": "RU-KDA",
    "Kaliningrad Oblast": "RU-KGD",
    "Saratov Oblast": "RU-SAR",
    "Tver Oblast": "RU-TVE",
    "Ryazan Oblast": "RU-RYA",
    "Republic of Karelia": "RU-KR",
    "Irkutsk Oblast": "RU-IRK",
    "Tomsk Oblast": "RU-TOM",
    "Novosibirsk Oblast": "RU-NVS",
    "Republic of Buryatia": "RU-BU",
    "Chechen Republic": "RU-CE",
    "Udmurt Republic": "RU-UD",
    "Volgograd Oblast": "RU-VGG",
    "Vologda Oblast": "RU-VLG",
    "Khabarovsk Krai": "RU-KHA",
    "Republic of Dagestan": "RU-DA",
    "Sakha (Yakutia) Republic": "RU-SA",
    "Tyva Republic": "RU-TY",
}


@pytest.fixture(scope="module")
def fact_cities() -> list[tuple[str, str, str]]:
    with FACTS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return sorted({(r["city_en"], r["city_ru"], r["region_en"]) for r in rows})


def test_every_fact_city_lands_in_its_region(
    gazetteer: Gazetteer, fact_cities: list[tuple[str, str, str]]
) -> None:
    assert len(fact_cities) >= 28
    for city_en, city_ru, region_en in fact_cities:
        code = FACT_REGIONS[region_en]
        assert gazetteer.resolve_region(region_en) == code
        english, russian = (
            place(gazetteer, city_en, region_en),
            place(gazetteer, city_ru, region_en),
        )
        assert english == russian
        assert english.region_code == code
        assert english.name_ru == city_ru
