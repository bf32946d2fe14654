"""The committed table of hard cases (tests/data/region_cases.csv), run through the real ingest.

Each case is one input row: a city (and maybe a region or place text) as a real list writes it,
optionally with the coordinates of a GeoNames place (``point_of``, read from the gazetteer, never
typed). The table gives the region the place really lies in, with the public page that says so.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from geodata import store
from geodata.geocoding import read_geonames
from geodata.ingest import IngestOptions, ingest_file
from geodata.location import LocationRules

CASES = Path(__file__).parent / "data" / "region_cases.csv"
FIRST_DAY = dt.date(2022, 1, 1)


def read_cases() -> pd.DataFrame:
    return pd.read_csv(CASES, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def points() -> dict[str, tuple[str, float, float]]:
    wanted = set(read_cases()["point_of"]) - {""}
    return {
        str(c["geonameid"]): (c["name"], float(c["latitude"]), float(c["longitude"]))
        for c in read_geonames()
        if str(c["geonameid"]) in wanted
    }


def input_file(folder: Path, cases: pd.DataFrame, points: dict) -> Path:
    """One detention row per case, each on its own day so that no two cases can merge."""
    path = folder / "cases.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["kind", "date", "city", "region", "place", "lat", "lon", "detained", "source_url"]
        )
        for i, case in enumerate(cases.itertuples()):
            _, lat, lon = points.get(case.point_of, ("", "", ""))
            day = FIRST_DAY + dt.timedelta(days=i)
            row = [case.city, case.region, case.place, lat, lon, 1, case.reference]
            writer.writerow(["detention", day.isoformat(), *row])
    return path


def ingest_cases(folder: Path, regions, gazetteer, points, rules: LocationRules):
    cases = read_cases()
    result = ingest_file(
        input_file(folder, cases, points),
        incidents_path=folder / "incidents.parquet",
        regions=regions,
        gazetteer=gazetteer,
        options=IngestOptions(today=dt.date(2026, 11, 29), location=rules),
    )
    stored = store.read_incidents(folder / "incidents.parquet")
    stored["case"] = [cases["case"].iloc[(d - FIRST_DAY).days] for d in stored["date"].dt.date]
    return cases, result, stored.set_index("case")


@pytest.fixture(scope="module")
def outcome(tmp_path_factory, regions, gazetteer, points):
    return ingest_cases(
        tmp_path_factory.mktemp("cases"), regions, gazetteer, points, LocationRules()
    )


def test_the_table_has_forty_hard_cases_each_with_a_reference():
    cases = read_cases()
    assert len(cases) >= 40
    assert cases["reference"].str.match(r"^https://\w+\.wikipedia\.org/wiki/\S+$").all()
    assert cases["case"].is_unique


def test_points_come_from_the_gazetteer(points):
    cases = read_cases()
    given = cases[cases["point_of"] != ""]
    assert len(given) >= 8
    for case in given.itertuples():
        assert points[case.point_of][0] == case.point_name, case.case


def conflict_kinds(note: object) -> str:
    if not isinstance(note, str):
        return ""
    return "+".join(part.split(":")[0] for part in note.split("; "))


@pytest.mark.parametrize("case", read_cases()["case"].tolist())
def test_region_of_each_hard_case(outcome, case):
    cases, result, stored = outcome
    expected = cases.set_index("case").loc[case]
    row = int(cases.index[cases["case"] == case][0]) + 2  # the header is row 1
    if expected["expected"].startswith("reject:"):
        reasons = result.rejected.set_index("row").loc[row, "reason"]
        assert expected["expected"].removeprefix("reject:") in reasons.split("; ")
        assert case not in stored.index
        return
    incident = stored.loc[case]
    assert incident["region_code"] == expected["expected"]
    assert incident["precision"] == expected["precision"]
    assert conflict_kinds(incident["location_conflict"]) == expected["conflict"]


def test_summary_lists_the_conflicts(outcome):
    cases, result, _ = outcome
    flagged = cases[cases["conflict"] != ""]
    expected = flagged["conflict"].str.split("+").explode().value_counts().sort_index()
    assert result.conflicts["kind"].value_counts().sort_index().to_dict() == expected.to_dict()
    assert set(result.conflicts["row"]) == {int(i) + 2 for i in flagged.index}
    far = result.conflicts[result.conflicts["kind"] == "far_from_place"]["detail"].iloc[0]
    assert "km from Krasnoyarsk, Krasnoyarsk Krai (RU-KYA) (tolerance 50 km)" in far


def test_strict_location_rejects_the_conflicting_rows(tmp_path, regions, gazetteer, points):
    cases, result, stored = ingest_cases(
        tmp_path, regions, gazetteer, points, LocationRules(strict=True)
    )
    flagged = cases.loc[cases["conflict"] != "", "case"]
    assert not set(flagged) & set(stored.index)
    assert stored["location_conflict"].isna().all()
    reasons = result.rejected.set_index("row")["reason"]
    assert reasons.loc[int(flagged.index[0]) + 2] == "far_from_place; other_region"
    assert result.conflicts.empty


def test_a_wider_tolerance_accepts_what_the_default_flags(tmp_path, regions, gazetteer, points):
    _, result, stored = ingest_cases(
        tmp_path, regions, gazetteer, points, LocationRules(tolerance_km=5000)
    )
    assert set(result.conflicts["kind"]) == {"other_region"}
    note = stored.loc["A Krasnoyarsk station placed at Moscow's centre", "location_conflict"]
    assert note.startswith("other_region: the point lies in Moscow (RU-MOW), ")
