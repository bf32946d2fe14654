"""Server time and bytes of page loads: the dashboard's page and an embed, over HTTP.

    python -m bench.pages [--data DIR] [--runs N]

A page load is the HTML Dash writes (with the validation layout of both pages in it) and,
for a news site's embed, ``/embed`` with its figure inlined. Each URL is asked once to warm
it, then ``--runs`` times; reported: the median wall time and the bytes as sent (gzip).
"""

from __future__ import annotations

import statistics
import time
import urllib.request

from app import create_app
from bench._server import save, serving, settings_from_args

PAGES = {
    "dashboard /?region=RU-MOW": "?region=RU-MOW",
    "embed ?region=RU-MOW": "embed?region=RU-MOW",
    "embed ?region=RU-SPE&timeline=1": "embed?region=RU-SPE&timeline=1",
}


def timed(url: str) -> tuple[float, int]:
    """Milliseconds and gzip bytes of one GET."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        size = len(response.read())
    return (time.perf_counter() - started) * 1000, size


def main() -> None:
    """Print and save the median time and size of each page."""
    settings, args = settings_from_args(__doc__ or "")
    results = {}
    with serving(create_app(settings)) as base:
        for name, path in PAGES.items():
            first, size = timed(base + path)
            times = [timed(base + path)[0] for _ in range(args.runs)]
            results[name] = {"first_ms": first, "median_ms": statistics.median(times), "gzip": size}
            print(
                f"{name:34} first {first:7.1f} ms  then {statistics.median(times):6.1f} ms"
                f"  {size / 1024:7.1f} KB gzip"
            )
    print(save("pages", results))


if __name__ == "__main__":
    main()
