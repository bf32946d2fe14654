from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geodata import store
from geodata.errors import DataError
from geodata.ingest import IngestOptions, ingest_file
from geodata.readers import read_input

TODAY = dt.date(2026, 11, 25)
HEADER = "kind,date,time,city,region,lat,lon,precision,detained,tags,source_url,reporter,as_of"
GOOD = "detention,2022-09-21,,Moscow,,,,,5,,https://example.org/a,OVD-Info,2022-09-22 09:51 MSK"


def write_csv(folder: Path, *rows: str, header: str = HEADER, name: str = "in.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(path: Path, data_dir: Path, regions, gazetteer, **options):
    dry_run = options.pop("dry_run", False)
    return ingest_file(
        path,
        incidents_path=data_dir / "incidents.parquet",
        regions=regions,
        gazetteer=gazetteer,
        options=IngestOptions(today=TODAY, **options),
        dry_run=dry_run,
    )


REJECTS = [
    ("detention,,,Moscow,,,,,5,,https://example.org/a,,", "missing_date", "date is empty"),
    ("detention,21st of Sept,,Moscow,,,,,5,,https://example.org/a,,", "bad_date", "21st of Sept"),
    ("detention,2099-01-01,,Moscow,,,,,5,,https://example.org/a,,", "bad_date", "after today"),
    ("detention,1899-12-31,,Moscow,,,,,5,,https://example.org/a,,", "bad_date", "before 1900"),
    ("riot,2022-09-21,,Moscow,,,,,5,,https://example.org/a,,", "bad_kind", "riot"),
    ("detention,2022-09-21,25:61,Moscow,,,,,5,,https://example.org/a,,", "bad_time", "25:61"),
    ("detention,2022-09-21,,Moscow,,,,,-3,,https://example.org/a,,", "negative_count", "-3"),
    (
        "detention,2022-09-21,,Moscow,,,,,2.5,,https://example.org/a,,",
        "non_integer_count",
        "detained = 2.5",
    ),
    ("detention,2022-09-21,,Moscow,,,,,many,,https://example.org/a,,", "non_integer_count", "many"),
    (
        "detention,2022-09-21,,Moscow,,,,,12345678901234567890,,https://example.org/a,,",
        "count_too_large",
        "detained = 12345678901234567890 is above 10,000,000",
    ),
    (
        "detention,2022-09-21,,Moscow,,,,,9223372036854775806,,https://example.org/a,,",
        "count_too_large",
        "9223372036854775806",
    ),
    ("detention,2022-09-21,,Moscow,,,,exact,5,,https://example.org/a,,", "bad_precision", "exact"),
    ("detention,2022-09-21,,Moscow,,,,,5,violence,https://example.org/a,,", "bad_tag", "violence"),
    ("detention,2022-09-21,,Moscow,,,,,5,,,,", "missing_source", "source_url"),
    ("detention,2022-09-21,,Moscow,,,,,5,,not a url,,", "bad_source_url", "not a url"),
    ("detention,2022-09-21,,,,,,,5,,https://example.org/a,,", "missing_place", "city"),
    ("detention,2022-09-21,,,,95,37,,5,,https://example.org/a,,", "bad_coordinates", "95"),
    (
        "detention,2022-09-21,,,,48.8566,2.3522,,5,,https://example.org/a,,",
        "outside_area",
        "48.8566",
    ),
    ("detention,2022-09-21,,Atlantis,,,,,5,,https://example.org/a,,", "unknown_place", "Atlantis"),
    (
        "detention,2022-09-21,,Zheleznogorsk,,,,,5,,https://example.org/a,,",
        "ambiguous_place",
        "Zheleznogorsk",
    ),
    (
        "detention,2022-09-21,,Moscow,Narnia Oblast,,,,5,,https://example.org/a,,",
        "unknown_region",
        "Narnia",
    ),
]


@pytest.mark.parametrize(
    ("row", "reason", "detail"), REJECTS, ids=[r[1] + str(i) for i, r in enumerate(REJECTS)]
)
def test_each_reject_reason_names_row_and_field(
    tmp_path, data_dir, regions, gazetteer, row, reason, detail
):
    path = write_csv(tmp_path, GOOD, row)
    result = run(path, data_dir, regions, gazetteer)
    assert result.accepted == 1
    assert len(result.rejected) == 1
    rejected = result.rejected.iloc[0]
    assert rejected["row"] == 3
    assert reason in rejected["reason"].split("; ")
    assert detail in rejected["detail"]
    stored = store.read_incidents(data_dir / "incidents.parquet")
    assert len(stored) == 1 and stored["detained"].iloc[0] == 5


def test_duplicate_rows_and_reingest_add_nothing(tmp_path, data_dir, regions, gazetteer):
    path = write_csv(tmp_path, GOOD, GOOD)
    first = run(path, data_dir, regions, gazetteer)
    assert first.accepted == 1
    assert first.rejected.iloc[0]["reason"] == "duplicate"
    assert first.rejected.iloc[0]["detail"] == "repeats row 2"
    # Found at the merge, after the input rows left memory: read back as they were.
    assert first.rejected.iloc[0][["row", "city", "reporter", "time"]].tolist() == [
        3,
        "Moscow",
        "OVD-Info",
        None,
    ]
    before = (data_dir / "incidents.parquet").read_bytes()
    again = run(path, data_dir, regions, gazetteer)
    assert again.accepted == 0 and not again.written
    assert set(again.rejected["reason"]) == {"duplicate"}
    assert (data_dir / "incidents.parquet").read_bytes() == before


def test_reports_merge_into_one_incident_with_the_lead_figure(
    tmp_path, data_dir, regions, gazetteer
):
    rows = [
        "detention,2022-09-21,,Moscow,,,,,509,,https://a.example/1,OVD-Info,2022-09-22 00:00 MSK",
        "detention,2022-09-21,,Москва,,,,,542,,https://a.example/2,OVD-Info,2022-09-22 09:51 MSK",
        "detention,2022-09-21,,Moscow,,,,,600,,https://a.example/3,Meduza (compilation),",
        "detention,2022-09-21,,Moscow,,,,,541,,https://a.example/4,"
        "Russian rights defenders (probably OVD-Info),2022-09-23",
    ]
    result = run(write_csv(tmp_path, *rows), data_dir, regions, gazetteer, merge="same-place-day")
    assert result.accepted == 4 and result.incidents_after == 1
    assert (result.merging.rows, result.merging.incidents, result.merging.merged_rows) == (4, 1, 3)
    assert result.merging.set_aside == 509 + 600 + 541  # the file's 2,192 less the headline 542
    assert result.merging.examples == [
        "rows 2, 3, 4, 5 -> one detention on 2022-09-21 in Moscow: "
        "detained 509, 542, 600, 541, headline 542"
    ]
    incident = store.read_incidents(data_dir / "incidents.parquet").iloc[0]
    assert incident["detained"] == 542
    assert incident["region_code"] == "RU-MOW"
    assert incident["city_ru"] == "Москва"
    assert incident["sources"][0]["url"] == "https://a.example/4"
    assert {s["detained"] for s in incident["sources"]} == {509, 542, 600, 541}


def test_without_ovd_info_the_latest_dated_report_leads(tmp_path, data_dir, regions, gazetteer):
    rows = [
        "detention,2022-09-21,,Grozny,,,,,130,,https://b.example/1,Adat,2022-09-21",
        "detention,2022-09-21,,Grozny,,,,,15,,https://b.example/2,official,2022-09-22",
    ]
    run(write_csv(tmp_path, *rows), data_dir, regions, gazetteer, merge="same-place-day")
    assert store.read_incidents(data_dir / "incidents.parquet")["detained"].tolist() == [15]


def test_new_report_for_known_incident_is_merged(tmp_path, data_dir, regions, gazetteer):
    merge = "same-place-day"
    run(write_csv(tmp_path, GOOD, name="one.csv"), data_dir, regions, gazetteer, merge=merge)
    later = (
        GOOD.replace(",5,", ",9,")
        .replace("example.org/a", "example.org/b")
        .replace("2022-09-22 09:51", "2022-09-23 10:00")
    )
    result = run(
        write_csv(tmp_path, later, name="two.csv"), data_dir, regions, gazetteer, merge=merge
    )
    assert result.incidents_before == 1 and result.incidents_after == 1
    assert result.merging.merged_rows == 1 and result.merging.set_aside == 5
    incident = store.read_incidents(data_dir / "incidents.parquet").iloc[0]
    assert incident["detained"] == 9 and len(incident["sources"]) == 2


def test_cp1251_semicolon_file_with_russian_columns(tmp_path, data_dir, regions, gazetteer):
    text = (
        "Дата;Город;Регион;Задержано;Источник\n"
        "21.09.2022;Екатеринбург;Свердловская область;48;https://c.example/1\n"
        "21.09.2022;Железногорск;Красноярский край;3;https://c.example/2\n"
    )
    path = tmp_path / "ovd.csv"
    path.write_bytes(text.encode("cp1251"))
    mapping = {
        "date": "Дата",
        "city": "Город",
        "region": "Регион",
        "detained": "Задержано",
        "source_url": "Источник",
    }
    result = run(
        path,
        data_dir,
        regions,
        gazetteer,
        mapping=mapping,
        constants={"kind": "detention"},
        date_format="%d.%m.%Y",
    )
    assert (result.encoding, result.delimiter) == ("cp1251", ";")
    assert result.rejected.empty
    stored = store.read_incidents(data_dir / "incidents.parquet").set_index("city_en")
    assert stored.loc["Yekaterinburg", "region_code"] == "RU-SVE"
    assert stored.loc["Zheleznogorsk", "region_code"] == "RU-KYA"
    assert stored.loc["Zheleznogorsk", "detained"] == 3


def test_large_file_encoding_is_checked_in_blocks(tmp_path):
    """Cyrillic split across the 1 MiB read blocks is fine; a bad byte is named exactly."""
    row = "detention,2022-09-21,,Екатеринбург,,,,,5,,https://example.org/a,OVD-Info,\n"
    body = (HEADER + "\n" + row * (3 * 2**20 // len(row.encode()))).encode()
    assert any(0x80 <= body[n * 2**20] < 0xC0 for n in (1, 2))  # a character is split
    good = tmp_path / "big.csv"
    good.write_bytes(body)
    raw = read_input(good)
    assert raw.encoding == "utf-8-sig" and raw.frame["city"].eq("Екатеринбург").all()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(body + b"detention,2022-09-21,,\xff\n")
    assert read_input(bad).encoding == "cp1251"  # not UTF-8: the fallback reads it
    with pytest.raises(DataError, match=f"cannot decode as utf-8 at byte {len(body) + 22};"):
        read_input(bad, encoding="utf-8")


def test_unknown_mapping_field_and_missing_column_are_named(tmp_path, data_dir, regions, gazetteer):
    path = write_csv(tmp_path, GOOD)
    with pytest.raises(DataError, match=r"unknown field.*arrested"):
        run(path, data_dir, regions, gazetteer, mapping={"arrested": "detained"})
    with pytest.raises(DataError, match=r"Задержано.*not in the file"):
        run(path, data_dir, regions, gazetteer, mapping={"detained": "Задержано"})
    assert not (data_dir / "incidents.parquet").exists()


def test_personal_columns_are_refused_unless_dropped(tmp_path, data_dir, regions, gazetteer):
    path = write_csv(tmp_path, GOOD + ",Someone", header=HEADER + ",ФИО")
    with pytest.raises(DataError, match=r"ФИО.*personal"):
        run(path, data_dir, regions, gazetteer)
    result = run(path, data_dir, regions, gazetteer, drop=("ФИО",))
    assert result.accepted == 1
    stored = pq_columns(data_dir / "incidents.parquet")
    assert "ФИО" not in stored and "Someone" not in (
        data_dir / "incidents.parquet"
    ).read_bytes().decode("latin-1")


def pq_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_schema(path).names


def test_dry_run_writes_nothing(tmp_path, data_dir, regions, gazetteer):
    result = run(write_csv(tmp_path, GOOD), data_dir, regions, gazetteer, dry_run=True)
    assert result.accepted == 1 and result.incidents_after == 1 and not result.written
    assert not (data_dir / "incidents.parquet").exists()


def test_geojson_points_keep_coordinates_and_refuse_other_geometry(
    tmp_path, data_dir, regions, gazetteer
):
    frame = gpd.GeoDataFrame(
        {
            "kind": ["rally", "rally"],
            "date": ["2022-09-24", "2022-09-24"],
            "place": ["Chistoprudny boulevard", None],
            "participants": ["300", None],
            "source_url": ["https://d.example/1", "https://d.example/2"],
        },
        geometry=[shapely.Point(37.6455, 55.7601), shapely.box(37, 55, 38, 56)],
        crs=4326,
    )
    path = tmp_path / "events.geojson"
    frame.to_file(path, driver="GeoJSON")
    result = run(path, data_dir, regions, gazetteer)
    assert result.accepted == 1
    assert result.rejected.iloc[0]["reason"] == "not_a_point"
    stored = store.read_incidents(data_dir / "incidents.parquet").iloc[0]
    assert (stored["precision"], stored["region_code"]) == ("point", "RU-MOW")
    assert stored.geometry.x == pytest.approx(37.6455)


def test_geoparquet_input(tmp_path, data_dir, regions, gazetteer):
    frame = gpd.GeoDataFrame(
        {
            "kind": ["detention"],
            "date": ["2022-09-29"],
            "detained": [27],
            "source_url": ["https://e.example/1"],
        },
        geometry=[shapely.Point(94.4534, 51.7191)],
        crs=4326,
    )
    path = tmp_path / "kyzyl.parquet"
    frame.to_parquet(path)
    result = run(path, data_dir, regions, gazetteer)
    assert result.rejected.empty
    stored = store.read_incidents(data_dir / "incidents.parquet").iloc[0]
    assert (stored["region_code"], stored["detained"]) == ("RU-TY", 27)


def test_region_precision_rows_sit_inside_their_region(tmp_path, data_dir, regions, gazetteer):
    path = write_csv(tmp_path, "rally,2022-09-25,,,Republic of Dagestan,,,,,,https://f.example/1,,")
    result = run(path, data_dir, regions, gazetteer)
    assert result.rejected.empty
    stored = store.read_incidents(data_dir / "incidents.parquet").iloc[0]
    assert (stored["precision"], stored["region_code"]) == ("region", "RU-DA")
    dagestan = regions.set_index("region_code").geometry["RU-DA"]
    assert dagestan.contains(stored.geometry)


def test_mapping_file_json(tmp_path):
    from geodata.readers import read_mapping_file

    path = tmp_path / "map.json"
    path.write_text(json.dumps({"date": "Дата"}), encoding="utf-8")
    assert read_mapping_file(path) == {"date": "Дата"}
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DataError, match="field"):
        read_mapping_file(path)


def test_rejects_keep_the_input_row_as_read(tmp_path, data_dir, regions, gazetteer):
    bad = "detention,2022-09-21,,Atlantis,,,,,-1,,https://example.org/a,,"
    result = run(write_csv(tmp_path, bad), data_dir, regions, gazetteer)
    rejected = result.rejected.iloc[0]
    assert set(rejected["reason"].split("; ")) == {"negative_count", "unknown_place"}
    assert rejected["city"] == "Atlantis" and rejected["detained"] == "-1"
    assert isinstance(result.reason_counts, pd.Series)
    assert result.reason_counts.to_dict() == {"negative_count": 1, "unknown_place": 1}


TEXT_HEADER = "kind,date,city,detained,description,campaign,source_url"


@pytest.mark.parametrize(
    ("cells", "reason", "detail"),
    [
        ("x" * 10_001 + ",", "too_long", "description is 10,001 characters (limit 10,000)"),
        ("," + "y" * 501, "too_long", "campaign is 501 characters (limit 500)"),
        (",Mobilization 2022", "bad_campaign", "campaign = Mobilization 2022"),
        (",<script>", "bad_campaign", "<script>"),
        (",mobilisation--2022", "bad_campaign", "mobilisation--2022"),
    ],
    ids=[
        "long-description",
        "long-campaign",
        "campaign-spaces",
        "campaign-markup",
        "campaign-dashes",
    ],
)
def test_text_limits_and_campaign_slugs(
    tmp_path, data_dir, regions, gazetteer, cells, reason, detail
):
    good = (
        "detention,2022-09-21,Moscow,5,Rally at the square,mobilization-2022,https://example.org/a"
    )
    bad = f"detention,2022-09-22,Moscow,5,{cells},https://example.org/b"
    result = run(write_csv(tmp_path, good, bad, header=TEXT_HEADER), data_dir, regions, gazetteer)
    assert result.accepted == 1
    rejected = result.rejected.iloc[0]
    assert rejected["row"] == 3 and reason in rejected["reason"].split("; ")
    assert detail in rejected["detail"]
    assert len(rejected["detail"]) < 400  # a huge cell is named, not copied into the detail
    stored = store.read_incidents(data_dir / "incidents.parquet")
    assert stored["campaign"].tolist() == ["mobilization-2022"]


def test_row_per_event_file_keeps_its_total_to_the_person(tmp_path, data_dir, regions, gazetteer):
    # Test data in the shape of a row-per-event list: two actions at one place on one day,
    # a row with no figure, a rejected row and an exact duplicate.
    header = "kind,date,time,city,place,detained,description,source_url"
    rows = [
        "detention,2022-09-21,,Moscow,State Duma,18,First action,https://t.example/list",
        "detention,2022-09-21,,Moscow,State Duma,13,Second action,https://t.example/list",
        "detention,2022-09-21,,Moscow,State Duma,13,Second action,https://t.example/list",
        "detention,2022-09-21,19:00,Moscow,,7,,https://t.example/list",
        "detention,2022-09-21,20:00,Moscow,,7,,https://t.example/list",
        "detention,2022-09-21,,Perm,,4,,https://t.example/list",
        "detention,2022-09-21,,Perm,,,,https://t.example/list",
        "detention,2022-09-21,,Atlantis,,11,,https://t.example/list",
    ]
    path = write_csv(tmp_path, *rows, header=header)
    result = run(path, data_dir, regions, gazetteer)
    file_sum = 18 + 13 + 13 + 7 + 7 + 4 + 11
    rejected = result.rejected.set_index("row")["reason"].to_dict()
    assert rejected == {4: "duplicate", 9: "unknown_place"}
    stored = store.read_incidents(data_dir / "incidents.parquet")
    assert int(stored["detained"].sum()) == file_sum - 13 - 11 == 49
    assert len(stored) == result.accepted == 6
    assert (result.merging.rows, result.merging.incidents) == (6, 6)
    assert (result.merging.merged_rows, result.merging.set_aside) == (0, 0)
    again = run(path, data_dir, regions, gazetteer)
    assert again.accepted == 0 and not again.written
    assert set(again.rejected["reason"]) == {"duplicate", "unknown_place"}


def test_rows_sharing_an_event_key_merge_and_others_stay_apart(
    tmp_path, data_dir, regions, gazetteer
):
    header = "kind,date,city,detained,source_url,reporter,as_of,event"
    rows = [
        "detention,2022-09-21,Moscow,18,https://t.example/1,OVD-Info,2022-09-21 20:00,ev-1",
        "detention,2022-09-21,Moscow,20,https://t.example/2,OVD-Info,2022-09-22 09:00,ev-1",
        "detention,2022-09-21,Moscow,13,https://t.example/3,OVD-Info,2022-09-21 20:00,ev-2",
        "detention,2022-09-21,Moscow,5,https://t.example/4,OVD-Info,2022-09-21 20:00,",
    ]
    path = write_csv(tmp_path, *rows, header=header)
    result = run(path, data_dir, regions, gazetteer, mapping={"event_id": "event"})
    stored = store.read_incidents(data_dir / "incidents.parquet")
    assert sorted(stored["detained"]) == [5, 13, 20]
    assert result.merging.merged_rows == 1 and result.merging.set_aside == 18
    assert result.merging.examples[0].startswith("rows 2, 3 -> one detention on 2022-09-21")


def test_a_report_stored_under_another_merge_choice_is_a_duplicate(
    tmp_path, data_dir, regions, gazetteer
):
    rows = [
        "detention,2022-09-21,,Grozny,,,,,130,,https://b.example/1,Adat,2022-09-21",
        "detention,2022-09-21,,Grozny,,,,,15,,https://b.example/2,official,2022-09-22",
    ]
    path = write_csv(tmp_path, *rows)
    run(path, data_dir, regions, gazetteer, merge="same-place-day")
    before = (data_dir / "incidents.parquet").read_bytes()
    again = run(path, data_dir, regions, gazetteer)  # now one event per row
    assert again.rejected["reason"].tolist() == ["duplicate", "duplicate"]
    assert set(again.rejected["detail"]) == {"this report is already in the store"}
    assert not again.written and (data_dir / "incidents.parquet").read_bytes() == before
    other = write_csv(tmp_path, rows[0].replace(",130,", ",131,"), name="other.csv")
    assert run(other, data_dir, regions, gazetteer).accepted == 1  # another figure: not the same
