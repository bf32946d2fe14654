"""Location conflicts as a user meets them: the ingest summary, --strict-location, info."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from geodata import store
from geodata.geocoding import Place

HEADER = "kind,date,city,lat,lon,detained,source_url"


def text(output: str) -> str:
    """The output with rich's table borders and line breaks read as single spaces."""
    return " ".join(re.sub(r"[\u2500-\u257f]", " ", output).split())


@pytest.fixture
def conflicting_file(tmp_path: Path, gazetteer) -> Path:
    """A Krasnoyarsk row placed at Moscow's centre, a Khimki row in central Moscow, a good row."""
    moscow = gazetteer.resolve("Moscow")
    kazan = gazetteer.resolve("Kazan")
    assert isinstance(moscow, Place) and isinstance(kazan, Place)
    at_moscow = f"{moscow.lat},{moscow.lon}"
    rows = [
        HEADER,
        f"detention,2022-09-21,Красноярск,{at_moscow},19,https://example.org/krasnoyarsk",
        f"detention,2022-09-21,Khimki,{at_moscow},3,https://example.org/khimki",
        f"detention,2022-09-21,Kazan,{kazan.lat},{kazan.lon},5,https://example.org/kazan",
    ]
    path = tmp_path / "stations.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_ingest_summary_counts_conflicts_per_kind_and_lists_them(run_cli, conflicting_file):
    done = run_cli("ingest", str(conflicting_file))
    out = text(done.stdout)
    assert "accepted 3" in out
    assert "rows with a location conflict 2" in out
    assert "far_from_place 1" in out and "other_region 2" in out
    assert "row 2: far_from_place: the point is" in out
    assert "km from Krasnoyarsk, Krasnoyarsk Krai (RU-KYA) (tolerance 50 km)" in out
    assert "row 3: other_region: the point lies in Moscow (RU-MOW)" in out


def test_info_shows_location_conflict_counts(run_cli, conflicting_file):
    run_cli("ingest", str(conflicting_file))
    out = text(run_cli("info").stdout)
    assert "location conflicts 2 of 3 incidents; far_from_place 1; other_region 2" in out


def test_strict_location_rejects_conflicting_rows(run_cli, conflicting_file, data_dir):
    done = run_cli("ingest", str(conflicting_file), "--strict-location", "--dry-run")
    out = text(done.stdout)
    assert "accepted 1" in out and "rejected 2" in out
    assert "far_from_place 1" in out and "other_region 2" in out
    assert "rows with a location conflict 0" in out
    assert not (data_dir / "incidents.parquet").exists()


def test_tolerance_option_and_its_refusal(run_cli, conflicting_file):
    done = run_cli("ingest", str(conflicting_file), "--location-tolerance", "5000", "--dry-run")
    out = text(done.stdout)
    assert "rows with a location conflict 2" in out and "far_from_place" not in out
    bad = run_cli("ingest", str(conflicting_file), "--location-tolerance", "-3", check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--location-tolerance" in bad.stderr


def test_a_store_written_before_the_column_reads_it_as_null(run_cli, conflicting_file, data_dir):
    run_cli("ingest", str(conflicting_file))
    path = data_dir / "incidents.parquet"
    table = pq.read_table(path)
    pq.write_table(table.drop_columns(["location_conflict"]), path)
    back = store.read_incidents(path)
    assert back["location_conflict"].isna().all() and len(back) == 3
    assert "location conflicts 0 of 3 incidents" in text(run_cli("info").stdout)
    picked = store.read_incidents(path, columns=["detained", "location_conflict"])
    assert picked["location_conflict"].isna().all() and picked["detained"].sum() == 27
