"""The embed page (pure: data in, HTML out); its snippet and alt text are ``core.texts``.

The page is plain HTML served by Flask, not the Dash app. It paints a static image of the
map first (a few tens of KB, rendered once and cached), and loads plotly.js and the figure
JSON (about 2 MB together) only when the reader reaches or touches the map, so an article
embedding it stays light.
"""

from __future__ import annotations

import functools
import json
from html import escape

import plotly.graph_objects as go
import plotly.io as pio

from core.dataset import Dataset
from core.i18n import DEFAULT, NATIVE_NAMES, gettext, other_language, plotly_locale
from core.texts import Caption, alt_text
from core.view import Filters
from layers.cities import SIZE_KEY
from layers.figures import map_view, timeline_view
from layers.labels import View
from layers.legend import LEGEND, Legend
from layers.modebar import MAP_BUTTONS, graph_config
from layers.regions import REGIONS

MAP_CONFIG = graph_config(MAP_BUTTONS, responsive=True, scrollZoom=False)
#: City symbols are drawn at full size from this map width down, and shrink with the map
#: below it, to no less than ``LEAST_SYMBOLS`` (``embed.js`` does it; names are placed for it).
FULL_SYMBOLS_PX = 900
LEAST_SYMBOLS = 0.4
#: Column widths the embed is laid out for (its map is 2:1, at least 220 px high).
#: (Dense: names are checked only at these, and a scroll bar narrows a column a little.)
EMBED_WIDTHS = (300, 320, 360, 420, 480, 540, 600, 700, 800, 900, 1050, 1200)
EMBED_VIEWS = tuple(
    View(w, max(w / 2, 220), min(1.0, max(LEAST_SYMBOLS, w / FULL_SYMBOLS_PX)))
    for w in EMBED_WIDTHS
)
TIMELINE_CONFIG = graph_config([["toImage"]], responsive=True, displayModeBar=False)


def legend_html(legend: Legend) -> str:
    """The map's legend (``layers.legend`` entries) as an HTML list: title, then the bands.

    Plotly's colour bar is a fixed-width column: in a 320 px article column its band labels
    overlap and "occupied, Ukraine" is clipped. A list wraps to any width instead. The
    circle size key, if any, follows, each circle as wide as on the map: ``embed.js``
    scales the map's circles to a narrow column and sets ``--pm-shrink`` to the same factor.
    The markup is ``assets/maplegend.js``'s, which draws the same entries in the dashboard.
    """
    bands = "".join(
        f'<li><span class="swatch" style="background:{escape(b["colour"])}"></span>'
        f"{escape(b['label'])}</li>"
        for b in legend["bands"]
    )
    sizes = "".join(
        f'<li><span class="circle" style="--d:{c["d"]:g}px"></span>{escape(c["label"])}</li>'
        for c in legend["sizes"]
    )
    key = (
        f'<p>{escape(legend["sizes_title"])}</p><ul class="pm-sizes">{sizes}</ul>' if sizes else ""
    )
    return (
        f'<div class="pm-legend"><p>{escape(legend["title"])}</p>'
        f'<ul class="pm-bands">{bands}</ul>{key}</div>'
    )


def _json_script(element_id: str, value: object) -> str:
    """A JSON data block that cannot close its own script tag."""
    text = (value if isinstance(value, str) else json.dumps(value)).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def symbol_scale(width: float) -> float:
    """How much the city symbols shrink in a map ``width`` px wide (``embed.js`` alike)."""
    return min(1.0, max(LEAST_SYMBOLS, width / FULL_SYMBOLS_PX))


def embed_map(data: Dataset, f: Filters, lang: str = DEFAULT) -> go.Figure:
    """The embed's map with its colour bar and size key: the page lists them below it."""
    return map_view(data, f, lang, views=EMBED_VIEWS).update_layout(
        autosize=True, margin={"l": 0, "r": 0, "t": 0, "b": 0}
    )


def _bare(figure: go.Figure) -> go.Figure:
    """``figure`` without its own legends (the HTML legend below it wraps, never overlaps)."""
    figure.data[REGIONS].update(showscale=False)
    figure.layout.shapes = [s for s in figure.layout.shapes if s.name != SIZE_KEY]
    figure.layout.annotations = [a for a in figure.layout.annotations if a.name != SIZE_KEY]
    return figure


