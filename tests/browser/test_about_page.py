"""The About page, opened as a reader would: from the headline figures' link."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.browser


def test_about_page_opens_from_the_headline_link(page, base_url, incidents):
    first = incidents[
        (incidents["date"].dt.date == dt.date(2022, 9, 21))
        & (incidents["kind"] == "detention")
        & (incidents["status"] != "occupied_ukraine")
        & incidents["detained"].notna()
    ]
    total, cities = int(first["detained"].sum()), first["geonameid"].nunique()
    page.goto(base_url + "?from=2022-09-24&to=2022-09-24")
    page.wait_for_function(
        "() => { const e = document.querySelector('#tile-as-of .tile-value');"
        " return e && e.innerText === '2022-09-25'; }"
    )
    page.click("#about-link")
    page.wait_for_selector("#about-heading")
    assert page.url == base_url + "about"
    text = page.inner_text("#about-total")
    assert f"count {total:,} detentions in {cities} cities" in text
    assert "1,386 detentions in 38 cities" in text
    assert page.inner_text("h1") == "About the data"
    page.click("text=Back to the map")
    page.wait_for_selector("#tile-detentions")
