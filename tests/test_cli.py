from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from geodata import store
from geodata.rejects import run_rejects_path, write_rejects
from geodata.settings import PROJECT_ROOT
from tests.test_ingest import write_csv


def test_ingest_prints_summary_and_writes_rejects(tmp_path, data_dir, run_cli):
    path = tmp_path / "reports.csv"
    path.write_text(
        "Дата;Город;Задержано;Источник\n"
        "21.09.2022;Пермь;30;https://example.org/perm\n"
        "21.09.2022;Atlantis;3;https://example.org/x\n"
        "21.09.2099;Пермь;3;https://example.org/y\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    done = run_cli(
        "ingest",
        str(path),
        "--map",
        "date=Дата",
        "--map",
        "city=Город",
        "--map",
        "detained=Задержано",
        "--map",
        "source_url=Источник",
        "--kind",
        "detention",
        "--date-format",
        "%d.%m.%Y",
        "--rejects",
        str(rejects),
    )
    assert "accepted" in done.stdout and "unknown_place" in done.stdout
    table = pd.read_csv(rejects)
    assert table["reason"].tolist() == ["unknown_place", "bad_date"]
    assert table["row"].tolist() == [3, 4]
    stored = store.read_incidents(data_dir / "incidents.parquet")
    assert stored[["city_en", "region_code", "detained"]].values.tolist() == [
        ["Perm", "RU-PER", 30]
    ]


def test_dry_run_reports_but_writes_nothing(tmp_path, data_dir, run_cli):
    path = tmp_path / "r.csv"
    path.write_text(
        "kind,date,city,detained,source_url\n"
        "detention,2022-09-24,Novosibirsk,71,https://example.org/n\n",
        encoding="utf-8",
    )
    done = run_cli("ingest", str(path), "--dry-run")
    assert "dry run" in done.stdout
    assert "merging: 1 rows in, 1 incidents out, 0 rows merged" in done.stdout
    assert not (data_dir / "incidents.parquet").exists()
    assert not (data_dir / "rejects").exists()


def test_bad_options_fail_with_a_message_not_a_traceback(tmp_path, run_cli):
    path = tmp_path / "r.csv"
    path.write_text("date,city\n2022-09-21,Moscow\n", encoding="utf-8")
    done = run_cli("ingest", str(path), "--map", "detained", check=False)
    assert done.returncode != 0
    assert "--map 'detained': expected FIELD=COLUMN" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_cli("ingest", str(path), "--map", "date=Дата", check=False)
    assert "Дата not in the file" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("ingest", str(path), "--set", "reporter", check=False)
    assert done.returncode == 2 and "--set 'reporter': expected FIELD=VALUE" in done.stderr
    done = run_cli("ingest", str(path), "--set", "colour=red", check=False)
    assert done.returncode == 2 and "--set: unknown field(s) colour" in done.stderr


def test_info_describes_the_store(tmp_path, run_cli):
    path = tmp_path / "r.csv"
    path.write_text(
        "kind,date,city,detained,participants,source_url,reporter\n"
        "detention,2022-09-25,Makhachkala,101,,https://example.org/m,OVD-Info\n"
        "rally,2022-09-25,Makhachkala,,,https://example.org/m,OVD-Info\n"
        "detention,2022-09-29,Kyzyl,27,,https://example.org/k,RFE/RL\n",
        encoding="utf-8",
    )
    run_cli("ingest", str(path))
    out = run_cli("info").stdout
    assert "detention incidents" in out and "rally incidents" in out
    assert "128" in out  # 101 + 27 detained
    assert "2022-09-25 to 2022-09-29" in out
    assert "GeoNames (CC BY 4.0)" in out
    assert "OVD-Info (2)" in out
    per_campaign = out[out.index("per campaign") : out.index("per reporter")]
    assert "(none)" in per_campaign and "2022-09-25 │ 2022-09-29" in per_campaign
    per_reporter = out[out.index("per reporter") :].splitlines()
    ovd = next(line for line in per_reporter if "OVD-Info" in line)
    rfe = next(line for line in per_reporter if "RFE/RL" in line)
    # incidents, detention incidents, rallies, detained, first and last date
    assert [c.strip() for c in ovd.split("│")[2:8]] == [
        "2",
        "1",
        "1",
        "101",
        "2022-09-25",
        "2022-09-25",
    ]
    assert [c.strip() for c in rfe.split("│")[2:6]] == ["1", "1", "0", "27"]


