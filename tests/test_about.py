"""The "About the data" page, its links from the headline and the exports, and "data as of".

Expected figures are computed here from the stored incidents with plain pandas.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from dash import html

from app import create_app, load_dataset
from geodata import store
from geodata.settings import Settings
from pages import about, views


@pytest.fixture(scope="module")
def data(built_store):
    return load_dataset(Settings(data=built_store))


@pytest.fixture(scope="module")
def stored(built_store) -> pd.DataFrame:
    frame = store.read_incidents(built_store / "incidents.parquet")
    return frame[frame["date"].dt.date == dt.date(2022, 9, 21)]


def words(component: object) -> str:
    """All text of a Dash component tree, in order."""
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, list | tuple):
        children = [children]
    return "".join(words(child) for child in children)


def links(component: object) -> list[str]:
    found = [component.href] if isinstance(component, html.A) else []
    children = getattr(component, "children", None) or []
    for child in children if isinstance(children, list | tuple) else [children]:
        found += links(child)
    return found


def test_first_day_total_is_the_stores_own(data, stored):
    counted = stored[(stored["kind"] == "detention") & stored["detained"].notna()]
    counted = counted[~counted["region_code"].isin(["UA-43", "UA-40"])]
    total = int(counted["detained"].sum())
    cities = counted["geonameid"].nunique()
    assert about.first_day_total(data.incidents) == (total, cities)
    page = words(about.layout(data.incidents))
    assert f"count {total:,} detentions in {cities} cities" in page
    assert "1,386 detentions in 38 cities" in page


def test_first_day_total_absent_from_a_store_without_the_embedded_data(data):
    others = data.incidents[data.incidents["campaign"] != about.EMBEDDED_CAMPAIGN]
    assert about.first_day_total(others) is None
    assert "does not hold the embedded September 2022 data" in words(about.layout(others))


def test_about_page_states_each_rule_with_sources(data):
    page = about.layout(data.incidents, "/")
    text = words(page)
    for heading in (
        "The headline figure",
        "What counts as a detention",
        "Occupied Ukrainian territory",
        "Where an incident is counted",
    ):
        assert heading in text
    assert "these are detentions, not people" in text
    assert "never counts or draws them as Russia" in text
    switch = ["/about?lang=en", "/about?lang=ru"]  # the language switch, within the site
    hrefs = [h for h in links(page) if h not in switch]
    assert set(switch) <= set(links(page))
    assert about.OVD_MIDNIGHT in hrefs and about.OVD_MORNING_LIST in hrefs
    assert about.OVD_EIGHT_MONTHS in hrefs and about.AMNESTY in hrefs
    assert all(h.startswith("https://") for h in hrefs)


def test_about_page_speaks_russian(data):
    page = about.layout(data.incidents, "/", "ru", "?lang=ru")
    text = words(page)
    assert "О данных" in text and "Что считается задержанием" in text
    assert "это задержания, а не люди" in text
    detained, cities = about.first_day_total(data.incidents)
    many = f"{detained:,}".replace(",", "\u00a0")
    assert f"насчитывают {many} задержаний в {cities} городах" in text
    # Its links are the English page's, placed where the Russian sentences put them.
    assert about.OVD_MIDNIGHT in links(page) and about.NATURAL_EARTH in links(page)
    assert "контуры Natural Earth у границ" in text
    english = [w for w in re.findall(r"\b[A-Za-z]{3,}\b", text) if w not in ALLOWED_LATIN]
    assert english == []
    back = page.children[0].children[1].children[0]
    assert (back.children, back.href) == ("Вернуться к карте", "/?lang=ru")


#: Latin words a Russian About page may show: names of sources, projects and the switch.
ALLOWED_LATIN = {"English", "Kasparov", "Amnesty", "International", "OVD", "Info", "GeoNames"}
ALLOWED_LATIN |= {"Natural", "Earth", "protestmap"}


def test_data_as_of_is_the_selections_latest_report(data, built_store):
    frame = store.read_incidents(built_store / "incidents.parquet")

    def latest(rows: pd.DataFrame) -> str:
        days = [
            s["as_of"][:10]
            for sources in rows["sources"]
            for s in sources
            if s["as_of"] and len(s["as_of"]) >= 10 and s["as_of"][4] == "-"
        ]
        return max(d for d in days if d[7] == "-")

    def shown(query: str) -> str:
        out = views.render_panels(data, {"query": query, "notices": []}, "/")
        tile = next(t for t in out["summary"] if getattr(t, "id", None) == "tile-as-of")
        return tile.children[0].children

    day = frame[frame["date"].dt.date == dt.date(2022, 9, 24)]
    assert shown("?from=2022-09-24&to=2022-09-24") == latest(day) == "2022-09-25"
    assert shown("") == latest(frame)
    assert shown("?from=2022-09-24&to=2022-09-24") != shown("")
    assert shown("?from=1990-01-01&to=1990-01-02") == "unknown"


def test_headline_links_to_the_about_page(data):
    out = views.render_panels(data, {"query": "", "notices": []}, "/base/")
    link = out["summary"][-1]
    assert link.id == "about-link" and link.href == "/base/about"


@pytest.fixture(scope="module")
def client(built_store, tmp_path_factory):
    settings = Settings(data=built_store, cache=tmp_path_factory.mktemp("cache"))
    return create_app(settings).server.test_client()


def test_every_export_credit_names_the_about_page(client):
    about_url = "http://localhost/about"
    embed = client.get("/embed?from=2022-09-21&to=2022-09-21").get_data(as_text=True)
    assert f'href="{about_url}"' in embed and "About the data" in embed
    readme = client.get("/download/incidents.csv?from=2022-09-21").get_data(as_text=True)
    assert f"About the data: {about_url}" in readme


def test_the_about_route_serves_the_page(client):
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "page-content.children",
            "outputs": {"id": "page-content", "property": "children"},
            "inputs": [{"id": "page-url", "property": "pathname", "value": "/about"}],
            "state": [{"id": "page-url", "property": "search", "value": ""}],
            "changedPropIds": ["page-url.pathname"],
        },
    )
    assert response.status_code == 200
    body = json.dumps(response.get_json())
    assert "About the data" in body and about.ABOUT_HEADING in body
