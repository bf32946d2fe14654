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
from pages.compare import place_label, place_names, place_options
from publish.compare_export import publication_chart

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
    fast_ab, slow_ab = (
        tuple(way(*tables, start=s, end=e, measure=measure) for s, e in PERIODS)
        for way, tables in (
            (engine.national_total, (cmp.columns,)),
            (oracle.national_total, (dataset.incidents, dataset.regions)),
        )
    )
    assert fast_ab == slow_ab and all(n > 0 for n in fast_ab)
    fast = engine.summary_table(
        cmp.columns, cmp.catalog, PLACES, periods=PERIODS, nationals=fast_ab, **args
    )
    slow = oracle.summary_table(
        dataset.incidents, cmp.catalog, PLACES, periods=PERIODS, nationals=slow_ab, **args
    )
    pd.testing.assert_frame_equal(fast, slow)
    shares = fast.set_index("place_id")
    moscow = shares.loc["RU-MOW"]
    assert moscow["share_a_pct"] == pytest.approx(100 * moscow["period_a"] / fast_ab[0])
    assert pd.isna(shares.loc["UA-43", "share_a_pct"])  # never part of Russia's total


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
        assert sorted(set(rows["label"])) == ["21–25 Sept 2022", "26–30 Sept 2022"]
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


def test_default_periods_are_two_halves_that_answer(data):
    _, cmp = data
    state, notices = cmp.parse("?places=RU-MOW,RU-CHU,RU-SPE,532096,RU-DA")
    assert notices == []
    first, last = cmp.bounds
    (a1, a2), (b1, b2) = state.period_a, state.period_b
    assert (a1, b2) == (first, last) and (b1 - a2).days == 1
    assert abs((a2 - a1).days - (b2 - b1).days) <= 1
    for span in (state.period_a, state.period_b):  # both halves hold detentions nationally
        national = engine.national_total(
            cmp.columns, start=span[0], end=span[1], measure="detained"
        )
        assert national > 0
    table = compare.summary(cmp, state).set_index("place_id")
    # Every report falls in A or B; Dagestan's two protest days fall one in each half.
    assert (table["reports_a"] + table["reports_b"] >= table["days_reported"]).all()
    assert table.loc["RU-DA", ["period_a", "period_b"]].notna().all()
    assert table.loc["RU-MOW", "period_a"] > 0 and table.loc["RU-MOW", "reports_b"] > 0
    # Rows come in rank order, unranked (no report) last.
    assert table["rank"].dropna().tolist() == sorted(table["rank"].dropna().tolist())
    assert table.index[-1] == "RU-CHU" and pd.isna(table.loc["RU-CHU", "rank"])


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("St Petersburg", "RU-SPE"),
        ("Saint Petersburg", "RU-SPE"),
        ("Санкт-Петербург", "RU-SPE"),
        ("Moscow", "RU-MOW"),
        ("Москва", "RU-MOW"),
        ("Makhachkala", "532096"),
        ("Махачкала", "532096"),
    ],
)
def test_picker_finds_a_place_by_every_name_the_map_shows(data, typed, place):
    _, cmp = data
    options = {o["value"]: o["search"] for o in place_options(cmp)}
    assert typed in options[place]


def test_no_places_is_an_empty_series_with_dated_columns(data):
    _, cmp = data
    state, _ = cmp.parse("?step=week")
    frame, names = compare.place_series(cmp, state)
    assert frame.empty and names == {} and frame["end"].dtype.kind == "M"
    assert compare.series_table(cmp, state).empty


@pytest.mark.parametrize("layout", ["overlay", "multiples"])
@pytest.mark.parametrize("metric", ["count", "per100k", "cumulative"])
def test_chart_titles_say_detentions_as_the_data_notes_do(data, metric, layout):
    _, cmp = data
    state, _ = cmp.parse(f"?places=RU-MOW,RU-DA&metric={metric}&layout={layout}")
    figure = publication_chart(
        cmp, state, credit=cmp.credits["en"], version=cmp.version, accessed=date(2026, 1, 1)
    )
    title = figure.layout.title.text
    if layout == "overlay":
        axis = figure.layout.yaxis.title.text
    else:  # one title for the grid, beside it
        (axis,) = (a.text for a in figure.layout.annotations if a.textangle == -90)
    assert title.startswith("Detentions") and axis.startswith("detentions")
    assert all(len(line) <= 26 for line in axis.split("<br>"))
    words = " ".join([title, axis, compare.caption(cmp, state)]).lower()
    assert "people detained" not in words and "detained" not in words


def test_a_place_without_a_russian_name_is_still_found():
    row = pd.Series({"name_en": "Kotlas", "name_ru": np.nan, "kind": "city"})
    assert place_names("553915", row, {}) == "Kotlas"
    city = pd.concat([row, pd.Series({"region_en": "Arkhangelsk", "occupied": False})])
    assert place_label(city, "Arkhangelsk") == "Kotlas (city, Arkhangelsk)"
