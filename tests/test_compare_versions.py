"""Compare follows new data versions after an ingest, and a ``v=`` link keeps its numbers."""

import pytest
from ingesting import ingest_one_rally

from app import create_app
from core.compare import CompareViews
from core.series import gazetteer_cities
from core.versions import DataSource
from geodata.geocoding import read_geonames
from geodata.settings import Settings
from pages import compare

QUERY = "?places=RU-PER&measure=rallies&start=2022-09-01&end=2022-10-31"
RALLIES = 4  # column of the table: rallies (at least)


def table_cells(rendered: tuple) -> list:
    """The first row's cells of the comparison table the Compare page shows."""
    body = rendered[1].children[0].children[1]  # the table, above its footnotes
    return [cell.children for cell in body.children[0].children]


@pytest.fixture
def copied(copied_store):
    return copied_store


def test_compare_follows_an_ingest_and_honours_a_pin(copied, tmp_path):
    source = DataSource(copied)
    views = CompareViews(gazetteer_cities(read_geonames()))
    old = source.current().version
    before = table_cells(compare.render(source, views, QUERY, "/"))
    new = ingest_one_rally(copied, tmp_path)
    assert new != old

    after = table_cells(compare.render(source, views, QUERY, "/"))
    assert int(after[RALLIES]) == int(before[RALLIES]) + 1

    pinned = compare.render(source, views, f"{QUERY}&v={old}", "/")
    assert table_cells(pinned)[RALLIES] == before[RALLIES]
    png = pinned[4]  # figure, table, series table, caption, then the PNG link
    assert png.endswith(f"&v={old}") and "export/compare.png?" in png


def test_a_control_change_keeps_the_pin(copied, tmp_path):
    source = DataSource(copied)
    views = CompareViews(gazetteer_cities(read_geonames()))
    old = source.current().version
    ingest_one_rally(copied, tmp_path)
    _, state, notice, _ = compare.sync_state(source, views, f"{QUERY}&v={old}", [], from_url=True)
    assert state.endswith(f"&v={old}") and not notice
    values = [["RU-PER"], "rallies", "count", "week", "overlay", "2022-09-01", "2022-10-31"]
    url, moved, _, _ = compare.sync_state(
        source, views, state, [*values, None, None, None, None], from_url=False
    )
    assert url == moved and "step=week" in moved and moved.endswith(f"&v={old}")


def test_an_unknown_pin_falls_back_with_a_notice(copied):
    source = DataSource(copied)
    views = CompareViews(gazetteer_cities(read_geonames()))
    _, state, notice, _ = compare.sync_state(
        source, views, f"{QUERY}&v=0123456789ab", [], from_url=True
    )
    assert "0123456789ab is not kept" in notice and "v=" not in state


def test_compare_export_refuses_a_version_it_does_not_keep(copied, tmp_path):
    client = create_app(Settings(data=copied, cache=tmp_path / "cache")).server.test_client()
    response = client.get(f"/export/compare.svg{QUERY}&v=0123456789ab")
    assert response.status_code == 400
    assert b"0123456789ab" in response.data
