"""The embed in an article, in headless Chromium: its first image, and its weight until reached.

    python -m bench.embed_paint [--data DIR] [--runs N]

A second loopback server plays the news site: its article holds the embed (a plain iframe,
600 px wide) below the fold. Each run opens a fresh browser context (empty cache) and
records, inside the embed's frame: milliseconds from the frame's navigation start to its
static map image painted, and the bytes it transferred until then (nothing heavier may load
before the reader reaches the map); then the article is scrolled to the embed and the time
until the interactive map is drawn, and the bytes in all, are recorded. The first run warms
the server (it renders the cached image) and is dropped. Compare with ``bench.first_paint``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import flask
from playwright.sync_api import Frame, Page

from app import create_app
from bench._server import serving, settings_from_args
from bench.first_paint import _BYTES, cold_loads, report
from tests.processes import in_thread

VIEW = "embed?timeline=1"
_IMAGE = """() => { const i = document.querySelector('#pm-static');
    return i && i.complete && i.naturalWidth > 0 && performance.now(); }"""
_LIVE = "() => document.querySelector('#map .choroplethlocation') && performance.now()"


@contextmanager
def article(embed_url: str) -> Iterator[str]:
    """The news site: an article with the embed below the fold; yields its URL."""
    host = flask.Flask("article")

    @host.route("/")
    def page() -> str:
        return (
            '<h1>An article</h1><div style="height:1600px">Text.</div>'
            f'<iframe src="{embed_url}" width="600" height="700" title="map"></iframe>'
        )

    with in_thread(host, threads=2) as url:
        yield url + "/"


def one_run(page: Page, url: str) -> dict[str, float]:
    """Open the article once; the embed's first image, bytes, then the interactive map."""
    page.goto(url, wait_until="commit")
    page.wait_for_selector("iframe")
    frame: Frame | None = None
    while frame is None:  # the iframe's document, once it has started
        frame = next((f for f in page.frames if "/embed" in f.url), None)
        if frame is None:
            page.wait_for_event("framenavigated")
    image = frame.wait_for_function(_IMAGE, timeout=60_000).json_value()
    page.wait_for_load_state("networkidle")
    before = frame.evaluate(_BYTES)
    heavy = frame.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".filter(e => /plotly.min.js|figures.json/.test(e.name)).length"
    )
    reached = frame.evaluate("() => performance.now()")
    page.locator("iframe").scroll_into_view_if_needed()
    live = frame.wait_for_function(_LIVE, timeout=60_000).json_value()
    page.wait_for_load_state("networkidle")
    return {
        "first_image_ms": image,
        "bytes_before_interaction": before,
        "heavy_requests_before": heavy,
        "interactive_after_reached_ms": live - reached,
        "bytes_interactive": frame.evaluate(_BYTES),
    }


def main() -> None:
    """Measure and print a table; results also go to bench/results/embed_paint.json."""
    settings, args = settings_from_args(__doc__.splitlines()[0])
    with serving(create_app(settings)) as url, article(url + VIEW) as host:
        runs = cold_loads(host, args.runs, one_run)
    title = f"embed in an article, {args.runs} cold loads, median (min-max), store {settings.data}"
    report("embed_paint", title, runs)


if __name__ == "__main__":
    main()
