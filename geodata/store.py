"""The GeoParquet store: the only module that reads or writes protestmap's tables.

Incidents are written sorted by date (then region) in 50k-row groups with GeoArrow point
encoding, so a date filter skips whole row groups and a bbox read touches little. Every write
goes to a temporary file in the same folder and is renamed over the old one only when complete:
a failed or killed write leaves the previous store byte-identical.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# geopandas' own converter is the one place that builds valid GeoParquet 'geo' metadata for
# GeoArrow encoding; the public to_parquet() cannot take an explicit Arrow schema.
from geopandas.io.arrow import _geopandas_to_arrow

from geodata import schema
from geodata.errors import SchemaError

ROW_GROUP_SIZE = 50_000
#: Folder (inside the data folder) keeping one snapshot per data version, for pinned links.
VERSIONS_DIR = "versions"
_VERSION = re.compile(r"^[0-9a-f]{12}$")
# Counts may be unknown: keep them as nullable integers rather than floats with NaN.
_NULLABLE_INTS = {pa.int64(): pd.Int64Dtype()}


#: Temporary files and folders carry their writer's process id, so a later run can tell the
#: leftovers of a killed process (kill -9 runs no cleanup) from the work of a live one.
_LEFTOVER = re.compile(r"^\.(?:.+\.(?P<pid>\d+)\.[^.]+\.tmp|protestmap-ingest-(?P<ingest>\d+)-.+)$")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary path beside ``path``; rename it over ``path`` only on success.

    The caller creates the file, so it gets the mode any new file gets (the umask's), not
    a private temporary file's 0600: a store written by one user (an operator's ingest) stays
    readable by the server's user when the umask allows it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def work_folder(data_dir: Path) -> str:
    """A fresh private folder inside the data folder for one ingest's temporary files.

    Kept beside the store rather than in /tmp, so ``sweep_leftovers`` finds it after a kill.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix=f".protestmap-ingest-{os.getpid()}-", dir=data_dir)


def sweep_leftovers(data_dir: Path) -> list[Path]:
    """Remove temporary files and folders that killed processes left in the data folder.

    Only entries named by ``atomic_path`` or ``work_folder`` are touched, and only when the
    process that made them is gone; returns what was removed.
    """
    removed = []
    for folder in (data_dir, data_dir / VERSIONS_DIR):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            match = _LEFTOVER.match(entry.name)
            if not match or _alive(int(match["pid"] or match["ingest"])):
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def incidents_to_arrow(frame: gpd.GeoDataFrame) -> pa.Table:
    """Convert an incident frame to an Arrow table with exactly the store's schema.

    Raises SchemaError naming the columns that are missing or cannot take the stored type.
    """
    missing = [c for c in schema.INCIDENT_COLUMNS if c not in frame.columns]
    if missing or frame.geometry.name != "geometry":
        raise SchemaError(f"incident frame lacks columns {missing or ['geometry']}")
    if len(frame) and not (frame.geometry.geom_type == "Point").all():
        raise SchemaError("incident geometry must be Point (EPSG:4326)")
    try:
        attributes = pa.Table.from_pandas(
            frame[list(schema.INCIDENT_COLUMNS)],
            schema=schema.INCIDENT_FIELDS,
            preserve_index=False,
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SchemaError(f"incident frame does not match the store schema: {exc}") from exc
    geo = _geopandas_to_arrow(
        frame[["geometry"]].set_crs(schema.CRS, allow_override=True).reset_index(drop=True),
        geometry_encoding="geoarrow",
    )
    table = attributes.append_column(geo.schema.field("geometry"), geo.column("geometry"))
    return table.replace_schema_metadata({b"geo": geo.schema.metadata[b"geo"]})


def sort_incidents(table: pa.Table) -> pa.Table:
    """Order rows by date, region and id: date filters then skip whole row groups."""
    return table.sort_by(
        [("date", "ascending"), ("region_code", "ascending"), ("incident_id", "ascending")]
    )


class _Digest(io.RawIOBase):
    """A write-only stream that hashes what is written and keeps none of it."""

    def __init__(self) -> None:
        super().__init__()
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.sha256.update(data)
        return memoryview(data).nbytes


def data_version(table: pa.Table) -> str:
    """A content hash of the rows (not of file bytes or metadata): same data, same version.

    The rows' Arrow IPC stream is hashed as it is written, never held: at a million
    incidents a buffered copy was a few hundred MB more.
    """
    digest = _Digest()
    with pa.ipc.new_stream(digest, table.schema.remove_metadata()) as writer:
        writer.write_table(table.replace_schema_metadata(None))
    return digest.sha256.hexdigest()[:12]


def write_incidents(
    frame: gpd.GeoDataFrame, path: Path, *, provenance: dict[str, Any] | None = None
) -> str:
    """Validate, sort and atomically write incidents; return the new data version.

    A caller that hands over its only reference to ``frame`` (the ingest does) lets it be
    freed once converted, before the sort copies the table: at a million incidents the frame
    and two tables at once were the peak memory of an ingest.
    """
    table = incidents_to_arrow(frame)
    del frame
    table = sort_incidents(table)
    version = data_version(table)
    meta = {
        "schema_version": schema.SCHEMA_VERSION,
        "data_version": version,
        "rows": table.num_rows,
        **(provenance or {}),
    }
    table = table.replace_schema_metadata(
        {**table.schema.metadata, schema.METADATA_KEY: json.dumps(meta).encode()}
    )
    keep_replaced_version(path)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, row_group_size=ROW_GROUP_SIZE, compression="zstd")
    snapshot_version(path, version)
    return version


