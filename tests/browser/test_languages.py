"""Russian readers, as they arrive: by a ?lang=ru link, or with a browser set to Russian.

Each page is read as a reader sees it: the words on screen, ``<html lang>`` for screen
readers, and links that keep the language as the reader moves on.
"""

from __future__ import annotations

import pytest
from test_dashboard import open_dashboard, query

pytestmark = pytest.mark.browser


def _html_lang(page: object) -> str:
    return page.evaluate("() => document.documentElement.lang")  # type: ignore[attr-defined]


def test_the_dashboard_in_russian_keeps_its_language(page, base_url):
    open_dashboard(page, base_url + "?lang=ru")
    assert _html_lang(page) == "ru"
    assert page.inner_text(".tagline").startswith("Задержания и акции протеста в России")
    assert page.text_content("#tile-detentions .tile-label") == "задержания"
    assert page.inner_text("#breadcrumb") == "Россия"
    assert "Дата" in page.inner_text("#incidents .ag-header")
    assert page.inner_text("#incident-heading").startswith("События (")
    # The top regions are named in Russian; following one keeps the language.
    page.click("#region-panel .region-list a >> nth=0")
    page.wait_for_selector("#region-name")
    assert query(page)["lang"] == ["ru"] and "region" in query(page)
    assert page.inner_text("#breadcrumb").startswith("Россия › ")
    assert page.inner_text("#region-panel h3") == "Города"
    # Export and embed carry the language too.
    assert "lang=ru" in page.get_attribute("#export-links a >> nth=0", "href")
    assert "lang=ru" in page.input_value("#embed-snippet")


def test_the_switch_opens_the_same_view_in_the_other_language(page, base_url):
    open_dashboard(page, base_url + "?region=RU-MOW")
    assert _html_lang(page) == "en"
    page.click("#lang-switch a[hreflang=ru]")
    page.wait_for_function("() => document.documentElement.lang === 'ru'")
    page.wait_for_selector("#region-name")
    assert query(page) == {"region": ["RU-MOW"], "lang": ["ru"]}
    assert page.inner_text("#region-name").startswith("Москва")
    assert page.get_attribute("#lang-switch a[hreflang=ru]", "aria-current") == "true"


def test_a_russian_browser_gets_russian_pages(russian_browser_page, base_url, incidents):
    tab = russian_browser_page
    busiest = incidents.sort_values("detained", ascending=False).iloc[0]
    open_dashboard(tab, f"{base_url}?incident={busiest['incident_id']}")
    assert _html_lang(tab) == "ru"
    tab.wait_for_selector("#incident-detail h3")
    detail = tab.inner_text("#incident-detail")
    assert "Источники (" in detail and "Задержано" in detail
    assert f"{int(busiest['detained']):,}".replace(",", "\u00a0") in detail
    assert "2022\u202fг." in tab.inner_text("#incident-detail h3")  # "21 сентября 2022 г."
    tab.goto(base_url + "embed?region=RU-MOW")
    tab.wait_for_selector("#map .choroplethlocation", state="attached")
    assert _html_lang(tab) == "ru"
    assert tab.inner_text("h1") == "Задержания на акциях протеста: Москва"
    assert tab.inner_text("#pm-alt").startswith("Карта: Москва")
    assert "О данных" in tab.inner_text("footer")


def test_compare_in_russian_keeps_its_language(page, base_url):
    page.goto(base_url + "compare?places=RU-MOW,RU-SPE&lang=ru")
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", state="attached")
    assert _html_lang(page) == "ru"
    assert page.inner_text(".cmp-page h2") == "Сравнение городов и регионов"
    assert page.inner_text("#cmp-measure-label") == "Что считать"
    page.wait_for_function("() => new URLSearchParams(location.search).has('places')")
    page.click("#cmp-step label:has-text('по неделям')")
    page.wait_for_function("() => new URLSearchParams(location.search).get('step') === 'week'")
    assert query(page)["lang"] == ["ru"]
    assert "lang=ru" in page.get_attribute("#cmp-export-png", "href")
