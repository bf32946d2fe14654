import datetime as dt
import json
import re

import numpy as np
import pandas as pd
import pytest
import queries
import shapely
from dash import dcc, html
from dashboard_frames import countries_frame, incidents_frame, regions_frame
from plotly.utils import PlotlyJSONEncoder

import layers
from core.view import Filters
from geodata.settings import PROJECT_ROOT
from layers import _geo, _style, geofiles, timeline
from layers import classes as cls
from layers import regions as region_layer


def as_json(obj) -> dict:
    return json.loads(json.dumps(obj, cls=PlotlyJSONEncoder))


@pytest.fixture(scope="module")
def regions():
    return regions_frame()


@pytest.fixture(scope="module")
def incidents(regions):
    return queries.prepare_incidents(incidents_frame(), regions)


@pytest.mark.parametrize(
    ("values", "method", "expected"),
    [
        ([5, 5, 1, 3], "quantile", [1, 3, 5]),  # few distinct values: one class each
        ([], "jenks", []),
        (list(range(1, 101)), "quantile", [20.8, 40.6, 60.4, 80.2, 100]),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 480, 540], "jenks", [3, 6, 10, 480, 540]),
    ],
)
def test_class_breaks(values, method, expected):
    breaks = cls.class_breaks(np.array(values, dtype=float), method)
    assert breaks.tolist() == pytest.approx(expected)


def test_jenks_keeps_the_two_capitals_from_washing_out_the_rest():
    values = np.array(
        [542, 479, 100, 48, 30, 28, 24, 23, 20, 20, 19, 16, 14, 13, 12, 11, 9, 4, 2, 1], dtype=float
    )
    index = np.searchsorted(cls.class_breaks(values, "jenks"), values)
    assert len(set(index[2:])) >= 3  # the regions below the capitals span at least 3 classes


def test_encode_puts_special_states_in_their_own_bands():
    values = np.array([np.nan, np.nan, 10.0, 500.0, 20.0, np.nan])
    states = np.array(["no_reports", "no_figure", "value", "value", "value", "no_population"])
    counted = np.array([True, True, True, True, False, True])
    enc = cls.encode(
        values, states, counted, method="quantile", special_labels=("none", "no count", "occupied")
    )
    assert enc.z.tolist() == [0.5, 1.5, 3.5, 4.5, 2.5, 1.5]  # uncounted: band 2 despite a value
    assert enc.ticktext == ["none", "no count", "occupied", "10", "500"]
    assert enc.zmax == 5
    assert enc.colorscale[0] == [0.0, _style.NO_REPORTS]
    assert enc.colorscale[-1] == [1.0, _style.PALETTE[-1]]


def test_encode_labels_classes_with_their_bounds():
    values = np.arange(1, 21, dtype=float)
    enc = cls.encode(
        values,
        np.full(20, "value"),
        np.ones(20, bool),
        method="quantile",
        special_labels=("a", "b", "c"),
    )
    assert enc.ticktext[3:] == ["1–4", "5–8", "9–12", "13–16", "17–20"]
    assert sorted(set(enc.z.tolist())) == [3.5, 4.5, 5.5, 6.5, 7.5]


def test_encode_labels_an_empty_quantile_class_by_its_bounds():
    # Quantile bounds fall between whole counts, so the class (3, 3.4] has no member.
    values = np.array([1, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7], dtype=float)
    enc = cls.encode(
        values,
        np.full(len(values), "value"),
        np.ones(len(values), bool),
        method="quantile",
        special_labels=("a", "b", "c"),
    )
    assert len(enc.ticktext) == 3 + 5
    assert enc.ticktext[3:] == ["1–3", "3", "4", "5", "6–7"]  # the empty class shows its bound


def test_encode_log_scale_ticks_decades():
    values = np.array([1.0, 10.0, 100.0, 542.0])
    enc = cls.encode(
        values, np.full(4, "value"), np.ones(4, bool), method="log", special_labels=("a", "b", "c")
    )
    assert enc.ticktext[3:] == ["1", "10", "100", "542"]
    assert enc.z[0] == cls.SPECIAL_BANDS and enc.z[-1] == cls.SPECIAL_BANDS + cls.LOG_SPAN
    assert enc.z[1] < enc.z[2] < enc.z[3]


