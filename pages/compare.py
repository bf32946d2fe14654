"""The Compare view at ``/compare``: chosen cities and regions over time, and a table.

Its whole state is the query string (see ``docs/compare.md``; ``core.compare`` parses it), so
a pasted link reproduces the view. Like the map, it counts the latest data version, or the
one a ``v=`` pins: each callback looks its dataset up in the ``DataSource``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

import dash
import flask
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, ctx, dcc, html, no_update

from core import series
from core.compare import (
    PATH,
    CompareData,
    CompareState,
    CompareViews,
    caption,
    csv_header,
    csv_text,
    series_table,
    span_text,
    summary,
)
from core.i18n import (
    DEFAULT,
    N_,
    first_weekday,
    format_decimal,
    gettext,
    plotly_locale,
    query_language,
)
from core.versions import DataSource
from core.view import METRICS
from layers import _style
from layers.compare import UNITS, compare_view
from layers.language import dropdown_labels, language_switch, request_language
from layers.modebar import CHART_BUTTONS, graph_config
from pages.publishing import dataset_for, split_version, with_params
from pages.views import per_view

URL = "cmp-url"
PLACES = "cmp-places"
MEASURE = "cmp-measure"
METRIC = "cmp-metric"
STEP = "cmp-step"
LAYOUT = "cmp-layout"
PERIOD = "cmp-period"
PERIOD_A = "cmp-period-a"
PERIOD_B = "cmp-period-b"
NOTICE = "cmp-notice"
STATE = "cmp-state"
TABLE_LABEL = N_("Comparison table")
GRAPH = "cmp-graph"
TABLE = "cmp-table"
CAPTION = "cmp-caption"
DOWNLOAD = "cmp-download"
DOWNLOAD_BUTTON = "cmp-download-button"
DOWNLOAD_SERIES = "cmp-download-series"
STEPS_TABLE = "cmp-steps"
NOTES = "cmp-notes"
STEPS_LABEL = N_("Series table, one row per step")
EXPORT_PNG = "cmp-export-png"
EXPORT_SVG = "cmp-export-svg"

ROW_STYLE = {"display": "flex", "flexWrap": "wrap", "columnGap": "28px", "alignItems": "end"}
#: Height of a chart without a figure (dcc.Graph's own), held while a page with none loads.
EMPTY_CHART_PX = 450


def place_label(row: Mapping[str, Any], region: str, lang: str = DEFAULT) -> str:
    """Russian and English names with what the place is (in ``lang``), so either finds it.

    ``region`` is a city's region's name in ``lang``.
    """
    _ = functools.partial(gettext, lang)
    what = _("city, {region}").format(region=region) if row["kind"] == "city" else _("region")
    if row["occupied"]:
        what = _("{what}, occupied Ukraine").format(what=what)
    ru = f"{row['name_ru']} · " if _named(row["name_ru"]) else ""
    return f"{ru}{row['name_en']} ({what})"


def _named(name: Any) -> bool:
    """Whether a name is there: not null (a city without a Russian name) and not empty."""
    return isinstance(name, str) and bool(name)


def place_names(place_id: str, row: Mapping[str, Any], other: Mapping[str, Sequence[str]]) -> str:
    """Every name the map shows for a place, as the picker's search text.

    The region's English and Russian names, the national map's label ("St Petersburg") and,
    for a federal city, its GeoNames city names ("Saint Petersburg", "Санкт-Петербург").
    """
    names = [row["name_en"], row["name_ru"], _style.CITY_LABELS.get(place_id)]
    every = [*names, *other.get(place_id, ())]
    return " ".join(dict.fromkeys(n for n in every if _named(n)))


def place_options(data: CompareData, lang: str = DEFAULT) -> list[dict[str, str]]:
    """Dropdown options: cities by population, then regions by name; found by every name."""
    catalog = data.catalog
    ordered = pd.concat(
        [
            catalog[catalog["kind"] == "city"].sort_values("population", ascending=False),
            catalog[catalog["kind"] == "region"].sort_values("name_en"),
        ]
    )
    regions = {code: data.name(code, lang) for code in catalog.index[catalog["kind"] == "region"]}
    # Rows as dicts: ``iterrows`` built a Series per place, 1.4 s of start-up for 9,400 cities.
    rows = zip(ordered.index, ordered.to_dict("records"), strict=True)
    options = []
    for pid, row in rows:
        label = place_label(row, regions.get(row["region_code"], str(row["region_en"])), lang)
        search = f"{label} {place_names(pid, row, data.other_names)}"
        options.append({"label": label, "value": pid, "search": search})
    return options


def _field(label: str, control: Any) -> html.Div:
    """A labelled control, in a slot that holds its height until its code has loaded.

    Dropdowns and date pickers are drawn once the page has fetched their code; the empty
    slot (``.cmp-control`` in ``assets/style.css``) keeps the rows below in place till then.
    """
    return html.Div(
        [
            html.Label(
                label, id=f"{control.id}-label", className="cmp-label", style={"fontWeight": 600}
            ),
            html.Div(control, className="cmp-control"),
        ],
        className="cmp-field",
        style={"marginBottom": "8px"},
    )


def _range(
    component_id: str, bounds: tuple[date, date], lang: str, shown: Mapping[tuple, Any]
) -> dcc.DatePickerRange:
    """A period picker; its month and day names follow the page (``assets/locales.js``)."""
    return dcc.DatePickerRange(
        id=component_id,
        start_date=shown.get((component_id, "start_date")),
        end_date=shown.get((component_id, "end_date")),
        min_date_allowed=bounds[0].isoformat(),
        max_date_allowed=bounds[1].isoformat(),
        initial_visible_month=bounds[0].isoformat(),
        display_format="D MMM YYYY",
        first_day_of_week=first_weekday(lang),
        start_date_placeholder_text=gettext(lang, "first day"),
        end_date_placeholder_text=gettext(lang, "last day"),
        minimum_nights=0,
    )


def _radio(
    component_id: str, options: dict[str, str], shown: Mapping[tuple, Any]
) -> dcc.RadioItems:
    return dcc.RadioItems(
        id=component_id,
        value=shown.get((component_id, "value")),
        options=[{"label": v, "value": k} for k, v in options.items()],
        inline=True,
        className="cmp-radio",
        inputStyle={"marginRight": "4px", "marginLeft": "10px"},
    )


def layout(
    data: CompareData,
    base: str = "/",
    lang: str = DEFAULT,
    query: str = "",
    first: Mapping[str, Any] | None = None,
) -> html.Div:
    """The Compare page: controls, notice, chart, table, exports and CSV download.

    ``base`` is the app's path prefix (for the link back to the map); every word is in
    ``lang``; ``query`` is the page's query, kept by the language switch. ``first`` is what
    the page's callbacks answer first for that query (``first_view``): with the controls,
    chart and tables already in the page, nothing moves when they answer.
    """
    first = first or {}
    shown: Mapping[tuple, Any] = first.get("controls", {})
    figure: go.Figure | None = first.get("figure")
    _ = functools.partial(gettext, lang)
    table_label: dict = {"aria-label": _(TABLE_LABEL)}
    steps_label: dict = {"aria-label": _(STEPS_LABEL)}
    controls = html.Div(
        [
            _field(
                _("Places (cities and regions, Russian or English name)"),
                dcc.Dropdown(
                    labels=dropdown_labels(lang),
                    id=PLACES,
                    value=shown.get((PLACES, "value")),
                    options=place_options(data, lang),
                    multi=True,
                    placeholder=_("Type a city or region, e.g. Москва or Makhachkala"),
                ),
            ),
            html.Div(
                [
                    _field(
                        _("Count"),
                        _radio(MEASURE, {m: _(METRICS[m]) for m in series.MEASURES}, shown),
                    ),
                    _field(
                        _("Metric"),
                        _radio(
                            METRIC,
                            {
                                "count": _("counts"),
                                "per100k": _("per 100k"),
                                "cumulative": _("cumulative"),
                            },
                            shown,
                        ),
                    ),
                    _field(
                        _("Step"),
                        _radio(
                            STEP,
                            {"day": _("daily"), "week": _("weekly"), "month": _("monthly")},
                            shown,
                        ),
                    ),
                    _field(
                        _("Layout"),
                        _radio(
                            LAYOUT,
                            {"overlay": _("one chart"), "multiples": _("small multiples")},
                            shown,
                        ),
                    ),
                ],
                className="cmp-row",
                style=ROW_STYLE,
            ),
            html.Div(
                [
                    _field(_("Period"), _range(PERIOD, data.bounds, lang, shown)),
                    _field(_("Compare period A"), _range(PERIOD_A, data.bounds, lang, shown)),
                    _field(_("with period B"), _range(PERIOD_B, data.bounds, lang, shown)),
                ],
                className="cmp-row",
                style=ROW_STYLE,
            ),
        ],
        className="cmp-controls",
    )
    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            dcc.Store(id=STATE),
            html.Nav(
                [
                    dcc.Link(
                        _("← Map"),
                        href=base + (f"?lang={lang}" if lang != DEFAULT else ""),
                        className="cmp-back",
                    ),
                    language_switch(query, lang, base + "compare"),
                ],
                className="cmp-nav",
            ),
            html.H2(_("Compare cities and regions")),
            controls,
            html.Div(first.get("notice"), id=NOTICE, role="status", className="cmp-notice"),
            # Until the chart is first drawn its box is as tall as its figure will be
            # (``.cmp-chart`` in assets/style.css), so the caption and tables stay put.
            html.Div(
                dcc.Graph(
                    id=GRAPH,
                    figure=figure,
                    config=graph_config(CHART_BUTTONS, **plotly_locale(lang)),
                ),
                className="cmp-chart",
                style={"--pm-chart": f"{figure.layout.height if figure else EMPTY_CHART_PX}px"},
            ),
            html.P(first.get("caption"), id=CAPTION, className="cmp-caption"),
            html.Div(
                [
                    html.Button(
                        _("Download table (CSV)"), id=DOWNLOAD_BUTTON, className="cmp-button"
                    ),
                    html.Button(
                        _("Download series (CSV)"), id=DOWNLOAD_SERIES, className="cmp-button"
                    ),
                    html.A(
                        _("Export chart (PNG)"),
                        id=EXPORT_PNG,
                        href=first.get("png"),
                        className="cmp-export",
                    ),
                    html.A(
                        _("Export chart (SVG)"),
                        id=EXPORT_SVG,
                        href=first.get("svg"),
                        className="cmp-export",
                    ),
                ],
                className="cmp-actions",
                style={"display": "flex", "gap": "16px", "alignItems": "center"},
            ),
            dcc.Download(id=DOWNLOAD),
            # Scrolls sideways on a phone: focusable and named, so the keyboard can scroll it.
            html.Div(
                first.get("table"),
                id=TABLE,
                className="cmp-table",
                tabIndex="0",
                role="region",
                **table_label,
            ),
            html.Div(
                first.get("steps"),
                id=STEPS_TABLE,
                className="cmp-table cmp-steps",
                tabIndex="0",
                role="region",
                **steps_label,
            ),
        ],
        className="cmp-page",
        style={"maxWidth": "1200px", "margin": "0 auto", "padding": "12px"},
    )


def _fmt(value: Any, lang: str, unknown: str = "—", digits: int = 0) -> str:
    if value is None or pd.isna(value):
        return unknown
    return format_decimal(value, lang, digits)


def _translated(row: pd.Series, column: str, lang: str) -> str:
    """A cell holding one of our own English words (a kind, a status, a source) in ``lang``."""
    return gettext(lang, str(row[column]))


def _population(row: pd.Series, mark: str, lang: str) -> list[Any]:
    """The population cell: the figure and what it is, or "—"; a mark to its footnote."""
    if pd.isna(row["population"]):
        return ["—", html.Sup(mark)]
    source = _translated(row, "population_source", lang)
    return [f"{_fmt(row['population'], lang)} ({source})", html.Sup(mark)]


def _place(row: pd.Series, lang: str) -> str:
    """A row's place in ``lang`` first, then in the other language where the data has it."""
    names = [row["place"], row["name_ru"] if _named(row["name_ru"]) else None]
    first, other = names[::-1] if lang == "ru" and names[1] else names
    return first + (f" · {other}" if other else "")


