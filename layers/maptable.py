"""The map as a table: each region's value in words, for readers who cannot use the map.

Pure: the view's region table (``core.aggregates.region_frame``) in, a Dash table out. The
order is the reader's choice (``SORTS``); occupied Ukrainian territory is said in words, not
only by hatching.
"""

from __future__ import annotations

import pandas as pd
from dash import html

from core.view import METRICS
from layers import _style

#: Orders a reader can choose (value -> label).
SORTS = {"value": "highest value first", "name": "region name (A–Z)"}
#: What a region without a value shows, by its ``state``.
STATE_TEXT = {
    "no_reports": "no reports",
    "no_figure": "reported, no count",
    "no_population": "no population figure",
}
OCCUPIED_TEXT = "Occupied Ukrainian territory"
RUSSIA_TEXT = "Russia"
CAPTION = (
    "Regions of the map with the value it shades them by. Occupied Ukrainian territory is "
    "listed as such and is not part of Russia's totals unless you count it in."
)


def sorted_regions(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """``table`` in the chosen order: highest value first (ties and no values by name), or names."""
    if by == "name":
        return table.sort_values("name_en", kind="stable")
    return table.sort_values(["value", "name_en"], ascending=[False, True], na_position="last")


def _value_text(row: pd.Series, metric: str) -> str:
    if row["state"] != "value":
        return STATE_TEXT.get(row["state"], row["state"])
    return _style.fmt_rate(row["value"]) if metric == "per100k" else _style.fmt_count(row["value"])


def region_value_table(table: pd.DataFrame, metric: str, by: str) -> html.Table:
    """One row per region: name (English and Russian), the map's value, and whose territory."""
    rows = [
        html.Tr(
            [
                html.Th(f"{r['name_en']} · {r['name_ru']}", scope="row"),
                html.Td(_value_text(r, metric), className="num"),
                html.Td(OCCUPIED_TEXT if r["status"] == "occupied_ukraine" else RUSSIA_TEXT),
            ],
            className="occupied" if r["status"] == "occupied_ukraine" else None,
        )
        for _, r in sorted_regions(table, by).iterrows()
    ]
    head = html.Tr(
        [
            html.Th("Region", scope="col"),
            html.Th(METRICS[metric].capitalize(), scope="col"),
            html.Th("Territory", scope="col"),
        ]
    )
    return html.Table(
        [html.Caption(CAPTION), html.Thead(head), html.Tbody(rows)], className="region-table"
    )
