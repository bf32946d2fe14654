"""The dashboard with the keyboard alone: every control reachable, each focus visible,
the incident grid one tab stop per row, Enter or Space opening an incident, copy buttons."""

from __future__ import annotations

import pytest
from test_dashboard import open_dashboard

pytestmark = pytest.mark.browser

#: What has focus now: an id naming the control, and whether its focus is drawn.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const named = el.closest('[id]');
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const cell = el.closest('.ag-cell');
  return {
    id: cell ? 'grid-cell' : (el.id || (named ? named.id : el.tagName)),
    tag: el.tagName,
    visible: outlined || style.boxShadow !== 'none',
    row: cell ? el.closest('.ag-row').getAttribute('row-index') : null,
    col: cell ? cell.getAttribute('col-id') : null,
  };
}"""
#: Controls a keyboard user must reach before the incident grid, by the id Tab lands on.
CONTROLS = {
    "compare-link",
    "share-link",
    "copy-link",
    "export-menu",
    "download-menu",
    "embed-dialog",
    "period",
    "kinds",
    "tags",
    "campaign",
    "metric",
    "classing",
    "occupied",
    "grid-cell",
}


def _tab_until_grid(page: object, limit: int = 120) -> list[dict]:
    seen: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        focused = page.evaluate(_FOCUSED)  # type: ignore[attr-defined]
        if focused:
            seen.append(focused)
            if focused["id"] == "grid-cell" and focused["row"] is not None:
                return seen
    return seen


def test_tab_reaches_every_control_with_a_visible_focus(page, base_url):
    open_dashboard(page, base_url)
    page.wait_for_selector("#incidents .ag-row", state="attached")
    seen = _tab_until_grid(page)
    reached = {f["id"] for f in seen}
    assert CONTROLS <= reached, f"not reached by Tab: {CONTROLS - reached}"
    unmarked = [f for f in seen if not f["visible"]]
    assert unmarked == [], f"focus not drawn on: {unmarked}"


def test_grid_rows_take_one_tab_each_and_enter_opens_an_incident(page, base_url):
    open_dashboard(page, base_url)
    page.wait_for_selector("#incidents .ag-row", state="attached")
    page.locator("#incidents .ag-row[row-index='0'] [col-id='place']").focus()
    page.keyboard.press("Tab")
    after_tab = page.evaluate(_FOCUSED)
    assert (after_tab["row"], after_tab["col"]) == ("1", "place")
    page.keyboard.press("ArrowRight")
    after_arrow = page.evaluate(_FOCUSED)
    assert (after_arrow["row"], after_arrow["col"]) == ("1", "kind_label")  # the kind, in words
    opened = page.get_attribute("#incidents .ag-row[row-index='1']", "row-id")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**incident={opened}**")
    page.wait_for_selector("#incident-detail h3")
    # Space opens another row the same way (an incident's view lists only that incident).
    open_dashboard(page, base_url)
    page.wait_for_selector("#incidents .ag-row", state="attached")
    page.locator("#incidents .ag-row[row-index='2'] [col-id='date']").focus()
    other = page.get_attribute("#incidents .ag-row[row-index='2']", "row-id")
    page.keyboard.press("Space")
    page.wait_for_url(f"**incident={other}**")


def test_copy_buttons_are_named_focusable_and_copy_with_enter(page, base_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_dashboard(page, base_url)
    copy = page.locator("#copy-link")
    assert copy.get_attribute("role") == "button"
    assert copy.get_attribute("aria-label") == "Copy the link to this view"
    assert page.locator("#copy-embed").get_attribute("aria-label") == "Copy the embed code"
    page.wait_for_function("() => document.querySelector('#share-link').value.includes('/')")
    copy.focus()
    assert page.evaluate("() => document.activeElement.id") == "copy-link"
    page.keyboard.press("Enter")
    shared = page.input_value("#share-link")
    page.wait_for_function("(v) => navigator.clipboard.readText().then(t => t === v)", arg=shared)
