"""Touch on a phone: tapping a region drills down to it, and the way back is there to tap too."""

from __future__ import annotations

import pytest
from test_dashboard import detentions, open_dashboard, query, region_point, russia, wait_for_total

pytestmark = pytest.mark.browser

#: Krasnoyarsk Krai: large enough on a 390 px map to tap without zooming.
KRASNOYARSK = "RU-KYA"


def _tap_region(phone: object, code: str) -> None:
    # On a phone the map starts below the fold: a reader scrolls to it before tapping.
    phone.locator("#map").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    point = region_point(phone, code)
    phone.touchscreen.tap(point["x"], point["y"])  # type: ignore[attr-defined]
    phone.wait_for_url(f"**region={code}**")  # type: ignore[attr-defined]


def test_tapping_a_region_drills_down_and_the_breadcrumb_returns(phone, base_url, incidents):
    open_dashboard(phone, base_url)
    _tap_region(phone, KRASNOYARSK)
    assert query(phone)["region"] == [KRASNOYARSK]
    phone.wait_for_function(
        "() => document.querySelector('#breadcrumb').innerText.includes('Krasnoyarsk')"
    )
    # The breadcrumb's first step is the back control: a link of its own, tapped.
    phone.locator("#breadcrumb a.crumb").first.tap()
    phone.wait_for_function("() => !location.search.includes('region=')")
    phone.wait_for_function(
        "() => document.querySelector('#breadcrumb').innerText.trim() === 'Russia'"
    )
    # The browser's own back button works after a tap as after a click.
    _tap_region(phone, KRASNOYARSK)
    phone.go_back()
    phone.wait_for_function("() => !location.search.includes('region=')")
    wait_for_total(phone, detentions(russia(incidents)))
