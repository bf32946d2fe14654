"""The ingest pipeline: a user's file -> checked, located reports -> merged incidents -> store.

Every input row ends up either accepted (as a report of some incident) or rejected with reasons;
the rejects can be written to CSV. The store is rewritten atomically, and only when something
changed, so a failed or repeated ingest leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata import reports as rpt
from geodata import store
from geodata.columns import unfit_columns
from geodata.geocoding import Gazetteer
from geodata.location import LocationRules, conflict_rows, locate
from geodata.merging import MergeSummary, incident_ids, summarize
from geodata.personal import name_warnings
from geodata.presets import apply_preset, preset_named
from geodata.readers import RawInput, apply_mapping, read_input, taken_by_name
from geodata.rejects import rejects_frame, spilled_input
from geodata.validate import check_rows

CHUNK_ROWS = 100_000
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
    location: LocationRules = field(default_factory=LocationRules)


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
    #: Accepted rows whose coordinates disagree with their named place: row, kind, detail.
    conflicts: pd.DataFrame = field(default_factory=lambda: conflict_rows(pd.DataFrame()))
    merging: MergeSummary = field(default_factory=MergeSummary)
    #: What the user should know about how the file was read (columns not used, ...).
    notices: list[str] = field(default_factory=list)

    @property
    def reason_counts(self) -> pd.Series:
        """Rejected rows per reason (a row with two problems counts under both)."""
        if self.rejected.empty:
            return pd.Series(dtype="int64")
        return self.rejected["reason"].str.split("; ").explode().value_counts().sort_index()


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
        located.append(locate(checked.values, checked, gazetteer, regions, options.location))
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
    # Nothing repeated (a first ingest): a selection of columns, not a masked copy of them.
    fresh = new.loc[~dup, columns] if dup.any() else new[columns]
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
        conflicts = conflict_rows(reports)
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
        handed = [merged]  # the writer gets the only reference (see store.write_incidents)
        del merged
        version = store.write_incidents(handed.pop(), incidents_path)
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
        conflicts=conflicts[~conflicts["row"].isin(rejected["row"])],
        merging=merging,
        notices=notices,
    )


def _stored_rows(path: Path) -> int:
    return int(store.read_metadata(path)["rows"]) if path.exists() else 0
