"""Russian readers, as they arrive: by a ?lang=ru link, or with a browser set to Russian.

Each page is read as a reader sees it: the words on screen, ``<html lang>`` for screen
readers, and links that keep the language as the reader moves on.
"""

from __future__ import annotations

import re

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


#: Texts a Russian page may show in Latin letters alone: the other language's name in the
#: switch, file formats, and names of the project and of the sources it credits.
NAMES = {
    "English",
    "PNG",
    "PNG 2×",
    "SVG",
    "PDF",
    "protestmap",
    "OVD-Info",
    "GeoNames",
    "Natural Earth",
    "Kasparov.ru",
    "Amnesty International",
}
#: Every text a reader (or a screen reader) meets on the page: the rendered text nodes, and
#: the names and hints of rendered elements.
SHOWN_TEXTS = """() => {
  const shown = (el) => el && el.getClientRects().length > 0;
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (shown(node.parentElement) && !node.parentElement.closest("script, style")) {
      texts.push(node.textContent.trim());
    }
  }
  for (const el of document.querySelectorAll("[aria-label], [title], [placeholder]")) {
    if (!shown(el)) continue;
    for (const name of ["aria-label", "title", "placeholder"]) {
      if (el.getAttribute(name)) texts.push(el.getAttribute(name).trim());
    }
  }
  return texts;
}"""
#: A data version (the hex digest a page prints beside its credit).
DATA_VERSION = re.compile("[0-9a-f]{12}")
ENGLISH_MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)", re.I)


def _english_left(page: object) -> set[str]:
    """The texts on the page in Latin letters alone that are not names (should be none)."""
    texts = page.evaluate(SHOWN_TEXTS)  # type: ignore[attr-defined]
    latin = {t for t in texts if re.search("[A-Za-z]{2}", t) and not re.search("[А-Яа-яЁё]", t)}
    return {t for t in latin - NAMES if not DATA_VERSION.fullmatch(t)}


def _ticks(page: object, graph: str) -> list[str]:
    return page.locator(f"{graph} .xtick text").all_text_contents()  # type: ignore[attr-defined]


def _open_calendar(page: object, picker: str) -> str:
    """Open a date picker's calendar; its text (month names, weekdays)."""
    page.click(f"{picker} input >> nth=0")  # type: ignore[attr-defined]
    calendar = page.locator(".dash-datepicker-calendar").first  # type: ignore[attr-defined]
    calendar.wait_for()
    return calendar.inner_text()


def test_the_russian_dashboard_has_no_english_left(page, base_url):
    open_dashboard(page, base_url + "?lang=ru")
    page.wait_for_selector("#timeline .xtick", state="attached")
    # plotly.js names the timeline's months in Russian (its own locale, in the figure config).
    ticks = _ticks(page, "#timeline")
    assert any("Сент." in t for t in ticks) and not ENGLISH_MONTHS.search(" ".join(ticks))
    # The date picker's calendar too: standalone month names, weeks from Monday.
    calendar = _open_calendar(page, "#period-wrapper")
    assert "сентябрь 2022" in calendar and "сентября" not in calendar
    assert calendar.split().index("пн") < calendar.split().index("вс")
    assert _english_left(page) == set()


def test_the_english_dashboard_keeps_english_months(page, base_url):
    open_dashboard(page, base_url)
    page.wait_for_selector("#timeline .xtick", state="attached")
    assert any("Sep" in t for t in _ticks(page, "#timeline"))
    assert "September 2022" in _open_calendar(page, "#period-wrapper")


def test_russian_compare_has_no_english_left(page, base_url):
    page.goto(base_url + "compare?places=RU-MOW,RU-SPE&lang=ru")
    page.wait_for_selector("#cmp-graph .xtick", state="attached")
    page.wait_for_selector("#cmp-table table")
    page.wait_for_selector("#cmp-steps table")
    ticks = _ticks(page, "#cmp-graph")
    assert any("Сент." in t for t in ticks) and not ENGLISH_MONTHS.search(" ".join(ticks))
    assert page.input_value("#cmp-period-wrapper input >> nth=0") == "21 сент. 2022"
    assert page.inner_text("#cmp-caption").startswith("С 21 сентября 2022")
    assert "выбрано: 2" in page.inner_text("#cmp-places")
    calendar = _open_calendar(page, "#cmp-period-wrapper")
    assert "сентябрь 2022" in calendar
    assert _english_left(page) == set()


@pytest.mark.parametrize("path", ["about?lang=ru", "embed?lang=ru&timeline=1"])
def test_russian_about_and_embed_have_no_english_left(page, base_url, path):
    page.goto(base_url + path)
    page.wait_for_selector("h1")
    if "timeline" in path:
        page.wait_for_selector("#timeline .xtick", state="attached")
        assert any("Сент." in t for t in _ticks(page, "#timeline"))
    assert _english_left(page) == set()
