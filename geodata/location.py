"""Where each checked input row is: its point, its city, its region, and any conflict among them.

The named place decides the region: a city found in GeoNames gives its GeoNames admin-1 (through
the crosswalk), a region hint or a region written inside the name gives that region. Coordinates
place the dot; they decide the region only when no place is named, and then by the
full-resolution outlines. A row whose coordinates disagree with its named place is flagged
(:data:`CONFLICT_KINDS`, explained in ``validate.REASONS``): accepted with a
``location_conflict`` note, or rejected when the rules are strict. See ``docs/geocoding.md``,
"Which region a row counts in".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.boundaries import assign_regions
from geodata.geocoding import FEDERAL_CITIES, Answer, Gazetteer, Miss, Place, RegionOnly
from geodata.namehints import region_mentions
from geodata.schema import CRS
from geodata.validate import Checked

#: Natural Earth's 1:10m coast is generalised: coastal towns can sit up to ~0.05° offshore.
SNAP_DEG = 0.05
#: Natural Earth's outlines are wrong near borders: of the 6,726 gazetteer places, 92 fall
#: outside their own region's outline, 90% of them within 9 km of it (Abakan 3.6 km, Khimki
#: 1.1 km, Podolsk 3.1 km). A point this close to its named region is not in "another region".
BORDER_KM = 10.0
DEFAULT_TOLERANCE_KM = 50.0
#: Kinds of location conflict; explained in ``validate.REASONS`` (they reject when strict).
CONFLICT_KINDS = ("far_from_place", "other_region")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_GEOD = pyproj.Geod(ellps="WGS84")
_CONFLICT_KIND = re.compile(r"(?:^|; )([a-z_]+): ")


@dataclass(frozen=True)
class LocationRules:
    """How far coordinates may stray from their named place, and what a conflict costs."""

    tolerance_km: float = DEFAULT_TOLERANCE_KM
    strict: bool = False  # reject conflicting rows instead of accepting them with a note


def locate(
    values: pd.DataFrame,
    checked: Checked,
    gazetteer: Gazetteer,
    regions: gpd.GeoDataFrame,
    rules: LocationRules | None = None,
) -> pd.DataFrame:
    """Give every checkable row a point, a city and a region, flagging what cannot be placed.

    Adds ``city_en``, ``city_ru``, ``geonameid``, ``region_code`` and ``location_conflict``.
    """
    rules = rules or LocationRules()
    out = values.copy()
    for column in ("city_en", "city_ru", "geonameid", "region_code", "_miss", "location_conflict"):
        out[column] = None
    has_point = out["lat"].notna() & out["lon"].notna()
    hints = _region_hints(out["region"], gazetteer)
    unknown = out["region"].notna() & hints.isna()
    checked.flag(unknown, "unknown_region", "region = " + out.loc[unknown, "region"].astype(str))
    unnamed = out["city"].isna() & out["region"].isna() & out["place"].notna()
    hints = hints.where(~unnamed, _place_hints(out.loc[unnamed, "place"], gazetteer))

    anchor = pd.DataFrame({"kind": None, "lat": np.nan, "lon": np.nan}, index=out.index)
    named = out["city"].notna()
    if named.any():
        _apply_places(out, checked, named, gazetteer, has_point, anchor)
    regional = out["region_code"].isna() & hints.notna()
    out.loc[regional, "region_code"] = hints[regional]
    anchor.loc[regional, "kind"] = "region"

    full = regions.set_geometry("geometry")  # never the display simplification
    by_region = out["region_code"].notna() & out["lat"].isna()
    if by_region.any():
        centres = full.set_index("region_code").geometry.representative_point()
        points = centres.reindex(out.loc[by_region, "region_code"])
        out.loc[by_region, "lon"] = points.x.to_numpy()
        out.loc[by_region, "lat"] = points.y.to_numpy()
        out.loc[by_region, "precision"] = out.loc[by_region, "precision"].fillna("region")
    out["precision"] = out["precision"].where(
        out["precision"].notna(), np.where(has_point, "point", "city")
    )
    inside = pd.Series(None, index=out.index, dtype="object")
    if has_point.any():
        points = gpd.GeoSeries(
            gpd.points_from_xy(out.loc[has_point, "lon"], out.loc[has_point, "lat"]),
            index=out.index[has_point],
            crs=CRS,
        )
        inside[has_point] = assign_regions(points, full, snap_deg=SNAP_DEG)
    free = has_point & out["region_code"].isna()
    out.loc[free, "region_code"] = inside[free]
    outside = has_point & out["region_code"].isna()
    checked.flag(
        outside,
        "outside_area",
        "lat = "
        + out.loc[outside, "lat"].astype(str)
        + ", lon = "
        + out.loc[outside, "lon"].astype(str),
    )
    notes = _conflicts(out, has_point & anchor["kind"].notna(), anchor, inside, full, rules)
    if rules.strict:
        for kind in CONFLICT_KINDS:
            hit = notes.str.contains(f"{kind}: ", regex=False).fillna(False)
            checked.flag(hit, kind, notes)
    else:
        out["location_conflict"] = notes
    return out.drop(columns="_miss")


def conflict_rows(reports: pd.DataFrame) -> pd.DataFrame:
    """One (row, kind, detail) per location conflict noted on accepted reports."""
    if "location_conflict" not in reports.columns:
        return pd.DataFrame({"row": pd.Series(dtype="int64"), "kind": [], "detail": []})
    noted = reports.loc[reports["location_conflict"].notna(), ["row", "location_conflict"]]
    parts = noted.assign(detail=noted["location_conflict"].str.split("; ")).explode("detail")
    kind = parts["detail"].str.extract(_CONFLICT_KIND, expand=False)
    return pd.DataFrame({"row": parts["row"], "kind": kind, "detail": parts["detail"]})


def conflict_counts(notes: pd.Series) -> pd.Series:
    """Rows per conflict kind among ``location_conflict`` notes (a row may count twice)."""
    kinds = notes.dropna().str.findall(_CONFLICT_KIND).explode().dropna()
    return kinds.value_counts().reindex(list(CONFLICT_KINDS), fill_value=0)


def _region_hints(hints: pd.Series, gazetteer: Gazetteer) -> pd.Series:
    distinct = {h: gazetteer.resolve_region(h) for h in hints.dropna().unique()}
    return hints.map(distinct).astype("object").where(hints.notna(), None)


def _place_hints(places: pd.Series, gazetteer: Gazetteer) -> pd.Series:
    """The region a place text names ("ОВД Капотня г. Москвы"), for rows with no city or region."""

    def hint(text: str) -> str | None:
        codes = (gazetteer.resolve_region(h) for _, h in region_mentions(text))
        return next(filter(None, codes), None)

    distinct = {text: hint(text) for text in places.unique()}
    return places.map(distinct).astype("object")


def _is_federal_city(answer: Answer) -> bool:
    """A federal city named as itself is its whole region: conflicts are measured to its outline."""
    return isinstance(answer, Place) and FEDERAL_CITIES.get(answer.region_code) == answer.name_en


def _apply_places(
    out: pd.DataFrame,
    checked: Checked,
    named: pd.Series,
    gazetteer: Gazetteer,
    has_point: pd.Series,
    anchor: pd.DataFrame,
) -> None:
    """Copy gazetteer answers into the rows; a miss only matters when there is no point.

    Each distinct (city, region) pair is resolved once and its answer is spread to its rows
    with numpy indexing, so a million rows naming a few thousand places cost a few thousand
    lookups rather than a million row-by-row assignments.
    """
    cities, hints = out.loc[named, "city"], out.loc[named, "region"]
    codes, _ = pd.factorize(cities + "\x00" + hints.fillna(""))
    first = np.unique(codes, return_index=True)[1]
    answers = gazetteer.resolve_many(cities.iloc[first].tolist(), hints.iloc[first].tolist())

    def spread(values: list[object], dtype: type = object) -> np.ndarray:
        return np.array(values, dtype=dtype)[codes]

    is_place = spread([isinstance(a, Place) for a in answers], bool)
    is_region = spread([isinstance(a, RegionOnly) for a in answers], bool)
    point = has_point[named].to_numpy()
    places = [a if isinstance(a, Place) else None for a in answers]
    rows = named[named].index
    hit, located = rows[is_place], rows[is_place & ~point]
    names = (("city_en", "name_en"), ("city_ru", "name_ru"), ("geonameid", "geonameid"))
    for column, attr in names:
        out.loc[hit, column] = spread([getattr(p, attr, None) for p in places])[is_place]
    out.loc[rows[is_place | is_region], "region_code"] = spread(
        [getattr(a, "region_code", None) for a in answers]
    )[is_place | is_region]
    for column in ("lat", "lon"):
        values = spread([getattr(p, column, np.nan) for p in places], float)
        out.loc[located, column] = values[is_place & ~point]
        anchor.loc[hit, column] = values[is_place]
    federal = spread([_is_federal_city(a) for a in answers], bool)
    anchor.loc[rows[is_place & ~federal], "kind"] = "place"
    anchor.loc[rows[is_region | federal], "kind"] = "region"
    cyrillic = spread([bool(_CYRILLIC.search(c)) for c in cities.iloc[first]], bool)
    kept = ~is_place & (point | is_region)
    out.loc[rows[kept & cyrillic], "city_ru"] = cities[kept & cyrillic].to_numpy()
    out.loc[rows[kept & ~cyrillic], "city_en"] = cities[kept & ~cyrillic].to_numpy()
    missed = ~is_place & ~is_region & ~point
    if not missed.any():
        return
    misses = [a if isinstance(a, Miss) else None for a in answers]
    out.loc[rows[missed], "_miss"] = spread(
        [m and f"city = {m.query}: {m.detail}" for m in misses]
    )[missed]
    reasons = pd.Series(spread([m and m.reason for m in misses]), index=rows).where(missed)
    for reason in reasons.dropna().unique():
        checked.flag(reasons.eq(reason).reindex(out.index, fill_value=False), reason, out["_miss"])


def _km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Geodesic distances in km on the WGS84 ellipsoid."""
    return np.asarray(_GEOD.inv(lon1, lat1, lon2, lat2)[2], dtype=float) / 1000


