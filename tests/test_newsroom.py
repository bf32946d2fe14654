"""What a published view says: file names, titles with the place and its own total, no
"0 rallies" when rallies are filtered out, the measure the side list ranks by.

Expected numbers come from the store with plain pandas, not from the counting engine.
"""

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import layers
from app import create_app, load_dataset
from core.texts import alt_text, caption, export_filename
from core.view import Filters
from geodata import store
from geodata.settings import Settings
from layers import _style
from layers import regions as region_layer
from layers.cities import MAX_SYMBOLS, SIZE_KEY, diameters, drawn_cities, size_legend
from layers.figures import map_view, timeline_view
from layers.panels import top_regions
from pages import views


@pytest.fixture(scope="module")
def dataset(built_store):
    return load_dataset(Settings(data=built_store))


@pytest.fixture(scope="module")
def stored(built_store) -> pd.DataFrame:
    return store.read_incidents(built_store / "incidents.parquet")


@pytest.mark.parametrize(
    ("query", "fmt", "expected"),
    [
        (
            "?region=RU-MOW&kind=detention&from=2022-09-21&to=2022-09-21",
            "png",
            "protestmap-moscow-detentions-2022-09-21.png",
        ),
        ("", "svg", "protestmap-russia-detentions.svg"),
        (
            "?metric=rallies&from=2022-09-21&to=2022-09-30",
            "pdf",
            "protestmap-russia-rallies-2022-09-21-to-2022-09-30.pdf",
        ),
        (
            "?metric=per100k&from=2022-09-21",
            "png",
            "protestmap-russia-detentions-per-100000-people-from-2022-09-21.png",
        ),
        (
            "?region=RU-SPE&to=2022-09-30",
            "png",
            "protestmap-saint-petersburg-detentions-to-2022-09-30.png",
        ),
    ],
)
def test_export_file_name_says_place_measure_and_period(dataset, query, fmt, expected):
    assert export_filename(dataset, Filters.from_query(query), fmt) == expected


def test_region_caption_names_the_place_and_its_own_total(dataset, stored):
    f = Filters.from_query("?region=RU-MOW&from=2022-09-21&to=2022-09-30")
    text = caption(dataset, f, version=dataset.version, accessed=dt.date(2026, 1, 2))
    assert text.title == "Detentions at protests in Moscow"
    rows = stored[
        (stored["region_code"] == "RU-MOW")
        & stored["date"].between(pd.Timestamp("2022-09-21"), pd.Timestamp("2022-09-30"))
    ]
    detained = int(rows.loc[rows["kind"] == "detention", "detained"].sum())
    rallies = int((rows["kind"] == "rally").sum())
    assert detained > 0
    assert text.subtitle.startswith(f"In total: {detained:,} detentions and {rallies:,} rall")


def test_detentions_only_never_mention_rallies(dataset):
    f = Filters.from_query("?kind=detention&from=2022-09-21&to=2022-09-30")
    text = caption(dataset, f, version=dataset.version, accessed=dt.date(2026, 1, 2))
    assert "rall" not in text.subtitle.split(".")[0]
    assert "rall" not in alt_text(dataset, f)
    regions = map_view(dataset, f).data[region_layer.REGIONS]
    assert {row[3] for row in regions.customdata} == {_style.RALLIES_FILTERED}
    moscow = map_view(dataset, Filters.from_query("?kind=detention&region=RU-MOW"))
    cities = moscow.data[region_layer.CITIES].customdata
    assert {row[4] for row in cities} == {_style.RALLIES_FILTERED}


def test_timeline_of_detentions_has_no_rallies_axis(dataset):
    figure = timeline_view(dataset, Filters.from_query("?kind=detention"))
    assert [t.name for t in figure.data] == ["detentions"]
    assert figure.layout.yaxis2.visible is False
    both = timeline_view(dataset, Filters())
    assert [t.name for t in both.data] == ["detentions", "rallies"]
    assert both.layout.yaxis2.visible is not False


@pytest.mark.parametrize(
    ("metric", "heading"),
    [
        ("detained", "Regions with most detentions"),
        ("rallies", "Regions with most rallies"),
        ("per100k", "Regions with most detentions per 100,000 people"),
    ],
)
def test_top_regions_rank_by_the_chosen_measure(dataset, metric, heading):
    f = Filters(metric=metric)
    table = dataset.tables.region_table(f, metric)
    panel = top_regions(table, f, "/")
    assert panel[0].children == heading
    shown = [item.children[0].children for item in panel[1].children]
    ranked = table[table["incidents"] > 0].copy()
    ranked["_v"] = ranked[metric].astype("Float64").fillna(-1)
    expected = ranked.sort_values(["_v", "name_en"], ascending=[False, True])["name_en"]
    assert shown == list(expected.head(len(shown)))


