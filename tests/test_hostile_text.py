"""Text from reports that could do harm elsewhere: formulas in CSV cells, any place name.

A store built by the real CLI, plus two incidents ingested with `protestmap ingest` whose
place names, descriptions and sources start like spreadsheet formulas or hold quotes,
slashes, ``&`` and markup. Served by the real app through Flask's test client.
"""

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import dash
import pandas as pd
import pytest

from app import create_app
from core.spreadsheet import FORMULA_LEADS, neutralise_formulas
from geodata.settings import Settings
from pages import ids
from tests.callback_bodies import body, callback_key
from tests.conftest import PROTESTMAP

PLACE = 'Петропавловск-Камчатский (ул. "Ленина" 1/2) & <b>'
FORMULA = '=HYPERLINK("http://evil.example","x")'
COLUMNS = "kind,date,city,region,place,lat,lon,detained,description,source_url,reporter,source_note"
ROWS = [  # test fixtures, not real reports
    {
        "city": PLACE,
        "region": "RU-KAM",
        "lat": "53.02",
        "lon": "158.65",
        "detained": "3",
        "reporter": FORMULA,
    },
    {
        "city": FORMULA,
        "region": "RU-MOW",
        "place": "+cmd",
        "lat": "55.75",
        "lon": "37.61",
        "detained": "4",
    }
    | {"description": "@SUM(A1)", "reporter": "-2+3", "source_note": "=1+1"},
]


def hostile_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS.split(","), lineterminator="\n")
    writer.writeheader()
    for n, row in enumerate(ROWS, 1):
        writer.writerow(
            {"kind": "detention", "date": "2022-09-24"}
            | row
            | {"source_url": f"https://example.org/test-fixture-{n}"}
        )
    return out.getvalue()


def hostile_app(store: Path, workdir: Path) -> dash.Dash:
    """The app over a copy of ``store`` with the hostile reports ingested by the real CLI."""
    folder = workdir / "data"
    shutil.copytree(store, folder)
    report = workdir / "hostile.csv"
    report.write_text(hostile_csv(), encoding="utf-8")
    env = {**os.environ, "PROTESTMAP_DATA": str(folder)}
    done = subprocess.run(
        [str(PROTESTMAP), "ingest", str(report)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    return create_app(Settings(data=folder, cache=workdir / "cache"))


@pytest.fixture(scope="module")
def app(built_store, tmp_path_factory):
    return hostile_app(built_store, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(line for line in io.StringIO(text) if not line.startswith("# ")))


def test_no_csv_cell_starts_like_a_formula(client):
    for url in ("/download/incidents.csv?from=2022-09-24&to=2022-09-24", "/download/regions.csv"):
        rows = cells(client.get(url).get_data(as_text=True))
        risky = [c for row in rows for c in row if c.startswith(FORMULA_LEADS)]
        assert risky == [], url


def test_formula_cells_keep_their_text_after_a_quote(client):
    text = client.get("/download/incidents.csv?region=RU-MOW&from=2022-09-24&to=2022-09-24")
    header, *rows = cells(text.get_data(as_text=True))
    table = pd.DataFrame(rows, columns=header).set_index("city_ru", drop=False)
    assert "'" + FORMULA in set(table["city_en"]) | set(table["city_ru"])
    hostile = table[table["description"] == "'@SUM(A1)"].iloc[0]
    assert hostile["place"] == "'+cmd"
    sources = json.loads(hostile["sources"])  # JSON cells start with "[": never a formula
    assert sources[0]["note"] == "=1+1" and sources[0]["reporter"] == "-2+3"
    assert float(hostile["lon"]) == 37.61  # numbers stay numbers


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+7 999", "'+7 999"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("a=1", "a=1"),
        ("Moscow", "Moscow"),
    ],
)
def test_neutralise_formulas_prefixes_only_formula_leading_text(cell, written):
    frame = pd.DataFrame({"text": [cell], "lon": [-170.5], "mixed": [cell]}).astype(
        {"mixed": object}
    )
    out = neutralise_formulas(frame)
    assert out.loc[0, "text"] == written and out.loc[0, "mixed"] == written
    assert out.loc[0, "lon"] == -170.5


def test_a_place_with_any_characters_can_be_drilled_into(app, client):
    panels = callback_key(app, ids.STATE, ids.NOTICE)
    sync = callback_key(app, ids.URL, ids.URL)
    region = {"query": "?region=RU-KAM", "notices": [], "version": None}
    side = client.post(
        "/_dash-update-component", json=body(app, panels, {"view-state.data": region})
    ).get_json()["response"]["region-panel"]["children"]
    link = next(props for props in _links(side) if props.get("children") == PLACE)
    search = "?" + urlsplit(link["href"]).query  # the URL the browser goes to
    state = client.post(
        "/_dash-update-component", json=body(app, sync, {"url.search": search})
    ).get_json()["response"]["view-state"]["data"]
    assert state["notices"] == []
    shown = client.post(
        "/_dash-update-component", json=body(app, panels, {"view-state.data": state})
    ).get_json()["response"]
    assert shown["breadcrumb"]["children"][-1]["props"]["children"] == PLACE
    assert shown["incident-heading"]["children"] == "Incidents (1)"
    page = client.get("/" + search)  # a pasted link opens the same view
    assert page.status_code == 200 and "There is no city" not in page.get_data(as_text=True)


def _links(tree):
    """The props of every link in a Dash JSON tree."""
    if isinstance(tree, list):
        for item in tree:
            yield from _links(item)
    elif isinstance(tree, dict):
        props = tree.get("props", {})
        if "href" in props:
            yield props
        yield from _links(props.get("children"))
