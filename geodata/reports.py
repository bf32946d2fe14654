"""From reports to incidents (pure).

A user's file has one row per *report*: a source saying how many were detained at a rally in a
city on a day. Reports about the same event share an incident id (``geodata.merging`` decides
which rows those are) and become one incident whose ``sources`` list keeps every report. The
incident's headline figure is the *lead* report's: OVD-Info's latest count where OVD-Info
reported, otherwise the latest dated report; among equally recent reports, the smaller figure
(every count is a lower bound).
The store is always a function of its reports, so re-ingesting the same file changes nothing.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from geodata import schema
from geodata.merging import as_text, where_text

#: Columns of a report frame (one report per row), on top of lon/lat.
REPORT_COLUMNS = (
    "kind",
    "date",
    "time",
    "city_en",
    "city_ru",
    "geonameid",
    "place",
    "region_code",
    "precision",
    "detained",
    "participants",
    "description",
    "tags",
    "campaign",
    "source_url",
    "reporter",
    "as_of",
    "source_note",
    "location_conflict",
)
#: A report is the same report when all of these agree.
REPORT_IDENTITY = ("incident_id", "source_url", "as_of", "detained", "participants", "source_note")

#: The same report whatever incident holds it: where, when and what one source said.
_STORED_REPORT = (
    "kind",
    "date",
    "_where",
    "_place",
    "campaign",
    "time",
    "source_url",
    "as_of",
    "detained",
    "participants",
    "source_note",
)

_AS_OF_DAY = re.compile(r"(\d{4}-\d{2}(?:-\d{2})?)")
_AS_OF_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")
#: Minutes after midnight standing for the words sources use instead of a time.
_PARTS_OF_DAY = (
    ("late evening", 23 * 60),
    ("evening", 20 * 60),
    ("afternoon", 15 * 60),
    ("daytime", 13 * 60),
    ("morning", 9 * 60),
)
_PRIMARY_REPORTER = re.compile(r"^\s*OVD-Info\b", re.IGNORECASE)


def as_of_order(as_of: pd.Series) -> pd.DataFrame:
    """Sortable (day, minute) for free-text 'as of' values; unknown parts sort first.

    Each distinct value is parsed once (reports repeat few 'as of' values).
    """
    codes, distinct = pd.factorize(as_of, use_na_sentinel=True)
    order = _parse_as_of(pd.Series(distinct, dtype="object"))
    # A missing value (code -1) picks the appended "unknown" entry.
    day = np.append(order["day"].to_numpy(dtype="int64"), np.iinfo("int64").min)
    minute = np.append(order["minute"].to_numpy(dtype="float64"), -1.0)
    return pd.DataFrame({"day": day[codes], "minute": minute[codes]}, index=as_of.index)


def _parse_as_of(as_of: pd.Series) -> pd.DataFrame:
    text = as_of.astype("string")
    found = text.str.extract(_AS_OF_DAY)[0]
    # A month alone ("2022-10 (retrospective)") sorts after every day of the month before.
    day = pd.to_datetime(found.where(found.str.len() == 10, found + "-28"), errors="coerce")
    clock = text.str.extract(_AS_OF_TIME).astype("Float64")
    minute = clock[0] * 60 + clock[1]
    lowered = text.str.lower()
    for words, minutes in _PARTS_OF_DAY:
        minute = minute.fillna(
            pd.Series(
                np.where(lowered.str.contains(words, regex=False).fillna(False), minutes, np.nan),
                index=as_of.index,
            ).astype("Float64")
        )
    return pd.DataFrame(
        {
            "day": day.astype("int64").where(day.notna(), np.iinfo("int64").min),
            "minute": minute.fillna(-1).astype("float64"),
        },
        index=as_of.index,
    )


def lead_first(reports: pd.DataFrame, figure: str) -> pd.DataFrame:
    """Reports that give ``figure``, ordered so each incident's lead report comes first."""
    given = reports[reports[figure].notna()]
    order = as_of_order(given["as_of"])
    keyed = given.assign(
        _primary=given["reporter"].astype("string").str.match(_PRIMARY_REPORTER).fillna(False),
        _day=order["day"],
        _minute=order["minute"],
    )
    return keyed.iloc[
        stable_order(
            keyed,
            ["incident_id", "_primary", "_day", "_minute", figure],
            [True, False, False, False, True],
        )
    ]


def stable_order(frame: pd.DataFrame, columns: list[str], ascending: list[bool]) -> np.ndarray:
    """Row positions of ``frame.sort_values(columns, ascending=..., kind="stable")``.

    Each column is reduced to the integer rank of its distinct values first, so the sort
    compares integers, not strings; missing values go last, as with sort_values.
    """
    keys = []
    for column, up in zip(columns, ascending, strict=True):
        codes, distinct = pd.factorize(frame[column], sort=True, use_na_sentinel=True)
        ranks = codes if up else len(distinct) - 1 - codes
        keys.append(np.where(codes < 0, len(distinct), ranks))
    return np.lexsort(keys[::-1])


