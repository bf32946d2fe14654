"""The store on object storage: ``PROTESTMAP_DATA=s3://bucket/prefix`` against a real S3 server.

moto's server mode (pinned in the test extras) runs on a free loopback port; the CLI writes
through pyarrow's S3 client as it would to AWS or MinIO, and the app reads the same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from app import create_app
from geodata import objectstore
from geodata.settings import Settings
from tests.conftest import ADMIN0, ADMIN1, PROTESTMAP
from tests.processes import free_port, redis_server, running, s3_server
from tests.test_fleet import version_seen, wait_for

BUCKET = "protestmap-test"
REPORT = "kind,date,city,source_url\nrally,{date},Perm,https://example.org/test-fixture\n"


class Bucket:
    """A store on the test S3 server: its address, the environment to reach it, a client."""

    def __init__(self, env: dict[str, str], uri: str, cache: Path) -> None:
        self.env = {**os.environ, **env, "PROTESTMAP_DATA": uri, "PROTESTMAP_CACHE": str(cache)}
        self.uri = uri
        self.fs = pafs.S3FileSystem(
            endpoint_override=env["AWS_ENDPOINT_URL"],
            access_key=env["AWS_ACCESS_KEY_ID"],
            secret_key=env["AWS_SECRET_ACCESS_KEY"],
            region="us-east-1",
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PROTESTMAP), *args], capture_output=True, text=True, env=self.env, timeout=300
        )

    def key(self, name: str) -> str:
        return f"{self.uri.removeprefix('s3://')}/{name}"

    def pointer(self) -> dict:
        with self.fs.open_input_stream(self.key(objectstore.POINTER)) as stream:
            return json.loads(stream.read())


@pytest.fixture(scope="module")
def s3() -> Iterator[dict[str, str]]:
    with s3_server(BUCKET) as env:
        yield env


@pytest.fixture(scope="module")
def built(s3, tmp_path_factory) -> Bucket:
    """``protestmap build`` straight into the bucket (boundaries from the shared subset)."""
    bucket = Bucket(s3, f"s3://{BUCKET}/built", tmp_path_factory.mktemp("writer-cache"))
    done = bucket.run("build", "--boundaries", str(ADMIN1), "--countries", str(ADMIN0))
    assert done.returncode == 0, done.stderr
    return bucket


@pytest.fixture
def bucket(built, s3, tmp_path) -> Bucket:
    """A store of the test's own: a copy of the built one under a fresh prefix."""
    uri = f"s3://{BUCKET}/{tmp_path.name}"
    selector = pafs.FileSelector(built.key(""), recursive=True)
    for info in built.fs.get_file_info(selector):
        if info.type == pafs.FileType.File:
            name = info.path.removeprefix(built.key(""))
            built.fs.copy_file(info.path, f"{uri.removeprefix('s3://')}/{name}")
    return Bucket(s3, uri, tmp_path / "writer-cache")


