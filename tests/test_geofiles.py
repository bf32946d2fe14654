"""Boundary files: maps name their geometry by a content address instead of carrying it."""

import base64
import json

import pytest
import shapely

from layers import geofiles

SQUARE = shapely.box(30, 50, 40, 60)
TRIANGLE = shapely.Polygon([(0, 0), (1, 0), (0, 1)])


def _collection(url: str) -> dict:
    body = geofiles.geojson_file(url.removeprefix(geofiles.URL_PATH))
    assert body is not None
    return json.loads(body)


def test_the_address_names_the_content_and_the_file_holds_it():
    url = geofiles.geojson_url("regions", ["RU-A", "RU-B"], [SQUARE, None])
    assert url.startswith("geo/regions-") and url.endswith(".json")
    collection = _collection(url)
    assert [f["id"] for f in collection["features"]] == ["RU-A", "RU-B"]
    assert shapely.geometry.shape(collection["features"][0]["geometry"]).equals(SQUARE)
    assert collection["features"][1]["geometry"] is None  # unknown stays unknown
    # The same boundaries give the same address (browsers keep it); others another.
    assert geofiles.geojson_url("regions", ["RU-A", "RU-B"], [SQUARE, None]) == url
    assert geofiles.geojson_url("regions", ["RU-A", "RU-B"], [SQUARE, TRIANGLE]) != url


def test_a_render_gets_the_files_inline_and_the_figure_is_left_alone():
    url = geofiles.geojson_url("countries", ["UA"], [TRIANGLE])
    figure = {
        "data": [{"type": "choropleth", "geojson": url}, {"type": "scattergeo"}],
        "layout": {},
    }
    inlined = geofiles.inline(figure)
    assert figure["data"][0]["geojson"] == url
    prefix = "data:application/geo+json;base64,"
    data_url = inlined["data"][0]["geojson"]
    assert data_url.startswith(prefix)
    assert base64.b64decode(data_url.removeprefix(prefix)) == geofiles.geojson_file(
        url.removeprefix(geofiles.URL_PATH)
    )
    assert inlined["data"][1] == {"type": "scattergeo"}


def test_an_address_this_process_never_made_is_refused():
    with pytest.raises(LookupError, match=r"regions-0000\.json"):
        geofiles.inline({"data": [{"geojson": "geo/regions-0000.json"}]})
    assert geofiles.geojson_file("regions-0000.json") is None
