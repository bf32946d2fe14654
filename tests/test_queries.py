import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import queries
from dashboard_frames import incidents_frame, regions_frame

from core.view import Filters


@pytest.fixture(scope="module")
def regions():
    return regions_frame()


@pytest.fixture(scope="module")
def incidents(regions):
    return queries.prepare_incidents(incidents_frame(), regions)


@pytest.fixture(scope="module")
def known(incidents, regions):
    return queries.build_catalogue(incidents, regions)


@pytest.mark.parametrize(
    ("search", "expected", "canonical"),
    [
        ("", Filters(), ""),
        ("?", Filters(), ""),
        (
            "?from=2022-09-21&to=2022-09-24",
            Filters(start=dt.date(2022, 9, 21), end=dt.date(2022, 9, 24)),
            "?from=2022-09-21&to=2022-09-24",
        ),
        ("?kind=rally", Filters(kinds=("rally",)), "?kind=rally"),
        ("?kind=rally,detention", Filters(), ""),
        (
            "?tag=minors_detained&tag=force_used",
            Filters(tags=("force_used", "minors_detained")),
            "?tag=force_used%2Cminors_detained",
        ),
        (
            "?metric=per100k&classes=log",
            Filters(metric="per100k", classing="log"),
            "?metric=per100k&classes=log",
        ),
        ("?occupied=include", Filters(occupied=True), "?occupied=include"),
        ("?occupied=exclude", Filters(), ""),
        (
            "?region=ru-mow&city=524901",
            Filters(region="RU-MOW", city="524901"),
            "?region=RU-MOW&city=524901",
        ),
        (
            "?campaign=mobilization-2022",
            Filters(campaign="mobilization-2022"),
            "?campaign=mobilization-2022",
        ),
        ("?metric=detained&classes=quantile", Filters(), ""),
    ],
)
def test_query_round_trip(search, expected, canonical):
    parsed, notices = queries.parse_query(search)
    assert parsed == expected
    assert notices == ()
    assert parsed.to_query() == canonical
    assert Filters.from_query(canonical) == parsed


@pytest.mark.parametrize(
    ("search", "mentions"),
    [
        ("?metric=bogus", "metric=bogus"),
        ("?foo=1", "foo=1"),
        ("?from=2022-13-01", "from=2022-13-01"),
        ("?from=yesterday", "YYYY-MM-DD"),
        ("?kind=riot", "kind=riot"),
        ("?tag=force_used,made_up", "tag=force_used,made_up"),
        ("?occupied=yes", "occupied=yes"),
        ("?region=%3Cscript%3E", "region=<script>"),
        ("?incident=a%20b%3B%20drop", "incident="),
        ("?classes=" + "x" * 200, "…"),
    ],
)
def test_malformed_parameters_fall_back_with_a_notice(search, mentions):
    parsed, notices = queries.parse_query(search)
    assert parsed == Filters()
    assert len(notices) == 1 and mentions in notices[0]


def test_a_period_that_ends_before_it_starts_is_dropped():
    parsed, notices = queries.parse_query("?from=2022-09-25&to=2022-09-21&metric=rallies")
    assert parsed == Filters(metric="rallies")
    assert "ends before it starts" in notices[0]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), "Detentions in Russia (occupied Ukrainian territory not counted), all dates"),
        (
            Filters(occupied=True, metric="rallies", start=dt.date(2022, 9, 21)),
            "Rallies in Russia and occupied Ukrainian territory, from 21 September 2022",
        ),
        (
            Filters(region="RU-MOW", city="524901", end=dt.date(2022, 9, 24), tags=("force_used",)),
            "Detentions in Moscow city, Moscow, until 24 September 2022, tagged 'police used force "
            "(beatings, batons, stun guns, chokeholds)'",
        ),
        (
            Filters(metric="per100k", kinds=("detention",), campaign="c"),
            "Detentions per 100,000 people in Russia (occupied Ukrainian territory not counted), "
            "all dates, incidents of kind detention, campaign c",
        ),
    ],
)
def test_describe(filters, expected):
    assert filters.describe({"RU-MOW": "Moscow", "524901": "Moscow city"}) == expected


