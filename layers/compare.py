"""Compare chart: the series of several places on one chart or as small multiples (pure).

Takes the long frame of :func:`core.compare.place_series` (with each step's ``label``).
Known values are lines with markers; a day without any report is a gap in the line; a day
that was reported without a figure is an open marker on the baseline, so neither reads as a
confident zero.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator, Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.compare import CompareData, CompareState, place_series
from core.i18n import DEFAULT, N_, gettext, plotly_separators
from core.series import NO_FIGURE, REPORTED
from core.view import METRICS
from layers import _style

MULTIPLES_COLUMNS = 3
PANEL_HEIGHT = 190
#: A one-row grid is still tall enough for its wrapped value-axis title.
MIN_MULTIPLES_HEIGHT = 420
#: Longest line of an axis title and of the note under the chart (characters): wrapped, so
#: neither is cut by a small panel or a 600 px column (tests/browser/test_compare.py).
TITLE_CHARS = 26
NOTE_CHARS = 80
#: The value axis's title by step; ``{unit}`` is the metric's words (``UNITS``).
PER_STEP = {
    "day": N_("{unit}, per day"),
    "week": N_("{unit}, per week (Mon–Sun)"),
    "month": N_("{unit}, per month"),
}

#: Axis titles by metric; ``{what}`` is the measure in the map's words (``core.view.METRICS``):
#: "detentions", never "people detained" (one person can be detained twice; see data notes).
UNITS = {
    "count": N_("{what} (reported)"),
    "per100k": N_("{what} per 100,000 people"),
    "cumulative": N_("{what}, running total"),
}
HOW_SOURCES_COUNT = N_(
    "Counts are lower bounds from published reports (mostly OVD-Info): a gap means no report "
    "that day, ○ a report without a figure. Neither means zero."
)


def colour(index: int) -> str:
    """The colour of the ``index``-th chosen place (Okabe–Ito; cycles after 7)."""
    return _style.CATEGORICAL[index % len(_style.CATEGORICAL)]


def dash(index: int) -> str:
    """The line dash of the ``index``-th chosen place: solid, then dashed, then dotted."""
    rounds = index // len(_style.CATEGORICAL)
    return _style.LINE_DASHES[rounds % len(_style.LINE_DASHES)]


def _days(dates: pd.Series) -> list[str]:
    """ISO days as plain strings: readable JSON, and no time zone can shift a day."""
    return dates.dt.strftime("%Y-%m-%d").tolist()


def _value_trace(rows: pd.DataFrame, name: str, index: int, *, show_legend: bool) -> go.Scatter:
    shown = rows["value"].where(rows["status"] == REPORTED) if "status" in rows else rows["value"]
    return go.Scatter(
        x=_days(rows["date"]),
        y=[None if pd.isna(v) else float(v) for v in shown],
        name=name,
        legendgroup=name,
        showlegend=show_legend,
        mode="lines+markers",
        connectgaps=False,
        line={"color": colour(index), "width": 2, "dash": dash(index)},
        marker={"size": 7},
        meta={"place_id": rows["place_id"].iloc[0] if len(rows) else None, "role": "value"},
        customdata=rows["label"].tolist(),
        hovertemplate=f"{name}<br>%{{customdata}}: %{{y:,.4~g}}<extra></extra>",
    )


def _unknown_trace(rows: pd.DataFrame, name: str, index: int, lang: str) -> go.Scatter:
    unknown = rows[rows["status"] == NO_FIGURE]
    said = gettext(lang, NO_FIGURE)
    return go.Scatter(
        x=_days(unknown["date"]),
        y=[0] * len(unknown),
        name=f"{name}: {said}",
        legendgroup=name,
        showlegend=False,
        mode="markers",
        cliponaxis=False,
        marker={"symbol": "circle-open", "size": 11, "color": colour(index), "line": {"width": 2}},
        meta={"place_id": rows["place_id"].iloc[0] if len(rows) else None, "role": "no figure"},
        customdata=unknown["label"].tolist(),
        hovertemplate=f"{name}<br>%{{customdata}}: {said}<extra></extra>",
    )


def _cumulative(metric: str) -> bool:
    return metric == "cumulative"


def _traces(
    rows: pd.DataFrame, name: str, index: int, metric: str, lang: str, *, show_legend: bool
) -> list[go.Scatter]:
    if _cumulative(metric):
        # A running total is known on every day (it stays flat where nothing was reported).
        trace = _value_trace(rows.drop(columns="status"), name, index, show_legend=show_legend)
        trace.update(line_shape="hv", mode="lines")
        return [trace]
    return [
        _value_trace(rows, name, index, show_legend=show_legend),
        _unknown_trace(rows, name, index, lang),
    ]


def _places(
    series: pd.DataFrame, names: Mapping[str, str]
) -> Iterator[tuple[int, str, pd.DataFrame]]:
    """Each chosen place's colour index, name and rows of ``series``, in the order of ``names``."""
    for index, (place_id, name) in enumerate(names.items()):
        yield index, name, series[series["place_id"] == place_id]


