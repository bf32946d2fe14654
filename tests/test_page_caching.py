"""Page weight and caching: the dashboard's page load stays small, embeds are built once per
(view, data version) and say how long they may be kept, with an ETag to revalidate."""

from __future__ import annotations

from ingesting import ingest_one_rally

from app import create_app
from geodata.settings import Settings
from pages import ids
from publish import headers

EMBED = "/embed?region=RU-MOW"


def test_a_page_load_carries_no_map_geometry(built_store, tmp_path):
    client = create_app(Settings(data=built_store, cache=tmp_path / "cache")).server.test_client()
    page = client.get("/?region=RU-MOW").data
    assert len(page) < 100_000  # the map's geometry comes with the first callback, once
    for component in (ids.MAP, ids.TIMELINE, ids.PAGE):
        assert f'"{component}"'.encode() in page  # callbacks of both pages stay valid


def test_an_embed_is_built_once_and_revalidates(built_store, tmp_path):
    client = create_app(Settings(data=built_store, cache=tmp_path / "cache")).server.test_client()
    first, second = client.get(EMBED), client.get(EMBED)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Cache-Control"] == headers.PAGE
    again = client.get(EMBED, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_embeds_follow_a_new_version_and_an_old_pin_is_immutable(copied_store, tmp_path):
    client = create_app(Settings(data=copied_store, cache=tmp_path / "cache")).server.test_client()
    old = client.get("/embed?region=RU-PER")
    pinned_latest = client.get("/embed?region=RU-PER&v=" + version_of(old.data))
    assert pinned_latest.headers["Cache-Control"] == headers.PAGE  # it may yet become old
    new_version = ingest_one_rally(copied_store, tmp_path)
    new = client.get("/embed?region=RU-PER")
    assert new_version.encode() in new.data and new.headers["ETag"] != old.headers["ETag"]
    pinned_old = client.get("/embed?region=RU-PER&v=" + version_of(old.data))
    assert pinned_old.status_code == 200
    assert pinned_old.headers["Cache-Control"] == headers.IMMUTABLE


def version_of(page: bytes) -> str:
    return page.decode().split("Data version ", 1)[1][:12]


def test_pages_are_built_once_per_language_and_revalidate(built_store, tmp_path):
    client = create_app(Settings(data=built_store, cache=tmp_path / "cache")).server.test_client()
    dashboard, compare = client.get("/?region=RU-MOW"), client.get("/compare")
    # One page for every route of a language: the route's callback then asks for its view.
    assert dashboard.data == compare.data and dashboard.headers["ETag"] == compare.headers["ETag"]
    assert dashboard.headers["Cache-Control"] == headers.PAGE
    assert "Accept-Language" in dashboard.headers["Vary"]
    again = client.get("/about", headers={"If-None-Match": dashboard.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    russian = client.get("/", headers={"Accept-Language": "ru"})
    assert (
        b'<html lang="ru"' in russian.data and russian.headers["ETag"] != dashboard.headers["ETag"]
    )
    assert client.get("/?lang=ru").data == russian.data


def test_a_routed_view_is_kept_until_a_new_version(copied_store, tmp_path):
    client = create_app(Settings(data=copied_store, cache=tmp_path / "cache")).server.test_client()
    first, second = routed(client, "?region=RU-PER"), routed(client, "?region=RU-PER")
    assert first == second
    new_version = ingest_one_rally(copied_store, tmp_path)
    assert new_version not in first and new_version in routed(client, "?region=RU-PER")


def routed(client: object, search: str) -> str:
    """The dashboard's layout for ``search``, as the page's route callback answers it."""
    response = client.post(  # type: ignore[attr-defined]
        "/_dash-update-component",
        json={
            "output": f"{ids.PAGE}.children",
            "outputs": {"id": ids.PAGE, "property": "children"},
            "inputs": [{"id": ids.PAGE_URL, "property": "pathname", "value": "/"}],
            "state": [{"id": ids.PAGE_URL, "property": "search", "value": search}],
            "changedPropIds": [f"{ids.PAGE_URL}.pathname"],
        },
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)
