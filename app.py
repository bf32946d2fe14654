"""The protestmap dashboard: ``create_app(settings)`` reads the store once and wires callbacks.

``protestmap serve`` (waitress) and ``python app.py`` call ``create_app``; WSGI servers can
use ``app:server``, which builds the app from ``PROTESTMAP_*`` settings on first access.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State, ctx, set_props

import layers
from geodata import ids, store
from geodata.settings import Settings
from pages import views
from pages.dataset import Dataset, build_dataset
from pages.layout import page

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
_TRIGGERS = {ids.URL: "url", ids.MAP: "map", ids.TIMELINE: "timeline", ids.GRID: "grid"}


def load_dataset(settings: Settings) -> Dataset:
    """Read incidents, regions and countries from the store (the app's only file reads)."""
    return build_dataset(
        store.read_incidents(settings.incidents_path),
        store.read_regions(settings.regions_path),
        store.read_countries(settings.countries_path),
        store.read_metadata(settings.incidents_path),
    )


def _on_error(err: Exception) -> None:
    """Log a failed callback and tell the user, instead of failing silently."""
    log.exception("callback failed", exc_info=err)
    set_props(
        ids.NOTICE,
        {
            "hidden": False,
            "children": "Something went wrong while updating this view. "
            "Reload the page; if it persists, report the link.",
        },
    )


def create_app(settings: Settings | None = None, *, data: Dataset | None = None) -> dash.Dash:
    """Build the Dash app over the store in ``settings.data`` (or an already loaded dataset)."""
    data = data or load_dataset(settings or Settings.from_env())
    app = dash.Dash(
        __name__,
        title="protestmap",
        use_pages=False,
        compress=True,
        on_error=_on_error,
        update_title="",
    )
    base = app.config.requests_pathname_prefix
    figure = layers.map_figure(data.regions, data.countries)
    app.layout = page(data, figure, app.get_asset_url("topojson/"))
    _register(app, data, base)
    return app


def _register(app: dash.Dash, data: Dataset, base: str) -> None:
    """Wire thin callbacks to the view functions in ``pages.views``."""

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
        },
    )
    def sync_state(
        search: str | None,
        controls: list,
        click: dict | None,
        relayout: dict | None,
        cell: dict | None,
        state: dict | None,
    ) -> dict:
        triggered = ctx.triggered_id
        trigger = _TRIGGERS.get(triggered, "control") if triggered else None
        out = views.next_state(
            data, views.StateInputs(trigger, search, controls, click, relayout, cell, state)
        )
        return dict(zip(("search", "controls", "click", "state"), out, strict=True))

    @app.callback(Output(ids.MAP, "figure"), Input(ids.STATE, "data"))
    def update_map(state: dict | None) -> Any:
        return views.render_map(data, state)

    @app.callback(Output(ids.TIMELINE, "figure"), Input(ids.STATE, "data"))
    def update_timeline(state: dict | None) -> Any:
        return views.render_timeline(data, state)

    @app.callback(
        Output(ids.NOTICE, "children"),
        Output(ids.NOTICE, "hidden"),
        Output(ids.BREADCRUMB, "children"),
        Output(ids.SUMMARY, "children"),
        Output(ids.DESCRIPTION, "children"),
        Output(ids.EMPTY, "hidden"),
        Output(ids.REGION_PANEL, "children"),
        Output(ids.INCIDENT_HEADING, "children"),
        Output(ids.GRID, "rowData"),
        Output(ids.DETAIL, "children"),
        Input(ids.STATE, "data"),
    )
    def update_panels(state: dict | None) -> tuple:
        out = views.render_panels(data, state, base)
        return (
            out["notice"],
            out["notice_hidden"],
            out["breadcrumb"],
            out["summary"],
            out["description"],
            out["empty_hidden"],
            out["side"],
            out["heading"],
            out["rows"],
            out["detail"],
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
    """``app:server`` for WSGI servers, built once, on first access (not at import)."""
    if name == "server":
        return _app_from_env().server
    raise AttributeError(name)


if __name__ == "__main__":
    create_app(Settings.from_env()).run(host="127.0.0.1", port=8050, debug=False)
