"""The timeline's legend and its key-date notes ("21 Sep: mobilisation announced") never overlap.

Both sit above the plot: at a phone's width the horizontal legend (top right) ran over the
note that starts at the key date, and under plotly's mode bar. Measured as Chromium draws
them, on the dashboard at 390×844 and in the embed at narrow and wide columns, in both
languages.
"""

from __future__ import annotations

from itertools import combinations

import pytest
from languages import LANGUAGES, in_language
from test_dashboard import open_dashboard
from test_map_labels import overlap

pytestmark = pytest.mark.browser

#: The timeline's legend items, its notes and its canvas, in page pixels.
_TIMELINE = """() => {
  const root = document.querySelector('#timeline');
  const box = el => { const b = el.getBoundingClientRect();
    return {left: b.left, top: b.top, right: b.right, bottom: b.bottom}; };
  const texts = sel => [...root.querySelectorAll(sel)].filter(t => t.textContent.trim())
    .map(t => ({text: t.textContent, ...box(t)}));
  return {
    canvas: box(root.querySelector('.main-svg')),
    plot: box(root.querySelector('.bglayer rect, .nsewdrag')),
    legend: [...root.querySelectorAll('.legend .traces')].map(t =>
      ({text: t.textContent, ...box(t)})),
    notes: texts('.annotation-text'),
    buttons: [...root.querySelectorAll('.modebar-btn')].map(box),
  };
}"""


def _check(drawn: dict, where: str) -> None:
    legend, notes, canvas = drawn["legend"], drawn["notes"], drawn["canvas"]
    assert legend, where
    assert any("21" in note["text"] for note in notes), (where, notes)
    for item in legend:
        for note in notes:
            assert not overlap(item, note), (where, item, note)
    for a, b in combinations(legend + notes, 2):
        assert not overlap(a, b), (where, a, b)
    for item in legend:  # plotly's mode bar (top right) shows on a tap or a hover
        for button in drawn["buttons"]:
            assert not overlap(item, button), (where, item, button)
    for text in legend + notes:  # on the canvas, and clear of the bars below
        assert canvas["left"] - 0.5 <= text["left"] and text["right"] <= canvas["right"] + 0.5
        assert canvas["top"] - 0.5 <= text["top"], (where, text)
        assert text["bottom"] <= drawn["plot"]["top"] + 0.5, (where, text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phone_timeline_legend_is_clear_of_the_key_date(phone, base_url, lang):
    open_dashboard(phone, in_language(base_url, lang))
    phone.wait_for_selector("#timeline .annotation-text", state="attached")
    phone.wait_for_selector("#timeline .legend .traces", state="attached")
    _check(phone.evaluate(_TIMELINE), f"dashboard 390 {lang}")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("width", [320, 390, 1200])
def test_embed_timeline_legend_is_clear_of_the_key_date(page, base_url, width, lang):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(in_language(f"{base_url}embed?timeline=1", lang))
    page.wait_for_selector("#timeline .annotation-text", state="attached")
    page.wait_for_selector("#timeline .legend .traces", state="attached")
    _check(page.evaluate(_TIMELINE), f"embed {width} {lang}")
