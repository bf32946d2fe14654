"""``protestmap serve`` as users run it: waitress by default, gunicorn with ``--workers``.

waitress reads a whole request body before the app sees it, so the app's own cap cannot spare
the server's memory; the cap must be waitress's too. One test sends the headers of a 200 MB
body and only a few bytes of it: the answer must come anyway, and be a 413.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import PROTESTMAP
from tests.processes import free_port, get, running


@pytest.fixture(scope="module")
def served(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "PROTESTMAP_DATA": str(built_store),
        "PROTESTMAP_CACHE": str(tmp_path_factory.mktemp("cache")),
    }
    args = [str(PROTESTMAP), "serve", "--port", str(port), "--threads", "2"]
    with running(args, f"http://127.0.0.1:{port}/", env=env):
        yield port


def post_callback(port: int, length: int, body: bytes) -> str:
    """POST ``body`` to the callback endpoint announcing ``length`` bytes; the raw answer."""
    head = (
        "POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n"
        "Connection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head.encode() + body)
        answer = b""
        while chunk := conn.recv(4096):  # until the server closes the connection
            answer += chunk
        return answer.decode("latin-1")


def test_a_huge_body_is_refused_before_it_is_sent(served: int) -> None:
    answer = post_callback(served, 200_000_000, b"[[[[")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]


def test_the_served_app_answers_a_bad_callback_with_400(served: int) -> None:
    answer = post_callback(served, 4, b"null")
    assert answer.startswith("HTTP/1.1 400"), answer[:200]
    assert "Not a valid callback request" in answer


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _workers(pid: int, count: int) -> list[int]:
    """The server's worker processes once ``count`` of them run.

    gunicorn forks its workers one after another; the first can answer before the second
    exists on a busy machine, so the count is waited for, not read once.
    """
    deadline = time.monotonic() + 60
    while len(children := _children(pid)) != count and time.monotonic() < deadline:
        time.sleep(0.1)
    return children


def test_two_workers_answer_then_stop_together(built_store: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    args = [str(PROTESTMAP), "serve", "--workers", "2", "--threads", "2", "--port", str(port)]
    env = {**os.environ, "PROTESTMAP_DATA": str(built_store)}
    with running(args, url, env=env) as server:
        workers = _workers(server.pid, 2)
        assert len(workers) == 2

        with ThreadPoolExecutor(max_workers=6) as pool:
            pages = list(pool.map(lambda _: get(url), range(12)))
        assert all(status == 200 and b"protestmap" in body for status, _, body in pages)
        status, _, layout = get(url + "_dash-layout")
        assert status == 200 and json.loads(layout)["type"] == "Div"
        assert post_callback(port, 200_000_000, b"[[[[").startswith("HTTP/1.1 413")

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def test_a_cache_folder_it_may_not_write_is_named_in_one_line(built_store: Path) -> None:
    """Refused access (here /sys, which even root may not write) is the user's to fix: the
    folder and what to do, exit status 2, no "unexpected" error or traceback."""
    env = {**os.environ, "PROTESTMAP_DATA": str(built_store), "PROTESTMAP_CACHE": "/sys/pm"}
    done = subprocess.run(
        [str(PROTESTMAP), "serve", "--port", str(free_port())],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    error = done.stderr.strip()
    assert "/sys/pm" in error and "run protestmap as a user that may" in error, error
    assert len(error.splitlines()) == 1 and "unexpected" not in error, error
