"""The one counting engine: every table of a view, from integer-coded columns.

The map, the panels, the timeline, Compare, exports, downloads and embed captions all count
here. The prepared incidents are coded once per data version into numpy arrays (day number,
kind, tag bits, campaign, region and city codes, the detention figure); a view's rows are
then a boolean mask turned into row positions, and every table is a ``np.bincount`` over
those positions. Positions index ``Dataset.incidents`` (same row order), so the rows a view
shows or downloads in full are taken from the frame itself.

The rule "detained counts only for detentions" is written once, in ``build_columns``: a
rally adds to the rallies, never to the detained. Pandas group-bys over the prepared frame
ask the same questions in ``tests/queries.py``, the oracle ``tests/test_fastpath.py`` checks
this engine against (copying and hashing a million rows there takes hundreds of ms).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.prepared import TAG_BITS
from core.view import OCCUPIED, Filters
from geodata.schema import KINDS

_DETENTION, _RALLY = KINDS.index("detention"), KINDS.index("rally")
#: ``Columns.tally`` codes: a detention with a figure, one without, a rally, anything else.
TALLIES = ("figure", "no_figure", "rally", "other")
FIGURE, UNKNOWN_FIGURE, RALLY, _OTHER = range(len(TALLIES))
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True, eq=False)
class Columns:
    """Prepared incidents as integer codes and numbers, one array element per row."""

    day: np.ndarray
    kind: np.ndarray
    tag_bits: np.ndarray
    campaign: np.ndarray
    campaigns: dict[str, int]
    region: np.ndarray
    region_codes: np.ndarray
    city: np.ndarray
    city_keys: np.ndarray
    #: Per city code: a named place (not the region-level bucket ``r:<region>``).
    named_city: np.ndarray
    occupied: np.ndarray
    #: Detention figure of detention incidents (0 when unknown, and for rallies).
    figure: np.ndarray
    #: What the row adds to the counts (``TALLIES``): a figure, an unknown figure, a rally.
    tally: np.ndarray
    has_city_ru: np.ndarray
    #: All row positions in the incident table's order: newest first, then most detained.
    newest_first: np.ndarray

    def __len__(self) -> int:
        return len(self.day)


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, labels = pd.factorize(values, use_na_sentinel=True)
    return codes.astype("int32"), np.asarray(labels, dtype=object)


def build_columns(incidents: pd.DataFrame) -> Columns:
    """Code the prepared incidents (``core.prepared.prepare_incidents``) once per version."""
    day = incidents["date"].to_numpy().astype("datetime64[D]").astype("int64")
    kind = pd.Categorical(incidents["kind"], categories=list(KINDS)).codes.astype("int8")
    campaign, campaigns = _codes(incidents["campaign"])
    region, region_codes = _codes(incidents["region_code"])
    city, city_keys = _codes(incidents["city_key"])
    detained = incidents["detained"].to_numpy(dtype="float64", na_value=np.nan)
    order = np.lexsort((-np.nan_to_num(detained, nan=-1.0), -day))
    has_figure = (kind == _DETENTION) & ~np.isnan(detained)
    tally = np.select(
        [has_figure, kind == _DETENTION, kind == _RALLY],
        [FIGURE, UNKNOWN_FIGURE, RALLY],
        default=_OTHER,
    ).astype("int8")
    return Columns(
        day=day,
        kind=kind,
        tag_bits=incidents["tag_bits"].to_numpy(dtype="int64"),
        campaign=campaign,
        campaigns={str(c): i for i, c in enumerate(campaigns)},
        region=region,
        region_codes=region_codes,
        city=city,
        city_keys=city_keys,
        named_city=~pd.Series(city_keys, dtype=object).str.startswith("r:").to_numpy(bool),
        occupied=(incidents["status"] == OCCUPIED).to_numpy(bool),
        figure=np.where(has_figure, detained, 0.0),
        tally=tally,
        has_city_ru=incidents["city_ru"].notna().to_numpy(bool),
        newest_first=order,
    )


def _day(value: dt.date) -> int:
    return (value - _EPOCH).days


def to_date(day: int) -> dt.date:
    """The date of a ``Columns.day`` number."""
    return _EPOCH + dt.timedelta(days=day)


def select_rows(c: Columns, f: Filters) -> np.ndarray:
    """Positions of the rows matching the period, kinds, tags (all of them) and campaign."""
    mask = np.ones(len(c), dtype=bool)
    if f.start:
        mask &= c.day >= _day(f.start)
    if f.end:
        mask &= c.day <= _day(f.end)
    if f.kinds:
        mask &= np.isin(c.kind, [KINDS.index(k) for k in f.kinds])
    if f.tags:
        wanted = sum(TAG_BITS[t] for t in f.tags)
        mask &= (c.tag_bits & wanted) == wanted
    if f.campaign:
        mask &= c.campaign == c.campaigns.get(f.campaign, -2)
    return np.flatnonzero(mask)


#: The columns of the regions table that a region table starts from.
REGION_COLUMNS = ("region_code", "name_en", "name_ru", "status", "population")


def region_frame(counts: pd.DataFrame, regions: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per region from counts per region code: rates, the metric's ``value``, a ``state``.

    ``state`` is ``value`` when the metric has a figure, else ``no_reports`` (nothing reported
    in the selection), ``no_figure`` (reports, but no detention count) or ``no_population``
    (per-100k for a region without a census figure). ``value`` is NaN unless state is value.
    Built on arrays in the regions' order: a pandas merge of ~90 rows cost 10 ms, twice per
    view change.
    """
    at = pd.Index(regions["region_code"]).get_indexer(counts.index)
    counts = counts.iloc[np.flatnonzero(at >= 0)]
    at = at[at >= 0]

    def spread(column: str, fill: float) -> np.ndarray:
        values = np.full(len(regions), fill)
        values[at] = counts[column].to_numpy(dtype=float, na_value=np.nan)
        return values

    detained = spread("detained", np.nan)
    incidents = spread("incidents", 0).astype("int64")
    rallies = spread("rallies", 0).astype("int64")
    population = regions["population"].to_numpy(dtype=float, na_value=np.nan)
    per100k = detained / population * 100_000
    value = {"detained": detained, "rallies": rallies.astype(float), "per100k": per100k}[metric]
    state = np.where(np.isnan(value), "no_figure", "value")
    if metric == "per100k":
        state = np.where(np.isnan(population), "no_population", state)
    state = np.where(incidents == 0, "no_reports", state)
    return pd.DataFrame(  # one construction: each added column cost pandas 0.3 ms
        {
            **{column: regions[column].array for column in REGION_COLUMNS},
            "incidents": incidents,
            "detained": pd.arrays.IntegerArray(
                np.nan_to_num(detained).astype("int64"), np.isnan(detained)
            ),
            "unknown": spread("unknown", 0).astype("int64"),
            "rallies": rallies,
            "per100k": pd.array(per100k, dtype="Float64"),
            "state": state,
            "value": np.where(state == "value", value, np.nan),
        }
    )