def _conflicts(
    out: pd.DataFrame,
    mask: pd.Series,
    anchor: pd.DataFrame,
    inside: pd.Series,
    regions: gpd.GeoDataFrame,
    rules: LocationRules,
) -> pd.Series:
    """The ``location_conflict`` note of each row whose point disagrees with its named place.

    A named place is measured from its GeoNames point; a named region (a federal city, a
    region hint, a name shared within one region) from its full-resolution outline, which a
    point inside it is 0 km from. Distances are computed for the rows in ``mask`` only, and
    notes written for the few that conflict.
    """
    notes = pd.Series(None, index=out.index, dtype="object")
    if not mask.any():
        return notes
    lon, lat = out["lon"].to_numpy(float), out["lat"].to_numpy(float)
    kind = anchor["kind"].to_numpy(object)
    codes, found = out["region_code"].to_numpy(object), inside.to_numpy(object)
    distance = np.full(len(out), np.nan)
    place = (mask & anchor["kind"].eq("place")).to_numpy()
    to = anchor[["lon", "lat"]].to_numpy(float)[place]
    distance[place] = _km(lon[place], lat[place], to[:, 0], to[:, 1])
    differs = (mask & inside.ne(out["region_code"])).to_numpy()
    outline = np.full(len(out), np.nan)
    if differs.any():
        geoms = regions.set_index("region_code").geometry.reindex(codes[differs]).to_numpy()
        ends = shapely.get_coordinates(
            shapely.shortest_line(geoms, shapely.points(lon[differs], lat[differs]))
        )
        outline[differs] = _km(ends[0::2, 0], ends[0::2, 1], ends[1::2, 0], ends[1::2, 1])
    by_outline = differs & (kind == "region")
    distance[by_outline] = outline[by_outline]
    far, other = distance > rules.tolerance_km, outline > BORDER_KM
    names = dict(zip(regions["region_code"], regions["name_en"], strict=True))
    city = out["city_en"].fillna(out["city_ru"]).to_numpy(object)

    def label(code: object) -> str:
        return "no region's outline" if pd.isna(code) else f"{names.get(code, code)} ({code})"

    for i in np.flatnonzero(far | other):
        parts = []
        if far[i]:
            where = f"from {city[i]}, " if kind[i] == "place" else "outside "
            parts.append(
                f"far_from_place: the point is {distance[i]:,.0f} km {where}{label(codes[i])} "
                f"(tolerance {rules.tolerance_km:g} km)"
            )
        if other[i]:
            parts.append(
                f"other_region: the point lies in {label(found[i])}, "
                f"{outline[i]:,.0f} km from {label(codes[i])}"
            )
        notes.iat[i] = "; ".join(parts)
    return notes