def _headline(reports: pd.DataFrame, figure: str) -> pd.Series:
    leads = lead_first(reports, figure).drop_duplicates("incident_id")
    return leads.set_index("incident_id")[figure]


def _merged_descriptions(reports: pd.DataFrame) -> pd.Series:
    """Distinct description lines of each incident, in the order they first appear."""
    lines = reports[["incident_id", "description"]].dropna()
    lines = lines.assign(description=lines["description"].str.split("\n")).explode("description")
    lines = lines[lines["description"].str.strip().astype(bool)].drop_duplicates()
    return lines.groupby("incident_id", sort=False)["description"].agg("\n".join)


def _merged_tags(reports: pd.DataFrame) -> pd.Series:
    """Sorted distinct tags of each incident that has any (built as one Arrow list array)."""
    tags = reports[["incident_id", "tags"]].explode("tags").dropna().drop_duplicates()
    tags = tags.sort_values(["incident_id", "tags"])
    ids = tags["incident_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
    offsets = np.append(starts, len(ids)).astype("int32")
    lists = pa.ListArray.from_arrays(pa.array(offsets), pa.array(tags["tags"], pa.string()))
    return pd.Series(lists.to_pylist(), index=ids[starts], dtype="object")


def _sources(reports: pd.DataFrame) -> pa.Array:
    """One list of source structs per incident, reports in lead-first order."""
    wanted = ["incident_id", "source_url", "reporter", "as_of", "detained", "participants"]
    distinct = reports.loc[~reports.duplicated(list(REPORT_IDENTITY)), [*wanted, "source_note"]]
    fields = {
        "url": distinct["source_url"],
        "reporter": distinct["reporter"],
        "as_of": distinct["as_of"],
        "detained": distinct["detained"],
        "participants": distinct["participants"],
        "note": distinct["source_note"],
    }
    structs = pa.StructArray.from_arrays(
        [
            pa.array(v, type=schema.SOURCE_TYPE[i].type, from_pandas=True)
            for i, v in enumerate(fields.values())
        ],
        fields=list(schema.SOURCE_TYPE),
    )
    codes, _ = pd.factorize(distinct["incident_id"], sort=False)
    offsets = np.concatenate([[0], np.cumsum(np.bincount(codes))]).astype("int32")
    return pa.ListArray.from_arrays(pa.array(offsets), structs)


def assemble(reports: pd.DataFrame) -> gpd.GeoDataFrame:
    """Build one incident per incident_id from its reports (which carry ``incident_id``)."""
    if reports.empty:
        return empty_incidents()
    order = as_of_order(reports["as_of"])
    reports = reports.assign(_day=order["day"], _minute=order["minute"])
    reports = reports.iloc[
        stable_order(reports, ["incident_id", "_day", "_minute"], [True, False, False])
    ]
    first = reports.drop_duplicates("incident_id").set_index("incident_id")
    ids = first.index
    frame = pd.DataFrame(
        {
            "incident_id": ids,
            "kind": first["kind"].to_numpy(),
            "date": pd.to_datetime(first["date"]).dt.date.to_numpy(),
            "time": _first_given(reports, "time").reindex(ids).to_numpy(),
            "city_en": first["city_en"].to_numpy(),
            "city_ru": first["city_ru"].to_numpy(),
            "geonameid": first["geonameid"].astype("Int64").to_numpy(),
            "place": first["place"].to_numpy(),
            "region_code": first["region_code"].to_numpy(),
            "detained": _headline(reports, "detained").reindex(ids).astype("Int64").to_numpy(),
            "participants": _headline(reports, "participants")
            .reindex(ids)
            .astype("Int64")
            .to_numpy(),
            "precision": first["precision"].to_numpy(),
            "description": _merged_descriptions(reports).reindex(ids).to_numpy(),
            "tags": _merged_tags(reports)
            .reindex(ids)
            .map(lambda t: t if isinstance(t, list) else [])
            .to_numpy(),
            "campaign": first["campaign"].to_numpy(),
            "location_conflict": first["location_conflict"].to_numpy(),
        }
    )
    # Kept as Arrow: a million sources as Python dicts would cost gigabytes and minutes.
    sources = pd.arrays.ArrowExtensionArray(_sources(reports))
    points = gpd.points_from_xy(first["lon"], first["lat"])
    # The sorted reports are a copy of the whole input: freed before the copies below, which
    # were the peak of a million-row ingest.
    del reports, first
    frame = frame.astype({"description": "object", "time": "object"})
    frame = frame.where(frame.notna(), None).astype(
        {"detained": "Int64", "participants": "Int64", "geonameid": "Int64"}
    )
    frame["sources"] = sources
    return gpd.GeoDataFrame(frame, geometry=points, crs=schema.CRS)


def _first_given(reports: pd.DataFrame, column: str) -> pd.Series:
    return (
        reports.dropna(subset=[column])
        .drop_duplicates("incident_id")
        .set_index("incident_id")[column]
    )


def empty_incidents() -> gpd.GeoDataFrame:
    """A store with no incidents yet, with every column present."""
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in schema.INCIDENT_COLUMNS})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=schema.CRS), crs=schema.CRS)


