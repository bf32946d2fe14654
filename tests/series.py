"""The pandas reference ("oracle") of Compare's counts, for tests only.

Compare counts with ``core.series`` over the engine's coded columns. These are the same
questions asked with pandas filters and group-bys over a plain incidents frame (kind, date,
geonameid, region_code, detained): small synthetic frames test the rules here, and
``tests/test_compare_engine.py`` checks the engine against them on the real store. Shaping
(weeks, status, per 100k, ranks) is the engine's own code, so only the counting differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from core.series import NO_FIGURE as NO_FIGURE
from core.series import NO_REPORT as NO_REPORT
from core.series import NO_SERIES, SERIES_COLUMNS, finish_series, is_city, rank_table, summary_row
from core.series import REPORTED as REPORTED
from core.series import gazetteer_cities as gazetteer_cities
from core.series import place_catalog as place_catalog
from core.view import OCCUPIED


def _place_mask(incidents: pd.DataFrame, place_id: str) -> pd.Series:
    if is_city(place_id):
        return (incidents["geonameid"] == int(place_id)).fillna(False).astype(bool)
    return incidents["region_code"] == place_id


def _in_period(incidents: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    dates = incidents["date"]
    return incidents[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))]


def _daily(rows: pd.DataFrame, days: pd.DatetimeIndex, measure: str) -> pd.DataFrame:
    reports = rows.groupby("date").size().reindex(days, fill_value=0)
    if measure == "rallies":
        rallies = (rows["kind"] == "rally").groupby(rows["date"]).sum()
        value = rallies.reindex(days, fill_value=0).astype(float).where(reports > 0)
    else:
        known = rows[(rows["kind"] == "detention") & rows["detained"].notna()]
        value = known.groupby("date")["detained"].sum().reindex(days).astype(float)
    return pd.DataFrame({"reports": reports.to_numpy(), "value": value.to_numpy()}, index=days)


def place_series(
    incidents: pd.DataFrame,
    catalog: pd.DataFrame,
    place_ids: Sequence[str],
    *,
    start: date,
    end: date,
    measure: str = "detained",
    step: str = "day",
    metric: str = "count",
) -> pd.DataFrame:
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    period = _in_period(incidents, start, end)
    parts = [
        finish_series(
            _daily(period[_place_mask(period, pid)], days, measure),
            pid,
            catalog.at[pid, "population"],
            step=step,
            metric=metric,
        )
        for pid in place_ids
    ]
    if not parts:
        return NO_SERIES.copy()
    return pd.concat(parts, ignore_index=True)[SERIES_COLUMNS]


def _total(rows: pd.DataFrame, measure: str) -> float:
    if measure == "rallies":
        return float((rows["kind"] == "rally").sum()) if len(rows) else np.nan
    figures = rows.loc[rows["kind"] == "detention", "detained"].dropna()
    return float(figures.sum()) if len(figures) else np.nan


def national_total(
    incidents: pd.DataFrame, regions: pd.DataFrame, *, start: date, end: date, measure: str
) -> float:
    federal = regions.loc[regions["status"] != OCCUPIED, "region_code"]
    period = _in_period(incidents, start, end)
    return _total(period[period["region_code"].isin(federal)], measure)


def _dated(rows: pd.DataFrame) -> tuple[date | None, date | None]:
    dates = rows.loc[rows["kind"] == "detention", "date"]
    if dates.empty:
        return None, None
    return dates.min().date(), dates.max().date()


def summary_table(
    incidents: pd.DataFrame,
    catalog: pd.DataFrame,
    place_ids: Sequence[str],
    *,
    start: date,
    end: date,
    national: float,
    measure: str = "detained",
    periods: tuple[tuple[date, date], tuple[date, date]] | None = None,
    nationals: tuple[float, float] = (np.nan, np.nan),
) -> pd.DataFrame:
    period = _in_period(incidents, start, end)
    rows = []
    for place_id in place_ids:
        mine = period[_place_mask(period, place_id)]
        first, last = _dated(mine)
        counted = {
            "total": _total(mine, measure),
            "first": first,
            "last": last,
            "days_reported": int(mine["date"].nunique()),
        }
        if periods:
            everywhen = incidents[_place_mask(incidents, place_id)]
            in_a, in_b = (_in_period(everywhen, *span) for span in periods)
            counted |= {"period_a": _total(in_a, measure), "period_b": _total(in_b, measure)}
            counted |= {"reports_a": len(in_a), "reports_b": len(in_b)}
        rows.append(summary_row(catalog.loc[place_id], place_id, national, counted, nationals))
    return rank_table(rows)
