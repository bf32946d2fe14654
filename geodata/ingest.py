"""The ingest pipeline: a user's file -> checked, located reports -> merged incidents -> store.

Every input row ends up either accepted (as a report of some incident) or rejected with reasons;
the rejects can be written to CSV. The store is rewritten atomically, and only when something
changed, so a failed or repeated ingest leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata import reports as rpt
from geodata import store
from geodata.boundaries import assign_regions
from geodata.columns import unfit_columns
from geodata.geocoding import Gazetteer, Place
from geodata.merging import MergeSummary, incident_ids, summarize
from geodata.personal import name_warnings
from geodata.presets import apply_preset, preset_named
from geodata.readers import RawInput, apply_mapping, read_input, taken_by_name
from geodata.rejects import rejects_frame, spilled_input
from geodata.schema import CRS
from geodata.validate import Checked, check_rows

CHUNK_ROWS = 100_000
_CYRILLIC = re.compile("[\u0400-\u04ff]")
#: Natural Earth's 1:10m coast is generalised: coastal towns can sit up to ~0.05° offshore.
SNAP_DEG = 0.05
Progress = Callable[[int], None]
#: Fields of free text looked at for people's names (warned about, not rejected).
FREE_TEXT = ("description", "place", "source_note")


@dataclass(frozen=True)
class IngestOptions:
    """How to read and interpret one input file."""

    mapping: dict[str, str] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    #: ``--set FIELD=VALUE``: the value of FIELD wherever the file gives none.
    constants: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    date_format: str | None = None
    merge: str = "none"
    #: A standard export's name (``geodata.presets``); its mapping and values come first.
    preset: str | None = None
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class IngestResult:
    """What an ingest did (or, with --dry-run, would do)."""

    rows: int
    accepted: int
    rejected: pd.DataFrame  # the input row plus `reason` and `detail`
    incidents_before: int
    incidents_after: int
    data_version: str | None
    written: bool
    encoding: str | None = None
    delimiter: str | None = None
    merging: MergeSummary = field(default_factory=MergeSummary)
    #: What the user should know about how the file was read (columns not used, ...).
    notices: list[str] = field(default_factory=list)

    @property
    def reason_counts(self) -> pd.Series:
        """Rejected rows per reason (a row with two problems counts under both)."""
        if self.rejected.empty:
            return pd.Series(dtype="int64")
        return self.rejected["reason"].str.split("; ").explode().value_counts().sort_index()


def locate(
    values: pd.DataFrame, checked: Checked, gazetteer: Gazetteer, regions: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Give every checkable row a point, a city and a region, flagging what cannot be placed."""
    out = values.copy()
    for column in ("city_en", "city_ru", "geonameid", "region_code", "_miss"):
        out[column] = None
    has_point = out["lat"].notna() & out["lon"].notna()
    hint_codes = _region_hints(out["region"], gazetteer)
    unknown = out["region"].notna() & hint_codes.isna()
    checked.flag(unknown, "unknown_region", "region = " + out.loc[unknown, "region"].astype(str))

    named = out["city"].notna()
    if named.any():
        _apply_places(out, checked, named, gazetteer, has_point)

    by_region = ~has_point & out["city"].isna() & hint_codes.notna()
    if by_region.any():
        centres = regions.set_index("region_code").geometry.representative_point()
        points = centres.reindex(hint_codes[by_region])
        out.loc[by_region, "lon"] = points.x.to_numpy()
        out.loc[by_region, "lat"] = points.y.to_numpy()
        out.loc[by_region, "region_code"] = hint_codes[by_region]
        out.loc[by_region, "precision"] = out.loc[by_region, "precision"].fillna("region")

    out["precision"] = out["precision"].where(
        out["precision"].notna(), np.where(has_point, "point", "city")
    )
    placed = out["lat"].notna() & out["lon"].notna() & ~by_region
    if placed.any():
        points = gpd.GeoSeries(
            gpd.points_from_xy(out.loc[placed, "lon"], out.loc[placed, "lat"]),
            index=out.index[placed],
            crs=CRS,
        )
        inside = assign_regions(points, regions, snap_deg=SNAP_DEG)
        out.loc[placed, "region_code"] = inside.fillna(out.loc[placed, "region_code"])
    outside = has_point & out["region_code"].isna()
    checked.flag(
        outside,
        "outside_area",
        "lat = "
        + out.loc[outside, "lat"].astype(str)
        + ", lon = "
        + out.loc[outside, "lon"].astype(str),
    )
    mismatch = hint_codes.notna() & out["region_code"].notna() & hint_codes.ne(out["region_code"])
    checked.flag(
        mismatch,
        "region_mismatch",
        "region = "
        + out.loc[mismatch, "region"].astype(str)
        + " but the place lies in "
        + out.loc[mismatch, "region_code"].astype(str),
    )
    return out


