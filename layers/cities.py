"""Cities of a region as bubbles whose area is proportional to detentions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.i18n import DEFAULT, N_, gettext
from layers import _style
from layers.labels import FONT_PX, View, place_labels

MAX_BUBBLE_PX = 44
MIN_BUBBLE_PX = 7
#: At most this many places are named on the map (the largest symbols first).
TOP_LABELS = 8


#: The size legend's circles: the largest value, then powers of ten, at most this many.
LEGEND_STEPS = 3
#: A smaller legend circle is at most this fraction of the one before it (wide).
STEP_RATIO = 0.7
#: Size legend layout, in pixels from the bottom right corner of the map's plot area.
_KEY_X, _KEY_BOTTOM, _KEY_FONT = 14, 6, 11
SIZE_KEY = "size key"


#: Places drawn as symbols, at most: the largest by the measure, and the chosen one. A million
#: synthetic incidents have thousands of places: their hover data made the map's patch
#: ~700 KB per view change, for symbols mostly drawn at the minimum size anyway.
MAX_SYMBOLS = 250


def drawn_cities(cities: pd.DataFrame, measure: str, selected: str | None = None) -> pd.DataFrame:
    """The rows of ``cities`` that get a symbol, in their order.

    The ``MAX_SYMBOLS`` largest by ``measure`` (places without a figure last), and
    ``selected`` whatever its size.
    """
    if len(cities) <= MAX_SYMBOLS:
        return cities
    values = cities[measure].astype("Float64").to_numpy(dtype=float, na_value=-1.0)
    keep = np.zeros(len(cities), dtype=bool)
    keep[np.argsort(-values, kind="stable")[:MAX_SYMBOLS]] = True
    keep |= (cities["city_key"] == selected).to_numpy()
    return cities[keep]


def diameters(values: np.ndarray, top: float) -> np.ndarray:
    """Symbol diameters (px) whose areas are proportional to ``values`` (``top`` the largest).

    Below ``MIN_BUBBLE_PX`` a symbol would vanish, so it is drawn that wide.
    """
    return np.maximum(MIN_BUBBLE_PX, np.sqrt(values / max(top, 1.0)) * MAX_BUBBLE_PX)


def size_steps(top: float) -> list[tuple[int, float]]:
    """(value, diameter px) of the legend's circles: the largest value, then powers of ten.

    A power of ten is kept only when drawn at its true size (a circle clamped to the
    smallest symbol would state a wrong scale) and clearly smaller than the circle before it
    (so the two labels never touch), the largest first.
    """
    if not top or top < 1:
        return []
    steps = [(int(top), float(MAX_BUBBLE_PX))]
    for k in range(int(np.floor(np.log10(top))), -1, -1):
        d = float(diameters(np.array([10.0**k]), top)[0])
        if len(steps) < LEGEND_STEPS and MIN_BUBBLE_PX < d <= steps[-1][1] * STEP_RATIO:
            steps.append((10**k, round(d, 1)))
    return steps


#: The size legend's title: what a symbol's area stands for, by measure.
_KEY_TITLES = {
    "detained": N_("Circles: cities,<br>area ∝ detentions"),
    "rallies": N_("Circles: cities,<br>area ∝ rallies"),
}


def size_legend(
    cities: pd.DataFrame, measure: str, lang: str = DEFAULT
) -> tuple[list[dict], list[dict]]:
    """Layout shapes and annotations of the circle size legend (nested circles, stated scale).

    Drawn in pixels from the bottom right corner of the plot area (paper x 1, y 0), in the
    margin kept for the legends; both carry the name ``SIZE_KEY`` so a layout can move them.
    Nothing when there are no symbols. Neighbouring powers of ten differ √10 times in
    diameter, so the value labels (at each circle's top) never touch. Title and values are
    in ``lang`` (its words and number format).
    """
    top = cities[measure].astype("Float64").max() if len(cities) else None
    steps = size_steps(0 if top is None or pd.isna(top) else float(top))
    if not steps:
        return [], []
    centre = _KEY_X + MAX_BUBBLE_PX / 2
    shapes = [
        {
            "type": "circle",
            "name": SIZE_KEY,
            "xref": "paper",
            "yref": "paper",
            "xsizemode": "pixel",
            "ysizemode": "pixel",
            "xanchor": 1,
            "yanchor": 0,
            "x0": centre - d / 2,
            "x1": centre + d / 2,
            "y0": _KEY_BOTTOM,
            "y1": _KEY_BOTTOM + d,
            "line": {"color": _style.INK, "width": 1},
            "fillcolor": "rgba(0,0,0,0)",
        }
        for _, d in steps
    ]
    label = {
        "name": SIZE_KEY,
        "xref": "paper",
        "yref": "paper",
        "x": 1,
        "y": 0,
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "middle",
        "font": {"size": _KEY_FONT, "color": _style.INK},
    }
    notes = [
        label
        | {
            "text": _style.fmt_count(v, lang),
            "xshift": _KEY_X + MAX_BUBBLE_PX + 6,
            "yshift": _KEY_BOTTOM + d,
        }
        for v, d in steps
    ]
    title = gettext(lang, _KEY_TITLES.get(measure, _KEY_TITLES["rallies"]))
    notes.append(
        label
        | {
            "text": title,
            "xshift": _KEY_X - 4,
            "yshift": _KEY_BOTTOM + MAX_BUBBLE_PX + 10,
            "yanchor": "bottom",
            "align": "left",
            "font": {"size": _KEY_FONT, "color": _style.MUTED},
        }
    )
    return shapes, notes


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
    size = diameters(np.where(known, sized, 0), top)
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


def city_labels(
    bubbles: dict,
    *,
    frame: dict,
    views: Sequence[View],
    fixed: Sequence[tuple[float, float, str, str]] = (),
    avoid: Sequence[tuple[float, float, float, float]] = (),
) -> dict:
    """Names beside the largest symbols of ``city_bubbles``' output, never overlapping.

    The ``TOP_LABELS`` largest symbols with a known figure are named where a position is
    clear at every one of ``views`` (``layers.labels.place_labels``); the others keep no
    text. ``fixed`` are labels already on the map that the names must stay clear of, and
    ``avoid`` areas covered by something else (see ``place_labels``).
    """
    names = [row[1] for row in bubbles["customdata"]]
    sizes = np.asarray(bubbles["marker"]["size"], dtype=float)
    known = np.asarray(bubbles["marker"].get("color", []), dtype=object) != _style.NO_FIGURE
    order = np.lexsort((np.arange(len(sizes)), -sizes, ~known))
    ranked = [names[i] if rank < TOP_LABELS and known[i] else "" for rank, i in enumerate(order)]
    placed = place_labels(
        [bubbles["lon"][i] for i in order],
        [bubbles["lat"][i] for i in order],
        sizes[order].tolist(),
        ranked,
        frame=frame,
        views=views,
        fixed=fixed,
        avoid=avoid,
    )
    text, position = [""] * len(names), ["middle right"] * len(names)
    for i, name, where in zip(order, ranked, placed, strict=True):
        if where:
            text[i], position[i] = name, where
    return {
        "mode": "markers+text",
        "text": text,
        "textposition": position,
        "textfont": {"size": FONT_PX, "color": _style.INK, "shadow": _style.HALO},
    }
