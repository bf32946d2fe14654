"""Every published image at 320, 600 and 1200 px, measured as Chromium draws it.

SVG exports are fetched from the export route and drawn in the browser; the boxes of their
texts are measured: none leaves the canvas, no two legend items overlap, no two place names
overlap, a name never covers its own symbol, and the timeline's dates stay clear of the
captions (the credit line under them). The embed page is checked at the same widths.
"""

from __future__ import annotations

import urllib.request
from itertools import combinations

import pytest
from test_map_labels import overlap

pytestmark = pytest.mark.browser

WIDTHS = [320, 600, 1200]

#: Every visible text of the drawn SVG with its box and role, and each name's own symbol.
_TEXTS = """() => {
  const svg = document.querySelector('svg');
  const c = svg.getBoundingClientRect();
  const box = el => { const b = el.getBoundingClientRect();
    return {left: b.left - c.left, top: b.top - c.top, right: b.right - c.left,
            bottom: b.bottom - c.top}; };
  const role = t => t.closest('.colorbar') ? 'legend'
    : t.closest('.xtick, .x2tick') ? 'date'
    : t.closest('.ytick, .y2tick') ? 'count'
    : t.closest('.scattergeo') ? (t.closest('.geo2') ? 'inset-name' : 'name')
    : t.closest('.annotation') ? 'note' : 'other';
  const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
  const own = [];
  svg.querySelectorAll('.scattergeo .trace').forEach(trace => {
    const points = [...trace.querySelectorAll('.points path.point')];
    const labels = [...trace.querySelectorAll('.text text')];
    labels.forEach((t, i) => { if (t.textContent.trim() && points[i])
      own.push({text: t.textContent, label: box(t), symbol: box(points[i])}); });
  });
  return {width: c.width, height: c.height, own: own,
          texts: texts.map(t => ({text: t.textContent, role: role(t), ...box(t)}))};
}"""


def measure_svg(page: object, svg: bytes) -> dict:
    page.set_content(  # type: ignore[attr-defined]
        "<!doctype html><html><body style='margin:0'>" + svg.decode() + "</body></html>"
    )
    return page.evaluate(_TEXTS)  # type: ignore[attr-defined]


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:  # the app on loopback
        assert response.status == 200
        return response.read()


def assert_clean(drawn: dict, where: str) -> None:
    """No text outside the canvas, legend items and names apart, names off their symbols."""
    texts = drawn["texts"]
    for t in texts:
        inside = t["left"] >= -0.5 and t["top"] >= -0.5
        inside = inside and t["right"] <= drawn["width"] + 0.5
        assert inside and t["bottom"] <= drawn["height"] + 0.5, (where, t)
    legend = [t for t in texts if t["role"] in ("legend", "note")]
    for a, b in combinations(legend, 2):
        assert not overlap(a, b), (where, a, b)
    for role in ("name", "inset-name"):
        names = [t for t in texts if t["role"] == role]
        for a, b in combinations(names, 2):
            assert not overlap(a, b), (where, a, b)
    for named in drawn["own"]:
        assert not overlap(named["label"], named["symbol"], slack=1), (where, named)
    dates = [t for t in texts if t["role"] == "date"]
    for date in dates:
        for note in (t for t in texts if t["role"] in ("note", "legend")):
            assert not overlap(date, note), (where, date, note)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "view",
    ["", "timeline=1", "metric=per100k&timeline=1", "region=RU-MOW", "region=RU-SPE&timeline=1"],
)
def test_svg_export_is_clean_at_every_width(page, base_url, view, width):
    svg = _fetch(f"{base_url}export/map.svg?{view}&width={width}")
    drawn = measure_svg(page, svg)
    assert drawn["width"] == pytest.approx(width, abs=1)
    assert_clean(drawn, f"{view} at {width}")
    titles = " ".join(t["text"] for t in drawn["texts"] if t["role"] == "note")
    assert "Data:" in titles  # the credit is on the image, whole
    if "region=RU-MOW" in view:
        assert "in Moscow" in titles.replace("\u200b", "")


@pytest.mark.parametrize("width", WIDTHS)
def test_png_export_has_the_asked_width(base_url, width):
    png = _fetch(f"{base_url}export/map.png?timeline=1&width={width}")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == width
    # The stacked layout of a narrow snapshot is taller than wide; a wide one is not.
    height = int.from_bytes(png[20:24], "big")
    assert (height > width) == (width < 700)


#: The embed's drawn texts: each plotly text with its own canvas, the legend items, the
#: footer (credit and links) and the header, in page pixels.
_EMBED = """() => {
  const box = el => { const b = el.getBoundingClientRect();
    return {left: b.left, top: b.top, right: b.right, bottom: b.bottom}; };
  const plots = [...document.querySelectorAll('#map, #timeline')].flatMap(root => {
    const canvas = box(root.querySelector('.main-svg'));
    return [...root.querySelectorAll('svg text')].filter(t => t.textContent.trim())
      .map(t => ({text: t.textContent, root: root.id, canvas: canvas, ...box(t)}));
  });
  return {
    width: document.documentElement.clientWidth,
    plots: plots,
    legend: [...document.querySelectorAll('.pm-legend li')].map(li =>
      ({text: li.textContent, ...box(li)})),
    blocks: [...document.querySelectorAll('header h1, header p, footer > *')].map(el =>
      ({text: el.textContent, ...box(el)})),
  };
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_embed_is_clean_at_every_width(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}embed?timeline=1")
    page.wait_for_selector("#map .choroplethlocation", state="attached")
    page.wait_for_selector("#timeline .xtick text", state="attached")
    drawn = page.evaluate(_EMBED)
    for t in drawn["plots"]:  # every text of the map and the timeline inside its own canvas
        c = t["canvas"]
        assert c["left"] - 0.5 <= t["left"] and t["right"] <= c["right"] + 0.5, (width, t)
        assert c["top"] - 0.5 <= t["top"] and t["bottom"] <= c["bottom"] + 0.5, (width, t)
    for a, b in combinations(drawn["legend"], 2):
        assert not overlap(a, b), (width, a, b)
    dates = [t for t in drawn["plots"] if t["root"] == "timeline"]
    assert dates
    for block in drawn["blocks"]:  # header, credit and links: in the page, off the plots
        assert 0 <= block["left"] and block["right"] <= drawn["width"] + 0.5, (width, block)
        for t in dates:
            assert not overlap(block, t), (width, block, t)
