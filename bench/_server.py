"""Shared by the benchmarks: serve the dashboard on a free loopback port, save results."""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dash import Dash

from geodata.settings import PROJECT_ROOT, Settings
from tests.processes import in_thread

RESULTS = PROJECT_ROOT / "bench" / "results"


def settings_from_args(description: str) -> tuple[Settings, argparse.Namespace]:
    """``--data`` (default: ``PROTESTMAP_DATA`` or ``data/``) and ``--runs``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, help="store folder (default: PROTESTMAP_DATA)")
    parser.add_argument("--runs", type=int, default=7, help="repetitions (default 7)")
    args = parser.parse_args()
    settings = Settings.from_env()
    if args.data:
        settings = Settings(data=args.data)
    if not settings.incidents_path.exists():
        parser.error(f"{settings.incidents_path} not found: run `make build` first")
    return settings, args


@contextmanager
def serving(app: Dash) -> Iterator[str]:
    """The app under waitress (as ``protestmap serve`` runs it); yields the base URL.

    Waitress's "task queue depth" warnings (the browser opens several connections at once)
    are silenced so they do not drown the results.
    """
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    with in_thread(app.server) as url:
        yield url + "/"


def first_page(url: str, child: subprocess.Popen[bytes], started: float) -> float:
    """Seconds from ``started`` until ``url`` was served (``child`` is the server starting)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
            return time.perf_counter() - started
        except OSError:
            if child.poll() is not None or time.perf_counter() - started > 600:
                raise RuntimeError(f"the server for {url} did not start") from None
            time.sleep(0.05)


def save(name: str, results: dict[str, Any]) -> Path:
    """Write results with the machine they were measured on to ``bench/results/``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": _cpus()}
    path.write_text(json.dumps({"machine": machine, **results}, indent=2) + "\n")
    return path


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
