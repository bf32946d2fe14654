"""The dashboard's Export, Download, Embed and Compare controls, used as a reader would.

Everything is served by the real ``create_app`` (the session's server). Links are read from
the page after clicking its menus and fetched as the browser would; expected rows come from
the store with plain pandas, independently of ``core.aggregates``.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from geodata import store
from geodata.settings import Settings
from tests.processes import in_thread

pytestmark = pytest.mark.browser

MOSCOW = "RU-MOW"
PERIOD = ("2022-09-21", "2022-09-30")
VIEW = f"?from={PERIOD[0]}&to={PERIOD[1]}&kind=detention"


def open_view(page: object, url: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector("#map .choroplethlocation", state="attached")  # type: ignore[attr-defined]
    page.wait_for_selector("#export-links a", state="attached")  # type: ignore[attr-defined]
    # Named after the view once the first state is back: controls are settled from then on.
    page.wait_for_function("() => document.title.startsWith('protestmap: ')")  # type: ignore[attr-defined]


def menu_links(page: object, menu: str, links: str) -> dict[str, str]:
    page.click(f"#{menu} summary")  # type: ignore[attr-defined]
    anchors = page.locator(f"#{links} a")  # type: ignore[attr-defined]
    return {a.inner_text(): a.get_attribute("href") for a in anchors.all()}


def fetch(page: object, base_url: str, href: str) -> tuple[int, dict[str, str], bytes]:
    """GET a link of the page (an absolute path) as the browser would."""
    response = page.request.get(base_url.rstrip("/") + href)  # type: ignore[attr-defined]
    return response.status, response.headers, response.body()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def commented_csv(data: bytes) -> tuple[list[str], pd.DataFrame]:
    lines = data.decode().splitlines(keepends=True)
    header = [line for line in lines if line.startswith("#")]
    body = "".join(lines[len(header) :])
    return header, pd.read_csv(io.StringIO(body), dtype={"incident_id": str})


def version_of(store_dir: Path) -> str:
    return store.read_metadata(store_dir / "incidents.parquet")["data_version"]


def test_export_menu_png_links_have_the_requested_scale(page, base_url, store_dir):
    open_view(page, f"{base_url}{VIEW}&region={MOSCOW}")
    links = menu_links(page, "export-menu", "export-links")
    assert list(links) == ["PNG", "PNG 2×", "SVG", "PDF"]
    query = parse_qs(urlparse(links["PNG 2×"]).query)
    assert query["region"] == [MOSCOW] and query["v"] == [version_of(store_dir)]
    status, headers, body = fetch(page, base_url, links["PNG 2×"])
    assert status == 200 and headers["content-type"] == "image/png"
    assert png_size(body) == (2400, 1520)
    status, _, body = fetch(page, base_url, links["PNG"])
    assert status == 200 and png_size(body) == (1200, 760)
    page.check("#export-timeline input")
    page.wait_for_function(
        "() => document.querySelector('#export-links a').href.includes('timeline=1')"
    )


def test_download_links_hold_exactly_the_selection(page, base_url, incidents):
    open_view(page, f"{base_url}{VIEW}")
    links = menu_links(page, "download-menu", "download-links")
    in_period = incidents["date"].between(pd.Timestamp(PERIOD[0]), pd.Timestamp(PERIOD[1]))
    chosen = incidents[
        in_period & (incidents["kind"] == "detention") & (incidents["status"] != "occupied_ukraine")
    ]
    expected = sorted(chosen["incident_id"])

    status, _, body = fetch(page, base_url, links["Incidents (CSV)"])
    header, rows = commented_csv(body)
    assert status == 200 and header
    assert sorted(rows["incident_id"]) == expected

    status, _, body = fetch(page, base_url, links["Incidents (GeoJSON)"])
    features = json.loads(body)["features"]
    assert sorted(f["properties"]["incident_id"] for f in features) == expected

    status, _, body = fetch(page, base_url, links["Regional aggregates (CSV)"])
    _, regions = commented_csv(body)
    in_russia = incidents[in_period & (incidents["kind"] == "detention")]
    per_region = in_russia.groupby("region_code")["detained"].sum(min_count=1).dropna()
    shown = regions.dropna(subset=["detained"]).set_index("region_code")["detained"]
    assert shown.sort_index().to_dict() == per_region.sort_index().to_dict()


def test_embed_dialog_gives_a_pinned_snippet_that_loads(page, base_url, store_dir):
    open_view(page, f"{base_url}?region={MOSCOW}")
    page.click("#embed-dialog summary")
    page.wait_for_function("() => document.querySelector('#embed-snippet').value.length > 0")
    snippet = page.input_value("#embed-snippet")
    src = unescape(re.search(r'<iframe src="([^"]+)"', snippet).group(1))
    title = unescape(re.search(r'title="([^"]*)"', snippet).group(1))
    alt = unescape(re.search(r'alt="([^"]*)"', snippet).group(1))
    # The embed keeps the page's language, so an article shows it in the language it was made.
    assert parse_qs(urlparse(src).query) == {
        "region": [MOSCOW],
        "lang": ["en"],
        "v": [version_of(store_dir)],
    }
    assert "Moscow" in title and alt.startswith("Map of Moscow")
    assert page.inner_text("#embed-info .embed-alt") == alt
    static = page.get_attribute("#embed-info .embed-static", "href")
    assert static.startswith("/export/map.png?") and "v=" in static

    page.set_content(f"<!doctype html><title>article</title>{snippet}")
    frame = page.frame_locator("iframe")
    frame.locator("#map .choroplethlocation").first.wait_for(state="attached")
    assert "Open the full view" in frame.locator("footer").inner_text()


def test_compare_link_opens_compare_with_one_entry_per_federal_city(page, base_url):
    open_view(page, base_url)
    page.click("#compare-link")
    page.wait_for_url("**/compare")
    page.locator("#cmp-places").click()
    page.keyboard.type("Moscow")
    page.get_by_role("option", name="Москва · Moscow (region)").wait_for()
    options = page.get_by_role("option").all_inner_texts()
    assert "Москва · Moscow (region)" in options
    assert not any("(city, Moscow)" in o for o in options)
    page.get_by_role("option", name="Москва · Moscow (region)").click()
    page.keyboard.press("Escape")
    for typed, label in (
        ("Санкт", "Санкт-Петербург · Saint Petersburg (region)"),
        ("Махачкала", "Махачкала · Makhachkala (city, Republic of Dagestan)"),
    ):
        page.locator("#cmp-places").click()
        page.keyboard.type(typed)
        page.get_by_role("option", name=label).click()
        page.keyboard.press("Escape")
    page.wait_for_url("**places=RU-MOW,RU-SPE,532096**")
    page.wait_for_function("() => document.querySelectorAll('#cmp-table tbody tr').length === 3")
    png = page.get_attribute("#cmp-export-png", "href")
    status, headers, body = fetch(page, base_url, png)
    assert status == 200 and headers["content-type"] == "image/png" and png_size(body)[0] == 1200


def test_compare_with_from_the_moscow_view_preselects_moscow(page, base_url):
    open_view(page, f"{base_url}?region={MOSCOW}&from={PERIOD[0]}&to={PERIOD[1]}")
    page.click("#compare-with a")
    page.wait_for_url(f"**/compare?places={MOSCOW}**")
    page.wait_for_selector(f"#cmp-table tbody tr[data-place='{MOSCOW}']")
    assert "Moscow (region)" in page.inner_text("#cmp-places")
    query = parse_qs(urlparse(page.url).query)
    assert query["start"] == [PERIOD[0]] and query["end"] == [PERIOD[1]]
    # A federal city's own GeoNames id (a city link) means the region: one place, not two.
    page.goto(f"{base_url}compare?places=524901,{MOSCOW}")
    page.wait_for_function("() => document.querySelectorAll('#cmp-table tbody tr').length === 1")
    assert page.get_attribute("#cmp-table tbody tr", "data-place") == MOSCOW


def test_only_the_embed_may_be_framed(page, base_url):
    main = page.request.get(base_url)
    assert main.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in main.headers["content-security-policy"]
    embed = page.request.get(f"{base_url}embed?region={MOSCOW}")
    assert embed.status == 200 and "x-frame-options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["content-security-policy"]


@pytest.fixture(scope="module")
def changing_store(
    store_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A private copy of the store, served by its own app, that the test can re-write."""
    from app import create_app

    folder = tmp_path_factory.mktemp("changing") / "data"
    shutil.copytree(store_dir, folder)
    app = create_app(Settings(data=folder, cache=folder.parent / "cache"))
    with in_thread(app.server) as url:
        yield url + "/", folder


