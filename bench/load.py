"""Many readers at once: locust against ``protestmap serve``, one waitress process vs. gunicorn.

    python -m bench.load --store STORE [--duration 30] [--users 20 --users 50] [--workers 2]

``STORE`` is a built store (``bench.run --full`` uses its synthetic 1M store). The run:

1. **Record** what a real browser sends. Headless Chromium opens each of ``PATHS`` as a page
   load and, from the default page, moves to each inside the page (as links and back/forward
   do); every callback request dash-renderer posts is kept as it was sent.
2. **Replay** those requests with locust (``bench/load_users.py``), headless, on loopback, for a
   fixed duration, against the single waitress process and against ``--workers N`` gunicorn
   workers, at each ``--users`` count; then an export load (10 exporters asking for sizes
   nobody rendered, next to 20 readers) on the gunicorn fleet.

One table and ``bench/results/load.json``: per server and client count, requests per second and
p50/p95 of pages and callbacks, errors, and the throughput ratio of the workers to waitress.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import psutil
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from bench._server import save
from bench.first_paint import CHROMIUM, CHROMIUM_ARGS
from geodata.settings import PROJECT_ROOT
from tests.processes import free_port, running

PROTESTMAP = Path(sys.executable).with_name("protestmap")
LOCUST = Path(sys.executable).with_name("locust")
#: Views people share: the default, a period, a measure, regions, a region in a period.
PATHS = (
    "/",
    "/?from=2022-02-24&to=2022-03-31",
    "/?metric=rallies",
    "/?metric=per100k",
    "/?region=RU-MOW",
    "/?region=RU-SPE",
    "/?region=RU-NVS&from=2022-09-21&to=2022-10-31",
    "/?kind=detention&from=2020-01-01&to=2021-12-31",
)
_CALLBACK = "/_dash-update-component"
_QUIET_MS = 1000
#: In-page navigation, as dcc.Location sees a link or the back button.
_MOVE = """(to) => { history.pushState({}, '', to);
    window.dispatchEvent(new PopStateEvent('popstate')); }"""


def _callbacks_of(page: Any, action: Any) -> list[dict[str, Any]]:
    """The callback bodies the page posts while ``action`` runs and until it is quiet.

    Callbacks chain (the view state, then each figure and panel), so the page is quiet when
    every callback sent has its answer and no new one starts within ``_QUIET_MS`` (Playwright's
    own "networkidle" is not reported again after a load).
    """
    sent: list[dict[str, Any]] = []
    pending: set[Any] = set()

    def is_callback(request: Any) -> bool:
        # dash-renderer adds a query (``?endId=...``) to the callback URL.
        return request.method == "POST" and urlsplit(request.url).path.endswith(_CALLBACK)

    def keep(request: Any) -> None:
        if is_callback(request):
            sent.append(json.loads(request.post_data))
            pending.add(request)

    def done(request: Any) -> None:
        pending.discard(request)

    page.on("request", keep)
    page.on("requestfinished", done)
    page.on("requestfailed", done)
    with page.expect_request(is_callback, timeout=120_000):
        action()
    while True:
        deadline = time.monotonic() + 300
        while pending:  # answered or failed: Playwright runs the handlers while it waits
            if time.monotonic() > deadline:
                outputs = [json.loads(r.post_data)["output"][:80] for r in pending]
                raise click.ClickException(f"no answer in 300 s to callbacks {outputs}")
            page.wait_for_timeout(50)
        try:
            page.wait_for_event("request", predicate=is_callback, timeout=_QUIET_MS)
        except PlaywrightTimeout:
            break
    page.remove_listener("request", keep)
    page.remove_listener("requestfinished", done)
    page.remove_listener("requestfailed", done)
    return sent


def record(base: str) -> dict[str, Any]:
    """Page loads and in-page view changes of ``PATHS``, as Chromium sent them."""
    loads, changes = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(300_000)  # a first view of a 1M store on a busy machine
        for path in PATHS:
            url = base + path.lstrip("/")
            bodies = _callbacks_of(page, lambda url=url: page.goto(url, wait_until="commit"))
            loads.append({"path": path, "callbacks": bodies})
        page.goto(base)
        page.wait_for_load_state("networkidle")
        for path in PATHS[1:]:
            bodies = _callbacks_of(page, lambda path=path: page.evaluate(_MOVE, path))
            changes.append(bodies)
        browser.close()
    if not all(load["callbacks"] for load in loads) or not all(changes):
        raise click.ClickException("a recorded page load or view change sent no callback")
    return {"loads": loads, "changes": changes}


@dataclass(frozen=True)
class Served:
    """A running server: its address, and its process (gunicorn's master, or waitress)."""

    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far, its live workers included."""
        leader = psutil.Process(self.pid)
        times = [p.cpu_times() for p in (leader, *leader.children(recursive=True))]
        return sum(t.user + t.system for t in times)


@contextmanager
def serving(store: Path, workers: int) -> Iterator[Served]:
    """``protestmap serve`` on a free port: waitress when ``workers`` is 0, else gunicorn."""
    port = free_port()
    args = [str(PROTESTMAP), "serve", "--port", str(port)]
    if workers:
        args += ["--workers", str(workers)]
    env = {**os.environ, "PROTESTMAP_DATA": str(store)}
    with tempfile.TemporaryDirectory(prefix="protestmap-load-") as cache:
        env["PROTESTMAP_CACHE"] = cache
        with running(args, f"http://127.0.0.1:{port}/", env=env) as process:
            yield Served(f"http://127.0.0.1:{port}", process.pid)


def _stats(prefix: Path) -> dict[str, dict[str, float | None]]:
    """Locust's per-request-name statistics: count, failures, rps, p50, p95, max (ms)."""
    rows = csv.DictReader((prefix.parent / f"{prefix.name}_stats.csv").open())
    out = {}
    for row in rows:
        out[row["Name"]] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p50_ms": _ms(row["50%"]),
            "p95_ms": _ms(row["95%"]),
            "max_ms": round(float(row["Max Response Time"])),
        }
    return out