def test_encode_with_no_values_still_has_a_legend():
    enc = cls.encode(
        np.array([np.nan]),
        np.array(["no_reports"]),
        np.array([True]),
        method="jenks",
        special_labels=("a", "b", "c"),
    )
    assert enc.ticktext == ["a", "b", "c"] and enc.z.tolist() == [0.5]


def test_map_figure_layers(regions):
    fig = as_json(layers.map_figure(regions, countries_frame()))
    types = [t["type"] for t in fig["data"]]
    assert types == [
        "choropleth",
        "choropleth",
        "scattergeo",
        "scattergeo",
        "scattergeo",
        "scattergeo",
        "scattergeo",
        "choropleth",  # the inset: neighbours, regions, cities
        "choropleth",
        "scattergeo",
    ]
    assert {t.get("geo", "geo") for t in fig["data"][region_layer.INSET_COUNTRIES :]} == {"geo2"}
    # The fixed labels draw over the city symbols, which covered them on a phone's map.
    names = [t["name"] for t in fig["data"]]
    assert names[region_layer.CITIES] == "cities" and names[region_layer.LABELS] == "labels"
    assert region_layer.LABELS > region_layer.CITIES
    regions_trace = fig["data"][region_layer.REGIONS]
    assert regions_trace["locations"] == regions["region_code"].tolist()
    # The geometry is a file the figure names (``layers.geofiles``), keyed like its locations.
    url = regions_trace["geojson"]
    assert url.startswith(geofiles.URL_PATH)
    features = json.loads(geofiles.geojson_file(url.removeprefix(geofiles.URL_PATH)))["features"]
    assert [f["id"] for f in features] == regions_trace["locations"]
    assert fig["data"][region_layer.COUNTRIES]["hoverinfo"] == "skip"
    assert None in fig["data"][region_layer.HATCH]["lon"]  # hatch lines were drawn
    assert fig["data"][region_layer.LABELS]["text"] == [
        "occupied, Ukraine",
        "Moscow",
        "St Petersburg",
    ]
    geo = fig["layout"]["geo"]
    assert geo["projection"]["type"] == "conic conformal" and geo["visible"] is False
    assert geo["lonaxis"]["range"] == [20, 190]


def test_region_values_hover_and_colours(incidents, regions):
    table = queries.region_table(queries.select(incidents, Filters()), regions, "detained")
    counted = (regions["status"] != "occupied_ukraine").to_numpy()
    values = layers.region_values(
        table, metric="detained", classing="quantile", counted=counted, period="all dates"
    )
    hover = dict(zip(table["region_code"], values["customdata"], strict=True))
    assert hover["RU-MOW"][:4] == ["Moscow", "Москва", "800", "1"]
    assert hover["RU-SPE"][2] == "200 (+1 report without a count)"
    assert hover["RU-AD"][2] == "no reports in this selection"
    assert hover["RU-TYU"][4] == "no population figure"
    assert "not in Russia's totals" in hover["UA-43"][5]
    z = dict(zip(table["region_code"], values["z"], strict=True))
    assert z["UA-43"] == 2.5 and z["RU-AD"] == 0.5 and z["RU-MOW"] > z["RU-SPE"] > 3
    assert "all dates" in values["hovertemplate"]


def test_region_values_colour_occupied_only_when_asked(incidents, regions):
    table = queries.region_table(incidents, regions, "detained")
    values = layers.region_values(
        table, metric="detained", classing="jenks", counted=np.ones(len(table), bool), period="x"
    )
    z = dict(zip(table["region_code"], values["z"], strict=True))
    assert z["UA-43"] > 3
    assert (
        "counted in the totals"
        in values["customdata"][table.index[table["region_code"] == "UA-43"][0]][5]
    )


def test_region_view_frames(regions):
    frame, outline = layers.region_view(None)
    assert frame["uirevision"] == "russia" and outline == {"lon": [], "lat": []}
    moscow = regions.set_index("region_code").loc["RU-MOW"].copy()
    moscow["region_code"] = "RU-MOW"
    frame, outline = layers.region_view(moscow)
    assert frame["uirevision"] == "RU-MOW"
    assert frame["lataxis"]["range"][0] < 55 and frame["lataxis"]["range"][1] > 56
    lon = frame["lonaxis"]["range"]
    assert lon[1] - lon[0] > 56 - 55  # widened to the map's shape
    assert len([x for x in outline["lon"] if x is not None]) == 5


