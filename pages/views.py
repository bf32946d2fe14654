"""Callback bodies: parse the inputs, run a query, call layers, return. No Dash wiring here.

Every view is a function of one canonical query string kept in the ``view-state`` store.
``next_state`` is the only way in: it turns the URL (page load, Back/Forward, a pasted link)
or a user action (a control, a map click, a timeline drag, a table click) into that string,
and writes user actions to the URL so each view is a link.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlencode

import numpy as np
import plotly.graph_objects as go
from cachetools import LRUCache, cached
from cachetools.keys import hashkey
from dash import Patch, no_update
from dash.exceptions import PreventUpdate

import layers
from core import aggregates, view
from core.dataset import Dataset
from core.i18n import format_number, gettext, query_language
from core.prepared import data_as_of
from core.texts import alt_text
from core.view import Filters
from core.viewtables import everywhere
from layers import figures
from layers import regions as region_layer
from layers.cards import incident_cards
from layers.language import language_switch, request_language
from layers.maptable import SORTS, region_value_table
from pages import about

ALL_KINDS = "all"
#: Traces a click picks a region or a city on: the map's own, and the inset's.
REGION_CURVES = (region_layer.REGIONS, region_layer.INSET_REGIONS)
CITY_CURVES = (region_layer.CITIES, region_layer.INSET_CITIES)
#: Order of the control values in ``next_state``'s inputs and outputs.
CONTROL_FIELDS = ("start", "end", "kind", "tags", "campaign", "metric", "classing", "occupied")
#: Figures and panels kept per process, each per data version and view.
VIEWS_KEPT = 128
P = ParamSpec("P")
R = TypeVar("R")


_MEMOS: list[LRUCache[Any, Any]] = []


def forget_views() -> None:
    """Drop every memoised figure and panel (benchmarks time building them)."""
    for memo in _MEMOS:
        memo.clear()


def per_view(function: Callable[P, R]) -> Callable[P, R]:
    """Memoise ``function(data, *args)`` per data version and (hashable) ``args``.

    ``data`` is anything with a ``version`` (a ``Dataset``; Compare's data too). Readers of
    one shared view ask the same questions. The counting engine keeps its tables
    (``core.viewtables``); this keeps what is built from them, which cost 10–33 ms of CPU a
    view at a million incidents (the map's values, the timeline's bars, the panels).
    Readers asking for a view being built wait for it rather than build it again.
    """
    lock = threading.Condition()
    memo: LRUCache[Any, Any] = LRUCache(VIEWS_KEPT)
    _MEMOS.append(memo)
    return cached(  # type: ignore[no-any-return]
        memo,
        key=lambda data, *args: hashkey(data.version, *args),
        lock=lock,
        condition=lock,
    )(function)


def controls_from(f: Filters) -> list[Any]:
    """Control values showing ``f`` (after Back or a pasted link)."""
    return [
        f.start.isoformat() if f.start else None,
        f.end.isoformat() if f.end else None,
        f.kinds[0] if len(f.kinds) == 1 else ALL_KINDS,
        list(f.tags),
        f.campaign,
        f.metric,
        f.classing,
        ["include"] if f.occupied else [],
    ]


def filters_from_controls(base: Filters, values: list[Any]) -> Filters:
    """``base`` with the control values applied (geography and incident are kept).

    The values go through the URL parser, so a control can never create a state that a
    link could not express.
    """
    start, end, kind, tags, campaign, metric, classing, occupied = values
    params = {
        "from": start[:10] if start else None,
        "to": end[:10] if end else None,
        "kind": None if kind in (None, ALL_KINDS) else kind,
        "tag": ",".join(tags or []) or None,
        "campaign": campaign or None,
        "metric": metric,
        "classes": classing,
        "occupied": "include" if occupied else None,
    }
    parsed, _ = view.parse_query(urlencode({k: v for k, v in params.items() if v}))
    return replace(
        parsed,
        region=base.region,
        city=base.city,
        incident=base.incident,
        symbols=base.symbols,
        lang=base.lang,
    )


def from_click(f: Filters, click: dict | None) -> Filters:
    """The view a map click asks for: a region's view, or a city's incidents.

    A click on nothing (no points) or of an unexpected shape asks for nothing; whether the
    region or city exists is checked by the caller (``next_state``).
    """
    points = (click or {}).get("points")
    point = points[0] if isinstance(points, list) and points else None
    if not isinstance(point, dict):
        return f
    curve, code, custom = point.get("curveNumber"), point.get("location"), point.get("customdata")
    if curve in REGION_CURVES and isinstance(code, str) and code:
        return f if code == f.region and not f.city else f.in_region(code)
    if curve in CITY_CURVES and isinstance(custom, list) and custom:
        if not isinstance(custom[0], str):
            return f
        if not f.region and len(custom) > 5 and isinstance(custom[5], str):
            return f.in_region(custom[5]).in_city(custom[0])  # a national symbol
        return f.in_city(custom[0])
    return f


def _range_ends(relayout: dict) -> tuple[str, str] | None:
    """The two ends of a dragged time axis, as plotly reports them, if both are text."""
    pair = relayout.get("xaxis.range")
    pair = pair if isinstance(pair, list) and len(pair) == 2 else [None, None]
    left = relayout.get("xaxis.range[0]") or pair[0]
    right = relayout.get("xaxis.range[1]") or pair[1]
    return (left, right) if isinstance(left, str) and isinstance(right, str) else None


def from_relayout(f: Filters, relayout: dict | None, extent: tuple | None = None) -> Filters:
    """The period a timeline drag (zoom) or double-click (autorange) asks for.

    A range that covers every day of the data (``extent``) means all dates, whichever way
    plotly reports it (autorange, or a reset to the first range it drew). A range that is
    not a pair of dates asks for nothing; one reaching past ``view.date_range`` is cut
    to it, so the view stays one a link can express.
    """
    relayout = relayout or {}
    if relayout.get("xaxis.autorange"):
        return replace(f, start=None, end=None)
    ends = _range_ends(relayout)
    if ends is None:
        return f
    try:
        start, end = view.period_from_range(*ends)
    except (ValueError, OverflowError):  # not a date, or beyond what a timestamp holds
        return f
    first, last = view.date_range()
    start, end = min(max(start, first), last), max(min(end, last), first)
    if extent and start <= extent[0] and end >= extent[1]:
        return replace(f, start=None, end=None)
    return replace(f, start=start, end=end)


@dataclass(frozen=True)
class StateInputs:
    """What ``next_state`` reads: the trigger and the current value of every input."""

    trigger: str | None
    search: str | None
    controls: list[Any]
    click: dict | None = None
    relayout: dict | None = None
    cell: dict | None = None
    state: dict | None = None


def state_from_url(data: Dataset, search: str | None) -> dict[str, Any]:
    """The view state a URL's query asks for, with notices for what could not be used."""
    lang = request_language(query_language(search))
    parsed, notices = view.parse_query(search or "", lang)
    f, missing = view.check_known(parsed, data.catalogue, lang)
    return ViewState(f.to_query(), (*notices, *missing)).to_store()


def next_state(data: Dataset, given: StateInputs) -> tuple[Any, list[Any], Any, Any]:
    """Outputs (URL search, control values, map clickData, view state) for one trigger.

    A URL change is read (with notices for what it could not use) and shown in the
    controls; any other input changes the current view and is pushed to the URL.
    """
    if given.trigger in (None, "url"):
        state = state_from_url(data, given.search)
        # Only controls that differ: the page is served showing its URL's view, and setting
        # them again would undo a change the user made before this reply arrived.
        shown = [
            no_update if value == now else value
            for value, now in zip(controls_from(_filters(state)), given.controls, strict=True)
        ]
        return no_update, shown, no_update, state
    current = _filters(given.state)
    if given.trigger == "map":
        f = from_click(current, given.click)
    elif given.trigger == "timeline":
        f = from_relayout(current, given.relayout, data.extent)
    elif given.trigger == "grid":
        row = (given.cell or {}).get("rowId")
        f = replace(current, incident=row) if isinstance(row, str) and row else current
    else:
        f = filters_from_controls(current, given.controls)
    # What the page offers exists; anything else in a request (forged) is dropped here.
    f, _ = view.check_known(f, data.catalogue)
    clicked = None if given.trigger == "map" else no_update
    if f == current:
        if clicked is None:
            return no_update, [no_update] * len(CONTROL_FIELDS), clicked, no_update
        raise PreventUpdate
    state = ViewState(f.to_query()).to_store()
    # "?" rather than "": dcc.Location does not push an empty search into the history.
    return f.to_query() or "?", [no_update] * len(CONTROL_FIELDS), clicked, state


@dataclass(frozen=True)
class ViewState:
    """What the ``view-state`` store holds: a view's query, its link's notices, its version.

    The query is canonical; the notices say what the page could not use from its link; the
    version is the data version the view is pinned to (``v=``), if any.
    Dash stores hold JSON, so it travels as :meth:`to_store`'s dict; :meth:`read` takes
    whatever a request carries (a store forged into another shape reads as the default view).
    """

    query: str = ""
    notices: tuple[str, ...] = ()
    version: str | None = None

    @classmethod
    def read(cls, store: Any) -> ViewState:
        """The state in a store's data (anything: it comes from the browser)."""
        if not isinstance(store, dict):
            return cls()
        query, notices, version = (store.get(k) for k in ("query", "notices", "version"))
        return cls(
            query if isinstance(query, str) else "",
            tuple(n for n in notices if isinstance(n, str)) if isinstance(notices, list) else (),
            version if isinstance(version, str) else None,
        )

    def to_store(self) -> dict[str, Any]:
        """The store's data for this state (an unpinned state names no version)."""
        pinned = {"version": self.version} if self.version else {}
        return {"query": self.query, "notices": list(self.notices), **pinned}

    @property
    def filters(self) -> Filters:
        """The view this state shows."""
        return Filters.from_query(self.query)


def _filters(state: Any) -> Filters:
    return ViewState.read(state).filters


def map_shown(data: Dataset, state: dict | None) -> str:
    """What a map drawn for ``state`` shows: the data version and the view's query."""
    return f"{data.version}{ViewState.read(state).query}"


def map_for(data: Dataset, state: dict | None, figure: dict[str, Any]) -> dict[str, Any]:
    """``figure`` (the map's static part, as plotly JSON) already showing ``state``.

    The page is served with it, so plotly's first draw has the values instead of drawing
    the bare geometry and then the whole map again when the first values patch arrives.
    ``figure`` is not modified (only the traces and layout parts a view sets are copied).
    """
    out: dict[str, Any] = {"data": list(figure["data"]), "layout": dict(figure["layout"])}
    f = _filters(state)
    for (part, at), props in _map_parts(data, f, request_language(f.lang)).items():
        out[part][at] = props if isinstance(props, list) else {**out[part][at], **props}
    return out


def render_map(data: Dataset, state: dict | None, shown: str | None = None) -> tuple[Any, Any]:
    """A patch of values, legend, frame and city bubbles, and what the map then shows.

    Geometry is not resent; nothing is sent when the map already shows ``state`` (``shown``,
    see ``map_shown``): the page arrives with its first view drawn.
    """
    now = map_shown(data, state)
    if shown == now:
        return no_update, no_update
    patch = Patch()
    f = _filters(state)
    for (part, at), props in _map_parts(data, f, request_language(f.lang)).items():
        if isinstance(props, list):
            patch[part][at] = props
        else:
            patch[part][at].update(props)
    return patch, now


_map_parts = per_view(figures.map_parts)


def timeline_shown(data: Dataset, f: Filters) -> dict[str, Any]:
    """What a timeline for ``f`` shows: its rows, and the period it is framed on.

    Rows are keyed by the data version and the filters that pick them; metric, colouring and
    the chosen incident play no part.
    """
    rows = replace(_timeline_view(f), start=None, end=None)
    period = [day.isoformat() if day else None for day in (f.start, f.end)]
    return {"key": f"{data.version}?{rows.to_query()}", "period": period}


def _timeline_view(f: Filters) -> Filters:
    """``f`` without what a timeline does not show (metric, colouring, chosen incident)."""
    return replace(f, metric="detained", classing="quantile", incident=None)


@per_view
def _timeline_figure(data: Dataset, f: Filters, lang: str) -> go.Figure:
    """The whole timeline for ``f`` (see ``_timeline_view``)."""
    daily = figures.timeline_daily(data, f)
    return layers.daily_bars(daily, period=(f.start, f.end), extent=data.extent, lang=lang)


def render_timeline(data: Dataset, state: dict | None, shown: dict | None = None) -> Any:
    """Daily bars of the view's rows over all dates, framed on the selected period.

    ``shown`` is what the browser's timeline already shows (see ``timeline_shown``): when its
    rows are the same, nothing is sent, or only the frame (x axis and notes) if the period
    moved. A million incidents make a bar per day over years: resending them on every metric
    or period change was most of an interaction's bytes.
    """
    f = _filters(state)
    now = timeline_shown(data, f)
    if shown == now:
        return no_update, no_update
    if not isinstance(shown, dict) or shown.get("key") != now["key"]:
        return _timeline_figure(data, _timeline_view(f), request_language(f.lang)), now
    daily = figures.timeline_daily(data, f)
    if daily.empty or data.extent is None:  # the "nothing matches" chart has no frame
        return no_update, now
    frame = Patch()
    for name, value in layers.period_frame(
        daily["date"], period=(f.start, f.end), extent=data.extent, lang=request_language(f.lang)
    ).items():
        frame["layout"][name] = value  # replaced whole: a long period drops the daily ticks
    return frame, now


def render_map_table(data: Dataset, state: dict | None, by: str | None) -> Any:
    """The map's regions and values as a table (every region, as the map colours them)."""
    f = _filters(state)
    table = data.tables.region_table(everywhere(f), f.metric)
    by = by if by in SORTS else next(iter(SORTS))
    return region_value_table(table, f.metric, by, request_language(f.lang))


#: What the browser reports of its layout (``assets/clientside.js``).
SCREENS = ("phone", "wide")


def render_panels(
    data: Dataset, state: dict | None, base: str, screen: str | None = None
) -> dict[str, Any]:
    """Notice, breadcrumb, summary, description, side panel, table and incident detail.

    The incidents go to the grid's rows or to the cards, whichever ``screen`` shows: the
    browser reports "phone" or "wide" (``assets/clientside.js``); unknown, both are sent.
    Each view change on a desktop would otherwise build and send the phone's cards too.
    """
    given = ViewState.read(state)
    shown = screen if screen in SCREENS else None  # anything else a client sends: unknown
    return _panels(data, given, base, shown, request_language(given.filters.lang))


@per_view
def _panels(
    data: Dataset, given: ViewState, base: str, screen: str | None, lang: str
) -> dict[str, Any]:
    """``render_panels``'s answer for one view in ``lang``."""
    f, notices = given.filters, list(given.notices)
    names = data.names_in(lang)
    _ = functools.partial(gettext, lang)
    tables = data.tables
    at = data.catalogue.incidents.position(f.incident) if f.incident else None
    shown = at is not None and aggregates.contains(tables.rows(f), at)
    # An incident view's headline is that incident's figures, not its city's.
    in_view = np.array([at]) if shown else tables.rows(f)
    summary = aggregates.summarise(tables.columns, in_view) if shown else tables.summary(f)
    if f.region:
        table = tables.region_table(everywhere(f), f.metric)
        region = table[table["region_code"] == f.region].iloc[0]
        cities = tables.city_table(f.in_region(f.region))
        side = layers.region_panel(region, cities, f, base, lang, names)
    else:
        side = layers.top_regions(tables.region_table(f, f.metric), f, base, lang=lang)
    total, newest = tables.newest(f, layers.grid.MAX_ROWS)
    # Only the grid's columns of the newest rows: taking all ~40 cost 5 ms at 1M.
    listed = data.incidents[list(layers.grid.COLUMNS)].iloc[newest]
    incident = data.incidents.iloc[[at]] if shown else None
    heading = _("Incidents ({n})").format(n=format_number(total, lang))
    if total > layers.grid.MAX_ROWS:
        heading += _(
            ", newest {n} shown: narrow the selection, or download the CSV for all"
        ).format(n=format_number(layers.grid.MAX_ROWS, lang))
    description = f.describe(names, lang)
    rows = layers.grid_rows(listed, selected=f.incident, lang=lang, names=names)
    about_link = base + about.PATH.lstrip("/") + (f"?lang={f.lang}" if f.lang else "")
    return {
        "notice": layers.notice(notices, lang),
        "notice_hidden": not notices,
        "breadcrumb": layers.breadcrumb(f, names, names.get(f.city or ""), base, lang),
        "summary": layers.summary_strip(
            summary,
            version=data.version,
            as_of=data_as_of(data.incidents, in_view),
            about=about_link,
            lang=lang,
        ),
        "description": description,
        "map_summary": alt_text(data, f, lang),
        "empty_hidden": summary.incidents > 0,
        "side": side,
        "heading": heading,
        "rows": [] if screen == "phone" else rows,
        "cards": [] if screen == "wide" else incident_cards(rows, f, base, lang),
        "detail": layers.incident_detail(
            None if incident is None else incident.iloc[0], lang, names
        ),
        "switch": language_switch(f.to_query(), lang, base),
    }
