"""Mode-bar configs for every graph: only buttons that work offline, nothing that uploads.

plotly.js shows a "Share chart" button by default (``showSendToCloud``) that posts the chart's
data to plotly's cloud. A map of detentions must never leave the reader's browser that way, so
each graph lists its buttons explicitly instead of removing unwanted ones from a default that
a plotly upgrade may grow.
"""

from __future__ import annotations

from typing import cast

from dash import dcc

#: Settings that keep plotly from offering any outside service, whatever the button list.
_OFFLINE = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showLink": False,
    "plotlyServerURL": "",
}
#: The map: save as image, zoom and reset (panning is the default drag on a geo map).
MAP_BUTTONS = [["toImage"], ["zoomInGeo", "zoomOutGeo", "resetGeo"]]
#: Bar and line charts: save as image, zoom, pan and reset the axes.
CHART_BUTTONS = [["toImage"], ["zoom2d", "pan2d", "autoScale2d", "resetScale2d"]]


def graph_config(buttons: list[list[str]], **extra: object) -> dcc.Graph.Config:
    """A ``dcc.Graph``/``Plotly.newPlot`` config with exactly ``buttons`` and ``extra``."""
    return cast("dcc.Graph.Config", {**_OFFLINE, "modeBarButtons": buttons, **extra})
