"""CPU per request: what one reader's request costs the app, without any HTTP server around it.

    python -m bench.request_cpu --store STORE [--rounds 5]

The requests are ``bench.load``'s: recorded from a real Chromium (page loads and in-page view
changes of ``bench.load.PATHS``), then replayed here through the app's own WSGI interface,
``--rounds`` times after a first round that warms it, asking for gzip as locust does. A
server's capacity is its CPU per request: this is the figure the load test's throughput comes
from, measured without locust competing for the same two cores.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from app import create_app
from bench._server import save
from bench.load import record, serving
from geodata.settings import Settings

_GZIP = {"Accept-Encoding": "gzip"}


def replay(client: Any, plan: dict[str, Any]) -> int:
    """Send every request of ``plan`` once; how many were sent."""
    sent = 0
    for load in plan["loads"]:
        for path in (load["path"], "/_dash-layout", "/_dash-dependencies"):
            client.get(path, headers=_GZIP)
        sent += 3
    loads = (body for load in plan["loads"] for body in load["callbacks"])
    bodies = [*loads, *(body for change in plan["changes"] for body in change)]
    for body in bodies:
        answer = client.post("/_dash-update-component", json=body, headers=_GZIP)
        if answer.status_code not in (200, 204):
            raise click.ClickException(f"a replayed callback answered {answer.status_code}")
    return sent + len(bodies)


@click.command()
@click.option("--store", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--rounds", default=5, show_default=True, help="replays of the whole plan")
def main(store: Path, rounds: int) -> None:
    """Record the load test's requests, replay them in this process, print CPU ms per request."""
    with serving(store, 0) as server:
        plan = record(server.url + "/")
    with tempfile.TemporaryDirectory(prefix="protestmap-cpu-") as cache:
        client = create_app(Settings(data=store, cache=Path(cache))).server.test_client()
        replay(client, plan)  # the first round fills the caches a running server has
        started = time.process_time()
        sent = sum(replay(client, plan) for _ in range(rounds))
        ms = (time.process_time() - started) * 1000 / sent
    print(f"{sent} requests, {ms:.2f} ms of CPU each")
    results = {"store": str(store), "rounds": rounds, "requests": sent, "cpu_ms": round(ms, 2)}
    print(f"saved {save('request-cpu', results)}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
