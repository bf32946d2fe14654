"""The one definition of what protestmap stores: incident and region columns, kinds, tags, fields.

Everything that writes or reads the store checks against these names, so a column can only be
added here (and in ``docs/schema.md``).
"""

from __future__ import annotations

import pyarrow as pa

from geodata.messages import N_

SCHEMA_VERSION = 1
CRS = "EPSG:4326"
#: Key of protestmap's own entry in the Parquet file metadata (JSON: data_version, ...).
METADATA_KEY = b"protestmap"

KINDS = ("detention", "rally")
PRECISIONS = ("point", "street", "city", "region")

#: Tags a user can filter on. Free-form tags are refused so filters stay meaningful.
TAGS = {
    "force_used": N_("police used force (beatings, batons, stun guns, chokeholds)"),
    "injury": N_("someone was injured (e.g. a broken arm)"),
    "summons_served": N_("military summonses handed to detainees"),
    "minors_detained": N_("minors among the detainees"),
    "journalists_detained": N_("journalists among the detainees"),
    "criminal_case": N_("criminal cases opened"),
    "preventive_detention": N_(
        "detained before any protest (e.g. facial recognition in the metro)"
    ),
    "denied_lawyer": N_("lawyers kept from detainees"),
    "custody_conditions": N_("overcrowded vans or cells, no water or toilet"),
    "court_sentences": N_("court outcomes reported (administrative arrests, fines)"),
    "women_led": N_("protest led mostly by women"),
    "road_blocked": N_("protesters blocked a road"),
    "shots_fired": N_("shots fired (into the air or otherwise)"),
    "conflicting_reports": N_("sources disagree substantially on the figure"),
    # ACLED's sub-event types of protests and riots, as its exports write them.
    "peaceful_protest": N_("ACLED: peaceful protest"),
    "protest_with_intervention": N_(
        "ACLED: protest with intervention (authorities tried to stop it)"
    ),
    "excessive_force_against_protesters": N_("ACLED: excessive force against protesters"),
    "violent_demonstration": N_("ACLED: violent demonstration"),
    "mob_violence": N_("ACLED: mob violence"),
}

SOURCE_TYPE = pa.struct(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("reporter", pa.string()),
        pa.field("as_of", pa.string()),
        pa.field("detained", pa.int64()),
        pa.field("participants", pa.int64()),
        pa.field("note", pa.string()),
    ]
)

#: Attribute columns of incidents.parquet, in order; ``geometry`` (Point, EPSG:4326) follows.
INCIDENT_FIELDS = pa.schema(
    [
        pa.field("incident_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("time", pa.string()),
        pa.field("city_en", pa.string()),
        pa.field("city_ru", pa.string()),
        pa.field("geonameid", pa.int64()),
        pa.field("place", pa.string()),
        pa.field("region_code", pa.string(), nullable=False),
        pa.field("detained", pa.int64()),
        pa.field("participants", pa.int64()),
        pa.field("precision", pa.string(), nullable=False),
        pa.field("description", pa.string()),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("sources", pa.list_(SOURCE_TYPE), nullable=False),
        pa.field("campaign", pa.string()),
        pa.field("location_conflict", pa.string()),
    ]
)
INCIDENT_COLUMNS = tuple(INCIDENT_FIELDS.names)
#: Columns added since schema version 1: a store written before them reads them as null.
ADDED_COLUMNS = ("location_conflict",)

#: Columns of regions.parquet besides ``geometry`` (full resolution) and ``display`` (simplified).
REGION_COLUMNS = (
    "region_code",  # correct ISO 3166-2 (RU-MOW is Moscow city)
    "name_en",
    "name_ru",
    "federal_district_en",  # null for occupied Ukrainian territory
    "federal_district_ru",
    "status",  # federal_subject | occupied_ukraine
    "population",  # 2021 census, Int64, null where unknown
    "population_source",  # URL(s) the figure was read from, or why it is null
    "geonames_admin1",  # e.g. RU.48
    "ne_adm1_code",
)
REGION_STATUSES = ("federal_subject", "occupied_ukraine")

#: Fields a user's file can be mapped to with ``--map FIELD=COLUMN`` (one report per row).
INPUT_FIELDS = {
    "kind": "detention or rally (or --kind for the whole file)",
    "date": "local date of the event (ISO, or --date-format)",
    "time": "local time HH:MM (optional)",
    "city": "city name, Russian or English/transliterated",
    "region": "region hint: ISO 3166-2 code or English/Russian name (optional)",
    "place": "street, square or building (optional)",
    "lat": "latitude, WGS84 (optional; with lon replaces geocoding)",
    "lon": "longitude, WGS84 (optional)",
    "precision": "point | street | city | region (optional; inferred)",
    "detained": "number detained as reported (empty = unknown)",
    "participants": "number of participants as reported (optional)",
    "description": "paraphrase of what happened; no personal names (optional)",
    "tags": "semicolon-separated tags from the fixed list (optional)",
    "campaign": "campaign label, e.g. mobilization-2022 (optional)",
    "source_url": "URL of the report (required)",
    "reporter": "who produced the figure, e.g. OVD-Info (optional)",
    "as_of": "when the figure was current, e.g. 2022-09-22 09:51 MSK (optional)",
    "source_note": "qualifiers such as 'at least' (optional)",
    "event_id": "the file's own event key: rows sharing it are reports of one event (optional)",
}
