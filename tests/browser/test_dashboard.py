"""The dashboard in a real headless Chromium, on the real embedded data.

Expected figures are computed here from the store with plain pandas, independently of
``core.aggregates``, so a query bug cannot hide behind its own output.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import map_points
import pandas as pd
import pytest
import shifts

pytestmark = pytest.mark.browser

MOSCOW = "RU-MOW"

#: Page x of a date on the timeline, and the y of the middle of its plot area.
_TIMELINE_POINT = """(day) => {
  const gd = document.querySelector('#timeline .js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.getBoundingClientRect();
  return {x: box.left + xa._offset + xa.d2p(day), y: box.top + ya._offset + ya._length / 2};
}"""
#: The timeline's veils over the days outside the period (filled shapes drawn above the bars).
_VEILS = "#timeline .layer-above .shapelayer path[style*='fill: rgb(255, 255, 255)']"
_BOXES = (
    "ps => ps.map(p => { const b = p.getBoundingClientRect();"
    " return {left: b.left, right: b.right}; })"
)
_REGION_Z = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const t = gd.data[1];
  return {locations: t.locations, z: t.z, ticktext: t.colorbar && t.colorbar.ticktext};
}"""


def detentions(frame: pd.DataFrame) -> int:
    """Sum of headline detention figures, the way the page's summary must count them."""
    return int(frame.loc[frame["kind"] == "detention", "detained"].sum())


def russia(frame: pd.DataFrame) -> pd.DataFrame:
    """Russia's totals leave occupied Ukrainian territory out by default."""
    return frame[frame["status"] != "occupied_ukraine"]


def tile(page: object, name: str) -> str:
    return page.inner_text(f"#tile-{name} .tile-value")  # type: ignore[attr-defined]


def wait_for_total(page: object, expected: int) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "(n) => { const e = document.querySelector('#tile-detentions .tile-value');"
        " return e && e.innerText.replace(/,/g, '') === String(n); }",
        arg=expected,
    )


def open_dashboard(page: object, url: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector("#map .choroplethlocation", state="attached")  # type: ignore[attr-defined]
    page.wait_for_selector("#tile-detentions")  # type: ignore[attr-defined]
    # The tab is named after the view once the first state has come back from the server:
    # before that, a control changed by the test could be reset to the URL's value.
    page.wait_for_function("() => document.title.startsWith('protestmap: ')")  # type: ignore[attr-defined]


def region_point(page: object, code: str) -> dict:
    point = map_points.region_point(page, code, "#map .js-plotly-plot")
    assert point, f"{code} is not drawn on the map"
    return point


def query(page: object) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)  # type: ignore[attr-defined]


def test_page_loads_offline_and_shows_the_embedded_data(page, page_log, base_url, incidents):
    open_dashboard(page, base_url)
    wait_for_total(page, detentions(russia(incidents)))
    shown = page.evaluate(_REGION_Z)
    z = dict(zip(shown["locations"], shown["z"], strict=True))
    reported = set(
        russia(incidents).query("kind == 'detention' and detained.notna()", engine="python")[
            "region_code"
        ]
    )
    assert reported and all(z[code] > 3 for code in reported)  # coloured by a data class
    silent = set(z) - set(incidents["region_code"])
    assert all(z[code] < 1 for code in silent if not code.startswith("UA-"))  # "no reports"
    assert all(1 < z[code] < 3 for code in z if code.startswith("UA-")) or not any(
        code.startswith("UA-") for code in z
    )  # occupied Ukraine: never a Russian class
    assert any("topojson/world_110m.json" in url for url in page_log.requests)
    assert tile(page, "regions") == str(russia(incidents)["region_code"].nunique())
    # Drawn by the partial plotly.js `make setup` builds (frontend/plotly), not the full one.
    traces = page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces).sort()")
    assert traces == ["bar", "choropleth", "scatter", "scattergeo"]
    assert not any("package_data/plotly.min.js" in url for url in page_log.requests)


