import pytest

from geodata.namehints import region_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Троицк (Москва)", ("Троицк", "Москва")),
        ("Zheleznogorsk (Kursk Oblast)", ("Zheleznogorsk", "Kursk Oblast")),
        ("Железногорск Красноярского края", ("Железногорск", "Красноярский край")),
        ("Железногорск, Красноярский край", ("Железногорск", "Красноярский край")),
        ("Химки Московской области", ("Химки", "Московская область")),
        ("Кировск Ленинградской обл.", ("Кировск", "Ленинградская область")),
        ("УМВД по Республике Татарстан", ("УМВД по", "Республика Татарстан")),
        (
            "Когалым Ханты-Мансийского автономного округа",
            ("Когалым", "Ханты-Мансийский автономный округ"),
        ),
        ("Khimki, Moscow Oblast", ("Khimki", "Moscow Oblast")),
        ("Krasnoyarsk Krai, Zheleznogorsk", ("Zheleznogorsk", "Krasnoyarsk Krai")),
        ("ОМВД России по району Митино г. Москвы", ("ОМВД России по району Митино", "RU-MOW")),
        ("Troitsk, Moscow", ("Troitsk", "RU-MOW")),
        ("ОМВД по Калининскому району Санкт-Петербурга", ("ОМВД по Калининскому району", "RU-SPE")),
        ("Kolpino, St. Petersburg", ("Kolpino", "RU-SPE")),
        ("г. Севастополь", ("", "UA-40")),
    ],
)
def test_first_region_mention(text, expected):
    assert next(region_mentions(text)) == expected


@pytest.mark.parametrize(
    "text", ["Москворецкий район", "Новомосковск", "Moscow Oblast", "Московский", "Moskovsky"]
)
def test_no_federal_city_in_names_that_only_contain_one(text):
    assert all(hint not in ("RU-MOW", "RU-SPE") for _, hint in region_mentions(text))