def test_check_known_completes_and_drops_references(known):
    f, notices = queries.check_known(Filters(incident="m3"), known)
    assert (f.region, f.city, f.incident, notices) == ("RU-MOW", "524901", "m3", ())
    f, notices = queries.check_known(Filters(city="498817"), known)
    assert f.region == "RU-SPE" and notices == ()
    f, notices = queries.check_known(
        Filters(region="RU-XXX", city="nowhere", metric="rallies"), known
    )
    assert f == Filters(metric="rallies") and len(notices) == 2
    f, notices = queries.check_known(Filters(campaign="nope", incident="zzz"), known)
    assert f == Filters() and len(notices) == 2


def test_prepare_incidents_adds_keys(incidents):
    moscow = incidents[incidents["incident_id"] == "m1"].iloc[0]
    assert moscow["city_key"] == "524901" and moscow["city_label"] == "Moscow"
    assert moscow["status"] == "federal_subject" and moscow["tags"] == ("force_used",)
    assert incidents.loc[incidents["incident_id"] == "c1", "status"].item() == "occupied_ukraine"
    assert (moscow["lon"], moscow["lat"]) == (37.6, 55.7)


@pytest.mark.parametrize(
    ("search", "ids"),
    [
        ("", {"m1", "m2", "m3", "s1", "s2", "t1", "c1"}),
        ("?from=2022-09-22", {"m3", "s2", "t1"}),
        ("?to=2022-09-21", {"m1", "m2", "s1", "c1"}),
        ("?kind=rally", {"m2"}),
        ("?tag=force_used", {"m1", "m3"}),
        ("?tag=force_used,summons_served", {"m3"}),
        ("?campaign=other-campaign", {"t1"}),
        ("?region=RU-MOW", {"m1", "m2", "m3", "s1", "s2", "t1", "c1"}),  # geography: scope()
    ],
)
def test_select(incidents, search, ids):
    assert set(queries.select(incidents, Filters.from_query(search))["incident_id"]) == ids


@pytest.mark.parametrize(
    ("search", "ids"),
    [
        ("", {"m1", "m2", "m3", "s1", "s2", "t1"}),  # Russia's totals: no Crimea
        ("?occupied=include", {"m1", "m2", "m3", "s1", "s2", "t1", "c1"}),
        ("?region=UA-43", {"c1"}),  # a region view of occupied territory shows its own rows
        ("?region=RU-MOW&city=524901", {"m1", "m2", "m3"}),
        ("?region=RU-SPE&city=524901", set()),
    ],
)
def test_scope(incidents, search, ids):
    f = Filters.from_query(search)
    assert set(queries.scope(incidents, f)["incident_id"]) == ids


def test_detained_ignores_rallies_and_keeps_unknown_null(incidents):
    values = queries.detained(incidents.set_index("incident_id"))
    assert values["m1"] == 500 and pd.isna(values["m2"]) and pd.isna(values["s2"])


def test_region_table_keeps_unknown_apart_from_zero(incidents, regions):
    table = queries.region_table(incidents, regions, "detained").set_index("region_code")
    assert table.loc["RU-MOW", ["detained", "rallies", "incidents"]].tolist() == [800, 1, 3]
    assert table.loc["RU-SPE", ["detained", "unknown"]].tolist() == [200, 1]
    assert table.loc["RU-AD", "state"] == "no_reports" and pd.isna(table.loc["RU-AD", "detained"])
    assert table.loc["RU-MOW", "per100k"] == pytest.approx(800 / 13_000_000 * 100_000)
    assert table.loc["UA-43", "detained"] == 20  # its own figure, kept for its hover


def test_region_table_per100k_says_no_population(incidents, regions):
    table = queries.region_table(incidents, regions, "per100k").set_index("region_code")
    assert table.loc["RU-TYU", "state"] == "no_population"
    assert pd.isna(table.loc["RU-TYU", "value"]) and pd.isna(table.loc["RU-TYU", "per100k"])
    assert table.loc["RU-SPE", "value"] == pytest.approx(200 / 5_600_000 * 100_000)


