"""Server time and response bytes of four dashboard interactions, calling the real callbacks.

Each interaction starts from the default view and goes through ``views.next_state`` (as the
``sync_state`` callback does), then renders every output that a view change fires: the map's
values patch, the timeline, the panels (as a desktop browser gets them: the grid's rows, not
the phone's cards) and the publishing controls (Export, Download, Embed links, alt text); the
map's table is built only while open, and is closed on a new page. Server time is the sum of
the five calls (the worst case: one worker doing all of it). Bytes are each output serialised
with plotly's JSON encoder, as Dash sends it, raw and gzip-compressed (the app runs with
``compress=True``).
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from dash import no_update
from plotly.utils import PlotlyJSONEncoder

from core.dataset import Dataset
from core.view import Filters
from layers import regions as region_layer
from pages import publishing, views

#: A date range, as the naive baseline gets it too.
PERIOD = ("2022-02-24", "2022-03-31")
_DEFAULT_CONTROLS: list[Any] = [None, None, views.ALL_KINDS, [], None, "detained", "quantile", []]


def _controls(**changes: Any) -> list[Any]:
    values = dict(zip(views.CONTROL_FIELDS, _DEFAULT_CONTROLS, strict=True)) | changes
    return [values[name] for name in views.CONTROL_FIELDS]


#: interaction -> the ``StateInputs`` the browser's event produces, from the default view.
INTERACTIONS: dict[str, views.StateInputs] = {
    "date range": views.StateInputs(
        "control", None, _controls(start=PERIOD[0], end=PERIOD[1]), state={"query": ""}
    ),
    "metric": views.StateInputs("control", None, _controls(metric="rallies"), state={"query": ""}),
    "region click": views.StateInputs(
        "map",
        None,
        _controls(),
        click={"points": [{"curveNumber": region_layer.REGIONS, "location": "RU-MOW"}]},
        state={"query": ""},
    ),
    "timeline brush": views.StateInputs(
        "timeline",
        None,
        _controls(),
        relayout={"xaxis.range[0]": "2020-12-31 12:00", "xaxis.range[1]": "2021-12-31 12:00"},
        state={"query": ""},
    ),
}


def _outputs(data: Dataset, state: dict) -> dict[str, Callable[[], Any]]:
    return {
        # The browser's map shows the default view when the interaction starts.
        "map": lambda: views.render_map(data, state, views.map_shown(data, {"query": ""}))[0],
        # The browser shows the default view's timeline when the interaction starts.
        "timeline": lambda: views.render_timeline(data, state, _DEFAULT_TIMELINE(data))[0],
        "panels": lambda: views.render_panels(data, state, "/", "wide"),
        "publishing": lambda: _publishing(data, state),
    }


def _publishing(data: Dataset, state: dict) -> dict[str, Any]:
    return publishing.render(
        data, state, latest=data.version, base="/", host="http://127.0.0.1:8050/", timeline=False
    )


def _DEFAULT_TIMELINE(data: Dataset) -> dict[str, Any]:
    return views.timeline_shown(data, Filters())


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _size(value: Any) -> tuple[int, int]:
    if isinstance(value, type(no_update)):  # Dash sends nothing for this output
        return 0, 0
    raw = json.dumps(value, cls=PlotlyJSONEncoder).encode()
    return len(raw), len(gzip.compress(raw, compresslevel=6))


def _run(data: Dataset, given: views.StateInputs) -> tuple[float, dict[str, float], dict]:
    """One interaction: total ms, ms per step, and the outputs' (raw, gzip) sizes."""
    parts: dict[str, float] = {}
    sizes: dict[str, tuple[int, int]] = {}
    started = time.perf_counter()
    state = views.next_state(data, given)[3]
    parts["state"] = (time.perf_counter() - started) * 1000
    for output, render in _outputs(data, state).items():
        started = time.perf_counter()
        value = render()
        parts[output] = (time.perf_counter() - started) * 1000
        sizes[output] = _size(value)
    return sum(parts.values()), parts, {"query": state["query"], "sizes": sizes}


def _show_default_view(data: Dataset) -> None:
    """What the browser asked for before the interaction: the default view, all outputs."""
    state = {"query": "", "notices": []}
    views.render_map(data, state)  # the page's own map: views.map_for, the same tables
    views.render_timeline(data, state, None)  # a new page has no timeline yet
    views.render_panels(data, state, "/", "wide")
    _publishing(data, state)


def _forget(data: Dataset) -> None:
    """A server that has answered nothing yet: no tables, figures or panels memoised."""
    data.tables.clear()
    views.forget_views()


def measure(data: Dataset, name: str, runs: int) -> dict[str, Any]:
    """p50/p95 server ms (whole interaction and per output) and bytes of one interaction.

    Each run starts from a server that has just shown the default view (its tables, figures
    and panels are memoised, see ``core.viewtables`` and ``pages.views``), as a user's first
    change does. ``cold_*`` is the
    same interaction with nothing memoised (a pasted link to a view nobody asked for yet).
    """
    given = INTERACTIONS[name]
    totals: list[float] = []
    cold: list[float] = []
    parts: dict[str, list[float]] = {
        name: [] for name in ("state", "map", "timeline", "panels", "publishing")
    }
    for _ in range(runs + 1):  # the first run warms imports and the allocator; dropped
        _forget(data)
        cold.append(_run(data, given)[0])
        _forget(data)
        _show_default_view(data)
        total, steps, seen = _run(data, given)
        totals.append(total)
        for step, ms in steps.items():
            parts[step].append(ms)
    totals, cold, parts = totals[1:], cold[1:], {k: v[1:] for k, v in parts.items()}
    sizes = seen["sizes"]
    return {
        "query": seen["query"],
        "p50_ms": round(statistics.median(totals), 1),
        "p95_ms": round(_percentile(totals, 0.95), 1),
        "cold_p50_ms": round(statistics.median(cold), 1),
        "cold_p95_ms": round(_percentile(cold, 0.95), 1),
        **{f"{k}_p50_ms": round(statistics.median(v), 1) for k, v in parts.items()},
        "map_p95_ms": round(_percentile(parts["map"], 0.95), 1),
        "bytes": sum(raw for raw, _ in sizes.values()),
        "gzip_bytes": sum(packed for _, packed in sizes.values()),
        **{f"{k}_bytes": raw for k, (raw, _) in sizes.items()},
        **{f"{k}_gzip_bytes": packed for k, (_, packed) in sizes.items()},
    }
