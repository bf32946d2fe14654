"""The page: header, notice, breadcrumb, summary, filters, map, timeline, region panel, table."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import dash_ag_grid as dag
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

import layers
from core.dataset import Dataset
from core.i18n import DEFAULT, N_, first_weekday, gettext, plotly_locale
from core.view import CLASSINGS, METRICS, Filters
from geodata.schema import TAGS
from layers import maptable, panels
from layers.grid import ROW_STYLE
from layers.language import dropdown_labels, language_switch
from layers.modebar import MAP_BUTTONS, graph_config
from pages import ids, publishing
from pages.views import ALL_KINDS, controls_from

TAGLINE = N_(
    "Detentions and rallies at protests in Russia: where, when, how many, and who says so."
)
EMPTY_TEXT = N_("No incidents match this selection: widen the period or clear a filter.")
FILTERS_DRAWER = N_("Filters and map options")
MAP_TABLE_TOGGLE = N_("View the map as a table")
TIMELINE_HELP = N_(
    "Drag across the timeline to choose a period; double-click it to show all dates."
)
COPY_LINK_TITLE = N_("Copy the link to this view")
BREADCRUMB_LABEL = N_("breadcrumb")
CREDITS = (
    N_("Figures: as reported by the sources listed for each incident. "),
    N_("Boundaries: Natural Earth (public domain). "),
    N_("Places: GeoNames (CC BY 4.0). "),
    N_("Federal districts: hflabs/region (CC BY-SA 4.0). "),
)


def _aria(label: str) -> dict:
    """The ``aria-label`` keyword of a component (Dash takes it only through ``**``)."""
    return {"aria-label": label}


def _field(label: str, control: Component, width: str = "") -> html.Div:
    """A labelled control; ``assets/a11y.js`` names the control by the label's ``<id>-label``."""
    return html.Div(
        [
            html.Label(label, id=f"{getattr(control, 'id', '')}-label", className="control-label"),
            control,
        ],
        className="control " + width,
    )


def _choice(id_: str, value: str, labels: Mapping[str, str]) -> dcc.RadioItems:
    """One-line radio buttons, one per ``labels`` entry (value -> label), in their order."""
    options = [{"label": label, "value": key} for key, label in labels.items()]
    return dcc.RadioItems(id=id_, value=value, inline=True, options=options)


def _tag_options(data: Dataset, lang: str) -> list[dict]:
    return [
        {"label": f"{gettext(lang, TAGS[tag])} ({count})", "value": tag}
        for tag, count in data.tag_counts.items()
    ]


def controls(data: Dataset, view: Filters | None = None, lang: str = DEFAULT) -> html.Section:
    """Filters, metric, colouring and the occupied-territory toggle, showing ``view``.

    The page is served with its controls already set from the URL, so the first URL sync has
    nothing to set: a control changed before its reply arrives keeps the user's value.
    """
    _ = functools.partial(gettext, lang)
    extent = data.extent
    first, last = extent if extent else (None, None)
    start, end, kind, tags, campaign, metric, classing, occupied = controls_from(view or Filters())
    return html.Section(
        className="controls",
        children=[
            _field(
                _("Period"),
                dcc.DatePickerRange(
                    id=ids.PERIOD,
                    start_date=start,
                    end_date=end,
                    min_date_allowed=first,
                    max_date_allowed=last,
                    initial_visible_month=first,
                    display_format="YYYY-MM-DD",
                    first_day_of_week=first_weekday(lang),
                    clearable=True,
                    start_date_placeholder_text=_("first day"),
                    end_date_placeholder_text=_("last day"),
                ),
                "wide",
            ),
            _field(
                _("Kind"),
                _choice(
                    ids.KINDS,
                    kind,
                    {ALL_KINDS: _("all"), "detention": _("detentions"), "rally": _("rallies")},
                ),
            ),
            _field(
                _("Tags (all must apply)"),
                dcc.Dropdown(
                    labels=dropdown_labels(lang),
                    id=ids.TAGS,
                    value=tags,
                    multi=True,
                    options=_tag_options(data, lang),
                    placeholder=_("any tags"),
                ),
                "wide",
            ),
            _field(
                _("Campaign"),
                dcc.Dropdown(
                    labels=dropdown_labels(lang),
                    id=ids.CAMPAIGN,
                    value=campaign,
                    options=sorted(data.catalogue.campaigns),
                    placeholder=_("all campaigns"),
                ),
            ),
            _field(
                _("Map shows"),
                _choice(ids.METRIC, metric, {k: _(v) for k, v in METRICS.items()}),
                "wide",
            ),
            _field(
                _("Colours"),
                _choice(ids.CLASSING, classing, {k: _(v) for k, v in CLASSINGS.items()}),
                "wide",
            ),
            _field(
                _("Occupied Ukrainian territory"),
                dcc.Checklist(
                    id=ids.OCCUPIED,
                    value=occupied,
                    options=[{"label": " " + _("count it in the totals"), "value": "include"}],
                ),
            ),
        ],
    )


