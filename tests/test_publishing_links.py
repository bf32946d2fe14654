import datetime as dt

import pytest

from core.view import Filters
from pages.publishing import compare_with, split_version, with_params


@pytest.mark.parametrize(
    ("search", "view", "version"),
    [
        (None, "", None),
        ("", "", None),
        ("?v=abc123", "", "abc123"),
        ("?region=RU-MOW&v=abc123", "?region=RU-MOW", "abc123"),
        ("?v=old&kind=rally&v=new", "?kind=rally", "new"),
        ("?tag=force_used,minors&v=", "?tag=force_used,minors", None),
        ("?city=n:Tver", "?city=n:Tver", None),
    ],
)
def test_split_version(search, view, version):
    assert split_version(search) == (view, version)


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        ("", {"v": "abc"}, "?v=abc"),
        ("?", {"v": "abc"}, "?v=abc"),
        ("?", {"v": None}, "?"),
        ("?region=RU-MOW", {"v": "abc", "scale": None}, "?region=RU-MOW&v=abc"),
        ("?kind=rally", {"places": "RU-MOW,532096"}, "?kind=rally&places=RU-MOW,532096"),
    ],
)
def test_with_params(query, params, expected):
    assert with_params(query, **params) == expected


def test_compare_with_carries_place_and_period():
    f = Filters(start=dt.date(2022, 9, 21), end=dt.date(2022, 9, 30)).in_region("RU-DA")
    (link,) = compare_with(f, {"RU-DA": "Dagestan"}, "/")
    assert link.href == "/compare?places=RU-DA&start=2022-09-21&end=2022-09-30"
    assert link.children == "Compare Dagestan with…"
    city = compare_with(f.in_city("532096"), {"532096": "Makhachkala"}, "/")[0]
    assert city.href.startswith("/compare?places=532096&")
    assert compare_with(Filters(), {}, "/") == []
