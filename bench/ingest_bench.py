"""Ingest throughput and peak memory: the real ``protestmap ingest`` on synthetic CSV files.

Each run is a fresh process (``protestmap ingest FILE``) into an empty temporary store that holds
only the real regions, so imports, the gazetteer load (about 3 s) and the store write all count.
Wall time is measured around the child; peak RSS is the child's own ``ru_maxrss`` from
``os.wait4``. Input files are generated once per (size, variant, seed) and reused.

Usage::

    python -m bench.ingest_bench --sizes 100000 1000000 --data /tmp/pm-data
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import click

from geodata.settings import PROJECT_ROOT, Settings

RESULTS = PROJECT_ROOT / "bench" / "results"
TARGET_SECONDS, TARGET_RSS_MB = 60.0, 2048.0
VARIANTS = ("geocode", "coords")


@dataclass(frozen=True)
class IngestRun:
    """One measured ingest."""

    rows: int
    variant: str
    seconds: float
    rows_per_second: float
    peak_rss_mb: float
    exit_code: int
    incidents_written: int | None


def input_file(work: Path, rows: int, variant: str, *, seed: int, data: Path) -> Path:
    """The synthetic CSV for one size and variant, generated on first use.

    Generated in a child process: a child forked from a bench that had loaded the gazetteer
    (~600 MB) reported that as its own peak RSS (``ru_maxrss`` survives fork and exec), which
    hid every ingest peak below it.
    """
    path = work / f"reports-{variant}-{rows}-seed{seed}.csv"
    if not path.exists():
        flag = "--geocode" if variant == "geocode" else "--coords"
        generate = [sys.executable, "-m", "bench.synthetic", "csv", "--n", str(rows)]
        options = ["--out", str(path), flag, "--seed", str(seed), "--data", str(data)]
        subprocess.run([*generate, *options], check=True, stdout=subprocess.DEVNULL)
    return path


def _written_rows(incidents: Path) -> int | None:
    if not incidents.exists():
        return None
    import pyarrow.parquet as pq

    return pq.read_metadata(incidents).num_rows


def measure(
    csv_path: Path, rows: int, variant: str, *, data: Path, merge: str = "same-place-day"
) -> IngestRun:
    """Run one ingest in a fresh process against an empty store; time it and read its peak RSS.

    The synthetic files hold ~1.3 reports per incident, so they are ingested with
    ``--merge same-place-day`` unless ``merge`` says otherwise.
    """
    with tempfile.TemporaryDirectory(prefix="pm-ingest-") as tmp:
        target = Settings(data=Path(tmp))
        for name in ("regions_path", "countries_path"):
            shutil.copyfile(getattr(Settings(data=data), name), getattr(target, name))
        command = [
            str(Path(sys.executable).with_name("protestmap")),
            *("ingest", str(csv_path), "--merge", merge),
        ]
        env = {**os.environ, "PROTESTMAP_DATA": tmp}
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        written = _written_rows(target.incidents_path)
    return IngestRun(
        rows=rows,
        variant=variant,
        seconds=round(seconds, 2),
        rows_per_second=round(rows / seconds),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        exit_code=child.returncode,
        incidents_written=written,
    )


def table(runs: list[IngestRun]) -> str:
    """A plain-text table of the runs, marking the 1M-row targets."""
    lines = [
        f"{'rows':>9} {'input':<8} {'seconds':>8} {'rows/s':>9} {'peak RSS MB':>12} "
        f"{'incidents':>10}  target (1M: <= 60 s, <= 2 GB)"
    ]
    for run in runs:
        verdict = ""
        if run.rows >= 1_000_000:
            fast = "time met" if run.seconds <= TARGET_SECONDS else "time MISSED"
            lean = "RSS met" if run.peak_rss_mb <= TARGET_RSS_MB else "RSS MISSED"
            verdict = f"{fast}, {lean}"
        if run.exit_code:
            verdict = f"FAILED (exit {run.exit_code})"
        lines.append(
            f"{run.rows:>9,} {run.variant:<8} {run.seconds:>8.1f} {run.rows_per_second:>9,} "
            f"{run.peak_rss_mb:>12,.0f} {run.incidents_written or 0:>10,}  {verdict}"
        )
    return "\n".join(lines)


@click.command()
@click.option("--sizes", type=int, multiple=True, default=(100_000, 1_000_000), show_default=True)
@click.option("--variants", type=click.Choice(VARIANTS), multiple=True, default=VARIANTS)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--merge",
    type=click.Choice(["same-place-day", "none"]),
    default="same-place-day",
    show_default=True,
    help="How the ingest groups rows (the synthetic files hold several reports per event).",
)
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=lambda: Settings.from_env().data,
    help="A built store whose regions to ingest against [PROTESTMAP_DATA].",
)
@click.option(
    "--work",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(tempfile.gettempdir()) / "protestmap-bench",
    show_default=True,
    help="Where the synthetic input CSVs are kept between runs.",
)
def main(
    sizes: tuple[int, ...],
    variants: tuple[str, ...],
    seed: int,
    merge: str,
    data: Path,
    work: Path,
) -> None:
    """Measure `protestmap ingest` on synthetic CSVs; print a table and save JSON."""
    runs = []
    for rows in sizes:
        for variant in variants:
            path = input_file(work, rows, variant, seed=seed, data=data)
            runs.append(measure(path, rows, variant, data=data, merge=merge))
            print(table(runs[-1:]).splitlines()[-1], flush=True)
    print(table(runs))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    out = RESULTS / f"ingest-{stamp}.json"
    payload = {
        "when": stamp,
        "cpus": os.cpu_count(),
        "seed": seed,
        "runs": [asdict(r) for r in runs],
    }
    out.write_text(json.dumps(payload, indent=2))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
