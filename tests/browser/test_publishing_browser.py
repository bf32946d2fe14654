"""Publishing in a real Chromium: mode bars that never offer an outside service, exports that
download with a file name.
"""

from __future__ import annotations

import pytest

from tests.processes import in_thread

pytestmark = pytest.mark.browser

#: Every mode-bar button of a graph (title as shown), and whether plotly would offer the cloud.
_MODEBAR = """(selector) => {
  const gd = document.querySelector(selector + ' .js-plotly-plot')
    || document.querySelector(selector);
  const titles = Array.from(gd.querySelectorAll('.modebar-btn'))
    .map(b => b.getAttribute('data-title'));
  return {titles: titles, cloud: gd._context.showSendToCloud,
          server: gd._context.plotlyServerURL};
}"""
MAP_TITLES = ["Download plot as a PNG", "Zoom in", "Zoom out", "Reset"]


def _offline(bar: dict) -> None:
    assert not any("share" in t.lower() or "studio" in t.lower() for t in bar["titles"])
    assert bar["cloud"] is False and bar["server"] == ""


def test_dashboard_map_and_timeline_mode_bars_work_offline(page, base_url):
    page.goto(base_url)
    page.wait_for_selector("#map .choroplethlocation", state="attached")
    page.wait_for_selector("#timeline .bars", state="attached")
    page.wait_for_selector("#map .modebar-btn", state="attached")
    bar = page.evaluate(_MODEBAR, "#map")
    _offline(bar)
    assert bar["titles"] == MAP_TITLES
    timeline = page.evaluate(_MODEBAR, "#timeline")
    _offline(timeline)
    assert timeline["titles"] == ["Download plot as a PNG"]


def test_compare_chart_mode_bar_works_offline(page, base_url):
    page.goto(f"{base_url}compare?places=RU-MOW,RU-SPE")
    page.wait_for_selector("#cmp-graph .modebar-btn", state="attached")
    bar = page.evaluate(_MODEBAR, "#cmp-graph")
    _offline(bar)
    assert bar["titles"][0] == "Download plot as a PNG"
    assert "Zoom" in bar["titles"] and "Pan" in bar["titles"]


def test_embed_mode_bar_works_offline(page, base_url):
    page.goto(f"{base_url}embed?region=RU-MOW&timeline=1")
    page.wait_for_selector("#map .modebar-btn", state="attached")
    page.wait_for_selector("#timeline .bars", state="attached")
    bar = page.evaluate(_MODEBAR, "#map")
    _offline(bar)
    assert bar["titles"] == MAP_TITLES
    timeline = page.evaluate(_MODEBAR, "#timeline")
    assert timeline["titles"] == []
    assert timeline["cloud"] is False


def test_export_link_downloads_a_named_file_and_keeps_the_dashboard(page, base_url):
    view = f"{base_url}?region=RU-MOW&kind=detention&from=2022-09-21&to=2022-09-21"
    page.goto(view)
    page.wait_for_selector("#map .choroplethlocation", state="attached")
    page.wait_for_function("() => document.title.startsWith('protestmap: ')")
    page.click("#export-menu summary")
    link = page.locator("#export-links a", has_text="SVG")
    name = "protestmap-moscow-detentions-2022-09-21.svg"
    assert link.get_attribute("download") == name
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == name
    assert b"in Moscow" in open(download.path(), "rb").read()
    assert page.url == view  # the dashboard tab stays where it was
    assert page.locator("#map .choroplethlocation").count() > 0


#: Page centre of the national map's city symbol in ``region`` (and how many symbols there are).
_SYMBOL = """(region) => {
  const groups = [...document.querySelectorAll('#map g.trace.scattergeo')]
    .filter(g => g.__data__ && g.__data__[0] && g.__data__[0].trace.name === 'cities');
  const points = groups.flatMap(g => [...g.querySelectorAll('.point')]);
  const hit = points.find(p => p.__data__.i !== undefined
    && groups[0].__data__[0].trace.customdata[p.__data__.i][5] === region);
  if (!hit) return {count: points.length, at: null};
  const box = hit.getBoundingClientRect();
  return {count: points.length, at: {x: box.left + box.width / 2, y: box.top + box.height / 2}};
}"""


