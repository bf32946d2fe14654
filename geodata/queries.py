"""What the dashboard shows, as pure functions: URL state -> ``Filters`` -> selected rows -> tables.

The store is read once (``app.create_app``) and flattened by ``prepare_incidents`` (in
``geodata.prepared``, importable from here); everything here then works on that in-memory
frame, so a callback never touches Parquet. The callbacks use the same tables computed by
``geodata.aggregates`` (the fast path); the pandas versions here are its reference and serve
exports and downloads. ``Filters`` is the whole view state: it round-trips through the
query string, which is what makes every view a link. Counts keep "unknown" apart from zero:
a region without reports has no figure, not 0.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd

from geodata.prepared import TAG_BITS
from geodata.prepared import data_as_of as data_as_of
from geodata.prepared import prepare_incidents as prepare_incidents
from geodata.prepared import report_days as report_days
from geodata.prepared import source_reporters as source_reporters
from geodata.schema import KINDS, TAGS

METRICS = {
    "detained": "detentions",
    "rallies": "rallies",
    "per100k": "detentions per 100,000 people",
}
CLASSINGS = {
    "quantile": "quantile classes",
    "jenks": "natural breaks (Jenks)",
    "log": "continuous, log scale",
}
OCCUPIED = "occupied_ukraine"
_REGION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_TOKEN = re.compile(r"^[\w .:'()-]{1,80}$")
_SHOWN_CHARS = 40


@dataclass(frozen=True)
class Filters:
    """The state of one view; every field is a query parameter (defaults are left out)."""

    start: dt.date | None = None
    end: dt.date | None = None
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    campaign: str | None = None
    metric: str = "detained"
    classing: str = "quantile"
    occupied: bool = False
    region: str | None = None
    city: str | None = None
    incident: str | None = None

    @classmethod
    def from_query(cls, search: str) -> Filters:
        """Parse a query string; anything malformed falls back to its default."""
        return parse_query(search)[0]

    def to_query(self) -> str:
        """The canonical query string (``?...``, or ``""`` for the default view)."""
        pairs: list[tuple[str, str]] = []
        for name, (attr, _parse, show) in _PARAMS.items():
            value = getattr(self, attr)
            if value != _DEFAULTS[attr]:
                pairs.append((name, show(value)))
        return "?" + urlencode(pairs) if pairs else ""

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """A sentence saying what is counted, where and when, for captions and citations."""
        names = names or {}
        where = "Russia " + (
            "and occupied Ukrainian territory"
            if self.occupied
            else "(occupied Ukrainian territory not counted)"
        )
        if self.region:
            where = names.get(self.region, self.region)
        if self.city:
            where = f"{names.get(self.city, self.city)}, {where}"
        parts = [f"{METRICS[self.metric].capitalize()} in {where}", describe_period(self)]
        if self.kinds:
            parts.append("incidents of kind " + " and ".join(self.kinds))
        if self.tags:
            parts.append("tagged " + " and ".join(f"'{TAGS[t]}'" for t in self.tags))
        if self.campaign:
            parts.append(f"campaign {self.campaign}")
        return ", ".join(parts)

    def national(self) -> Filters:
        """The same filters for the whole country (the breadcrumb's first step)."""
        return replace(self, region=None, city=None, incident=None)

    def in_region(self, code: str) -> Filters:
        """The same filters, drilled down to one region."""
        return replace(self, region=code, city=None, incident=None)

    def in_city(self, key: str) -> Filters:
        """The same filters, drilled down to one city of the current region."""
        return replace(self, city=key, incident=None)


def describe_period(f: Filters) -> str:
    """The period of ``f`` in words ("2022-09-21 to 2022-09-24", "all dates")."""
    if f.start and f.end:
        return f"{f.start:%Y-%m-%d} to {f.end:%Y-%m-%d}"
    if f.start:
        return f"from {f.start:%Y-%m-%d}"
    if f.end:
        return f"until {f.end:%Y-%m-%d}"
    return "all dates"


def _one(raw: list[str]) -> str:
    return raw[-1].strip()


def _date(raw: list[str]) -> dt.date:
    try:
        return dt.date.fromisoformat(_one(raw))
    except ValueError:
        raise ValueError("expected a date as YYYY-MM-DD") from None


def _choices(allowed: Sequence[str]) -> Callable[[list[str]], tuple[str, ...]]:
    def parse(raw: list[str]) -> tuple[str, ...]:
        values = {v.strip() for item in raw for v in item.split(",") if v.strip()}
        unknown = sorted(values - set(allowed))
        if unknown:
            raise ValueError(f"expected any of {', '.join(allowed)}")
        chosen = tuple(v for v in allowed if v in values)
        return () if len(chosen) == len(allowed) else chosen

    return parse


def _choice(allowed: Mapping[str, str]) -> Callable[[list[str]], str]:
    def parse(raw: list[str]) -> str:
        value = _one(raw)
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value

    return parse


def _flag(raw: list[str]) -> bool:
    value = _one(raw)
    if value not in ("include", "exclude"):
        raise ValueError("expected include or exclude")
    return value == "include"


def _region(raw: list[str]) -> str:
    value = _one(raw).upper()
    if not _REGION_CODE.match(value):
        raise ValueError("expected an ISO 3166-2 code such as RU-MOW")
    return value


def _token(raw: list[str]) -> str:
    value = _one(raw)
    if not _TOKEN.match(value):
        raise ValueError("not a valid identifier")
    return value


def _iso(value: dt.date) -> str:
    return value.isoformat()


def _joined(values: tuple[str, ...]) -> str:
    return ",".join(values)


#: query parameter -> (Filters field, parser, printer)
_PARAMS: dict[str, tuple[str, Callable[[list[str]], object], Callable[..., str]]] = {
    "from": ("start", _date, _iso),
    "to": ("end", _date, _iso),
    "kind": ("kinds", _choices(KINDS), _joined),
    "tag": ("tags", _choices(tuple(TAGS)), _joined),
    "campaign": ("campaign", _token, str),
    "metric": ("metric", _choice(METRICS), str),
    "classes": ("classing", _choice(CLASSINGS), str),
    "occupied": ("occupied", _flag, lambda v: "include"),
    "region": ("region", _region, str),
    "city": ("city", _token, str),
    "incident": ("incident", _token, str),
}
_DEFAULTS = {f.name: f.default for f in fields(Filters)}


def parse_query(search: str) -> tuple[Filters, tuple[str, ...]]:
    """Parse a query string into ``Filters`` plus one notice per parameter that was ignored.

    Never raises: unknown names and malformed values are dropped (the default applies) and
    reported, so a mangled link still opens a working page that says what it ignored.
    """
    values: dict[str, object] = {}
    notices: list[str] = []
    for name, raw in parse_qs(search.lstrip("?"), keep_blank_values=True).items():
        shown = _shorten(f"{name}={','.join(raw)}")
        if name not in _PARAMS:
            notices.append(f"'{shown}' is not a known parameter and was ignored.")
            continue
        attr, parse, _show = _PARAMS[name]
        try:
            values[attr] = parse(raw)
        except ValueError as exc:
            notices.append(f"'{shown}' was ignored: {exc}.")
    filters = Filters(**values)  # type: ignore[arg-type]
    if filters.start and filters.end and filters.start > filters.end:
        notices.append("The period ends before it starts; showing all dates.")
        filters = replace(filters, start=None, end=None)
    return filters, tuple(notices)


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


@dataclass(frozen=True)
class Catalogue:
    """What exists in the data, to check a URL's region, city, incident and campaign against."""

    regions: Mapping[str, str]
    cities: Mapping[str, str]
    incidents: IncidentPlaces
    campaigns: frozenset[str]


def build_catalogue(incidents: pd.DataFrame, regions: pd.DataFrame) -> Catalogue:
    """Index the prepared incidents and the regions table (once, at start-up).

    Incidents are looked up through a pandas index rather than a dict of a million tuples.
    """
    cities = incidents.drop_duplicates("city_key", keep="last")
    return Catalogue(
        regions=dict(zip(regions["region_code"], regions["name_en"], strict=True)),
        cities=dict(zip(cities["city_key"], cities["region_code"], strict=True)),
        incidents=IncidentPlaces(incidents),
        campaigns=frozenset(incidents["campaign"].dropna().unique()),
    )


class IncidentPlaces(Mapping[str, tuple[str, str]]):
    """incident id -> (region code, city key), read from the prepared frame's columns."""

    def __init__(self, incidents: pd.DataFrame) -> None:
        incidents = incidents.drop_duplicates("incident_id", keep="last")
        self._ids = pd.Index(incidents["incident_id"])
        self._rows = incidents.index.to_numpy()
        self._regions = incidents["region_code"]
        self._cities = incidents["city_key"]

    def __getitem__(self, key: str) -> tuple[str, str]:
        at = self._ids.get_indexer([key])[0]
        if at < 0:
            raise KeyError(key)
        return str(self._regions.iloc[at]), str(self._cities.iloc[at])

    def position(self, key: str) -> int | None:
        """Row of incident ``key`` in the prepared frame, or None."""
        at = int(self._ids.get_indexer([key])[0])
        return None if at < 0 else int(self._rows[at])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def check_known(filters: Filters, known: Catalogue) -> tuple[Filters, tuple[str, ...]]:
    """Drop references to things the data lacks; an incident or city implies its region."""
    notices: list[str] = []
    f = filters
    if f.campaign and f.campaign not in known.campaigns:
        notices.append(f"There is no campaign '{_shorten(f.campaign)}' in the data; ignored.")
        f = replace(f, campaign=None)
    incident, city = f.incident, f.city
    if incident:
        if incident in known.incidents:
            region, city = known.incidents[incident]
            f = replace(f, region=region, city=city)
        else:
            notices.append(f"There is no incident '{_shorten(incident)}'; ignored.")
            f = replace(f, incident=None)
    if city:
        if city in known.cities:
            f = replace(f, region=known.cities[city])
        else:
            notices.append(f"There is no city '{_shorten(city)}' in the data; ignored.")
            f = replace(f, city=None)
    if f.region and f.region not in known.regions:
        notices.append(f"There is no region '{f.region}'; showing Russia.")
        f = f.national()
    return f, tuple(notices)


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
    return selected[selected["status"] != OCCUPIED]


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
    return region_frame(_counts(selected, "region_code"), regions, metric)


def region_frame(counts: pd.DataFrame, regions: pd.DataFrame, metric: str) -> pd.DataFrame:
    """``region_table`` from counts per region code (shared with ``geodata.aggregates``)."""
    base = regions[["region_code", "name_en", "name_ru", "status", "population"]]
    table = base.merge(counts, how="left", left_on="region_code", right_index=True)
    table["incidents"] = table["incidents"].fillna(0).astype("int64")
    table["unknown"] = table["unknown"].fillna(0).astype("int64")
    table["rallies"] = table["rallies"].fillna(0).astype("int64")
    population = table["population"].astype("Float64")
    table["per100k"] = table["detained"].astype("Float64") / population * 100_000
    value = table[{"detained": "detained", "rallies": "rallies", "per100k": "per100k"}[metric]]
    state = np.where(value.notna(), "value", "no_figure")
    if metric == "per100k":
        state = np.where(population.isna(), "no_population", state)
    table["state"] = np.where(table["incidents"] == 0, "no_reports", state)
    table["value"] = (
        value.astype("Float64")
        .where(table["state"] == "value")
        .to_numpy(dtype=float, na_value=np.nan)
    )
    return table.reset_index(drop=True)


def city_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per city (or region-level place): position, counts; most detentions first."""
    if rows.empty:
        columns = [
            "city_key",
            "city_label",
            "city_ru",
            "region_code",
            "lon",
            "lat",
            "incidents",
            "detained",
            "unknown",
            "rallies",
        ]
        return pd.DataFrame(columns=columns)
    first = rows.groupby("city_key", sort=False)[list(CITY_FIRST)].first()
    return city_frame(first, _counts(rows, "city_key"))


#: Columns of ``city_table`` taken from a city's first row in view (first non-null).
CITY_FIRST = ("city_label", "city_ru", "region_code", "lon", "lat")


def city_frame(first: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """``city_table`` from first values and counts per city key (shared with aggregates)."""
    table = first.join(counts).reset_index()
    order = table["detained"].fillna(-1).to_numpy(dtype="int64")
    return table.iloc[np.lexsort((table["city_label"].to_numpy(), -order))].reset_index(drop=True)


def daily_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Detentions, rallies and incidents per day, for days with at least one report."""
    if rows.empty:
        return pd.DataFrame(columns=["date", "incidents", "detained", "unknown", "rallies"])
    return _counts(rows, "date").sort_index().reset_index()


@dataclass(frozen=True)
class Summary:
    """Totals of the rows in view; ``unknown`` counts detention incidents without a figure."""

    detained: int
    unknown: int
    rallies: int
    incidents: int
    cities: int
    regions: int


def summarise(rows: pd.DataFrame) -> Summary:
    """Totals for the summary strip."""
    counts = detained(rows)
    is_detention = rows["kind"] == "detention"
    return Summary(
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


def period_from_range(left: str, right: str) -> tuple[dt.date, dt.date]:
    """The days whose bars (centred on midnight) lie in a dragged time axis range.

    A drag inside one bar, containing no midnight, picks the day nearest its middle.
    """
    lo, hi = sorted((pd.Timestamp(left), pd.Timestamp(right)))
    start, end = lo.ceil("D").date(), hi.floor("D").date()
    if start > end:
        middle = (lo + (hi - lo) / 2).round("D").date()
        return middle, middle
    return start, end
