"""The map's legend as entries (layers.legend), and the embed's HTML list drawn from them."""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pandas as pd
import pytest

from app import create_app, load_dataset
from core.view import Filters
from geodata.settings import Settings
from layers import _style
from layers.cities import size_legend, size_steps
from layers.classes import encode
from layers.figures import map_parts, map_view
from layers.legend import LEGEND, band_colour, map_legend, plain
from layers.regions import REGIONS
from publish.embed import legend_html

#: Three bands of a stepped scale, as ``layers.classes.encode`` builds them.
STEPPED = [[0, "#eee"], [0.25, "#eee"], [0.25, "#f00"], [0.5, "#f00"], [0.5, "#00f"], [1, "#00f"]]


@pytest.mark.parametrize(
    ("at", "colour"),
    [(0, "#eee"), (0.125, "#eee"), (0.25, "#f00"), (0.375, "#f00"), (0.75, "#00f"), (1, "#00f")],
)
def test_band_colour_is_the_stepped_scale_at_a_tick(at, colour):
    assert band_colour(STEPPED, at) == colour


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("Detentions<br><sub>quantiles</sub>", "Detentions quantiles"),
        ("occupied,<br>Ukraine", "occupied, Ukraine"),
        ("1\u00a0289", "1\u00a0289"),  # digit groups stay together
        ("  a \n b ", "a b"),
        (None, ""),
    ],
)
def test_plain_makes_one_line_of_plotly_markup(markup, text):
    assert plain(markup) == text


def _regions(values: list[float], counted: list[bool]) -> dict:
    """A region trace's colour parts, as ``layers.regions.region_values`` sets them."""
    encoding = encode(
        np.array(values),
        np.array(["value" if not np.isnan(v) else "no_reports" for v in values]),
        np.array(counted),
        method="quantile",
        special_labels=("no reports", "no figure", "occupied,<br>Ukraine"),
    )
    return {
        "zmax": encoding.zmax,
        "colorscale": encoding.colorscale,
        "colorbar": {
            "title": {"text": "Detentions<br><sub>quantiles</sub>"},
            "tickvals": encoding.tickvals,
            "ticktext": encoding.ticktext,
        },
    }


def test_entries_say_what_the_colour_bar_and_size_key_say():
    regions = _regions([np.nan, 1, 5, 20, 300, 7], [True, True, True, True, True, False])
    cities = pd.DataFrame({"detained": pd.array([1289, 40, 3], dtype="Int64")})
    shapes, notes = size_legend(cities, "detained")
    legend = map_legend(regions, shapes, notes)
    bar = regions["colorbar"]
    assert legend["title"] == "Detentions quantiles"
    assert [b["label"] for b in legend["bands"]] == [plain(t) for t in bar["ticktext"]]
    colours = [b["colour"] for b in legend["bands"]]
    assert colours[:3] == [_style.NO_REPORTS, _style.NO_FIGURE, _style.OCCUPIED_FILL]
    assert len(set(colours)) == len(colours)  # every band its own colour
    assert legend["sizes_title"] == "Circles: cities, area ∝ detentions"
    assert [(c["label"], c["d"]) for c in legend["sizes"]] == [
        (f"{v:,}", d) for v, d in size_steps(1289)
    ]


def test_a_map_without_symbols_has_no_size_entries():
    legend = map_legend(_regions([1.0, 2.0, 3.0], [True] * 3), [], [])
    assert legend["sizes"] == [] and legend["sizes_title"] == ""
    assert '<ul class="pm-sizes">' not in legend_html(legend)


def test_the_html_list_escapes_every_text_and_draws_circles_at_map_size():
    legend = {
        "title": "<b>x</b>",
        "bands": [{"colour": "#eee", "label": "a & <script>"}],
        "sizes_title": "Circles",
        "sizes": [{"d": 44.0, "label": "1\u00a0289"}, {"d": 13.9, "label": "100"}],
    }
    html = legend_html(legend)
    assert "<script>" not in html and "<b>x" not in html
    assert "a &amp; &lt;script&gt;" in html
    assert re.findall(r'class="circle" style="--d:([\d.]+)px"', html) == ["44", "13.9"]


@pytest.fixture(scope="module")
def dataset(built_store):
    return load_dataset(Settings(data=built_store))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_embed_lists_the_entries_the_dashboards_map_carries(
    dataset, built_store, tmp_path_factory, lang
):
    query = "?from=2022-09-21&to=2022-09-30"
    f = Filters.from_query(query)
    # The dashboard's map (patched in as layout.meta) and the embed's are one legend.
    dashboard = map_parts(dataset, f, lang)[("layout", "meta")][LEGEND]
    figure = map_view(dataset, f, lang)
    assert figure.layout.meta[LEGEND] == dashboard
    bar = figure.data[REGIONS].colorbar
    assert [b["label"] for b in dashboard["bands"]] == [plain(t) for t in bar.ticktext]
    assert dashboard["sizes"]  # the national map's hotspots have their size key
    client = create_app(
        Settings(data=built_store, cache=tmp_path_factory.mktemp("cache"))
    ).server.test_client()
    page = client.get(f"/embed{query}&lang={lang}").get_data(as_text=True)
    listed = [unescape(t) for t in re.findall(r"<li><span[^>]*></span>([^<]*)</li>", page)]
    assert listed == [e["label"] for e in (*dashboard["bands"], *dashboard["sizes"])]
