"""The counting engine (``core.aggregates``) returns exactly what the pandas oracle returns."""

import datetime as dt

import numpy as np
import pandas as pd
import queries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from core import aggregates
from core.view import Filters
from geodata.schema import KINDS, TAGS

REGIONS = pd.DataFrame(
    {
        "region_code": ["RU-AD", "RU-MOW", "RU-SPE", "RU-TYU", "UA-43"],
        "name_en": ["Adygea", "Moscow", "Saint Petersburg", "Tyumen", "Crimea"],
        "name_ru": ["Адыгея", "Москва", "Санкт-Петербург", "Тюмень", "Крым"],
        "status": ["federal_subject"] * 4 + [queries.OCCUPIED],
        "population": pd.array([450_000, 13_000_000, 5_600_000, None, 1_900_000], "Int64"),
    }
)
CITIES = {  # city key -> (label, Russian name or None, region)
    "524901": ("Moscow", "Москва", "RU-MOW"),
    "498817": ("Saint Petersburg", None, "RU-SPE"),
    "n:Zelenograd": ("Zelenograd", "Зеленоград", "RU-MOW"),
    "r:RU-TYU": ("(no city: region-level reports)", None, "RU-TYU"),
    "693805": ("Simferopol", "Симферополь", "UA-43"),
}
DAY0 = dt.date(2022, 9, 18)
TAG_NAMES = list(TAGS)[:3]

rows = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, 9),  # day offset
    st.none() | st.integers(0, 500),  # detained
    st.sampled_from(sorted(CITIES)),
    st.booleans(),  # has a Russian name in this row
    st.lists(st.sampled_from(TAG_NAMES), unique=True, max_size=2),
    st.sampled_from([None, "wave-a", "wave-b"]),
    st.floats(-0.01, 0.01),  # jitter
)


def prepared(drawn: list[tuple]) -> pd.DataFrame:
    """A prepared frame (``queries.prepare_incidents``' output shape) from drawn rows."""
    records = []
    for i, (kind, day, detained, key, has_ru, tags, campaign, jitter) in enumerate(drawn):
        label, ru, region = CITIES[key]
        records.append(
            {
                "incident_id": f"i{i}",
                "kind": kind,
                "date": pd.Timestamp(DAY0 + dt.timedelta(days=day)),
                "detained": detained,
                "region_code": region,
                "city_key": key,
                "city_label": label,
                "city_ru": ru if has_ru else None,
                "lon": 37.0 + jitter,
                "lat": 55.0 - jitter,
                "tags": tuple(tags),
                "tag_bits": sum(queries.TAG_BITS[t] for t in tags),
                "campaign": campaign,
                "status": REGIONS.set_index("region_code").loc[region, "status"],
            }
        )
    frame = pd.DataFrame(records)
    frame["date"] = frame["date"].astype("datetime64[s]")
    frame["detained"] = frame["detained"].astype("Int64")
    frame["tag_bits"] = frame["tag_bits"].astype("int64")
    for col in ("kind", "region_code", "city_key", "city_label", "city_ru", "campaign", "status"):
        frame[col] = frame[col].astype("str").where(frame[col].notna())
    return frame


days = st.none() | st.integers(0, 9).map(lambda d: DAY0 + dt.timedelta(days=d))
filters = st.builds(
    Filters,
    start=days,
    end=days,
    kinds=st.sampled_from([(), ("detention",), ("rally",)]),
    tags=st.lists(st.sampled_from(TAG_NAMES), unique=True, max_size=2).map(tuple),
    campaign=st.sampled_from([None, "wave-a", "nowhere"]),
    metric=st.sampled_from(sorted(queries.METRICS)),
    occupied=st.booleans(),
    region=st.sampled_from([None, "RU-MOW", "RU-SPE", "UA-43", "RU-AD"]),
)
examples = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def both(drawn: list[tuple], f: Filters):
    """(pandas selection, pandas scoped rows, columns, fast selection, fast scoped rows)."""
    frame = prepared(drawn)
    columns = aggregates.build_columns(frame)
    selected = queries.select(frame, f)
    fast_selected = aggregates.select_rows(columns, f)
    return frame, selected, columns, fast_selected, aggregates.scope_rows(columns, fast_selected, f)


@examples
@given(st.lists(rows, min_size=1, max_size=40), filters)
def test_selection_and_scope_match(drawn, f):
    _, selected, _, fast_selected, fast_rows = both(drawn, f)
    assert fast_selected.tolist() == selected.index.tolist()
    assert fast_rows.tolist() == queries.scope(selected, f).index.tolist()


@examples
@given(st.lists(rows, min_size=1, max_size=40), filters)
def test_region_table_matches(drawn, f):
    _, selected, columns, fast_selected, _ = both(drawn, f)
    expected = queries.region_table(selected, REGIONS, f.metric)
    got = aggregates.region_table(columns, fast_selected, REGIONS, f.metric)
    assert_frame_equal(got, expected)
    assert got["per100k"].equals(expected["per100k"])


def assert_same_table(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The fast path gives the pandas table; where that is empty, only emptiness must match."""
    if expected.empty:
        assert got.empty
    else:
        assert_frame_equal(got, expected)


@examples
@given(st.lists(rows, min_size=1, max_size=40), filters)
def test_city_table_matches(drawn, f):
    frame, selected, columns, _, fast_rows = both(drawn, f)
    expected = queries.city_table(queries.scope(selected, f))
    assert_same_table(aggregates.city_table(columns, fast_rows, frame), expected)


@examples
@given(st.lists(rows, min_size=1, max_size=40), filters)
def test_daily_table_matches(drawn, f):
    _, selected, columns, _, fast_rows = both(drawn, f)
    expected = queries.daily_table(queries.scope(selected, f))
    assert_same_table(aggregates.daily_table(columns, fast_rows), expected)


@examples
@given(st.lists(rows, min_size=1, max_size=40), filters)
def test_summary_and_incident_order_match(drawn, f):
    _, selected, columns, _, fast_rows = both(drawn, f)
    rows_in_view = queries.scope(selected, f)
    assert aggregates.summarise(columns, fast_rows) == queries.summarise(rows_in_view)
    expected = queries.incident_list(rows_in_view).index.tolist()
    assert aggregates.newest_first(columns, fast_rows).tolist() == expected


def test_contains_reads_sorted_positions():
    rows = np.array([2, 5, 9])
    assert aggregates.contains(rows, 5) and not aggregates.contains(rows, 6)
    assert not aggregates.contains(rows, 10) and not aggregates.contains(rows[:0], 0)
