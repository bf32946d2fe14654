"""Flask routes for publishing: snapshots, downloads, the embed page, and framing headers.

``register_routes(server, data, settings)`` adds, on the Dash app's Flask server:

- ``/export/map.<png|svg|pdf>?<view>&scale=&width=&height=&timeline=1&v=`` (cached, pooled)
- ``/download/incidents.<csv|geojson>?<view>`` and ``/download/regions.csv?<view>``
- ``/embed?<view>&timeline=1&v=``, the only page other sites may frame
- ``/embed/static/[v<hex>/]<file>``: plotly.js, topojson, the embed's script and style
- ``/geo/<kind>-<digest>.json``: the boundaries every map names (``layers.geofiles``), immutable

Bad URLs get 400 with the reason, a full render pool 503 with ``Retry-After``, a render that
hangs 504. Which responses may be framed is decided in ``publish.headers``.
"""

from __future__ import annotations

import datetime as dt
import os
import pkgutil
import re
import threading
from collections.abc import Callable, Hashable
from dataclasses import replace
from pathlib import Path

import cachetools
import flask
import plotly
import plotly.graph_objects as go
from werkzeug.exceptions import NotFound

from core.dataset import Dataset
from core.i18n import DEFAULT, N_, other_language, with_language
from core.texts import ABOUT_PATH, credit_in, export_filename, with_about
from core.versions import DataSource, UnknownVersion
from core.viewtables import everywhere
from geodata.settings import PROJECT_ROOT, Settings
from layers import geofiles
from layers.language import request_language
from publish import downloads, embed, exports, shared
from publish.params import BadRequest, PublishRequest, check_format, parse_request
from publish.singleflight import LocalFlights, SingleFlight

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


#: Formats of the embed's static map: WebP is a sixth of the PNG's bytes.
STATIC_FORMATS = {"webp": "image/webp", "png": "image/png"}
#: Embed pages kept per process (the views a news site embeds are few and read often).
EMBEDS_KEPT = 32
#: A path segment naming a version of the embed's static files (``/embed/static/v<hex>/``).
STAMPED = re.compile(r"^v[0-9a-f]+$")


def embed_files_version() -> str:
    """The version of the embed's static files: their newest change, as ``v<hex>``.

    The embed page links them under it, so browsers may cache them for good
    (``publish.headers``); a new install gives new URLs.
    """
    files = [PLOTLY_JS, *STATIC_DIR.iterdir(), *exports.TOPOJSON_DIR.iterdir()]
    return f"v{int(max(f.stat().st_mtime for f in files)):x}"


class Publisher:
    """What the publish routes share: data by version, the render pool and the cache.

    With ``settings.redis`` the cache, the render locks and the queue's limit are the fleet's
    (``publish.shared``), and each worker process listens for "new data version" messages.
    """

    def __init__(
        self, data: Dataset, settings: Settings, *, pool: exports.RenderPool | None = None
    ) -> None:
        self.source = DataSource.from_settings(settings, data)
        self.pool = pool or exports.RenderPool(machine_lock=settings.cache / "render.lock")
        local = exports.ExportCache(settings.cache / "exports")
        self.cache: exports.ExportCache | shared.SharedExportCache = local
        self.flights: SingleFlight = LocalFlights()
        self.channel: shared.VersionChannel | None = None
        self._listening_pid: int | None = None
        if settings.redis:
            link = shared.RedisLink(settings.redis)
            hold = self.pool.timeout + 15  # a crashed render's lock and slot expire after this
            self.cache = shared.SharedExportCache(local, link)
            self.flights = shared.RedisFlights(link, hold=hold, wait=self.pool.timeout)
            self.pool.fleet = shared.FleetSlots(link, limit=self.pool.capacity, hold=hold)
            self.channel = shared.VersionChannel(link)

    def listen(self) -> None:
        """Start this process's "new data version" listener (once per forked worker)."""
        if self.channel is None or self._listening_pid == os.getpid():
            return
        self._listening_pid = os.getpid()
        self.channel.listen(self.source.refresh)

    def request(self) -> tuple[PublishRequest, Dataset]:
        """The parsed URL and the dataset it asks for (400 on anything wrong)."""
        args = {k: flask.request.args.getlist(k) for k in flask.request.args}
        pins = args.get("v", [])
        version = pins[-1] if pins else None
        try:
            data = self.source.get(version)
        except UnknownVersion as exc:
            raise BadRequest(exc.message, **exc.values) from None
        asked = args.get("lang", [None])[-1]
        return parse_request(args, data.catalogue, request_language(asked)), data

    def snapshot(self, fmt: str) -> bytes:
        """The export bytes for the current URL, from the cache or the render pool."""
        req, data = self.request()
        today = dt.datetime.now(dt.UTC).date()
        lang = request_language(req.filters.lang)
        about = about_url(lang)  # the credit names it; read here, in the request
        key = (
            req.query,
            lang,
            data.version,
            fmt,
            req.width,
            req.height,
            req.scale,
            req.timeline,
            today.isoformat(),
            about,
        )

        def build() -> go.Figure:
            text = exports.caption(
                data, req.filters, version=data.version, accessed=today, about=about, lang=lang
            )
            return exports.publication_figure(
                data,
                req.filters,
                text,
                timeline=req.timeline,
                size=(req.width, req.height),
                lang=lang,
            )

        return self.cached_render(
            key, build, fmt, width=req.width, height=req.height, scale=req.scale
        )

    def cached_render(
        self,
        key: Hashable,
        build: Callable[[], go.Figure],
        fmt: str,
        *,
        width: int,
        height: int,
        scale: int,
    ) -> bytes:
        """The image cached under ``key``, else rendered once however many ask at once.

        The figure is built only after the pool has admitted the render, so a refused
        request (``Busy``, 503) is answered without building it.
        """
        cached = self.cache.get(key)
        flask.g.export_cache = "HIT"
        if cached is not None:
            return cached

        def render() -> bytes:
            image = self.cache.get(key)  # a run that just ended may have stored it
            if image is None:
                image = self.pool.render(build, fmt, width=width, height=height, scale=scale)
                self.cache.set(key, image)
                flask.g.export_cache = "MISS"
            return image

        return self.flights.run(key, render)