def keep_replaced_version(path: Path) -> None:
    """Snapshot the incidents file about to be replaced, if its version has no snapshot yet.

    Stores written before snapshots existed have none for their current version; taking it
    here, in the writer, keeps links pinned to it working without the server ever writing.
    """
    if path.exists():
        version = read_metadata(path).get("data_version")
        if isinstance(version, str) and _VERSION.match(version):
            snapshot_version(path, version)


def version_path(data_dir: Path, version: str) -> Path:
    """Where the snapshot of one data version lives; refuses anything but a version hash."""
    if not _VERSION.match(version):
        raise SchemaError(f"'{version}' is not a data version (12 hexadecimal characters)")
    return data_dir / VERSIONS_DIR / f"{version}.parquet"


def snapshot_version(path: Path, version: str) -> Path:
    """Keep a copy of the incidents file as ``versions/<version>.parquet`` (once per version).

    Pinned links read that copy, so they keep their numbers after new data is ingested. A hard
    link costs no space: writers replace the incidents file with a new inode, never in place.
    """
    target = version_path(path.parent, version)
    if not target.exists():
        with atomic_path(target) as tmp:
            try:
                os.link(path, tmp)
            except OSError:  # a file system without hard links
                shutil.copyfile(path, tmp)
    return target


def read_version(data_dir: Path, version: str) -> gpd.GeoDataFrame:
    """The incidents exactly as they were at ``version`` (a snapshot kept by the writer)."""
    path = version_path(data_dir, version)
    if not path.exists():
        raise SchemaError(f"data version {version} is not kept in {path.parent}")
    return read_incidents(path)


def read_metadata(path: Path) -> dict[str, Any]:
    """Protestmap's metadata of a stored table (data version, row count, provenance)."""
    raw = pq.read_schema(path).metadata or {}
    if schema.METADATA_KEY not in raw:
        raise SchemaError(
            f"{path} was not written by protestmap (no '{schema.METADATA_KEY.decode()}' metadata)"
        )
    return json.loads(raw[schema.METADATA_KEY])


def read_incidents_arrow(
    path: Path, *, columns: Sequence[str] | None = None, filters: Any = None
) -> pa.Table:
    """Read incidents as Arrow, checking the stored columns against the schema."""
    if not path.exists():
        raise SchemaError(f"{path} does not exist; run `protestmap build` first")
    stored = pq.read_schema(path)
    expected = [*schema.INCIDENT_COLUMNS, "geometry"]
    absent = [c for c in expected if c not in stored.names]
    if set(absent) - set(schema.ADDED_COLUMNS):
        raise SchemaError(f"{path} lacks columns {absent}; rebuild it with `protestmap build`")
    names = [*stored.names, *absent] if columns is None else list(columns)
    table = pq.read_table(path, columns=[c for c in names if c not in absent], filters=filters)
    for name in [c for c in names if c in absent]:
        table = table.append_column(
            schema.INCIDENT_FIELDS.field(name), pa.nulls(len(table), pa.string())
        )
    return table


def read_incidents(
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    filters: Any = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    """Read incidents as a GeoDataFrame (``date`` as datetime64, lists as Python lists)."""
    read_incidents_arrow(path, columns=[])  # schema check only
    stored = set(pq.read_schema(path).names)
    wanted = (
        None
        if columns is None
        else [c for c in dict.fromkeys([*columns, "geometry"]) if c in stored]
    )
    frame = gpd.read_parquet(
        path,
        columns=wanted,
        filters=filters,
        bbox=bbox,
        to_pandas_kwargs={"types_mapper": _NULLABLE_INTS.get},
    )
    if "date" in frame.columns:
        frame["date"] = frame["date"].astype("datetime64[s]")
    for name in schema.ADDED_COLUMNS:
        if name not in frame.columns and (columns is None or name in columns):
            frame[name] = pd.Series(None, index=frame.index, dtype="object")
    return frame


def write_geo_table(frame: gpd.GeoDataFrame, path: Path, *, meta: dict[str, Any]) -> None:
    """Atomically write a reference layer (regions, countries) with protestmap metadata."""
    table = _geopandas_to_arrow(frame.reset_index(drop=True), geometry_encoding="WKB")
    payload = {"schema_version": schema.SCHEMA_VERSION, **meta}
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), schema.METADATA_KEY: json.dumps(payload).encode()}
    )
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")


def read_geo_table(path: Path, *, required: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Read a reference layer, naming any required column it lacks."""
    if not path.exists():
        raise SchemaError(f"{path} does not exist; run `protestmap build` first")
    frame = gpd.read_parquet(path)
    absent = [c for c in required if c not in frame.columns]
    if absent:
        raise SchemaError(f"{path} lacks columns {absent}; rebuild it with `protestmap build`")
    return frame


def read_regions(path: Path) -> gpd.GeoDataFrame:
    """Regions with full-resolution ``geometry`` and simplified ``display`` geometry."""
    return read_geo_table(path, required=[*schema.REGION_COLUMNS, "geometry", "display"])


def read_countries(path: Path) -> gpd.GeoDataFrame:
    """The grey base layer of neighbouring countries (Crimea drawn as Ukraine)."""
    return read_geo_table(path, required=["country_code", "name_en", "display"])


def write_mapped_table(table: pa.Table, path: Path) -> Path:
    """Atomically write ``table`` as one uncompressed Arrow IPC (Feather v2) record batch.

    Uncompressed and in one batch, so a reader's memory map is the columns themselves: each
    column one contiguous buffer that numpy and pandas can view without copying.
    """
    with atomic_path(path) as tmp:
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table.combine_chunks(), max_chunksize=max(table.num_rows, 1))
    return path


def open_mapped_table(path: Path) -> pa.Table:
    """A table written by ``write_mapped_table``, memory-mapped.

    Pages are read on demand and shared by every process that maps the same file (they stay
    in the OS page cache), so N workers hold one copy.
    """
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
