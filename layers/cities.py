"""Cities of a region as bubbles whose area is proportional to detentions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.i18n import DEFAULT, N_, gettext
from layers import _style

MAX_BUBBLE_PX = 44
MIN_BUBBLE_PX = 7


def size_key(cities: pd.DataFrame, measure: str, lang: str = DEFAULT) -> str:
    """The stated scale of the bubbles, printed under the colour legend."""
    if cities.empty:
        return ""
    top = cities[measure].astype("Float64").max()
    if pd.isna(top):
        return ""
    if measure == "detained":
        key = gettext(lang, "Circles: cities,<br>area ∝ detentions;<br>largest = {n}")
    else:
        key = gettext(lang, "Circles: cities,<br>area ∝ rallies;<br>largest = {n}")
    return f"<br><br><sub>{key.format(n=_style.fmt_count(top, lang))}</sub>"


_HOVER = N_(
    "<b>%{customdata[1]}</b>%{customdata[2]}<br>Detentions: %{customdata[3]}<br>"
    "Rallies: %{customdata[4]}<br><i>click for its incidents</i><extra></extra>"
)


def city_bubbles(
    cities: pd.DataFrame,
    *,
    selected: str | None = None,
    rallies: bool = True,
    measure: str = "detained",
    lang: str = DEFAULT,
) -> dict:
    """Updates for the map's city trace from ``core.aggregates.city_table`` rows.

    Cities without any detention count get the smallest, grey bubble: they had reports
    (a rally, say) but no figure, which is not the same as zero. ``rallies`` is False when
    the view filters rallies out: the hover then says so instead of "0". A bubble's area is
    proportional to ``measure`` ("detained" or "rallies"), the largest ``MAX_BUBBLE_PX`` wide.
    """
    if cities.empty:
        return {"lon": [], "lat": [], "customdata": [], "marker": {"size": []}}
    counts = cities["detained"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    sized = cities[measure].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(sized)
    top = np.nanmax(sized) if known.any() else 1.0
    scale = np.sqrt(np.where(known, sized, 0) / max(top, 1.0))
    size = np.maximum(MIN_BUBBLE_PX, scale * MAX_BUBBLE_PX)
    colours = np.where(known, _style.DETENTION_COLOUR, _style.NO_FIGURE)
    lines = ["#000000" if key == selected else "#ffffff" for key in cities["city_key"]]
    russian = lang == "ru"
    customdata = [
        [
            key,
            ru if russian and isinstance(ru, str) else label,
            f" · {label if russian else ru}" if isinstance(ru, str) and ru != label else "",
            gettext(lang, "no count reported") if np.isnan(n) else _style.fmt_count(n, lang),
            _style.fmt_count(r, lang) if rallies else gettext(lang, _style.RALLIES_FILTERED),
            region,
        ]
        for key, label, ru, n, r, region in zip(
            cities["city_key"],
            cities["city_label"],
            cities["city_ru"],
            counts,
            cities["rallies"],
            cities["region_code"],
            strict=True,
        )
    ]
    return {
        "lon": cities["lon"].round(4).tolist(),
        "lat": cities["lat"].round(4).tolist(),
        "customdata": customdata,
        "hovertemplate": gettext(lang, _HOVER),
        "marker": {
            "size": size.round(1).tolist(),
            "color": colours.tolist(),
            "opacity": 0.8,
            "line": {"color": lines, "width": 1.5},
        },
    }
