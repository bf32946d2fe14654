"""Compare's counts from the serving engine agree with the pandas oracle (tests/series.py).

Both run on the seed store built by the real CLI, over every measure, step and metric, for
federal cities, a GeoNames city, a region, occupied territory and a place without reports.
"""

import io
from datetime import date

import numpy as np
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
@pytest.mark.parametrize("step", ["day", "week", "month"])
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


@pytest.mark.parametrize("step", ["week", "month"])
def test_series_csv_rows_match_the_oracle(data, step):
    dataset, cmp = data
    state, _ = cmp.parse(f"?places={','.join(PLACES)}&step={step}")
    url = f"https://maps.example.org/compare{state.to_query()}&v={cmp.version}"
    text = compare.csv_text(compare.series_table(cmp, state), compare.csv_header(cmp, "x", url))
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header[1] == f"# data version: {cmp.version}"
    assert header[2] == f"# view: {url}"
    rows = pd.read_csv(io.StringIO(text), comment="#", dtype={"place_id": str})
    expected = oracle.place_series(
        dataset.incidents, cmp.catalog, PLACES, start=state.start, end=state.end, step=step
    )
    assert rows["place_id"].tolist() == expected["place_id"].tolist()
    assert rows["start"].tolist() == expected["date"].dt.strftime("%Y-%m-%d").tolist()
    np.testing.assert_array_equal(rows["value"].to_numpy(), expected["value"].to_numpy())
    assert rows["reports"].tolist() == expected["reports"].tolist()
    # No step starts before the period, whatever weekday it starts on.
    assert rows["start"].min() == state.start.isoformat()
    assert rows["end"].max() == state.end.isoformat()
    if step == "week":  # 21-30 Sep 2022: Wednesday to Friday of the next week
        assert sorted(set(rows["period"])) == ["2022-W38", "2022-W39"]
        assert sorted(set(rows["label"])) == ["21–25 Sep 2022", "26–30 Sep 2022"]
    moscow = rows[rows["place_id"] == "RU-MOW"]["value"].sum()
    assert (
        moscow
        == oracle.summary_table(
            dataset.incidents, cmp.catalog, ["RU-MOW"], start=state.start, end=state.end, national=1
        )["total"].iloc[0]
    )


def test_csv_neutralises_formulas_under_its_header(data):
    _, cmp = data
    table = pd.DataFrame({"place": ["=HYPERLINK(1)", "Moscow"], "total": [1, 2]})
    text = compare.csv_text(table, compare.csv_header(cmp, "x", "https://h/compare?"))
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert back["place"].tolist() == ["'=HYPERLINK(1)", "Moscow"]
    assert back["total"].tolist() == [1, 2]
