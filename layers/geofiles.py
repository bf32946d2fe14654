"""The map's boundaries as GeoJSON files that figures name by address instead of carrying.

Held inline, the outlines of the regions and neighbouring countries are some 75,000 nested
Python lists in every map figure. Each copy plotly makes of a figure copies them all, and
Python's cyclic garbage collector walks them all: at a million incidents building one
export's figure and JSON took 0.45 s of its worker's interpreter, and another request of that
worker (a 503 refusal too) could wait 200 ms at a stretch for it (``bench.export_bench``;
now 0.09 s and under 20 ms). Now a figure's ``geojson`` is the address
of a file (``geo/<kind>-<digest>.json``, relative to the page drawing it: every page sits at
the app's root), the same bytes for as long as the boundaries do: the server answers it from
memory (``publish.routes``), browsers and proxies keep it for good, and a render in kaleido
gets it as a ``data:`` URL (``inline``).

The files are registered per process under their digest, so every figure built from the same
boundaries names the same file whichever data version it shows.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Sequence
from typing import Any

import shapely

from layers._geo import feature_collection

#: Where figures address the files, relative to the page (``publish.routes`` serves it).
URL_PATH = "geo/"

_files: dict[str, bytes] = {}
_lock = threading.Lock()


def geojson_url(kind: str, ids: Sequence[str], geoms: Sequence[shapely.Geometry]) -> str:
    """The address of the FeatureCollection of ``geoms`` keyed by ``ids`` (plotly's ``geojson``)."""
    body = feature_collection(ids, geoms).encode()
    name = f"{kind}-{hashlib.sha256(body).hexdigest()[:20]}.json"
    with _lock:
        _files.setdefault(name, body)
    return URL_PATH + name


def geojson_file(name: str) -> bytes | None:
    """The bytes of the file ``name`` (the last part of its address), if a figure named it."""
    with _lock:
        return _files.get(name)


def inline(figure: dict[str, Any]) -> dict[str, Any]:
    """``figure`` (plotly JSON) with its geometry addresses as ``data:`` URLs, for kaleido.

    A render has no page to resolve ``geo/...`` against. The figure is not modified: only the
    traces naming a file are copied.
    """
    traces = []
    for trace in figure.get("data", ()):
        url = trace.get("geojson")
        if isinstance(url, str) and url.startswith(URL_PATH):
            body = geojson_file(url.removeprefix(URL_PATH))
            if body is None:
                raise LookupError(f"no geometry file {url!r} in this process")
            encoded = base64.b64encode(body).decode("ascii")
            trace = {**trace, "geojson": f"data:application/geo+json;base64,{encoded}"}
        traces.append(trace)
    return {**figure, "data": traces}
