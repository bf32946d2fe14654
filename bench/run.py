"""The benchmark suite: one table, one JSON file under ``bench/results/``.

    python -m bench.run --data DIR          # short (<= 5 min): 10k, 100k, first paint, warm PNG
    python -m bench.run --data DIR --full   # adds 1M everywhere, ingest, export cold/warm,
                                            # two gunicorn workers' start-up and memory

``--data`` is a built store (for the real regions and the first-paint page). Synthetic stores
of each size are written once under ``--work`` and reused. Per size: server start-up (process
start -> first page served, in a fresh ``protestmap serve``) and its RSS; each interaction's
server time and bytes (``bench.interactions``); the naive baseline's date-range and metric
callbacks on the same store, with ratios against the fast map callback and the whole
interaction.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import click

from app import load_dataset
from bench import interactions, naive_app, synthetic, workers
from bench._server import RESULTS, first_page, save
from geodata.settings import PROJECT_ROOT, Settings
from tests.processes import free_port

SHORT_SIZES, FULL_SIZES = (10_000, 100_000), (10_000, 100_000, 1_000_000)
PROTESTMAP = Path(sys.executable).with_name("protestmap")


def synthetic_store(work: Path, n: int, base: Path) -> Path:
    """The seeded synthetic store of ``n`` incidents (written on first use)."""
    out = work / f"store-{n}"
    if not (out / "incidents.parquet").exists():
        synthetic.write_store(n, out, seed=0, data=base)
    return out


def _memory_mb(pid: int) -> dict[str, float]:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


def startup(store_dir: Path) -> dict[str, Any]:
    """Seconds from ``protestmap serve`` start to the first page served; RSS after the layout."""
    port = free_port()
    env = {**os.environ, "PROTESTMAP_DATA": str(store_dir)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [str(PROTESTMAP), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        seconds = first_page(url, child, started)
        with urllib.request.urlopen(url + "_dash-layout", timeout=30) as response:
            response.read()
        memory = _memory_mb(child.pid)
    finally:
        child.terminate()
        child.wait(timeout=30)
    return {
        "startup_s": round(seconds, 2),
        "rss_mb": round(memory["VmRSS"]),
        "peak_rss_mb": round(memory["VmHWM"]),
    }


def naive(store_dir: Path, repeat: int) -> dict[str, Any]:
    """The tutorial-style callback on the same store: date range and metric change."""
    return {
        "date range": naive_app.measure(
            *interactions.PERIOD, "detained", data=store_dir, repeat=repeat
        ),
        "metric": naive_app.measure(None, None, "rallies", data=store_dir, repeat=repeat),
    }


def size_results(store_dir: Path, runs: int, naive_repeat: int) -> dict[str, Any]:
    """Start-up, interactions and the naive baseline on one store."""
    out: dict[str, Any] = startup(store_dir)
    data = load_dataset(Settings(data=store_dir))
    out["interactions"] = {
        name: interactions.measure(data, name, runs) for name in interactions.INTERACTIONS
    }
    del data
    gc.collect()
    out["naive"] = naive(store_dir, naive_repeat)
    for name, base in out["naive"].items():
        fast = out["interactions"][name]
        base["speedup_vs_map"] = round(base["p50_ms"] / max(fast["map_p50_ms"], 0.1), 1)
        base["speedup_vs_all"] = round(base["p50_ms"] / max(fast["p50_ms"], 0.1), 1)
        base["fewer_bytes_vs_map"] = round(base["bytes"] / fast["map_bytes"], 1)
        base["fewer_bytes_vs_all_gzip"] = round(base["bytes"] / fast["gzip_bytes"], 1)
    return out


def _module(args: list[str], timeout: int = 1800) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,  # stderr goes to ours: a failing step says why
        text=True,
        timeout=timeout,
        check=True,
    )
    return done.stdout


def first_paint(base: Path, runs: int) -> dict[str, Any]:
    """Median cold navigation -> map painted on the real store (``bench.first_paint``)."""
    _module(["bench.first_paint", "--runs", str(runs), "--data", str(base)])
    return json.loads((RESULTS / "first_paint.json").read_text())["median"]


def embed_paint(base: Path, runs: int) -> dict[str, Any]:
    """Median embed below the fold of an article: first image, bytes (``bench.embed_paint``)."""
    _module(["bench.embed_paint", "--runs", str(runs), "--data", str(base)])
    return json.loads((RESULTS / "embed_paint.json").read_text())["median"]


def warm_png(base: Path) -> dict[str, float]:
    """One PNG export through the warm render pool (the publish routes' path)."""
    from bench.export_bench import _figure
    from publish import exports

    figure = _figure(base, False)
    pool = exports.RenderPool(timeout=120)
    try:
        started = time.perf_counter()
        pool.render(figure, "png", width=1200, height=760)
        first = time.perf_counter() - started
        started = time.perf_counter()
        pool.render(figure, "png", width=1200, height=760)
        return {
            "png_first_s": round(first, 2),
            "png_warm_s": round(time.perf_counter() - started, 2),
        }
    finally:
        pool.close()


#: Table columns: (heading, width, value from (fast interaction, naive baseline)).
_COLUMNS = [
    ("p50 ms", 7, lambda f, b: f["p50_ms"]),
    ("p95 ms", 7, lambda f, b: f["p95_ms"]),
    ("cold p50", 8, lambda f, b: f["cold_p50_ms"]),
    ("cold p95", 8, lambda f, b: f["cold_p95_ms"]),
    ("map p50", 8, lambda f, b: f["map_p50_ms"]),
    ("map p95", 8, lambda f, b: f["map_p95_ms"]),
    ("panels", 7, lambda f, b: f["panels_p50_ms"]),
    ("gzip B", 8, lambda f, b: f"{f['gzip_bytes']:,}"),
    ("raw B", 8, lambda f, b: f"{f['bytes']:,}"),
    ("map B", 7, lambda f, b: f"{f['map_bytes']:,}"),
    ("naive ms", 9, lambda f, b: b.get("p50_ms", "")),
    ("naive B", 10, lambda f, b: f"{b['bytes']:,}" if b else ""),
    ("x faster", 8, lambda f, b: b.get("speedup_vs_map", "")),
    ("x fewer B", 9, lambda f, b: b.get("fewer_bytes_vs_map", "")),
]


def table(results: dict[str, Any]) -> str:
    """The one table: per size and interaction, fast vs naive (ratios against the map)."""
    lines = [f"{'size':>9} {'interaction':<15} " + " ".join(f"{h:>{w}}" for h, w, _ in _COLUMNS)]
    for n, r in results["sizes"].items():
        for name, fast in r["interactions"].items():
            base = r["naive"].get(name, {})
            cells = " ".join(f"{value(fast, base)!s:>{w}}" for _, w, value in _COLUMNS)
            lines.append(f"{int(n):>9,} {name:<15} {cells}")
        lines.append(
            f"{int(n):>9,} start-up {r['startup_s']} s, "
            f"server RSS {r['rss_mb']} MB (peak {r['peak_rss_mb']} MB)"
        )
    for key in ("first_paint", "embed_paint", "export", "export_cold_warm", "ingest", "workers"):
        if key in results:
            lines.append(f"{key}: {json.dumps(results[key])}")
    lines += results.get("load", [])  # bench.load's own table
    return "\n".join(lines)


@click.command()
@click.option(
    "--data",
    "base",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=lambda: Settings.from_env().data,
    help="A built store [PROTESTMAP_DATA].",
)
@click.option("--full", is_flag=True, help="Add 1M incidents, ingest and cold exports.")
@click.option(
    "--work",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(tempfile.gettempdir()) / "protestmap-bench",
    show_default=True,
)
@click.option("--runs", default=15, show_default=True, help="Repetitions per interaction.")
def main(base: Path, full: bool, work: Path, runs: int) -> None:
    """Run the suite, print one table and save bench/results/run-{short,full}.json."""
    started = time.perf_counter()
    name = "run-full" if full else "run-short"
    results: dict[str, Any] = {"when": dt.datetime.now().isoformat(timespec="seconds"), "sizes": {}}
    for n in FULL_SIZES if full else SHORT_SIZES:
        store_dir = synthetic_store(work, n, base)
        results["sizes"][n] = size_results(store_dir, runs, naive_repeat=5 if n < 1_000_000 else 3)
        print(f"  {n:,} incidents done ({time.perf_counter() - started:.0f} s)", flush=True)
        save(name, results)  # each stage is kept: a later one failing loses nothing measured
    results["first_paint"] = first_paint(base, 5 if full else 3)
    results["embed_paint"] = embed_paint(base, 5 if full else 3)
    results["export"] = warm_png(base)
    save(name, results)
    if full:
        results["export_cold_warm"] = _module(
            ["bench.export_bench", "--data", str(base)]
        ).splitlines()
        results["ingest"] = _module(
            ["bench.ingest_bench", "--sizes", "100000", "--sizes", "1000000", "--data", str(base)]
        ).splitlines()[-6:]
        save(name, results)
        store_1m = synthetic_store(work, 1_000_000, base)
        results["load"] = _module(["bench.load", "--store", str(store_1m)]).splitlines()
        results["workers"] = workers.measure(store_1m)
    results["seconds"] = round(time.perf_counter() - started)
    print(table(results))
    print(f"saved {save(name, results)} in {results['seconds']} s")


if __name__ == "__main__":
    main()
