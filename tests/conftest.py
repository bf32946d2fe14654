"""Shared fixtures: real regions built once per session from the shared Natural Earth subset."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest

from geodata import boundaries, store
from geodata.geocoding import Gazetteer
from geodata.settings import PROJECT_ROOT

SHARED_GEODATA = PROJECT_ROOT.parent / "shared" / "geodata"
ADMIN1 = SHARED_GEODATA / "ne_10m_admin1_russia_and_occupied_ua.geojson"
ADMIN0 = SHARED_GEODATA / "ne_10m_admin0_russia_and_neighbours.geojson"
PROTESTMAP = Path(sys.executable).with_name("protestmap")


@pytest.fixture(scope="session")
def reference_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding only regions.parquet and countries.parquet."""
    folder = tmp_path_factory.mktemp("reference")
    regions, countries = boundaries.build_boundary_tables(ADMIN1, ADMIN0, folder / "cache")
    store.write_geo_table(regions, folder / "regions.parquet", meta={"boundaries": str(ADMIN1)})
    store.write_geo_table(countries, folder / "countries.parquet", meta={"boundaries": str(ADMIN0)})
    return folder


@pytest.fixture(scope="session")
def regions(reference_dir: Path) -> gpd.GeoDataFrame:
    return store.read_regions(reference_dir / "regions.parquet")


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory, reference_dir: Path) -> Path:
    """Regions from the shared Natural Earth subset plus the seed data, via `protestmap build`.

    Shared read-only: a test that changes a store copies this one first.
    """
    folder = tmp_path_factory.mktemp("built-store")
    for name in ("regions.parquet", "countries.parquet"):
        shutil.copy(reference_dir / name, folder / name)
    env = {**os.environ, "PROTESTMAP_DATA": str(folder)}
    done = subprocess.run([str(PROTESTMAP), "build"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def copied_store(built_store: Path, tmp_path: Path) -> Path:
    """A copy of the built store that the test may change (e.g. ingest into)."""
    folder = tmp_path / "data"
    shutil.copytree(built_store, folder)
    return folder


@pytest.fixture
def data_dir(tmp_path: Path, reference_dir: Path) -> Path:
    """An empty store (regions only) of the test's own."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("regions.parquet", "countries.parquet"):
        shutil.copy(reference_dir / name, folder / name)
    return folder


@pytest.fixture
def run_cli(data_dir: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed `protestmap` command as a user would, against ``data_dir``."""

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PROTESTMAP_DATA": str(data_dir), "COLUMNS": "200"}
        done = subprocess.run(
            [str(PROTESTMAP), *args], capture_output=True, text=True, env=env, timeout=300
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"protestmap {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
            )
        return done

    return run