def test_build_loads_the_embedded_data_and_is_idempotent(data_dir, run_cli):
    run_cli("build")
    incidents = store.read_incidents(data_dir / "incidents.parquet")
    first_bytes = (data_dir / "incidents.parquet").read_bytes()
    sep21 = incidents[(incidents["kind"] == "detention") & (incidents["date"] == "2022-09-21")]
    total = int(sep21["detained"].sum())
    assert total == 1289
    # The seed holds several reports per event: built with --merge same-place-day, its
    # figures are those of the store before rows became their own events by default.
    assert len(incidents) == 85 and int(incidents["detained"].sum()) == 2278
    seed_urls = set(pd.read_csv(PROJECT_ROOT / "seed" / "mobilization_2022.csv")["source_url"])
    assert {s["url"] for sources in incidents["sources"] for s in sources} == seed_urls
    notes = (PROJECT_ROOT / "docs" / "data-notes.md").read_text(encoding="utf-8")
    assert "1,289" in notes
    assert sep21["sources"].map(len).min() >= 1
    moscow = sep21[sep21["region_code"] == "RU-MOW"].iloc[0]
    assert moscow["detained"] == 542  # OVD-Info, 22 Sep 09:51 MSK
    assert not incidents["region_code"].str.startswith("UA-").any()
    again = run_cli("build")
    assert "regions: kept" in again.stdout
    assert (data_dir / "incidents.parquet").read_bytes() == first_bytes


def test_unreadable_files_fail_in_one_line_with_status_2(tmp_path, data_dir, run_cli):
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type":"FeatureCollection","features":[{"type":', encoding="utf-8")
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(bytes(range(256)) * 8)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("kind,date,city\ndetention,2022-09-21,Perm\ndetention;2022-09-22;Perm\n")
    for path, message in [
        (broken, "not a readable GeoJSON file"),
        (garbage, "not a readable Parquet file"),
        (mixed, "mixed delimiters"),
    ]:
        done = run_cli("ingest", str(path), check=False)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert not (data_dir / "incidents.parquet").exists()


def test_huge_counts_are_rejected_rows_not_tracebacks(tmp_path, data_dir, run_cli):
    path = tmp_path / "counts.csv"
    path.write_text(
        "kind,date,city,detained,source_url\n"
        "detention,2022-09-24,Novosibirsk,71,https://example.org/n\n"
        "detention,2022-09-24,Omsk,12345678901234567890,https://example.org/o\n"
        "detention,2022-09-24,Tomsk,9223372036854775806,https://example.org/t\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    done = run_cli("ingest", str(path), "--rejects", str(rejects))
    assert "Traceback" not in done.stderr and "count_too_large" in done.stdout
    assert pd.read_csv(rejects)["reason"].tolist() == ["count_too_large"] * 2
    stored = store.read_incidents(data_dir / "incidents.parquet")
    assert stored["detained"].tolist() == [71]


def test_two_runs_in_one_second_keep_two_rejects_files(tmp_path):
    now = dt.datetime(2026, 11, 30, 5, 44, 0, tzinfo=dt.UTC)
    target = run_rejects_path(tmp_path, Path("list.csv"), now)
    first = pd.DataFrame({"row": [2], "reason": ["unknown_place"]})
    second = pd.DataFrame({"row": [3], "reason": ["bad_date"]})
    paths = [write_rejects(first, target), write_rejects(second, target)]
    assert [p.name for p in paths] == [
        "list.20261130T054400Z.rejects.csv",
        "list.20261130T054400Z-2.rejects.csv",
    ]
    assert sorted((tmp_path / "rejects").glob("list.*.rejects.csv")) == sorted(paths)
    assert pd.read_csv(paths[0])["reason"].tolist() == ["unknown_place"]  # not overwritten


def test_each_run_keeps_its_own_rejects_and_dry_run_writes_them_on_request(
    tmp_path, data_dir, run_cli
):
    header = "kind,date,city,detained,source_url"
    row = "detention,2022-09-21,Atlantis,3,https://example.org/x"
    path = write_csv(tmp_path, row, header=header, name="list.csv")
    run_cli("ingest", str(path))
    run_cli("ingest", str(path))
    written = sorted((data_dir / "rejects").glob("list.*.rejects.csv"))
    assert len(written) == 2
    for rejects in written:
        assert pd.read_csv(rejects)["reason"].tolist() == ["unknown_place"]
        assert re.fullmatch(r"list\.\d{8}T\d{6}Z(-2)?\.rejects\.csv", rejects.name)
    asked = tmp_path / "dry-rejects.csv"
    run_cli("ingest", str(path), "--dry-run", "--rejects", str(asked))
    assert pd.read_csv(asked)["row"].tolist() == [2]
    assert len(list((data_dir / "rejects").iterdir())) == 2