def detentions_tile(page: object) -> str:
    return page.inner_text("#tile-detentions .tile-value")  # type: ignore[attr-defined]


def test_pinned_dashboard_keeps_its_numbers_after_new_data(page, changing_store):
    url, folder = changing_store
    path = folder / "incidents.parquet"
    old = version_of(folder)
    frame = store.read_incidents(path)
    moscow = frame[(frame["region_code"] == MOSCOW) & (frame["kind"] == "detention")]
    before = int(moscow["detained"].sum())
    dropped = moscow.dropna(subset=["detained"]).iloc[0]
    store.write_incidents(frame[frame["incident_id"] != dropped["incident_id"]], path)
    after = before - int(dropped["detained"])

    open_view(page, f"{url}?region={MOSCOW}&v={old}")
    page.wait_for_function(
        "(n) => document.querySelector('#tile-detentions .tile-value')?.innerText"
        ".replace(/,/g, '') === String(n)",
        arg=before,
    )
    assert page.inner_text("#tile-version .tile-value") == old
    newer = page.locator("#newer-data a")
    assert newer.inner_text() == "Newer data available"
    newer.click()
    page.wait_for_function(
        "(n) => document.querySelector('#tile-detentions .tile-value')?.innerText"
        ".replace(/,/g, '') === String(n)",
        arg=after,
    )
    page.wait_for_url(lambda current: "v=" not in current)
    assert page.locator("#newer-data a").count() == 0
    assert page.inner_text("#tile-version .tile-value") == version_of(folder)
