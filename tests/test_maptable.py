"""The map as a table: order and words for regions without a value."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.maptable import region_value_table, sorted_regions

TABLE = pd.DataFrame(
    {
        "name_en": ["Moscow", "Dagestan", "Crimea", "Tuva"],
        "name_ru": ["Москва", "Дагестан", "Крым", "Тыва"],
        "status": ["russia", "russia", "occupied_ukraine", "russia"],
        "value": [1000.0, 120.0, 5.0, None],
        "state": ["value", "value", "value", "no_reports"],
    }
)


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("value", ["Moscow", "Dagestan", "Crimea", "Tuva"]),
        ("name", ["Crimea", "Dagestan", "Moscow", "Tuva"]),
    ],
)
def test_sorted_regions(by, expected):
    assert sorted_regions(TABLE, by)["name_en"].tolist() == expected


def test_table_rows_say_value_and_territory_in_words():
    table = region_value_table(TABLE, "detained", "value")
    body = table.children[2].children
    cells = [[c.children for c in row.children] for row in body]
    assert cells == [
        ["Moscow · Москва", "1,000", "Russia"],
        ["Dagestan · Дагестан", "120", "Russia"],
        ["Crimea · Крым", "5", "Occupied Ukrainian territory"],
        ["Tuva · Тыва", "no reports", "Russia"],
    ]
    assert body[2].className == "occupied"