def _region_hints(hints: pd.Series, gazetteer: Gazetteer) -> pd.Series:
    distinct = {h: gazetteer.resolve_region(h) for h in hints.dropna().unique()}
    return hints.map(distinct).astype("object").where(hints.notna(), None)


def _apply_places(
    out: pd.DataFrame,
    checked: Checked,
    named: pd.Series,
    gazetteer: Gazetteer,
    has_point: pd.Series,
) -> None:
    """Copy gazetteer answers into the rows; a miss only matters when there is no point.

    Each distinct (city, region) pair is resolved once and its answer is spread to its rows
    with numpy indexing, so a million rows naming a few thousand places cost a few thousand
    lookups rather than a million row-by-row assignments.
    """
    cities, hints = out.loc[named, "city"], out.loc[named, "region"]
    codes, _ = pd.factorize(cities + "\x00" + hints.fillna(""))
    first = np.unique(codes, return_index=True)[1]
    answers = gazetteer.resolve_many(cities.iloc[first].tolist(), hints.iloc[first].tolist())
    is_place = np.array([isinstance(a, Place) for a in answers])[codes]
    point = has_point[named].to_numpy()

    def spread(values: list[object], dtype: type = object) -> np.ndarray:
        return np.array(values, dtype=dtype)[codes]

    places = [a if isinstance(a, Place) else None for a in answers]
    rows = named[named].index
    hit, located = rows[is_place], rows[is_place & ~point]
    for column, attr in (
        ("city_en", "name_en"),
        ("city_ru", "name_ru"),
        ("geonameid", "geonameid"),
    ):
        out.loc[hit, column] = spread([getattr(p, attr, None) for p in places])[is_place]
    for column, attr in (("lat", "lat"), ("lon", "lon"), ("region_code", "region_code")):
        dtype = float if column in ("lat", "lon") else object
        values = spread([getattr(p, attr, None) for p in places], dtype)
        out.loc[located, column] = values[is_place & ~point]
    cyrillic = spread([bool(_CYRILLIC.search(c)) for c in cities.iloc[first]], bool)
    kept = ~is_place & point
    out.loc[rows[kept & cyrillic], "city_ru"] = cities[kept & cyrillic].to_numpy()
    out.loc[rows[kept & ~cyrillic], "city_en"] = cities[kept & ~cyrillic].to_numpy()
    missed = ~is_place & ~point
    if not missed.any():
        return
    misses = [None if isinstance(a, Place) else a for a in answers]
    out.loc[rows[missed], "_miss"] = spread(
        [m and f"city = {m.query}: {m.detail}" for m in misses]
    )[missed]
    reasons = pd.Series(spread([m and m.reason for m in misses]), index=rows).where(missed)
    for reason in reasons.dropna().unique():
        checked.flag(reasons.eq(reason).reindex(out.index, fill_value=False), reason, out["_miss"])


