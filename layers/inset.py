"""An inset of the Moscow–St Petersburg area on the national map (pure).

At national scale the two federal cities, where most people are detained in every wave,
are a few pixels wide. A second, small geo subplot (``geo2``) in the map's south-east corner
(over China and the Pacific, which the map does not need) shows them and their neighbours
large enough to read, hover and click. It carries its own copy of the regions nearby (only
those: its geometry stays small) and of the city symbols, coloured like the main map.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go
import shapely

from layers import _style, base
from layers.labels import View

#: The area shown: both federal cities and the oblasts around them (lon/lat degrees), west
#: of St Petersburg far enough for its name beside its symbol in the dashboard's inset.
AREA = (27.0, 54.2, 41.5, 61.2)
#: Where the inset sits, as a fraction of the map's geo area (x, y from the bottom left).
DOMAIN = {"x": [0.72, 0.995], "y": [0.015, 0.44]}
#: The inset's box on the map (left, top, right, bottom fractions, y downwards).
AREA_ON_MAP = (DOMAIN["x"][0], 1 - DOMAIN["y"][1], DOMAIN["x"][1], 1 - DOMAIN["y"][0])
#: The inset's shape (width over height) where the dashboard, embed and exports draw it:
#: its frame has the same, so plotly fills the box and names have all of it.
ASPECT = 1.15
FRAME = {
    **_style.region_frame(AREA, ASPECT),
    "uirevision": "inset",
}
#: Layout of the inset subplot when shown, and when a region view hides it.
SHOWN = {
    **FRAME,
    "domain": DOMAIN,
    "visible": False,
    "bgcolor": _style.OCEAN,
    "showframe": True,
    "framecolor": _style.MUTED,
    "framewidth": 1,
}
HIDDEN = {"showframe": False, "bgcolor": "rgba(0,0,0,0)"}


def inset_rows(shapes: gpd.GeoSeries) -> np.ndarray:
    """Positions of the ``shapes`` the inset shows: those inside its frame."""
    (west, east), (south, north) = FRAME["lonaxis"]["range"], FRAME["lataxis"]["range"]
    return np.flatnonzero(
        shapely.intersects(shapes.to_numpy(), shapely.box(west, south, east, north))
    )


def inset_symbols(bubbles: dict[str, Any]) -> dict[str, Any]:
    """The inset's copy of the map's city symbols (``layers.cities.city_bubbles``).

    Only those inside its frame, sized and coloured as on the map: the inset does not send
    every symbol's hover data a second time.
    """
    (west, east), (south, north) = FRAME["lonaxis"]["range"], FRAME["lataxis"]["range"]
    keep = [
        west <= lon <= east and south <= lat <= north
        for lon, lat in zip(bubbles["lon"], bubbles["lat"], strict=True)
    ]

    def pick(values: list) -> list:
        return [value for value, kept in zip(values, keep, strict=True) if kept]

    marker = bubbles["marker"]
    shown = {"size": pick(marker["size"])}
    if "color" in marker:  # an empty trace has sizes only
        shown |= {
            "color": pick(marker["color"]),
            "line": marker["line"] | {"color": pick(marker["line"]["color"])},
        }
    return bubbles | {
        "lon": pick(bubbles["lon"]),
        "lat": pick(bubbles["lat"]),
        "customdata": pick(bubbles["customdata"]),
        "marker": marker | shown,
    }


def inset_traces(regions: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> list[go.BaseTraceType]:
    """The inset's static traces: neighbours, its regions ("no reports"), a city trace."""
    rows = regions.iloc[inset_rows(regions["display"])]
    near = countries.iloc[inset_rows(countries["display"])]
    return [
        base.neighbours(near, geo="geo2", name="inset countries"),
        base.region_fills(rows, geo="geo2", name="inset regions"),
        go.Scattergeo(geo="geo2", lon=[], lat=[], mode="markers", name="inset cities"),
    ]


#: Narrower than this (a phone's map), the inset is too small to name places in: names
#: are laid out for the larger sizes only.
MIN_NAMED_PX = 120


def inset_views(views: tuple[View, ...]) -> tuple[View, ...]:
    """The inset's own pixel sizes inside the map's ``views``, where names fit at all."""
    (x0, x1), (y0, y1) = DOMAIN["x"], DOMAIN["y"]
    inside = [View(v.width * (x1 - x0), v.height * (y1 - y0), v.bubble_scale) for v in views]
    return tuple(v for v in inside if v.width >= MIN_NAMED_PX)


def inset_regions(values: dict[str, Any], rows: np.ndarray) -> dict[str, Any]:
    """The main region trace's values (``layers.regions.region_values``) for the inset's rows."""
    return {
        "z": [values["z"][i] for i in rows],
        "customdata": [values["customdata"][i] for i in rows],
        **{k: values[k] for k in ("zmin", "zmax", "colorscale", "hovertemplate")},
        "visible": True,
    }