def test_export_route_downloads_with_its_file_name(built_store, tmp_path):
    client = create_app(Settings(data=built_store, cache=tmp_path)).server.test_client()
    response = client.get("/export/map.svg?region=RU-MOW&from=2022-09-21&to=2022-09-21")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="protestmap-moscow-detentions-2022-09-21.svg"'
    )
    assert b"in Moscow" in response.data


def _crumb_texts(crumbs: list) -> list[str]:
    return [c.children for c in crumbs if getattr(c, "className", "") != "crumb-sep"]


def test_breadcrumb_names_a_federal_city_once():
    f = Filters(region="RU-MOW", city="524901", incident="m1")
    crumbs = layers.breadcrumb(f, {"RU-MOW": "Moscow"}, "Moscow", "/")
    assert _crumb_texts(crumbs) == ["Russia", "Moscow", "incident"]
    assert crumbs[2].href == "/?region=RU-MOW"
    other = layers.breadcrumb(
        Filters(region="RU-DA", city="532096"), {"RU-DA": "Dagestan"}, "Makhachkala", "/"
    )
    assert _crumb_texts(other) == ["Russia", "Dagestan", "Makhachkala"]


@pytest.mark.parametrize(
    ("source", "label"),
    [
        ({"url": "https://www.ukrinform.net/a", "reporter": "OVD-Info"}, "ukrinform.net"),
        ({"url": "https://meduza.io/news/x", "reporter": None}, "meduza.io"),
        ({"url": "https://ovd.info/news/x", "reporter": "OVD-Info"}, "ovd.info"),
    ],
)
def test_source_links_are_labelled_by_their_outlet(source, label):
    row = pd.Series(
        {
            "date": pd.Timestamp("2022-09-21"),
            "time": None,
            "city_label": "Moscow",
            "place": None,
            "kind": "detention",
            "detained": 5,
            "participants": None,
            "precision": "city",
            "campaign": None,
            "description": None,
            "tags": [],
            "sources": [{**source, "detained": 5, "participants": None, "as_of": None}],
        }
    )
    detail = layers.incident_detail(row)
    sources = next(c for c in detail if getattr(c, "id", None) == "detail-sources")
    link, figures = sources.children[0].children[:2]
    assert link.children == label
    relayed = source["reporter"] == "OVD-Info" and label != "ovd.info"
    assert ("relaying OVD-Info" in figures.children) is relayed


def test_incident_view_headline_shows_the_incident(dataset, stored):
    moscow = stored[(stored["region_code"] == "RU-MOW") & (stored["kind"] == "detention")]
    row = moscow[moscow["detained"].notna()].iloc[0]
    query = f"?region=RU-MOW&incident={row['incident_id']}"
    panels = views.render_panels(dataset, {"query": query, "notices": []}, "/")
    tiles = {tile.id: tile.children[0].children for tile in panels["summary"][:4]}
    assert tiles["tile-detentions"] == f"{int(row['detained']):,}"
    assert tiles["tile-rallies"] == "0" and tiles["tile-cities"] == "1"
    city = views.render_panels(dataset, {"query": "?region=RU-MOW", "notices": []}, "/")
    assert city["summary"][0].children[0].children != tiles["tile-detentions"]


def test_national_map_has_city_symbols_sized_by_the_measure(dataset, stored):
    f = Filters.from_query("?from=2022-09-21&to=2022-09-30")
    bubbles = map_view(dataset, f).data[region_layer.CITIES]
    period = stored["date"].between(pd.Timestamp("2022-09-21"), pd.Timestamp("2022-09-30"))
    rows = stored[period & (stored["region_code"].str.startswith("RU-"))]
    per_city = rows[rows["kind"] == "detention"].groupby("geonameid")["detained"].sum()
    top_city = int(per_city.idxmax())
    sizes = dict(zip([c[0] for c in bubbles.customdata], bubbles.marker.size, strict=True))
    assert max(sizes, key=sizes.get) == str(top_city)
    keys = {c[0]: c for c in bubbles.customdata}
    assert keys[str(top_city)][3] == f"{int(per_city.max()):,}"
    key = size_key_texts(map_view(dataset, f))
    assert key[0] == f"{int(per_city.max()):,}" and key[-1].endswith("area ∝ detentions")
    by_rallies = size_key_texts(map_view(dataset, replace(f, metric="rallies")))
    rally_counts = rows[rows["kind"] == "rally"].groupby("geonameid").size()
    assert by_rallies[0] == f"{max(rally_counts):,}" and by_rallies[-1].endswith("∝ rallies")


