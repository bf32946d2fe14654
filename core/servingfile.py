"""The serving file: one data version's prepared incidents as Arrow IPC, memory-mapped.

Preparing a million stored incidents (``core.prepared.prepare_incidents``) takes seconds and
each process that does it holds its own copy: with N gunicorn workers, N copies and N
start-ups. The prepared columns are therefore written once per data version, uncompressed
(``geodata.store.write_mapped_table``), and opened with a memory map: numbers and text stay
in the file's pages, which the OS shares between every process that maps the file, and a
worker's start-up no longer reads or prepares anything.

The writer (``protestmap build``/``ingest``) leaves ``serving/<version>.arrow`` beside the
store, and in an object store's bucket (a server copies it once per version, with the other
tables). A store without one (written by an older protestmap or by the benchmarks' generator)
gets it built by the first server that loads the version, into its cache folder.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa

from core.prepared import prepare_incidents, tuples_of
from geodata import store

FOLDER = "serving"
#: Part of the file name: change it whenever ``prepare_incidents`` changes what it makes, so
#: files of the old shape are never read as the new one.
FORMAT = "p1"
#: Columns kept as Arrow in the file and rebuilt on open (tuples and list arrays).
_LISTS = ("tags", "sources")
#: Serving files a server keeps in its cache (each is ~400 MB at a million incidents).
CACHED = 4
#: Schema metadata key: the prepared frame's column order.
_ORDER = b"protestmap:columns"


def file_name(version: str, regions: pd.DataFrame) -> str:
    """The serving file of a data version over these regions (their status is prepared in)."""
    status = sorted(zip(regions["region_code"], regions["status"], strict=True))
    digest = hashlib.sha256(repr(status).encode()).hexdigest()[:8]
    return f"{version}.{digest}.{FORMAT}.arrow"


def serving_table(stored: pa.Table, prepared: pd.DataFrame) -> pa.Table:
    """The prepared frame as Arrow; tags and sources as stored (same rows, same order)."""
    table = pa.Table.from_pandas(prepared.drop(columns=list(_LISTS)), preserve_index=False)
    for name in _LISTS:
        table = table.append_column(name, stored[name])
    order = json.dumps(list(prepared.columns)).encode()
    return table.replace_schema_metadata({**table.schema.metadata, _ORDER: order})


def prepared_frame(table: pa.Table) -> pd.DataFrame:
    """The prepared frame over a (memory-mapped) serving table, copying as little as it can.

    Text stays Arrow-backed (pandas' ``str``), numbers without nulls are views of the map;
    only nullable integers and the tag tuples are built in memory.
    """
    out = table.drop_columns(list(_LISTS)).to_pandas(split_blocks=True)
    out["tags"] = tuples_of(table["tags"].combine_chunks())
    out["sources"] = pd.arrays.ArrowExtensionArray(table["sources"])
    return out[json.loads(table.schema.metadata[_ORDER])]


def prepared_incidents(
    incidents_path: Path, regions: pd.DataFrame, *, places: list[Path], cache: Path | None
) -> pd.DataFrame:
    """The prepared incidents of ``incidents_path``, from its serving file when one exists.

    ``places`` are the folders where a writer may have left the file; without one, the
    incidents are prepared here and, when ``cache`` is given, written there and mapped back,
    so other processes that load this version share it.
    """
    version = str(store.read_metadata(incidents_path)["data_version"])
    name = file_name(version, regions)
    for folder in [*places, *([cache] if cache else [])]:
        if (folder / name).exists():
            return prepared_frame(store.open_mapped_table(folder / name))
    stored = store.read_incidents_arrow(incidents_path).combine_chunks()
    prepared = prepare_incidents(stored, regions)
    if cache is None:
        return prepared
    try:
        path = store.write_mapped_table(serving_table(stored, prepared), cache / name)
    except OSError:  # a read-only cache: serve from memory
        return prepared
    del stored, prepared
    _prune(cache, keep=path)
    return prepared_frame(store.open_mapped_table(path))


def _prune(cache: Path, *, keep: Path) -> None:
    """Keep the newest ``CACHED`` serving files a server built.

    A removed file stays readable by the processes that mapped it until they let it go.
    """
    files = sorted(cache.glob("*.arrow"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in [f for f in files if f != keep][CACHED - 1 :]:
        old.unlink(missing_ok=True)


def write_serving_file(data_dir: Path, regions: pd.DataFrame) -> Path:
    """Write the serving file of the store's current version beside it (the writer's step).

    Files of earlier versions are removed: pinned versions are prepared by the server that
    needs them, into its cache.
    """
    incidents_path = data_dir / "incidents.parquet"
    version = str(store.read_metadata(incidents_path)["data_version"])
    folder = data_dir / FOLDER
    target = folder / file_name(version, regions)
    if not target.exists():
        stored = store.read_incidents_arrow(incidents_path).combine_chunks()
        store.write_mapped_table(serving_table(stored, prepare_incidents(stored, regions)), target)
    for old in folder.glob("*.arrow"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
