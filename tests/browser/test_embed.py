"""The embed page inside an iframe of another origin, and the dashboard refusing to be framed.

The host page is served from a second loopback port, so the browser treats it as another
site: only ``/embed`` may appear in its frames.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import flask
import pytest
from map_points import region_point

from geodata.settings import Settings

pytestmark = pytest.mark.browser


def _serve(wsgi: object) -> tuple[object, str]:
    import waitress

    server = waitress.create_server(wsgi, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return server, f"http://127.0.0.1:{server.effective_port}"


@pytest.fixture(scope="module")
def publish_url(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard with its publish routes, as ``create_app`` serves them."""
    from app import create_app

    settings = Settings(data=store_dir, cache=tmp_path_factory.mktemp("embed-cache"))
    server, url = _serve(create_app(settings).server)
    yield url
    server.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def host_url(publish_url: str) -> Iterator[str]:
    """Another origin whose pages frame protestmap's embed and its main page."""
    host = flask.Flask("host")

    @host.route("/article")
    def article() -> str:
        return (
            f'<h1>An article</h1><iframe id="embed" src="{publish_url}/embed?region=RU-MOW'
            f'&timeline=1" width="720" height="640" title="map"></iframe>'
        )

    @host.route("/favicon.ico")
    def favicon() -> tuple[str, int]:
        return "", 204

    @host.route("/steal")
    def steal() -> str:
        return f'<iframe id="main" src="{publish_url}/" width="720" height="400"></iframe>'

    server, url = _serve(host)
    yield url
    server.close()  # type: ignore[attr-defined]


def test_embed_loads_in_a_foreign_iframe_and_hovers(page, host_url):
    page.goto(f"{host_url}/article")
    frame = page.frame_locator("#embed")
    frame.locator("#map .choroplethlocation").first.wait_for(state="attached")
    frame.locator("#timeline .bars").first.wait_for(state="attached")
    assert "Open the full view" in frame.locator("footer").inner_text()
    inner = page.frame(url=lambda u: "/embed" in u)
    width = inner.evaluate(
        "() => document.querySelector('#map .main-svg').getBoundingClientRect().width"
    )
    assert 700 <= width <= 720  # follows the iframe's width
    point = region_point(inner, "RU-MOW")
    assert point is not None
    box = page.locator("#embed").bounding_box()
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
