"""The layout of a snapshot for a narrow column: everything stacked, the legend below the map.

A wide snapshot keeps its colour bar in a 170 px column beside the map; at 320 px that left
the map a 130 px strip, and one-line title, subtitle and credit ran off the canvas. Under
``NARROW_PX`` the snapshot is laid out top to bottom in pixels: title, subtitle, the map at
the full width, the timeline, the colour bar with the circle size key beside it, the credit.
Texts are wrapped to the width (plotly never wraps). Pure: figure in, figure out.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import plotly.graph_objects as go

from layers import inset
from layers import regions as region_layer
from layers.cities import MAX_BUBBLE_PX, SIZE_KEY
from layers.labels import GLYPH_EM

#: Snapshots narrower than this get the stacked layout.
NARROW_PX = 700
#: Side and top/bottom padding of the canvas (px).
PAD = 12
TITLE_PX, SUBTITLE_PX, CREDIT_PX = 20, 13, 11
#: Line height as a multiple of the font size (plotly's default line spacing, and a margin).
LINE = 1.35
#: The national frame's width:height as plotly draws it (conic, lon 20–190, lat 41–82).
MAP_ASPECT = 1.9
#: A colour band's height in the colour bar per line of its longest label, and its least.
BAND_LINE_PX, BAND_PX = 16, 26
#: The timeline's plot, and the room its two-line date ticks take below it.
TIMELINE_PX, TICKS_PX = 120, 44
GAP = 10
#: Names of a snapshot's subtitle and credit annotations (``exports.publication_figure``).
SUBTITLE, CREDIT, TITLE = "subtitle", "credit", "title"


def wrap(text: str, width: float, font_px: float) -> str:
    """``text`` with ``<br>`` breaks so no line is wider than ``width`` px (estimated glyphs).

    Existing ``<br>`` are kept; a word longer than a line (a URL) is broken.
    """
    chars = max(8, math.floor(width / (GLYPH_EM * font_px)))
    lines = [
        line
        for part in text.split("<br>")
        for line in textwrap.wrap(part, chars, break_on_hyphens=False) or [""]
    ]
    return "<br>".join(lines)


def _height(text: str, font_px: float) -> float:
    return (text.count("<br>") + 1) * font_px * LINE


@dataclass(frozen=True)
class Texts:
    """A snapshot's title, subtitle and credit (plotly markup, ``<br>`` for breaks)."""

    title: str
    subtitle: str
    credit: str


def stacked_height(width: int, texts: Texts, *, timeline: bool, bands: list[str]) -> int:
    """The height (px) a stacked snapshot of ``width`` needs to show everything unsqueezed."""
    inner = width - 2 * PAD
    wrapped = _wrapped(texts, inner)
    fixed = _top(wrapped) + _bottom(wrapped, timeline=timeline, bands=bands)
    return math.ceil(fixed + inner / MAP_ASPECT + GAP)


def _wrapped(texts: Texts, inner: float) -> Texts:
    return Texts(
        wrap(texts.title, inner, TITLE_PX),
        wrap(texts.subtitle, inner, SUBTITLE_PX),
        wrap(texts.credit, inner, CREDIT_PX),
    )


def _top(texts: Texts) -> float:
    return PAD + _height(texts.title, TITLE_PX) + 4 + _height(texts.subtitle, SUBTITLE_PX) + GAP


def _legend_px(bands: list[str]) -> float:
    """The colour bar's height: a three-line title, then bands its longest label fits in."""
    lines = max((label.count("<br>") + 1 for label in bands), default=1)
    return 3 * CREDIT_PX * LINE + len(bands) * max(BAND_PX, lines * BAND_LINE_PX + 4)


def _bottom(texts: Texts, *, timeline: bool, bands: list[str]) -> float:
    below = GAP + _legend_px(bands) + GAP + _height(texts.credit, CREDIT_PX) + PAD
    return below + (TIMELINE_PX + TICKS_PX + GAP if timeline else 0)


def map_band(size: tuple[int, int], texts: Texts, *, timeline: bool, bands: list[str]) -> float:
    """The map's height (px) in a stacked snapshot of ``size``: what the rest leaves over."""
    width, height = size
    wrapped = _wrapped(texts, width - 2 * PAD)
    left = height - _top(wrapped) - _bottom(wrapped, timeline=timeline, bands=bands)
    return max(60.0, left)


def stacked(figure: go.Figure, texts: Texts, size: tuple[int, int], *, timeline: bool) -> go.Figure:
    """Lay ``figure`` (``exports.stack``'s map and timeline) out top to bottom in ``size``."""
    width, height = size
    inner = width - 2 * PAD
    wrapped = _wrapped(texts, inner)
    regions = figure.data[region_layer.REGIONS]
    bands = list(regions.colorbar.ticktext or ())

    def y(px: float) -> float:  # pixels from the top -> paper y (the margins are zero)
        return 1 - px / height

    top = _top(wrapped)
    map_px = map_band(size, texts, timeline=timeline, bands=bands)
    map_bottom = top + map_px
    figure.update_layout(
        margin={"l": PAD, "r": PAD, "t": 0, "b": 0},
        title={"text": ""},  # an annotation instead: plotly's title grows upwards
        geo={"domain": {"x": [0, 1], "y": [y(map_bottom), y(top)]}},
        geo2={
            "domain": {
                "x": inset.DOMAIN["x"],
                "y": [y(map_bottom - d * map_px) for d in inset.DOMAIN["y"]],
            }
        },
    )
    cursor = map_bottom + GAP
    if timeline:
        band = [y(cursor + TIMELINE_PX), y(cursor)]
        figure.update_layout(
            xaxis={"domain": [0.1, 0.9]}, yaxis={"domain": band}, yaxis2={"domain": band}
        )
        cursor += TIMELINE_PX + TICKS_PX + GAP
    legend_top = cursor
    regions.update(
        colorbar={
            "orientation": "v",
            "x": 0,
            "xanchor": "left",
            "xpad": 0,
            "y": y(legend_top),
            "yanchor": "top",
            "lenmode": "pixels",
            "len": _legend_px(bands),  # the title is part of the length
            "ypad": 0,
        }
    )
    key_bottom = y(legend_top + 3 * CREDIT_PX * LINE + MAX_BUBBLE_PX + 16)
    # The size key draws from the bottom right corner of its anchor: beside the colour bar.
    key_x = 0.55
    figure.update_shapes(xanchor=key_x, yanchor=key_bottom, selector={"name": SIZE_KEY})
    figure.update_annotations(x=key_x, y=key_bottom, selector={"name": SIZE_KEY})
    figure.add_annotation(
        name=TITLE,
        text=wrapped.title,
        x=0,
        y=y(PAD),
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": TITLE_PX, "color": figure.layout.title.font.color},
    )
    for note in figure.layout.annotations:
        if note.name == SUBTITLE:
            note.update(text=wrapped.subtitle, x=0, y=y(top - GAP), yanchor="bottom")
        elif note.name == CREDIT:
            note.update(text=wrapped.credit, x=0, y=y(height - PAD), yanchor="bottom")
    return figure
