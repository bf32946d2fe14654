"""Start-up and memory of `protestmap serve --workers 2` over one store (1M in `make bench-full`).

    python -m bench.workers --data /tmp/protestmap-bench/store-1000000

Measures, on a store that has its serving file (``core.servingfile``; written here first, as
``protestmap build``/``ingest`` would, when the synthetic store lacks one):

- **load**: a fresh Python process loading the dataset (``app.load_dataset``), imports
  excluded, wall and CPU seconds: what each worker pays when it switches to a new version;
  and the same from the GeoParquet alone (a copy without the serving file), as before;
- **start-up**: process start to the first page served, for one waitress process and for
  gunicorn with two workers (the app preloaded in the master, then forked); and a worker's
  own start: every worker killed, to the first page a worker forked anew answers;
- **memory** of the gunicorn server after both workers answered pages and callbacks: RSS
  and PSS of the master and of each worker from ``/proc/PID/smaps_rollup``. RSS counts every
  page a process maps, shared or not; PSS divides each shared page among the processes
  mapping it, so the PSS total is what the server really costs the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import click
import psutil

from bench._server import first_page, save
from core.servingfile import write_serving_file
from geodata import store
from tests.processes import free_port

PROTESTMAP = Path(sys.executable).with_name("protestmap")
#: Pages and callbacks each worker answers before memory is read.
_PAGES = ["", "?region=RU-MOW", "download/regions.csv", "embed?region=RU-SPE", "_dash-layout"]


def ensure_serving_file(data: Path) -> float:
    """Write the store's serving file if it lacks one (the writer's step); seconds it took."""
    started = time.perf_counter()
    write_serving_file(data, store.read_regions(data / "regions.parquet"))
    return round(time.perf_counter() - started, 2)


def load_seconds(data: Path) -> dict[str, float]:
    """Wall and CPU seconds a fresh process takes to load the dataset, after its imports.

    CPU seconds say what the load costs when the machine is shared; wall seconds include
    waiting for the CPU. ``data`` without a serving file measures the GeoParquet path.
    """
    code = (
        "import time; from pathlib import Path; from core.dataset import read_dataset; "
        f"d = Path({str(data)!r}); s, c = time.perf_counter(), time.process_time(); "
        "read_dataset(d, d / 'incidents.parquet'); "
        "print(time.perf_counter() - s, time.process_time() - c)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall, cpu = (float(x) for x in done.stdout.split()[-2:])
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}


def without_serving_file(data: Path, work: Path) -> Path:
    """A copy of the store's tables without its serving file (the load before this change)."""
    for name in ("incidents.parquet", "regions.parquet", "countries.parquet"):
        shutil.copyfile(data / name, work / name)
    return work


def smaps(pid: int) -> dict[str, float]:
    """RSS and PSS of one process in MB (``/proc/PID/smaps_rollup``)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return {"rss_mb": round(fields["Rss"]), "pss_mb": round(fields["Pss"])}


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (a killed one not reaped yet, a zombie, is not)."""
    live = []
    for child in psutil.Process(pid).children():
        with contextlib.suppress(psutil.NoSuchProcess):  # gone since it was listed
            if child.status() != psutil.STATUS_ZOMBIE:
                live.append(child.pid)
    return live


def serve(data: Path, workers: int) -> dict[str, Any]:
    """Start ``protestmap serve``; seconds to the first page, then memory per process."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "PROTESTMAP_DATA": str(data)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [str(PROTESTMAP), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    restart: dict[str, float] = {}
    try:
        seconds = round(first_page(url, child, started), 2)
        for _ in range(3 * workers):  # enough requests that every worker answers some
            for page in _PAGES:
                with urllib.request.urlopen(url + page, timeout=120) as response:
                    response.read()
        processes = {"master" if workers > 1 else "server": smaps(child.pid)}
        if workers > 1:
            for i, pid in enumerate(_children(child.pid), 1):
                processes[f"worker {i}"] = smaps(pid)
            restart = {"worker_restart_s": round(restart_seconds(child.pid, url), 2)}
    finally:
        os.killpg(child.pid, 15)
        child.wait(timeout=60)
    total = {k: sum(p[k] for p in processes.values()) for k in ("rss_mb", "pss_mb")}
    return {"startup_s": seconds, **restart, "processes": processes, "total": total}


def restart_seconds(master: int, url: str) -> float:
    """Seconds from killing every worker of ``master`` to a page answered by a new one."""
    old = set(_children(master))
    started = time.perf_counter()
    for pid in old:
        os.kill(pid, signal.SIGKILL)
    while True:
        try:  # a connection an old worker had accepted as it died is reset: ask again
            with urllib.request.urlopen(url, timeout=120) as response:
                response.read()
            break
        except (ConnectionError, urllib.error.URLError):
            continue
    seconds = time.perf_counter() - started
    if not set(_children(master)).isdisjoint(old):
        raise click.ClickException("a killed worker was still answering")
    return seconds


def measure(data: Path) -> dict[str, Any]:
    """The serving file, the load, one waitress process and two gunicorn workers."""
    written = ensure_serving_file(data)
    with tempfile.TemporaryDirectory() as work:
        parquet_load = load_seconds(without_serving_file(data, Path(work)))
    return {
        "store": str(data),
        "incidents": store.read_metadata(data / "incidents.parquet")["rows"],
        "serving_file_s": written,
        "load_mapped": load_seconds(data),
        "load_from_geoparquet": parquet_load,
        "one_process": serve(data, 1),
        "two_workers": serve(data, 2),
        "load_average": os.getloadavg(),
    }


@click.command()
@click.option("--data", type=click.Path(exists=True, path_type=Path), required=True)
def main(data: Path) -> None:
    """Print the figures and save bench/results/workers.json."""
    results = measure(data)
    print(json.dumps(results, indent=1))
    print(f"saved {save('workers', results)}")


if __name__ == "__main__":
    main()
