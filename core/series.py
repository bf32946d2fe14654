"""Time series and comparison tables for chosen cities and regions (pure, no I/O).

The counts come from the serving engine's coded columns (``core.aggregates.Columns``), the
same arrays and the same tally rule as the map's: a place's rows are one more mask.

A place is a city, keyed by its GeoNames id (``"524901"``), or a region, keyed by its
ISO 3166-2 code (``"RU-DA"``). Counts are lower bounds read from reports: a day without any
report of a place is *unknown* (NaN, status :data:`NO_REPORT`), never a confident zero, and a
reported detention whose figure is unknown stays unknown (status :data:`NO_FIGURE`).
Occupied Ukrainian territory can be compared, but it is never added to Russia's totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from babel import dates

from core import aggregates
from core.aggregates import Columns
from core.i18n import DEFAULT, LOCALES, N_
from core.view import OCCUPIED, Filters

#: Compare's choices (the map's metrics are ``core.view.METRICS``).
MEASURES = ("detained", "rallies")
SERIES_METRICS = ("count", "per100k", "cumulative")
STEPS = ("day", "week", "month")
#: pandas period of each step: weeks run Monday to Sunday (ISO 8601), months by the calendar.
_PERIODS = {"day": "D", "week": "W-SUN", "month": "M"}

#: A step's status: the English words are its code in the series CSV, and are translated
#: where they are shown (``core.i18n.gettext``).
NO_REPORT = N_("no report")
NO_FIGURE = N_("reported, figure unknown")
REPORTED = N_("reported")

CENSUS_SOURCE = N_("2021 census")
GEONAMES_SOURCE = "GeoNames"
GEONAMES_PAGE = "https://www.geonames.org/"
#: How a population note says why there is no figure (the reason follows).
UNKNOWN = "unknown: "
NO_CITY_POPULATION = UNKNOWN + N_("GeoNames gives no population for this city")
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
    "population_source",  # what the figure is: "2021 census" or "GeoNames"
    "population_note",  # where it was read (links), or why there is none ("unknown: ...")
)


def is_city(place_id: str) -> bool:
    """A city id is a GeoNames number; anything else is an ISO 3166-2 region code."""
    return place_id.isdigit()


def gazetteer_cities(records: Iterable[Mapping]) -> pd.DataFrame:
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

    Regions carry their 2021 census population and the store's note of where it was read
    (or why it is unknown); cities the GeoNames figure where one exists, with its page. No
    figure is made up: a place without one keeps null and says why.
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
            "population_note": region_info["population_source"],
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
            "population_note": np.where(
                cities["population"].reindex(ids).notna().to_numpy(),
                GEONAMES_PAGE + ids.astype(str).to_numpy(),
                NO_CITY_POPULATION,
            ),
        },
        index=ids.astype(str).to_numpy(),
    )
    catalog = pd.concat([city_rows, region_rows])
    catalog.index.name = "place_id"
    return catalog[list(CATALOG_COLUMNS)]


def place_rows(c: Columns, rows: np.ndarray, place_id: str) -> np.ndarray:
    """The positions among ``rows`` that belong to a place (a GeoNames city or a region)."""
    if is_city(place_id):
        return rows[c.city[rows] == aggregates.code_of(c.city_keys, place_id)]
    return rows[c.region[rows] == aggregates.code_of(c.region_codes, place_id)]


def period_rows(c: Columns, start: date | None, end: date | None) -> np.ndarray:
    """Positions of every incident between ``start`` and ``end`` (None: open)."""
    return aggregates.select_rows(c, Filters(start=start, end=end))


def daily_values(
    c: Columns, rows: np.ndarray, days: pd.DatetimeIndex, measure: str
) -> pd.DataFrame:
    """Per day: the reports, the known value of ``measure`` (NaN when unknown)."""
    daily = aggregates.daily_table(c, rows)
    index = pd.DatetimeIndex(daily["date"]).as_unit("ns")
    reports = pd.Series(daily["incidents"].to_numpy("int64"), index=index)
    reports = reports.reindex(days, fill_value=0)
    if measure == "rallies":
        rallies = pd.Series(daily["rallies"].to_numpy("int64"), index=index)
        value = rallies.reindex(days, fill_value=0).astype(float).where(reports > 0)
    else:
        known = daily["detained"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        value = pd.Series(known, index=index).reindex(days)
    return pd.DataFrame({"reports": reports.to_numpy(), "value": value.to_numpy()}, index=days)


def _status(reports: pd.Series, value: pd.Series) -> np.ndarray:
    return np.select([value.notna(), reports > 0], [REPORTED, NO_FIGURE], NO_REPORT)


def _bucketed(daily: pd.DataFrame, step: str) -> pd.DataFrame:
    """Sum days into steps, each labelled by its first and last day *inside* the period.

    A period that starts mid-week (or mid-month) gets a short first bucket that starts on the
    period's first day, never on the Monday (or the 1st) before it; the same at the end. A
    bucket with no known day stays NaN (unknown, not zero).
    """
    grouped = daily.assign(day=daily.index).groupby(daily.index.to_period(_PERIODS[step]))
    first = pd.DatetimeIndex(grouped["day"].min().to_numpy())
    return pd.DataFrame(
        {
            "end": grouped["day"].max().to_numpy(),
            "reports": grouped["reports"].sum().to_numpy(),
            "value": grouped["value"].sum(min_count=1).to_numpy(),
        },
        index=first,
    )


def step_code(first: date, step: str) -> str:
    """A step's machine label: ``2022-09-21``, ISO week ``2022-W38`` or month ``2022-09``."""
    if step == "week":
        year, week, _ = first.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{first:%Y-%m}" if step == "month" else first.isoformat()