def _errors(prefix: Path) -> list[dict[str, str | int]]:
    """Why requests failed: locust's failure table (request name, error, occurrences)."""
    rows = csv.DictReader((prefix.parent / f"{prefix.name}_failures.csv").open())
    return [
        {"name": row["Name"], "error": row["Error"], "occurrences": int(row["Occurrences"])}
        for row in rows
    ]


def _ms(text: str) -> float | None:
    """A locust percentile; "N/A" (no request of that name answered) is None."""
    return None if text == "N/A" else float(text)


def swarm(server: Served, plan: Path, users: int, seconds: int, classes: list[str]) -> dict:
    """One headless locust run of ``users`` clients for ``seconds``.

    Its statistics per request name, the reasons of its failures under ``errors``, and the
    CPU seconds the server and locust used (``cpu_s``): both share this machine's cores.
    """
    server_before = server.cpu_seconds()
    locust_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="protestmap-locust-") as folder:
        prefix = Path(folder) / "run"
        subprocess.run(
            [
                str(LOCUST), "-f", str(PROJECT_ROOT / "bench" / "load_users.py"), *classes,
                "--headless", "--host", server.url, "--users", str(users),
                "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--csv", str(prefix),
                "--only-summary", "--loglevel", "ERROR", "--exit-code-on-error", "0",
            ],
            env={**os.environ, "PROTESTMAP_LOAD_PLAN": str(plan)},
            check=True,
            capture_output=True,
            timeout=seconds + 120,
        )  # fmt: skip
        locust = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = {
            "server": round(server.cpu_seconds() - server_before, 1),
            "locust": round(
                locust.ru_utime + locust.ru_stime - locust_before.ru_utime - locust_before.ru_stime,
                1,
            ),
        }
        return {**_stats(prefix), "errors": _errors(prefix), "cpu_s": cpu}


_NONE = {"rps": 0.0, "p50_ms": None, "p95_ms": None, "failures": 0}


def _cell(ms: float | None) -> str:
    return "–".rjust(7) if ms is None else f"{ms:>7.0f}"


def _row(label: str, users: int, stats: dict[str, dict[str, float | None]]) -> str:
    # A name no request of the run was answered under has no row at all.
    page, callback, total = (stats.get(name, _NONE) for name in ("page", "callback", "Aggregated"))
    return (
        f"{label:<22} {users:>5} {total['rps']:>8} {_cell(page['p50_ms'])} {_cell(page['p95_ms'])}"
        f" {_cell(callback['p50_ms'])} {_cell(callback['p95_ms'])} {total['failures']:>6}"
    )


def _say_costs(stats: dict) -> None:
    """The CPU seconds a run cost the server and locust, and each kind of failure."""
    cpu = stats["cpu_s"]
    print(f"  CPU seconds: server {cpu['server']}, locust {cpu['locust']}")
    for error in stats["errors"]:
        print(f"  failed {error['occurrences']}x {error['name']}: {error['error']}")


@click.command()
@click.option("--store", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--duration", default=30, show_default=True, help="seconds per locust run")
@click.option("--users", "user_counts", multiple=True, type=int, default=(20, 50, 150))
@click.option("--workers", default=2, show_default=True, help="gunicorn workers")
def main(store: Path, duration: int, user_counts: tuple[int, ...], workers: int) -> None:
    """Record real requests, replay them at each client count, print and save the figures."""
    with tempfile.TemporaryDirectory(prefix="protestmap-plan-") as folder:
        plan = Path(folder) / "plan.json"
        with serving(store, 0) as server:
            plan.write_text(json.dumps(record(server.url + "/")))
        results: dict[str, Any] = {"store": str(store), "duration_s": duration, "runs": {}}
        print(f"{'server':<22} {'users':>5} {'req/s':>8} {'page50':>7} {'page95':>7}"
              f" {'cb50':>7} {'cb95':>7} {'errors':>6}")  # fmt: skip
        for label, count in (("waitress", 0), (f"gunicorn x{workers}", workers)):
            with serving(store, count) as server:
                for users in user_counts:
                    stats = swarm(server, plan, users, duration, ["Reader"])
                    results["runs"][f"{label} {users}"] = stats
                    print(_row(label, users, stats), flush=True)
                    _say_costs(stats)
                if count:
                    stats = swarm(server, plan, 30, duration, ["Reader", "Exporter"])
                    results["runs"][f"{label} exports"] = stats
                    print(_row(f"{label} +10 export", 20, stats), flush=True)
                    _say_costs(stats)
                    no = stats.get("export: 503", {})
                    print(f"  export 503: {no.get('requests', 0)} answers,"
                          f" p50 {no.get('p50_ms')} ms, p95 {no.get('p95_ms')} ms")  # fmt: skip
    for users in user_counts:
        fleet = results["runs"][f"gunicorn x{workers} {users}"].get("Aggregated", _NONE)["rps"]
        single = results["runs"][f"waitress {users}"].get("Aggregated", _NONE)["rps"]
        results[f"throughput_ratio_{users}"] = round(fleet / max(single, 0.1), 2)
        ratio = results[f"throughput_ratio_{users}"]
        print(f"throughput, {users} users: gunicorn x{workers} / waitress = {ratio:.2f}")
    print(f"saved {save('load', results)}")


if __name__ == "__main__":
    main()