def controls_drawer(section: html.Section, lang: str = DEFAULT) -> html.Details:
    """The controls in a drawer, open on a wide screen (where its handle is hidden).

    ``assets/phone.js`` closes it on a phone-sized screen, so the map comes first.
    """
    return html.Details(
        [html.Summary(gettext(lang, FILTERS_DRAWER), className="drawer-handle"), section],
        id=ids.CONTROLS_DRAWER,
        open=True,
        className="controls-drawer",
    )


def header(base: str, lang: str = DEFAULT, view: Filters | None = None) -> html.Header:
    """Title, purpose, the Compare link, the language switch and the link to the current view.

    The switch is drawn for ``view`` and redrawn as the view changes (``ids.LANG_SWITCH``).
    """
    _ = functools.partial(gettext, lang)
    compare = base + "compare" + (f"?lang={view.lang}" if view and view.lang else "")
    return html.Header(
        className="header",
        children=[
            html.Div([html.H1("protestmap"), html.P(_(TAGLINE), className="tagline")]),
            html.Nav(
                [
                    dcc.Link(_("Compare places"), href=compare, id=ids.COMPARE_LINK),
                    html.Div(
                        language_switch((view or Filters()).to_query(), lang, base),
                        id=ids.LANG_SWITCH,
                    ),
                ],
                className="header-nav",
            ),
            html.Div(
                className="share",
                children=[
                    html.Label(_("Link to this view"), htmlFor=ids.SHARE_LINK),
                    dcc.Input(id=ids.SHARE_LINK, type="text", readOnly=True, value=""),
                    dcc.Clipboard(
                        id=ids.COPY_LINK,
                        target_id=ids.SHARE_LINK,
                        title=_(COPY_LINK_TITLE),
                        className="copy",
                    ),
                ],
            ),
        ],
    )


def map_area(
    map_figure: go.Figure | dict,
    shown: str | None,
    topojson_url: str,
    lang: str = DEFAULT,
    first: Mapping[str, Any] | None = None,
) -> html.Div:
    """The map (all geometry embedded here, once) with its empty-state banner.

    On a narrow map ``assets/maplegend.js`` moves the legend out of the figure, below it.

    ``shown`` says which view ``map_figure`` already shows (``views.map_shown``), if any;
    ``first``, the panels of that view (``page``), says whether it is empty, in words too.
    """
    first = first or {}
    graph = dcc.Graph(
        id=ids.MAP,
        figure=map_figure,
        className="map",
        config=graph_config(
            MAP_BUTTONS, topojsonURL=topojson_url, scrollZoom=True, **plotly_locale(lang)
        ),
    )
    return html.Div(
        className="map-wrap",
        children=[
            html.Div(
                gettext(lang, EMPTY_TEXT),
                id=ids.EMPTY,
                className="empty-banner",
                hidden=first.get("empty_hidden", True),
            ),
            html.P(first.get("map_summary"), id=ids.MAP_SUMMARY, className="visually-hidden"),
            graph,
            html.Div(id=ids.MAP_LEGEND, className="map-legend", hidden=True),
            dcc.Store(id=ids.MAP_SHOWN, data=shown),
            map_table(lang),
        ],
    )


def map_table(lang: str = DEFAULT) -> html.Details:
    """The map's values as a table, opened on demand, in the order the reader picks."""
    _ = functools.partial(gettext, lang)
    sorts = {k: _(v) for k, v in maptable.SORTS.items()}
    return html.Details(
        [
            html.Summary(_(MAP_TABLE_TOGGLE)),
            _field(_("Sort by"), _choice(ids.MAP_TABLE_SORT, next(iter(sorts)), sorts)),
            # A scrolling box: focusable and named, so the keyboard can scroll it too.
            html.Div(
                id=ids.MAP_TABLE,
                className="region-table-wrap",
                tabIndex="0",
                role="region",
                **_aria(_(MAP_TABLE_TOGGLE)),
            ),
        ],
        id=ids.MAP_TABLE_TOGGLE,
        className="map-table",
        open=False,
    )