def step_label(first: date, last: date, step: str, lang: str = DEFAULT) -> str:
    """A step as people read it in ``lang``: ``21 Sept 2022``, ``12–18 Sept 2022``, ``Sept 2022``.

    Weeks (and months cut by the period) print their own first and last day, so a label
    never names a day outside the period. Babel writes them in the language's conventions
    ("12–18 сент. 2022 г.").
    """
    locale = LOCALES[lang]
    whole_month = first.day == 1 and (last + timedelta(days=1)).day == 1
    if step == "month" and whole_month:
        return dates.format_skeleton("yMMM", first, locale=locale)
    if first == last:
        return dates.format_skeleton("yMMMd", first, locale=locale)
    return dates.format_interval(first, last, "yMMMd", locale=locale)


def finish_series(
    frame: pd.DataFrame, place_id: str, population: Any, *, step: str, metric: str
) -> pd.DataFrame:
    """One place's daily (reports, value) as rows of ``place_series``: steps, status, metric."""
    frame = _bucketed(frame, step)
    frame["status"] = _status(frame["reports"], frame["value"])
    if metric == "per100k":
        scale = np.nan if pd.isna(population) else PER / float(population)
        frame["value"] = frame["value"] * scale
    elif metric == "cumulative":
        frame["value"] = frame["value"].fillna(0).cumsum()
    return frame.rename_axis("date").reset_index().assign(place_id=place_id)


SERIES_COLUMNS = ["place_id", "date", "end", "value", "status", "reports"]
#: ``place_series`` of no places: no rows, but the columns' types (dates stay dates).
NO_SERIES = pd.DataFrame(
    {
        "place_id": pd.Series(dtype=str),
        "date": pd.Series(dtype="datetime64[ns]"),
        "end": pd.Series(dtype="datetime64[ns]"),
        "value": pd.Series(dtype=float),
        "status": pd.Series(dtype=str),
        "reports": pd.Series(dtype="int64"),
    }
)


