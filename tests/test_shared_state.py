"""Shared state through a real redis-server: the export cache, render locks, the fleet's render
limit and the "new data version" message, and how each degrades when Redis goes away.

Two servers are two sets of objects over the same Redis (each with its own local cache and
its own process-wide flights), exactly what two processes would hold.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ingesting import ingest_one_rally

from app import create_app
from core.versions import DataSource
from geodata.settings import Settings
from publish import exports
from publish.shared import (
    FleetSlots,
    RedisFlights,
    RedisLink,
    SharedExportCache,
    VersionChannel,
)
from tests.processes import free_port, redis_server

EXPORT = "/export/map.svg?region=RU-MOW&width=600&height=400"


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_server(str(tmp_path)) as url:
        yield url


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Return once ``check()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the state was not reached in time"
        time.sleep(0.02)


def test_an_export_stored_by_one_server_is_read_by_another(redis_url, tmp_path):
    one = SharedExportCache(exports.ExportCache(tmp_path / "one"), RedisLink(redis_url))
    two = SharedExportCache(exports.ExportCache(tmp_path / "two"), RedisLink(redis_url))
    key = ("?region=RU-MOW", "abc123", "png", 600, 400)
    assert two.get(key) is None
    one.set(key, b"\x89PNG bytes")
    assert two.get(key) == b"\x89PNG bytes"
    assert two.local.get(key) is None  # it came from Redis, not a disk both could see


def test_identical_misses_on_two_servers_render_once(redis_url):
    store: dict[str, bytes] = {}
    renders: list[str] = []
    started = threading.Event()
    release = threading.Event()

    def work() -> bytes:  # what Publisher.cached_render passes: read the cache, else render
        if "k" in store:
            return store["k"]
        renders.append(threading.current_thread().name)
        started.set()
        release.wait(10)
        store["k"] = b"image"
        return store["k"]

    links = [RedisLink(redis_url), RedisLink(redis_url)]
    flights = [RedisFlights(link, hold=30, wait=30) for link in links]
    results: list[bytes] = []
    first = threading.Thread(target=lambda: results.append(flights[0].run(("k",), work)))
    first.start()
    started.wait(10)
    second = threading.Thread(target=lambda: results.append(flights[1].run(("k",), work)))
    second.start()
    # The second server is waiting on the lock the first one holds.
    wait_for(lambda: links[1].client.exists(*links[1].client.keys("protestmap:flight:*")) == 1)
    assert second.is_alive()
    release.set()
    first.join(10)
    second.join(10)
    assert results == [b"image", b"image"]
    assert len(renders) == 1


def test_the_render_limit_counts_every_server(redis_url):
    one = FleetSlots(RedisLink(redis_url), limit=2, hold=60)
    two = FleetSlots(RedisLink(redis_url), limit=2, hold=60)
    first, second = one.acquire(), two.acquire()
    assert first is not None and second is not None
    assert one.acquire() is None and two.acquire() is None
    first()
    third = two.acquire()
    assert third is not None


def test_a_render_slot_of_a_dead_worker_expires(redis_url):
    slots = FleetSlots(RedisLink(redis_url), limit=1, hold=0.2)
    assert slots.acquire() is not None  # never released, as by a worker killed mid-render
    wait_for(lambda: slots.acquire() is not None)


def test_a_full_fleet_refuses_before_building_the_figure(redis_url):
    pool = exports.RenderPool(workers=1, queue=3, warm=False)
    pool.fleet = FleetSlots(RedisLink(redis_url), limit=1, hold=60)
    other_server = FleetSlots(RedisLink(redis_url), limit=1, hold=60)
    assert other_server.acquire() is not None
    built: list[int] = []
    with pytest.raises(exports.Busy):
        pool.render(lambda: built.append(1), "png", width=10, height=10)  # type: ignore[arg-type]
    assert built == []
    pool.close()


def test_a_lost_redis_degrades_to_local_caching_with_one_warning_and_recovers(tmp_path, caplog):
    port = free_port()
    key = ("?", "v", "png")
    with redis_server(str(tmp_path), port) as url:
        link = RedisLink(url, retry_after=0.05)
        cache = SharedExportCache(exports.ExportCache(tmp_path / "local"), link)
        slots = FleetSlots(link, limit=1, hold=60)
        flights = RedisFlights(link, hold=5, wait=5)
    caplog.set_level(logging.WARNING, logger="publish.shared")
    for _ in range(5):  # Redis is gone: every call still answers, from local state
        cache.set(key, b"local bytes")
        assert cache.get(key) == b"local bytes"
        assert flights.run(key, lambda: 42) == 42
        release = slots.acquire()
        assert release is not None
        release()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage() and warnings[0].exc_info is None
    assert not link.up or link.retry_after < 1

    with redis_server(str(tmp_path), port):
        wait_for(lambda: link.call(lambda c: c.ping(), False) is True)
        cache.set(key, b"shared again")
        assert link.client.exists(*link.client.keys("protestmap:export:*")) == 1
    assert "is back" in caplog.records[-1].getMessage()


@pytest.fixture
def channels(redis_url) -> Iterator[Callable[[], VersionChannel]]:
    """New listening channels on the test's Redis, closed after the test."""
    made: list[VersionChannel] = []

    def make() -> VersionChannel:
        made.append(VersionChannel(RedisLink(redis_url)))
        return made[-1]

    yield make
    for channel in made:
        channel.close()


def listeners(link: RedisLink) -> int:
    return int(link.client.pubsub_numsub("protestmap:data-version")[0][1])


def test_every_listener_hears_a_new_version(redis_url, channels):
    heard: list[list[str]] = [[], []]
    link = RedisLink(redis_url)
    for ears in heard:
        channels().listen(ears.append)
    wait_for(lambda: listeners(link) == 2)
    assert VersionChannel(link).announce("0123abcd") == 2
    wait_for(lambda: heard == [["0123abcd"], ["0123abcd"]])


def test_an_ingest_through_the_cli_is_loaded_before_any_request(
    redis_url, channels, copied_store, tmp_path, monkeypatch
):
    folder = copied_store
    source = DataSource(folder)
    old = source.current().version
    link = RedisLink(redis_url)
    channels().listen(source.refresh)
    wait_for(lambda: listeners(link) == 1)
    monkeypatch.setenv("PROTESTMAP_REDIS", redis_url)  # the CLI announces what it wrote
    new = ingest_one_rally(folder, tmp_path)
    wait_for(lambda: source._current is not None and source._current.version == new)
    assert new != old


def test_two_apps_share_one_render_of_an_export(redis_url, built_store, tmp_path):
    apps = [
        create_app(Settings(data=built_store, cache=tmp_path / name, redis=redis_url))
        for name in ("one", "two")
    ]
    first = apps[0].server.test_client().get(EXPORT)
    second = apps[1].server.test_client().get(EXPORT)
    assert first.status_code == second.status_code == 200
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert first.data == second.data and first.data.startswith(b"<svg")


def test_the_redis_address_is_read_as_text(monkeypatch):
    monkeypatch.setenv("PROTESTMAP_REDIS", "redis://cache.internal:6379/2")
    monkeypatch.setenv("PROTESTMAP_DATA", "/srv/protestmap")
    settings = Settings.from_env()
    assert settings.redis == "redis://cache.internal:6379/2"
    assert settings.data == Path("/srv/protestmap")
    monkeypatch.delenv("PROTESTMAP_REDIS")
    assert Settings.from_env().redis is None
