"""The map's base layers as plotly traces: grey neighbours and the blank region fills (pure).

Shared by the national map and its inset (``layers.inset``), which draw the same layers on
another geo subplot. Their geometry is named by address (``layers.geofiles``), not carried.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go

from layers import _style
from layers.geofiles import geojson_url


def neighbours(countries: gpd.GeoDataFrame, *, geo: str = "geo", name: str) -> go.Choropleth:
    """Neighbouring countries in one flat grey, without hover."""
    return go.Choropleth(
        geo=geo,
        geojson=geojson_url("countries", countries["country_code"], countries["display"]),
        locations=list(countries["country_code"]),
        z=np.zeros(len(countries)),
        colorscale=[[0, _style.NEIGHBOUR_FILL], [1, _style.NEIGHBOUR_FILL]],
        showscale=False,
        marker={"line": {"color": _style.NEIGHBOUR_LINE, "width": 0.6}},
        hoverinfo="skip",
        name=name,
    )


def region_fills(regions: gpd.GeoDataFrame, *, geo: str = "geo", name: str) -> go.Choropleth:
    """Regions, every one in the "no reports" band until a view's values arrive."""
    return go.Choropleth(
        geo=geo,
        geojson=geojson_url("regions", regions["region_code"], regions["display"]),
        locations=list(regions["region_code"]),
        z=np.full(len(regions), 0.5),
        zmin=0,
        zmax=1,
        colorscale=[[0, _style.NO_REPORTS], [1, _style.NO_REPORTS]],
        # No colour bar until a view's values ask for one (``layers.regions.region_values``):
        # the inset shares the main map's scale and must never draw a second bar.
        showscale=False,
        marker={"line": {"color": _style.REGION_LINE, "width": 0.5}},
        name=name,
        hoverlabel={"align": "left"},
    )
