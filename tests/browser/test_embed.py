"""The embed page inside an iframe of another origin, and the dashboard refusing to be framed.

The host page is served from a second loopback port, so the browser treats it as another
site: only ``/embed`` may appear in its frames.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask
import pytest
from map_points import region_point

from core.i18n import gettext
from core.texts import embed_snippet
from geodata.settings import Settings
from tests.processes import in_thread

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def publish_url(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard with its publish routes, as ``create_app`` serves them."""
    from app import create_app

    settings = Settings(data=store_dir, cache=tmp_path_factory.mktemp("embed-cache"))
    with in_thread(create_app(settings).server) as url:
        yield url


@pytest.fixture(scope="module")
def host_url(publish_url: str) -> Iterator[str]:
    """Another origin whose pages frame protestmap's embed and its main page."""
    host = flask.Flask("host")

    @host.route("/article/<int:width>")
    def article(width: int) -> str:
        # The snippet as the dashboard gives it: the iframe, and resize.js fitting its height.
        snippet = embed_snippet("?region=RU-MOW&timeline=1", "map", "alt", publish_url)
        return f'<h1>An article</h1><div style="width:{width}px">{snippet}</div><p>After.</p>'

    @host.route("/below")
    def below() -> str:
        # An article whose embed sits below the fold (a plain iframe: it loads at once).
        return (
            '<h1>An article</h1><div style="height:1600px">Text.</div>'
            f'<iframe src="{publish_url}/embed?region=RU-MOW&timeline=1&lang=ru" width="600"'
            ' height="700" title="map"></iframe><p>After.</p>'
        )

    @host.route("/favicon.ico")
    def favicon() -> tuple[str, int]:
        return "", 204

    @host.route("/steal")
    def steal() -> str:
        return f'<iframe id="main" src="{publish_url}/" width="720" height="400"></iframe>'

    with in_thread(host) as url:
        yield url


#: Seen from inside the frame: the content's height equals the iframe's (no blank space
#: under it) and nothing scrolls inside (resize.js set the height the embed posted).
_FITS = """() => {
    const content = document.documentElement.getBoundingClientRect().height;
    const fits = document.documentElement.scrollHeight <= window.innerHeight + 1;
    return fits && Math.abs(window.innerHeight - content) <= 2;
}"""


@pytest.mark.parametrize("column", [320, 600, 1200])
def test_embed_loads_in_a_foreign_iframe_fits_and_hovers(page, host_url, column):
    page.set_viewport_size({"width": max(column + 40, 640), "height": 1000})
    page.goto(f"{host_url}/article/{column}")
    frame = page.frame_locator("iframe")
    frame.locator("#map .choroplethlocation").first.wait_for(state="attached")
    frame.locator("#timeline .bars").first.wait_for(state="attached")
    assert "Open the full view" in frame.locator("footer").inner_text()
    inner = page.frame(url=lambda u: "/embed" in u)
    width = inner.evaluate(
        "() => document.querySelector('#map .main-svg').getBoundingClientRect().width"
    )
    assert column - 20 <= width <= column  # follows the iframe's width
    inner.wait_for_function(_FITS)
    outer = page.locator("iframe").bounding_box()
    assert abs(outer["width"] - column) <= 1
    assert outer["height"] == pytest.approx(inner.evaluate("() => window.innerHeight"), abs=1)
    page.locator("iframe").scroll_into_view_if_needed()
    box = page.locator("iframe").bounding_box()
    point = region_point(inner, "RU-MOW")
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    hover = frame.locator("#map .hoverlayer .hovertext")
    hover.first.wait_for(state="visible")
    assert "Detentions:" in hover.first.text_content()


def test_main_page_refuses_to_be_framed(page, page_log, host_url):
    page.goto(f"{host_url}/steal")
    page.wait_for_timeout(1500)
    main = page.frame(url=lambda u: u.startswith("http://127.0.0.1") and "/steal" not in u)
    assert main is None or main.locator("#map").count() == 0
    refused = [e for e in page_log.errors if "frame-ancestors" in e or "X-Frame-Options" in e]
    assert refused, page_log.errors
    page_log.errors.clear()  # the refusal is what this test expects


#: What the embed's frame loaded so far: the static image's state, bytes by kind.
_LOADED = """() => {
    const image = document.querySelector('#pm-static');
    const entries = performance.getEntriesByType('navigation')
        .concat(performance.getEntriesByType('resource'));
    return {
        painted: !!image && image.complete && image.naturalWidth > 0,
        alt: image ? image.alt : null,
        bytes: entries.reduce((sum, e) => sum + e.transferSize, 0),
        image: entries.filter(e => e.name.includes('/export/embed.'))
            .reduce((sum, e) => sum + e.transferSize, 0),
    };
}"""


def _heavy(requests: list[str]) -> list[str]:
    return [u for u in requests if "plotly.min.js" in u or "figures.json" in u]


def test_embed_paints_its_image_first_and_loads_the_map_when_scrolled_to(page, page_log, host_url):
    page.goto(f"{host_url}/below")
    inner = page.frame(url=lambda u: "/embed" in u)
    inner.wait_for_function(
        "() => { const i = document.querySelector('#pm-static');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    loaded = inner.evaluate(_LOADED)
    # Below the fold: the image only, light, and described in the page's language.
    assert _heavy(page_log.requests) == []
    assert 0 < loaded["image"] <= 150_000 and loaded["bytes"] <= 300_000, loaded
    assert loaded["alt"].startswith(
        gettext("ru", "Map of {place} shaded by {what} at protests, {period}").split("{")[0]
    )
    # Scrolled to: plotly.js and the figures come, the map is drawn in the image's place.
    page.locator("iframe").scroll_into_view_if_needed()
    inner.wait_for_selector("#map .choroplethlocation", state="attached")
    inner.wait_for_selector("#pm-static", state="detached")
    assert len(_heavy(page_log.requests)) == 2


def test_keyboard_reaches_and_opens_the_interactive_map(page, page_log, host_url):
    page.goto(f"{host_url}/below")
    inner = page.frame(url=lambda u: "/embed" in u)
    inner.wait_for_selector("#pm-static", state="attached")
    assert _heavy(page_log.requests) == []
    page.keyboard.press("Tab")  # the first stop in the article is the embed's map
    inner.wait_for_function("() => document.activeElement.id === 'map'")
    inner.wait_for_selector("#map .choroplethlocation", state="attached")
    assert inner.evaluate("() => document.activeElement.id") == "map"
