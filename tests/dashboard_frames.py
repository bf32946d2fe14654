"""Tiny synthetic regions, countries and incidents for the dashboard's unit tests.

Every value here is made up for tests (boxes instead of borders, round figures) and is never
shown as real data. Codes are real ISO codes so the occupied-territory rules apply.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geodata import schema, store
from geodata.settings import Settings

#: code, English name, Russian name, status, population (None = no census figure), box
REGIONS = [
    ("RU-MOW", "Moscow", "Москва", "federal_subject", 13_000_000, (37.0, 55.0, 38.0, 56.0)),
    (
        "RU-SPE",
        "Saint Petersburg",
        "Санкт-Петербург",
        "federal_subject",
        5_600_000,
        (30.0, 59.5, 31.0, 60.5),
    ),
    (
        "RU-TYU",
        "Tyumen Oblast",
        "Тюменская область",
        "federal_subject",
        None,
        (65.0, 56.0, 72.0, 60.0),
    ),
    ("RU-AD", "Republic of Adygea", "Адыгея", "federal_subject", 500_000, (39.5, 44.0, 40.5, 45.0)),
    (
        "UA-43",
        "Autonomous Republic of Crimea",
        "Крым",
        "occupied_ukraine",
        1_900_000,
        (33.0, 44.5, 36.0, 46.0),
    ),
]
MOSCOW_ID, SPB_ID, TYUMEN_ID, SIMFEROPOL_ID = 524901, 498817, 1488754, 693918


def regions_frame() -> gpd.GeoDataFrame:
    """Five box-shaped regions with the store's region columns."""
    rows = []
    for code, en, ru, status, population, _box in REGIONS:
        rows.append(
            {
                "region_code": code,
                "name_en": en,
                "name_ru": ru,
                "federal_district_en": None if status != "federal_subject" else "Test",
                "federal_district_ru": None if status != "federal_subject" else "Тест",
                "status": status,
                "population": population,
                "population_source": "synthetic test value",
                "geonames_admin1": "XX.00",
                "ne_adm1_code": "TEST",
            }
        )
    frame = pd.DataFrame(rows).astype({"population": "Int64"})
    boxes = [shapely.orient_polygons(shapely.box(*r[5]), exterior_cw=True) for r in REGIONS]
    regions = gpd.GeoDataFrame(frame, geometry=boxes, crs=schema.CRS)
    regions["display"] = gpd.GeoSeries(boxes, crs=schema.CRS)
    return regions


def countries_frame() -> gpd.GeoDataFrame:
    """Ukraine (holding the Crimea box) and Finland, as boxes."""
    shapes = [shapely.box(22.0, 44.0, 40.0, 52.0), shapely.box(20.0, 60.0, 31.0, 70.0)]
    return gpd.GeoDataFrame(
        {"country_code": ["UKR", "FIN"], "name_en": ["Ukraine", "Finland"]},
        geometry=gpd.GeoSeries(
            [shapely.orient_polygons(s, exterior_cw=True) for s in shapes], crs=schema.CRS
        ),
        crs=schema.CRS,
    ).rename_geometry("display")


def source(
    url: str, detained: int | None, as_of: str | None = None, reporter: str = "Test"
) -> dict:
    return {
        "url": url,
        "reporter": reporter,
        "as_of": as_of,
        "detained": detained,
        "participants": None,
        "note": None,
    }


def incident(
    incident_id: str,
    kind: str,
    day: str,
    region: str,
    city: str | None,
    geonameid: int | None,
    detained: int | None,
    *,
    tags: tuple[str, ...] = (),
    sources: list[dict] | None = None,
    campaign: str | None = "test-campaign",
    at: tuple[float, float] = (37.6, 55.7),
) -> dict:
    return {
        "incident_id": incident_id,
        "kind": kind,
        "date": dt.date.fromisoformat(day),
        "time": None,
        "city_en": city,
        "city_ru": None,
        "geonameid": geonameid,
        "place": None,
        "region_code": region,
        "detained": detained,
        "participants": None,
        "precision": "city" if city else "region",
        "description": f"test incident {incident_id}",
        "tags": list(tags),
        "sources": sources or [source(f"https://example.org/{incident_id}", detained)],
        "campaign": campaign,
        "location_conflict": None,
        "geometry": shapely.Point(*at),
    }


def default_rows() -> list[dict]:
    """Moscow big, Saint Petersburg medium, Tyumen without a population figure, Crimea
    (occupied) with detentions, Adygea silent; one detention with an unknown count."""
    return [
        incident(
            "m1",
            "detention",
            "2022-09-21",
            "RU-MOW",
            "Moscow",
            MOSCOW_ID,
            500,
            tags=("force_used",),
            sources=[
                source("https://example.org/m1a", 500, "2022-09-22 09:51 MSK", "OVD-Info"),
                source("https://example.org/m1b", 400, "2022-09-21 (evening)"),
            ],
        ),
        incident("m2", "rally", "2022-09-21", "RU-MOW", "Moscow", MOSCOW_ID, None),
        incident(
            "m3",
            "detention",
            "2022-09-24",
            "RU-MOW",
            "Moscow",
            MOSCOW_ID,
            300,
            tags=("force_used", "summons_served"),
        ),
        incident(
            "s1",
            "detention",
            "2022-09-21",
            "RU-SPE",
            "Saint Petersburg",
            SPB_ID,
            200,
            at=(30.3, 59.9),
        ),
        incident(
            "s2",
            "detention",
            "2022-09-24",
            "RU-SPE",
            "Saint Petersburg",
            SPB_ID,
            None,
            at=(30.3, 59.9),
        ),
        incident(
            "t1",
            "detention",
            "2022-09-24",
            "RU-TYU",
            "Tyumen",
            TYUMEN_ID,
            10,
            campaign="other-campaign",
            at=(65.5, 57.1),
        ),
        incident(
            "c1",
            "detention",
            "2022-09-21",
            "UA-43",
            "Simferopol",
            SIMFEROPOL_ID,
            20,
            at=(34.1, 44.9),
        ),
    ]


def incidents_frame(rows: list[dict] | None = None) -> gpd.GeoDataFrame:
    """Incidents with exactly the stored columns (``date`` as datetime64, like the store)."""
    frame = pd.DataFrame(default_rows() if rows is None else rows)
    for column in ("geonameid", "detained", "participants"):
        frame[column] = frame[column].astype("Int64")
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=schema.CRS)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[s]")
    return frame


def write_store(folder: Path, rows: list[dict] | None = None) -> Settings:
    """Write the synthetic tables to a real store in ``folder`` and return its settings."""
    settings = Settings(data=folder)
    frame = incidents_frame(rows)
    frame["date"] = frame["date"].dt.date
    store.write_incidents(frame, settings.incidents_path)
    store.write_geo_table(regions_frame(), settings.regions_path, meta={"boundaries": "test"})
    store.write_geo_table(countries_frame(), settings.countries_path, meta={"boundaries": "test"})
    return settings