def population_note(row: pd.Series, lang: str = DEFAULT) -> str:
    """A row's population footnote: where the figure was read, or why there is none.

    A reason protestmap gives is translated; a note read from the data stays as written.
    """
    _ = functools.partial(gettext, lang)
    note = str(row["population_note"])
    name = row["name_ru"] if lang == "ru" and _named(row["name_ru"]) else row["place"]
    if row["kind"] == "region":
        name = _("{place} (region)").format(place=name)
    if pd.isna(row["population"]):
        why = _(note.removeprefix(series.UNKNOWN))
        return _("{place}: no population figure, so no rate per 100,000. Why: {why}").format(
            place=name, why=why
        )
    return _("{place}: {population}, {source}; read at {note}").format(
        place=name,
        population=_fmt(row["population"], lang),
        source=_translated(row, "population_source", lang),
        note=note,
    )


def _unknown(reported: Any, lang: str) -> str:
    """An unknown total: reported without a figure, or not reported at all."""
    return gettext(lang, series.NO_FIGURE if reported else series.NO_REPORT)


def _cells(row: pd.Series, mark: str, lang: str) -> list[Any]:
    _ = functools.partial(gettext, lang)
    no_rate = "—" if pd.isna(row["population"]) else _(series.NO_REPORT)
    outside = _("not in Russia's total") if row["occupied"] else "—"
    return [
        _fmt(row["rank"], lang),
        _place(row, lang),
        _translated(row, "kind", lang),
        _population(row, mark, lang),
        _fmt(row["total"], lang, _unknown(row["days_reported"], lang)),
        [_fmt(row["per_100k"], lang, no_rate, 2), *([html.Sup(mark)] if no_rate == "—" else [])],
        _fmt(row["rank_per_100k"], lang),
        _fmt(row["share_pct"], lang, outside, 1),
        row["first"].isoformat() if row["first"] else _("none"),
        row["last"].isoformat() if row["last"] else _("none"),
        _fmt(row["days_reported"], lang),
        _fmt(row["period_a"], lang, _unknown(row["reports_a"], lang)),
        _fmt(row["period_b"], lang, _unknown(row["reports_b"], lang)),
        _fmt(row["change"], lang, "—"),
        _fmt(row["change_pct"], lang, "—", 0),
        _fmt(row["share_a_pct"], lang, outside, 1),
        _fmt(row["share_b_pct"], lang, outside, 1),
    ]


