"""Place names never overlap: the placement, at every size the map is drawn at.

The boxes are recomputed here from the positions the layer returns, at each size in use
(the dashboard's, the embed's and the exports'), and checked pairwise.
"""

from itertools import combinations

import numpy as np
import pytest

from app import load_dataset
from core.view import Filters
from geodata.settings import Settings
from layers import _style
from layers import regions as region_layer
from layers.figures import DASHBOARD_VIEWS, map_view
from layers.labels import Box, View, drawn_area, place_labels, project, text_box
from publish.embed import EMBED_VIEWS
from publish.exports import DEFAULT_SIZE, map_area

EXPORT_VIEWS = tuple(map_area(size, timeline=t) for t, size in DEFAULT_SIZE.items())
VIEW_SETS = {"dashboard": DASHBOARD_VIEWS, "embed": EMBED_VIEWS, "export": EXPORT_VIEWS}


def boxes_at(lon, lat, diameters, texts, positions, frame, view: View) -> list[Box]:
    xy = project(lon, lat, frame, view)
    return [
        text_box(x, y, t, p, d * view.bubble_scale / 2)
        for (x, y), d, t, p in zip(xy, diameters, texts, positions, strict=True)
        if t and p
    ]


def assert_clear(boxes: list[Box], view: View) -> None:
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    assert all(box.inside(view.width, view.height) for box in boxes)


def test_box_overlap_and_inside():
    a = Box(0, 0, 10, 10)
    assert a.overlaps(Box(9, 9, 20, 20)) and not a.overlaps(Box(10, 0, 20, 10))
    assert a.inside(10, 10) and not Box(-1, 0, 5, 5).inside(10, 10)


def test_text_box_clears_its_own_symbol():
    for position in ("middle right", "middle left", "top center", "bottom center"):
        box = text_box(100, 100, "Moscow", position, 20)
        assert not box.overlaps(Box(80, 80, 120, 120)), position


@pytest.mark.parametrize("views", VIEW_SETS.values(), ids=VIEW_SETS.keys())
def test_crowded_places_get_labels_that_never_overlap(views):
    rng = np.random.default_rng(7)
    lon = np.concatenate([rng.normal(37.6, 3, 40), rng.uniform(30, 140, 40)])
    lat = np.concatenate([rng.normal(55.7, 1.5, 40), rng.uniform(48, 66, 40)])
    diameters = rng.uniform(7, 44, len(lon)).tolist()
    texts = [f"Place {i}" for i in range(len(lon))]
    frame = _style.RUSSIA_FRAME
    positions = place_labels(lon, lat, diameters, texts, frame=frame, views=views)
    assert sum(p is not None for p in positions) >= 5  # crowded, yet several are named
    for view in views:
        assert_clear(boxes_at(lon, lat, diameters, texts, positions, frame, view), view)


def test_fixed_labels_are_kept_clear():
    frame = _style.RUSSIA_FRAME
    view = View(600, 300)
    fixed = [(37.6, 55.75, "A fixed label", "middle right")]
    positions = place_labels([37.6], [55.75], [10.0], ["Moscow"], frame=frame, views=(view,))
    crowded = place_labels(
        [37.6], [55.75], [10.0], ["Moscow"], frame=frame, views=(view,), fixed=fixed
    )
    assert positions == ["middle right"] and crowded[0] != "middle right"


@pytest.fixture(scope="module")
def dataset(built_store):
    return load_dataset(Settings(data=built_store))


@pytest.mark.parametrize("query", ["", "?metric=rallies", "?region=RU-MOW", "?region=RU-SVE"])
@pytest.mark.parametrize("where", VIEW_SETS)
def test_map_names_top_places_clear_of_each_other_and_fixed_labels(dataset, query, where):
    views = VIEW_SETS[where]
    figure = map_view(dataset, Filters.from_query(query), views=views)
    cities, fixed = figure.data[region_layer.CITIES], figure.data[region_layer.LABELS]
    frame = figure.layout.geo.to_plotly_json()
    named = [t for t in cities.text if t]
    assert named, "the largest places are named"
    assert len(named) <= 8
    for view in views:
        names = boxes_at(
            cities.lon,
            cities.lat,
            cities.marker.size,
            cities.text,
            cities.textposition,
            frame,
            view,
        )
        others = boxes_at(
            fixed.lon,
            fixed.lat,
            [0] * len(fixed.lon),
            fixed.text,
            fixed.textposition,
            frame,
            view,
        )
        assert_clear(names, view)
        assert not any(a.overlaps(b) for a in names for b in others)


@pytest.mark.parametrize("views", VIEW_SETS.values(), ids=VIEW_SETS.keys())
def test_inset_names_stay_inside_the_drawn_inset(views):
    # The inset's box is taller than its frame: names once ran over its edge onto the map.
    from layers import inset

    rng = np.random.default_rng(3)
    (west, east), (south, north) = inset.FRAME["lonaxis"]["range"], inset.FRAME["lataxis"]["range"]
    lon, lat = rng.uniform(west, east, 30), rng.uniform(south, north, 30)
    diameters = rng.uniform(7, 44, 30).tolist()
    texts = [f"Place {i}" for i in range(30)]
    shown = inset.inset_views(views)
    placed = place_labels(lon, lat, diameters, texts, frame=inset.FRAME, views=shown)
    assert any(placed)
    for view in shown:
        area = drawn_area(inset.FRAME, view)
        assert area.bottom - area.top < view.height or area.right - area.left < view.width
        for box in boxes_at(lon, lat, diameters, texts, placed, inset.FRAME, view):
            assert box.within(area), (box, area)
