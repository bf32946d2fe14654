"""The map and the timeline of one view, assembled once for the dashboard, exports and embeds.

The tables come from the dataset's counting engine (``Dataset.tables``); the layers draw
them. The dashboard sends ``map_parts`` as a patch over the map it already shows (geometry
is not resent) or as the first figure of a page; exports and embeds take ``map_view``, the
same parts over the static map, so a snapshot shows exactly what the dashboard shows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.aggregates import NO_CITIES
from core.view import OCCUPIED, Filters, describe_period
from core.viewtables import everywhere
from layers import regions as region_layer
from layers.cities import city_bubbles, size_key
from layers.regions import map_figure, region_values, region_view
from layers.timeline import daily_bars

if TYPE_CHECKING:
    from core.dataset import Dataset

#: A key of ``map_parts``: (``"data"``, trace index) or (``"layout"``, ``"geo"``).
Part = tuple[str, Any]


def _region_row(data: Dataset, code: str | None) -> pd.Series | None:
    if not code:
        return None
    match = data.regions[data.regions["region_code"] == code]
    return None if match.empty else match.iloc[0]


def _counted(data: Dataset, f: Filters) -> np.ndarray:
    return ((data.regions["status"] != OCCUPIED) | f.occupied).to_numpy()


def map_parts(data: Dataset, f: Filters, lang: str = "en") -> dict[Part, dict[str, Any]]:
    """What a view sets in the map figure: values and legend, frame, outline, city bubbles.

    Every region is coloured (occupied territory shown apart, ``everywhere``); the chosen
    region's cities get bubbles, and the national view none.
    """
    tables = data.tables
    frame, outline = region_view(_region_row(data, f.region))
    if f.region:
        cities = tables.city_table(f.in_region(f.region))
    else:  # hotspots at national scale, unless the link asks for the choropleth alone
        cities = tables.city_table(f) if f.symbols else NO_CITIES
    measure = "rallies" if f.metric == "rallies" else "detained"
    regions = region_values(
        tables.region_table(everywhere(f), f.metric),
        metric=f.metric,
        classing=f.classing,
        counted=_counted(data, f),
        period=describe_period(f, lang),
        rallies=f.counts("rally"),
        lang=lang,
    )
    regions["colorbar"]["title"]["text"] += size_key(cities, measure, lang)
    return {
        ("data", region_layer.REGIONS): regions,
        ("layout", "geo"): frame,
        ("data", region_layer.LABELS): {"text": region_layer.label_texts(data.regions, lang)},
        ("data", region_layer.SELECTED): outline,
        ("data", region_layer.CITIES): city_bubbles(
            cities, selected=f.city, rallies=f.counts("rally"), measure=measure, lang=lang
        ),
    }


def map_view(data: Dataset, f: Filters, lang: str = "en") -> go.Figure:
    """The dashboard's map for ``f`` as one complete figure (for exports and embeds)."""
    figure = map_figure(data.regions, data.countries)
    for (part, at), props in map_parts(data, f, lang).items():
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
