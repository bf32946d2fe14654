"""The incident table (dash-ag-grid): column definitions and rows built from incidents."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa

from core.i18n import DEFAULT, N_, format_count, gettext
from geodata.schema import TAGS

#: Incident kinds as the table and the cards name them.
KIND_LABELS = {"detention": N_("Detention"), "rally": N_("Rally")}

#: Rows sent to the browser at most; the heading says when a selection has more (and points
#: to the CSV). Every view change sends them: 500 rows were 12 KB of its 33 KB (gzip) at 1M.
MAX_ROWS = 200

#: The columns of the incidents table that ``grid_rows`` reads.
COLUMNS = (
    "incident_id",
    "date",
    "place",
    "city_key",
    "city_label",
    "kind",
    "detained",
    "tags",
    "sources",
)

_WRAPPED = {"lineHeight": "1.35", "paddingTop": "6px", "paddingBottom": "6px"}


#: AG Grid's own words the table can show (its ``localeText`` keys), in English.
GRID_TEXTS = {
    "noRowsToShow": N_("No Rows To Show"),
    "loadingOoo": N_("Loading..."),
    "page": N_("Page"),
    "of": N_("of"),
    "to": N_("to"),
    "firstPage": N_("First Page"),
    "previousPage": N_("Previous Page"),
    "nextPage": N_("Next Page"),
    "lastPage": N_("Last Page"),
    "pageSizeSelectorLabel": N_("Page Size"),
}


def grid_texts(lang: str = DEFAULT) -> dict[str, str]:
    """AG Grid's ``localeText`` in ``lang`` (its own English where ``lang`` is English)."""
    if lang == DEFAULT:
        return {}
    return {key: gettext(lang, text) for key, text in GRID_TEXTS.items()}


def column_defs(lang: str = DEFAULT) -> list[dict]:
    """The table's columns, headed in ``lang``; the detained figure formatted as it writes."""
    _ = functools.partial(gettext, lang)
    unknown = json.dumps(_("unknown"))
    return [
        {"field": "date", "headerName": _("Date"), "width": 110, "sort": "desc"},
        {"field": "place", "headerName": _("Place"), "flex": 1, "minWidth": 150},
        {"field": "kind_label", "headerName": _("Kind"), "width": 100},
        {
            "field": "detained",
            "headerName": _("Detained"),
            "width": 110,
            "type": "numericColumn",
            # A rally's detentions are counted on its detention incident: "–", not "unknown".
            "valueFormatter": {
                "function": f"params.value != null ? params.value.toLocaleString('{lang}') : "
                f"(params.data.kind === 'rally' ? '–' : {unknown})"
            },
        },
        {
            "field": "tags",
            "headerName": _("Tags"),
            "flex": 1,
            "minWidth": 160,
            "wrapText": True,
            "autoHeight": True,
            "cellStyle": _WRAPPED,
        },
        {
            "field": "sources",
            "headerName": _("Sources (figure, as of)"),
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


def source_label(source: dict, lang: str = DEFAULT) -> str:
    """'OVD-Info: 542 detained, as of 2022-09-22 09:51 MSK' (what each report said, when)."""
    figure = source.get("detained")
    text = source.get("reporter") or gettext(lang, "reporter not named")
    text += ": " + (
        gettext(lang, "no count")
        if figure is None or pd.isna(figure)
        else format_count(int(figure), lang, "{n} detained", "{n} detained")
    )
    if source.get("as_of"):
        text += ", " + gettext(lang, "as of {time}").format(time=source["as_of"])
    return text


def place_label(row: Mapping[str, Any], city: str | None = None) -> str:
    """City (``city``: its name in the page's language) plus street or square when known."""
    place, city = row["place"], city or row["city_label"]
    return f"{city}, {place}" if isinstance(place, str) and place else city


def grid_rows(
    rows: pd.DataFrame,
    selected: str | None = None,
    lang: str = DEFAULT,
    names: Mapping[str, str] | None = None,
) -> list[dict]:
    """One dict per incident (at most ``MAX_ROWS``), keyed by ``incident_id``.

    ``selected`` marks the incident whose detail is open (highlighted by ``ROW_STYLE``);
    ``names`` are the display names of places in ``lang``.
    Built from whole columns: a dict per row from pandas (``iterrows``, ``to_dict``) spent
    a large part of the panels' time unboxing Arrow values one by one.
    """
    if len(rows) > MAX_ROWS:  # ``head`` would copy every column even when nothing is cut
        rows = rows.iloc[:MAX_ROWS]
    names = names or {}
    _ = functools.partial(gettext, lang)
    columns = zip(
        rows["incident_id"].tolist(),
        rows["date"].dt.strftime("%Y-%m-%d").tolist(),
        rows["place"].tolist(),
        rows["city_key"].tolist(),
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
            "place": place_label({"place": place, "city_label": city}, names.get(key)),
            "kind": kind,
            "kind_label": _(KIND_LABELS.get(kind, kind)),
            "detained": None if pd.isna(detained) else int(detained),
            "tags": "; ".join(_(TAGS[t]) if t in TAGS else t for t in tags),
            "sources": [{"url": s["url"], "label": source_label(s, lang)} for s in sources],
            "selected": incident_id == selected,
        }
        for incident_id, date, place, key, city, kind, detained, tags, sources in columns
    ]
