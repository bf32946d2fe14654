"""Field-by-field checks of mapped input rows (pure, vectorised).

Each check turns a column of text into typed values and records, for every row that fails, a
reason code and a sentence naming the field and the value. Reasons are collected, never raised:
one bad row must not stop the others, and nothing is dropped without a reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.schema import KINDS, PRECISIONS, TAGS

#: Every reason a row can be rejected for, with what the user should do about it.
REASONS = {
    "missing_date": "the date is empty",
    "bad_date": "the date cannot be read (ISO YYYY-MM-DD, DD.MM.YYYY, or pass --date-format)",
    "future_date": "the date lies in the future",
    "bad_kind": "kind must be 'detention' or 'rally' (or pass --kind)",
    "bad_time": "time must be HH:MM",
    "negative_count": "a count is negative",
    "non_integer_count": "a count is not a whole number",
    "bad_precision": f"precision must be one of {', '.join(PRECISIONS)}",
    "bad_tag": f"tags must come from: {', '.join(TAGS)}",
    "missing_source": "every row needs a source_url",
    "bad_source_url": "source_url must be an http(s) URL",
    "missing_place": "a row needs a city, coordinates, or a region",
    "bad_coordinates": "lat/lon cannot be read or are out of range",
    "not_a_point": "only Point geometries can be ingested",
    "outside_area": "the point lies outside Russia and the occupied Ukrainian territories",
    "unknown_place": "the place is not in the gazetteer",
    "ambiguous_place": "several places share the name; add a region",
    "unknown_region": "the region is not a known Russian region or occupied Ukrainian oblast",
    "far_from_place": "the coordinates lie farther than the tolerance from the named place",
    "other_region": "the coordinates lie in another region's outline than the named place's",
    "duplicate": "the same report is already in the file or the store",
}

COUNT_FIELDS = ("detained", "participants")
_WHOLE = re.compile(r"^\d+$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


@dataclass
class Checked:
    """Typed columns plus the (row, reason, detail) triples of every failed check."""

    values: pd.DataFrame
    problems: list[pd.DataFrame] = field(default_factory=list)

    def flag(self, mask: pd.Series, reason: str, detail: pd.Series | str) -> None:
        """Record ``reason`` for the rows where ``mask`` is true."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        text = detail[mask] if isinstance(detail, pd.Series) else detail
        self.problems.append(
            pd.DataFrame({"row": self.values.loc[mask, "row"], "reason": reason, "detail": text})
        )

    def rejected_rows(self) -> set[int]:
        """Row numbers that failed at least one check."""
        if not self.problems:
            return set()
        return set(pd.concat(self.problems)["row"].astype(int))


def _text(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna(), None)


def check_rows(
    rows: pd.DataFrame,
    *,
    today: dt.date,
    kind: str | None = None,
    date_format: str | None = None,
) -> Checked:
    """Parse and check every mapped field that needs no gazetteer or boundaries."""
    checked = Checked(values=rows[["row"]].copy())
    _check_kind(rows, checked, kind)
    _check_date(rows, checked, today, date_format)
    _check_time(rows, checked)
    for name in COUNT_FIELDS:
        _check_count(rows, checked, name)
    _check_precision(rows, checked)
    _check_tags(rows, checked)
    _check_source(rows, checked)
    _check_coordinates(rows, checked)
    values = checked.values
    for name in (
        "city",
        "region",
        "place",
        "description",
        "campaign",
        "reporter",
        "as_of",
        "source_note",
    ):
        values[name] = _text(rows[name])
    no_place = values["city"].isna() & values["lat"].isna() & values["region"].isna()
    checked.flag(
        no_place & rows["_geometry_type"].isna() if "_geometry_type" in rows else no_place,
        "missing_place",
        "city, lat/lon and region are all empty",
    )
    return checked


def _check_kind(rows: pd.DataFrame, checked: Checked, kind: str | None) -> None:
    given = rows["kind"].astype("object")
    if kind is not None:
        given = given.fillna(kind)
    normal = given.str.strip().str.lower()
    checked.values["kind"] = normal.where(normal.isin(KINDS), None)
    bad = ~normal.isin(KINDS)
    checked.flag(bad, "bad_kind", "kind = " + given[bad].fillna("(empty)").astype(str))


def _check_date(rows: pd.DataFrame, checked: Checked, today: dt.date, fmt: str | None) -> None:
    text = rows["date"].astype("object")
    codes, distinct = _distinct(text)
    if fmt:
        parsed = pd.to_datetime(distinct, format=fmt, errors="coerce")
    else:
        parsed = pd.to_datetime(distinct, format="%Y-%m-%d", errors="coerce")
        parsed = parsed.fillna(pd.to_datetime(distinct, format="%d.%m.%Y", errors="coerce"))
    day = parsed.dt.date.where(parsed.notna(), None)
    checked.values["date"] = pd.Series(_spread(codes, day, None), index=rows.index)
    unread = pd.Series(_spread(codes, parsed.isna(), False).astype(bool), index=rows.index)
    future = pd.Series(
        _spread(codes, parsed.gt(pd.Timestamp(today)), False).astype(bool), index=rows.index
    )
    checked.flag(text.isna(), "missing_date", "date is empty")
    checked.flag(
        unread,
        "bad_date",
        "date = " + text[unread].astype(str) + (f" (expected {fmt})" if fmt else ""),
    )
    checked.flag(
        future,
        "future_date",
        "date = " + text[future].astype(str) + f" is after today ({today.isoformat()})",
    )


