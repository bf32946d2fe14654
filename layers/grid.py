"""The incident table (dash-ag-grid): column definitions and rows built from incidents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa

from geodata.schema import TAGS

#: Rows sent to the browser at most; the heading says when a selection has more.
MAX_ROWS = 500

_WRAPPED = {"lineHeight": "1.35", "paddingTop": "6px", "paddingBottom": "6px"}
COLUMN_DEFS = [
    {"field": "date", "headerName": "Date", "width": 110, "sort": "desc"},
    {"field": "place", "headerName": "Place", "flex": 1, "minWidth": 150},
    {"field": "kind", "headerName": "Kind", "width": 100},
    {
        "field": "detained",
        "headerName": "Detained",
        "width": 110,
        "type": "numericColumn",
        # A rally's detentions are counted on its detention incident, so "–", not "unknown".
        "valueFormatter": {
            "function": "params.value != null ? params.value.toLocaleString('en') : "
            "(params.data.kind === 'rally' ? '–' : 'unknown')"
        },
    },
    {
        "field": "tags",
        "headerName": "Tags",
        "flex": 1,
        "minWidth": 160,
        "wrapText": True,
        "autoHeight": True,
        "cellStyle": _WRAPPED,
    },
    {
        "field": "sources",
        "headerName": "Sources (figure, as of)",
        "flex": 2,
        "minWidth": 260,
        "cellRenderer": "SourceLinks",
        "cellDataType": False,
        "sortable": False,
        "wrapText": True,
        "autoHeight": True,
        "cellStyle": _WRAPPED,
    },
]


#: Highlights the row of the incident shown in the detail panel.
ROW_STYLE = {
    "styleConditions": [
        {"condition": "params.data.selected", "style": {"backgroundColor": "#fff1c7"}}
    ]
}


def source_label(source: dict) -> str:
    """'OVD-Info: 542 detained, as of 2022-09-22 09:51 MSK' (what each report said, when)."""
    figure = source.get("detained")
    text = source.get("reporter") or "reporter not named"
    text += ": no count" if figure is None or pd.isna(figure) else f": {int(figure):,} detained"
    if source.get("as_of"):
        text += f", as of {source['as_of']}"
    return text


def place_label(row: Mapping[str, Any]) -> str:
    """City plus street or square when known."""
    place = row["place"]
    return (
        f"{row['city_label']}, {place}" if isinstance(place, str) and place else row["city_label"]
    )


def grid_rows(rows: pd.DataFrame, selected: str | None = None) -> list[dict]:
    """One dict per incident (at most ``MAX_ROWS``), keyed by ``incident_id``.

    ``selected`` marks the incident whose detail is open (highlighted by ``ROW_STYLE``).
    Built from whole columns: a dict per row from pandas (``iterrows``, ``to_dict``) spent
    a large part of the panels' time unboxing Arrow values one by one.
    """
    rows = rows.head(MAX_ROWS)
    columns = zip(
        rows["incident_id"].tolist(),
        rows["date"].dt.strftime("%Y-%m-%d").tolist(),
        rows["place"].tolist(),
        rows["city_label"].tolist(),
        rows["kind"].tolist(),
        rows["detained"].tolist(),
        rows["tags"].tolist(),
        pa.array(rows["sources"].array).to_pylist(),  # Arrow-backed: 10× faster than tolist
        strict=True,
    )
    return [
        {
            "incident_id": incident_id,
            "date": date,
            "place": place_label({"place": place, "city_label": city}),
            "kind": kind,
            "detained": None if pd.isna(detained) else int(detained),
            "tags": "; ".join(TAGS.get(t, t) for t in tags),
            "sources": [{"url": s["url"], "label": source_label(s)} for s in sources],
            "selected": incident_id == selected,
        }
        for incident_id, date, place, city, kind, detained, tags, sources in columns
    ]
