import io
import json
import re
import shutil
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from app import create_app, load_dataset
from geodata import store
from geodata.settings import Settings
from publish import alt_text, embed_snippet, exports
from publish.params import PublishRequest
from tests.ingesting import ingest_one_rally
from tests.processes import in_thread


def make_app(data_dir: Path, cache: Path, pool: exports.RenderPool | None = None):
    return create_app(Settings(data=data_dir, cache=cache), pool=pool)


@pytest.fixture(scope="module")
def client(built_store, tmp_path_factory):
    return make_app(built_store, tmp_path_factory.mktemp("cache")).server.test_client()


@pytest.fixture(scope="module")
def stored(built_store) -> pd.DataFrame:
    """Incidents read independently of the app, with each region's status."""
    frame = store.read_incidents(built_store / "incidents.parquet")
    regions = store.read_regions(built_store / "regions.parquet")
    status = dict(zip(regions["region_code"], regions["status"], strict=True))
    return frame.assign(status=frame["region_code"].map(status))


def read_commented_csv(text: str) -> tuple[list[str], pd.DataFrame]:
    lines = text.splitlines(keepends=True)
    header = [line[2:].strip() for line in lines if line.startswith("# ")]
    body = "".join(lines[len(header) :])
    return header, pd.read_csv(io.StringIO(body), dtype={"incident_id": str})


def test_incident_csv_holds_exactly_the_selected_incidents(client, stored):
    response = client.get("/download/incidents.csv?from=2022-09-22&to=2022-09-24&kind=detention")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    header, table = read_commented_csv(response.get_data(as_text=True))
    dates = stored["date"].between(pd.Timestamp("2022-09-22"), pd.Timestamp("2022-09-24"))
    expected = stored[
        dates & (stored["kind"] == "detention") & (stored["status"] != "occupied_ukraine")
    ]
    assert len(expected) > 0
    assert sorted(table["incident_id"]) == sorted(expected["incident_id"])
    assert table["detained"].sum() == expected["detained"].sum()
    assert any(line.startswith("Query: ?from=2022-09-22") for line in header)
    assert any("Natural Earth (public domain)" in line for line in header)
    assert any(line.startswith("Data version: ") for line in header)


