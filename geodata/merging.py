"""Which rows are reports of one event, and what merging them did (pure).

By default every row is its own event: lists of one row per action (OVD-Info's daily lists,
ACLED) lost real detentions when rows sharing a kind, day, place and campaign were merged and
one headline figure kept. Rows become reports of one incident only when they share an event key
(``--map event_id=COLUMN``) or when the user asks for ``--merge same-place-day``, the rule of
files that hold several reports per event (the embedded seed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: How rows without an event key are grouped into incidents.
MERGE_MODES = {
    "none": "each row is its own event (the default)",
    "same-place-day": "rows with the same kind, date, place and campaign are reports of one event",
}
#: The incident key of --merge same-place-day; ids built from it must never change.
EVENT_PARTS = ("kind", "date", "geonameid", "lat", "lon", "place", "campaign")
#: What else tells two rows apart when each row is its own event.
ROW_PARTS = (
    "time",
    "description",
    "tags",
    "source_url",
    "reporter",
    "as_of",
    "detained",
    "participants",
    "source_note",
)
#: Rows whose id keys are built at a time when each row is its own event.
KEY_CHUNK = 100_000
#: Examples of merged incidents printed in the summary.
EXAMPLES = 3


def incident_ids(reports: pd.DataFrame, merge: str = "none") -> pd.Series:
    """Stable ids: the same row (or event key, or place and day) always gives the same id.

    With ``--merge same-place-day`` the id hashes a text key built once per distinct key
    (reports repeat few): a million rows of key text were the ingest's peak memory. Rows that
    are their own events are nearly all distinct, so their keys are built and hashed a chunk
    at a time instead.
    """
    if merge == "none":
        ids = pd.concat(
            [
                _hashed(_row_keys(reports.iloc[start : start + KEY_CHUNK]))
                for start in range(0, len(reports), KEY_CHUNK)
            ]
        )
    else:
        parts = list(EVENT_PARTS)
        distinct = reports[parts].assign(lat=reports["lat"].round(4), lon=reports["lon"].round(4))
        group = distinct.groupby(parts, sort=False, dropna=False).ngroup().to_numpy()
        firsts = distinct.iloc[np.unique(group, return_index=True)[1]]
        ids = pd.Series(_hashed(_id_keys(firsts)).to_numpy()[group], index=reports.index)
    if "event_id" in reports:
        keyed = reports["event_id"].notna()
        events = (
            as_text(reports.loc[keyed, "kind"]) + "|event|" + as_text(reports["event_id"][keyed])
        )
        ids[keyed] = events.map(_hash)
    return ids


def _row_keys(rows: pd.DataFrame) -> pd.Series:
    """The same-place-day key plus every field that tells two events there apart."""
    rows = rows.assign(lat=rows["lat"].round(4), lon=rows["lon"].round(4))
    for listed in ("tags", "source_url"):
        rows[listed] = rows[listed].map(_joined)
    return _id_keys(rows) + "|row|" + _joined_text(rows, ROW_PARTS)


def _hashed(keys: pd.Series) -> pd.Series:
    return pd.Series([_hash(k) for k in keys], index=keys.index, dtype=object)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _joined(value: object) -> str | None:
    if isinstance(value, list | tuple | np.ndarray):
        return ";".join(map(str, value)) or None
    return None if value is None or value is pd.NA else str(value)


def _joined_text(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    text = [as_text(frame[c]).fillna("") for c in columns]
    out = text[0]
    for more in text[1:]:
        out = out + "|" + more
    return out


def _id_keys(reports: pd.DataFrame) -> pd.Series:
    """'kind|date|where|place|campaign' (where: a GeoNames id, else rounded coordinates)."""
    where = where_text(reports)
    place = as_text(reports["place"]).str.strip().str.lower().fillna("")
    return (
        as_text(reports["kind"])
        + "|"
        + as_text(reports["date"])
        + "|"
        + where
        + "|"
        + place
        + "|"
        + as_text(reports["campaign"]).fillna("")
    )


def where_text(reports: pd.DataFrame) -> pd.Series:
    """'g<GeoNames id>', else 'lat,lon' as given (callers round the coordinates to 4 places)."""
    where = np.where(
        reports["geonameid"].notna(),
        "g" + as_text(reports["geonameid"]).fillna(""),
        as_text(reports["lat"]).fillna("") + "," + as_text(reports["lon"]).fillna(""),
    )
    return pd.Series(where, index=reports.index, dtype="string")


def as_text(column: pd.Series) -> pd.Series:
    """``column.astype("string")``, converting each distinct value once (dates are slow)."""
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    text = pd.Series(distinct).astype("string").to_numpy(dtype=object, na_value=None)
    return pd.Series(
        np.append(text, np.array([None], dtype=object))[codes], index=column.index, dtype="string"
    )


@dataclass(frozen=True)
class MergeSummary:
    """What merging did to the rows a file added (duplicates and rejects not included).

    ``set_aside`` is the file's own sum of detentions less what the store's headline figures
    gained: the detentions a merged incident's headline rule did not count.
    """

    rows: int = 0
    incidents: int = 0
    merged_rows: int = 0
    set_aside: int = 0
    examples: list[str] = field(default_factory=list)


def summarize(fresh: pd.DataFrame, before: pd.Series, after: pd.DataFrame) -> MergeSummary:
    """Compare the added reports with the headline figures of the incidents they went into.

    ``fresh`` holds the added reports (``row``, ``incident_id``, ``detained``); ``before`` the
    stored headline figures by incident id; ``after`` the incidents now. Incidents no report
    touched keep their figures, so what the store gained is the difference of the totals. A
    row split into several reports (one per source URL) counts once.
    """
    if fresh.empty:
        return MergeSummary()
    rows = fresh.drop_duplicates("row")
    touched = pd.Index(rows["incident_id"].unique())
    stored = rows["incident_id"].isin(before.index)
    new_incidents = int((~touched.isin(before.index)).sum())
    gained = int(after["detained"].sum()) - int(before.sum())
    shared = rows["incident_id"].duplicated(keep=False) | stored
    return MergeSummary(
        rows=len(rows),
        incidents=len(touched),
        merged_rows=len(rows) - new_incidents,
        set_aside=int(rows["detained"].sum()) - gained,
        examples=_examples(rows[shared], after),
    )


def _examples(rows: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """The first merged incidents, those whose rows gave different figures first."""
    if rows.empty:
        return []
    differing = rows.groupby("incident_id", sort=False)["detained"].nunique() >= 2
    chosen = differing.sort_values(ascending=False, kind="stable").index[:EXAMPLES]
    headline = after[after["incident_id"].isin(chosen)].set_index("incident_id")
    lines = []
    for incident in chosen:
        group, kept = rows[rows["incident_id"] == incident], headline.loc[incident]
        figures = ", ".join("?" if pd.isna(d) else str(int(d)) for d in group["detained"])
        where = kept["city_en"] or kept["city_ru"] or kept["region_code"]
        lines.append(
            f"rows {', '.join(map(str, group['row']))} -> one {kept['kind']} on "
            f"{pd.Timestamp(kept['date']):%Y-%m-%d} in {where}: detained {figures}, "
            f"headline {'?' if pd.isna(kept['detained']) else int(kept['detained'])}"
        )
    return lines
