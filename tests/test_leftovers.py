"""kill -9 an ingest at several points: the store survives and the next run sweeps the rest."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import synthetic
from geodata import store
from tests.conftest import PROTESTMAP
from tests.test_ingest import write_csv

ROWS = 3000


def _spill(data: Path) -> bool:
    return any(p.name.startswith(".protestmap-ingest-") for p in data.iterdir())


def _store_tmp(data: Path) -> bool:
    return any(p.name.startswith(".incidents.parquet.") for p in data.iterdir())


def _new_version(before: set[str]) -> Callable[[Path], bool]:
    def seen(data: Path) -> bool:
        folder = data / store.VERSIONS_DIR
        return folder.is_dir() and bool({p.name for p in folder.glob("*.parquet")} - before)

    return seen


def _kill_when(args: list[str], data: Path, state: Callable[[Path], bool]) -> bool:
    """Run protestmap; SIGSTOP it the moment ``state`` holds, then kill -9. False if it ended."""
    env = {**os.environ, "PROTESTMAP_DATA": str(data)}
    process = subprocess.Popen(
        [str(PROTESTMAP), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while process.poll() is None:
            if state(data):
                process.send_signal(signal.SIGSTOP)
                held = state(data)  # frozen now: still in that state?
                process.kill()
                process.wait()
                return held
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _leftovers(data: Path) -> list[str]:
    found = [p.name for p in data.iterdir() if p.name.startswith(".")]
    versions = data / store.VERSIONS_DIR
    return found + [p.name for p in versions.iterdir() if p.name.startswith(".")]


@pytest.fixture(scope="module")
def base(tmp_path_factory, reference_dir) -> tuple[Path, Path]:
    """A store of ROWS synthetic reports, and a second file of as many to ingest into it."""
    folder = tmp_path_factory.mktemp("kill-base")
    data = folder / "data"
    data.mkdir()
    for name in ("regions.parquet", "countries.parquet"):
        shutil.copy(reference_dir / name, data / name)
    first, second = folder / "first.csv", folder / "second.csv"
    synthetic.write_reports_csv(ROWS, first, seed=11, data=reference_dir, geocode=False)
    synthetic.write_reports_csv(ROWS, second, seed=12, data=reference_dir, geocode=False)
    env = {**os.environ, "PROTESTMAP_DATA": str(data)}
    subprocess.run(
        [str(PROTESTMAP), "ingest", str(first)], env=env, check=True, capture_output=True
    )
    return data, second


@pytest.mark.parametrize("point", ["reading", "writing-store", "after-store-written"])
def test_kill_9_leaves_the_store_whole_and_the_next_run_sweeps(
    tmp_path, data_dir, run_cli, base, point
):
    stored, second = base
    shutil.copytree(stored, data_dir, dirs_exist_ok=True)
    incidents = data_dir / "incidents.parquet"
    before_bytes = incidents.read_bytes()
    versions = {p.name for p in (data_dir / store.VERSIONS_DIR).glob("*.parquet")}
    state = {
        "reading": _spill,
        "writing-store": _store_tmp,
        "after-store-written": _new_version(versions),
    }[point]
    # The write window is short: try again if the process got past it before being stopped.
    assert any(_kill_when(["ingest", str(second)], data_dir, state) for _ in range(3))

    after = incidents.read_bytes()
    if point == "after-store-written":
        assert after != before_bytes
        assert store.read_metadata(incidents)["rows"] == len(store.read_incidents(incidents))
    else:
        assert after == before_bytes  # the old store, byte for byte
        assert _leftovers(data_dir), "the kill left nothing to sweep: the test proves nothing"

    tiny = write_csv(
        tmp_path,
        "detention,2022-09-24,Novosibirsk,71,https://example.org/tiny",
        header="kind,date,city,detained,source_url",
    )
    run_cli("ingest", str(tiny))
    assert _leftovers(data_dir) == []
    assert store.read_incidents(incidents)["detained"].notna().any()


def test_an_error_leaves_nothing_behind(tmp_path, data_dir, run_cli):
    path = tmp_path / "broken.csv"
    path.write_text("kind,date\ndetention,2022-09-21\ndetention;2022-09-22\n", encoding="utf-8")
    done = run_cli("ingest", str(path), check=False)
    assert done.returncode == 2
    assert [p.name for p in data_dir.iterdir() if p.name.startswith(".")] == []
