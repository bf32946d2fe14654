"""Start-up preparation: the stored incidents flattened once for in-memory queries.

Everything here works on whole Arrow or numpy columns. The per-row Python of the first
version (tags, source dicts, "as of" dates, reporters) took about 25 s for a million
incidents; these take about 2 s (see docs/performance.md).
"""

from __future__ import annotations

from collections import Counter

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geodata.messages import N_
from geodata.schema import SOURCE_TYPE, TAGS

#: Bit of each tag in ``tag_bits``: a tag filter is one integer comparison per row.
#: The place label of reports that name a region but no city.
NO_CITY = N_("(no city: region-level reports)")
TAG_BITS = {tag: 1 << i for i, tag in enumerate(TAGS)}
#: Joins a row's tags into one dictionary key (tags are words of ``TAGS``, never this).
_SEPARATOR = "\x1f"


def prepare_incidents(
    incidents: gpd.GeoDataFrame | pa.Table, regions: pd.DataFrame
) -> pd.DataFrame:
    """Flatten stored incidents for fast in-memory queries (called once, at start-up).

    Adds ``lon``/``lat``, ``as_of_day`` (:func:`report_days`), a ``city_key`` (GeoNames
    id, else the place name, else the region for region-level reports), a ``city_label``,
    the region's ``status`` and ``tag_bits``; ``tags`` become tuples. ``sources`` stay
    Arrow-backed (an element is a list of dicts): a million Python lists of dicts would cost
    gigabytes and seconds. Whole-column operations only, so a million rows prepare in a few
    seconds. Accepts the stored Arrow table (``store.read_incidents_arrow``, the fast
    path) or a GeoDataFrame.
    """
    table = incidents if isinstance(incidents, pa.Table) else _to_arrow(incidents)
    out = table.drop_columns(["tags", "sources", "geometry"]).to_pandas(
        types_mapper={pa.int64(): pd.Int64Dtype()}.get, date_as_object=False
    )
    out["date"] = out["date"].astype("datetime64[s]")
    points = table["geometry"].combine_chunks()
    out["lon"] = points.field("x").to_numpy(zero_copy_only=False)
    out["lat"] = points.field("y").to_numpy(zero_copy_only=False)
    tags = table["tags"].combine_chunks()
    out["tags"] = tuples_of(tags)
    out["sources"] = pd.arrays.ArrowExtensionArray(table["sources"])
    out["tag_bits"] = _tag_bits(tags)
    out["as_of_day"] = report_days(out)
    name = out["city_en"].fillna(out["city_ru"])
    out["city_key"] = np.where(
        out["geonameid"].notna(),
        out["geonameid"].astype("string").fillna(""),
        np.where(name.notna(), "n:" + name.fillna(""), "r:" + out["region_code"]),
    ).astype(str)
    out["city_label"] = name.fillna(NO_CITY).astype(str)
    status = dict(zip(regions["region_code"], regions["status"], strict=True))
    out["status"] = out["region_code"].map(status).fillna("unknown").astype(str)
    return out.reset_index(drop=True)


def _to_arrow(frame: gpd.GeoDataFrame) -> pa.Table:
    """A GeoDataFrame of incidents as the Arrow shape the store holds (lists, x/y points)."""
    plain = pd.DataFrame(frame.drop(columns=[frame.geometry.name, "tags", "sources"]))
    table = pa.Table.from_pandas(plain, preserve_index=False)
    tags = [list(t) if t is not None else None for t in frame["tags"]]
    sources = [[dict(s) for s in row] if row is not None else [] for row in frame["sources"]]
    points = pa.StructArray.from_arrays(
        [pa.array(frame.geometry.x.to_numpy()), pa.array(frame.geometry.y.to_numpy())],
        names=["x", "y"],
    )
    return (
        table.append_column("tags", pa.array(tags, pa.list_(pa.string())))
        .append_column("sources", pa.array(sources, pa.list_(SOURCE_TYPE)))
        .append_column("geometry", points)
    )