def _provenance(req: PublishRequest, data: Dataset) -> downloads.Provenance:
    lang = request_language(req.filters.lang)
    return downloads.Provenance(
        description=req.filters.describe(data.names_in(lang), lang),
        query=req.link_query(),
        version=data.version,
        credit=with_about(credit_in(data, lang), about_url(lang), lang),
        accessed=dt.datetime.now(dt.UTC).date(),
        lang=lang,
    )


def about_url(lang: str = DEFAULT) -> str:
    """The full address of the "About the data" page, as the current request reached the app.

    A page in another language than the default links the page in that language.
    """
    query = "" if lang == DEFAULT else f"?lang={lang}"
    return flask.request.host_url.rstrip("/") + flask.request.script_root + ABOUT_PATH + query


def register_routes(
    server: flask.Flask,
    data: Dataset,
    settings: Settings,
    *,
    pool: exports.RenderPool | None = None,
) -> Publisher:
    """Add the publish routes to ``server``; return their state (headers: ``publish.headers``)."""
    pub = Publisher(data, settings, pool=pool)
    static_version = embed_files_version()
    #: Embed pages built, by everything they show (half a megabyte and half a second each).
    embed_pages: cachetools.LRUCache[tuple, str] = cachetools.LRUCache(EMBEDS_KEPT)
    embed_lock = threading.Lock()
    server.before_request(pub.listen)

    @server.after_request
    def say_cache(response: flask.Response) -> flask.Response:
        """``X-Cache: HIT`` when an export came from the (fleet's) cache, else ``MISS``."""
        if "export_cache" in flask.g:
            response.headers["X-Cache"] = flask.g.export_cache
        if flask.g.get("vary_language"):  # chosen by the browser's Accept-Language
            response.vary.add("Accept-Language")
        return response

    @server.route("/export/map.<fmt>")
    def export_map(fmt: str) -> flask.Response:
        check_format(fmt, tuple(exports.FORMATS))
        req, data = pub.request()
        name = export_filename(data, req.filters, fmt)
        return _attachment(pub.snapshot(fmt), exports.FORMATS[fmt], name)

    @server.route("/download/incidents.<fmt>")
    def download_incidents(fmt: str) -> flask.Response:
        check_format(fmt, ("csv", "geojson"))
        req, data = pub.request()
        rows = data.incidents.iloc[data.tables.rows(req.filters)]
        about = _provenance(req, data)
        if fmt == "csv":
            body, mime = downloads.incidents_csv(rows, about), "text/csv"
        else:
            body, mime = downloads.incidents_geojson(rows, about), "application/geo+json"
        return _attachment(body, mime, f"protestmap-incidents.{fmt}")

    @server.route("/download/regions.<fmt>")
    def download_regions(fmt: str) -> flask.Response:
        check_format(fmt, ("csv",))
        req, data = pub.request()
        table = data.tables.region_table(everywhere(req.filters), req.filters.metric)
        body = downloads.regions_csv(table, _provenance(req, data))
        return _attachment(body, "text/csv", "protestmap-regions.csv")

    @server.route("/embed")
    def embed_view() -> flask.Response:
        req, data = pub.request()
        latest = pub.source.current()
        root = flask.request.script_root
        today = dt.datetime.now(dt.UTC).date()
        # A pin older than the latest data says so, and neither can change any more.
        flask.g.immutable = bool(req.version) and latest.version != data.version
        lang = request_language(req.filters.lang)
        about = about_url(lang)
        key = (req.query, lang, req.timeline, data.version, latest.version, root, about, today)
        with embed_lock:
            page = embed_pages.get(key)
        if page is None:
            page = build_embed(req, data, latest, root, today, lang)
            with embed_lock:
                embed_pages[key] = page
        return flask.Response(page, mimetype="text/html")

    def build_embed(
        req: PublishRequest,
        data: Dataset,
        latest: Dataset,
        root: str,
        today: dt.date,
        lang: str,
    ) -> str:
        about = about_url(lang)
        text = exports.caption(
            data, req.filters, version=data.version, accessed=today, about=about, lang=lang
        )
        in_lang = replace(req, filters=replace(req.filters, lang=lang))
        newer = None
        if req.version and latest.version != data.version:
            newer = f"{root}/{in_lang.link_query(pinned=False)}"
        other = other_language(lang)
        view = with_language(req.link_query(), lang)
        page = embed.embed_page(
            data,
            req.filters,
            text=text,
            timeline=req.timeline,
            static=f"{root}/embed/static/{static_version}",
            image=f"{root}/export/embed.webp{view}",
            figures=f"{root}/embed/figures.json{view}",
            full_view=f"{root}/{in_lang.query}",
            about=about,
            newer=newer,
            lang=lang,
            switch=f"{root}/embed{with_language(req.link_query(), other)}",
        )
        return page

    @server.route("/embed/figures.json")
    def embed_figures() -> flask.Response:
        req, data = pub.request()
        lang = request_language(req.filters.lang)
        key = ("figures", req.query, lang, req.timeline, data.version)
        with embed_lock:
            body = embed_pages.get(key)
        if body is None:
            body = embed.embed_figures(data, req.filters, timeline=req.timeline, lang=lang)
            with embed_lock:
                embed_pages[key] = body
        return flask.Response(body, mimetype="application/json")

    @server.route("/export/embed.<fmt>")
    def export_embed(fmt: str) -> flask.Response:
        """The embed's static map (no captions: the page has them), cached like exports."""
        check_format(fmt, tuple(STATIC_FORMATS))
        req, data = pub.request()
        lang = request_language(req.filters.lang)
        width = req.width
        height = embed.static_height(width)
        key = ("embed", req.query, lang, data.version, fmt, width, height)
        image = pub.cached_render(
            key,
            lambda: embed.static_map(data, req.filters, width, lang),
            fmt,
            width=width,
            height=height,
            scale=1,
        )
        return flask.Response(image, mimetype=STATIC_FORMATS[fmt])

    icon = pkgutil.get_data("dash", "favicon.ico")

    @server.route("/favicon.ico")
    def favicon() -> flask.Response:
        """The icon where browsers look for one unasked (the embed page names none)."""
        response = flask.Response(icon, mimetype="image/x-icon")
        response.cache_control.public = True
        response.cache_control.max_age = 24 * 3600
        return response

    @server.route(f"/{geofiles.URL_PATH}<name>")
    def geometry(name: str) -> flask.Response:
        """A boundary file the maps name (``layers.geofiles``); its name is its content's digest."""
        body = geofiles.geojson_file(name)
        if body is None:
            raise NotFound(N_("no such boundary file"))
        flask.g.immutable = True
        return flask.Response(body, mimetype="application/geo+json")

    @server.route("/embed/static/<path:name>")
    def embed_static(name: str) -> flask.Response:
        stamp, _, rest = name.partition("/")
        if STAMPED.match(stamp):  # the versioned URL the embed page uses
            if stamp != static_version:
                raise NotFound(N_("this version of the embed's files is not served any more"))
            name = rest
        if name == "plotly.min.js":
            return flask.send_file(PLOTLY_JS, max_age=86_400)
        if name.startswith("topojson/"):
            return flask.send_from_directory(exports.TOPOJSON_DIR, name.removeprefix("topojson/"))
        return flask.send_from_directory(STATIC_DIR, name)

    return pub


def _attachment(body: str | bytes, mimetype: str, filename: str) -> flask.Response:
    response = flask.Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