def test_hovering_moscow_shows_its_figures(page, base_url, incidents):
    # The region's own hover: without the city symbols, whose Moscow circle covers the region.
    open_dashboard(page, f"{base_url}?symbols=0")
    point = region_point(page, MOSCOW)
    page.mouse.move(point["x"], point["y"])
    hover = page.wait_for_selector(".hoverlayer .hovertext")
    text = hover.text_content()
    moscow = incidents[incidents["region_code"] == MOSCOW]
    assert "Moscow" in text and "Москва" in text
    assert f"Detentions: {detentions(moscow):,}" in text
    assert f"Rallies: {int((moscow['kind'] == 'rally').sum())}" in text
    assert "per 100,000" in text


def test_clicking_moscow_opens_its_view_and_back_returns_to_russia(page, base_url, incidents):
    open_dashboard(page, base_url)
    total = detentions(russia(incidents))
    wait_for_total(page, total)
    moscow = incidents[incidents["region_code"] == MOSCOW]
    for _ in range(2):  # the same region clicked a second time works too
        point = region_point(page, MOSCOW)
        page.mouse.click(point["x"], point["y"])
        page.wait_for_url(f"**region={MOSCOW}**")
        wait_for_total(page, detentions(moscow))
        assert page.inner_text("#breadcrumb").replace("\n", "") == "Russia › Moscow"
        page.wait_for_function(
            "(n) => document.querySelectorAll('#incidents .ag-center-cols-container .ag-row')"
            ".length === n",
            arg=len(moscow),
        )
        shown_ids = page.eval_on_selector_all(
            "#incidents .ag-center-cols-container .ag-row",
            "rows => rows.map(r => r.getAttribute('row-id'))",
        )
        assert sorted(shown_ids) == sorted(moscow["incident_id"])
        links = page.eval_on_selector_all("#incidents .grid-sources a", "as => as.map(a => a.href)")
        stored = [s["url"] for row in moscow["sources"] for s in row]
        assert sorted(links) == sorted(stored)
        page.go_back()
        page.wait_for_function("() => !location.search.includes('region=')")
        wait_for_total(page, total)
        assert page.inner_text("#breadcrumb").strip() == "Russia"


def test_incident_detail_lists_every_source(page, base_url, incidents):
    moscow = incidents[incidents["region_code"] == MOSCOW]
    busiest = moscow.loc[moscow["sources"].map(len).idxmax()]
    open_dashboard(page, f"{base_url}?region={MOSCOW}")
    page.click(f"#incidents .ag-row[row-id='{busiest['incident_id']}'] [col-id='place']")
    page.wait_for_url(f"**incident={busiest['incident_id']}**")
    page.wait_for_selector("#detail-sources")
    hrefs = page.eval_on_selector_all("#detail-sources a", "as => as.map(a => a.href)")
    assert hrefs == [s["url"] for s in busiest["sources"]]
    assert page.inner_text("#breadcrumb").replace("\n", "").endswith("› incident")


def test_timeline_selection_sets_the_period_and_totals(page, base_url, incidents):
    open_dashboard(page, base_url)
    days = sorted(incidents["date"].dt.date.unique())
    assert len(days) >= 3, "the embedded data should span several days"
    first, last = days[1], days[-2]
    page.wait_for_selector("#timeline .bars .point", state="attached")
    page.locator("#timeline").scroll_into_view_if_needed()
    left = page.evaluate(_TIMELINE_POINT, f"{first} 00:00")
    right = page.evaluate(_TIMELINE_POINT, f"{last} 00:00")
    page.mouse.move(left["x"] - 8, left["y"])
    page.mouse.down()
    page.mouse.move(right["x"] + 8, right["y"], steps=8)
    page.mouse.up()
    page.wait_for_url("**from=**")
    # No plotly tip ("Double-click to zoom back out") over the legend: the help text says it.
    assert page.locator(".plotly-notifier .notifier-note").count() == 0
    assert query(page)["from"] == [first.isoformat()] and query(page)["to"] == [last.isoformat()]
    within = russia(incidents)[incidents["date"].dt.date.between(first, last)]
    wait_for_total(page, detentions(within))
    page.wait_for_function(  # the server's frame (every day again) replaced the drag's zoom
        "(d) => document.querySelector('#timeline .js-plotly-plot')._fullLayout.xaxis.range[0]"
        " === d",
        arg=f"{days[0] - dt.timedelta(days=1)}T12:00:00",
    )
    page.wait_for_function(f"() => document.querySelectorAll({_VEILS!r}).length === 2")
    veils = page.eval_on_selector_all(_VEILS, _BOXES)
    for day in days:  # each day's bar is drawn, dimmed exactly when outside the period
        x = page.evaluate(_TIMELINE_POINT, f"{day} 00:00")["x"]
        dimmed = any(v["left"] < x < v["right"] for v in veils)
        assert dimmed == (not first <= day <= last), day
    middle = page.evaluate(_TIMELINE_POINT, f"{first} 00:00")
    page.mouse.dblclick(middle["x"], middle["y"])
    page.wait_for_function("() => !location.search.includes('from=')")
    assert "to=" not in page.url, page.url
    wait_for_total(page, detentions(russia(incidents)))


