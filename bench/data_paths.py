"""How the dashboard's data path was chosen: one view's region totals, four ways, same store.

    python -m bench.data_paths --data /tmp/protestmap-bench/store-1000000 [--runs 15]

The query is what a filter change needs for the map: detention incidents' figures summed per
region and rallies counted per region, for one period and for all dates. pandas and numpy
return the finished ``region_table`` (84 rows, a few ms of pandas); duckdb and polars only
the raw group-by. Measured on the prepared in-memory
incidents (what the server holds), median of ``--runs``:

- pandas: ``queries.select`` + ``queries.region_table`` (the test oracle, tests/queries.py);
- numpy: ``core.aggregates`` (integer codes, boolean mask, ``np.bincount``) -- the choice;
- duckdb and polars, if importable (they are not project dependencies; the figures in
  docs/performance.md used ``pip install --target /tmp/altlibs duckdb polars`` and
  ``PYTHONPATH=/tmp/altlibs``), over the same columns already in memory.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import click
import pandas as pd

from app import load_dataset
from core import aggregates
from core.dataset import Dataset
from core.view import Filters
from geodata.settings import Settings
from tests import queries

#: One period (a date-range change) and every date (a metric change on the default view).
VIEWS = {
    "one period": Filters(start=dt.date(2022, 2, 24), end=dt.date(2022, 3, 31)),
    "all dates": Filters(start=dt.date(1900, 1, 1), end=dt.date(2100, 1, 1)),
}
_COLUMNS = ["date", "kind", "region_code", "detained"]


def _median_ms(run: Callable[[], Any], runs: int) -> float:
    run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def _pandas(ds: Dataset, view: Filters) -> pd.DataFrame:
    return queries.region_table(queries.select(ds.incidents, view), ds.regions, view.metric)


def _numpy(ds: Dataset, view: Filters) -> pd.DataFrame:
    rows = aggregates.select_rows(ds.tables.columns, view)
    return aggregates.region_table(ds.tables.columns, rows, ds.regions, view.metric)


def _duckdb(frame: pd.DataFrame, view: Filters) -> Callable[[], Any] | None:
    try:
        import duckdb
    except ImportError:
        return None
    con = duckdb.connect()
    con.register("incidents", frame)
    sql = (
        "SELECT region_code, sum(detained) FILTER (kind = 'detention') AS detained, "
        "count(*) FILTER (kind = 'rally') AS rallies, count(*) AS incidents FROM incidents "
        "WHERE date BETWEEN $start AND $end GROUP BY region_code"
    )
    params = {"start": view.start, "end": view.end}
    return lambda: con.execute(sql, params).df()


def _polars(frame: pd.DataFrame, view: Filters) -> Callable[[], Any] | None:
    try:
        import polars as pl
    except ImportError:
        return None
    table = pl.from_pandas(frame)
    start, end = pd.Timestamp(view.start), pd.Timestamp(view.end)

    def run() -> Any:
        return (
            table.filter(pl.col("date").is_between(start, end))
            .group_by("region_code")
            .agg(
                pl.col("detained").filter(pl.col("kind") == "detention").sum(),
                (pl.col("kind") == "rally").sum().alias("rallies"),
                pl.len().alias("incidents"),
            )
        )

    return run


@click.command()
@click.option("--data", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--runs", default=15, show_default=True)
def main(data: Path, runs: int) -> None:
    """Print the median milliseconds of each data path for each view."""
    ds = load_dataset(Settings(data=data))
    frame = ds.incidents[_COLUMNS]
    print(f"{len(ds.incidents):,} incidents, median of {runs} runs")
    for label, view in VIEWS.items():
        paths: dict[str, Callable[[], Any] | None] = {
            "pandas (queries.select + region_table)": partial(_pandas, ds, view),
            "numpy (aggregates: codes + bincount)": partial(_numpy, ds, view),
            "duckdb (SQL over the in-memory frame)": _duckdb(frame, view),
            "polars (filter + group_by)": _polars(frame, view),
        }
        print(f"  {label}: {view.to_query()}")
        for name, run in paths.items():
            took = "not installed" if run is None else f"{_median_ms(run, runs)} ms"
            print(f"    {name:42} {took}")


if __name__ == "__main__":
    main()
