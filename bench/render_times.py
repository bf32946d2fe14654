"""Start-up load and each view-state callback body, for before/after comparisons of the code.

    python -m bench.render_times --data /tmp/protestmap-bench/store-1000000

Prints the seconds ``app.load_dataset`` takes, the process RSS after it, then the median of
``--runs`` calls of ``views.render_map``, ``render_timeline`` and ``render_panels`` for a few
view states with the JSON size of each output. Memoised tables are cleared before each call,
so every figure is the cost of a view asked for the first time. Run it from another checkout
(with that checkout first on ``PYTHONPATH``) to compare two versions on the same store.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

import click
from plotly.utils import PlotlyJSONEncoder

from app import load_dataset
from geodata.settings import Settings
from pages import views

STATES = (
    "",
    "?metric=rallies",
    "?from=2022-02-24&to=2022-03-31",
    "?region=RU-MOW",
    "?from=2020-01-01&to=2021-06-30&region=RU-SPE",
)


def _rss_mb() -> float:
    return int(Path(f"/proc/{os.getpid()}/statm").read_text().split()[1]) * 4096 / 2**20


@click.command()
@click.option("--data", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--runs", default=5, show_default=True)
def main(data: Path, runs: int) -> None:
    """Print load time, RSS and the median time and size of every callback body."""
    started = time.perf_counter()
    ds = load_dataset(Settings(data=data))
    print(f"load_dataset {time.perf_counter() - started:.2f} s, RSS {_rss_mb():,.0f} MB")
    for query in STATES:
        state = {"query": query, "notices": []}
        renders = {
            "map": lambda s=state: views.render_map(ds, s)[0],
            "timeline": lambda s=state: views.render_timeline(ds, s)[0],
            "panels": lambda s=state: views.render_panels(ds, s, "/"),
        }
        for name, render in renders.items():
            times = []
            for _ in range(runs):
                ds.tables.clear()
                begun = time.perf_counter()
                out = render()
                times.append((time.perf_counter() - begun) * 1000)
            size = len(json.dumps(out, cls=PlotlyJSONEncoder))
            took = statistics.median(times)
            print(f"  {query or '(default)':45} {name:9} {took:8.1f} ms {size:9,} B")


if __name__ == "__main__":
    main()
