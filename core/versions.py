"""The data behind every view: the latest store, or a pinned data version's snapshot.

An unpinned link follows the latest data: the store's metadata is re-read when the incidents
file changes on disk (a new ``protestmap ingest``), without restarting the server. A pinned
link (``v=<version>``) reads ``versions/<version>.parquet``, so it keeps its numbers. Those
snapshots are made by the writer (``geodata.store.write_incidents``): serving only reads, so
the data folder may be a read-only volume.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from core.dataset import Dataset, read_dataset
from geodata import store
from geodata.errors import SchemaError

#: Pinned versions kept in memory at once (each is a full prepared dataset).
PINNED_KEPT = 3


class UnknownVersion(SchemaError):
    """A pinned version that this store does not keep."""


class DataSource:
    """Datasets by version, loaded on demand; ``current()`` follows the incidents file."""

    def __init__(self, data_dir: Path, initial: Dataset | None = None) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._current = initial
        self._pinned: OrderedDict[str, Dataset] = OrderedDict()
        if initial is not None:
            self._stamp = self._file_stamp()

    @property
    def incidents_path(self) -> Path:
        """The latest incidents file."""
        return self.data_dir / "incidents.parquet"

    def _file_stamp(self) -> tuple[int, int]:
        stat = self.incidents_path.stat()
        return stat.st_mtime_ns, stat.st_size

    def _load(self, incidents_path: Path) -> Dataset:
        return read_dataset(self.data_dir, incidents_path)

    def current(self) -> Dataset:
        """The latest data, reloaded if the incidents file changed since the last call."""
        with self._lock:
            stamp = self._file_stamp()
            if self._current is None or stamp != self._stamp:
                self._current = self._load(self.incidents_path)
                self._stamp = stamp
            return self._current

    def refresh(self, version: str) -> None:
        """Load the latest data now unless it is ``version`` already (a writer announced it).

        Called from the "new data version" listener, so the first request after an ingest
        does not pay for the reload.
        """
        with self._lock:
            if self._current is not None and self._current.version == version:
                return
            self._stamp = None
        self.current()

    def get(self, version: str | None) -> Dataset:
        """The dataset of ``version`` (the latest when None or equal to it)."""
        latest = self.current()
        if version is None or version == latest.version:
            return latest
        with self._lock:
            if version in self._pinned:
                self._pinned.move_to_end(version)
                return self._pinned[version]
        try:
            path = store.version_path(self.data_dir, version)
        except SchemaError as exc:
            raise UnknownVersion(str(exc)) from None
        if not path.exists():
            raise UnknownVersion(f"data version {version} is not kept by this server")
        dataset = self._load(path)
        with self._lock:
            self._pinned[version] = dataset
            while len(self._pinned) > PINNED_KEPT:
                self._pinned.popitem(last=False)
        return dataset
