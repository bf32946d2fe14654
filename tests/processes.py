"""Servers started by the tests themselves, on free loopback ports, and stopped after."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

START_TIMEOUT = 180


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def in_thread(wsgi: Callable[..., Any], *, threads: int = 4) -> Iterator[str]:
    """``wsgi`` served by waitress in a thread of this process; yields its base URL.

    Stopped from inside its own loop: closing its sockets from another thread while the loop
    waited in ``select`` made that fail (EBADF, an unhandled exception in the thread).
    """
    import waitress
    from waitress import wasyncore

    server = waitress.create_server(wsgi, host="127.0.0.1", port=0, threads=threads)
    loop = threading.Thread(target=server.run, daemon=True)
    loop.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        loop.join(timeout=30)
        server.task_dispatcher.shutdown()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one GET."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


@contextmanager
def started(
    args: list[str], *, log: IO[str] | None = None, **popen: object
) -> Iterator[tuple[subprocess.Popen[str], IO[str]]]:
    """``args`` started as the leader of its own group, and stopped with its children after.

    Its output goes to a file, ``log`` or a temporary one (read it with ``output``): a pipe
    that nobody reads fills up and blocks the server at its next log line, mid-test
    (waitress's main loop stopped answering after a burst of readers, on a "task queue
    depth" warning).
    """
    with contextlib.ExitStack() as stack:
        log = log or stack.enter_context(tempfile.TemporaryFile("w+"))
        process = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True, **popen
        )
        try:
            yield process, log
        finally:
            _stop_group(process)


def output(log: IO[str]) -> str:
    """Everything a ``started`` process has written so far."""
    log.seek(0)
    return log.read()


@contextmanager
def running(
    args: list[str], url: str, *, log: IO[str] | None = None, **popen: object
) -> Iterator[subprocess.Popen[str]]:
    """Start ``args``, wait until ``url`` answers 200, and stop it and its children after.

    The process leads its own group, so its workers (gunicorn's, nginx's) end with it even
    when it is killed. Its output goes to ``log`` if given (see ``started``).
    """
    with started(args, log=log, **popen) as (process, log):
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise AssertionError(f"{args[0]} exited:\n{output(log)}")
            try:
                if get(url)[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"{url} did not answer in {START_TIMEOUT} s") from None
                time.sleep(0.2)
        yield process


def _stop_group(process: subprocess.Popen[str]) -> None:
    """SIGTERM the process group, SIGKILL it if it lingers, and collect the output."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.communicate(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue
    process.communicate()


@contextmanager
def redis_server(folder: str, port: int | None = None) -> Iterator[str]:
    """Debian's redis-server on a free loopback port (or ``port``), without persistence.

    Yields its ``redis://`` URL once it answers PING; stops it after.
    """
    import redis

    port = port or free_port()
    options = {
        "port": str(port),
        "bind": "127.0.0.1",
        "save": "",
        "appendonly": "no",
        "dir": folder,
    }
    command = [
        "/usr/bin/redis-server",
        *(arg for o, v in options.items() for arg in (f"--{o}", v)),
    ]
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    with started(command) as (process, log), contextlib.closing(client):
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"redis-server exited:\n{output(log)}")
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise AssertionError("redis-server did not answer in 30 s") from None
                time.sleep(0.05)
        yield url


#: Credentials for the test S3 server (moto accepts any unless told to check them).
S3_KEYS = {
    "AWS_ACCESS_KEY_ID": "protestmap-test",
    "AWS_SECRET_ACCESS_KEY": "protestmap-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@contextmanager
def s3_server(*buckets: str, check_keys: bool = False) -> Iterator[dict[str, str]]:
    """moto's S3-compatible server on a free loopback port, with ``buckets`` created.

    Yields the environment a client needs (``AWS_ENDPOINT_URL`` and credentials). With
    ``check_keys`` the server refuses every key (moto then checks them against its IAM).
    """
    import pyarrow.fs as pafs

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, **({"INITIAL_NO_AUTH_ACTION_COUNT": "0"} if check_keys else {})}
    command = [
        str(Path(sys.executable).with_name("moto_server")),
        "-H",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    with started(command, env=env) as (process, log):
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"moto_server exited:\n{output(log)}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("moto_server did not answer in 60 s") from None
                time.sleep(0.05)
        admin = pafs.S3FileSystem(
            endpoint_override=endpoint,
            access_key=S3_KEYS["AWS_ACCESS_KEY_ID"],
            secret_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
            region="us-east-1",
            allow_bucket_creation=True,
        )
        for bucket in buckets:
            admin.create_dir(bucket)
        yield {"AWS_ENDPOINT_URL": endpoint, **S3_KEYS}