def _wrapped(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (plotly's ``<br>``)."""
    return "<br>".join(textwrap.wrap(text, width))


def axis_title(measure: str, metric: str, step: str, lang: str = DEFAULT) -> str:
    """The value axis's title in ``lang``, wrapped so that a small panel never cuts it."""
    unit = gettext(lang, UNITS[metric]).format(what=gettext(lang, METRICS[measure]))
    return _wrapped(gettext(lang, PER_STEP[step]).format(unit=unit), TITLE_CHARS)


def _note(text: str, *, yshift: int, size: int = 11) -> dict:
    """A paper annotation under the plot, left-aligned and wrapped to a narrow column."""
    return {
        "text": _wrapped(text, NOTE_CHARS),
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "yshift": yshift,
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
        "font": {"size": size, "color": _style.MUTED},
    }


def _base_layout(fig: go.Figure, *, height: int, left: int, lang: str) -> None:
    fig.update_layout(
        separators=plotly_separators(lang),  # "1 386,5" on a Russian axis and hover
        height=height,
        margin={"l": left, "r": 20, "t": 40, "b": 110},
        font={"family": _style.FONT, "color": _style.INK},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        annotations=[
            *fig.layout.annotations,
            _note(gettext(lang, HOW_SOURCES_COUNT), yshift=-50),
        ],
    )
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee", tickformat="%d %b", ticks="outside")
    fig.update_yaxes(showgrid=True, gridcolor="#eeeeee", rangemode="tozero", zeroline=True)


def overlay_figure(
    series: pd.DataFrame,
    names: Mapping[str, str],
    *,
    measure: str = "detained",
    metric: str = "count",
    step: str = "day",
    lang: str = DEFAULT,
) -> go.Figure:
    """All chosen places on one chart, one colour each, in the order of ``names``."""
    fig = go.Figure()
    for index, name, rows in _places(series, names):
        fig.add_traces(_traces(rows, name, index, metric, lang, show_legend=True))
    _base_layout(fig, height=460, left=60, lang=lang)
    fig.update_yaxes(title_text=axis_title(measure, metric, step, lang), automargin=True)
    return fig


def multiples_figure(
    series: pd.DataFrame,
    names: Mapping[str, str],
    *,
    measure: str = "detained",
    metric: str = "count",
    step: str = "day",
    lang: str = DEFAULT,
) -> go.Figure:
    """One small panel per place, all sharing the same x and y axes so heights compare."""
    count = max(len(names), 1)
    cols = min(MULTIPLES_COLUMNS, count)
    rows_n = math.ceil(count / cols)
    fig = make_subplots(
        rows=rows_n,
        cols=cols,
        shared_xaxes="all",
        shared_yaxes="all",
        subplot_titles=list(names.values()) or None,
        vertical_spacing=min(0.12, 0.4 / rows_n),
        horizontal_spacing=0.04,
    )
    for index, name, rows in _places(series, names):
        for trace in _traces(rows, name, index, metric, lang, show_legend=False):
            fig.add_trace(trace, row=index // cols + 1, col=index % cols + 1)
    fig.update_annotations(font={"size": 13})
    height = max(PANEL_HEIGHT * rows_n + 170, MIN_MULTIPLES_HEIGHT)
    _base_layout(fig, height=height, left=100, lang=lang)
    # One value-axis title for the whole grid, beside it (a panel's own would be cut).
    fig.add_annotation(
        text=axis_title(measure, metric, step, lang),
        textangle=-90,
        xref="paper",
        yref="paper",
        x=0,
        xanchor="right",
        xshift=-52,
        y=0.5,
        yanchor="middle",
        showarrow=False,
    )
    fig.update_xaxes(showticklabels=True)
    return fig


def compare_figure(
    series: pd.DataFrame,
    names: Mapping[str, str],
    *,
    layout: str = "overlay",
    measure: str = "detained",
    metric: str = "count",
    step: str = "day",
    lang: str = DEFAULT,
) -> go.Figure:
    """The compare chart in the chosen ``layout`` (``overlay`` or ``multiples``), in ``lang``."""
    build = multiples_figure if layout == "multiples" else overlay_figure
    return build(series, names, measure=measure, metric=metric, step=step, lang=lang)


def compare_view(data: CompareData, state: CompareState, lang: str = DEFAULT) -> go.Figure:
    """The Compare chart of ``state`` in ``lang`` (for the page and its exports alike)."""
    frame, names = place_series(data, state, lang)
    return compare_figure(
        frame,
        names,
        layout=state.layout,
        measure=state.measure,
        metric=state.metric,
        step=state.step,
        lang=lang,
    )
