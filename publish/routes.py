"""Flask routes for publishing: snapshots, downloads, the embed page, and framing headers.

``register_routes(server, data, settings)`` adds, on the Dash app's Flask server:

- ``/export/map.<png|svg|pdf>?<view>&scale=&width=&height=&timeline=1&v=`` (cached, pooled)
- ``/download/incidents.<csv|geojson>?<view>`` and ``/download/regions.csv?<view>``
- ``/embed?<view>&timeline=1&v=``, the only page other sites may frame
- ``/embed/static/<file>``: plotly.js, the stub topojson, the embed's script and style

Bad URLs get 400 with the reason, a full render pool 503 with ``Retry-After``, a render that
hangs 504. Every response but the embed page forbids framing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flask
import plotly

from geodata import downloads, exports, queries
from geodata.errors import ProtestmapError
from geodata.settings import PROJECT_ROOT, Settings
from pages.dataset import Dataset
from publish import embed
from publish.params import BadRequest, PublishRequest, check_format, parse_request
from publish.versions import DataSource, UnknownVersion

STATIC_DIR = Path(__file__).with_name("static")
#: The dashboard's partial plotly.js (built by ``make setup``; a third of the full bundle's
#: size, with every trace the embed draws), else plotly.py's full bundle.
PLOTLY_JS = next(
    path
    for path in (
        PROJECT_ROOT / "assets" / "vendor" / "plotly.min.js",
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
    )
    if path.exists()
)
EMBED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors *"
)
NO_FRAMING_CSP = "frame-ancestors 'none'"


class Publisher:
    """What the publish routes share: data by version, the render pool and the cache."""

    def __init__(
        self, data: Dataset, settings: Settings, *, pool: exports.RenderPool | None = None
    ) -> None:
        self.source = DataSource(settings.data, data)
        self.pool = pool or exports.RenderPool()
        self.cache = exports.ExportCache(settings.cache / "exports")

    def request(self) -> tuple[PublishRequest, Dataset]:
        """The parsed URL and the dataset it asks for (400 on anything wrong)."""
        args = {k: flask.request.args.getlist(k) for k in flask.request.args}
        pins = args.get("v", [])
        version = pins[-1] if pins else None
        try:
            data = self.source.get(version)
        except UnknownVersion as exc:
            raise BadRequest(str(exc)) from None
        return parse_request(args, data.catalogue), data

    def snapshot(self, fmt: str) -> bytes:
        """The export bytes for the current URL, from the cache or the render pool."""
        req, data = self.request()
        today = dt.datetime.now(dt.UTC).date()
        key = (
            req.query,
            data.version,
            fmt,
            req.width,
            req.height,
            req.scale,
            req.timeline,
            today.isoformat(),
        )
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        text = exports.caption(
            data, req.filters, version=data.version, accessed=today, about=about_url()
        )
        figure = exports.publication_figure(data, req.filters, text, timeline=req.timeline)
        image = self.pool.render(figure, fmt, width=req.width, height=req.height, scale=req.scale)
        self.cache.set(key, image)
        return image


def _provenance(req: PublishRequest, data: Dataset) -> downloads.Provenance:
    return downloads.Provenance(
        description=req.filters.describe(data.names),
        query=req.link_query(),
        version=data.version,
        credit=exports.credit_line(data.incidents, about=about_url()),
        accessed=dt.datetime.now(dt.UTC).date(),
    )


def about_url() -> str:
    """The full address of the "About the data" page, as the current request reached the app."""
    return flask.request.host_url.rstrip("/") + flask.request.script_root + exports.ABOUT_PATH


def _error(status: int, message: str, **headers: str) -> flask.Response:
    response = flask.Response(message + "\n", status=status, mimetype="text/plain")
    response.headers.update(headers)
    return response


def guarded(view: Callable[..., flask.Response]) -> Callable[..., flask.Response]:
    """Turn expected failures into 400 / 503 / 504 answers with a readable message."""

    def wrapper(*args: Any, **kwargs: Any) -> flask.Response:
        try:
            return view(*args, **kwargs)
        except BadRequest as exc:
            return _error(400, f"Bad request: {exc}")
        except exports.Busy as exc:
            return _error(503, str(exc), **{"Retry-After": str(exc.retry_after)})
        except exports.RenderTimeout as exc:
            return _error(504, str(exc))
        except ProtestmapError as exc:
            return _error(500, str(exc))

    wrapper.__name__ = view.__name__
    return wrapper


def _frame_headers(response: flask.Response) -> flask.Response:
    """Only the embed page may be framed, by any site; everything else by none."""
    if flask.request.path.rstrip("/").endswith("/embed"):
        response.headers["Content-Security-Policy"] = EMBED_CSP
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers["X-Frame-Options"] = "DENY"
        existing = response.headers.get("Content-Security-Policy")
        response.headers["Content-Security-Policy"] = (
            f"{existing}; {NO_FRAMING_CSP}" if existing else NO_FRAMING_CSP
        )
    return response


def register_routes(
    server: flask.Flask,
    data: Dataset,
    settings: Settings,
    *,
    pool: exports.RenderPool | None = None,
) -> Publisher:
    """Add the publish routes and the framing headers to ``server``; return their state."""
    pub = Publisher(data, settings, pool=pool)
    server.after_request(_frame_headers)

    @server.route("/export/map.<fmt>")
    @guarded
    def export_map(fmt: str) -> flask.Response:
        check_format(fmt, tuple(exports.FORMATS))
        response = flask.Response(pub.snapshot(fmt), mimetype=exports.FORMATS[fmt])
        response.headers["Content-Disposition"] = f'inline; filename="protestmap-map.{fmt}"'
        return response

    @server.route("/download/incidents.<fmt>")
    @guarded
    def download_incidents(fmt: str) -> flask.Response:
        check_format(fmt, ("csv", "geojson"))
        req, data = pub.request()
        rows = queries.scope(queries.select(data.incidents, req.filters), req.filters)
        about = _provenance(req, data)
        if fmt == "csv":
            body, mime = downloads.incidents_csv(rows, about), "text/csv"
        else:
            body, mime = downloads.incidents_geojson(rows, about), "application/geo+json"
        return _attachment(body, mime, f"protestmap-incidents.{fmt}")

    @server.route("/download/regions.<fmt>")
    @guarded
    def download_regions(fmt: str) -> flask.Response:
        check_format(fmt, ("csv",))
        req, data = pub.request()
        selected = queries.select(data.incidents, req.filters)
        table = queries.region_table(selected, data.regions, req.filters.metric)
        body = downloads.regions_csv(table, _provenance(req, data))
        return _attachment(body, "text/csv", "protestmap-regions.csv")

    @server.route("/embed")
    @guarded
    def embed_view() -> flask.Response:
        req, data = pub.request()
        latest = pub.source.current()
        root = flask.request.script_root
        today = dt.datetime.now(dt.UTC).date()
        text = exports.caption(
            data, req.filters, version=data.version, accessed=today, about=about_url()
        )
        newer = None
        if req.version and latest.version != data.version:
            newer = f"{root}/{req.link_query(pinned=False)}"
        page = embed.embed_page(
            data,
            req.filters,
            text=text,
            timeline=req.timeline,
            static=f"{root}/embed/static",
            full_view=f"{root}/{req.query}",
            about=about_url(),
            newer=newer,
        )
        return flask.Response(page, mimetype="text/html")

    @server.route("/embed/static/<path:name>")
    def embed_static(name: str) -> flask.Response:
        if name == "plotly.min.js":
            return flask.send_file(PLOTLY_JS, max_age=86_400)
        if name.startswith("topojson/"):
            return flask.send_from_directory(exports.TOPOJSON_DIR, name.removeprefix("topojson/"))
        return flask.send_from_directory(STATIC_DIR, name)

    return pub


def _attachment(body: str, mimetype: str, filename: str) -> flask.Response:
    response = flask.Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
