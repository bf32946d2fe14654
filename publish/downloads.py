"""Downloads of a view's data: incidents (CSV, GeoJSON) and regional aggregates (CSV).

Each file carries its own provenance, so it stays citable once detached from the site: CSV
files open with ``#`` comment lines (read them with ``pandas.read_csv(..., comment=None,
skiprows=<the '#' lines>)`` or any CSV reader that skips them), GeoJSON has a top-level
``protestmap`` member. Both state the sources, the licences, the data version and the query.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
from dataclasses import dataclass

import pandas as pd

from core.i18n import DEFAULT, N_, gettext
from core.spreadsheet import neutralise_formulas

LICENCES = N_(
    "Figures: as reported by the sources listed for each incident (see the sources column). "
    "Boundaries: Natural Earth (public domain). Places: GeoNames (CC BY 4.0). "
    "Federal districts: hflabs/region (CC BY-SA 4.0)."
)
#: Incident columns written to downloads (lists are joined; sources become JSON).
INCIDENT_COLUMNS = (
    "incident_id",
    "kind",
    "date",
    "time",
    "region_code",
    "city_en",
    "city_ru",
    "geonameid",
    "place",
    "lon",
    "lat",
    "precision",
    "detained",
    "participants",
    "campaign",
    "tags",
    "description",
    "location_conflict",
    "sources",
)
REGION_COLUMNS = (
    "region_code",
    "name_en",
    "name_ru",
    "status",
    "population",
    "incidents",
    "detained",
    "unknown",
    "rallies",
    "per100k",
)


@dataclass(frozen=True)
class Provenance:
    """What a downloaded file says about itself."""

    description: str
    query: str
    version: str
    credit: str
    accessed: dt.date
    #: The language of the README lines (the columns keep their names: code reads them).
    lang: str = DEFAULT

    def lines(self) -> list[str]:
        """The README text, one line per fact."""
        _ = functools.partial(gettext, self.lang)
        return [
            _("protestmap download"),
            _("Selection: {description}").format(description=self.description),
            _("Query: {query}").format(query=self.query or _("(default view)")),
            _("Data version: {version}; accessed {accessed}").format(
                version=self.version, accessed=f"{self.accessed:%Y-%m-%d}"
            ),
            self.credit,
            _("Licences: {licences}").format(licences=_(LICENCES)),
            _("Counts are lower bounds: only detentions known to the reporters. Empty = unknown."),
        ]


def incident_records(rows: pd.DataFrame) -> pd.DataFrame:
    """The incidents of a view as flat columns (``rows`` from ``queries.scope``)."""
    out = rows[[c for c in INCIDENT_COLUMNS if c in rows.columns]].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    out["tags"] = [";".join(t) for t in out["tags"]]
    out["sources"] = [json.dumps(s, ensure_ascii=False) for s in out["sources"]]
    return out.sort_values(["date", "incident_id"]).reset_index(drop=True)


def _commented_csv(frame: pd.DataFrame, about: Provenance) -> str:
    buffer = io.StringIO()
    for line in about.lines():
        buffer.write(f"# {line}\n")
    neutralise_formulas(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def incidents_csv(rows: pd.DataFrame, about: Provenance) -> str:
    """Incidents as CSV with a ``#`` README header."""
    return _commented_csv(incident_records(rows), about)


def incidents_geojson(rows: pd.DataFrame, about: Provenance) -> str:
    """Incidents as a GeoJSON FeatureCollection of points (WGS84), provenance at the top."""
    records = incident_records(rows)
    features = []
    for record in records.to_dict(orient="records"):
        lon, lat = record.pop("lon"), record.pop("lat")
        props = {k: (None if pd.isna(v) else v) for k, v in record.items() if k != "sources"}
        props["sources"] = json.loads(record["sources"])
        features.append(
            {
                "type": "Feature",
                "id": record["incident_id"],
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "protestmap": {"readme": about.lines()},
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, default=_plain)


def _plain(value: object) -> object:
    """JSON for numpy scalars."""
    if hasattr(value, "item"):
        return value.item()  # type: ignore[attr-defined]
    raise TypeError(f"cannot write {type(value).__name__} to GeoJSON")


def regions_csv(table: pd.DataFrame, about: Provenance) -> str:
    """Regional aggregates (``queries.region_table``) as CSV with a ``#`` README header."""
    out = table[list(REGION_COLUMNS)].copy()
    out["per100k"] = out["per100k"].astype("Float64").round(3)
    return _commented_csv(out, about)