def test_copied_link_reproduces_the_view(page, browser, base_url):
    open_dashboard(page, base_url)
    page.check("#metric input[value='per100k']")
    page.wait_for_url("**metric=per100k**")
    page.check("#classing input[value='jenks']")
    page.wait_for_url("**classes=jenks**")
    page.wait_for_selector("#selection-description:has-text('per 100,000')")
    # The panel's links carry the view's query: wait until they are the current ones.
    page.click("#region-panel a:text('Moscow')[href*='classes=jenks']")
    page.wait_for_url(f"**region={MOSCOW}**")
    page.wait_for_function("() => document.querySelector('#share-link').value.includes('region=')")
    link = page.input_value("#share-link")
    before = _view(page)

    fresh = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    try:
        open_dashboard(fresh, link)
        fresh.wait_for_function(
            "(t) => document.querySelector('#breadcrumb').innerText.replace(/\\n/g, '') === t",
            arg=before["breadcrumb"],
        )
        fresh.wait_for_function(
            "(d) => document.querySelector('#selection-description').innerText === d",
            arg=before["description"],
        )
        assert _view(fresh) == before
    finally:
        fresh.context.close()


def _view(page: object) -> dict:
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => { const t = document.querySelector('#map .js-plotly-plot').data[1];"
        " return t.colorbar && t.colorbar.ticktext; }"
    )
    return {
        "breadcrumb": page.inner_text("#breadcrumb").replace("\n", ""),  # type: ignore[attr-defined]
        "description": page.inner_text("#selection-description"),  # type: ignore[attr-defined]
        "summary": page.inner_text("#summary"),  # type: ignore[attr-defined]
        "metric": page.eval_on_selector("#metric input:checked", "e => e.value"),  # type: ignore[attr-defined]
        "classing": page.eval_on_selector("#classing input:checked", "e => e.value"),  # type: ignore[attr-defined]
        "map": page.evaluate(_REGION_Z),  # type: ignore[attr-defined]
    }


def test_garbage_query_falls_back_with_a_notice(page, base_url, incidents):
    response = page.goto(
        f"{base_url}?metric=bogus&foo=1&region=XX-ZZZ&from=yesterday&classes=%3Cscript%3E"
    )
    assert response.status == 200
    page.wait_for_selector("#notice:not([hidden])")
    notice = page.inner_text("#notice")
    for part in ("metric=bogus", "foo=1", "XX-ZZZ", "from=yesterday", "classes=<script>"):
        assert part in notice
    wait_for_total(page, detentions(russia(incidents)))
    assert page.inner_text("#breadcrumb").strip() == "Russia"
    assert page.eval_on_selector("#metric input:checked", "e => e.value") == "detained"


def test_empty_selection_says_so(page, base_url):
    open_dashboard(page, f"{base_url}?from=1990-01-01&to=1990-01-02")
    page.wait_for_selector("#empty-state:not([hidden])")
    wait_for_total(page, 0)
    page.wait_for_selector("#timeline .annotation-text:has-text('No incidents in this period')")


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("query", ["", "?region=RU-SPE&kind=detention"])
def test_the_map_does_not_move_when_the_first_panels_arrive(page, base_url, query, width):
    """The headline figures, the description and the "compare with" link are in the page the
    map comes with: they pushed the map 138 px down (a layout shift of 0.08; in a window
    390 px wide, a region's link 40 px) when the callbacks answered."""
    page.set_viewport_size({"width": width, "height": 900})
    shifts.record(page)
    with shifts.answer_to(page, "notice.children"), shifts.answer_to(page, "compare-with.children"):
        open_dashboard(page, base_url + query)
    page.wait_for_selector("#tile-detentions .tile-value")
    assert shifts.shifted(page) < 0.01
