"""Run the real ``protestmap ingest`` on a store, as a user adding one report would."""

import os
import subprocess
import sys
from pathlib import Path

from geodata import store

PROTESTMAP = Path(sys.executable).with_name("protestmap")


def ingest_one_rally(data_dir: Path, work: Path) -> str:
    """Add one rally in Perm on 2022-10-01 to the store in ``data_dir``; its new version."""
    report = work / "report.csv"  # a test fixture, not a real report: no count given
    report.write_text(
        "kind,date,city,source_url\nrally,2022-10-01,Perm,https://example.org/test-fixture\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PROTESTMAP_DATA": str(data_dir)}
    done = subprocess.run(
        [str(PROTESTMAP), "ingest", str(report)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    return store.read_metadata(data_dir / "incidents.parquet")["data_version"]
