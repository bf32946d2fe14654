"""Read a user's file (CSV, GeoJSON, GeoParquet) into a frame of text cells, one per record.

Everything comes back as strings (or None) with a ``row`` column that numbers records the way a
spreadsheet does (header = row 1), so every later error can name the row it is about.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.csvfiles import read_csv_cells
from geodata.errors import DataError, first_line
from geodata.personal import personal_columns
from geodata.schema import INPUT_FIELDS

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
GEOJSON_SUFFIXES = {".geojson", ".json"}
PARQUET_SUFFIXES = {".parquet", ".geoparquet"}
#: What R, spreadsheets and databases write for "no value" (compared upper-cased).
MISSING_TOKENS = frozenset({"", "NA", "N/A", "#N/A", "NULL", "-", "—"})


@dataclass(frozen=True)
class RawInput:
    """A file's records as text, with what was detected about the file."""

    frame: pd.DataFrame
    encoding: str | None
    delimiter: str | None


def read_input(
    path: Path, *, encoding: str | None = None, delimiter: str | None = None
) -> RawInput:
    """Read any supported input file into text cells plus a ``row`` number."""
    if not path.exists():
        raise DataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        frame, used, sep = read_csv_cells(path, encoding, delimiter)
        return RawInput(_finish(frame), used, sep)
    if suffix in GEOJSON_SUFFIXES:
        return RawInput(_from_geo(_read_geojson(path)), None, None)
    if suffix in PARQUET_SUFFIXES:
        return RawInput(_from_parquet(path), None, None)
    raise DataError(
        f"{path}: unsupported file type '{suffix}'; use CSV (.csv), GeoJSON (.geojson) "
        "or GeoParquet (.parquet)"
    )


