"""Snapshot render times: cold (a new Chromium per export) and warm (the pool's kaleido server).

Cold is what ``protestmap export`` pays; warm is what the ``/export/map.*`` routes pay after
their first render. Each format is rendered ``--repeat`` times at 1200 x 760 (map only) and
1200 x 1000 (with the timeline); the cache is not involved.

First, what a web worker does itself before Chromium: build the snapshot's figure and its
JSON, ``--repeat`` times at widths not built before, and the longest another thread of the
process waited meanwhile to run (the interpreter lock held, a garbage collection included):
a request for a page, or a 503 refusal, arriving then waits as long.

Usage::

    python -m bench.export_bench --data /tmp/pub-data --repeat 3 [--no-render]
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
import time
from functools import partial
from pathlib import Path

import click
import kaleido
import plotly.graph_objects as go
import plotly.io as pio

from app import load_dataset
from core.dataset import Dataset
from core.view import Filters
from geodata.settings import Settings
from publish import exports

FORMATS = ("png", "svg", "pdf")


def _figure(data: Dataset, timeline: bool, width: int | None = None) -> go.Figure:
    f = Filters.from_query("?from=2022-09-21&to=2022-09-24")
    text = exports.caption(data, f, version=data.version, accessed=dt.date.today())
    size = (width, exports.DEFAULT_SIZE[timeline][1]) if width else None
    return exports.publication_figure(data, f, text, timeline=timeline, size=size)


def building(data: Dataset, repeat: int) -> dict[str, float]:
    """Seconds to build a snapshot's figure and JSON (median), its size, the longest pause."""
    pauses: list[float] = []
    done = threading.Event()

    def tick() -> None:
        while not done.is_set():
            start = time.perf_counter()
            time.sleep(0.001)
            pauses.append(time.perf_counter() - start - 0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    seconds, body = [], ""
    for width in range(1201, 1201 + repeat):
        start = time.perf_counter()
        body = pio.to_json(_figure(data, False, width).to_dict(), validate=False)
        seconds.append(time.perf_counter() - start)
    done.set()
    ticker.join()
    return {
        "build_s": round(statistics.median(seconds), 3),
        "json_kb": round(len(body) / 1000),
        "longest_pause_ms": round(max(pauses) * 1000),
    }


def _times(render, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        render()
        out.append(time.perf_counter() - start)
    return out


@click.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), required=True)
@click.option("--repeat", default=3, show_default=True)
@click.option("--render/--no-render", default=True, help="also time the renders")
def main(data_dir: Path, repeat: int, render: bool) -> None:
    """Print the figure's building, then median cold and warm render seconds per format."""
    data = load_dataset(Settings(data=data_dir))
    _figure(data, False)  # what happens once per process (the static map)
    built = building(data, repeat)
    print(
        f"figure: {built['build_s']:.3f} s (median of {repeat}), {built['json_kb']} KB of JSON;"
        f" another thread waited up to {built['longest_pause_ms']} ms"
    )
    if not render:
        return
    pool = exports.RenderPool(timeout=120)
    for timeline in (False, True):
        figure = _figure(data, timeline)
        width, height = exports.DEFAULT_SIZE[timeline]
        for fmt in FORMATS:
            size = {"width": width, "height": height}
            cold = _times(partial(exports.render_image, figure, fmt, **size), repeat)
            pool.render(figure, fmt, **size)  # starts the warm server
            warm = _times(partial(pool.render, figure, fmt, **size), repeat)
            print(
                f"{fmt} timeline={int(timeline)} {width}x{height}: "
                f"cold {statistics.median(cold):.2f} s, warm {statistics.median(warm):.2f} s"
            )
            kaleido.stop_sync_server(silence_warnings=True)
    pool.close()


if __name__ == "__main__":
    main()
