"""Colours, map frame and text formats: the one place the dashboard's look is decided."""

from __future__ import annotations

import math

from core.i18n import DEFAULT, N_, format_decimal, format_number

#: Sequential classes, light to dark (ColorBrewer OrRd, without its near-white first step,
#: so the lowest class stays visibly different from "no reports").
PALETTE = ("#fdd49e", "#fc8d59", "#e34a33", "#b30000", "#5e0000")
NO_REPORTS = "#ffffff"
NO_FIGURE = "#b9b9b9"
OCCUPIED_FILL = "#e3ebf5"
OCCUPIED_LINE = "#1d5fa6"
OCCUPIED_HATCH = "#8aa9cf"
NEIGHBOUR_FILL = "#e4e2dd"
NEIGHBOUR_LINE = "#ffffff"
REGION_LINE = "#8a8a8a"
SELECTED_LINE = "#111111"
OCEAN = "#f1f5f9"
INK = "#222222"
MUTED = "#666666"
RALLY_COLOUR = "#1d5fa6"
DETENTION_COLOUR = "#b30000"
#: One colour per place on a line chart: Okabe and Ito's colour-blind-safe palette ("Color
#: Universal Design", 2008), ordered so the first five stand 3:1 against white (WCAG 1.4.11).
#: Its yellow (#F0E442, 1.3:1 on white) is left out: a line in it can hardly be seen.
CATEGORICAL = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9")
#: After every colour is used once, lines repeat the colours with these dashes.
LINE_DASHES = ("solid", "dash", "dot")
#: A white halo that keeps map labels readable over any fill.
HALO = "1px 1px 2px white"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

#: Conic conformal, standard parallels through European and Siberian Russia (see NOTES).
RUSSIA_FRAME = {
    "projection": {"type": "conic conformal", "rotation": {"lon": 100}, "parallels": [52, 64]},
    "lonaxis": {"range": [20, 190]},
    "lataxis": {"range": [41, 82]},
}
#: Smallest map window for a region view (degrees), so city regions are not zoomed absurdly.
MIN_SPAN_DEG = 1.2
REGION_PADDING = 0.15
#: Width / height of the map area on a typical screen (the frame is widened to it).
MAP_ASPECT = 2.2

OCCUPIED_LABEL = N_("occupied, Ukraine")
#: A hover's rallies line when the view shows detentions only (never "0", which is a finding).
RALLIES_FILTERED = N_("not in this selection (filtered out)")
#: Federal cities labelled on the national map (each a few pixels wide there).
CITY_LABELS = {"RU-MOW": N_("Moscow"), "RU-SPE": N_("St Petersburg")}
#: Days marked on the timeline. Only well-documented dates belong here.
KEY_DATES = {"2022-09-21": N_("21 Sep: mobilisation announced")}


def region_frame(bounds: tuple[float, float, float, float], aspect: float = MAP_ASPECT) -> dict:
    """A conic frame centred on one region's (minx, miny, maxx, maxy).

    It is padded, and widened to ``aspect`` (width over height; the map's shape unless
    given) so that neighbouring regions fill the sides.
    """
    minx, miny, maxx, maxy = bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_y = max(maxy - miny, MIN_SPAN_DEG) * (0.5 + REGION_PADDING)
    squeeze = math.cos(math.radians(cy))  # a degree of longitude is shorter up north
    half_x = max((maxx - minx) * (0.5 + REGION_PADDING), half_y * aspect / squeeze)
    return {
        "projection": {
            "type": "conic conformal",
            "rotation": {"lon": round(cx, 2)},
            "parallels": [round(cy - half_y / 2, 2), round(cy + half_y / 2, 2)],
        },
        "lonaxis": {"range": [round(cx - half_x, 2), round(cx + half_x, 2)]},
        "lataxis": {"range": [round(cy - half_y, 2), round(cy + half_y, 2)]},
    }


def fmt_count(value: float, lang: str = DEFAULT) -> str:
    """12,345 (counts are whole numbers), as ``lang`` writes numbers ("12 345")."""
    return format_number(int(value), lang)


def fmt_rate(value: float, lang: str = DEFAULT) -> str:
    """Two significant digits for rates, enough to rank and never falsely precise."""
    if value == 0:
        return "0"
    return format_decimal(value, lang, max(0, 1 - math.floor(math.log10(abs(value)))))
