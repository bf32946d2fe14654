"""The store on object storage (``PROTESTMAP_DATA=s3://bucket/prefix``), through pyarrow's S3.

The bucket holds immutable objects and one small pointer that names the current ones::

    current.json                       {"data_version", "incidents", "regions", "countries",
                                        "serving"}
    versions/<data version>.parquet    the incidents of each data version (pinned links read it)
    reference/<kind>-<hash>.parquet    regions and countries, named by their content
    serving/<data version>.<…>.arrow   the prepared incidents that servers memory-map

A writer (``protestmap build``/``ingest``) works on a local copy of the current version
(``checkout``), uploads every new object, and only then replaces the pointer (``publish``):
one PUT, which S3 makes visible whole, so a reader sees the old version or the new one and
never a half-written one. A reader (``core.versions.DataSource``) reads the pointer and copies
the objects it names into a folder of its own per version (``fetch``), which the local code
then reads as it reads any store folder.

Endpoint and credentials come from the standard AWS variables: ``AWS_ENDPOINT_URL`` (or
``AWS_ENDPOINT_URL_S3``) for MinIO or another S3-compatible server, ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``. Failures become one-line ``StoreError``s.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow.fs as pafs

from geodata import store
from geodata.errors import StoreError, first_line
from geodata.settings import Settings

SCHEME = "s3://"
POINTER = "current.json"
#: The three tables of a version, by their local file names.
TABLES = {
    "incidents": "incidents.parquet",
    "regions": "regions.parquet",
    "countries": "countries.parquet",
}
#: The pointer's optional entry (and folder) naming the version's serving file
#: (``core.servingfile``: the prepared incidents, for servers to memory-map).
SERVING = "serving"
#: Version folders kept in a reader's local copy: the current one and the ones before it.
KEPT_FOLDERS = 3

#: Words in pyarrow's S3 errors, and what the user should check.
_CAUSES = (
    (
        ("NETWORK_CONNECTION", "Could not connect", "curlCode"),
        "cannot reach the object store at "
        "{endpoint}: check AWS_ENDPOINT_URL and that the server runs",
    ),
    (
        ("ACCESS_DENIED", "INVALID_ACCESS_KEY", "SIGNATURE_DOES_NOT_MATCH", "Forbidden"),
        "the object store at {endpoint} refused these credentials for bucket '{bucket}': check "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    ),
    (("NO_SUCH_BUCKET", "NoSuchBucket"), "bucket '{bucket}' does not exist at {endpoint}"),
)


_FOLDER = re.compile(r"^[0-9a-f]{12}$")


def is_remote(location: str) -> bool:
    """Whether ``PROTESTMAP_DATA`` names object storage rather than a folder."""
    return location.startswith(SCHEME)


@contextlib.contextmanager
def writable_copy(settings: Settings, *, publish: bool = True) -> Iterator[Settings]:
    """Settings whose ``data`` folder a writer uses as it uses a local store.

    For a local store that is the store itself. For one on object storage it is a fresh
    folder under the cache holding the current version; when the block ends without an
    error (and ``publish``), what the writer added is uploaded and the pointer moved to it.
    A failed or killed writer leaves the store as it was.
    """
    if settings.remote is None:
        yield settings
        return
    remote = ObjectStore(settings.remote)
    settings.cache.mkdir(parents=True, exist_ok=True)
    # A reader of a store nothing was published to is told so, not shown an empty work folder.
    before = remote.pointer() if publish else remote.published()
    with tempfile.TemporaryDirectory(prefix=".protestmap-write-", dir=settings.cache) as work:
        remote.checkout(before, Path(work))
        yield replace(settings, data=Path(work), remote=None)
        if publish:
            remote.publish(Path(work), before)


def pointer_id(pointer: dict[str, Any]) -> str:
    """A short name for what a pointer names (its tables), for the reader's version folders."""
    named = json.dumps({k: pointer[k] for k in TABLES}, sort_keys=True)
    return hashlib.sha256(named.encode()).hexdigest()[:12]


