"""`protestmap serve --workers 2` runs gunicorn: two worker processes over one preloaded app."""

from __future__ import annotations

import json
import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.conftest import PROTESTMAP
from tests.processes import free_port, get, running


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_two_workers_answer_then_stop_together(built_store: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    args = [str(PROTESTMAP), "serve", "--workers", "2", "--threads", "2", "--port", str(port)]
    env = {**os.environ, "PROTESTMAP_DATA": str(built_store)}
    with running(args, url, env=env) as server:
        workers = _children(server.pid)
        assert len(workers) == 2

        with ThreadPoolExecutor(max_workers=6) as pool:
            pages = list(pool.map(lambda _: get(url), range(12)))
        assert all(status == 200 and b"protestmap" in body for status, _, body in pages)
        status, _, layout = get(url + "_dash-layout")
        assert status == 200 and json.loads(layout)["type"] == "Div"

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
