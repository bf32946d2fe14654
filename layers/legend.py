"""The map's legend as entries: what the colour bar and the circle size key say, once.

Plotly draws the legend inside the figure (a colour bar, and circles in ``layers.cities``'
size key), in a fixed column beside the map. Where the map is narrow (the embed, a phone)
the legend is shown instead as a list below the map that wraps at any width. Both lists
(``publish.embed.legend_html`` on the server, ``assets/maplegend.js`` in the dashboard) are
drawn from these entries, which the map's figure carries in ``layout.meta`` (``LEGEND``), so
they can never say something other than the figure. Pure: figure parts in, plain data out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypedDict

from layers.cities import SIZE_KEY

#: The key of the legend's entries in the map figure's ``layout.meta``.
LEGEND = "legend"


class Band(TypedDict):
    """One colour band: its swatch colour and its label (plain text)."""

    colour: str
    label: str


class Circle(TypedDict):
    """One circle of the size key: its diameter on the map at full size (px), its value."""

    d: float
    label: str


class Legend(TypedDict):
    """The map's legend: the colour title and bands, then the size key's (if any)."""

    title: str
    bands: list[Band]
    sizes_title: str
    sizes: list[Circle]


def plain(markup: object) -> str:
    """Plotly label markup (``<br>``, ``<sub>``) as one line of plain text.

    No-break spaces are kept: they hold a number's digit groups ("1 289") together.
    """
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", str(markup or ""))).strip()


def band_colour(colorscale: Sequence[Sequence[Any]], at: float) -> str:
    """The colour of a stepped (or continuous) scale at ``at`` in 0..1."""
    colour = colorscale[0][1]
    for position, stop in colorscale:
        if position <= at:
            colour = stop
    return str(colour)


def map_legend(regions: dict, shapes: Sequence[dict], notes: Sequence[dict]) -> Legend:
    """The entries of the legend of a map whose region trace ``regions`` sets.

    ``regions`` is ``layers.regions.region_values``' output (colour scale, ``zmax`` and
    colour bar); ``shapes`` and ``notes`` are the circle size key of
    ``layers.cities.size_legend`` (a circle per value, then the values and the title).
    Each band's colour is the scale's colour at its tick, as the colour bar paints it.
    """
    bar = regions["colorbar"]
    zmax = float(regions.get("zmax") or 1) or 1.0
    bands: list[Band] = [
        {"colour": band_colour(regions["colorscale"], value / zmax), "label": plain(label)}
        for value, label in zip(bar["tickvals"], bar["ticktext"], strict=True)
    ]
    circles = [s for s in shapes if s.get("name") == SIZE_KEY]
    texts = [n for n in notes if n.get("name") == SIZE_KEY]
    sizes: list[Circle] = []
    sizes_title = ""
    if circles:
        *values, title = texts
        sizes_title = plain(title["text"])
        sizes = [
            {"d": round(c["x1"] - c["x0"], 1), "label": plain(v["text"])}
            for c, v in zip(circles, values, strict=True)
        ]
    return {
        "title": plain(bar["title"]["text"]),
        "bands": bands,
        "sizes_title": sizes_title,
        "sizes": sizes,
    }
