"""Series and comparison queries on small frames built in code (synthetic places and counts)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
import series

from core import compare
from core.series import step_code, step_label

D = date(2022, 9, 21)
R, N, F = series.REPORTED, series.NO_REPORT, series.NO_FIGURE
#: 21st figures, 22nd nothing, 23rd detention without figure, 24th rally only, then nothing.
ALPHA_STATUS = [R, N, F, F, N, N]


def _incidents() -> pd.DataFrame:
    rows = [
        # kind, date, geonameid, region, detained
        ("rally", "2022-09-21", 1, "RU-AAA", None),
        ("detention", "2022-09-21", 1, "RU-AAA", 10),
        ("detention", "2022-09-21", 1, "RU-AAA", 5),
        ("detention", "2022-09-23", 1, "RU-AAA", None),  # reported, figure unknown
        ("rally", "2022-09-24", 1, "RU-AAA", None),  # a rally, no detention report
        ("detention", "2022-09-26", 2, "RU-AAA", 0),  # a reported zero
        ("detention", "2022-09-22", 3, "UA-43", 7),  # occupied territory
        ("detention", "2022-09-22", None, "RU-BBB", 20),  # region-precision report
    ]
    frame = pd.DataFrame(rows, columns=["kind", "date", "geonameid", "region_code", "detained"])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[s]")
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    frame["detained"] = frame["detained"].astype("Int64")
    frame["city_en"] = frame["geonameid"].map({1: "Alpha", 2: "Beta", 3: "Gamma"})
    frame["city_ru"] = frame["geonameid"].map({1: "Альфа", 2: "Бета", 3: "Гамма"})
    return frame


def _regions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["RU-AAA", "RU-BBB", "UA-43"],
            "name_en": ["Aland", "Beland", "Crimea"],
            "name_ru": ["Аланд", "Беланд", "Крым"],
            "status": ["federal_subject", "federal_subject", "occupied_ukraine"],
            "population": pd.array([1_000_000, None, 2_000_000], dtype="Int64"),
            "population_source": [
                "https://example.org/aland",
                "unknown: no census figure was read",
                "https://example.org/crimea",
            ],
        }
    )


@pytest.fixture
def catalog() -> pd.DataFrame:
    cities = series.gazetteer_cities(
        [{"geonameid": 1, "population": 200_000}, {"geonameid": 2, "population": 0}]
    )
    return series.place_catalog(_incidents(), _regions(), cities)


def test_city_table_zero_population_is_unknown():
    table = series.gazetteer_cities(
        [{"geonameid": "7", "population": 0}, {"geonameid": 8, "population": 9}]
    )
    assert table["population"].isna().tolist() == [True, False]


def test_catalog_lists_regions_and_reported_cities(catalog):
    assert sorted(catalog.index) == ["1", "2", "3", "RU-AAA", "RU-BBB", "UA-43"]
    assert catalog.loc["1", "population_source"] == "GeoNames"
    assert pd.isna(catalog.loc["2", "population"])
    assert catalog.loc["RU-AAA", "population"] == 1_000_000
    assert catalog.loc["3", "occupied"] and catalog.loc["UA-43", "occupied"]
    assert not catalog.loc["1", "occupied"]


@pytest.mark.parametrize(
    ("place", "measure", "expected_values", "expected_status"),
    [
        (
            "1",
            "detained",
            [15, np.nan, np.nan, np.nan, np.nan, np.nan],
            ALPHA_STATUS,
        ),
        ("1", "rallies", [1, np.nan, 0, 1, np.nan, np.nan], None),
        ("2", "detained", [np.nan] * 5 + [0], [series.NO_REPORT] * 5 + [series.REPORTED]),
        ("RU-AAA", "detained", [15, np.nan, np.nan, np.nan, np.nan, 0], None),
        ("RU-BBB", "detained", [np.nan, 20, np.nan, np.nan, np.nan, np.nan], None),
    ],
)
def test_daily_series(catalog, place, measure, expected_values, expected_status):
    out = series.place_series(
        _incidents(), catalog, [place], start=D, end=date(2022, 9, 26), measure=measure
    )
    np.testing.assert_array_equal(out["value"].to_numpy(), np.array(expected_values, float))
    if expected_status:
        assert out["status"].tolist() == expected_status


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("count", [15.0, np.nan, np.nan, np.nan, np.nan, 0.0]),
        ("per100k", [1.5, np.nan, np.nan, np.nan, np.nan, 0.0]),
        ("cumulative", [15.0, 15.0, 15.0, 15.0, 15.0, 15.0]),
    ],
)
def test_metrics(catalog, metric, expected):
    out = series.place_series(
        _incidents(), catalog, ["RU-AAA"], start=D, end=date(2022, 9, 26), metric=metric
    )
    np.testing.assert_allclose(out["value"].to_numpy(), expected)


def test_per100k_without_population_is_unknown(catalog):
    out = series.place_series(
        _incidents(), catalog, ["RU-BBB"], start=D, end=D.replace(day=22), metric="per100k"
    )
    assert out["value"].isna().all()
    assert out["status"].tolist() == [series.NO_REPORT, series.REPORTED]


def test_weekly_sums_known_days_and_keeps_unknown_weeks(catalog):
    out = series.place_series(
        _incidents(), catalog, ["1", "2"], start=D, end=date(2022, 10, 4), step="week"
    )
    alpha = out[out["place_id"] == "1"]
    # The period starts on a Wednesday: the first week starts then, not on Monday the 19th.
    assert alpha["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2022-09-21",
        "2022-09-26",
        "2022-10-03",
    ]
    assert alpha["end"].dt.strftime("%Y-%m-%d").tolist() == [
        "2022-09-25",
        "2022-10-02",
        "2022-10-04",
    ]
    np.testing.assert_array_equal(alpha["value"].to_numpy(), [15.0, np.nan, np.nan])
    assert alpha["status"].tolist() == [series.REPORTED, series.NO_REPORT, series.NO_REPORT]
    beta = out[out["place_id"] == "2"]
    assert beta["value"].tolist()[1] == 0.0


def test_monthly_steps_are_cut_by_the_period(catalog):
    out = series.place_series(
        _incidents(), catalog, ["RU-AAA"], start=D, end=date(2022, 10, 4), step="month"
    )
    assert out["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-09-21", "2022-10-01"]
    assert out["end"].dt.strftime("%Y-%m-%d").tolist() == ["2022-09-30", "2022-10-04"]
    np.testing.assert_array_equal(out["value"].to_numpy(), [15.0, np.nan])
    assert out["reports"].tolist() == [6, 0]


DASH = "\u2009–\u2009"


@pytest.mark.parametrize(
    ("first", "last", "step", "label", "code"),
    # Babel (CLDR en_GB): "Sept", and a thin space around the dash between two months.
    [
        (date(2022, 9, 21), date(2022, 9, 21), "day", "21 Sept 2022", "2022-09-21"),
        (date(2022, 9, 12), date(2022, 9, 18), "week", "12–18 Sept 2022", "2022-W37"),
        (date(2022, 9, 21), date(2022, 9, 25), "week", "21–25 Sept 2022", "2022-W38"),
        (date(2022, 9, 26), date(2022, 10, 2), "week", f"26 Sept{DASH}2 Oct 2022", "2022-W39"),
        (date(2025, 12, 29), date(2026, 1, 4), "week", f"29 Dec 2025{DASH}4 Jan 2026", "2026-W01"),
        (date(2022, 9, 1), date(2022, 9, 30), "month", "Sept 2022", "2022-09"),
        (date(2022, 9, 21), date(2022, 9, 30), "month", "21–30 Sept 2022", "2022-09"),
        (date(2024, 2, 1), date(2024, 2, 29), "month", "Feb 2024", "2024-02"),
    ],
)
def test_step_labels(first, last, step, label, code):
    assert step_label(first, last, step) == label
    assert step_code(first, step) == code


@pytest.mark.parametrize(
    ("first", "last", "step", "label"),
    [
        (date(2022, 9, 21), date(2022, 9, 21), "day", "21 сент. 2022\u202fг."),
        (date(2022, 9, 26), date(2022, 10, 2), "week", "26 сент. – 2 окт. 2022\u202fг."),
        (date(2022, 9, 1), date(2022, 9, 30), "month", "сент. 2022\u202fг."),
    ],
)
def test_step_labels_in_russian(first, last, step, label):
    assert step_label(first, last, step, "ru") == label


def test_national_total_leaves_out_occupied_territory():
    total = series.national_total(
        _incidents(), _regions(), start=D, end=date(2022, 9, 30), measure="detained"
    )
    assert total == 15 + 0 + 20


def test_summary_table(catalog):
    table = series.summary_table(
        _incidents(),
        catalog,
        ["1", "RU-BBB", "UA-43", "2"],
        start=D,
        end=date(2022, 9, 30),
        national=35.0,
        periods=((D, D), (date(2022, 9, 22), date(2022, 9, 23))),
    ).set_index("place_id")
    assert table.index.tolist() == ["RU-BBB", "1", "UA-43", "2"]  # in rank order
    assert table["total"].tolist() == [20, 15, 7, 0]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table.loc["1", "per_100k"] == pytest.approx(7.5)
    assert pd.isna(table.loc["RU-BBB", "per_100k"]) and pd.isna(table.loc["2", "per_100k"])
    assert table.loc["1", "share_pct"] == pytest.approx(100 * 15 / 35)
    assert pd.isna(table.loc["UA-43", "share_pct"])
    assert table.loc["1", "first"] == D and table.loc["1", "last"] == date(2022, 9, 23)
    assert table.loc["1", "period_a"] == 15 and pd.isna(table.loc["1", "period_b"])
    assert table.loc["1", "reports_b"] == 1  # reported on the 23rd, without a figure
    assert table.loc["RU-BBB", "change"] == pytest.approx(np.nan, nan_ok=True)


BOUNDS = (date(2022, 9, 21), date(2022, 9, 30))
KNOWN = pd.Index(["524901", "RU-DA"])


@pytest.mark.parametrize(
    ("query", "places", "field", "value", "notices"),
    [
        ("", (), "metric", "count", 0),
        ("?places=524901,RU-DA&metric=per100k", ("524901", "RU-DA"), "metric", "per100k", 0),
        ("?places=524901,nowhere", ("524901",), "layout", "overlay", 1),
        ("?metric=bogus&layout=grid", (), "metric", "count", 2),
        ("?start=2022-13-01", (), "start", BOUNDS[0], 1),
        ("?start=2022-09-30&end=2022-09-21", (), "end", BOUNDS[1], 1),
        ("?a=2022-09-21..2022-09-22&b=2022-09-24", (), "period_b", (date(2022, 9, 24),) * 2, 0),
        ("?a=2022-09-25..2022-09-22", (), "period_a", (BOUNDS[0], date(2022, 9, 25)), 1),
        ("", (), "period_b", (date(2022, 9, 26), BOUNDS[1]), 0),
        (
            "?start=2022-09-22&end=2022-09-28",
            (),
            "period_a",
            (date(2022, 9, 22), date(2022, 9, 24)),
            0,
        ),
        ("?step=week&layout=multiples", (), "step", "week", 0),
    ],
)
def test_parse_query(query, places, field, value, notices):
    state, problems = compare.parse_query(query, KNOWN, BOUNDS)
    assert state.places == places
    assert getattr(state, field) == value
    assert len(problems) == notices


def test_query_round_trip():
    state, _ = compare.parse_query(
        "?places=RU-DA,524901&metric=cumulative&a=2022-09-21&b=2022-09-24..2022-09-25",
        KNOWN,
        BOUNDS,
    )
    assert compare.parse_query(state.to_query(), KNOWN, BOUNDS) == (state, [])
    assert "places=RU-DA,524901" in state.to_query()


def test_too_many_places_are_cut():
    known = pd.Index([str(i) for i in range(30)])
    state, problems = compare.parse_query("?places=" + ",".join(known), known, BOUNDS)
    assert len(state.places) == compare.MAX_PLACES and problems


def test_population_notes_say_where_from_or_why_not(catalog):
    notes = catalog["population_note"]
    assert notes["RU-AAA"] == "https://example.org/aland"
    assert notes["RU-BBB"].startswith("unknown:")
    assert notes["1"] == "https://www.geonames.org/1"
    assert notes["2"] == "unknown: GeoNames gives no population for this city"


def test_shares_of_each_period(catalog):
    table = series.summary_table(
        _incidents(),
        catalog,
        ["1", "RU-BBB", "UA-43"],
        start=D,
        end=date(2022, 9, 30),
        national=35.0,
        periods=((D, D), (date(2022, 9, 22), date(2022, 9, 26))),
        nationals=(15.0, 20.0),
    ).set_index("place_id")
    assert table.loc["1", "share_a_pct"] == 100
    assert pd.isna(table.loc["1", "share_b_pct"])  # a report without a figure: unknown
    assert table.loc["RU-BBB", "share_b_pct"] == 100
    assert table.loc["UA-43", ["share_a_pct", "share_b_pct"]].isna().all()