def _headers(state: CompareState, lang: str) -> list[str]:
    _ = functools.partial(gettext, lang)
    return [
        _("rank"),
        _("place"),
        _("kind"),
        _("population"),
        _("{what} (at least)").format(what=_(METRICS[state.measure])),
        _("per 100k"),
        _("rank per 100k"),
        _("share of Russia, %"),
        _("first detention report"),
        _("last detention report"),
        _("days with reports"),
        f"A {span_text(state.period_a)}",
        f"B {span_text(state.period_b)}",
        _("change B−A"),
        _("change %"),
        _("share of Russia in A, %"),
        _("share of Russia in B, %"),
    ]


def table_view(table: pd.DataFrame, state: CompareState, lang: str = DEFAULT) -> html.Div | html.P:
    """The table as HTML in ``lang``, and a footnote per row on its population.

    Each row carries its place id in ``data-place``; its population and (when there is no
    population) its rate point to its footnote, which says where the figure was read or
    why there is none.
    """
    if table.empty:
        return html.P(gettext(lang, "Pick places above to compare them."), className="cmp-empty")
    head = html.Thead(html.Tr([html.Th(h) for h in _headers(state, lang)]))
    marks = [f"[{n}]" for n in range(1, len(table) + 1)]
    body = html.Tbody(
        [
            html.Tr(
                [html.Td(c) for c in _cells(row, mark, lang)], **{"data-place": row["place_id"]}
            )
            for mark, (_, row) in zip(marks, table.iterrows(), strict=True)
        ]
    )
    notes = html.Ol(
        [html.Li(population_note(row, lang)) for _, row in table.iterrows()],
        id=NOTES,
        className="cmp-notes",
    )
    return html.Div([html.Table([head, body]), html.P(gettext(lang, "Population:")), notes])