def tuples_of(tags: pa.ListArray) -> np.ndarray:
    """Tags as one tuple per row; rows with the same tags share one tuple.

    A million rows hold a few hundred combinations: each is built once and the rows take it
    by its dictionary code (building a tuple per tagged row took 1.6 s at a million).
    """
    joined = pc.fill_null(pc.binary_join(tags, _SEPARATOR), "").dictionary_encode()
    kinds = np.empty(len(joined.dictionary), dtype=object)
    for i, kind in enumerate(joined.dictionary.to_pylist()):
        kinds[i] = tuple(kind.split(_SEPARATOR)) if kind else ()
    return kinds[joined.indices.to_numpy(zero_copy_only=False)]


def _tag_bits(tags: pa.ListArray) -> np.ndarray:
    """``TAG_BITS`` summed per row, without a Python loop."""
    flat = pc.list_flatten(tags)
    rows = pc.list_parent_indices(tags).to_numpy()
    index = pc.index_in(flat, value_set=pa.array(list(TAGS))).to_numpy(zero_copy_only=False)
    known = ~np.isnan(index.astype(float))
    bits = np.left_shift(1, index[known].astype("int64"))
    return np.bincount(rows[known], weights=bits, minlength=len(tags)).astype("int64")


def _flat_sources(incidents: pd.DataFrame) -> pa.Array | None:
    """Every source report of every incident, as one Arrow struct array (no Python loop)."""
    sources = pa.array(incidents["sources"].array)  # Arrow-backed: no copy
    if isinstance(sources, pa.ChunkedArray):
        sources = sources.combine_chunks()
    flat = pc.list_flatten(sources)
    return flat if pa.types.is_struct(flat.type) else None


def source_reporters(incidents: pd.DataFrame) -> Counter[str]:
    """Source reports per reporter ("unnamed sources" when blank), in order of first mention."""
    flat = _flat_sources(incidents)
    if flat is None or not len(flat):
        return Counter()
    names = flat.field("reporter") if flat.type.get_field_index("reporter") >= 0 else None
    if names is None:
        return Counter({"unnamed sources": len(flat)})
    blank = pc.fill_null(pc.equal(names, ""), True)
    counts = pc.value_counts(pc.if_else(blank, "unnamed sources", names))
    return Counter(
        dict(
            zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
        )
    )


def report_days(incidents: pd.DataFrame) -> np.ndarray:
    """Each incident's latest dated report ('as of' starting YYYY-MM-DD), in days; -1 if none."""
    sources = pa.array(incidents["sources"].array)  # Arrow-backed: no copy
    if isinstance(sources, pa.ChunkedArray):
        sources = sources.combine_chunks()
    latest = np.full(len(incidents), -1, dtype="int64")
    flat = pc.list_flatten(sources)
    if not pa.types.is_struct(flat.type) or flat.type.get_field_index("as_of") < 0:
        return latest
    parents = pc.list_parent_indices(sources).to_numpy()
    days = pc.strptime(
        pc.utf8_slice_codeunits(flat.field("as_of"), 0, 10), "%Y-%m-%d", "s", error_is_null=True
    )
    dated = pc.is_valid(days).to_numpy(zero_copy_only=False)
    values = pc.cast(days.filter(dated), pa.int64()).to_numpy() // 86_400
    np.maximum.at(latest, parents[dated], values)
    return latest


def data_as_of(incidents: pd.DataFrame, rows: np.ndarray | None = None) -> str | None:
    """The latest report date of the incidents at ``rows`` (all by default): how current they are.

    Uses the ``as_of_day`` column of prepared incidents, so a view's date is a max over its
    rows, not a pass over their sources.
    """
    days = (
        incidents["as_of_day"].to_numpy()
        if "as_of_day" in incidents.columns
        else report_days(incidents)
    )
    latest = (days if rows is None else days[rows]).max(initial=-1)
    return None if latest < 0 else str(np.datetime64(int(latest), "D"))
