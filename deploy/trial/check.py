"""What docs/deploy.md says of the compose fleet, checked on the running containers.

Run by run.sh once the fleet is up (argument: the compose project's name); stops at the first
check that fails. The app containers publish no port: they are asked from inside, each its own
gunicorn, and nginx from this machine, as a reader would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

PROJECT = sys.argv[1]
SITE = "http://127.0.0.1"
APP_A, APP_B = f"{PROJECT}_app_1", f"{PROJECT}_app_2"
REDIS = f"{PROJECT}_redis_1"
# A GET on the container's own gunicorn: status, X-Cache, and the data version a download names.
PROBE = """
import json, sys, urllib.error, urllib.request
try:
    answer = urllib.request.urlopen("http://127.0.0.1:8050" + sys.argv[1], timeout=120)
except urllib.error.HTTPError as error:
    answer = error
body = answer.read().decode(errors="replace")
version = body.split("Data version: ", 1)[1].split(";", 1)[0] if "Data version: " in body else None
print(json.dumps([answer.status, answer.headers.get("X-Cache"), version]))
"""
# A report to ingest into this trial's throwaway store (as the tests' fixtures are).
REPORT = "kind,date,city,source_url\nrally,2024-03-01,Perm,https://example.org/compose-trial\n"
PAGES = {
    "/": "text/html",
    "/?region=RU-SPE": "text/html",
    "/compare?places=RU-PER,RU-MOW": "text/html",
    "/about": "text/html",
    "/embed?region=RU-MOW": "text/html",
    "/export/map.png?width=640": "image/png",
}
LOAD = ["/_dash-layout", "/_dash-dependencies", "/?n={i}", "/compare?places=RU-PER,RU-MOW&n={i}"]


def podman(*args: str) -> str:
    """A podman command's output; a failure stops the trial, saying why."""
    done = subprocess.run(["podman", *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"FAILED: podman {' '.join(args[:2])} ...: {done.stderr.strip()}")
    return done.stdout


def inside(container: str, path: str) -> tuple[int, str | None, str | None]:
    """GET ``path`` on one app container's gunicorn: status, X-Cache, data version."""
    status, cache, version = json.loads(podman("exec", container, "python", "-c", PROBE, path))
    return status, cache, version


def through_nginx(path: str) -> tuple[int | str, str]:
    """GET ``path`` through nginx: status (or the error) and content type."""
    try:
        with urllib.request.urlopen(SITE + path, timeout=120) as answer:
            answer.read()
            return answer.status, answer.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type()
    except OSError as error:
        return repr(error), ""


def wait_for(done: Callable[[], bool], seconds: float) -> float:
    """Seconds until ``done()``; more than ``seconds`` fails the trial."""
    start = time.monotonic()
    while not done():
        if time.monotonic() - start > seconds:
            raise SystemExit(f"FAILED: not within {seconds} s")
        time.sleep(0.2)
    return time.monotonic() - start


def check(what: str, ok: bool, seen: object) -> None:
    """Say what was checked and what was seen; stop at a failure."""
    print(f"{'ok' if ok else 'FAILED'}: {what}: {seen}", flush=True)
    if not ok:
        raise SystemExit(1)


def answered(container: str) -> bool:
    """Whether a container's gunicorn answers (it restarts until the store is built)."""
    try:
        return inside(container, "/download/regions.csv")[0] == 200
    except SystemExit:
        return False


def load_while(action: Callable[[], None], requests: int = 1600) -> Counter[str]:
    """Statuses of GETs through nginx from 4 clients; ``action`` runs a quarter of the way."""
    with ThreadPoolExecutor(4) as clients:
        answers = [
            clients.submit(through_nginx, LOAD[i % len(LOAD)].format(i=i)) for i in range(requests)
        ]
        wait_for(lambda: sum(a.done() for a in answers) >= requests // 4, 120)
        action()
        return Counter(str(a.result()[0]) for a in answers)


def export_twice(first: str, second: str, width: int) -> list[tuple[int, str | None]]:
    """Status and X-Cache of one SVG export asked of ``first``, then of ``second``."""
    path = f"/export/map.svg?width={width}"
    return [inside(container, path)[:2] for container in (first, second)]


def in_redis() -> int:
    """How many exports Redis holds for the fleet (the app-cache volume is shared as well)."""
    keys = podman("exec", REDIS, "redis-cli", "--scan", "--pattern", "protestmap:export:*")
    return len(keys.split())


def versions() -> set[str | None]:
    """The data versions the two app containers serve."""
    return {inside(app, "/download/regions.csv")[2] for app in (APP_A, APP_B)}


def main() -> None:
    """The checks, in the order docs/deploy.md tells them."""
    waited = wait_for(lambda: all(map(answered, (APP_A, APP_B))), 180)
    print(f"both app containers answer {waited:.1f} s after `up`")
    for app in (APP_A, APP_B):
        health = subprocess.run(["podman", "healthcheck", "run", app], capture_output=True)
        check(f"{app} passes compose.yaml's healthcheck", health.returncode == 0, "healthy")
    # podman-compose starts nginx without waiting for that healthcheck (Docker Compose waits),
    # so nginx may still count a server it found booting as failed, for its 10 s.
    waited = wait_for(lambda: all(through_nginx(path)[0] == 200 for path in PAGES), 30)
    print(f"nginx answers every page {waited:.1f} s later")
    for path, kind in PAGES.items():
        seen = through_nginx(path)
        check(f"nginx GET {path}", seen == (200, kind), seen)

    (old,) = versions()
    write = ["podman", "exec", "-i", APP_A, "sh", "-c", "cat > /tmp/report.csv"]
    subprocess.run(write, input=REPORT, text=True, check=True)
    podman("exec", APP_A, "protestmap", "ingest", "/tmp/report.csv")
    waited = wait_for(lambda: len(seen := versions()) == 1 and old not in seen, 30)
    check("an ingest reaches both app containers within 5 s", waited <= 5, f"{waited:.1f} s")

    shared, before = [(200, "MISS"), (200, "HIT")], in_redis()
    seen = export_twice(APP_A, APP_B, 701), in_redis() - before
    check("an export rendered by one container is in Redis, a hit on the other",
          seen == (shared, 1), seen)  # fmt: skip

    statuses = load_while(lambda: podman("kill", APP_A))
    check("killing an app container mid-load loses no request", set(statuses) == {"200"}, statuses)
    podman("start", APP_A)
    wait_for(lambda: answered(APP_A), 120)

    statuses = load_while(lambda: podman("kill", REDIS))
    check("killing Redis mid-load loses no request", set(statuses) == {"200"}, statuses)
    seen = export_twice(APP_A, APP_A, 702)
    check("without Redis a container renders and caches for itself", seen == shared, seen)
    podman("start", REDIS)
    # A worker tries Redis again, on a request, once its pause after the failure is over.
    widths = iter(range(710, 800))

    def shared_again() -> bool:
        before = in_redis()
        return export_twice(APP_B, APP_A, next(widths)) == shared and in_redis() == before + 1

    waited = wait_for(shared_again, 90)
    check("with Redis back the containers share exports again", True, f"{waited:.1f} s later")
    logs = podman("logs", APP_A) + podman("logs", APP_B)
    check("no traceback in the app containers' logs", "Traceback" not in logs, "none")


if __name__ == "__main__":
    main()