def test_region_table_no_figure_state(regions):
    rows = queries.prepare_incidents(incidents_frame()[lambda f: f["incident_id"] == "s2"], regions)
    table = queries.region_table(rows, regions, "detained").set_index("region_code")
    assert table.loc["RU-SPE", "state"] == "no_figure" and table.loc["RU-SPE", "unknown"] == 1
    rallies = queries.region_table(rows, regions, "rallies").set_index("region_code")
    assert rallies.loc["RU-SPE", ["state", "value"]].tolist() == ["value", 0.0]


def test_city_table_orders_by_detentions(incidents):
    table = queries.city_table(queries.scope(incidents, Filters()))
    assert table["city_label"].tolist() == ["Moscow", "Saint Petersburg", "Tyumen"]
    assert table["detained"].tolist() == [800, 200, 10]
    assert queries.city_table(incidents.iloc[:0]).empty


def test_daily_table(incidents):
    daily = queries.daily_table(queries.scope(incidents, Filters()))
    assert daily["date"].dt.strftime("%m-%d").tolist() == ["09-21", "09-24"]
    assert daily["detained"].tolist() == [700, 310]
    assert daily["rallies"].tolist() == [1, 0]
    assert daily["unknown"].tolist() == [0, 1]
    assert queries.daily_table(incidents.iloc[:0]).empty


def test_summarise(incidents):
    assert queries.summarise(queries.scope(incidents, Filters())) == queries.Summary(
        detained=1010, unknown=1, rallies=1, incidents=6, cities=3, regions=3
    )
    assert queries.summarise(incidents.iloc[:0]) == queries.Summary(0, 0, 0, 0, 0, 0)


def test_incident_list_newest_first(incidents):
    assert queries.incident_list(incidents)["incident_id"].tolist()[:3] == ["m3", "t1", "s2"]


def test_data_as_of(incidents):
    assert queries.data_as_of(incidents) == "2022-09-22"


def test_data_as_of_is_the_selections_own(incidents):
    m1 = int(np.flatnonzero(incidents["incident_id"] == "m1")[0])
    others = np.flatnonzero(incidents["incident_id"] != "m1")
    assert queries.data_as_of(incidents, np.array([m1])) == "2022-09-22"
    assert queries.data_as_of(incidents, others) is None
    assert queries.data_as_of(incidents, np.array([], dtype=int)) is None


def test_report_days_reads_only_real_dates():
    sources = [
        [{"url": "u", "as_of": "2011-12-10 (evening)"}, {"url": "u", "as_of": "2011-12-24"}],
        [{"url": "u", "as_of": "2022-13-45"}, {"url": "u", "as_of": None}],
        [],
        [{"url": "u", "as_of": "2022-02 (retrospective)"}],
    ]
    frame = pd.DataFrame(
        {
            "sources": pd.arrays.ArrowExtensionArray(
                pa.array(sources, pa.list_(pa.struct({"url": pa.string(), "as_of": pa.string()})))
            )
        }
    )
    days = queries.report_days(frame)
    assert [str(np.datetime64(int(d), "D")) if d >= 0 else None for d in days] == [
        "2011-12-24",
        None,
        None,
        None,
    ]
    assert queries.data_as_of(frame) == "2011-12-24"


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("2022-09-20 13:00", "2022-09-22 11:00", ("2022-09-21", "2022-09-22")),
        ("2022-09-22 11:00", "2022-09-20 13:00", ("2022-09-21", "2022-09-22")),
        ("2022-09-21 02:00", "2022-09-21 20:00", ("2022-09-21", "2022-09-21")),
        ("2022-09-21 14:00", "2022-09-21 23:00", ("2022-09-22", "2022-09-22")),
        ("2022-09-21", "2022-09-24", ("2022-09-21", "2022-09-24")),
    ],
)
def test_period_from_range(left, right, expected):
    start, end = queries.period_from_range(left, right)
    assert (start.isoformat(), end.isoformat()) == expected
