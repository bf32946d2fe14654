"""The embed page (pure: data in, HTML out); its snippet and alt text are ``core.texts``.

The page is plain HTML served by Flask, not the Dash app: it loads only plotly.js (from this
server), the figure JSON and a few lines of script, so an article embedding it stays light.
"""

from __future__ import annotations

import json
from html import escape

import plotly.io as pio

from core.dataset import Dataset
from core.texts import Caption, alt_text
from core.view import Filters
from layers.figures import map_view, timeline_view

MAP_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def _json_script(element_id: str, value: object) -> str:
    """A JSON data block that cannot close its own script tag."""
    text = (value if isinstance(value, str) else json.dumps(value)).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def embed_page(
    data: Dataset,
    f: Filters,
    *,
    text: Caption,
    timeline: bool,
    static: str,
    full_view: str,
    about: str,
    newer: str | None,
) -> str:
    """The embed's HTML; ``static`` is the URL prefix of plotly.js, topojson and embed.js.

    ``about`` is the "About the data" page, linked beside the credit.
    """
    map_json = pio.to_json(
        map_view(data, f).update_layout(autosize=True, margin={"l": 0, "r": 150, "t": 0, "b": 0}),
        validate=False,
    )
    blocks = [_json_script("pm-map", map_json)]
    if timeline:
        blocks.append(
            _json_script(
                "pm-timeline",
                pio.to_json(timeline_view(data, f).update_layout(autosize=True), validate=False),
            )
        )
    config = {**MAP_CONFIG, "topojsonURL": f"{static}/topojson/"}
    newer_note = (
        f'<a class="newer" href="{escape(newer)}" target="_blank" rel="noopener">'
        "Newer data available</a>"
        if newer
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(text.title)}</title>
<link rel="stylesheet" href="{static}/embed.css">
</head><body>
<header><h1>{escape(text.title)}</h1><p>{escape(text.subtitle)}</p></header>
<figure class="pm-figure" aria-labelledby="pm-alt">
<div id="map" class="pm-map"></div>
<figcaption id="pm-alt" class="visually-hidden">{escape(alt_text(data, f))}</figcaption>
</figure>
{'<div id="timeline" class="pm-timeline"></div>' if timeline else ""}
<footer><span>{escape(text.credit)}. Data version {escape(text.version)}.</span>
<a href="{escape(about)}" target="_blank" rel="noopener">About the data</a>
<a href="{escape(full_view)}" target="_blank" rel="noopener">Open the full view</a>
{newer_note}</footer>
{"".join(blocks)}
{_json_script("pm-config", config)}
<script src="{static}/plotly.min.js"></script>
<script src="{static}/embed.js"></script>
</body></html>
"""
