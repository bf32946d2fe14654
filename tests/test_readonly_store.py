"""Serving never writes into the store: the data folder may be a read-only volume.

Version snapshots for pinned links are the writer's job (``protestmap build``/``ingest``),
including one for a store whose current version predates snapshots.
"""

import shutil
import stat
from pathlib import Path

import pytest
from ingesting import ingest_one_rally

from app import create_app
from geodata import store
from geodata.settings import Settings


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder below ``folder`` with its size and modification time."""
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in [folder, *folder.rglob("*")]
    }


def set_writable(folder: Path, writable: bool) -> None:
    write = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~write)


@pytest.fixture
def read_only(built_store, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(built_store, data_dir)
    shutil.rmtree(data_dir / store.VERSIONS_DIR)  # no snapshot of the current version either
    set_writable(data_dir, False)
    yield data_dir
    set_writable(data_dir, True)


def test_the_app_serves_a_read_only_store_without_writing(read_only, tmp_path):
    before = tree(read_only)
    version = store.read_metadata(read_only / "incidents.parquet")["data_version"]
    client = create_app(Settings(data=read_only, cache=tmp_path / "cache")).server.test_client()
    for url in (
        "/",
        "/?region=RU-PER",
        "/compare?places=RU-PER",
        "/embed?region=RU-PER",
        "/download/regions.csv",
        f"/download/incidents.csv?v={version}",
    ):
        assert client.get(url).status_code == 200, url
    assert tree(read_only) == before


def test_the_writer_keeps_the_version_it_replaces(built_store, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(built_store, data_dir)
    shutil.rmtree(data_dir / store.VERSIONS_DIR)  # a store from before snapshots existed
    old = store.read_metadata(data_dir / "incidents.parquet")["data_version"]
    new = ingest_one_rally(data_dir, tmp_path)
    kept = {path.stem for path in (data_dir / store.VERSIONS_DIR).glob("*.parquet")}
    assert {old, new} <= kept and old != new
