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

from geodata.schema import INPUT_FIELDS, KINDS, PRECISIONS, TAGS
from geodata.sources import split_source_cell

#: No record of a Russian protest predates this; an earlier date is a typo or a wrong format.
EARLIEST_DATE = dt.date(1900, 1, 1)
#: Far above any reported protest; larger figures are typos (and would overflow int64).
MAX_COUNT = 10_000_000
#: Characters a text field may hold: a 50 MB description once made a 52 MB download.
TEXT_LIMITS = {"description": 10_000, "source_url": 2_000}
OTHER_TEXT_LIMIT = 500
#: Longest value echoed in a reject's detail, so a huge cell is not copied into every detail.
SHOWN_CHARS = 80
_CAMPAIGN = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
CAMPAIGN_MAX = 64

#: Every reason a row can be rejected for, with what the user should do about it.
REASONS = {
    "missing_date": "the date is empty",
    "bad_date": (
        "the date cannot be read (ISO YYYY-MM-DD, DD.MM.YYYY, or pass --date-format), "
        f"or lies before {EARLIEST_DATE.year} or after today"
    ),
    "bad_kind": "kind must be 'detention' or 'rally' (or pass --kind / --set kind=...)",
    "bad_time": "time must be HH:MM",
    "negative_count": "a count is negative",
    "non_integer_count": "a count is not a whole number",
    "count_too_large": f"a count above {MAX_COUNT:,} (no protest came near it: a typo)",
    "bad_precision": f"precision must be one of {', '.join(PRECISIONS)}",
    "bad_tag": f"tags must come from: {', '.join(TAGS)}",
    "bad_campaign": "a campaign is a short slug: lower-case letters, digits and - _ . (max 64)",
    "too_long": "a text field is longer than its limit (description 10,000 characters)",
    "missing_source": "every row needs a source_url",
    "bad_source_url": "source_url holds no URL (http(s)://..., or a host such as ovdinfo.org/...)",
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
#: Fields kept as the text they hold (after the length check).
TEXT_FIELDS = (
    "city",
    "region",
    "place",
    "description",
    "campaign",
    "reporter",
    "as_of",
    "source_note",
    "event_id",
)
_WHOLE = re.compile(r"^\d+$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_PLAIN_URL = re.compile(r"https?://[^\s,;()<>\"']+[^\s,;()<>\"'.:!?]", re.IGNORECASE)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


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


def check_rows(rows: pd.DataFrame, *, today: dt.date, date_format: str | None = None) -> Checked:
    """Parse and check every mapped field that needs no gazetteer or boundaries."""
    checked = Checked(values=rows[["row"]].copy())
    _check_kind(rows, checked)
    _check_date(rows, checked, today, date_format)
    _check_time(rows, checked)
    for name in COUNT_FIELDS:
        _check_count(rows, checked, name)
    _check_precision(rows, checked)
    _check_tags(rows, checked)
    _check_source(rows, checked)
    _check_coordinates(rows, checked)
    values = checked.values
    for name in TEXT_FIELDS:
        values[name] = _text(rows[name])
    words = values.pop("_source_words")
    values["source_note"] = values["source_note"].where(
        words.isna(), (values["source_note"].fillna("") + "; " + words).str.lstrip("; ")
    )
    _check_lengths(rows, checked)
    _check_campaign(rows, checked)
    no_place = values["city"].isna() & values["lat"].isna() & values["region"].isna()
    checked.flag(
        no_place & rows["_geometry_type"].isna() if "_geometry_type" in rows else no_place,
        "missing_place",
        "city, lat/lon and region are all empty",
    )
    return checked


def _check_lengths(rows: pd.DataFrame, checked: Checked) -> None:
    """Refuse any text cell longer than its field's limit, naming the field and the length."""
    for name in INPUT_FIELDS:
        limit = TEXT_LIMITS.get(name, OTHER_TEXT_LIMIT)
        length = rows[name].astype("object").str.len()
        long = length.gt(limit).fillna(False).astype(bool)
        if not long.any():
            continue
        checked.flag(
            long,
            "too_long",
            f"{name} is " + length[long].map("{:,.0f}".format) + f" characters (limit {limit:,})",
        )


def _check_campaign(rows: pd.DataFrame, checked: Checked) -> None:
    text = rows["campaign"].astype("object")
    codes, distinct = _distinct(text)
    ok = distinct.str.len().le(CAMPAIGN_MAX) & distinct.str.match(_CAMPAIGN).astype(bool)
    bad = pd.Series(_spread(codes, ~ok, False).astype(bool), index=rows.index)
    checked.flag(
        bad,
        "bad_campaign",
        "campaign = " + shown(text[bad]) + " (use e.g. mobilization-2022)",
    )


def _check_kind(rows: pd.DataFrame, checked: Checked) -> None:
    given = rows["kind"].astype("object")
    normal = given.str.strip().str.lower()
    checked.values["kind"] = normal.where(normal.isin(KINDS), None)
    bad = ~normal.isin(KINDS)
    checked.flag(bad, "bad_kind", "kind = " + shown(given[bad].fillna("(empty)")))


def _check_date(rows: pd.DataFrame, checked: Checked, today: dt.date, fmt: str | None) -> None:
    text = rows["date"].astype("object")
    codes, distinct = _distinct(text)
    parsed = parse_dates(distinct, fmt)
    early, late = parsed.lt(pd.Timestamp(EARLIEST_DATE)), parsed.gt(pd.Timestamp(today))
    why = pd.Series(
        np.select(
            [parsed.isna(), early, late],
            [
                f" (expected {fmt})" if fmt else "",
                f" is before {EARLIEST_DATE.isoformat()}",
                f" is after today ({today.isoformat()})",
            ],
            default="",
        ),
        dtype="object",
    )
    bad = parsed.isna() | early | late
    day = parsed.dt.date.where(~bad, None)
    checked.values["date"] = pd.Series(_spread(codes, day, None), index=rows.index)
    unread = pd.Series(_spread(codes, bad, False).astype(bool), index=rows.index)
    reason = pd.Series(_spread(codes, why, ""), index=rows.index)
    checked.flag(text.isna(), "missing_date", "date is empty")
    checked.flag(unread, "bad_date", "date = " + shown(text[unread]) + reason[unread])


def parse_dates(text: pd.Series, fmt: str | None) -> pd.Series:
    """Dates from text: ``fmt`` when given, else ISO, DD.MM.YYYY or '21 September 2022'."""
    if fmt:
        return pd.to_datetime(text, format=fmt, errors="coerce")
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    for other in ("%d.%m.%Y", "%d %B %Y"):
        parsed = parsed.fillna(pd.to_datetime(text, format=other, errors="coerce"))
    return parsed


def shown(values: pd.Series) -> pd.Series:
    """Cell values as text for a reject's detail, cut to SHOWN_CHARS characters."""
    text = values.astype(str)
    long = text.str.len() > SHOWN_CHARS
    return text.where(~long, text.str.slice(0, SHOWN_CHARS) + "…")


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
    checked.flag(bad, "bad_time", "time = " + shown(rows.loc[bad, "time"]))


def _check_count(rows: pd.DataFrame, checked: Checked, name: str) -> None:
    codes, raw = _distinct(rows[name])
    text = raw.str.replace(_SPACES, "", regex=True)
    whole = text.str.match(_WHOLE).fillna(False).astype(bool)
    negative = text.str.match(r"^-\d+([.,]0*)?$").fillna(False).astype(bool)
    # Compared as text first: a 20-digit figure must not reach an int64 conversion.
    big = whole & text.map(_above_max).astype(bool)
    numbers = [int(v) if ok else None for v, ok in zip(text, whole & ~big, strict=True)]
    checked.values[name] = pd.array(_spread(codes, numbers, None), dtype="Int64")

    def rows_where(mask: pd.Series) -> pd.Series:
        return pd.Series(_spread(codes, mask, False).astype(bool), index=rows.index)

    negative_rows, big_rows = rows_where(negative), rows_where(big)
    other = rows_where(~whole & ~negative)
    checked.flag(
        negative_rows, "negative_count", f"{name} = " + shown(rows.loc[negative_rows, name])
    )
    checked.flag(
        big_rows,
        "count_too_large",
        f"{name} = " + shown(rows.loc[big_rows, name]) + f" is above {MAX_COUNT:,}",
    )
    checked.flag(
        other,
        "non_integer_count",
        f"{name} = " + shown(rows.loc[other, name]) + " is not a whole number",
    )


def _above_max(text: object) -> bool:
    """Whether a string of digits stands for more than MAX_COUNT (decided on length first)."""
    if not isinstance(text, str) or not text.isdigit():
        return False
    return len(text) > len(str(MAX_COUNT)) or int(text) > MAX_COUNT


def _check_precision(rows: pd.DataFrame, checked: Checked) -> None:
    text = rows["precision"].astype("object").str.strip().str.lower()
    checked.values["precision"] = text.where(text.isin(PRECISIONS), None)
    checked.flag(
        text.notna() & ~text.isin(PRECISIONS),
        "bad_precision",
        "precision = " + shown(rows["precision"]),
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
    checked.flag(detail.ne(""), "bad_tag", "unknown tag(s): " + shown(detail))


def _check_source(rows: pd.DataFrame, checked: Checked) -> None:
    """The URL of the source cell, or a tuple of its URLs; the words around them go to the note.

    Most cells are one plain URL and stay the string they are; only the others are parsed
    (a tuple per row of a million rows cost ~100 MB at the ingest's peak).
    """
    cell = rows["source_url"].astype("object")
    codes, distinct = _distinct(cell)
    plain = distinct.str.fullmatch(_PLAIN_URL).fillna(False).astype(bool)
    parsed = [
        (text, None) if simple else split_source_cell(text)
        for text, simple in zip(distinct, plain, strict=True)
    ]
    urls = [u if isinstance(u, str) else (u[0] if len(u) == 1 else u or None) for u, _ in parsed]
    # Kept as Python objects: pandas would infer its Arrow string dtype for an all-text column,
    # and Arrow-backed columns concatenated with stored reports become chunked arrays.
    checked.values["source_url"] = pd.Series(
        _spread(codes, urls, None), index=rows.index, dtype="object"
    )
    words = pd.Series(_spread(codes, [w for _, w in parsed], None), index=rows.index)
    checked.values["_source_words"] = words
    checked.flag(cell.isna(), "missing_source", "source_url is empty")
    bad = cell.notna() & checked.values["source_url"].isna()
    checked.flag(bad, "bad_source_url", "no URL in source_url = " + shown(cell[bad]))


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
        "lat = " + shown(rows.loc[bad, "lat"]) + ", lon = " + shown(rows.loc[bad, "lon"]),
    )
    if "_geometry_type" in rows:
        geom = rows["_geometry_type"]
        checked.flag(geom.notna(), "not_a_point", "geometry is " + geom.astype(str))
