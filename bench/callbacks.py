"""Server time and response bytes of filter-change callbacks, over HTTP, on the store's data.

    python -m bench.callbacks [--data DIR] [--runs N]

Each scenario is the request the browser sends after a filter change (the view state in,
the map's values patch or the panels out), posted to the app under waitress on loopback
with ``Accept-Encoding: gzip``. Reported: median wall time per request, and the body size as
sent (gzip) and uncompressed.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
import urllib.request
from typing import Any

from app import create_app, load_dataset
from bench._server import save, serving, settings_from_args
from pages import ids

SCENARIOS = {
    "metric -> rallies": "?metric=rallies",
    "period 24-25 Sep": "?from=2022-09-24&to=2022-09-25",
    "tag force_used, jenks": "?tag=force_used&classes=jenks",
    "region Moscow": "?region=RU-MOW",
}
OUTPUTS = {
    "map": f"{ids.MAP}.figure",
    "panels": f"{ids.GRID}.rowData",
    "timeline": f"{ids.TIMELINE}.figure",
}


def payload(callback_map: dict, output_key: str, query: str) -> bytes:
    """The body dash-renderer posts when the view state changes to ``query``."""
    key = next(k for k in callback_map if output_key in k)
    spec = callback_map[key]
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")
    ]
    body = {
        "output": key,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        # The view state, and for the panels the screen: a desktop's.
        "inputs": [
            {**given, "value": {"query": query, "notices": []}}
            if given["id"] == ids.STATE
            else {**given, "value": "wide" if given["id"] == ids.SCREEN else None}
            for given in spec["inputs"]
        ],
        "changedPropIds": [f"{ids.STATE}.data"],
        # What the browser's figure shows: nothing yet, so the whole answer is sent.
        "state": [{**state, "value": None} for state in spec.get("state", [])],
    }
    return json.dumps(body).encode()


def post(url: str, body: bytes) -> tuple[float, int, int]:
    """Milliseconds, bytes on the wire (gzip) and uncompressed bytes of one request."""
    request = urllib.request.Request(
        url + "_dash-update-component",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"},
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        raw = response.read()
        encoded = response.headers.get("Content-Encoding") == "gzip"
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, len(raw), len(gzip.decompress(raw) if encoded else raw)


def main() -> None:
    """Measure every scenario and print a table; also saved to bench/results/callbacks.json."""
    settings, args = settings_from_args(__doc__.splitlines()[0])
    data = load_dataset(settings)
    results: dict[str, Any] = {}
    app = create_app(settings, data=data)  # its callback map gives the exact request shape
    with serving(app) as url:
        for name, query in SCENARIOS.items():
            for part, output in OUTPUTS.items():
                body = payload(app.callback_map, output, query)
                post(url, body)  # warm-up
                runs = [post(url, body) for _ in range(args.runs)]
                results[f"{name} / {part}"] = {
                    "median_ms": statistics.median(r[0] for r in runs),
                    "max_ms": max(r[0] for r in runs),
                    "gzip_bytes": runs[0][1],
                    "bytes": runs[0][2],
                }
    print(f"filter-change callbacks, {args.runs} runs each, store {settings.data}")
    print(f"  {'scenario / output':40} {'median ms':>10} {'max ms':>8} {'gzip B':>9} {'raw B':>9}")
    for key, value in results.items():
        print(
            f"  {key:40} {value['median_ms']:10.1f} {value['max_ms']:8.1f} "
            f"{value['gzip_bytes']:9,} {value['bytes']:9,}"
        )
    print(f"saved {save('callbacks', results)}")


if __name__ == "__main__":
    main()