#: What a series download holds, by step (``{what}``: the measure).
BY_STEP = {"day": N_("{what} by day"), "week": N_("{what} by week"), "month": N_("{what} by month")}
STEP_HEADINGS = {
    "day": N_("By day"),
    "week": N_("By week (Monday to Sunday; the first and last weeks are cut at the period's ends)"),
    "month": N_("By month (the first and last months are cut at the period's ends)"),
}


def _step_cell(row: pd.Series, metric: str, lang: str) -> str:
    if pd.isna(row["value"]):
        return _translated(row, "status", lang)
    return _fmt(row["value"], lang, digits=2 if metric == "per100k" else 0)


def steps_view(steps: pd.DataFrame, state: CompareState, lang: str = DEFAULT) -> list[Any]:
    """The series as a table: one row per step (labelled as a span), one column per place."""
    if steps.empty:
        return []
    _ = functools.partial(gettext, lang)
    cells = steps.assign(cell=[_step_cell(r, state.metric, lang) for _, r in steps.iterrows()])
    wide = cells.pivot(index=["start", "label"], columns="place_id", values="cell")
    names = cells.drop_duplicates("place_id").set_index("place_id")["place"]
    head = html.Thead(html.Tr([html.Th(_("step")), *(html.Th(names[p]) for p in state.places)]))
    body = html.Tbody(
        [
            html.Tr(
                [html.Th(label, scope="row"), *(html.Td(row[p]) for p in state.places)],
                **{"data-start": start.isoformat()},
            )
            for (start, label), row in wide.iterrows()
        ]
    )
    what = _(UNITS[state.metric]).format(what=_(METRICS[state.measure]))
    heading = _("{steps}: {what}").format(steps=_(STEP_HEADINGS[state.step]), what=what)
    return [html.H3(heading), html.Table([head, body])]


