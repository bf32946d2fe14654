from __future__ import annotations

import datetime as dt
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest
from ingesting import PROTESTMAP

from geodata import reports, schema, store
from geodata.errors import SchemaError


def incidents(n: int, *, day: dt.date = dt.date(2022, 9, 21)) -> gpd.GeoDataFrame:
    """n synthetic incidents in Moscow (test data, never shown as real)."""
    detained = [i % 7 if i % 5 else None for i in range(n)]
    frame = pd.DataFrame(
        {
            "incident_id": [f"id{i:07d}" for i in range(n)],
            "kind": ["detention"] * n,
            "date": [day + dt.timedelta(days=i % 30) for i in range(n)],
            "time": [None] * n,
            "city_en": ["Moscow"] * n,
            "city_ru": ["Москва"] * n,
            "geonameid": pd.array([524901] * n, dtype="Int64"),
            "place": [None] * n,
            "region_code": ["RU-MOW"] * n,
            "detained": pd.array(detained, dtype="Int64"),
            "participants": pd.array([None] * n, dtype="Int64"),
            "precision": ["city"] * n,
            "description": [None] * n,
            "tags": [["force_used"] if i % 3 == 0 else [] for i in range(n)],
            "sources": [
                [
                    {
                        "url": f"https://example.org/{i}",
                        "reporter": "synthetic",
                        "as_of": None,
                        "detained": detained[i],
                        "participants": None,
                        "note": None,
                    }
                ]
                for i in range(n)
            ],
            "campaign": ["synthetic"] * n,
            "location_conflict": [None] * (n - 1) + ["far_from_place: 60 km from Moscow"],
        }
    )
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy([37.6] * n, [55.75] * n), crs=schema.CRS
    )


def test_round_trip_keeps_schema_values_and_nulls(tmp_path: Path) -> None:
    path = tmp_path / "incidents.parquet"
    written = incidents(20)
    version = store.write_incidents(written, path)
    back = store.read_incidents(path)
    assert store.read_metadata(path)["data_version"] == version
    assert list(back.columns) == [*schema.INCIDENT_COLUMNS, "geometry"]
    assert back["detained"].isna().sum() == written["detained"].isna().sum()
    assert back["detained"].dtype == "Int64"
    assert back.crs.to_epsg() == 4326
    merged = back.set_index("incident_id").loc[written["incident_id"]]
    assert (
        merged["detained"].astype("float").fillna(-1).tolist()
        == written["detained"].astype("float").fillna(-1).tolist()
    )
    assert [list(t) for t in merged["tags"]] == written["tags"].tolist()
    assert merged["sources"].iloc[3][0]["url"] == "https://example.org/3"


def test_file_is_geoparquet_with_geoarrow_points_sorted_by_date(tmp_path: Path) -> None:
    path = tmp_path / "incidents.parquet"
    store.write_incidents(incidents(200), path)
    meta = pq.read_metadata(path)
    geo = pq.read_schema(path).metadata[b"geo"]
    assert b'"encoding": "point"' in geo
    dates = pq.read_table(path, columns=["date"]).column("date").to_pylist()
    assert dates == sorted(dates)
    assert meta.num_rows == 200


def test_data_version_depends_on_content_only(tmp_path: Path) -> None:
    a = store.write_incidents(incidents(50), tmp_path / "a.parquet")
    shuffled = incidents(50).sample(frac=1, random_state=3)
    assert store.write_incidents(shuffled, tmp_path / "b.parquet") == a
    changed = incidents(50)
    changed.loc[0, "detained"] = 999
    assert store.write_incidents(changed, tmp_path / "c.parquet") != a


def test_assemble_of_explode_gives_the_store_back(tmp_path: Path) -> None:
    path = tmp_path / "incidents.parquet"
    store.write_incidents(incidents(30), path)
    stored = store.read_incidents(path)
    again = reports.assemble(reports.explode(stored))
    assert (
        store.write_incidents(again, tmp_path / "again.parquet")
        == store.read_metadata(path)["data_version"]
    )


def test_schema_mismatch_is_refused_and_names_the_problem(tmp_path: Path) -> None:
    bad = incidents(3).drop(columns=["sources"])
    with pytest.raises(SchemaError, match="sources"):
        store.write_incidents(bad, tmp_path / "x.parquet")
    wrong = incidents(3)
    wrong["detained"] = ["many", "a few", "3"]
    with pytest.raises(SchemaError, match="schema"):
        store.write_incidents(wrong, tmp_path / "y.parquet")
    assert not list(tmp_path.iterdir())


def test_failed_write_leaves_previous_store_byte_identical(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "incidents.parquet"
    store.write_incidents(incidents(10), path)
    before = path.read_bytes()
    real = pq.write_table

    def half_then_fail(table, where, **kwargs):
        real(table.slice(0, 5), where, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        store.write_incidents(incidents(40), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name != store.VERSIONS_DIR] == [
        "incidents.parquet"
    ]


def test_killed_write_leaves_previous_store_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "incidents.parquet"
    store.write_incidents(incidents(10), path)
    before = path.read_bytes()
    script = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from test_store import incidents
        from geodata import store
        big = incidents(400_000)
        print("ready", flush=True)
        store.write_incidents(big, Path({str(path)!r}))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while not any(p.suffix == ".tmp" for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline, "the writer never started its temporary file"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert path.read_bytes() == before


def test_written_files_have_the_mode_the_writers_umask_gives(data_dir: Path) -> None:
    """Not a temporary file's private 0600: an operator's build stays readable by the server
    (another user of the group here) whenever the operator's umask lets it."""
    before = set(data_dir.rglob("*"))
    env = {**os.environ, "PROTESTMAP_DATA": str(data_dir)}
    done = subprocess.run(
        [str(PROTESTMAP), "build"], capture_output=True, text=True, env=env, umask=0o027
    )
    assert done.returncode == 0, done.stderr
    modes = {
        str(path.relative_to(data_dir)): oct(stat.S_IMODE(path.stat().st_mode))
        for path in set(data_dir.rglob("*")) - before
        if path.is_file()
    }
    assert {name.split("/")[0] for name in modes} == {"incidents.parquet", "versions", "serving"}
    assert set(modes.values()) == {"0o640"}, modes