def test_hatch_lines_stay_inside_the_shape():
    square = shapely.box(0, 0, 1, 1)
    lines = _geo.hatch(square, spacing=0.25)
    assert not lines.is_empty and square.buffer(1e-9).contains(lines)


def test_city_bubbles_scale_by_area(incidents):
    cities = queries.city_table(queries.scope(incidents, Filters()))
    bubbles = layers.city_bubbles(cities, selected="524901")
    sizes = bubbles["marker"]["size"]
    assert sizes[0] == pytest.approx(44) and sizes[1] == pytest.approx(
        44 * (200 / 800) ** 0.5, 0.01
    )
    assert bubbles["customdata"][0][:2] == ["524901", "Moscow"]
    assert bubbles["marker"]["line"]["color"][0] == "#000000"
    unknown = cities.assign(detained=pd.array([None, None, None], dtype="Int64"))
    grey = layers.city_bubbles(unknown)
    assert set(grey["marker"]["color"]) == {_style.NO_FIGURE}
    assert layers.city_bubbles(cities.iloc[:0])["lon"] == []


def test_daily_bars_frames_the_period(incidents):
    daily = queries.daily_table(queries.scope(incidents, Filters()))
    figure = layers.daily_bars(
        daily,
        period=(dt.date(2022, 9, 24), None),
        extent=(dt.date(2022, 9, 21), dt.date(2022, 9, 24)),
    )
    assert list(figure.data[0].y) == [700, 310]
    assert list(figure.data[1].y) == [1]  # rallies only where there were some
    fig = as_json(figure)
    # Every day stays in view; the days before the period are dimmed under a veil.
    assert fig["layout"]["xaxis"]["range"] == ["2022-09-20T12:00:00", "2022-09-24T12:00:00"]
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert notes == ["21 Sep: mobilisation announced"]
    veils = [s for s in fig["layout"]["shapes"] if s["type"] == "rect"]
    assert [(v["x0"], v["x1"]) for v in veils] == [("2022-09-20T12:00:00", "2022-09-23T12:00:00")]
    assert veils[0]["layer"] == "above" and 0 < veils[0]["opacity"] < 1
    (key_line,) = [s for s in fig["layout"]["shapes"] if s["type"] == "line"]
    assert key_line["x0"] == "2022-09-21T00:00:00"


@pytest.mark.parametrize(
    ("period", "veiled"),
    [
        ((None, None), []),
        ((dt.date(2022, 9, 22), dt.date(2022, 9, 23)), [("20T12", "21T12"), ("23T12", "24T12")]),
        ((None, dt.date(2022, 9, 21)), [("21T12", "24T12")]),
        ((dt.date(2022, 10, 1), dt.date(2022, 10, 2)), [("20T12", "24T12")]),
        ((dt.date(2022, 8, 1), dt.date(2022, 8, 2)), [("20T12", "24T12")]),
    ],
)
def test_period_frame_dims_the_days_outside_the_period(period, veiled):
    dates = pd.Series(pd.to_datetime(["2022-09-21", "2022-09-24"]))
    frame = layers.period_frame(
        dates, period=period, extent=(dt.date(2022, 9, 21), dt.date(2022, 9, 24)), key_dates={}
    )
    spans = [(s["x0"][8:13], s["x1"][8:13]) for s in frame["shapes"]]
    assert spans == veiled
    assert frame["xaxis"]["range"] == ["2022-09-20T12:00:00", "2022-09-24T12:00:00"]


def test_daily_bars_empty_states(incidents):
    empty = as_json(
        layers.daily_bars(queries.daily_table(incidents.iloc[:0]), period=(None, None), extent=None)
    )
    assert empty["data"] == []
    assert "No incidents match" in empty["layout"]["annotations"][0]["text"]
    daily = queries.daily_table(incidents)
    elsewhere = as_json(
        layers.daily_bars(
            daily, period=(dt.date(2020, 1, 1), dt.date(2020, 1, 2)), extent=None, key_dates={}
        )
    )
    assert "No incidents in this period" in elsewhere["layout"]["annotations"][0]["text"]