def _controls(state: CompareState) -> list[Any]:
    return [
        list(state.places),
        state.measure,
        state.metric,
        state.step,
        state.layout,
        state.start,
        state.end,
        *state.period_a,
        *state.period_b,
    ]


def _from_controls(values: list[Any]) -> str:
    """The query string the controls show (validated again by :func:`parse_query`)."""
    places, measure, metric, step, view, *days = values
    start, end, a1, a2, b1, b2 = (str(d)[:10] if d else None for d in days)
    params = {
        "places": ",".join(places or []),
        "measure": measure,
        "metric": metric,
        "step": step,
        "layout": view,
        "start": start,
        "end": end,
        "a": f"{a1}..{a2 or a1}" if a1 else None,
        "b": f"{b1}..{b2 or b1}" if b1 else None,
    }
    return "?" + urlencode({k: v for k, v in params.items() if v}, safe=",.")


CONTROL_PROPS = (
    (PLACES, "value"),
    (MEASURE, "value"),
    (METRIC, "value"),
    (STEP, "value"),
    (LAYOUT, "value"),
    (PERIOD, "start_date"),
    (PERIOD, "end_date"),
    (PERIOD_A, "start_date"),
    (PERIOD_A, "end_date"),
    (PERIOD_B, "start_date"),
    (PERIOD_B, "end_date"),
)


def resolve(
    source: DataSource, views: CompareViews, search: str | None
) -> tuple[CompareData, str, str | None, str | None]:
    """The Compare data a query asks for: the latest, or the version its ``v=`` pins.

    Returns the data, the query without ``v``, the pinned version (None when unpinned or not
    kept) and a notice when the pinned version is not kept.
    """
    view, pinned = split_version(search)
    dataset, unknown = dataset_for(source, pinned)
    return views.of(dataset), view, None if unknown else pinned, unknown


def sync_state(
    source: DataSource,
    views: CompareViews,
    search: str | None,
    values: list[Any],
    *,
    from_url: bool,
) -> tuple[Any, str, str, list[Any]]:
    """Outputs (URL search, view state, notice, control values) for the URL or a control.

    The state is the canonical query plus the pinned version, so a render counts the same
    data version as the link; a control change keeps the pin of the page's URL.
    """
    data, view, pinned, unknown = resolve(source, views, search)
    lang = request_language(query_language(view))
    state, notices = data.parse(view if from_url else _from_controls(values), lang)
    said = gettext(lang, "Some link settings were not understood and use defaults: {notices}.")
    text = [said.format(notices="; ".join(notices))]
    notice = " ".join([*(text if notices else []), *([unknown] if unknown else [])])
    query = with_params(state.to_query(), lang=query_language(view), v=pinned)
    shown = _controls(state) if from_url else [no_update] * len(CONTROL_PROPS)
    return (no_update if from_url else query), query, notice, shown