def size_key_texts(figure) -> list[str]:
    return [a.text for a in figure.layout.annotations if a.name == SIZE_KEY]


def test_size_legend_states_its_scale_with_true_circles():
    cities = pd.DataFrame({"detained": pd.array([1289, 40, 3], dtype="Int64")})
    shapes, notes = size_legend(cities, "detained")
    assert [n["text"] for n in notes[:-1]] == ["1,289", "100"]
    widths = [s["x1"] - s["x0"] for s in shapes]
    bubbles = diameters(np.array([1289.0, 100.0]), 1289)
    assert widths == pytest.approx(bubbles.tolist(), abs=0.1)  # as wide as the map's circles
    assert all(s["xsizemode"] == "pixel" and s["xref"] == "paper" for s in shapes)
    assert size_legend(cities.iloc[:0], "detained") == ([], [])


def test_symbols_toggle_lives_in_the_url(dataset):
    off = Filters.from_query("?symbols=0")
    assert off.symbols is False and off.to_query() == "?symbols=0"
    assert Filters.from_query("?symbols=1").to_query() == ""
    assert list(map_view(dataset, off).data[region_layer.CITIES].lon) == []
    assert size_key_texts(map_view(dataset, off)) == []
    controls = [None, None, "all", [], None, "rallies", "quantile", []]
    kept = views.filters_from_controls(off, controls)
    assert kept.symbols is False


def test_clicking_a_national_symbol_opens_its_city(dataset):
    bubbles = map_view(dataset, Filters()).data[region_layer.CITIES]
    moscow = next(c for c in bubbles.customdata if c[5] == "RU-MOW")
    click = {"points": [{"curveNumber": region_layer.CITIES, "customdata": list(moscow)}]}
    assert views.from_click(Filters(), click).to_query() == f"?region=RU-MOW&city={moscow[0]}"


def test_inset_shows_the_two_federal_cities_at_national_scale_only(dataset):
    national = map_view(dataset, Filters())
    shown = national.data[region_layer.INSET_REGIONS]
    assert {"RU-MOW", "RU-SPE"} <= set(shown.locations) and shown.visible
    assert national.layout.geo2.showframe
    # The inset's colours are the main map's, region for region.
    main = national.data[region_layer.REGIONS]
    colour = dict(zip(main.locations, main.z, strict=True))
    assert list(shown.z) == [colour[code] for code in shown.locations]
    near = national.data[region_layer.INSET_CITIES]
    names = [t for t in near.text if t]
    assert "Moscow" in names and "Saint Petersburg" in names
    # Only the symbols in its frame, sized as on the map: Novosibirsk is not sent twice.
    everywhere = national.data[region_layer.CITIES]
    size = {row[1]: s for row, s in zip(everywhere.customdata, everywhere.marker.size, strict=True)}
    assert "Novosibirsk" in size
    inset_size = {row[1]: s for row, s in zip(near.customdata, near.marker.size, strict=True)}
    assert "Novosibirsk" not in inset_size and len(inset_size) < len(size)
    assert inset_size == {name: size[name] for name in inset_size}
    region = map_view(dataset, Filters(region="RU-SVE"))
    assert region.data[region_layer.INSET_REGIONS].visible is False
    assert region.layout.geo2.showframe is False


def test_clicking_the_inset_drills_down(dataset):
    moscow = {"curveNumber": region_layer.INSET_REGIONS, "location": "RU-MOW"}
    assert views.from_click(Filters(), {"points": [moscow]}).region == "RU-MOW"
    bubbles = map_view(dataset, Filters()).data[region_layer.INSET_CITIES]
    city = next(c for c in bubbles.customdata if c[5] == "RU-SPE")
    click = {"points": [{"curveNumber": region_layer.INSET_CITIES, "customdata": list(city)}]}
    assert views.from_click(Filters(), click).to_query() == f"?region=RU-SPE&city={city[0]}"


def test_only_the_largest_places_get_symbols_and_the_chosen_one_always():
    n = MAX_SYMBOLS + 30
    cities = pd.DataFrame(
        {
            "city_key": [f"c{i}" for i in range(n)],
            # c0 has no figure; then 1, 2, ... so the largest are the last rows
            "detained": pd.array([None, *range(1, n)], dtype="Int64"),
        }
    )
    drawn = drawn_cities(cities, "detained", selected="c3")
    largest = [f"c{i}" for i in range(n - MAX_SYMBOLS, n)]
    assert list(drawn["city_key"]) == ["c3", *largest]  # in their order, the chosen one kept
    assert len(drawn_cities(cities.head(MAX_SYMBOLS), "detained")) == MAX_SYMBOLS