def _distinct(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes (-1 = missing) and distinct values of a column: checks then run once per value."""
    codes, values = pd.factorize(series.astype("object"), use_na_sentinel=True)
    return codes, pd.Series(values, dtype="object")


def _spread(codes: np.ndarray, per_value: Iterable[object], missing: object) -> np.ndarray:
    """Per-row values from per-distinct-value ones; ``missing`` where the cell was empty."""
    values = list(per_value)
    table = np.empty(len(values) + 1, dtype=object)
    for i, value in enumerate(values):
        table[i] = value
    table[-1] = missing
    return table[codes]


def _check_time(rows: pd.DataFrame, checked: Checked) -> None:
    codes, text = _distinct(rows["time"])
    parts = text.str.extract(_TIME)
    ok = parts[0].notna()
    clock = (parts[0].str.zfill(2) + ":" + parts[1]).where(ok, None)
    checked.values["time"] = _spread(codes, clock, None)
    bad = pd.Series(_spread(codes, ~ok, False).astype(bool), index=rows.index)
    checked.flag(bad, "bad_time", "time = " + rows.loc[bad, "time"].astype(str))


def _check_count(rows: pd.DataFrame, checked: Checked, name: str) -> None:
    codes, raw = _distinct(rows[name])
    text = raw.str.replace(_SPACES, "", regex=True)
    whole = text.str.match(_WHOLE).fillna(False).astype(bool)
    negative = text.str.match(r"^-\d+([.,]0*)?$").fillna(False).astype(bool)
    numbers = [int(v) if ok else None for v, ok in zip(text, whole, strict=True)]
    checked.values[name] = pd.array(_spread(codes, numbers, None), dtype="Int64")
    negative_rows = pd.Series(_spread(codes, negative, False).astype(bool), index=rows.index)
    other = pd.Series(_spread(codes, ~whole & ~negative, False).astype(bool), index=rows.index)
    checked.flag(negative_rows, "negative_count", f"{name} = " + rows.loc[negative_rows, name])
    checked.flag(
        other,
        "non_integer_count",
        f"{name} = " + rows.loc[other, name].astype(str) + " is not a whole number",
    )


def _check_precision(rows: pd.DataFrame, checked: Checked) -> None:
    text = rows["precision"].astype("object").str.strip().str.lower()
    checked.values["precision"] = text.where(text.isin(PRECISIONS), None)
    checked.flag(
        text.notna() & ~text.isin(PRECISIONS),
        "bad_precision",
        "precision = " + rows["precision"].astype(str),
    )


def _split_tags(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return sorted(
        {t.strip().lower().replace(" ", "_") for t in re.split(r"[;,|]", value) if t.strip()}
    )


def _check_tags(rows: pd.DataFrame, checked: Checked) -> None:
    codes, text = _distinct(rows["tags"])
    tags = [_split_tags(v) for v in text]
    unknown = [", ".join(t for t in ts if t not in TAGS) for ts in tags]
    checked.values["tags"] = pd.Series(_spread(codes, tags, []), index=rows.index)
    detail = pd.Series(_spread(codes, unknown, ""), index=rows.index)
    checked.flag(detail.ne(""), "bad_tag", "unknown tag(s): " + detail)


def _check_source(rows: pd.DataFrame, checked: Checked) -> None:
    url = rows["source_url"].astype("object")
    checked.values["source_url"] = url
    checked.flag(url.isna(), "missing_source", "source_url is empty")
    bad = url.notna() & ~url.str.match(_URL).fillna(False).astype(bool)
    checked.flag(bad, "bad_source_url", "source_url = " + url[bad].astype(str))


def _coordinate(series: pd.Series) -> pd.Series:
    text = series.astype("object").str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def _check_coordinates(rows: pd.DataFrame, checked: Checked) -> None:
    lat, lon = _coordinate(rows["lat"]), _coordinate(rows["lon"])
    given = rows["lat"].notna() | rows["lon"].notna()
    ok = lat.between(-90, 90) & lon.between(-180, 180)
    checked.values["lat"] = lat.where(ok)
    checked.values["lon"] = lon.where(ok)
    bad = given & ~ok
    checked.flag(
        bad,
        "bad_coordinates",
        "lat = " + rows.loc[bad, "lat"].astype(str) + ", lon = " + rows.loc[bad, "lon"].astype(str),
    )
    if "_geometry_type" in rows:
        geom = rows["_geometry_type"]
        checked.flag(geom.notna(), "not_a_point", "geometry is " + geom.astype(str))
