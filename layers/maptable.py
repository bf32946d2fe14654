"""The map as a table: each region's value in words, for readers who cannot use the map.

Pure: the view's region table (``core.aggregates.region_frame``) in, a Dash table out. The
order is the reader's choice (``SORTS``); occupied Ukrainian territory is said in words, not
only by hatching.
"""

from __future__ import annotations

import functools

import pandas as pd
from dash import html

from core.i18n import DEFAULT, N_, gettext
from core.view import METRICS
from layers import _style

#: Orders a reader can choose (value -> label).
SORTS = {"value": N_("highest value first"), "name": N_("region name (A–Z)")}
#: What a region without a value shows, by its ``state``.
STATE_TEXT = {
    "no_reports": N_("no reports"),
    "no_figure": N_("reported, no count"),
    "no_population": N_("no population figure"),
}
OCCUPIED_TEXT = N_("Occupied Ukrainian territory")
RUSSIA_TEXT = N_("Russia")
CAPTION = N_(
    "Regions of the map with the value it shades them by. Occupied Ukrainian territory is "
    "listed as such and is not part of Russia's totals unless you count it in."
)


def sorted_regions(table: pd.DataFrame, by: str, lang: str = DEFAULT) -> pd.DataFrame:
    """``table`` in the chosen order: highest value first (ties and no values by name), or names.

    Names sort in the reader's language.
    """
    name = "name_ru" if lang == "ru" else "name_en"
    if by == "name":
        return table.sort_values(name, kind="stable")
    return table.sort_values(["value", name], ascending=[False, True], na_position="last")


def _value_text(row: pd.Series, metric: str, lang: str) -> str:
    if row["state"] != "value":
        state = STATE_TEXT.get(row["state"])
        return gettext(lang, state) if state else row["state"]
    if metric == "per100k":
        return _style.fmt_rate(row["value"], lang)
    return _style.fmt_count(row["value"], lang)


def region_value_table(
    table: pd.DataFrame, metric: str, by: str, lang: str = DEFAULT
) -> html.Table:
    """One row per region: name (both languages, the reader's first), value, whose territory."""
    _ = functools.partial(gettext, lang)
    first, second = ("name_ru", "name_en") if lang == "ru" else ("name_en", "name_ru")
    rows = [
        html.Tr(
            [
                html.Th(f"{r[first]} · {r[second]}", scope="row"),
                html.Td(_value_text(r, metric, lang), className="num"),
                html.Td(_(OCCUPIED_TEXT) if r["status"] == "occupied_ukraine" else _(RUSSIA_TEXT)),
            ],
            className="occupied" if r["status"] == "occupied_ukraine" else None,
        )
        for _at, r in sorted_regions(table, by, lang).iterrows()
    ]
    what = _(METRICS[metric])
    head = html.Tr(
        [
            html.Th(_("Region"), scope="col"),
            html.Th(what[:1].upper() + what[1:], scope="col"),
            html.Th(_("Territory"), scope="col"),
        ]
    )
    return html.Table(
        [html.Caption(_(CAPTION)), html.Thead(head), html.Tbody(rows)], className="region-table"
    )