def first_view(
    source: DataSource, views: CompareViews, search: str | None, base: str
) -> dict[str, Any]:
    """What the page's callbacks answer first for the URL's ``search``, for ``layout``.

    The controls' values and the notice (``sync_state``), and the chart, tables, caption and
    export links of that state (``render``): the same functions, so the same answers.
    """
    _, query, notice, values = sync_state(source, views, search, [], from_url=True)
    figure, table, steps, words, png, svg = render(source, views, query, base)
    return {
        "controls": dict(zip(CONTROL_PROPS, values, strict=True)),
        "notice": notice,
        "figure": figure,
        "table": table,
        "steps": steps,
        "caption": words,
        "png": png,
        "svg": svg,
    }


def render(source: DataSource, views: CompareViews, query: str | None, base: str) -> tuple:
    """Chart, table, caption and the two export links of the view state ``query``."""
    data, view, pinned, _ = resolve(source, views, query)
    return _drawn(data, view, pinned, base, request_language(query_language(view)))


@per_view
def _drawn(data: CompareData, view: str, pinned: str | None, base: str, lang: str) -> tuple:
    """``render``'s answer for one view, built once per data version.

    The page (``first_view``) and its first callback both ask for it, and building it took
    0.6–2.2 s at a million incidents.
    """
    state, _ = data.parse(view)
    link = with_params(state.to_query(), lang=lang, v=pinned)
    exports = [f"{base}export/compare.{fmt}{link}" for fmt in ("png", "svg")]
    return (
        compare_view(data, state, lang),
        table_view(summary(data, state), state, lang),
        steps_view(series_table(data, state, lang), state, lang),
        caption(data, state, lang),
        *exports,
    )


def download(
    source: DataSource, views: CompareViews, query: str | None, *, steps: bool, root: str
) -> dict[str, Any]:
    """The table (or, with ``steps``, the series) of view state ``query`` as a CSV download.

    Its header names the data version counted and the view's absolute link (``root`` is the
    app's absolute address, ending in ``/``), pinned to that version so it reproduces.
    """
    data, view, _, _ = resolve(source, views, query)
    state, _ = data.parse(view)
    lang = request_language(query_language(view))
    _ = functools.partial(gettext, lang)
    url = f"{root}{PATH.lstrip('/')}{with_params(state.to_query(), lang=lang, v=data.version)}"
    measure = _(METRICS[state.measure])
    if steps:
        table, what = series_table(data, state, lang), _(BY_STEP[state.step]).format(what=measure)
    else:
        table, what = summary(data, state), _("{what}, totals per place").format(what=measure)
    name = f"protestmap-compare-{'series-' if steps else ''}{state.start}-{state.end}.csv"
    return dcc.send_string(csv_text(table, csv_header(data, what, url, lang)), name)


def register_callbacks(app: dash.Dash, source: DataSource, views: CompareViews) -> None:
    """Wire the Compare view's callbacks into ``app`` (all ids start with ``cmp-``)."""
    base = app.config.requests_pathname_prefix
    controls = [Output(c, p, allow_duplicate=False) for c, p in CONTROL_PROPS]

    @app.callback(
        Output(URL, "search"),
        Output(STATE, "data"),
        Output(NOTICE, "children"),
        *controls,
        Input(URL, "search"),
        *[Input(c, p) for c, p in CONTROL_PROPS],
        State(STATE, "data"),
    )
    def sync(search: str | None, *values: Any) -> tuple:
        *controls_now, state = values
        from_url = ctx.triggered_id in (None, URL)
        url, query, notice, shown = sync_state(
            source, views, search if from_url else state, controls_now, from_url=from_url
        )
        return (url, query, notice, *shown)

    @app.callback(
        Output(GRAPH, "figure"),
        Output(TABLE, "children"),
        Output(STEPS_TABLE, "children"),
        Output(CAPTION, "children"),
        Output(EXPORT_PNG, "href"),
        Output(EXPORT_SVG, "href"),
        Input(STATE, "data"),
    )
    def redraw(query: str | None) -> tuple:
        return render(source, views, query, base)

    @app.callback(
        Output(DOWNLOAD, "data"),
        Input(DOWNLOAD_BUTTON, "n_clicks"),
        Input(DOWNLOAD_SERIES, "n_clicks"),
        State(STATE, "data"),
        prevent_initial_call=True,
    )
    def send_csv(table_clicks: int, series_clicks: int, query: str | None) -> dict:
        root = flask.request.host_url.rstrip("/") + base
        return download(source, views, query, steps=ctx.triggered_id == DOWNLOAD_SERIES, root=root)
