"""Place names and the circle size legend as the browser draws them.

Bounding boxes of the drawn label text are measured: no two overlap and none leaves the map,
on the dashboard (desktop and phone) and on the embed at 320, 600 and 1200 px.
"""

from __future__ import annotations

from itertools import combinations

import pytest
from map_points import region_point

pytestmark = pytest.mark.browser

#: The drawn labels of one geo subplot of a map (``.geo:not(.geo2)`` the national map,
#: ``.geo2`` its inset), with their boxes in page pixels; null until Moscow is named there.
_LABEL_BOXES = """([root, geo]) => {
  const svg = document.querySelector(root + ' .main-svg');
  const texts = [...document.querySelectorAll(root + ' ' + geo + ' .scattergeo text')]
    .filter(t => t.textContent.trim());
  if (!svg || !texts.some(t => t.textContent === 'Moscow')) return null;
  const frame = svg.getBoundingClientRect();
  return {
    svg: {left: frame.left, top: frame.top, right: frame.right, bottom: frame.bottom},
    labels: texts.map(t => { const b = t.getBoundingClientRect();
      return {text: t.textContent, left: b.left, top: b.top, right: b.right, bottom: b.bottom}; }),
  };
}"""


def overlap(a: dict, b: dict, slack: float = 0.5) -> bool:
    return (
        a["left"] + slack < b["right"]
        and b["left"] + slack < a["right"]
        and a["top"] + slack < b["bottom"]
        and b["top"] + slack < a["bottom"]
    )


def drawn_labels(page: object, root: str, geo: str = ".geo:not(.geo2)") -> dict:
    """The labels of ``geo`` once it names Moscow, waited for and measured in one step.

    Each geo subplot is drawn when its own outline has loaded, so the inset can name Moscow
    while the national map is still blank: a wait on any subplot's text is not enough.
    """
    return page.wait_for_function(_LABEL_BOXES, arg=[root, geo]).json_value()  # type: ignore[attr-defined]


def assert_labels_clear(page: object, root: str) -> list[str]:
    drawn = drawn_labels(page, root)
    labels, svg = drawn["labels"], drawn["svg"]
    for a, b in combinations(labels, 2):
        assert not overlap(a, b), (a, b)
    for box in labels:
        assert svg["left"] <= box["left"] and box["right"] <= svg["right"] + 0.5, box
        assert svg["top"] <= box["top"] and box["bottom"] <= svg["bottom"] + 0.5, box
    return [box["text"] for box in labels]


@pytest.mark.parametrize("tab", ["page", "phone"])
def test_dashboard_names_hotspots_without_overlap_and_states_the_scale(
    request, tab, base_url, incidents
):
    page = request.getfixturevalue(tab)
    page.goto(base_url)
    names = assert_labels_clear(page, "#map")
    # Moscow's symbol is the largest and named first; a name that cannot be clear of the
    # others at every size the dashboard is drawn at (a phone's too) is left out.
    assert names.count("Moscow") == 1  # the symbol's name replaces the fixed label
    assert len(names) >= 3 and "occupied, Ukraine" in names
    # The circle size legend: circles drawn at the map's own sizes, with their values; in
    # the figure's margin on a desktop, below the map on a phone (assets/maplegend.js).
    texts, shapes = "#map .annotation-text", "#map .layer-above .shapelayer path"
    if tab == "phone":
        texts, shapes = "#map-legend p, #map-legend .pm-sizes li", "#map-legend .circle"
    key = page.eval_on_selector_all(texts, "ts => ts.map(t => t.textContent)")
    assert any("area ∝ detentions" in t for t in key)
    per_city = (
        incidents[(incidents["kind"] == "detention") & (incidents["status"] != "occupied_ukraine")]
        .groupby("geonameid")["detained"]
        .sum()
    )
    assert f"{int(per_city.max()):,}" in key
    circles = page.eval_on_selector_all(
        shapes, "ps => ps.map(p => p.getBoundingClientRect().width)"
    )
    assert max(circles) == pytest.approx(44, abs=1.5)


@pytest.mark.parametrize("width", [320, 600, 1200])
def test_embed_names_places_without_overlap_at_every_width(browser, page_log, base_url, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    try:
        tab = ctx.new_page()
        tab.on("pageerror", lambda e: page_log.errors.append(str(e)))
        tab.goto(f"{base_url}embed")
        names = assert_labels_clear(tab, "#map")
        assert "Moscow" in names
        # The HTML size legend: its circles as wide as the map's largest, shrunk alike.
        legend = tab.eval_on_selector_all(
            ".pm-sizes .circle", "cs => cs.map(c => c.getBoundingClientRect().width)"
        )
        largest = tab.evaluate(
            "() => Math.max(...[...document.querySelectorAll('#map .geo:not(.geo2) .point')]"
            ".map(p => p.getBoundingClientRect().width))"
        )
        assert legend and max(legend) == pytest.approx(largest, abs=1.5)
    finally:
        ctx.close()
    assert page_log.errors == []


def test_clicking_moscow_in_the_inset_opens_moscow(page, base_url):
    page.goto(base_url)
    # A click before the first state is back from the server can be undone by it.
    page.wait_for_function("() => document.title.startsWith('protestmap: ')")
    drawn_labels(page, "#map")
    drawn_labels(page, "#map", ".geo2")
    inset = page.evaluate(
        "() => { const gd = document.querySelector('#map .js-plotly-plot');"
        " return gd._fullLayout.geo2 ? gd._fullLayout.geo2.domain : null; }"
    )
    assert inset is not None
    # On the two-language page the inset's Moscow lies below the test window's fold: a
    # click lands only inside the viewport, so the inset is scrolled into view first.
    page.eval_on_selector("#map .geo2", "g => g.scrollIntoView({block: 'center'})")
    point = region_point(page, "RU-MOW", container="#map .geo2")
    assert point is not None
    main = region_point(page, "RU-MOW", container="#map .geo:not(.geo2)")
    # In the inset Moscow is large enough to read and hit: many times its national size.
    box = page.evaluate(
        "(sel) => { const p = [...document.querySelectorAll(sel + ' .choroplethlocation')]"
        ".find(p => p.__data__ && p.__data__.loc === 'RU-MOW');"
        " const b = p.getBoundingClientRect(); return b.width * b.height; }",
        "#map .geo2",
    )
    assert main is not None and box > 100
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**region=RU-MOW**")
    page.wait_for_selector("#region-name:has-text('Moscow')")