def embed_figures(data: Dataset, f: Filters, *, timeline: bool, lang: str = DEFAULT) -> str:
    """The interactive embed's figures as JSON (``{"map": …, "timeline": …}``), on demand.

    Fetched by ``embed.js`` only when the reader reaches the map: its geometry is most of
    the embed's weight.
    """
    parts = [f'"map": {pio.to_json(_bare(embed_map(data, f, lang)), validate=False)}']
    if timeline:
        line = timeline_view(data, f, lang).update_layout(autosize=True)
        parts.append(f'"timeline": {pio.to_json(line, validate=False)}')
    return "{" + ", ".join(parts) + "}"


def static_map(data: Dataset, f: Filters, width: int, lang: str = DEFAULT) -> go.Figure:
    """The embed's map as its static image ``width`` px wide shows it (symbols shrunk alike)."""
    figure = _bare(embed_map(data, f, lang))
    scale = symbol_scale(width)
    for trace in figure.data:
        if str(trace.name).endswith("cities") and trace.marker.size is not None:
            trace.marker.size = [size * scale for size in trace.marker.size]
    return figure.update_layout(dragmode=False, hovermode=False)


#: Widths of the static map image offered to the browser (``srcset``); it picks by column
#: width and pixel density.
STATIC_WIDTHS = (400, 800, 1200, 1600)


def static_height(width: int) -> int:
    """The embed map's height at ``width`` (2:1, at least 220 px: ``embed.css``)."""
    return max(width // 2, 220)


def embed_page(
    data: Dataset,
    f: Filters,
    *,
    text: Caption,
    timeline: bool,
    static: str,
    image: str,
    figures: str,
    full_view: str,
    about: str,
    newer: str | None,
    lang: str = DEFAULT,
    switch: str = "",
) -> str:
    """The embed's HTML in ``lang``; ``static`` is the URL prefix of plotly.js, topojson, embed.js.

    The page paints the static map first (``image``: its URL, less ``&width=``), and
    ``embed.js`` fetches plotly.js and the ``figures`` (a URL) only when the reader reaches
    or touches the map. ``about`` is the "About the data" page, linked beside the credit;
    ``switch`` is the query of this embed in the other language (its language link).
    """
    _ = functools.partial(gettext, lang)
    shown = embed_map(data, f, lang)
    key = legend_html(shown.layout.meta[LEGEND])
    srcset = ", ".join(f"{escape(image)}&amp;width={w} {w}w" for w in STATIC_WIDTHS)
    alt = alt_text(data, f, lang)
    config = {
        "map": {**MAP_CONFIG, "topojsonURL": f"{static}/topojson/", **plotly_locale(lang)},
        "symbols": {"full": FULL_SYMBOLS_PX, "least": LEAST_SYMBOLS},
        "timeline": {**TIMELINE_CONFIG, **plotly_locale(lang)},
        "plotly": f"{static}/plotly.min.js",
        "figures": figures,
    }
    newer_note = (
        f'<a class="newer" href="{escape(newer)}" target="_blank" rel="noopener">'
        f"{escape(_('Newer data available'))}</a>"
        if newer
        else ""
    )
    other = other_language(lang)
    switch_link = (
        f'<a class="lang-link" href="{escape(switch)}" lang="{other}" hreflang="{other}">'
        f"{escape(NATIVE_NAMES[other])}</a>"
        if switch
        else ""
    )
    version = _("Data version {version}.").format(version=text.version)
    # Outside the f-string below: pybabel does not see a message inside an f-string.
    about_text, full_text = _("About the data"), _("Open the full view")
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(text.title)}</title>
<link rel="stylesheet" href="{static}/embed.css">
</head><body>
<header><h1>{escape(text.title)}</h1><p>{escape(text.subtitle)}</p></header>
<figure class="pm-figure" aria-labelledby="pm-alt">
<div id="map" class="pm-map" tabindex="0" role="group" aria-labelledby="pm-alt">
<img id="pm-static" class="pm-static" src="{escape(image)}&amp;width={STATIC_WIDTHS[1]}"
 srcset="{srcset}" sizes="100vw" alt="{escape(alt)}"></div>
<figcaption id="pm-alt" class="visually-hidden">{escape(alt)}</figcaption>
</figure>
{key}
{'<div id="timeline" class="pm-timeline"></div>' if timeline else ""}
<footer><span>{escape(text.credit)}. {escape(version)}</span>
<a href="{escape(about)}" target="_blank" rel="noopener">{escape(about_text)}</a>
<a href="{escape(full_view)}" target="_blank" rel="noopener">{escape(full_text)}</a>
{newer_note}{switch_link}</footer>
{_json_script("pm-config", config)}
<script src="{static}/embed.js"></script>
</body></html>
"""
