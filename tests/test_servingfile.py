"""The serving file: prepared incidents written once per version and memory-mapped by servers."""

import shutil

import pandas as pd
import pyarrow as pa
from ingesting import ingest_one_rally

from core import servingfile
from core.dataset import read_dataset
from core.prepared import prepare_incidents
from geodata import store


def assert_same_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert (got.dtypes == expected.dtypes).all()
    for name in expected.columns:
        if name == "sources":
            assert pa.array(got[name].array).equals(pa.array(expected[name].array))
        else:
            pd.testing.assert_series_equal(got[name], expected[name], check_exact=True)


def prepared_here(folder):
    regions = store.read_regions(folder / "regions.parquet")
    stored = store.read_incidents_arrow(folder / "incidents.parquet").combine_chunks()
    return regions, prepare_incidents(stored, regions)


def test_the_writer_leaves_one_serving_file_that_maps_back_to_the_prepared_frame(built_store):
    regions, expected = prepared_here(built_store)
    version = store.read_metadata(built_store / "incidents.parquet")["data_version"]
    files = list((built_store / servingfile.FOLDER).glob("*.arrow"))
    assert [f.name for f in files] == [servingfile.file_name(version, regions)]
    before = pa.total_allocated_bytes()
    table = store.open_mapped_table(files[0])
    assert pa.total_allocated_bytes() - before == 0  # the map, not a copy in Arrow's pool
    assert_same_frame(servingfile.prepared_frame(table), expected)


def test_an_ingest_replaces_the_serving_file_with_the_new_versions(copied_store, tmp_path):
    new = ingest_one_rally(copied_store, tmp_path)
    files = [f.name for f in (copied_store / servingfile.FOLDER).glob("*.arrow")]
    assert len(files) == 1 and files[0].startswith(f"{new}.")
    data = read_dataset(copied_store, copied_store / "incidents.parquet")
    assert data.version == new
    assert_same_frame(data.incidents, prepared_here(copied_store)[1])


def test_a_server_builds_a_missing_serving_file_once_into_its_cache(copied_store, tmp_path):
    shutil.rmtree(copied_store / servingfile.FOLDER)  # a store from before serving files
    cache = tmp_path / "cache"
    first = read_dataset(copied_store, copied_store / "incidents.parquet", cache=cache)
    built = list(cache.glob("*.arrow"))
    assert len(built) == 1
    stamp = built[0].stat().st_mtime_ns
    again = read_dataset(copied_store, copied_store / "incidents.parquet", cache=cache)
    assert built[0].stat().st_mtime_ns == stamp  # mapped, not rebuilt
    assert not (copied_store / servingfile.FOLDER).exists()  # the store was not written
    expected = prepared_here(copied_store)[1]
    assert_same_frame(first.incidents, expected)
    assert_same_frame(again.incidents, expected)
