"""The Compare view at ``/compare``: chosen cities and regions over time, and a table.

Its whole state is the query string (see ``docs/compare.md``), so a pasted link reproduces the
view. The data is passed in once; callbacks only filter frames already in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update

from geodata import series
from geodata.downloads import neutralise_formulas
from geodata.queries import url_date
from layers import compare as chart

PATH = "/compare"
MAX_PLACES = 16
LAYOUTS = ("overlay", "multiples")

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
GRAPH = "cmp-graph"
TABLE = "cmp-table"
CAPTION = "cmp-caption"
DOWNLOAD = "cmp-download"
DOWNLOAD_BUTTON = "cmp-download-button"
EXPORT_PNG = "cmp-export-png"
EXPORT_SVG = "cmp-export-svg"

#: Federal cities: the city and the region are one place. The region is kept (it has the
#: 2021 census population); the GeoNames city of the same name is an alias of it.
FEDERAL_CITIES = ("RU-MOW", "RU-SPE", "UA-40")

ROW_STYLE = {"display": "flex", "flexWrap": "wrap", "columnGap": "28px", "alignItems": "end"}


@dataclass(frozen=True)
class CompareState:
    """Everything the Compare view shows; parsed from and written to the query string."""

    places: tuple[str, ...]
    start: date
    end: date
    period_a: tuple[date, date]
    period_b: tuple[date, date]
    measure: str = "detained"
    metric: str = "count"
    step: str = "day"
    layout: str = "overlay"

    def to_query(self) -> str:
        """The canonical query string (``?places=...``) of this state."""
        params = {
            "places": ",".join(self.places),
            "measure": self.measure,
            "metric": self.metric,
            "step": self.step,
            "layout": self.layout,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "a": _span_text(self.period_a),
            "b": _span_text(self.period_b),
        }
        return "?" + urlencode(params, safe=",.")


#: The query parameters of a Compare view (what ``CompareState.to_query`` writes).
PARAMS = ("places", "measure", "metric", "step", "layout", "start", "end", "a", "b")


def _span_text(span: tuple[date, date]) -> str:
    first, last = span
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"


def _parse_span(text: str) -> tuple[date, date]:
    first, _, last = text.partition("..")
    span = (url_date(first), url_date(last or first))
    if span[0] > span[1]:
        raise ValueError(f"{text} ends before it starts")
    return span


def _with(state: CompareState, field: str, value: Any) -> CompareState:
    changes: dict[str, Any] = {field: value}
    return replace(state, **changes)


def default_state(bounds: tuple[date, date]) -> CompareState:
    """The view before anything is chosen: the whole data period, first day vs last day."""
    first, last = bounds
    return CompareState((), first, last, (first, first), (last, last))


def parse_query(
    search: str | None,
    known: pd.Index,
    bounds: tuple[date, date],
    aliases: dict[str, str] | None = None,
) -> tuple[CompareState, list[str]]:
    """State from a query string, and a notice for every parameter that fell back to default.

    Place ids in ``aliases`` (a federal city's GeoNames id) become the place they stand for;
    unknown place ids are dropped; more than :data:`MAX_PLACES` are cut.
    """
    text = search if isinstance(search, str) else ""  # a store forged into another type
    params = {k: v[-1] for k, v in parse_qs(text.lstrip("?")).items()}
    state, notices = default_state(bounds), []
    choices = {
        "measure": series.MEASURES,
        "metric": series.METRICS,
        "step": series.STEPS,
        "layout": LAYOUTS,
    }
    for key, allowed in choices.items():
        if key in params and params[key] not in allowed:
            notices.append(f"{key}={params[key]!r} is not one of {', '.join(allowed)}")
        elif key in params:
            state = _with(state, key, params[key])
    aliases = aliases or {}
    wanted = [p.strip() for p in params.get("places", "").split(",") if p.strip()]
    wanted = [aliases.get(p, p) for p in wanted]
    unknown = [p for p in wanted if p not in known]
    if unknown:
        notices.append(f"unknown places ignored: {', '.join(unknown)}")
    places = tuple(dict.fromkeys(p for p in wanted if p in known))
    if len(places) > MAX_PLACES:
        notices.append(f"only the first {MAX_PLACES} places are shown")
    state = replace(state, places=places[:MAX_PLACES])
    for key in ("start", "end"):
        if key in params:
            try:
                state = _with(state, key, url_date(params[key]))
            except ValueError as exc:
                notices.append(f"{key}={params[key]!r}: {exc}")
    if state.start > state.end:
        notices.append("the period ends before it starts")
        state = replace(state, start=bounds[0], end=bounds[1])
    for key, field in (("a", "period_a"), ("b", "period_b")):
        if key in params:
            try:
                state = _with(state, field, _parse_span(params[key]))
            except ValueError:
                notices.append(f"{key}={params[key]!r} is not a day or a range DAY..DAY")
    return state, notices


@dataclass(frozen=True)
class CompareData:
    """What the view needs, built once from the loaded store and gazetteer."""

    incidents: pd.DataFrame
    regions: pd.DataFrame
    catalog: pd.DataFrame
    bounds: tuple[date, date]
    #: Place ids that stand for another place (a federal city's GeoNames id -> its region).
    aliases: dict[str, str]

    def parse(self, search: str | None) -> tuple[CompareState, list[str]]:
        """The state a query string asks for over this data, with notices."""
        return parse_query(search, self.catalog.index, self.bounds, self.aliases)


def compare_data(
    incidents: pd.DataFrame, regions: pd.DataFrame, cities: pd.DataFrame
) -> CompareData:
    """Index the data for the view (place catalog, federal-city aliases, date bounds)."""
    columns = ["kind", "date", "geonameid", "region_code", "detained", "city_en", "city_ru"]
    frame = pd.DataFrame(incidents[columns])
    attrs = pd.DataFrame(regions[["region_code", "name_en", "name_ru", "status", "population"]])
    if frame.empty:
        today = date.today()
        bounds = (today, today)
    else:
        bounds = (frame["date"].min().date(), frame["date"].max().date())
    catalog = series.place_catalog(frame, attrs, cities)
    twin = (
        (catalog["kind"] == "city")
        & catalog["region_code"].isin(FEDERAL_CITIES)
        & (catalog["name_en"] == catalog["region_en"])
    )
    aliases = dict(zip(catalog.index[twin], catalog.loc[twin, "region_code"], strict=True))
    return CompareData(frame, attrs, catalog[~twin], bounds, aliases)


def place_label(row: pd.Series) -> str:
    """Russian and English names with what the place is, so either language finds it."""
    if row["kind"] == "city":
        what = f"city, {row['region_en']}"
    else:
        what = "region"
    if row["occupied"]:
        what += ", occupied Ukraine"
    ru = f"{row['name_ru']} · " if row["name_ru"] else ""
    return f"{ru}{row['name_en']} ({what})"


def place_options(catalog: pd.DataFrame) -> list[dict[str, str]]:
    """Dropdown options: cities by population, then regions by name."""
    ordered = pd.concat(
        [
            catalog[catalog["kind"] == "city"].sort_values("population", ascending=False),
            catalog[catalog["kind"] == "region"].sort_values("name_en"),
        ]
    )
    return [{"label": place_label(row), "value": pid} for pid, row in ordered.iterrows()]


def _field(label: str, control: Any) -> html.Div:
    return html.Div(
        [html.Label(label, className="cmp-label", style={"fontWeight": 600}), control],
        className="cmp-field",
        style={"marginBottom": "8px"},
    )


def _range(component_id: str, bounds: tuple[date, date]) -> dcc.DatePickerRange:
    return dcc.DatePickerRange(
        id=component_id,
        min_date_allowed=bounds[0].isoformat(),
        max_date_allowed=bounds[1].isoformat(),
        initial_visible_month=bounds[0].isoformat(),
        display_format="D MMM YYYY",
        minimum_nights=0,
    )


def _radio(component_id: str, options: dict[str, str]) -> dcc.RadioItems:
    return dcc.RadioItems(
        id=component_id,
        options=[{"label": v, "value": k} for k, v in options.items()],
        inline=True,
        className="cmp-radio",
        inputStyle={"marginRight": "4px", "marginLeft": "10px"},
    )


def layout(data: CompareData, base: str = "/") -> html.Div:
    """The Compare page: controls, notice, chart, table, exports and CSV download.

    ``base`` is the app's path prefix (for the link back to the map).
    """
    controls = html.Div(
        [
            _field(
                "Places (cities and regions, Russian or English name)",
                dcc.Dropdown(
                    id=PLACES,
                    options=place_options(data.catalog),
                    multi=True,
                    placeholder="Type a city or region, e.g. Москва or Makhachkala",
                ),
            ),
            html.Div(
                [
                    _field(
                        "Count", _radio(MEASURE, {"detained": "detained", "rallies": "rallies"})
                    ),
                    _field(
                        "Metric",
                        _radio(
                            METRIC,
                            {"count": "counts", "per100k": "per 100k", "cumulative": "cumulative"},
                        ),
                    ),
                    _field("Step", _radio(STEP, {"day": "daily", "week": "weekly"})),
                    _field(
                        "Layout",
                        _radio(LAYOUT, {"overlay": "one chart", "multiples": "small multiples"}),
                    ),
                ],
                className="cmp-row",
                style=ROW_STYLE,
            ),
            html.Div(
                [
                    _field("Period", _range(PERIOD, data.bounds)),
                    _field("Compare period A", _range(PERIOD_A, data.bounds)),
                    _field("with period B", _range(PERIOD_B, data.bounds)),
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
            html.Nav(dcc.Link("← Map", href=base, className="cmp-back"), className="cmp-nav"),
            html.H2("Compare cities and regions"),
            controls,
            html.Div(id=NOTICE, role="status", className="cmp-notice"),
            dcc.Graph(id=GRAPH, config={"displaylogo": False}),
            html.P(id=CAPTION, className="cmp-caption"),
            html.Div(
                [
                    html.Button("Download table (CSV)", id=DOWNLOAD_BUTTON, className="cmp-button"),
                    html.A("Export chart (PNG)", id=EXPORT_PNG, className="cmp-export"),
                    html.A("Export chart (SVG)", id=EXPORT_SVG, className="cmp-export"),
                ],
                className="cmp-actions",
                style={"display": "flex", "gap": "16px", "alignItems": "center"},
            ),
            dcc.Download(id=DOWNLOAD),
            html.Div(id=TABLE, className="cmp-table"),
        ],
        className="cmp-page",
        style={"maxWidth": "1200px", "margin": "0 auto", "padding": "12px"},
    )


def _fmt(value: Any, unknown: str = "—", digits: int = 0) -> str:
    if value is None or pd.isna(value):
        return unknown
    return f"{value:,.{digits}f}"


def _cells(row: pd.Series, state: CompareState) -> list[Any]:
    no_people = "population unknown"
    return [
        _fmt(row["rank"]),
        row["place"] + (f" · {row['name_ru']}" if row["name_ru"] else ""),
        row["kind"],
        _fmt(row["population"], no_people)
        + (f" ({row['population_source']})" if pd.notna(row["population"]) else ""),
        _fmt(row["total"], series.NO_FIGURE if row["days_reported"] else series.NO_REPORT),
        _fmt(row["per_100k"], no_people if pd.isna(row["population"]) else "no report", 2),
        _fmt(row["rank_per_100k"]),
        _fmt(row["share_pct"], "not in Russia's total" if row["occupied"] else "—", 1),
        row["first"].isoformat() if row["first"] else "none",
        row["last"].isoformat() if row["last"] else "none",
        _fmt(row["days_reported"]),
        _fmt(row["period_a"], series.NO_FIGURE if row["reports_a"] else series.NO_REPORT),
        _fmt(row["period_b"], series.NO_FIGURE if row["reports_b"] else series.NO_REPORT),
        _fmt(row["change"], "—"),
        _fmt(row["change_pct"], "—", 0),
    ]


def _headers(state: CompareState) -> list[str]:
    what = "detained" if state.measure == "detained" else "rallies"
    return [
        "rank",
        "place",
        "kind",
        "population",
        f"{what} (at least)",
        "per 100k",
        "rank per 100k",
        "% of Russia",
        "first detention report",
        "last detention report",
        "days with reports",
        f"A {_span_text(state.period_a)}",
        f"B {_span_text(state.period_b)}",
        "change B−A",
        "change %",
    ]


def summary(data: CompareData, state: CompareState) -> pd.DataFrame:
    """The comparison table of ``state`` (one row per chosen place)."""
    national = series.national_total(
        data.incidents, data.regions, start=state.start, end=state.end, measure=state.measure
    )
    table = series.summary_table(
        data.incidents,
        data.catalog,
        state.places,
        start=state.start,
        end=state.end,
        national=national,
        measure=state.measure,
        periods=(state.period_a, state.period_b),
    )
    return table


def figure(data: CompareData, state: CompareState) -> Any:
    """The chart of ``state``; a place without population says so in its name (per 100k)."""
    frame = series.place_series(
        data.incidents,
        data.catalog,
        state.places,
        start=state.start,
        end=state.end,
        measure=state.measure,
        step=state.step,
        metric=state.metric,
    )
    names = {}
    for pid in state.places:
        info = data.catalog.loc[pid]
        name = info["name_en"] if info["kind"] == "city" else f"{info['name_en']} (region)"
        if state.metric == "per100k" and pd.isna(info["population"]):
            name += " (population unknown)"
        names[pid] = name
    return chart.compare_figure(
        frame,
        names,
        layout=state.layout,
        measure=state.measure,
        metric=state.metric,
        step=state.step,
    )


def caption(data: CompareData, state: CompareState) -> str:
    """What the numbers are and where the populations come from."""
    national = series.national_total(
        data.incidents, data.regions, start=state.start, end=state.end, measure=state.measure
    )
    what = "people detained" if state.measure == "detained" else "rallies"
    total = f"{national:,.0f}" if pd.notna(national) else "none reported"
    return (
        f"{state.start:%d %b %Y} to {state.end:%d %b %Y}. Russia's total over its federal subjects "
        f"(occupied Ukrainian territory excluded): {total} {what}. "
        "Counts are lower bounds from published reports (mostly OVD-Info); days without a report "
        "are unknown, not zero. Per 100,000: regions use the 2021 census, cities the GeoNames "
        "population where GeoNames has one. Weeks run Monday to Sunday."
    )


def table_view(table: pd.DataFrame, state: CompareState) -> html.Table | html.P:
    """The table as HTML; each row carries its place id in ``data-place``."""
    if table.empty:
        return html.P("Pick places above to compare them.", className="cmp-empty")
    head = html.Thead(html.Tr([html.Th(h) for h in _headers(state)]))
    body = html.Tbody(
        [
            html.Tr([html.Td(c) for c in _cells(row, state)], **{"data-place": row["place_id"]})
            for _, row in table.iterrows()
        ]
    )
    return html.Table([head, body])


def csv_text(table: pd.DataFrame, state: CompareState) -> str:
    """The table as CSV: raw numbers, empty cells where unknown, the URL state on top."""
    body = neutralise_formulas(table).to_csv(index=False)
    return f"# protestmap compare {PATH}{state.to_query()}\n" + body


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


def register_callbacks(app: dash.Dash, data: CompareData) -> None:
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
    )
    def sync(search: str | None, *values: Any) -> tuple:
        from_url = ctx.triggered_id in (None, URL)
        query = search if from_url else _from_controls(list(values))
        state, notices = data.parse(query)
        notice = f"Some link settings were not understood and use defaults: {'; '.join(notices)}."
        shown = _controls(state) if from_url else [no_update] * len(CONTROL_PROPS)
        url = no_update if from_url else state.to_query()
        return (url, state.to_query(), notice if notices else "", *shown)

    @app.callback(
        Output(GRAPH, "figure"),
        Output(TABLE, "children"),
        Output(CAPTION, "children"),
        Output(EXPORT_PNG, "href"),
        Output(EXPORT_SVG, "href"),
        Input(STATE, "data"),
    )
    def render(query: str | None) -> tuple:
        state, _ = data.parse(query)
        exports = [f"{base}export/compare.{fmt}{state.to_query()}" for fmt in ("png", "svg")]
        return (
            figure(data, state),
            table_view(summary(data, state), state),
            caption(data, state),
            *exports,
        )

    @app.callback(
        Output(DOWNLOAD, "data"),
        Input(DOWNLOAD_BUTTON, "n_clicks"),
        State(STATE, "data"),
        prevent_initial_call=True,
    )
    def download(clicks: int, query: str | None) -> dict:
        state, _ = data.parse(query)
        name = f"protestmap-compare-{state.start}-{state.end}.csv"
        return dcc.send_string(csv_text(summary(data, state), state), name)