def test_grid_rows_carry_every_source(incidents):
    rows = layers.grid_rows(queries.incident_list(incidents), selected="m1")
    first = next(r for r in rows if r["incident_id"] == "m1")
    assert first["selected"] and sum(r["selected"] for r in rows) == 1
    assert first["detained"] == 500 and first["tags"].startswith("police used force")
    assert first["sources"] == [
        {
            "url": "https://example.org/m1a",
            "label": "OVD-Info: 500 detained, as of 2022-09-22 09:51 MSK",
        },
        {
            "url": "https://example.org/m1b",
            "label": "Test: 400 detained, as of 2022-09-21 (evening)",
        },
    ]
    assert next(r for r in rows if r["incident_id"] == "s2")["detained"] is None


def test_breadcrumb_links_go_back_up():
    f = Filters(metric="rallies", region="RU-MOW", city="524901", incident="m1")
    crumbs = layers.breadcrumb(f, {"RU-MOW": "Moscow"}, "Moscow city", "/")
    links = [c for c in crumbs if isinstance(c, dcc.Link)]
    assert [link.href for link in links] == [
        "/?metric=rallies",
        "/?metric=rallies&region=RU-MOW",
        "/?metric=rallies&region=RU-MOW&city=524901",
    ]
    assert crumbs[-1].children == "incident"


def test_notice_and_summary():
    assert layers.notice(()) == []
    shown = layers.notice(["'foo=1' is not a known parameter and was ignored."])
    assert isinstance(shown[1], html.Ul)
    strip = layers.summary_strip(
        queries.Summary(1234, 2, 3, 9, 4, 2), version="abc", as_of=None, about="/about"
    )
    *tiles, link = strip
    assert [tile.children[0].children for tile in tiles] == [
        "1,234",
        "3",
        "4",
        "2",
        "abc",
        "unknown",
    ]
    assert link.href == "/about" and link.id == "about-link"


def test_incident_detail_lists_every_source(incidents):
    row = incidents[incidents["incident_id"] == "m1"].iloc[0]
    detail = layers.incident_detail(row)
    sources = next(c for c in detail if getattr(c, "id", None) == "detail-sources")
    hrefs = [item.children[0].href for item in sources.children]
    assert hrefs == ["https://example.org/m1a", "https://example.org/m1b"]
    assert "Click an incident" in layers.incident_detail(None)[0].children


def test_panels_mark_occupied_territory(incidents, regions):
    table = queries.region_table(incidents, regions, "detained")
    crimea = table[table["region_code"] == "UA-43"].iloc[0]
    panel = layers.region_panel(
        crimea, queries.city_table(incidents.iloc[-1:]), Filters(region="UA-43"), "/"
    )
    assert "not part of Russia's totals" in str(panel)
    listing = layers.top_regions(table, Filters(occupied=True), "/")
    assert "(occupied, Ukraine)" in str(listing)


def test_daily_bars_tick_once_a_day_on_short_periods():
    daily = pd.DataFrame(
        {"date": [dt.date(2022, 9, 21)], "detained": [1289], "unknown": [0], "rallies": [20]}
    )
    one_day = (dt.date(2022, 9, 21), dt.date(2022, 9, 21))
    short = layers.daily_bars(daily, period=one_day, extent=one_day)
    assert short.layout.xaxis.dtick == 86_400_000
    year = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert layers.daily_bars(daily, period=year, extent=year).layout.xaxis.dtick is None


def test_the_embeds_timeline_box_is_as_tall_as_the_timeline_figure():
    css = (PROJECT_ROOT / "publish" / "static" / "embed.css").read_text()
    box = re.search(r"\.pm-timeline \{[^}]*height: (\d+)px", css)
    assert box and int(box.group(1)) == timeline.HEIGHT_PX
    figure = layers.daily_bars(
        pd.DataFrame(
            {"date": [dt.date(2022, 9, 21)], "detained": [5], "unknown": [0], "rallies": [1]}
        ),
        period=(None, None),
        extent=(dt.date(2022, 9, 20), dt.date(2022, 9, 30)),
    )
    assert figure.layout.height == timeline.HEIGHT_PX
    margin = figure.layout.margin
    assert figure.layout.height - margin.t - margin.b == timeline.PLOT_PX
