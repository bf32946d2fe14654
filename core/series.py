"""Time series and comparison tables for chosen cities and regions (pure, no I/O).

A place is a city, keyed by its GeoNames id (``"524901"``), or a region, keyed by its
ISO 3166-2 code (``"RU-DA"``). Counts are lower bounds read from reports: a day without any
report of a place is *unknown* (NaN, status :data:`NO_REPORT`), never a confident zero, and a
reported detention whose figure is unknown stays unknown (status :data:`NO_FIGURE`).
Occupied Ukrainian territory can be compared, but it is never added to Russia's totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

MEASURES = ("detained", "rallies")
METRICS = ("count", "per100k", "cumulative")
STEPS = ("day", "week")

NO_REPORT = "no report"
NO_FIGURE = "reported, figure unknown"
REPORTED = "reported"

OCCUPIED = "occupied_ukraine"
CENSUS_SOURCE = "2021 census"
GEONAMES_SOURCE = "GeoNames"
PER = 100_000

#: Columns of :func:`place_catalog`, indexed by place id.
CATALOG_COLUMNS = (
    "kind",  # city | region
    "name_en",
    "name_ru",
    "region_code",
    "region_en",
    "occupied",  # True for occupied Ukrainian territory
    "population",  # Int64, null where unknown
    "population_source",
)


def is_city(place_id: str) -> bool:
    """A city id is a GeoNames number; anything else is an ISO 3166-2 region code."""
    return place_id.isdigit()


def city_table(records: Iterable[Mapping]) -> pd.DataFrame:
    """GeoNames records (geonameid, population) as a city table; population 0 means unknown.

    GeoNames writes 0 where it has no figure, so 0 becomes null rather than a population of
    nobody.
    """
    rows = [(int(r["geonameid"]), int(r.get("population") or 0)) for r in records]
    frame = pd.DataFrame(rows, columns=["geonameid", "population"])
    frame["population"] = frame["population"].astype("Int64").mask(frame["population"] == 0)
    return frame.drop_duplicates("geonameid").set_index("geonameid")


def place_catalog(
    incidents: pd.DataFrame, regions: pd.DataFrame, cities: pd.DataFrame
) -> pd.DataFrame:
    """Every place a user can pick: all regions, and every city that has a report.

    Regions carry their 2021 census population; cities the GeoNames figure where one exists.
    """
    region_info = regions.set_index("region_code")
    occupied = region_info["status"] == OCCUPIED
    region_rows = pd.DataFrame(
        {
            "kind": "region",
            "name_en": region_info["name_en"],
            "name_ru": region_info["name_ru"],
            "region_code": region_info.index,
            "region_en": region_info["name_en"],
            "occupied": occupied,
            "population": region_info["population"].astype("Int64"),
            "population_source": CENSUS_SOURCE,
        },
        index=region_info.index.astype(str),
    )
    found = incidents.dropna(subset=["geonameid"]).drop_duplicates("geonameid")
    ids = found["geonameid"].astype("int64")
    codes = found["region_code"]
    city_rows = pd.DataFrame(
        {
            "kind": "city",
            "name_en": found["city_en"].to_numpy(),
            "name_ru": found["city_ru"].to_numpy(),
            "region_code": codes.to_numpy(),
            "region_en": codes.map(region_info["name_en"]).to_numpy(),
            "occupied": codes.map(occupied).fillna(False).astype(bool).to_numpy(),
            "population": cities["population"].reindex(ids).astype("Int64").to_numpy(),
            "population_source": GEONAMES_SOURCE,
        },
        index=ids.astype(str).to_numpy(),
    )
    catalog = pd.concat([city_rows, region_rows])
    catalog.index.name = "place_id"
    return catalog[list(CATALOG_COLUMNS)]


def _place_mask(incidents: pd.DataFrame, place_id: str) -> pd.Series:
    if is_city(place_id):
        return (incidents["geonameid"] == int(place_id)).fillna(False).astype(bool)
    return incidents["region_code"] == place_id


def _in_period(incidents: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    dates = incidents["date"]
    return incidents[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))]


def _daily(rows: pd.DataFrame, days: pd.DatetimeIndex, measure: str) -> pd.DataFrame:
    """Per day: the reports, the known value of ``measure`` (NaN when unknown)."""
    reports = rows.groupby("date").size().reindex(days, fill_value=0)
    if measure == "rallies":
        rallies = (rows["kind"] == "rally").groupby(rows["date"]).sum()
        value = rallies.reindex(days, fill_value=0).astype(float).where(reports > 0)
    else:
        known = rows[(rows["kind"] == "detention") & rows["detained"].notna()]
        value = known.groupby("date")["detained"].sum().reindex(days).astype(float)
    return pd.DataFrame({"reports": reports.to_numpy(), "value": value.to_numpy()}, index=days)


def _status(reports: pd.Series, value: pd.Series) -> np.ndarray:
    return np.select([value.notna(), reports > 0], [REPORTED, NO_FIGURE], NO_REPORT)


def _weekly(daily: pd.DataFrame) -> pd.DataFrame:
    """Sum days into ISO weeks (labelled by their Monday); a week with no known day stays NaN."""
    monday = daily.index - pd.to_timedelta(daily.index.day_of_week, unit="D")
    grouped = daily.groupby(monday)
    return pd.DataFrame(
        {"reports": grouped["reports"].sum(), "value": grouped["value"].sum(min_count=1)}
    )


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
    """Long frame (place_id, date, value, status, reports) over every day or week of the period.

    ``value`` is NaN where nothing is known: no report, a report without a figure, or (per
    100k) no population. Cumulative values are running lower bounds: an unknown day adds
    nothing, so the line stays flat there.
    """
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    period = _in_period(incidents, start, end)
    parts = []
    for place_id in place_ids:
        frame = _daily(period[_place_mask(period, place_id)], days, measure)
        if step == "week":
            frame = _weekly(frame)
        frame["status"] = _status(frame["reports"], frame["value"])
        if metric == "per100k":
            population = catalog.at[place_id, "population"]
            scale = np.nan if pd.isna(population) else PER / float(population)
            frame["value"] = frame["value"] * scale
        elif metric == "cumulative":
            frame["value"] = frame["value"].fillna(0).cumsum()
        parts.append(frame.rename_axis("date").reset_index().assign(place_id=place_id))
    if not parts:
        return pd.DataFrame(columns=["place_id", "date", "value", "status", "reports"])
    return pd.concat(parts, ignore_index=True)[["place_id", "date", "value", "status", "reports"]]


def _total(rows: pd.DataFrame, measure: str) -> float:
    """Known total of ``measure`` in ``rows``; NaN when nothing is reported or known."""
    if measure == "rallies":
        return float((rows["kind"] == "rally").sum()) if len(rows) else np.nan
    figures = rows.loc[rows["kind"] == "detention", "detained"].dropna()
    return float(figures.sum()) if len(figures) else np.nan


def national_total(
    incidents: pd.DataFrame, regions: pd.DataFrame, *, start: date, end: date, measure: str
) -> float:
    """Total over Russia's federal subjects only; occupied Ukrainian territory is left out."""
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
) -> pd.DataFrame:
    """One row per place: total, per 100k, rank, national share, dates and period change.

    The two ``periods`` are counted over all reports, not only those inside start..end.
    ``reports_a``/``reports_b`` count the reports in each, so an unknown total can say whether
    nothing was reported or the reports carried no figure. ``rank`` orders the chosen places
    by total (1 = most), ``rank_per_100k`` by rate; places
    without a figure get no rank. ``share_pct`` is of ``national`` (federal subjects only) and
    is null for occupied territory. ``first``/``last`` are the first and last days with a
    detention report, whether or not it carried a figure.
    """
    period = _in_period(incidents, start, end)
    rows = []
    for place_id in place_ids:
        info = catalog.loc[place_id]
        mine = period[_place_mask(period, place_id)]
        total = _total(mine, measure)
        population = info["population"]
        first, last = _dated(mine)
        row = {
            "place_id": place_id,
            "place": info["name_en"],
            "name_ru": info["name_ru"],
            "kind": info["kind"],
            "region": info["region_en"],
            "occupied": bool(info["occupied"]),
            "population": population,
            "population_source": info["population_source"] if pd.notna(population) else None,
            "total": total,
            "per_100k": np.nan if pd.isna(population) else total * PER / float(population),
            "share_pct": np.nan if info["occupied"] or not national else 100 * total / national,
            "first": first,
            "last": last,
            "days_reported": int(mine["date"].nunique()),
        }
        if periods:
            (a_start, a_end), (b_start, b_end) = periods
            everywhen = incidents[_place_mask(incidents, place_id)]
            in_a = _in_period(everywhen, a_start, a_end)
            in_b = _in_period(everywhen, b_start, b_end)
            a, b = _total(in_a, measure), _total(in_b, measure)
            row |= {"period_a": a, "period_b": b, "change": b - a}
            row |= {"reports_a": len(in_a), "reports_b": len(in_b)}
            row["change_pct"] = 100 * (b - a) / a if a else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["rank"] = table["total"].rank(method="min", ascending=False).astype("Int64")
    table["rank_per_100k"] = table["per_100k"].rank(method="min", ascending=False).astype("Int64")
    table["population"] = table["population"].astype("Int64")
    return table