def _from_geo(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Take attributes as text; Point geometry becomes lat/lon, anything else is flagged."""
    geometry = frame.geometry
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    is_point = (geometry.geom_type == "Point").to_numpy()
    points = geometry.to_numpy()
    attributes["lon"] = np.where(is_point, shapely.get_x(points), None)
    attributes["lat"] = np.where(is_point, shapely.get_y(points), None)
    attributes["_geometry_type"] = np.where(
        is_point | geometry.isna().to_numpy(), None, geometry.geom_type.to_numpy()
    )
    return _finish(attributes.astype("object").map(_as_text))


def _read_geojson(path: Path) -> gpd.GeoDataFrame:
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        return gpd.read_file(path)
    except (DataSourceError, DataLayerError, ValueError) as exc:
        raise DataError(f"{path}: not a readable GeoJSON file: {first_line(exc)}") from exc


def _from_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
        if b"geo" in metadata:
            return _from_geo(gpd.read_parquet(path))
        return _finish(pd.read_parquet(path).astype("object").map(_as_text))
    except (OSError, ValueError) as exc:  # ArrowInvalid is a ValueError
        raise DataError(f"{path}: not a readable Parquet file: {first_line(exc)}") from exc


def _as_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime | pd.Timestamp) and value == value.replace(
        hour=0, minute=0, second=0, microsecond=0
    ):
        return value.date().isoformat()  # GeoJSON readers turn date strings into datetimes
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        return ";".join(str(v) for v in value.tolist())
    return str(value)


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip every cell, read blanks and missing-value tokens as missing, number the rows.

    Cells are text (or missing) by now; the strip runs column-wise on pandas' Arrow-backed
    string dtype, which is much faster than a Python call per cell on large files.
    """
    text = frame.astype("str").apply(lambda column: column.str.strip())
    text = text.where(~text.apply(lambda column: column.str.upper().isin(MISSING_TOKENS)))
    frame = pd.DataFrame(
        {i: _shared_strings(text.iloc[:, i]) for i in range(text.shape[1])}, index=text.index
    )
    frame.columns = [str(c).strip() for c in text.columns]
    frame.insert(0, "row", range(2, len(frame) + 2))
    return frame


def _shared_strings(column: pd.Series) -> np.ndarray:
    """The column as Python strings (None if missing), one object per distinct value.

    Input columns repeat few values (kinds, dates, cities), and a million separate copies
    of "detention" would cost tens of megabytes per column.
    """
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    return np.append(np.asarray(distinct, dtype=object), np.array([None], dtype=object))[codes]


def read_mapping_file(path: Path) -> dict[str, str]:
    """Read a ``{field: column}`` mapping from a JSON or TOML file."""
    try:
        data = (
            tomllib.loads(path.read_text("utf-8"))
            if path.suffix == ".toml"
            else json.loads(path.read_text("utf-8"))
        )
    except (OSError, ValueError) as exc:
        raise DataError(f"--mapping {path}: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise DataError(f'--mapping {path}: expected an object of field = "column" pairs')
    return {str(k): v for k, v in data.items()}


def parse_map_options(options: tuple[str, ...], flag: str = "--map") -> dict[str, str]:
    """Turn ``--map FIELD=COLUMN`` (or ``--set FIELD=VALUE``) options into a dict."""
    mapping = {}
    for option in options:
        field, sep, column = option.partition("=")
        if not sep or not field.strip() or not column.strip():
            shape, example = (
                ("FIELD=COLUMN", "date=Дата") if flag == "--map" else ("FIELD=VALUE", "kind=rally")
            )
            raise DataError(f"{flag} {option!r}: expected {shape}, e.g. {flag} {example}")
        mapping[field.strip()] = column.strip()
    return mapping


def taken_by_name(
    frame: pd.DataFrame, mapping: dict[str, str], drop: tuple[str, ...]
) -> dict[str, str]:
    """Fields not mapped explicitly whose name a column has (case-insensitively, not dropped)."""
    by_lower = {str(c).lower(): c for c in frame.columns if c not in drop and c != "row"}
    return {f: by_lower[f] for f in INPUT_FIELDS if f not in mapping and f in by_lower}


def apply_mapping(
    frame: pd.DataFrame,
    mapping: dict[str, str],
    *,
    drop: tuple[str, ...] = (),
    constants: dict[str, str] | None = None,
    unused: Collection[str] = (),
) -> pd.DataFrame:
    """Rename the file's columns to protestmap's input fields.

    Columns already named like a field are taken as they are (case-insensitively), unless
    dropped; a column mapped explicitly is read even when dropped (``--map city=region --drop
    region`` reads the column as the city and not as the region). ``constants`` fill a field
    wherever the file gives no value; ``unused`` fields are not taken by name (their column
    does not hold what the field means). Columns that look like personal data are refused
    unless dropped.
    """
    constants = constants or {}
    for flag, given in (("--map", mapping), ("--set", constants)):
        unknown = sorted(set(given) - set(INPUT_FIELDS))
        if unknown:
            raise DataError(
                f"{flag}: unknown field(s) {', '.join(unknown)}; "
                f"fields are: {', '.join(INPUT_FIELDS)}"
            )
    absent = [c for c in dict.fromkeys([*mapping.values(), *drop]) if c not in frame.columns]
    if absent:
        raise DataError(
            f"column(s) {', '.join(absent)} not in the file; its columns are: "
            f"{', '.join(c for c in frame.columns if c != 'row')}"
        )
    kept = [c for c in frame.columns if c != "row" and (c not in drop or c in mapping.values())]
    personal = personal_columns(frame, kept)
    if personal:
        raise DataError(
            f"column(s) {', '.join(personal)} look like personal data about people (by their "
            "name or their values, e.g. full names); protestmap stores no names of detainees. "
            "Remove them, or pass --drop COLUMN for each."
        )
    by_name = taken_by_name(frame, mapping, drop)
    columns = {"row": frame["row"]}
    for field in INPUT_FIELDS:
        source = mapping.get(field) or (by_name.get(field) if field not in unused else None)
        if source is not None:
            columns[field] = frame[source]
    if "_geometry_type" in frame.columns:
        columns["_geometry_type"] = frame["_geometry_type"]
    out = pd.DataFrame(columns)
    for field in INPUT_FIELDS:
        if field not in out.columns:
            out[field] = None
    out = out.astype("object")
    for field, value in constants.items():
        out[field] = out[field].where(out[field].notna(), value)
    return out
