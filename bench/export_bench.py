"""Snapshot render times: cold (a new Chromium per export) and warm (the pool's kaleido server).

Cold is what ``protestmap export`` pays; warm is what the ``/export/map.*`` routes pay after
their first render. Each format is rendered ``--repeat`` times at 1200 x 760 (map only) and
1200 x 1000 (with the timeline); the cache is not involved.

Usage::

    python -m bench.export_bench --data /tmp/pub-data --repeat 3
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from functools import partial
from pathlib import Path

import click
import kaleido

from app import load_dataset
from core.view import Filters
from geodata.settings import Settings
from publish import exports

FORMATS = ("png", "svg", "pdf")


def _figure(data_dir: Path, timeline: bool) -> object:
    data = load_dataset(Settings(data=data_dir))
    f = Filters.from_query("?from=2022-09-21&to=2022-09-24")
    text = exports.caption(data, f, version=data.version, accessed=dt.date.today())
    return exports.publication_figure(data, f, text, timeline=timeline)


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
def main(data_dir: Path, repeat: int) -> None:
    """Print median cold and warm render seconds per format, map alone and with timeline."""
    pool = exports.RenderPool(timeout=120)
    for timeline in (False, True):
        figure = _figure(data_dir, timeline)
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
