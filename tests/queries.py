"""The pandas reference ("oracle") of the serving engine, for tests and benchmarks only.

The dashboard, exports, downloads and Compare count with ``core.aggregates`` on integer-coded
arrays. These are the same questions asked the obvious way, with pandas filters and
group-bys over the prepared frame: slower by an order of magnitude, but easy to read, so
``tests/test_fastpath.py`` checks the engine against them table by table. The view grammar
and the start-up preparation are re-exported so tests can keep one module name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core import aggregates, view
from core.aggregates import Summary as Summary
from core.prepared import TAG_BITS as TAG_BITS
from core.prepared import data_as_of as data_as_of
from core.prepared import prepare_incidents as prepare_incidents
from core.prepared import report_days as report_days
from core.view import METRICS as METRICS
from core.view import OCCUPIED as OCCUPIED
from core.view import Filters as Filters
from core.view import build_catalogue as build_catalogue
from core.view import check_known as check_known
from core.view import parse_query as parse_query
from core.view import period_from_range as period_from_range


def select(incidents: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Rows matching the period, kinds, tags (all of them) and campaign; geography untouched."""
    mask = np.ones(len(incidents), dtype=bool)
    if f.start:
        mask &= (incidents["date"] >= pd.Timestamp(f.start)).to_numpy()
    if f.end:
        mask &= (incidents["date"] <= pd.Timestamp(f.end)).to_numpy()
    if f.kinds:
        mask &= incidents["kind"].isin(f.kinds).to_numpy()
    if f.tags:
        wanted = sum(TAG_BITS[t] for t in f.tags)
        mask &= (incidents["tag_bits"].to_numpy() & wanted) == wanted
    if f.campaign:
        mask &= (incidents["campaign"] == f.campaign).fillna(False).to_numpy(dtype=bool)
    return incidents[mask]


def scope(selected: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The rows the current view is about: one city, one region, or Russia's totals.

    Russia's totals leave out occupied Ukrainian territory unless ``f.occupied`` asks for it;
    a region view of an occupied region shows that region's own rows.
    """
    if f.region:
        rows = selected[selected["region_code"] == f.region]
        return rows[rows["city_key"] == f.city] if f.city else rows
    if f.occupied:
        return selected
    return selected[selected["status"] != view.OCCUPIED]


def detained(rows: pd.DataFrame) -> pd.Series:
    """Detention counts: the headline figure of detention incidents; null where unknown.

    Rally incidents contribute nothing here (they count as rallies), so one event reported
    as both a rally and a detention incident is not counted twice.
    """
    return rows["detained"].astype("Int64").where(rows["kind"] == "detention")


def _counts(rows: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    is_detention = rows["kind"] == "detention"
    frame = pd.DataFrame(
        {
            "detained": detained(rows),
            "unknown": is_detention & rows["detained"].isna(),
            "rallies": rows["kind"] == "rally",
        }
    )
    keys = [by] if isinstance(by, str) else by
    frame[keys] = rows[keys]
    grouped = frame.groupby(keys, sort=False)
    return pd.DataFrame(
        {
            "incidents": grouped.size(),
            "detained": grouped["detained"].sum(min_count=1).astype("Int64"),
            "unknown": grouped["unknown"].sum().astype("int64"),
            "rallies": grouped["rallies"].sum().astype("int64"),
        }
    )


def region_table(selected: pd.DataFrame, regions: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per region: counts, per-100k rate, the chosen metric's ``value`` and a ``state``.

    ``state`` is ``value`` when the metric has a figure, else ``no_reports`` (nothing reported
    in the selection), ``no_figure`` (reports, but no detention count) or ``no_population``
    (per-100k for a region without a census figure). ``value`` is NaN unless state is value.
    """
    return aggregates.region_frame(_counts(selected, "region_code"), regions, metric)


def city_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per city (or region-level place): position, counts; most detentions first."""
    if rows.empty:
        return aggregates.NO_CITIES
    first = rows.groupby("city_key", sort=False)[list(aggregates.CITY_FIRST)].first()
    return city_frame(first, _counts(rows, "city_key"))


def daily_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Detentions, rallies and incidents per day, for days with at least one report."""
    if rows.empty:
        return aggregates.NO_DAYS
    return _counts(rows, "date").sort_index().reset_index()


def summarise(rows: pd.DataFrame) -> aggregates.Summary:
    """Totals for the summary strip."""
    counts = detained(rows)
    is_detention = rows["kind"] == "detention"
    return aggregates.Summary(
        detained=int(counts.sum()),
        unknown=int((is_detention & rows["detained"].isna()).sum()),
        rallies=int((rows["kind"] == "rally").sum()),
        incidents=len(rows),
        cities=int(rows.loc[~rows["city_key"].str.startswith("r:"), "city_key"].nunique()),
        regions=int(rows["region_code"].nunique()),
    )


def incident_list(rows: pd.DataFrame) -> pd.DataFrame:
    """Incidents in view, newest first, then most detained, for the table."""
    order = np.lexsort(
        (
            -rows["detained"].fillna(-1).to_numpy(dtype="int64"),
            -rows["date"].to_numpy().astype("int64"),
        )
    )
    return rows.iloc[order]


def city_frame(first: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """One row per city from first values and counts per city key; most detentions first."""
    table = first.join(counts).reset_index()
    order = table["detained"].fillna(-1).to_numpy(dtype="int64")
    return table.iloc[np.lexsort((table["city_label"].to_numpy(), -order))].reset_index(drop=True)
