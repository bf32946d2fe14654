"""Time from navigation to the first map paint, in headless Chromium, on the store's data.

    python -m bench.first_paint [--data DIR] [--runs N]

Each run opens a fresh browser context (empty cache) and records, in milliseconds after
navigation start: DOMContentLoaded; the region geometry drawn (every region path exists);
and the map painted with the data (the legend, which arrives with the first values patch,
is drawn). Also the bytes transferred and that every request stayed on 127.0.0.1.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from app import create_app
from bench._server import save, serving, settings_from_args
from geodata import store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
_GEOMETRY = """(n) => document.querySelectorAll('#map .choroplethlocation').length >= n
    && performance.now()"""
_PAINTED = """() => document.querySelector('#map .colorbar')
    && document.querySelector('#tile-detentions') && performance.now()"""
_BYTES = """() => performance.getEntriesByType('navigation').concat(
    performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)"""
_DOM = "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"


def one_run(page: Page, url: str, shapes: int) -> dict[str, float]:
    """Load the page once; milliseconds since navigation start, and bytes."""
    outside: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith("http://127.0.0.1") else outside.append(r.url)
    )
    page.goto(url, wait_until="commit")
    geometry = page.wait_for_function(_GEOMETRY, arg=shapes, timeout=60_000).json_value()
    painted = page.wait_for_function(_PAINTED, timeout=60_000).json_value()
    page.wait_for_load_state("networkidle")
    return {
        "dom_content_loaded_ms": page.evaluate(_DOM),
        "geometry_drawn_ms": geometry,
        "map_painted_ms": painted,
        "bytes": page.evaluate(_BYTES),
        "outside_requests": len(outside),
    }


def cold_loads(url: str, runs: int, measure: Callable[[Page, str], dict]) -> list[dict]:
    """``measure(page, url)`` in ``runs`` fresh browser contexts, after one dropped warm-up."""
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(runs + 1):  # the first run warms the server and is dropped
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            results.append(measure(context.new_page(), url))
            context.close()
        browser.close()
    return results[1:]


def report(name: str, title: str, runs: list[dict]) -> None:
    """Print medians and ranges of ``runs`` under ``title``; save them as ``name``."""
    summary = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(title)
    for key, value in summary.items():
        values = [r[key] for r in runs]
        print(f"  {key:30} {value:12,.0f}   ({min(values):,.0f}-{max(values):,.0f})")
    print(f"saved {save(name, {'median': summary, 'runs': runs})}")


def main() -> None:
    """Measure and print a table; results also go to bench/results/first_paint.json."""
    settings, args = settings_from_args(__doc__.splitlines()[0])
    shapes = len(store.read_regions(settings.regions_path)) + len(
        store.read_countries(settings.countries_path)
    )
    with serving(create_app(settings)) as url:
        runs = cold_loads(url, args.runs, lambda page, at: one_run(page, at, shapes))
    title = f"first map paint, {args.runs} cold loads, median (min-max), store {settings.data}"
    report("first_paint", title, runs)


if __name__ == "__main__":
    main()
