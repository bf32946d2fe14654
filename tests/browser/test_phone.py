"""The phone layout at 390×844: nothing scrolls sideways, the map spans the screen, the
incidents are cards with their detained count, and the controls sit in a drawer."""

from __future__ import annotations

import pandas as pd
import pytest
from languages import LANGUAGES, in_language
from test_dashboard import open_dashboard

from core.i18n import format_number

pytestmark = pytest.mark.browser

#: How far the page reaches past the viewport's right edge (0: no horizontal scroll).
_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _no_overflow(page: object) -> None:
    assert page.evaluate(_OVERFLOW) <= 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dashboard_fits_the_phone(phone, base_url, incidents, lang):
    open_dashboard(phone, in_language(base_url, lang))
    _no_overflow(phone)
    width = phone.evaluate("() => document.querySelector('#map').getBoundingClientRect().width")
    assert width >= 0.9 * 390
    # Every card shows date, place, kind and detained; the grid is not shown.
    phone.wait_for_selector(".incident-card")
    assert not phone.is_visible("#incidents")
    first = phone.locator(".incident-card").first
    for fact in ("date", "place", "kind", "detained"):
        assert first.locator(f".card-{fact} dd").is_visible()
    shown = phone.evaluate(
        "() => [...document.querySelectorAll('.incident-card')].map(c =>"
        " [c.dataset.incident, c.querySelector('.card-detained dd').innerText])"
    )
    detained = incidents.set_index("incident_id")["detained"]
    for incident_id, text in shown:
        value = detained[incident_id]
        if pd.notna(value):  # a count: shown as such
            assert text == format_number(int(value), lang)
    # The Embed popover stays inside the screen.
    phone.click("#embed-dialog > summary")
    phone.wait_for_selector("#embed-dialog .menu-body", state="visible")
    box = phone.locator("#embed-dialog .menu-body").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    _no_overflow(phone)


def test_a_turned_screen_gets_the_other_incident_list(phone, base_url):
    # A phone gets the cards only; turned past the breakpoint it asks for the grid's rows.
    open_dashboard(phone, base_url)
    phone.wait_for_selector(".incident-card")
    assert phone.locator("#incidents .ag-row").count() == 0
    phone.set_viewport_size({"width": 1000, "height": 700})
    phone.wait_for_selector("#incidents .ag-row")
    assert phone.is_visible("#incidents") and not phone.is_visible(".incident-card")


def test_controls_open_from_a_drawer(phone, base_url):
    open_dashboard(phone, base_url)
    assert not phone.is_visible("#kinds")
    phone.click("#controls-drawer > summary")
    phone.wait_for_selector("#kinds", state="visible")
    _no_overflow(phone)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("compare?places=RU-MOW,RU-SPE", ".js-plotly-plot .scatterlayer .trace"),
        ("about", "#about-total"),
        ("embed?region=RU-MOW&timeline=1", "#timeline .bars"),
    ],
)
def test_other_pages_fit_the_phone(phone, base_url, path, ready, lang):
    phone.goto(in_language(base_url + path, lang))
    phone.wait_for_selector(ready, state="attached")
    _no_overflow(phone)
