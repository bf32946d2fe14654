"""Standard exports that import with one option (``--preset NAME``): one small table.

A preset names the file's columns for each field (``mapping``), gives fields that the export
lacks a value (``constants``) and builds fields from columns (``templates``, ``{column}``
placeholders). Another standard export is a few lines here.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import pandas as pd

from geodata.errors import DataError


@dataclass(frozen=True)
class Preset:
    """How one standard export maps onto protestmap's input fields."""

    about: str
    mapping: dict[str, str]
    required: tuple[str, ...]
    constants: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)


ACLED_ATTRIBUTION = "ACLED (Armed Conflict Location & Event Data), acleddata.com"

PRESETS = {
    "acled": Preset(
        about="an ACLED export: each event one rally incident, its sub-event type as a tag",
        mapping={
            "event_id": "event_id_cnty",
            "date": "event_date",
            "city": "location",
            "region": "admin1",
            "lat": "latitude",
            "lon": "longitude",
            "description": "notes",
            "tags": "sub_event_type",
        },
        required=("event_id_cnty", "event_date", "location", "latitude", "longitude", "source"),
        constants={
            "kind": "rally",
            "reporter": ACLED_ATTRIBUTION,
            "source_url": "https://acleddata.com/",
            "precision": "city",
        },
        # ACLED's `source` names the outlets it read; they are the report's outlets.
        templates={"source_note": "outlets: {source}"},
    ),
}


def preset_named(name: str) -> Preset:
    """The preset called ``name``, or an error listing the known ones."""
    if name not in PRESETS:
        raise DataError(f"--preset {name}: unknown; presets are: {', '.join(PRESETS)}")
    return PRESETS[name]


def apply_preset(
    frame: pd.DataFrame, preset: Preset, name: str
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Add the preset's built columns to ``frame``; return it and the full mapping.

    Built columns are named ``preset:<field>`` so they cannot clash with the file's own.
    """
    absent = [c for c in preset.required if c not in frame.columns]
    if absent:
        raise DataError(
            f"--preset {name}: the file lacks column(s) {', '.join(absent)} of {preset.about}"
        )
    mapping = {k: v for k, v in preset.mapping.items() if v in frame.columns}
    built: dict[str, pd.Series] = {}
    for target, template in preset.templates.items():
        built[f"preset:{target}"] = _fill(frame, template)
        mapping[target] = f"preset:{target}"
    return frame.assign(**built), mapping


def _fill(frame: pd.DataFrame, template: str) -> pd.Series:
    """The template per row; empty where every placeholder's cell is empty."""
    text = pd.Series("", index=frame.index, dtype="object")
    given = pd.Series(False, index=frame.index)
    for literal, column, _, _ in string.Formatter().parse(template):
        text = text + literal
        if column:
            cells = frame[column].astype("object")
            given |= cells.notna()
            text = text + cells.fillna("")
    return text.where(given, None)