def ingest(bucket: Bucket, work: Path, date: str = "2022-10-01") -> subprocess.Popen[str]:
    report = work / f"report-{date}.csv"
    report.write_text(REPORT.format(date=date), encoding="utf-8")
    return subprocess.Popen(
        [str(PROTESTMAP), "ingest", str(report)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=bucket.env,
    )


def finished(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out


def served_version(client) -> str:
    response = client.get("/download/regions.csv")
    assert response.status_code == 200
    return response.get_data(as_text=True).split("Data version: ", 1)[1].split(";", 1)[0]


def test_build_writes_objects_and_a_pointer_naming_them(built):
    pointer = built.pointer()
    assert set(objectstore.TABLES) <= set(pointer)
    version = pointer["data_version"]
    assert pointer["incidents"] == f"versions/{version}.parquet"
    for kind in objectstore.TABLES:
        meta = pq.read_metadata(built.key(pointer[kind]), filesystem=built.fs)
        assert meta.num_rows > 0
    stored = pq.read_schema(built.key(pointer["incidents"]), filesystem=built.fs).metadata
    assert json.loads(stored[b"protestmap"])["data_version"] == version
    # The prepared incidents servers memory-map, so none of them prepares the version again.
    assert pointer[objectstore.SERVING].startswith(f"serving/{version}.")
    assert built.fs.get_file_info(built.key(pointer[objectstore.SERVING])).size > 0


def test_the_app_serves_the_bucket_and_follows_an_ingest(bucket, tmp_path, monkeypatch):
    for name, value in bucket.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PROTESTMAP_CACHE", str(tmp_path / "server-cache"))
    settings = Settings.from_env()
    assert settings.remote == bucket.uri
    client = create_app(settings).server.test_client()
    old = served_version(client)
    assert old == bucket.pointer()["data_version"]
    copied = list((settings.data).glob(f"*/{objectstore.SERVING}/{old}.*.arrow"))
    assert len(copied) == 1  # the writer's serving file, copied with the version's tables
    assert client.get("/?region=RU-PER").status_code == 200
    out = finished(ingest(bucket, tmp_path))
    assert f"published to {bucket.uri}" in out
    new = bucket.pointer()["data_version"]
    assert new != old
    deadline = time.monotonic() + 5
    while served_version(client) != new:
        assert time.monotonic() < deadline, "the app did not follow the new pointer in 5 s"
        time.sleep(0.1)
    # A link pinned to the old version still gets the old numbers, from its snapshot.
    assert client.get(f"/download/incidents.csv?v={old}").status_code == 200
    assert client.get("/download/incidents.csv?v=000000000000").status_code == 400


def test_a_reader_during_an_ingest_never_sees_half_a_version(bucket, tmp_path, monkeypatch):
    for name, value in bucket.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PROTESTMAP_CACHE", str(tmp_path / "server-cache"))
    client = create_app(Settings.from_env()).server.test_client()
    old = served_version(client)
    writer = ingest(bucket, tmp_path)
    seen_pointers: list[dict] = []
    seen_served = set()
    while writer.poll() is None:
        pointer = bucket.pointer()
        if pointer not in seen_pointers:
            seen_pointers.append(pointer)
            # Every object the pointer names is there, whole, the moment the pointer is.
            for kind in objectstore.TABLES:
                assert pq.read_metadata(bucket.key(pointer[kind]), filesystem=bucket.fs).num_rows
        seen_served.add(served_version(client))
    finished(writer)
    new = bucket.pointer()["data_version"]
    assert {p["data_version"] for p in seen_pointers} <= {old, new} and seen_pointers
    assert seen_served <= {old, new}


def test_a_failed_ingest_leaves_the_pointer_as_it_was(bucket, tmp_path):
    before = bucket.pointer()
    report = tmp_path / "broken.csv"
    report.write_bytes(b"\x00\x01 not a table")
    done = bucket.run("ingest", str(report))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert bucket.pointer() == before


def one_line_failure(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_an_unreachable_endpoint_is_one_line(tmp_path):
    env = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
        "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    bucket = Bucket(env, f"s3://{BUCKET}/x", tmp_path)
    line = one_line_failure(bucket.run("info"))
    assert "cannot reach the object store at http://127.0.0.1:" in line


def test_a_missing_bucket_is_one_line(s3, tmp_path):
    bucket = Bucket(s3, "s3://no-such-bucket/x", tmp_path)
    line = one_line_failure(bucket.run("ingest", str(ADMIN1)))
    assert "bucket 'no-such-bucket' does not exist" in line


def test_info_on_a_store_nothing_was_published_to_names_it(s3, tmp_path):
    bucket = Bucket(s3, f"s3://{BUCKET}/{tmp_path.name}", tmp_path)
    line = one_line_failure(bucket.run("info"))
    assert line == f"Error: {bucket.uri} holds no data yet: run `protestmap build`"


def test_refused_credentials_are_one_line(tmp_path):
    with s3_server(check_keys=True) as env:
        bucket = Bucket(env, f"s3://{BUCKET}/x", tmp_path)
        line = one_line_failure(bucket.run("info"))
    assert "refused these credentials" in line and "AWS_ACCESS_KEY_ID" in line


@pytest.mark.fleet
def test_a_fleet_on_the_bucket_follows_an_ingest_within_five_seconds(bucket, tmp_path):
    """Redis, the S3 server and two app servers with caches of their own, as on two machines."""
    with redis_server(str(tmp_path)) as redis_url:
        ports = {"a": free_port(), "b": free_port()}
        urls = {name: f"http://127.0.0.1:{port}/" for name, port in ports.items()}
        extra = {"a": ["--workers", "2", "--threads", "4"], "b": ["--threads", "4"]}

        def start(name: str) -> AbstractContextManager[subprocess.Popen[str]]:
            env = {
                **bucket.env,
                "PROTESTMAP_REDIS": redis_url,
                "PROTESTMAP_CACHE": str(tmp_path / f"cache-{name}"),
            }
            command = [str(PROTESTMAP), "serve", "--port", str(ports[name]), *extra[name]]
            return running(command, urls[name], env=env)

        with start("a"), start("b"):
            old = bucket.pointer()["data_version"]
            assert {version_seen(url) for url in urls.values()} == {old}
            bucket.env["PROTESTMAP_REDIS"] = redis_url
            out = finished(ingest(bucket, tmp_path))
            assert "announced to" in out
            new = bucket.pointer()["data_version"]
            for url in urls.values():
                # Several requests, so both of server A's workers answer at least one.
                assert wait_for(lambda u=url: {version_seen(u) for _ in range(4)} == {new}, 5.0)


def test_the_app_keeps_its_data_while_the_object_store_is_down(
    built, tmp_path, monkeypatch, caplog
):
    with s3_server(BUCKET) as env:
        own = Bucket(env, f"s3://{BUCKET}/own", tmp_path / "writer-cache")
        pafs.copy_files(
            built.key(""), own.key(""), source_filesystem=built.fs, destination_filesystem=own.fs
        )
        for name, value in own.env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("PROTESTMAP_CACHE", str(tmp_path / "server-cache"))
        client = create_app(Settings.from_env()).server.test_client()
        version = served_version(client)
    # The S3 server is gone: answers go on from the data in hand, with one warning.
    deadline = time.monotonic() + 30
    while "serving data version" not in caplog.text:
        assert time.monotonic() < deadline, "no warning that the object store is down"
        assert served_version(client) == version
    for _ in range(5):
        assert served_version(client) == version
    warnings = [r for r in caplog.records if "serving data version" in r.getMessage()]
    assert len(warnings) == 1 and "cannot reach the object store" in warnings[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)
