"""The map's legend below a narrow map (assets/maplegend.js), at 390×844.

The figure comes from the server for every screen, with a colour bar in a 150 px right
margin; under 700 px of map width the browser folds it: no colour bar or size key in the
figure, no margin, and an HTML legend that wraps under the map. It must hold after every
patch (a view change resends the colour bar) and across window resizes.
"""

from __future__ import annotations

import pytest
from test_dashboard import open_dashboard

pytestmark = pytest.mark.browser

#: The map, its main geo area, the legend and its items, as the phone draws them.
_LAYOUT = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const box = el => { const b = el.getBoundingClientRect();
    return {l: b.left, r: b.right, t: b.top, b: b.bottom, w: b.width, h: b.height}; };
  const legend = document.querySelector('#map-legend');
  return {
    map: box(gd),
    geo: box(gd.querySelector('.geolayer > g.geo')),
    margin: gd._fullLayout.margin.r,
    colourbars: gd.querySelectorAll('.colorbar').length,
    keyShapes: gd._fullLayout.shapes.filter(s => s.name === 'size key' && s.visible).length,
    legend: legend.hidden ? null : box(legend),
    title: legend.hidden ? '' : legend.querySelector('p').textContent,
    items: [...legend.querySelectorAll('li')].map(li => ({...box(li), text: li.textContent})),
  };
}"""


def _apart(a: dict, b: dict) -> bool:
    return a["r"] <= b["l"] or b["r"] <= a["l"] or a["b"] <= b["t"] or b["b"] <= a["t"]


def _check_phone_map(layout: dict, width: int) -> None:
    assert layout["map"]["w"] >= 0.9 * width
    # Russia's national frame is drawn about 2:1, so a map spanning the width is drawn at
    # least 0.45 as tall as wide: at 390 px over 160 px (the squeezed map was 115 px).
    assert layout["geo"]["w"] >= 0.9 * width
    assert layout["geo"]["h"] >= 160 and layout["geo"]["h"] >= 0.45 * layout["geo"]["w"]
    assert layout["margin"] == 0 and layout["colourbars"] == 0 and layout["keyShapes"] == 0
    assert layout["legend"] is not None and layout["legend"]["t"] >= layout["map"]["b"] - 1
    items = layout["items"]
    assert any("occupied, Ukraine" in i["text"] for i in items)
    for i, a in enumerate(items):
        assert 0 <= a["l"] and a["r"] <= width, a
        for b in items[i + 1 :]:
            assert _apart(a, b), (a, b)


def test_phone_map_spans_the_width_with_its_legend_below(phone, base_url):
    open_dashboard(phone, base_url)
    phone.wait_for_selector("#map-legend li", state="attached")
    layout = phone.evaluate(_LAYOUT)
    _check_phone_map(layout, 390)
    assert layout["title"].startswith("Detentions")
    # The circle size key is part of it: one circle per stated value, title above.
    assert any(i["text"] == "100" for i in layout["items"])


def test_phone_legend_follows_a_patch_and_a_resize(phone, base_url):
    open_dashboard(phone, base_url)
    phone.wait_for_selector("#map-legend li", state="attached")
    # A view change patches the figure (colour bar included): the legend follows, folded.
    phone.click("#controls-drawer > summary")
    phone.check("#metric input[value='rallies']")
    phone.wait_for_url("**metric=rallies**")
    phone.wait_for_function(
        "() => document.querySelector('#map-legend p').textContent.startsWith('Rallies')"
    )
    _check_phone_map(phone.evaluate(_LAYOUT), 390)
    # Wide: the colour bar is back in its margin and the HTML legend goes.
    phone.set_viewport_size({"width": 1200, "height": 900})
    phone.wait_for_selector("#map .colorbar", state="attached")
    phone.wait_for_selector("#map-legend", state="hidden")
    wide = phone.evaluate(_LAYOUT)
    assert wide["margin"] == 150 and wide["keyShapes"] > 0 and wide["legend"] is None
    # And narrow again.
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.wait_for_selector("#map-legend li", state="attached")
    phone.wait_for_function(
        "() => !document.querySelector('#map .colorbar')"
        " && document.querySelector('#map .js-plotly-plot').clientWidth < 400"
    )
    _check_phone_map(phone.evaluate(_LAYOUT), 390)


#: A legend list as its reader gets it: each element's tag, class and own text, each
#: swatch's painted colour and each circle's map diameter.
_LEGEND_PARTS = """(root) => [...document.querySelector(root).querySelectorAll('*')].map(el => ({
  tag: el.tagName, cls: el.className,
  text: [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join(''),
  colour: el.classList.contains('swatch') ? getComputedStyle(el).backgroundColor : null,
  d: el.style.getPropertyValue('--d').trim(),
}))"""


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_phone_dashboard_and_embed_show_one_legend(browser, page_log, base_url, lang):
    """The dashboard draws it in the browser, the embed on the server: one list, same entries."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        tab = ctx.new_page()
        tab.on("pageerror", lambda e: page_log.errors.append(str(e)))
        query = f"?from=2022-09-21&to=2022-09-30&lang={lang}"
        open_dashboard(tab, base_url + query)
        tab.wait_for_selector("#map-legend li", state="attached")
        dashboard = tab.evaluate(_LEGEND_PARTS, "#map-legend .pm-legend")
        tab.goto(f"{base_url}embed{query}")
        embed = tab.evaluate(_LEGEND_PARTS, ".pm-legend")
    finally:
        ctx.close()
    assert dashboard == embed
    assert sum(1 for part in embed if part["cls"] == "circle" and part["d"]) >= 2
    assert page_log.errors == []
