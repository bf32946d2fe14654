from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from bench import synthetic
from geodata import schema, store
from geodata.boundaries import assign_regions
from geodata.ingest import IngestOptions, ingest_file
from geodata.readers import read_input

N = 2_000


@pytest.fixture(scope="module")
def pool(regions, gazetteer) -> pd.DataFrame:
    return synthetic.city_pool(regions, gazetteer)


def test_pool_holds_only_federal_subjects_and_weights_by_population(pool, regions):
    federal = set(regions.loc[regions["status"] == "federal_subject", "region_code"])
    assert set(pool["region_code"]) <= federal
    assert pool["region_code"].nunique() > 70
    assert (pool["population"] >= synthetic.MIN_POPULATION).all()


def test_same_seed_same_store_other_seed_other_store(tmp_path, reference_dir):
    versions = [
        synthetic.write_store(N, tmp_path / name, seed=seed, data=reference_dir)
        for name, seed in (("a", 1), ("b", 1), ("c", 2))
    ]
    assert versions[0] == versions[1] != versions[2]
    a = (tmp_path / "a" / "incidents.parquet").read_bytes()
    assert a == (tmp_path / "b" / "incidents.parquet").read_bytes()


def test_store_reads_back_labelled_synthetic_and_inside_named_regions(tmp_path, reference_dir):
    synthetic.write_store(N, tmp_path / "s", seed=7, data=reference_dir)
    path = tmp_path / "s" / "incidents.parquet"
    frame = store.read_incidents(path)
    assert len(frame) == N and list(frame.columns) == [*schema.INCIDENT_COLUMNS, "geometry"]
    assert store.read_metadata(path)["synthetic"] is True
    assert (frame["campaign"] == "synthetic-7").all()
    sources = pd.DataFrame([s for row in frame["sources"] for s in row])
    assert (sources["reporter"] == "synthetic").all()
    assert sources["url"].str.startswith("https://synthetic.invalid/").all()
    regions = store.read_regions(tmp_path / "s" / "regions.parquet")
    inside = assign_regions(gpd.GeoSeries(frame.geometry, crs=schema.CRS), regions)
    assert (inside.to_numpy() == frame["region_code"].to_numpy()).all()
    assert frame["detained"].isna().any() and frame["detained"].max() > 20
    assert frame["date"].dt.year.nunique() >= 5
    assert set(frame["tags"].explode().dropna()) <= set(schema.TAGS)


def test_refuses_to_write_into_the_real_store(reference_dir):
    with pytest.raises(Exception, match="real store"):
        synthetic.write_store(10, synthetic.PROJECT_ROOT / "data", seed=0, data=reference_dir)


@pytest.mark.parametrize("geocode", [True, False], ids=["city-names", "coordinates"])
def test_csv_ingests_without_rejects(
    tmp_path, data_dir, reference_dir, regions, gazetteer, geocode
):
    path = tmp_path / "reports.csv"
    synthetic.write_reports_csv(500, path, seed=3, data=reference_dir, geocode=geocode)
    raw = read_input(path).frame
    assert len(raw) == 500 and (raw["reporter"] == "synthetic").all()
    assert raw["city" if geocode else "lat"].notna().all()
    result = ingest_file(
        path,
        incidents_path=data_dir / "incidents.parquet",
        regions=regions,
        gazetteer=gazetteer,
        options=IngestOptions(),
    )
    assert result.rejected.empty and result.accepted == 500
    stored = store.read_incidents(data_dir / "incidents.parquet")
    assert (stored["campaign"] == "synthetic-3").all()