def below_map(lang: str = DEFAULT) -> html.Div:
    """Timeline beside the side panel (top regions, or the region's cities)."""
    timeline = dcc.Graph(
        id=ids.TIMELINE,
        className="timeline",
        config=graph_config(
            [["toImage"]], doubleClick="autosize", showTips=False, **plotly_locale(lang)
        ),
    )
    return html.Div(
        className="below-map",
        children=[
            html.Div(
                [
                    timeline,
                    dcc.Store(id=ids.TIMELINE_SHOWN),
                    html.P(gettext(lang, TIMELINE_HELP), className="muted small"),
                ],
                className="timeline-column",
            ),
            html.Aside(id=ids.REGION_PANEL, className="side"),
        ],
    )


def incident_table(lang: str = DEFAULT) -> html.Section:
    """The sortable incident table and the detail panel of the chosen incident."""
    grid = dag.AgGrid(
        id=ids.GRID,
        columnDefs=layers.column_defs(lang),
        rowData=[],
        getRowId="params.data.incident_id",
        getRowStyle=ROW_STYLE,
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={
            "rowSelection": {
                "mode": "singleRow",
                "checkboxes": False,
                "enableClickSelection": True,
            },
            # One tab stop per row, arrow keys between its cells (assets/dashAgGridFunctions.js).
            "tabToNextCell": {"function": "tabToNextRow(params)"},
            "localeText": layers.grid_texts(lang),
        },
        className="ag-theme-alpine",
        style={"height": "440px"},
    )
    return html.Section(
        className="incidents",
        children=[
            html.H2(id=ids.INCIDENT_HEADING),
            grid,
            html.Div(id=ids.CARDS, className="incident-cards"),
            html.Div(id=ids.DETAIL, className="detail"),
        ],
    )


def footer(data: Dataset, lang: str = DEFAULT) -> html.Footer:
    """Where the figures, boundaries and places come from, and the data version."""
    credits = [gettext(lang, c) for c in CREDITS]
    version = gettext(lang, "Data version {version}.").format(version=data.version)
    return html.Footer(html.P([*credits, version]), className="footer")


def page(
    data: Dataset,
    map_figure: go.Figure | dict,
    topojson_url: str,
    base: str = "/",
    map_shown: str | None = None,
    view: Filters | None = None,
    lang: str = DEFAULT,
    first: Mapping[str, Any] | None = None,
) -> html.Div:
    """The whole dashboard page (``base``: the app's path prefix, for links), in ``lang``.

    ``map_shown`` says which view ``map_figure`` shows (None: only the static part);
    ``view`` is the URL's view, shown by the controls. ``first`` is that view's panels as
    the panels callback answers them (``views.render_panels``), and its "compare with" link
    (``compare``): with the notice, headline figures and description already in the page,
    nothing above the map moves when the callbacks answer (it pushed the map 138 px down a
    moment after it was drawn).
    """
    first = first or {}
    return html.Div(
        className="app",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.STATE),
            dcc.Store(id=ids.SCREEN),
            header(base, lang, view),
            publishing.controls(lang),
            html.Div(
                first.get("notice"),
                id=ids.NOTICE,
                className="notice",
                role="alert",
                hidden=first.get("notice_hidden", True),
            ),
            html.Div(
                [
                    html.Nav(
                        first.get("breadcrumb"),
                        id=ids.BREADCRUMB,
                        className="breadcrumb",
                        **_aria(gettext(lang, BREADCRUMB_LABEL)),
                    ),
                    html.Div(
                        first.get("compare"), id=ids.COMPARE_WITH, className="compare-with-wrap"
                    ),
                ],
                className="breadcrumb-row",
            ),
            html.Div(first.get("summary"), id=ids.SUMMARY, className="summary"),
            html.P(first.get("description"), id=ids.DESCRIPTION, className="selection-description"),
            controls_drawer(controls(data, view, lang), lang),
            map_area(map_figure, map_shown, topojson_url, lang, first),
            html.P(gettext(lang, panels.OCCUPIED_NOTE), className="occupied-note"),
            below_map(lang),
            incident_table(lang),
            footer(data, lang),
        ],
    )