def explode(incidents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Turn stored incidents back into report rows, so new reports can be merged with them.

    An incident's description and tags ride on its first report only, so they are not
    repeated; ``assemble(explode(x))`` gives ``x`` back.
    """
    if incidents.empty:
        return pd.DataFrame(columns=["incident_id", *REPORT_COLUMNS, "lon", "lat"])
    base = pd.DataFrame(incidents.drop(columns="geometry")).reset_index(drop=True)
    base["lon"], base["lat"] = incidents.geometry.x.to_numpy(), incidents.geometry.y.to_numpy()
    base["date"] = pd.to_datetime(base["date"]).dt.date
    rows = base.explode("sources", ignore_index=False)
    source = pd.DataFrame(rows["sources"].tolist(), index=rows.index)
    rows = rows.drop(columns=["sources", "detained", "participants"]).assign(
        source_url=source["url"],
        reporter=source["reporter"],
        as_of=source["as_of"],
        detained=source["detained"].astype("Int64"),
        participants=source["participants"].astype("Int64"),
        source_note=source["note"],
    )
    later = rows.index.duplicated(keep="first")
    rows.loc[later, "description"] = None
    rows["tags"] = [
        list(t) if not skip and t is not None else []
        for t, skip in zip(rows["tags"], later, strict=True)
    ]
    rows = rows.reset_index(drop=True)
    return rows[["incident_id", *REPORT_COLUMNS, "lon", "lat"]]


def _identity(reports: pd.DataFrame, columns: tuple[str, ...] = REPORT_IDENTITY) -> pd.Series:
    """One integer per distinct report: same text in every one of ``columns`` (or empty)."""
    codes = {c: pd.factorize(as_text(reports[c]), use_na_sentinel=True)[0] for c in columns}
    key = pd.DataFrame(codes, index=reports.index).groupby(list(columns), sort=False)
    return key.ngroup()


def _stored_identity(reports: pd.DataFrame) -> pd.Series:
    """:func:`_identity` over _STORED_REPORT: the place as the incident key writes it."""
    rounded = reports.assign(lat=reports["lat"].round(4), lon=reports["lon"].round(4))
    place = as_text(reports["place"]).str.strip().str.lower()
    return _identity(reports.assign(_where=where_text(rounded), _place=place), _STORED_REPORT)


def _introduces(known: pd.DataFrame) -> pd.Series:
    """Whether each report is the first to bring one of its incident's description lines or tags."""
    lines = known["description"].astype("string").str.split("\n").explode()
    tags = known["tags"].explode()
    items = pd.concat(
        [
            pd.DataFrame(
                {"incident_id": known.loc[lines.index, "incident_id"], "item": "d:" + lines}
            ),
            pd.DataFrame(
                {
                    "incident_id": known.loc[tags.index, "incident_id"],
                    "item": "t:" + tags.astype("string"),
                }
            ),
        ]
    ).dropna()
    items = items[items["item"].str.len() > 2]
    first = items[~items.duplicated(keep="first")]
    return pd.Series(known.index.isin(first.index), index=known.index)


def duplicates(existing: pd.DataFrame, new: pd.DataFrame) -> pd.Series:
    """For each new report, why it adds nothing (or None when it adds something).

    A report adds nothing when the same report (REPORT_IDENTITY) is already known, from the
    store or from an earlier row of the file, and it brings no new description line or tag;
    or when the store holds the same report about the same place, day and time under another
    incident (the file was ingested before with another ``--merge`` choice, or it repeats the
    seed's reports one event per row): counting it again would count its people twice.
    ``new`` carries the file's ``row`` numbers so the answer can name the row it repeats.
    """
    known = (
        pd.concat([existing.assign(row=pd.NA), new], ignore_index=True)
        if len(existing)
        else new.reset_index(drop=True)  # a first ingest: no copy of a million reports
    )
    key = _identity(known)
    repeated = key.duplicated(keep="first") & ~_introduces(known)
    first = ~key.duplicated(keep="first")
    origin = key.map(pd.Series(known["row"].to_numpy()[first], index=key[first].to_numpy()))
    detail = np.where(
        origin.notna(),
        "repeats row " + origin.astype("string").fillna(""),
        "this report is already in the store",
    )
    if len(existing):
        loose = _stored_identity(known)
        stored = loose.iloc[: len(existing)].unique()
        elsewhere = loose.isin(stored).to_numpy() & (np.arange(len(known)) >= len(existing))
        detail = np.where(
            elsewhere & ~repeated.to_numpy(), "this report is already in the store", detail
        )
        repeated = repeated | elsewhere
    result = pd.Series(detail, index=known.index, dtype="object").where(repeated.to_numpy(), None)
    return result.iloc[len(existing) :].set_axis(new.index)
