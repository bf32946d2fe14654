import fcntl
import struct
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from app import load_dataset
from cli import cli
from core.texts import with_about
from core.view import Filters
from geodata.settings import Settings
from publish import exports

CREDIT = (
    "Data: OVD-Info and others, compiled by protestmap; boundaries: Natural Earth; "
    "places: GeoNames. About the data: /about"
)


@pytest.fixture(scope="module")
def dataset(built_store):
    return load_dataset(Settings(data=built_store))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_credit_names_the_stores_sources(dataset):
    assert with_about(exports.credit_line(dataset.incidents)) == CREDIT
    empty = exports.credit_line(dataset.incidents.iloc[:0])
    assert with_about(empty, "https://x.example/about") == (
        "Data: no sources, compiled by protestmap; boundaries: Natural Earth."
        " About the data: https://x.example/about"
    )


def test_caption_says_period_and_filters_in_words(dataset):
    import datetime as dt

    f = Filters.from_query("?from=2022-09-21&to=2022-09-24&kind=detention")
    text = exports.caption(dataset, f, version=dataset.version, accessed=dt.date(2026, 1, 2))
    assert text.title == "Detentions at protests in Russia, by region"
    assert "21 September 2022 to 24 September 2022" in text.subtitle
    assert "incidents of kind detention" in text.subtitle
    assert text.credit == CREDIT


def test_png_has_the_requested_size_and_svg_and_pdf_hold_the_text(dataset):
    import datetime as dt

    f = Filters.from_query("?from=2022-09-21&to=2022-09-24")
    text = exports.caption(dataset, f, version=dataset.version, accessed=dt.date(2026, 1, 2))
    figure = exports.publication_figure(dataset, f, text, timeline=True)
    png = exports.render_image(figure, "png", width=640, height=480, scale=2)
    assert png_size(png) == (1280, 960)
    svg = exports.render_image(figure, "svg", width=900, height=700)
    root = ET.fromstring(svg)
    words = " ".join(t for t in root.itertext())
    assert text.title in words
    assert "Data: OVD-Info and others, compiled by protestmap" in words
    assert f"Data version {dataset.version}" in words
    pdf = exports.render_image(figure, "pdf", width=900, height=700)
    assert pdf.startswith(b"%PDF")
    assert b"/Type /Page" in pdf or b"/Type/Page" in pdf


def test_pool_times_out_a_slow_render_with_a_clear_error(dataset):
    pool = exports.RenderPool(timeout=0.01, warm=False)
    figure = exports.map_view(dataset, Filters())
    with pytest.raises(exports.RenderTimeout, match=r"longer than 0\.01 s"):
        pool.render(figure, "png", width=300, height=200)
    pool.close()


def test_pool_refuses_work_beyond_its_queue(dataset):
    pool = exports.RenderPool(workers=1, queue=0, timeout=60, warm=False)
    figure = exports.map_view(dataset, Filters())
    results: list[bytes] = []
    first = threading.Thread(
        target=lambda: results.append(pool.render(figure, "png", width=300, height=200))
    )
    first.start()
    try:
        with pytest.raises(exports.Busy) as refused:
            for _ in range(50):  # the first render holds the only slot for ~1 s
                pool.render(figure, "svg", width=300, height=200)
        assert refused.value.retry_after >= 1
    finally:
        first.join(60)
    assert png_size(results[0]) == (300, 200)


def test_cache_keeps_bytes_by_key(tmp_path):
    cache = exports.ExportCache(tmp_path / "exports")
    key = ("?kind=rally", "abc123abc123", "png", 1200, 760, 1, False, "2026-01-02")
    assert cache.get(key) is None
    cache.set(key, b"bytes")
    assert cache.get(key) == b"bytes"


def test_cli_export_writes_the_snapshot(built_store, tmp_path, monkeypatch):
    monkeypatch.setenv("PROTESTMAP_DATA", str(built_store))
    monkeypatch.setenv("PROTESTMAP_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "map.png"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "--query",
            "?kind=detention",
            "--format",
            "png",
            "--out",
            str(out),
            "--width",
            "500",
            "--height",
            "400",
        ],
    )
    assert result.exit_code == 0, result.output
    assert png_size(out.read_bytes()) == (500, 400)
    bad = CliRunner().invoke(cli, ["export", "--query", "?metric=nope", "--out", str(out)])
    assert bad.exit_code != 0 and "metric=nope" in bad.output


def test_maps_built_at_once_in_many_threads_are_whole(dataset):
    """Exports and embeds of one dataset share its static map; plotly edits what it copies.

    Building a figure from another briefly takes the ``type`` out of each trace it reads: two
    threads reading one static map at once built a line chart (500 in the load test).
    """
    expected = [trace.type for trace in exports.map_view(dataset, Filters()).data]
    start = threading.Barrier(8)

    def build() -> list[list[str]]:
        start.wait()
        return [[t.type for t in exports.map_view(dataset, Filters()).data] for _ in range(15)]

    with ThreadPoolExecutor(8) as pool:
        built = [types for done in pool.map(lambda _: build(), range(8)) for types in done]
    assert built == [expected] * len(built)


def _waiting_for(path: Path) -> bool:
    """Whether some thread is blocked taking a lock on ``path`` (``/proc/locks``: ``->``)."""
    inode = f":{path.stat().st_ino} "
    return any(
        line.split(":", 1)[1].lstrip().startswith("->") and inode in line
        for line in Path("/proc/locks").read_text().splitlines()
    )


def test_renders_of_one_machine_take_turns(dataset, tmp_path):
    """Workers share the machine's cores: one Chromium renders at a time, readers keep the rest."""
    lock = tmp_path / "render.lock"
    pool = exports.RenderPool(timeout=60, machine_lock=lock)
    figure = exports.map_view(dataset, Filters())
    with lock.open("a") as other, ThreadPoolExecutor(1) as caller:
        fcntl.flock(other, fcntl.LOCK_EX)  # another worker of this machine is rendering
        svg = caller.submit(pool.render, figure, "svg", width=300, height=200)
        while not _waiting_for(lock):
            assert not svg.done(), svg.result()
        assert not svg.done()
        fcntl.flock(other, fcntl.LOCK_UN)
        assert svg.result(timeout=60).lstrip().startswith(b"<svg")
    pool.close()