def prepare(
    rows: pd.DataFrame,
    *,
    gazetteer: Gazetteer,
    regions: gpd.GeoDataFrame,
    options: IngestOptions,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check and locate mapped rows in chunks; return (reports, problems).

    Reports get their ``incident_id`` later (``ingest_file``), once the input rows are freed.
    """
    located, problems = [], []
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows.iloc[start : start + CHUNK_ROWS]
        checked = check_rows(chunk, today=options.today, date_format=options.date_format)
        located.append(locate(checked.values, checked, gazetteer, regions))
        problems.extend(checked.problems)
        if progress:
            progress(len(chunk))
    values = pd.concat(located) if located else pd.DataFrame(columns=["row"])
    located.clear()  # the chunks live on in ``values``; two copies would double peak memory
    problem_frame = (
        pd.concat(problems, ignore_index=True)
        if problems
        else pd.DataFrame(columns=["row", "reason", "detail"])
    )
    bad = set(problem_frame["row"].astype(int))
    reports = values[~values["row"].isin(bad)] if bad else values
    del values
    return reports, problem_frame


def merge(
    existing: gpd.GeoDataFrame, reports: pd.DataFrame
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, MergeSummary]:
    """Merge new reports into stored incidents; return (incidents, duplicates, what merged)."""
    old = rpt.explode(existing)
    if reports.empty:
        return existing, pd.DataFrame(columns=["row", "reason", "detail"]), MergeSummary()
    columns = ["incident_id", *rpt.REPORT_COLUMNS, "lon", "lat"]
    new = reports[[*columns, "row"]]
    repeated = rpt.duplicates(old, new)
    dup = repeated.notna()
    # A row of several URLs is a duplicate only when each of its reports is.
    whole = dup.groupby(new["row"]).transform("all")
    problems = pd.DataFrame(
        {"row": new.loc[whole, "row"], "reason": "duplicate", "detail": repeated[whole]}
    ).drop_duplicates("row")
    fresh = new.loc[~dup, columns]
    added = new.loc[~dup, ["row", "incident_id", "detained"]]
    del new, repeated  # every copy of a million reports counts against peak memory
    if fresh.empty:
        return existing, problems, MergeSummary()
    both = fresh if old.empty else pd.concat([old, fresh], ignore_index=True)
    del old, fresh
    merged = rpt.assemble(both)
    del both
    before = existing.set_index("incident_id")["detained"] if len(existing) else pd.Series()
    summary = summarize(added, before, merged)
    return merged, problems, summary


def _mapped(
    frame: pd.DataFrame, options: IngestOptions, gazetteer: Gazetteer
) -> tuple[pd.DataFrame, list[str]]:
    """The file's rows as input fields, and notices about columns not taken by their name.

    A preset's choices come first and the user's over them.
    """
    mapping, constants = options.mapping, options.constants
    if options.preset:
        preset = preset_named(options.preset)
        frame, preset_mapping = apply_preset(frame, preset, options.preset)
        mapping = {**preset_mapping, **mapping}
        constants = {**preset.constants, **constants}
    unfit = unfit_columns(frame, taken_by_name(frame, mapping, options.drop), gazetteer)
    rows = apply_mapping(
        frame, mapping, drop=options.drop, constants=constants, unused=tuple(unfit)
    )
    return rows, [*unfit.values(), *name_warnings(rows, FREE_TEXT)]


def _one_report_per_url(reports: pd.DataFrame) -> pd.DataFrame:
    """One report per URL of a row's source cell, all of the row's incident.

    A cell of one URL holds it as a string, of several a tuple: only those rows are repeated
    (exploding the whole frame copied a million reports at the peak).
    """
    urls = reports["source_url"]
    several = urls.map(lambda u: isinstance(u, tuple)).to_numpy(bool)
    if not several.any():
        return reports
    extra = reports[several].assign(source_url=urls[several].map(lambda u: u[1:]))
    reports.loc[several, "source_url"] = urls[several].map(lambda u: u[0])
    return pd.concat([reports, extra.explode("source_url")], ignore_index=True)


def ingest_file(
    path: Path,
    *,
    incidents_path: Path,
    regions: gpd.GeoDataFrame,
    gazetteer: Gazetteer,
    options: IngestOptions,
    dry_run: bool = False,
    progress_factory: Callable[[int], Progress] | None = None,
) -> IngestResult:
    """Read, check, locate and merge one file into the store (unless ``dry_run``)."""
    store.sweep_leftovers(incidents_path.parent)
    raw: RawInput = read_input(path, encoding=options.encoding, delimiter=options.delimiter)
    # Dropped columns (personal data among them) are never copied, not even into the rejects.
    ignored = [c for c in options.drop if c not in options.mapping.values()]
    kept = raw.frame.drop(columns=[c for c in ignored if c in raw.frame.columns])
    with spilled_input(kept, incidents_path.parent) as input_rows:
        del kept
        rows, notices = _mapped(raw.frame, options, gazetteer)
        encoding, delimiter = raw.encoding, raw.delimiter
        del raw
        n_rows = len(rows)
        progress = progress_factory(n_rows) if progress_factory else None
        reports, problems = prepare(
            rows, gazetteer=gazetteer, regions=regions, options=options, progress=progress
        )
        del rows  # a million rows of text: free them before ids and the merge need memory
        if not reports.empty:
            reports["incident_id"] = incident_ids(reports, options.merge)
            reports = _one_report_per_url(reports)
        # Nothing accepted: the store is not read at all (a large store costs seconds).
        existing = (
            store.read_incidents(incidents_path)
            if incidents_path.exists() and not reports.empty
            else rpt.empty_incidents()
        )
        merged, dup_problems, merging = merge(existing, reports)
        changed = merged is not existing
        before = len(existing) if not reports.empty else _stored_rows(incidents_path)
        after = len(merged) if changed else before
        del reports, existing  # the write below needs the memory more
        problems = pd.concat([problems, dup_problems], ignore_index=True)
        rejected = rejects_frame(input_rows(problems["row"]), problems)
    version = (
        store.read_metadata(incidents_path)["data_version"] if incidents_path.exists() else None
    )
    if changed and not dry_run:
        version = store.write_incidents(merged, incidents_path)
    return IngestResult(
        rows=n_rows,
        accepted=n_rows - len(rejected),
        rejected=rejected,
        incidents_before=before,
        incidents_after=after,
        data_version=version,
        written=changed and not dry_run,
        encoding=encoding,
        delimiter=delimiter,
        merging=merging,
        notices=notices,
    )


def _stored_rows(path: Path) -> int:
    return int(store.read_metadata(path)["rows"]) if path.exists() else 0
