"""A fleet on one machine: Redis, two app servers over one data folder, the real CLI.

Server A runs gunicorn with two workers, server B waitress; each has its own export cache
folder, so what one finds of the other's work came through Redis. The data folder stands for
a volume both machines mount; tests/test_object_store.py runs a fleet on an S3 store.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO

import pytest
import redis
from ingesting import ingest_one_rally

from tests.conftest import PROTESTMAP
from tests.processes import free_port, get, output, redis_server, running

pytestmark = pytest.mark.fleet

EXPORT = "export/map.svg?region=RU-SPE&width=640&height=420"
LOAD = ["", "download/regions.csv", "download/incidents.csv?region=RU-MOW", "embed"]


class Fleet:
    """The fleet's addresses and processes."""

    def __init__(self, redis_url: str, data: Path, servers: dict[str, str]) -> None:
        self.redis_url = redis_url
        self.data = data
        self.servers = servers
        self.processes: dict[str, subprocess.Popen[str]] = {}
        self.logs: dict[str, IO[str]] = {}


@pytest.fixture
def fleet(tmp_path: Path, copied_store: Path) -> Iterator[Fleet]:
    data = copied_store
    with redis_server(str(tmp_path)) as redis_url, contextlib.ExitStack() as logs:
        ports = {"a": free_port(), "b": free_port()}
        team = Fleet(redis_url, data, {k: f"http://127.0.0.1:{p}/" for k, p in ports.items()})
        base = {**os.environ, "PROTESTMAP_DATA": str(data), "PROTESTMAP_REDIS": redis_url}
        args = {
            "a": ["--workers", "2", "--threads", "4"],
            "b": ["--threads", "4"],
        }

        def start(name: str) -> AbstractContextManager[subprocess.Popen[str]]:
            env = {**base, "PROTESTMAP_CACHE": str(tmp_path / f"cache-{name}")}
            command = [str(PROTESTMAP), "serve", "--port", str(ports[name]), *args[name]]
            team.logs[name] = logs.enter_context((tmp_path / f"{name}.log").open("w+"))
            return running(command, team.servers[name], log=team.logs[name], env=env)

        with start("a") as a, start("b") as b:
            team.processes = {"a": a, "b": b}
            yield team


def wait_for(check: Callable[[], bool], timeout: float) -> float:
    """Seconds until ``check()`` held; fail after ``timeout``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, "the state was not reached in time"
        time.sleep(0.05)
    return time.monotonic() - started


def version_seen(url: str) -> str:
    """The data version a server's regions download states."""
    body = get(f"{url}download/regions.csv")[2].decode()
    return body.split("Data version: ", 1)[1].split(";", 1)[0]


def status(url: str) -> int:
    try:
        return get(url)[0]
    except urllib.error.HTTPError as exc:
        return exc.code


def test_an_ingest_reaches_both_servers_within_five_seconds(fleet, tmp_path, monkeypatch):
    old = version_seen(fleet.servers["a"])
    assert version_seen(fleet.servers["b"]) == old
    monkeypatch.setenv("PROTESTMAP_REDIS", fleet.redis_url)
    new = ingest_one_rally(fleet.data, tmp_path)
    assert new != old
    for url in fleet.servers.values():
        # Several requests, so both of server A's workers answer at least one of them.
        assert wait_for(lambda u=url: {version_seen(u) for _ in range(4)} == {new}, 5.0) < 5


def export(url: str) -> tuple[dict[str, str], bytes]:
    """The export's headers and bytes, asked as a proxy in front of the fleet would.

    The credit names the About page by the host the reader used, so a fleet's servers share
    a render only when they are reached under one name.
    """
    request = urllib.request.Request(url + EXPORT, headers={"Host": "protestmap.example"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return dict(response.headers), response.read()


def test_an_export_rendered_by_one_server_is_a_hit_on_the_other(fleet):
    first, image = export(fleet.servers["b"])
    second, again = export(fleet.servers["a"])
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert image == again and image.startswith(b"<svg")


def load(url: str, stop: Callable[[], None], *, requests: int = 48) -> list[int]:
    """Statuses of ``requests`` GETs on ``url`` from 4 clients; ``stop()`` runs mid-way."""
    paths = [LOAD[i % len(LOAD)] for i in range(requests)]
    with ThreadPoolExecutor(4) as clients:
        answers = [clients.submit(status, url + path) for path in paths]
        wait_for(lambda: sum(a.done() for a in answers) >= requests // 4, 60)
        stop()
        return [a.result(timeout=120) for a in answers]


def test_killing_a_server_mid_load_loses_nothing_on_the_other(fleet):
    def kill_a() -> None:
        os.killpg(fleet.processes["a"].pid, signal.SIGKILL)
        fleet.processes["a"].wait()

    statuses = load(fleet.servers["b"], kill_a)
    assert statuses == [200] * len(statuses)
    assert fleet.processes["a"].returncode == -signal.SIGKILL


def test_killing_redis_mid_load_loses_nothing_and_exports_go_on(fleet):
    client = redis.Redis.from_url(fleet.redis_url)
    pid = int(client.info("server")["process_id"])

    def kill_redis() -> None:
        os.kill(pid, signal.SIGKILL)

    for url in fleet.servers.values():
        statuses = load(url, kill_redis if url == fleet.servers["a"] else lambda: None)
        assert statuses == [200] * len(statuses)
    with pytest.raises(redis.ConnectionError):
        client.ping()
    # Without Redis each server renders and caches for itself.
    headers, image = export(fleet.servers["a"])
    assert headers["X-Cache"] == "MISS" and image.startswith(b"<svg")
    assert export(fleet.servers["a"])[0]["X-Cache"] == "HIT"
    # Server B (one process) said so once, without a traceback.
    b = fleet.processes["b"]
    os.killpg(b.pid, signal.SIGTERM)
    b.wait(timeout=30)
    log = output(fleet.logs["b"])
    assert log.count("is unreachable") == 1, log
    assert "Traceback" not in log