def test_national_city_symbols_follow_the_url_and_open_moscow(page, base_url):
    page.goto(f"{base_url}?symbols=0")
    page.wait_for_selector("#map .choroplethlocation", state="attached")
    page.wait_for_function("() => document.title.startsWith('protestmap: ')")
    assert page.evaluate(_SYMBOL, "RU-MOW")["count"] == 0
    page.goto(base_url)
    # A click before the first state is back from the server can be undone by it.
    page.wait_for_function("() => document.title.startsWith('protestmap: ')")
    # The inset's symbols can be drawn before the national map's: wait for Moscow's own.
    symbol = page.wait_for_function(
        f"(region) => {{ const s = ({_SYMBOL})(region); return s.at && s; }}", arg="RU-MOW"
    ).json_value()
    assert symbol["count"] > 10 and symbol["at"] is not None
    page.mouse.move(symbol["at"]["x"], symbol["at"]["y"])
    page.mouse.click(symbol["at"]["x"], symbol["at"]["y"])
    page.wait_for_url("**region=RU-MOW&city=**")
    page.wait_for_selector("#region-name")
    assert "Moscow" in page.locator("#region-name").inner_text()


@pytest.fixture(scope="module")
def article_url(base_url):
    """A page of another origin that pastes the embed snippet into a column of ``w`` px."""

    import flask

    from core.texts import embed_snippet

    host = flask.Flask("article")

    @host.route("/article/<int:width>")
    def article(width: int) -> str:
        snippet = embed_snippet("?region=RU-MOW&timeline=1", "map", "alt", base_url)
        return f'<div style="width:{width}px">{snippet}</div><p id="after">After the map.</p>'

    @host.route("/favicon.ico")
    def favicon() -> tuple[str, int]:
        return "", 204

    with in_thread(host, threads=2) as url:
        yield url


@pytest.mark.parametrize("width", [320, 600, 1200])
def test_snippet_fits_the_iframe_to_its_content(page, article_url, width):
    page.goto(f"{article_url}/article/{width}")
    frame = page.frame_locator("iframe")
    frame.locator("#timeline .bars").first.wait_for(state="attached")
    inner = page.frame(url=lambda u: "/embed" in u)
    # resize.js sets the iframe to the height the embed reports: no blank space, no scrolling.
    # The content settles after the map draws, so wait for the state itself, seen from inside
    # the frame (its viewport is the iframe's box).
    inner.wait_for_function(
        """() => {
            const content = document.documentElement.getBoundingClientRect().height;
            const fits = document.documentElement.scrollHeight <= window.innerHeight + 1;
            return fits && Math.abs(window.innerHeight - content) <= 2;
        }"""
    )
    assert abs(page.locator("iframe").bounding_box()["width"] - width) <= 1


#: Boxes of the embed's legend items, and whether any text is wider than its box.
_LEGEND = """() => {
  const items = [...document.querySelectorAll('.pm-legend li')];
  return {
    boxes: items.map(li => { const b = li.getBoundingClientRect();
      return {l: b.left, r: b.right, t: b.top, b: b.bottom, text: li.textContent}; }),
    width: document.documentElement.clientWidth,
    clipped: items.filter(li => li.scrollWidth > li.clientWidth + 1).length,
    colourbar: document.querySelectorAll('#map .colorbar').length,
  };
}"""


@pytest.mark.parametrize("width", [320, 600, 1200])
def test_embed_legend_never_overlaps_nor_clips(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}embed?timeline=1")
    page.wait_for_selector("#map .choroplethlocation", state="attached")
    legend = page.evaluate(_LEGEND)
    boxes = legend["boxes"]
    assert any("occupied, Ukraine" in b["text"] for b in boxes)
    assert legend["colourbar"] == 0 and legend["clipped"] == 0
    for box in boxes:
        assert 0 <= box["l"] and box["r"] <= legend["width"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a["r"] <= b["l"] or b["r"] <= a["l"] or a["b"] <= b["t"] or b["b"] <= a["t"]
            assert apart, (a, b)
