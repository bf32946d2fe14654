"""The embed page and the iframe snippet that goes with it (pure: data in, text out).

The page is plain HTML served by Flask, not the Dash app: it loads only plotly.js (from this
server), the figure JSON and a few lines of script, so an article embedding it stays light.
"""

from __future__ import annotations

import json
from html import escape

import plotly.io as pio

from geodata import exports, queries
from geodata.queries import Filters
from pages.dataset import Dataset

MAP_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def alt_text(data: Dataset, f: Filters) -> str:
    """One sentence saying what the map shows, with its numbers, for screen readers."""
    selected = queries.select(data.incidents, f)
    rows = queries.scope(selected, f)
    total = queries.summarise(rows)
    where = data.names.get(f.region, f.region) if f.region else "Russia"
    head = (
        f"Map of {where} shaded by {queries.METRICS[f.metric]} at protests, "
        f"{queries.describe_period(f)}"
    )
    if not total.incidents:
        return f"{head}: no incidents match this selection."
    text = (
        f"{head}: {total.detained:,} detentions and {total.rallies:,} rallies reported "
        f"in {total.regions:,} region(s)"
    )
    table = queries.region_table(rows, data.regions, "detained")
    top = table.dropna(subset=["detained"]).sort_values("detained", ascending=False)
    if not f.region and len(top):
        text += f"; most detentions in {top.iloc[0]['name_en']} ({int(top.iloc[0]['detained']):,})"
    return text + "."


def embed_snippet(query: str, title: str, alt_text: str, base_url: str) -> str:
    """HTML to paste into an article: the live iframe, its description, a static fallback.

    ``query`` is the view's query string (``?...`` or ``""``, ``v=`` to pin the version);
    ``base_url`` is where protestmap is served (e.g. ``https://example.org/protestmap``).
    """
    base = base_url.rstrip("/")
    src = escape(f"{base}/embed{query}")
    png = escape(f"{base}/export/map.png{query}")
    return (
        f'<figure class="protestmap-embed" style="margin:0">\n'
        f'  <iframe src="{src}" title="{escape(title)}" width="100%" height="620" '
        f'style="border:0;max-width:100%" loading="lazy"></iframe>\n'
        f'  <noscript><a href="{png}"><img src="{png}" alt="{escape(alt_text)}" '
        f'width="100%"></a></noscript>\n'
        f"  <figcaption>{escape(alt_text)} "
        f'<a href="{png}">Static image (PNG)</a></figcaption>\n'
        f"</figure>\n"
    )


def _json_script(element_id: str, value: object) -> str:
    """A JSON data block that cannot close its own script tag."""
    text = (value if isinstance(value, str) else json.dumps(value)).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def embed_page(
    data: Dataset,
    f: Filters,
    *,
    text: exports.Caption,
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
        exports.map_view(data, f).update_layout(
            autosize=True, margin={"l": 0, "r": 150, "t": 0, "b": 0}
        ),
        validate=False,
    )
    blocks = [_json_script("pm-map", map_json)]
    if timeline:
        blocks.append(
            _json_script(
                "pm-timeline",
                pio.to_json(
                    exports.timeline_view(data, f).update_layout(autosize=True), validate=False
                ),
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
<div id="map" class="pm-map" role="img" aria-label="{escape(alt_text(data, f))}"></div>
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