def place_series(
    c: Columns,
    catalog: pd.DataFrame,
    place_ids: Sequence[str],
    *,
    start: date,
    end: date,
    measure: str = "detained",
    step: str = "day",
    metric: str = "count",
) -> pd.DataFrame:
    """Long frame (place_id, date, end, value, status, reports): a row per step of the period.

    ``date`` and ``end`` are the first and last day of a step inside the period (equal for
    days; see :func:`_bucketed` for weeks and months cut by the period's ends).

    ``value`` is NaN where nothing is known: no report, a report without a figure, or (per
    100k) no population. Cumulative values are running lower bounds: an unknown day adds
    nothing, so the line stays flat there.
    """
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    period = period_rows(c, start, end)
    parts = [
        finish_series(
            daily_values(c, place_rows(c, period, pid), days, measure),
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


def total(c: Columns, rows: np.ndarray, measure: str) -> float:
    """Known total of ``measure`` at ``rows``; NaN when nothing is reported or known."""
    tally = np.bincount(c.tally[rows], minlength=len(aggregates.TALLIES))
    if measure == "rallies":
        return float(tally[aggregates.RALLY]) if len(rows) else np.nan
    return float(c.figure[rows].sum()) if tally[aggregates.FIGURE] else np.nan


def national_total(c: Columns, *, start: date, end: date, measure: str) -> float:
    """Total over Russia's federal subjects only; occupied Ukrainian territory is left out."""
    period = period_rows(c, start, end)
    return total(c, period[~c.occupied[period]], measure)


def _dated(c: Columns, rows: np.ndarray) -> tuple[date | None, date | None]:
    days = c.day[rows[np.isin(c.tally[rows], (aggregates.FIGURE, aggregates.UNKNOWN_FIGURE))]]
    if not len(days):
        return None, None
    return aggregates.to_date(int(days.min())), aggregates.to_date(int(days.max()))


def share_pct(value: float, national: float, occupied: bool) -> float:
    """``value`` as a percentage of Russia's ``national`` total.

    NaN for occupied territory (that total leaves it out), and where either is unknown or
    the total is zero.
    """
    if occupied or pd.isna(national) or not national:
        return np.nan
    return 100 * value / national


def summary_row(
    info: pd.Series,
    place_id: str,
    national: float,
    counted: Mapping,
    nationals: tuple[float, float] = (np.nan, np.nan),
) -> dict:
    """One row of ``summary_table`` from a place's catalogue entry and its counts.

    ``nationals`` are Russia's totals in periods A and B, for each period's share.
    """
    total_ = counted["total"]
    population = info["population"]
    row = {
        "place_id": place_id,
        "place": info["name_en"],
        "name_ru": info["name_ru"],
        "kind": info["kind"],
        "region": info["region_en"],
        "occupied": bool(info["occupied"]),
        "population": population,
        "population_source": info["population_source"] if pd.notna(population) else None,
        "population_note": info["population_note"],
        "total": total_,
        "per_100k": np.nan if pd.isna(population) else total_ * PER / float(population),
        "share_pct": share_pct(total_, national, info["occupied"]),
        "first": counted["first"],
        "last": counted["last"],
        "days_reported": counted["days_reported"],
    }
    if "period_a" in counted:
        a, b = counted["period_a"], counted["period_b"]
        row |= {"period_a": a, "period_b": b, "change": b - a}
        row |= {"reports_a": counted["reports_a"], "reports_b": counted["reports_b"]}
        row["change_pct"] = 100 * (b - a) / a if a else np.nan
        row["share_a_pct"] = share_pct(a, nationals[0], info["occupied"])
        row["share_b_pct"] = share_pct(b, nationals[1], info["occupied"])
    return row


def rank_table(rows: list[dict]) -> pd.DataFrame:
    """``summary_table``'s rows as a frame, ranked by total and by rate (1 = most).

    Rows come in rank order; places without a figure (no rank) come last, in the order given.
    """
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["rank"] = table["total"].rank(method="min", ascending=False).astype("Int64")
    table["rank_per_100k"] = table["per_100k"].rank(method="min", ascending=False).astype("Int64")
    table["population"] = table["population"].astype("Int64")
    ordered = table.sort_values("rank", kind="stable", na_position="last")
    return ordered.reset_index(drop=True)


def summary_table(
    c: Columns,
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
    """One row per place: total, per 100k, rank, national share, dates and period change.

    The two ``periods`` are counted over all reports, not only those inside start..end.
    ``reports_a``/``reports_b`` count the reports in each, so an unknown total can say whether
    nothing was reported or the reports carried no figure. ``rank`` orders the chosen places
    by total (1 = most), ``rank_per_100k`` by rate; places
    without a figure get no rank. ``share_pct`` is of ``national`` (federal subjects only) and
    is null for occupied territory; ``share_a_pct``/``share_b_pct`` the same of ``nationals``,
    Russia's totals in periods A and B. ``first``/``last`` are the first and last days with a
    detention report, whether or not it carried a figure.
    """
    period = period_rows(c, start, end)
    spans = [period_rows(c, *span) for span in periods] if periods else []
    rows = []
    for place_id in place_ids:
        mine = place_rows(c, period, place_id)
        first, last = _dated(c, mine)
        counted: dict[str, Any] = {
            "total": total(c, mine, measure),
            "first": first,
            "last": last,
            "days_reported": len(np.unique(c.day[mine])),
        }
        if spans:
            in_a, in_b = (place_rows(c, span, place_id) for span in spans)
            counted |= {"period_a": total(c, in_a, measure), "period_b": total(c, in_b, measure)}
            counted |= {"reports_a": len(in_a), "reports_b": len(in_b)}
        rows.append(summary_row(catalog.loc[place_id], place_id, national, counted, nationals))
    return rank_table(rows)