#: Columns of ``city_table`` taken from a city's first row in view (first non-null).
CITY_FIRST = ("city_label", "city_ru", "region_code", "lon", "lat")


@dataclass(frozen=True)
class Summary:
    """Totals of the rows in view; ``unknown`` counts detention incidents without a figure."""

    detained: int
    unknown: int
    rallies: int
    incidents: int
    cities: int
    regions: int


#: Columns of a city table, and the empty ones (a national view's map has no city bubbles).
CITY_COLUMNS = ("city_key", *CITY_FIRST, "incidents", "detained", "unknown", "rallies")
NO_CITIES = pd.DataFrame(columns=list(CITY_COLUMNS))
NO_DAYS = pd.DataFrame(columns=["date", "incidents", "detained", "unknown", "rallies"])


def code_of(labels: np.ndarray, value: str) -> int:
    """The code of ``value`` among ``labels`` (-2, matching no row, when absent)."""
    hits = np.flatnonzero(labels == value)
    return int(hits[0]) if len(hits) else -2


def scope_rows(c: Columns, rows: np.ndarray, f: Filters) -> np.ndarray:
    """The positions the view is about: one city, one region, or Russia's totals.

    Russia's totals leave out occupied Ukrainian territory unless ``f.occupied`` asks for it;
    a region view of an occupied region shows that region's own rows.
    """
    if f.region:
        keep = c.region[rows] == code_of(c.region_codes, f.region)
        if f.city:
            keep &= c.city[rows] == code_of(c.city_keys, f.city)
        return rows[keep]
    if f.occupied:
        return rows
    return rows[~c.occupied[rows]]


def _counts(c: Columns, rows: np.ndarray, keys: np.ndarray, size: int) -> dict[str, np.ndarray]:
    """Per key code: incidents, detained (NaN: no figure), unknown figures, rallies.

    Two passes over the rows: a count of (key, tally) pairs and a sum of figures per key.
    """
    width = len(TALLIES)
    pairs = keys.astype(np.intp, copy=False) * width + c.tally[rows]
    per = np.bincount(pairs, minlength=size * width).reshape(size, width)
    detained = np.bincount(keys, weights=c.figure[rows], minlength=size)
    return {
        "incidents": per.sum(axis=1),
        "detained": np.where(per[:, FIGURE] > 0, detained, np.nan),
        "unknown": per[:, UNKNOWN_FIGURE],
        "rallies": per[:, RALLY],
    }


def _frame(counts: dict[str, np.ndarray], at: np.ndarray, index: pd.Index) -> pd.DataFrame:
    detained = counts["detained"][at]
    return pd.DataFrame(
        {
            "incidents": counts["incidents"][at].astype("int64"),
            "detained": pd.arrays.IntegerArray(
                np.nan_to_num(detained).astype("int64"), np.isnan(detained)
            ),
            "unknown": counts["unknown"][at].astype("int64"),
            "rallies": counts["rallies"][at].astype("int64"),
        },
        index=index,
    )


