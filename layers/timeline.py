"""The timeline: detentions per day as bars, rallies per day as dots, key dates marked.

Dragging across it (plotly's zoom) picks a period, a double-click (autorange) resets it, and
the app reads both from ``relayoutData``. The server's answer frames every day of the data
again, with the days outside the period dimmed under a white veil, so a reader still sees
what the period leaves out.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from core.i18n import DEFAULT, gettext, plotly_separators
from layers import _style

HALF_DAY = pd.Timedelta(hours=12)
ONE_DAY = dt.timedelta(days=1)
DAY_MS = 86_400_000
BAR_WIDTH_MS = 0.8 * DAY_MS
#: Up to this many days in view, one tick per day; plotly would otherwise tick every few hours
#: and repeat each day's label.
DAILY_TICKS_UP_TO = 14
#: How much of the days outside the selected period shows through its veil.
VEIL_OPACITY = 0.72
#: Above the plot, two rows: the legend at the top of the figure, the key-date notes
#: (``period_frame``) under it, on the plot's edge. In one row the legend (top right) ran
#: over a note at a phone's width, where the note reaches across most of the plot.
LEGEND_ROW_PX, NOTE_ROW_PX = 22, 24
TOP_PX, PLOT_PX, BOTTOM_PX = LEGEND_ROW_PX + NOTE_ROW_PX, 146, 36
#: The figure's height (``publish/static/embed.css`` gives the embed's timeline as much).
HEIGHT_PX = TOP_PX + PLOT_PX + BOTTOM_PX
#: The legend in its row: left-aligned in the figure's full width (not the plot's), so its
#: two items stay on one line in a 320 px column, clear of plotly's mode bar (top right).
LEGEND_LAYOUT = {
    "orientation": "h",
    "xref": "container",
    "yref": "container",
    "x": 0,
    "xanchor": "left",
    "y": 1,
    "yanchor": "top",
}


def daily_bars(
    daily: pd.DataFrame,
    *,
    period: tuple[dt.date | None, dt.date | None],
    extent: tuple[dt.date, dt.date] | None,
    key_dates: dict[str, str] | None = None,
    lang: str = DEFAULT,
) -> go.Figure:
    """Daily figures for the selection (all dates), framed on the selected ``period``.

    ``extent`` is the first and last day in the whole store, the frame when no period is
    chosen. An empty ``daily`` gives an explicit "nothing matches" chart, not a blank one.
    """
    key_dates = _style.KEY_DATES if key_dates is None else key_dates
    _ = functools.partial(gettext, lang)
    figure = go.Figure()
    figure.update_layout(
        margin={"l": 48, "r": 48, "t": TOP_PX, "b": BOTTOM_PX},
        height=HEIGHT_PX,
        paper_bgcolor="white",
        plot_bgcolor="white",
        dragmode="zoom",
        hovermode="x unified",
        font={"family": _style.FONT, "color": _style.INK, "size": 12},
        legend=LEGEND_LAYOUT,
        bargap=0.15,
        separators=plotly_separators(lang),  # "1 386" on a Russian axis and hover
        yaxis={
            "title": {"text": _("detentions")},
            "fixedrange": True,
            "rangemode": "tozero",
            "gridcolor": "#eeeeee",
        },
        yaxis2={
            "title": {"text": _("rallies")},
            "fixedrange": True,
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "tickformat": "d",
            "rangemode": "tozero",
        },
    )
    if daily.empty:
        figure.update_layout(
            xaxis={"visible": False}, yaxis={"visible": False}, yaxis2={"visible": False}
        )
        figure.add_annotation(
            _note(_("No incidents match this selection: widen the dates or clear a filter."))
        )
        return figure
    dates = pd.to_datetime(daily["date"])
    figure.add_bar(
        x=dates,
        y=daily["detained"].fillna(0).astype("int64"),
        name=_("detentions"),
        width=BAR_WIDTH_MS,
        marker={"color": _style.DETENTION_COLOUR},
        customdata=daily["unknown"],
        hovertemplate=_(
            "%{y:,} detained (+%{customdata} report(s) without a count)<extra></extra>"
        ),
    )
    rallies = daily["rallies"] > 0
    if not rallies.any():  # detentions alone (or no rally in view): no empty rallies axis
        figure.update_layout(yaxis2={"visible": False}, margin={"r": 16})
    else:
        _rally_dots(figure, dates[rallies], daily.loc[rallies, "rallies"], lang)
    first, last = extent or (dates.min().date(), dates.max().date())
    figure.update_layout(
        period_frame(dates, period=period, extent=(first, last), key_dates=key_dates, lang=lang)
    )
    return figure


def _rally_dots(figure: go.Figure, dates: pd.Series, rallies: pd.Series, lang: str) -> None:
    """Rallies per day as dots on the right-hand axis."""
    figure.add_scatter(
        x=dates,
        y=rallies,
        name=gettext(lang, "rallies"),
        yaxis="y2",
        mode="markers",
        marker={"color": _style.RALLY_COLOUR, "size": 9, "symbol": "diamond"},
        hovertemplate=gettext(lang, "%{y} rallies<extra></extra>"),
    )
    figure.update_layout(yaxis2={"dtick": max(1, math.ceil(rallies.max() / 4))})


def period_frame(
    dates: pd.Series,
    *,
    period: tuple[dt.date | None, dt.date | None],
    extent: tuple[dt.date, dt.date],
    key_dates: dict[str, str] | None = None,
    lang: str = DEFAULT,
) -> dict[str, Any]:
    """The x axis, shapes and notes of a timeline whose bars are on ``dates``.

    The axis spans the whole ``extent``; the days outside ``period`` are dimmed by a veil
    (layout shapes), not cut off. Plain layout properties, so a period change can send just
    these (a ``Patch``) without building the bars again: at a million incidents the bars
    are thousands of days.
    """
    key_dates = _style.KEY_DATES if key_dates is None else key_dates
    first, last = extent
    start, end = period[0] or first, period[1] or last
    xaxis: dict[str, Any] = {
        "type": "date",
        "showgrid": False,
        "tickformat": "%d %b\n%Y",
        "range": [_edge(first, -HALF_DAY), _edge(last, HALF_DAY)],
    }
    if (last - first).days < DAILY_TICKS_UP_TO:
        xaxis |= {"dtick": DAY_MS, "tick0": pd.Timestamp(first).isoformat()}
    notes = []
    if not dates.between(pd.Timestamp(start), pd.Timestamp(end)).any():
        notes.append(
            _note(gettext(lang, "No incidents in this period: double-click to show all dates."))
        )
    marked = {
        day: label
        for day, label in key_dates.items()
        if first <= dt.date.fromisoformat(day) <= last
    }
    notes += [
        {
            "x": pd.Timestamp(day).isoformat(),
            "y": 1,
            "yref": "paper",
            "text": gettext(lang, label),
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "bottom",
            "font": {"size": 11, "color": _style.MUTED},
        }
        for day, label in marked.items()
    ]
    shapes = [_key_line(day) for day in marked] + _veil(first, last, start, end)
    return {"xaxis": xaxis, "shapes": shapes, "annotations": notes}


def _edge(day: dt.date, shift: pd.Timedelta) -> str:
    """The boundary between ``day`` and its neighbour on the ``shift`` side."""
    return (pd.Timestamp(day) + shift).isoformat()


def _key_line(day: str) -> dict[str, Any]:
    """A dashed vertical line through a key date."""
    at = pd.Timestamp(day).isoformat()
    return {
        "type": "line",
        "xref": "x",
        "yref": "y domain",
        "x0": at,
        "x1": at,
        "y0": 0,
        "y1": 1,
        "line": {"color": _style.MUTED, "width": 1, "dash": "dash"},
    }


def _veil(first: dt.date, last: dt.date, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """White rectangles over the days of ``first``..``last`` outside ``start``..``end``."""
    spans = []
    if start > first:
        spans.append((_edge(first, -HALF_DAY), _edge(min(start, last + ONE_DAY), -HALF_DAY)))
    if end < last:
        spans.append((_edge(max(end, first - ONE_DAY), HALF_DAY), _edge(last, HALF_DAY)))
    return [
        {
            "type": "rect",
            "name": "outside the period",
            "xref": "x",
            "yref": "y domain",
            "x0": x0,
            "x1": x1,
            "y0": 0,
            "y1": 1,
            "fillcolor": "white",
            "opacity": VEIL_OPACITY,
            "line": {"width": 0},
            "layer": "above",
        }
        for x0, x1 in spans
    ]


def _note(text: str) -> dict[str, Any]:
    """An explicit empty state in the middle of the chart."""
    return {
        "text": text,
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "font": {"size": 14, "color": _style.MUTED},
    }
