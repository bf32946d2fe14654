"""Pure figure and panel builders: already-filtered frames in, plotly/Dash objects out."""

from layers.cities import city_bubbles
from layers.classes import Encoding, class_breaks, encode
from layers.grid import column_defs, grid_rows, grid_texts
from layers.panels import (
    breadcrumb,
    incident_detail,
    notice,
    region_panel,
    summary_strip,
    top_regions,
)
from layers.regions import map_figure, region_values, region_view
from layers.timeline import daily_bars, period_frame

__all__ = [
    "Encoding",
    "breadcrumb",
    "city_bubbles",
    "class_breaks",
    "column_defs",
    "daily_bars",
    "encode",
    "grid_rows",
    "grid_texts",
    "incident_detail",
    "map_figure",
    "notice",
    "period_frame",
    "region_panel",
    "region_values",
    "region_view",
    "summary_strip",
    "top_regions",
]