def region_counts(c: Columns, rows: np.ndarray) -> pd.DataFrame:
    """Counts per region code of the incidents at ``rows`` (the metric plays no part)."""
    counts = _counts(c, rows, c.region[rows], len(c.region_codes))
    at = np.flatnonzero(counts["incidents"])
    return _frame(counts, at, pd.Index(c.region_codes[at], name="region_code"))


def region_table(c: Columns, rows: np.ndarray, regions: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per region (``region_frame``) of the incidents at ``rows``."""
    return region_frame(region_counts(c, rows), regions, metric)


def _first(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys (codes below ``size``) in order of first appearance, and where each is.

    One pass over the keys (``np.minimum.at``) rather than sorting them all (``np.unique``):
    at 1M rows a year's view sorted 150k keys twice, the most of a period change's map.
    """
    first = np.full(size, len(keys), dtype=np.intp)
    np.minimum.at(first, keys, np.arange(len(keys)))
    codes = np.flatnonzero(first < len(keys))
    order = np.argsort(first[codes], kind="stable")
    return codes[order], first[codes][order]


def city_table(c: Columns, rows: np.ndarray, incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per city of the incidents at ``rows`` (``incidents``: the prepared frame).

    Most detentions first (no figure last), then by name. A city's ``CITY_FIRST`` values come
    from its first row in view, its Russian name from the first row that has one. Columns
    are taken for the cities' rows only, in their final order, and the frame is built once:
    at 1M a year's view has ~20k cities, and joins and reorderings of them cost 10 ms.
    """
    if not len(rows):
        return NO_CITIES
    size = len(c.city_keys)
    keys = c.city[rows]
    codes, first = _first(keys, size)
    counts = _counts(c, rows, keys, size)
    detained = counts["detained"][codes]
    ranked = np.nan_to_num(detained, nan=-1).astype("int64")
    labels = incidents["city_label"].array.take(rows[first]).to_numpy()
    order = np.lexsort((labels, -ranked))
    codes, picked = codes[order], rows[first[order]]
    named = c.has_city_ru[rows]
    ru_codes, ru_first = _first(keys[named], size)
    ru_row = np.full(size, -1)
    ru_row[ru_codes] = rows[named][ru_first]
    taken = {col: incidents[col].array.take(picked) for col in CITY_FIRST if col != "city_ru"}
    taken["city_ru"] = incidents["city_ru"].array.take(ru_row[codes], allow_fill=True)
    detained = detained[order]
    return pd.DataFrame(
        {
            "city_key": c.city_keys[codes],
            **{col: taken[col] for col in CITY_FIRST},
            "incidents": counts["incidents"][codes].astype("int64"),
            "detained": pd.arrays.IntegerArray(
                np.nan_to_num(detained).astype("int64"), np.isnan(detained)
            ),
            "unknown": counts["unknown"][codes].astype("int64"),
            "rallies": counts["rallies"][codes].astype("int64"),
        }
    )


def daily_table(c: Columns, rows: np.ndarray) -> pd.DataFrame:
    """Detentions, rallies and incidents per day of ``rows``, for days with a report."""
    if not len(rows):
        return NO_DAYS
    days = c.day[rows]
    low = int(days.min())
    counts = _counts(c, rows, days - low, int(days.max()) - low + 1)
    at = np.flatnonzero(counts["incidents"])
    dates = (at + low).astype("datetime64[D]").astype("datetime64[s]")
    return _frame(counts, at, pd.Index(dates, name="date")).reset_index()


def summarise(c: Columns, rows: np.ndarray) -> Summary:
    """Totals of the incidents at ``rows``, for the summary strip and captions."""
    tally = np.bincount(c.tally[rows], minlength=len(TALLIES))
    cities = np.bincount(c.city[rows], minlength=len(c.city_keys)) > 0
    return Summary(
        detained=int(c.figure[rows].sum()),
        unknown=int(tally[UNKNOWN_FIGURE]),
        rallies=int(tally[RALLY]),
        incidents=len(rows),
        cities=int((cities & c.named_city).sum()),
        regions=int((np.bincount(c.region[rows], minlength=len(c.region_codes)) > 0).sum()),
    )


def newest_first(c: Columns, rows: np.ndarray) -> np.ndarray:
    """``rows`` in the incident table's order (newest first, then most detained)."""
    keep = np.zeros(len(c), dtype=bool)
    keep[rows] = True
    return c.newest_first[keep[c.newest_first]]


def contains(rows: np.ndarray, position: int) -> bool:
    """Whether the sorted positions ``rows`` include ``position``."""
    at = int(np.searchsorted(rows, position))
    return at < len(rows) and rows[at] == position