def test_geojson_of_a_region_holds_its_incidents_as_points(client, stored):
    response = client.get("/download/incidents.geojson?region=RU-MOW")
    assert response.status_code == 200
    collection = json.loads(response.get_data(as_text=True))
    expected = stored[stored["region_code"] == "RU-MOW"]
    assert sorted(f["id"] for f in collection["features"]) == sorted(expected["incident_id"])
    first = collection["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert first["properties"]["sources"][0]["url"].startswith("http")
    assert "Query: ?region=RU-MOW" in collection["protestmap"]["readme"]
    packed = client.get("/download/incidents.geojson", headers={"Accept-Encoding": "gzip"})
    assert packed.headers.get("Content-Encoding") == "gzip"  # GeoJSON is compressed like JSON


def test_region_csv_sums_match_an_independent_count(client, stored):
    header, table = read_commented_csv(client.get("/download/regions.csv").get_data(as_text=True))
    counted = stored[(stored["status"] != "occupied_ukraine") & (stored["kind"] == "detention")]
    russia = table[table["status"] != "occupied_ukraine"]
    assert russia["detained"].sum() == counted["detained"].sum()
    assert table["incidents"].sum() == len(stored)
    assert header[0] == "protestmap download"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/export/map.gif", "unknown format 'gif'"),
        ("/export/map.png?width=100000", "'width=100000'"),
        ("/export/map.png?height=-5", "'height=-5'"),
        ("/export/map.png?scale=7", "'scale' must be 1 or 2"),
        ("/export/map.png?timeline=yes", "'timeline' must be 0 or 1"),
        ("/export/map.svg?from=2022-13-45", "expected a date"),
        ("/export/map.pdf?colour=red", "not a known parameter"),
        ("/export/map.png?region=RU-XXX", "There is no region 'RU-XXX'"),
        ("/export/map.png?v=../../etc", "not a data version"),
        ("/export/map.png?v=0123456789ab", "not kept"),
        ("/export/map.png?width=300&width=400", "given more than once"),
        ("/download/incidents.xlsx", "unknown format 'xlsx'"),
        ("/download/regions.geojson", "unknown format 'geojson'"),
    ],
)
def test_bad_publish_queries_get_400_with_a_message(client, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_only_the_embed_page_may_be_framed(client):
    main = client.get("/")
    assert main.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in main.headers["Content-Security-Policy"]
    embed = client.get("/embed?kind=detention")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert client.get("/embed/static/plotly.min.js").headers["X-Frame-Options"] == "DENY"


def test_embed_page_loads_plotly_from_the_app(client):
    page = client.get("/embed?region=RU-MOW&timeline=1").get_data(as_text=True)
    # plotly.js and the figures are named for embed.js to fetch on demand, not loaded.
    assert re.search(r'"plotly": "/embed/static/v[0-9a-f]+/plotly.min.js"', page)
    assert re.findall(r"<script src=[^>]*>", page) == [
        re.search(r'<script src="/embed/static/v[0-9a-f]+/embed.js">', page).group(0)
    ]
    assert len(page) < 20_000  # the figures' JSON is not in the page
    assert 'id="timeline"' in page and "Open the full view" in page
    figures = client.get("/embed/figures.json?region=RU-MOW&timeline=1&lang=en").get_json()
    assert set(figures) == {"map", "timeline"} and figures["map"]["data"]
    assert client.get("/embed/static/plotly.min.js").status_code == 200
    assert client.get("/embed/static/topojson/world_110m.json").status_code == 200


def test_snippet_has_title_alt_text_and_static_fallback(built_store):
    from core.view import Filters

    data = load_dataset(Settings(data=built_store))
    text = alt_text(data, Filters.from_query("?from=2022-09-21&to=2022-09-21"))
    assert text.startswith("Map of Russia shaded by detentions at protests, 21 September 2022 to")
    assert "most detentions in" in text
    snippet = embed_snippet(
        "?from=2022-09-21&v=abc", "Detentions, 21 Sep 2022", text, "https://example.org/pm/"
    )
    assert 'src="https://example.org/pm/embed?from=2022-09-21&amp;v=abc"' in snippet
    assert 'title="Detentions, 21 Sep 2022"' in snippet
    assert 'href="https://example.org/pm/export/map.png?from=2022-09-21&amp;v=abc"' in snippet
    assert "shaded by detentions" in snippet


def test_embed_static_map_is_light_cached_and_as_wide_as_asked(client):
    page = client.get("/embed?region=RU-MOW&lang=ru").get_data(as_text=True)
    src = re.search(r'<img id="pm-static" class="pm-static" src="([^"]+)"', page).group(1)
    assert src.startswith("/export/embed.webp?") and "lang=ru" in src
    for width in (400, 1600):
        url = f"/export/embed.webp?region=RU-MOW&lang=ru&width={width}"
        first = client.get(url)
        assert first.status_code == 200 and first.mimetype == "image/webp"
        assert first.data[:4] == b"RIFF" and first.data[8:12] == b"WEBP"
        assert len(first.data) <= 150_000
        again = client.get(url)
        assert again.headers["X-Cache"] == "HIT" and again.data == first.data
    assert client.get("/export/embed.gif?region=RU-MOW").status_code == 400


def test_export_png_is_cached_by_query_and_version(client):
    first = client.get("/export/map.png?kind=rally&width=400&height=300")
    assert first.status_code == 200 and first.mimetype == "image/png"
    again = client.get("/export/map.png?kind=rally&width=400&height=300")
    assert again.data == first.data


def test_a_burst_of_exports_leaves_the_app_answering(built_store, tmp_path):
    pool = exports.RenderPool(workers=1, queue=1, timeout=60)
    app = make_app(built_store, tmp_path / "cache", pool=pool)

    def fetch(base: str, path: str) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(base + path, timeout=90) as answer:
                return answer.status, dict(answer.headers)
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers)

    try:
        with in_thread(app.server, threads=8) as base, ThreadPoolExecutor(6) as burst:
            exports_ = [
                burst.submit(fetch, base, f"/export/map.png?width={300 + i}&height=300")
                for i in range(6)
            ]
            assert fetch(base, "/download/regions.csv")[0] == 200  # answered while rendering
            assert fetch(base, "/")[0] == 200
            results = [f.result(timeout=120) for f in exports_]
    finally:
        pool.close()
    statuses = [status for status, _ in results]
    assert set(statuses) <= {200, 503}
    assert statuses.count(200) >= 1 and statuses.count(503) >= 1
    refused = next(headers for status, headers in results if status == 503)
    assert int(refused["Retry-After"]) >= 1


def test_pinned_link_keeps_its_numbers_after_ingest(built_store, reference_dir, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(built_store, data_dir)
    client = make_app(data_dir, tmp_path / "cache").server.test_client()
    version = store.read_metadata(data_dir / "incidents.parquet")["data_version"]
    pinned_url = f"/download/regions.csv?region=RU-PER&v={version}"
    _, before = read_commented_csv(client.get(pinned_url).get_data(as_text=True))

    new_version = ingest_one_rally(data_dir, tmp_path)
    assert new_version != version

    header, pinned = read_commented_csv(client.get(pinned_url).get_data(as_text=True))
    _, latest = read_commented_csv(
        client.get("/download/regions.csv?region=RU-PER").get_data(as_text=True)
    )
    assert pinned.equals(before)
    assert f"Data version: {version}" in " ".join(header)
    perm = latest.set_index("region_code").loc["RU-PER"]
    assert perm["rallies"] == before.set_index("region_code").loc["RU-PER", "rallies"] + 1
    embed = client.get(f"/embed?region=RU-PER&v={version}").get_data(as_text=True)
    assert "Newer data available" in embed and f"Data version {version}" in embed
    assert "Newer data available" not in client.get("/embed?region=RU-PER").get_data(as_text=True)


def test_link_query_keeps_pin_and_timeline():
    from core.view import Filters

    req = PublishRequest(Filters.from_query("?kind=rally"), "0123456789ab", True)
    assert req.link_query() == "?kind=rally&v=0123456789ab&timeline=1"
    assert req.link_query(pinned=False) == "?kind=rally&timeline=1"
    assert PublishRequest(Filters()).link_query() == ""
