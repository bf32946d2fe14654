"""Compare's counts from the serving engine agree with the pandas oracle (tests/series.py).

Both run on the seed store built by the real CLI, over every measure, step and metric, for
federal cities, a GeoNames city, a region, occupied territory and a place without reports.
"""

from datetime import date

import pandas as pd
import pytest
import series as oracle

from app import load_dataset
from core import compare
from core import series as engine
from core.series import gazetteer_cities
from geodata.geocoding import read_geonames
from geodata.settings import Settings

PLACES = ["RU-MOW", "RU-SPE", "532096", "RU-DA", "UA-43", "RU-PER", "RU-CHU"]
PERIODS = ((date(2022, 9, 21), date(2022, 9, 22)), (date(2022, 9, 24), date(2022, 9, 30)))


@pytest.fixture(scope="module")
def data(built_store):
    dataset = load_dataset(Settings(data=built_store))
    return dataset, compare.compare_data(dataset, gazetteer_cities(read_geonames()))


@pytest.mark.parametrize("measure", ["detained", "rallies"])
@pytest.mark.parametrize("step", ["day", "week"])
@pytest.mark.parametrize("metric", ["count", "per100k", "cumulative"])
def test_series_match_the_oracle(data, measure, step, metric):
    dataset, cmp = data
    start, end = cmp.bounds
    args = {"start": start, "end": end, "measure": measure, "step": step, "metric": metric}
    fast = engine.place_series(cmp.columns, cmp.catalog, PLACES, **args)
    slow = oracle.place_series(dataset.incidents, cmp.catalog, PLACES, **args)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["reports"].sum() > 0


@pytest.mark.parametrize("measure", ["detained", "rallies"])
def test_totals_and_table_match_the_oracle(data, measure):
    dataset, cmp = data
    start, end = cmp.bounds
    national = engine.national_total(cmp.columns, start=start, end=end, measure=measure)
    expected = oracle.national_total(
        dataset.incidents, dataset.regions, start=start, end=end, measure=measure
    )
    assert national == expected and national > 0
    args = {"start": start, "end": end, "national": national, "measure": measure}
    fast = engine.summary_table(cmp.columns, cmp.catalog, PLACES, periods=PERIODS, **args)
    slow = oracle.summary_table(dataset.incidents, cmp.catalog, PLACES, periods=PERIODS, **args)
    pd.testing.assert_frame_equal(fast, slow)
