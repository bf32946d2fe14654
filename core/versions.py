"""The data behind every view: the latest store, or a pinned data version's snapshot.

An unpinned link follows the latest data: the store's metadata is re-read when the incidents
file changes on disk (a new ``protestmap ingest``), without restarting the server. A pinned
link (``v=<version>``) reads ``versions/<version>.parquet``, so it keeps its numbers. Those
snapshots are made by the writer (``geodata.store.write_incidents``): serving only reads, so
the data folder may be a read-only volume.

A store on object storage (``PROTESTMAP_DATA=s3://…``, ``geodata.objectstore``) is followed
through its pointer instead, read at most once per ``POLL_SECONDS``: a new pointer's tables are
copied into a local folder of their own, then read like a store folder. While the object store
cannot be reached the server keeps its current data and logs one warning.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path

from core import servingfile
from core.dataset import Dataset, read_dataset
from core.i18n import N_, Explained
from geodata import store
from geodata.errors import SchemaError, StoreError
from geodata.objectstore import ObjectStore, pointer_id
from geodata.settings import Settings

log = logging.getLogger(__name__)
#: Pinned versions kept in memory at once (each is a full prepared dataset).
PINNED_KEPT = 3
#: How often a server reads an object store's pointer (a Redis message is heard at once).
POLL_SECONDS = 1.0
#: After a failed read, how long until the next (requests meanwhile are answered at once).
RETRY_SECONDS = 5.0


class UnknownVersion(Explained, SchemaError):
    """A pinned version that this store does not keep (said in any language)."""


class DataSource:
    """Datasets by version, loaded on demand; ``current()`` follows the incidents file."""

    def __init__(
        self,
        data_dir: Path,
        initial: Dataset | None = None,
        *,
        remote: ObjectStore | None = None,
        cache: Path | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.remote = remote
        #: Where this server keeps the serving files it had to build (``core.servingfile``).
        self.cache = cache
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | str | None = None
        self._current = initial
        self._pinned: OrderedDict[str, Dataset] = OrderedDict()
        #: The local folder of the latest version (``data_dir`` itself unless remote).
        self._folder = data_dir
        self._polled = 0.0
        self._warned = False
        if initial is not None:
            self._stamp = self._file_stamp()

    @classmethod
    def from_settings(cls, settings: Settings, initial: Dataset | None = None) -> DataSource:
        """The data of ``settings``: its folder, or its object store (``settings.remote``)."""
        remote = ObjectStore(settings.remote) if settings.remote else None
        return cls(settings.data, initial, remote=remote, cache=settings.cache / servingfile.FOLDER)

    @property
    def incidents_path(self) -> Path:
        """The latest incidents file."""
        return self._folder / "incidents.parquet"

    def _file_stamp(self) -> tuple[int, int] | str:
        if self.remote is not None:
            return self._remote_stamp()
        if not self.incidents_path.exists():
            raise SchemaError(f"{self.incidents_path} does not exist; run `protestmap build` first")
        stat = self.incidents_path.stat()
        return stat.st_mtime_ns, stat.st_size

    def _remote_stamp(self) -> str:
        """The pointer's id, its tables copied locally; read at most every ``POLL_SECONDS``."""
        assert self.remote is not None
        if isinstance(self._stamp, str) and time.monotonic() - self._polled < POLL_SECONDS:
            return self._stamp
        try:
            pointer = self.remote.published()
            self._folder = self.remote.fetch(pointer, self.data_dir)
        except StoreError as exc:
            if self._current is None or not isinstance(self._stamp, str):
                raise
            self._polled = time.monotonic() + RETRY_SECONDS - POLL_SECONDS
            if not self._warned:
                log.warning("%s; serving data version %s meanwhile", exc, self._current.version)
                self._warned = True
            return self._stamp
        if self._warned:
            log.warning("object store %s answers again", self.remote.uri)
            self._warned = False
        self._polled = time.monotonic()
        return pointer_id(pointer)

    def _load(self, incidents_path: Path) -> Dataset:
        return read_dataset(self._folder, incidents_path, cache=self.cache)

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
            if self.remote is None:
                self._stamp = None
            self._polled = 0.0
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
            path = self._version_path(version)
        except SchemaError:
            raise UnknownVersion(
                N_("'{version}' is not a data version (12 hexadecimal characters)"),
                version=version[:20],
            ) from None
        if path is None or not path.exists():
            raise UnknownVersion(
                N_("data version {version} is not kept by this server"), version=version
            )
        dataset = self._load(path)
        with self._lock:
            self._pinned[version] = dataset
            while len(self._pinned) > PINNED_KEPT:
                self._pinned.popitem(last=False)
        return dataset

    def _version_path(self, version: str) -> Path | None:
        """The local snapshot of ``version``, copied from the object store when remote."""
        if self.remote is None:
            return store.version_path(self.data_dir, version)
        store.version_path(self.data_dir, version)  # refuses anything but a version hash
        return self.remote.fetch_version(version, self.data_dir)
