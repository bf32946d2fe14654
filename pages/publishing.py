"""The dashboard's publishing controls: Export, Download, Embed, Compare, pinned versions.

The controls are links to the publish routes (``publish.routes``) built from the view's
canonical query, so what a user exports, downloads or embeds is exactly what they see. A
``v=<version>`` in the dashboard's URL pins the data version; it is kept out of the view
query (which describes *what* is shown) and carried beside it in the view state.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

from dash import dcc, html

from core.dataset import Dataset
from core.i18n import DEFAULT, N_, gettext
from core.texts import alt_text, caption, embed_snippet, export_filename
from core.versions import DataSource, UnknownVersion
from core.view import Filters
from pages import ids, views

COPY_EMBED_TITLE = N_("Copy the embed code")
#: (label, format, scale) of each Export link.
EXPORTS = (("PNG", "png", 1), ("PNG 2×", "png", 2), ("SVG", "svg", 1), ("PDF", "pdf", 1))
#: (label, path) of each Download link.
DOWNLOADS = (
    (N_("Incidents (CSV)"), "download/incidents.csv"),
    (N_("Incidents (GeoJSON)"), "download/incidents.geojson"),
    (N_("Regional aggregates (CSV)"), "download/regions.csv"),
)


def split_version(search: object) -> tuple[str, str | None]:
    """The view's query without ``v``, and the pinned version (the last ``v`` given).

    Anything but text (a store forged into another type) is read as no query at all.
    """
    text = search if isinstance(search, str) else ""
    pairs = parse_qsl(text.lstrip("?"), keep_blank_values=True)
    versions = [value for name, value in pairs if name == "v" and value]
    rest = urlencode([(name, value) for name, value in pairs if name != "v"], safe=",:")
    return (f"?{rest}" if rest else ""), (versions[-1] if versions else None)


def with_params(query: str, **params: str | None) -> str:
    """``query`` (``?...``, ``?`` or ``""``) with the given parameters appended (None: left out)."""
    extra = urlencode({k: v for k, v in params.items() if v}, safe=",:")
    body = query.lstrip("?")
    joined = "&".join(part for part in (body, extra) if part)
    return f"?{joined}" if joined else query


def dataset_for(
    source: DataSource, version: str | None, lang: str = DEFAULT
) -> tuple[Dataset, str | None]:
    """The dataset of a pinned ``version`` (or the latest), and a notice if it is not kept."""
    try:
        return source.get(version), None
    except UnknownVersion:
        notice = gettext(
            lang, "Data version {version} is not kept by this server; showing the latest data."
        ).format(version=version)
        return source.current(), notice


def _menu(label: str, menu_id: str, body: list) -> html.Details:
    return html.Details(
        [html.Summary(label), html.Div(body, className="menu-body")],
        id=menu_id,
        className="menu",
    )


def controls(lang: str = DEFAULT) -> html.Div:
    """Export, Download and Embed menus and the Compare link (filled in by ``render``)."""
    _ = functools.partial(gettext, lang)
    export = _menu(
        _("Export"),
        ids.EXPORT_MENU,
        [
            html.Div(id=ids.EXPORT_LINKS, className="menu-links"),
            dcc.Checklist(
                id=ids.EXPORT_TIMELINE,
                options=[{"label": " " + _("include timeline"), "value": "1"}],
                value=[],
            ),
        ],
    )
    download = _menu(
        _("Download"), ids.DOWNLOAD_MENU, [html.Div(id=ids.DOWNLOAD_LINKS, className="menu-links")]
    )
    embed = _menu(
        _("Embed"),
        ids.EMBED_DIALOG,
        [
            html.Label(_("Paste this into your page"), htmlFor=ids.EMBED_SNIPPET),
            dcc.Textarea(id=ids.EMBED_SNIPPET, readOnly=True, className="embed-snippet"),
            dcc.Clipboard(
                id=ids.COPY_EMBED,
                target_id=ids.EMBED_SNIPPET,
                title=_(COPY_EMBED_TITLE),
                className="copy",
            ),
            html.Div(id=ids.EMBED_INFO, className="embed-info"),
        ],
    )
    return html.Div(
        [export, download, embed, html.Span(id=ids.NEWER, className="newer")],
        className="publish-controls",
    )


def _href(base: str, path: str, query: str) -> str:
    return f"{base}{path}{query}"


def compare_with(f: Filters, names: dict[str, str], base: str, lang: str = DEFAULT) -> list:
    """A "compare with..." link for a region or city view, carrying the map's period."""
    place = f.city if f.city and f.city.isdigit() else f.region
    if not place:
        return []
    query = with_params(
        "",
        places=place,
        start=f.start.isoformat() if f.start else None,
        end=f.end.isoformat() if f.end else None,
        lang=f.lang,
    )
    label = gettext(lang, "Compare {place} with…").format(place=names.get(place, place))
    return [dcc.Link(label, href=_href(base, "compare", query), className="compare-with")]


def render(
    data: Dataset,
    state: dict | None,
    *,
    latest: str,
    base: str,
    host: str,
    timeline: bool,
    lang: str = DEFAULT,
) -> dict[str, object]:
    """Every publishing control of the view in ``state`` (its query and pinned version).

    ``latest`` is the newest data version, ``base`` the app's path prefix, ``host`` its public
    origin (for the embed snippet). Links carry the data version shown, so an export or
    download cites exactly those numbers, and the page's language ``lang``, so an image or an
    embed is in the language the reader chose it in.
    """
    _ = functools.partial(gettext, lang)
    given = views.ViewState.read(state)
    f, pinned = given.filters, given.version
    view = f.to_query()
    shown = with_params(replace(f, lang=lang).to_query(), v=data.version)
    framed = with_params(shown, timeline="1" if timeline else None)
    exports_ = [
        html.A(
            label,
            href=_href(
                base, f"export/map.{fmt}", with_params(framed, scale=str(s) if s > 1 else None)
            ),
            download=export_filename(data, f, fmt),
        )
        for label, fmt, s in EXPORTS
    ]
    downloads = [
        html.A(_(label), href=_href(base, path, shown), download="") for label, path in DOWNLOADS
    ]
    today = dt.datetime.now(dt.UTC).date()
    text = caption(data, f, version=data.version, accessed=today, lang=lang)
    alt = alt_text(data, f, lang)
    root = host.rstrip("/") + base.rstrip("/")
    static = _href(base, "export/map.png", framed)
    info = [
        html.P([html.Strong(_("Title: ")), html.Span(text.title, className="embed-title")]),
        html.P([html.Strong(_("Alt text: ")), html.Span(alt, className="embed-alt")]),
        html.P(
            [
                _("Pinned to data version {version}. ").format(version=data.version),
                html.A(_("Static image (PNG)"), href=static, className="embed-static"),
            ]
        ),
    ]
    newer = (
        [dcc.Link(_("Newer data available"), href=base + (view or "?"), className="newer-link")]
        if pinned and pinned != latest
        else []
    )
    return {
        "exports": exports_,
        "downloads": downloads,
        "snippet": embed_snippet(framed, text.title, alt, root, lang),
        "info": info,
        "compare": compare_with(f, data.names_in(lang), base, lang),
        "newer": newer,
    }
