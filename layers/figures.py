"""The map and the timeline of one view, assembled once for the dashboard, exports and embeds.

The tables come from the dataset's counting engine (``Dataset.tables``); the layers draw
them. The dashboard sends ``map_parts`` as a patch over the map it already shows (geometry
is not resent) or as the first figure of a page; exports and embeds take ``map_view``, the
same parts over the static map, so a snapshot shows exactly what the dashboard shows.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.aggregates import NO_CITIES
from core.view import OCCUPIED, Filters, describe_period
from core.viewtables import everywhere
from layers import inset
from layers import regions as region_layer
from layers.cities import city_bubbles, city_labels, drawn_cities, size_legend
from layers.labels import View, in_frame
from layers.legend import LEGEND, map_legend
from layers.regions import map_figure, region_values, region_view, static_labels
from layers.timeline import daily_bars

if TYPE_CHECKING:
    from core.dataset import Dataset

#: A key of ``map_parts``: (``"data"``, trace index), or (``"layout"``, a layout key) whose
#: value is merged (``"geo"``, ``"meta"``) or, for a list (``"shapes"``, ``"annotations"``),
#: replaced.
Part = tuple[str, Any]
#: The dashboard map's geo area (pixels, the colour bar's margin left out) on a phone (its
#: legend below the map, ``assets/maplegend.js``), a laptop and a wide screen: place names
#: must stay clear of each other at all of them.
DASHBOARD_VIEWS = (View(370, 230), View(700, 420), View(1250, 640))
#: Length of the colour bar (a fraction of the map's height) above the circle size legend.
KEYED_COLORBAR = 0.62


def _region_row(data: Dataset, code: str | None) -> pd.Series | None:
    if not code:
        return None
    match = data.regions[data.regions["region_code"] == code]
    return None if match.empty else match.iloc[0]


def _counted(data: Dataset, f: Filters) -> np.ndarray:
    return ((data.regions["status"] != OCCUPIED) | f.occupied).to_numpy()


def map_parts(
    data: Dataset, f: Filters, lang: str = "en", *, views: tuple[View, ...] = DASHBOARD_VIEWS
) -> dict[Part, Any]:
    """What a view sets in the map figure: values and legend, frame, outline, city bubbles.

    The legend is set twice from one source: drawn by plotly (colour bar, size key) and as
    ``layers.legend`` entries in ``layout.meta`` (its list form below a narrow map).

    Every region is coloured (occupied territory shown apart, ``everywhere``); the chosen
    region's cities, or the national hotspots, get bubbles, the largest named where the
    name is clear of every other at each of ``views`` (the sizes the map is drawn at).
    """
    tables = data.tables
    frame, outline = region_view(_region_row(data, f.region))
    if f.region:
        cities = tables.city_table(f.in_region(f.region))
    else:  # hotspots at national scale, unless the link asks for the choropleth alone
        cities = tables.city_table(f) if f.symbols else NO_CITIES
    measure = "rallies" if f.metric == "rallies" else "detained"
    cities = drawn_cities(cities, measure, f.city)
    regions = region_values(
        tables.region_table(everywhere(f), f.metric),
        metric=f.metric,
        classing=f.classing,
        counted=_counted(data, f),
        period=describe_period(f, lang),
        rallies=f.counts("rally"),
        lang=lang,
    )
    key_shapes, key_notes = size_legend(cities, measure, lang)
    if key_shapes:  # the colour bar keeps to the top, the circles' key sits under it
        regions["colorbar"] |= {"len": KEYED_COLORBAR, "y": 1, "yanchor": "top"}
    bubbles = city_bubbles(
        cities, selected=f.city, rallies=f.counts("rally"), measure=measure, lang=lang
    )
    # A federal city named by its own symbol loses its fixed label (one name, not two).
    named = set(cities["region_code"]) if len(cities) else set()
    labels = static_labels(data.regions, lang)
    # A label whose place is outside a region view's frame is not drawn (plotly would).
    fixed = [x for x in labels if x[0] not in named and in_frame(x[1], x[2], frame)]
    national = not f.region
    # The inset names its own places (its scale is another); computed on the bare symbols.
    near = inset.inset_symbols(bubbles)
    near |= city_labels(near, frame=inset.FRAME, views=inset.inset_views(views))
    bubbles |= city_labels(
        bubbles,
        frame=frame,
        views=views,
        fixed=[x[1:] for x in fixed],
        avoid=[inset.AREA_ON_MAP] if national else [],
    )
    if national:
        inset_parts = {
            ("data", region_layer.INSET_COUNTRIES): {"visible": True},
            ("data", region_layer.INSET_REGIONS): inset.inset_regions(
                regions, inset.inset_rows(data.regions["display"])
            ),
            ("data", region_layer.INSET_CITIES): near | {"visible": True},
            ("layout", "geo2"): inset.SHOWN,
        }
    else:
        inset_parts = {
            ("data", region_layer.INSET_COUNTRIES): {"visible": False},
            ("data", region_layer.INSET_REGIONS): {"visible": False},
            ("data", region_layer.INSET_CITIES): {"visible": False},
            ("layout", "geo2"): inset.HIDDEN,
        }
    return inset_parts | {
        ("data", region_layer.REGIONS): regions,
        ("layout", "geo"): frame,
        ("data", region_layer.SELECTED): outline,
        ("data", region_layer.LABELS): {
            "text": [label[3] if label in fixed else "" for label in labels]
        },
        ("data", region_layer.CITIES): bubbles,
        ("layout", "shapes"): key_shapes,
        ("layout", "annotations"): key_notes,
        # The same legend as entries, for the lists shown below a narrow map.
        ("layout", "meta"): {LEGEND: map_legend(regions, key_shapes, key_notes)},
    }


_static_maps: dict[int, go.Figure] = {}
_static_lock = threading.Lock()


def _static_map(data: Dataset) -> go.Figure:
    """A new figure of ``data``'s static map, which is built once per dataset.

    Its geometry work (hatching, outlines, the boundary files) took 80–280 ms of every export.
    Copies are made one at a time: plotly takes each trace's ``type`` out of the figure it
    copies while it reads it, and a copy made meanwhile came out a line chart.
    """
    key = id(data)
    with _static_lock:
        built = _static_maps.get(key)
    if built is None:
        built = map_figure(data.regions, data.countries)
        with _static_lock:
            if key not in _static_maps:  # forgotten with the dataset, before its id is reused
                weakref.finalize(data, _static_maps.pop, key, None)
                _static_maps[key] = built
    with _static_lock:
        return go.Figure(_static_maps[key])


def map_view(
    data: Dataset, f: Filters, lang: str = "en", *, views: tuple[View, ...] = DASHBOARD_VIEWS
) -> go.Figure:
    """The dashboard's map for ``f`` as one complete figure (for exports and embeds)."""
    figure = _static_map(data)
    for (part, at), props in map_parts(data, f, lang, views=views).items():
        if part == "data":
            figure.data[at].update(props)
        else:
            figure.update_layout({at: props})
    return figure


def timeline_daily(data: Dataset, f: Filters) -> pd.DataFrame:
    """The timeline's rows: the view's incidents per day over all dates (the period frames)."""
    return data.tables.daily_table(replace(f, start=None, end=None))


def timeline_view(data: Dataset, f: Filters, lang: str = "en") -> go.Figure:
    """The dashboard's timeline for ``f`` (all dates of the view, framed on its period)."""
    return daily_bars(
        timeline_daily(data, f), period=(f.start, f.end), extent=data.extent, lang=lang
    )