class ObjectStore:
    """One ``s3://bucket/prefix`` store: the pointer, the objects, their local copies."""

    def __init__(self, uri: str, *, timeout: float = 5.0) -> None:
        bucket, _, prefix = uri.removeprefix(SCHEME).partition("/")
        if not is_remote(uri) or not bucket:
            raise StoreError(f"'{uri}' is not an object store address: use s3://bucket/prefix")
        self.uri = uri.rstrip("/")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        self.endpoint = endpoint or "AWS S3"
        self.fs = pafs.S3FileSystem(
            endpoint_override=endpoint,
            connect_timeout=timeout,
            request_timeout=timeout * 6,
            retry_strategy=pafs.AwsStandardS3RetryStrategy(max_attempts=2),
        )
        with self._errors():
            found = self.fs.get_file_info(bucket).type
        if found == pafs.FileType.NotFound:
            raise StoreError(self._cause("NoSuchBucket"))

    def _key(self, name: str) -> str:
        return "/".join(part for part in (self.bucket, self.prefix, name) if part)

    def _cause(self, message: str) -> str:
        for words, text in _CAUSES:
            if any(word in message for word in words):
                return text.format(endpoint=self.endpoint, bucket=self.bucket)
        return f"object store {self.uri}: {message}"

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn pyarrow's S3 errors (multi-line, with request ids) into one line that says why."""
        try:
            yield
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise StoreError(self._cause(first_line(exc))) from None

    # ------------------------------------------------------------------ reading

    def pointer(self) -> dict[str, Any] | None:
        """The current version's pointer, or None for a store nothing was published to yet."""
        try:
            with self._errors(), self.fs.open_input_stream(self._key(POINTER)) as stream:
                return dict(json.loads(stream.read()))
        except FileNotFoundError:
            return None

    def published(self) -> dict[str, Any]:
        """The current version's pointer; a store nothing was published to is an error."""
        pointer = self.pointer()
        if pointer is None:
            raise StoreError(f"{self.uri} holds no data yet: run `protestmap build`")
        return pointer

    def download(self, name: str, target: Path) -> Path:
        """Copy object ``name`` to ``target``, atomically (a reader never sees a part)."""
        with self._errors(), store.atomic_path(target) as tmp:
            with self.fs.open_input_stream(self._key(name)) as source, open(tmp, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
        return target

    def exists(self, name: str) -> bool:
        """Whether object ``name`` is in the store."""
        with self._errors():
            return self.fs.get_file_info(self._key(name)).type == pafs.FileType.File

    def fetch(self, pointer: dict[str, Any], mirror: Path) -> Path:
        """The local folder holding the tables ``pointer`` names, copied once per version.

        Several processes may fetch the same version at once: each fills a folder of its
        own and renames it into place; the first rename wins, the others drop theirs.
        """
        folder = mirror / pointer_id(pointer)
        if (folder / TABLES["incidents"]).exists():
            return folder
        mirror.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.{os.getpid()}.", dir=mirror))
        try:
            for kind, file_name in TABLES.items():
                self.download(pointer[kind], work / file_name)
            if pointer.get(SERVING):
                self.download(pointer[SERVING], work / pointer[SERVING])
            with contextlib.suppress(OSError):  # another process renamed its copy first
                work.rename(folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        _prune(mirror, keep=folder)
        return folder

    def fetch_version(self, version: str, mirror: Path) -> Path | None:
        """The local copy of a pinned version's incidents, or None if the store lacks it."""
        target = store.version_path(mirror, version)
        if target.exists():
            return target
        name = f"{store.VERSIONS_DIR}/{target.name}"
        return self.download(name, target) if self.exists(name) else None

    # ------------------------------------------------------------------ writing

    def checkout(self, pointer: dict[str, Any] | None, work: Path) -> None:
        """Copy the tables of the version ``pointer`` names (if any) into ``work``."""
        if pointer is not None:
            for kind, file_name in TABLES.items():
                self.download(pointer[kind], work / file_name)

    def publish(self, work: Path, before: dict[str, Any] | None) -> dict[str, Any] | None:
        """Upload what ``work`` holds that the store lacks, then move the pointer to it.

        Returns the new pointer, or ``before`` when nothing changed (no pointer written).
        """
        incidents = work / TABLES["incidents"]
        if not incidents.exists():
            return before
        version = store.read_metadata(incidents)["data_version"]
        pointer = {
            "data_version": version,
            "incidents": f"{store.VERSIONS_DIR}/{version}.parquet",
            "regions": self._put_reference(work / TABLES["regions"], "regions"),
            "countries": self._put_reference(work / TABLES["countries"], "countries"),
        }
        self._put_once(incidents, pointer["incidents"])
        for snapshot in sorted((work / store.VERSIONS_DIR).glob("*.parquet")):
            self._put_once(snapshot, f"{store.VERSIONS_DIR}/{snapshot.name}")
        for serving in sorted((work / SERVING).glob("*.arrow")):  # the writer leaves one
            pointer[SERVING] = self._put_once(serving, f"{SERVING}/{serving.name}")
        if before is not None and pointer_id(before) == pointer_id(pointer):
            return before
        with self._errors(), self.fs.open_output_stream(self._key(POINTER)) as out:
            out.write(json.dumps(pointer, indent=1).encode())
        return pointer

    def _put_reference(self, path: Path, kind: str) -> str:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return self._put_once(path, f"reference/{kind}-{digest}.parquet")

    def _put_once(self, path: Path, name: str) -> str:
        """Upload ``path`` as ``name`` unless it is there (objects are never rewritten)."""
        if not self.exists(name):
            with self._errors(), open(path, "rb") as source:
                with self.fs.open_output_stream(self._key(name)) as out:
                    shutil.copyfileobj(source, out, 1 << 20)
        return name


def _prune(mirror: Path, *, keep: Path) -> None:
    """Drop the oldest version folders of a reader's copy beyond ``KEPT_FOLDERS``.

    A process still serving a dropped version has it in memory already.
    """
    folders = sorted(
        (p for p in mirror.iterdir() if _FOLDER.match(p.name) and p != keep),
        key=lambda p: p.stat().st_mtime,
    )
    for old in folders[: max(0, len(folders) - (KEPT_FOLDERS - 1))]:
        shutil.rmtree(old, ignore_errors=True)
