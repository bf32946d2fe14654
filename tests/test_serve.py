"""``protestmap serve`` as users run it: a big body is refused from its header, unread.

waitress reads a whole request body before the app sees it, so the app's own cap cannot
spare the server's memory; the cap must be waitress's too. The test sends the headers of a
200 MB body and only a few bytes of it: the answer must come anyway, and be a 413.
"""

import os
import socket
import subprocess
from contextlib import closing, suppress

import pytest

from tests.conftest import PROTESTMAP


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(built_store, tmp_path_factory):
    port = free_port()
    env = {
        **os.environ,
        "PROTESTMAP_DATA": str(built_store),
        "PROTESTMAP_CACHE": str(tmp_path_factory.mktemp("cache")),
    }
    server = subprocess.Popen(
        [str(PROTESTMAP), "serve", "--port", str(port), "--threads", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        for line in server.stdout:  # the app is built: waitress binds next
            if "protestmap on http" in line:
                break
        while not listening(port):
            with suppress(subprocess.TimeoutExpired):  # a short wait that ends if it exits
                pytest.fail(f"protestmap serve stopped (exit {server.wait(timeout=0.1)})")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return False
    return True


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


def test_a_huge_body_is_refused_before_it_is_sent(served):
    answer = post_callback(served, 200_000_000, b"[[[[")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]


def test_the_served_app_answers_a_bad_callback_with_400(served):
    answer = post_callback(served, 4, b"null")
    assert answer.startswith("HTTP/1.1 400"), answer[:200]
    assert "Not a valid callback request" in answer
