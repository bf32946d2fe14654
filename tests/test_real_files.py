"""Files as they come: presets, constants, several URLs per cell, columns named like fields."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import store
from geodata.errors import DataError
from tests.test_ingest import run, write_csv

ACLED_HEADER = (
    "event_id_cnty,event_date,year,disorder_type,event_type,sub_event_type,actor1,region,"
    "country,admin1,admin2,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp"
)
# Test rows in the shape of an ACLED export (ids, notes and outlets are made up).
ACLED_ROWS = [
    "TESTRUS1,21 September 2022,2022,Demonstrations,Protests,Protest with intervention,"
    "Protesters (Russia),Europe,Russia,Moscow,,Moscow,55.7522,37.6156,1,"
    'Meduza; OVD-Info,National,"TEST: a protest against mobilisation; police detained people.",'
    "0,crowd size=no report,1664000000",
    "TESTRUS2,21 September 2022,2022,Demonstrations,Protests,Excessive force against protesters,"
    "Protesters (Russia),Europe,Russia,Moscow,,Moscow,55.7522,37.6156,1,"
    'Novaya Gazeta Europe,National,"TEST: a second action the same day.",0,,1664000000',
    "TESTRUS3,2022-09-24,2022,Demonstrations,Protests,Peaceful protest,Protesters (Russia),"
    'Europe,Russia,Novosibirsk,,Novosibirsk,55.0415,82.9346,1,OVD-Info,National,"TEST: a '
    'picket.",0,,1664000000',
]


def test_acled_preset_imports_each_event_as_its_own_rally(tmp_path, data_dir, regions, gazetteer):
    path = tmp_path / "acled.csv"
    path.write_text("\n".join([ACLED_HEADER, *ACLED_ROWS]) + "\n", encoding="utf-8")
    result = run(path, data_dir, regions, gazetteer, preset="acled")
    assert result.rejected.empty and result.accepted == 3
    stored = store.read_incidents(data_dir / "incidents.parquet").sort_values("date")
    assert len(stored) == 3 and set(stored["kind"]) == {"rally"}
    assert stored["region_code"].tolist() == ["RU-MOW", "RU-MOW", "RU-NVS"]
    assert sorted(t for tags in stored["tags"] for t in tags) == [
        "excessive_force_against_protesters",
        "peaceful_protest",
        "protest_with_intervention",
    ]
    first = stored[stored["description"].str.contains("against mobilisation")].iloc[0]
    (source,) = first["sources"]
    assert source["url"] == "https://acleddata.com/"
    assert source["reporter"].startswith("ACLED (Armed Conflict Location & Event Data)")
    assert source["note"] == "outlets: Meduza; OVD-Info"
    assert pd.isna(first["detained"])  # ACLED counts no detentions: unknown, not zero


def test_a_preset_names_the_columns_a_file_lacks(tmp_path, data_dir, regions, gazetteer):
    path = tmp_path / "not-acled.csv"
    path.write_text("event_date,location\n2022-09-21,Moscow\n", encoding="utf-8")
    with pytest.raises(DataError, match="--preset acled: the file lacks column"):
        run(path, data_dir, regions, gazetteer, preset="acled")


def test_set_gives_missing_fields_a_value(tmp_path, data_dir, regions, gazetteer):
    path = tmp_path / "list.csv"
    path.write_text(
        "date,detained,reporter\n2022-09-21,5,\n2022-09-22,7,Mediazona\n", encoding="utf-8"
    )
    constants = {
        "kind": "detention",
        "city": "Perm",
        "reporter": "OVD-Info",
        "source_url": "https://ovdinfo.org/test-list",
        "campaign": "test-campaign",
    }
    result = run(path, data_dir, regions, gazetteer, constants=constants)
    assert result.rejected.empty
    stored = store.read_incidents(data_dir / "incidents.parquet").sort_values("date")
    assert stored["city_en"].tolist() == ["Perm", "Perm"]
    assert set(stored["campaign"]) == {"test-campaign"}
    reporters = [s[0]["reporter"] for s in stored["sources"]]
    assert reporters == ["OVD-Info", "Mediazona"]  # the file's own value wins


def test_several_urls_in_one_cell_are_all_sources_of_one_incident(
    tmp_path, data_dir, regions, gazetteer
):
    path = write_csv(
        tmp_path,
        'detention,2022-09-21,Perm,30,"see ovdinfo.org/test/1, https://t.me/test/2 (updated)"',
        header="kind,date,city,detained,source_url",
    )
    result = run(path, data_dir, regions, gazetteer)
    assert result.rejected.empty and result.accepted == 1
    (incident,) = store.read_incidents(data_dir / "incidents.parquet").itertuples()
    assert [s["url"] for s in incident.sources] == [
        "https://ovdinfo.org/test/1",
        "https://t.me/test/2",
    ]
    assert {s["note"] for s in incident.sources} == {"see (updated)"}
    assert incident.detained == 30  # counted once, not once per URL
    again = run(path, data_dir, regions, gazetteer)
    assert again.rejected["reason"].tolist() == ["duplicate"] and not again.written


def test_a_region_column_of_city_names_is_not_taken_as_the_region(
    tmp_path, data_dir, regions, gazetteer
):
    path = tmp_path / "stations.csv"
    path.write_text(
        "kind,date,region,detained,source_url\n"
        "detention,2022-09-21,Екатеринбург,4,https://t.example/1\n"
        "detention,2022-09-21,Пермь,3,https://t.example/2\n"
        "detention,2022-09-21,Омск,2,https://t.example/3\n",
        encoding="utf-8",
    )
    by_name = run(path, data_dir, regions, gazetteer, dry_run=True)
    assert by_name.notices[0].startswith("column 'region' not used as region: 3 of 3")
    assert set(by_name.rejected["reason"]) == {"missing_place"}  # not unknown_region
    result = run(path, data_dir, regions, gazetteer, mapping={"city": "region"}, drop=("region",))
    assert result.rejected.empty
    stored = store.read_incidents(data_dir / "incidents.parquet").sort_values("detained")
    assert stored["region_code"].tolist() == ["RU-OMS", "RU-PER", "RU-SVE"]


def test_a_region_column_of_regions_is_taken(tmp_path, data_dir, regions, gazetteer):
    path = write_csv(
        tmp_path,
        "detention,2022-09-21,Zheleznogorsk,Красноярский край,3,https://t.example/1",
        header="kind,date,city,region,detained,source_url",
    )
    result = run(path, data_dir, regions, gazetteer)
    assert result.notices == [] and result.rejected.empty
    stored = store.read_incidents(data_dir / "incidents.parquet")
    assert stored["region_code"].tolist() == ["RU-KYA"]
