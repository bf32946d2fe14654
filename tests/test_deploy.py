"""The copyable deployment in deploy/: gunicorn's config file behind the nginx site, for real.

The site file is used as written, with only its ports and cache folder pointed at the test's
own; nginx comes from Debian (installed by `make setup`).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from geodata.settings import PROJECT_ROOT
from tests.processes import free_port, get, running

DEPLOY = PROJECT_ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _nginx_config(folder: Path, listen: int, upstream: int) -> Path:
    site = (DEPLOY / "nginx.conf").read_text()
    site = site.replace("server 127.0.0.1:8050;", f"server 127.0.0.1:{upstream};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("/var/cache/nginx/protestmap", str(folder / "cache"))
    (folder / "site.conf").write_text(site)
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"daemon off; worker_processes 1; pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\n"
        + ("user root;\n" if os.geteuid() == 0 else "")
        + "events {}\n"
        f"http {{ access_log off; {temp} uwsgi_temp_path {folder / 'uwsgi'};"
        f" scgi_temp_path {folder / 'scgi'}; include {folder / 'site.conf'}; }}\n"
    )
    return main


#: Gunicorn with deploy/gunicorn.conf.py, as the systemd unit and the containers run it.
GUNICORN = [
    str(Path(sys.executable).with_name("gunicorn")),
    "-c",
    str(DEPLOY / "gunicorn.conf.py"),
    "app:server",
]


def _gunicorn_env(store: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "PROTESTMAP_DATA": str(store),
        "PROTESTMAP_BIND": f"127.0.0.1:{port}",
        "PROTESTMAP_WORKERS": "2",
    }


@pytest.fixture
def app_port(built_store: Path):
    port = free_port()
    env = _gunicorn_env(built_store, port)
    with running(GUNICORN, f"http://127.0.0.1:{port}/", env=env, cwd=PROJECT_ROOT):
        yield port


@pytest.fixture
def site(tmp_path: Path, app_port: int):
    site_port = free_port()
    config = _nginx_config(tmp_path, site_port, app_port)
    site_url = f"http://127.0.0.1:{site_port}/"
    with running([NGINX, "-c", str(config), "-p", str(tmp_path)], site_url):
        yield site_url


def test_gunicorn_on_a_store_not_built_yet_stops_with_one_line(tmp_path: Path) -> None:
    """What a container or systemd unit started before ``protestmap build`` logs."""
    env = _gunicorn_env(tmp_path / "store", free_port())
    done = subprocess.run(
        GUNICORN, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120
    )
    assert done.returncode != 0
    assert done.stderr.splitlines() == [
        f"protestmap: {tmp_path / 'store' / 'incidents.parquet'} does not exist; "
        "run `protestmap build` first"
    ]


def test_nginx_proxies_the_app_and_caches_versioned_files(site: str) -> None:
    status, _, page = get(site)
    assert status == 200 and b"protestmap" in page
    suite = page.split(b'src="/_dash-component-suites/', 1)[1].split(b'"', 1)[0].decode()
    first = get(f"{site}_dash-component-suites/{suite}")[1]
    second = get(f"{site}_dash-component-suites/{suite}")[1]
    assert (first["X-Cache-Status"], second["X-Cache-Status"]) == ("MISS", "HIT")


def test_nginx_answers_a_repeated_page_by_itself(site: str) -> None:
    first = get(f"{site}compare?lang=ru")
    second = get(f"{site}compare?lang=ru")
    assert (first[1]["X-Cache-Status"], second[1]["X-Cache-Status"]) == ("MISS", "HIT")
    assert first[2] == second[2] and b'<html lang="ru"' in first[2]


def test_nginx_answers_a_repeated_embed_by_itself(site: str) -> None:
    first = get(f"{site}embed?region=RU-MOW")
    second = get(f"{site}embed?region=RU-MOW")
    assert (first[1]["X-Cache-Status"], second[1]["X-Cache-Status"]) == ("MISS", "HIT")
    assert first[2] == second[2] and first[1]["Cache-Control"] == "public, max-age=60"


def test_nginx_keeps_the_boundary_files_the_maps_name(site: str) -> None:
    figures = json.loads(get(f"{site}embed/figures.json?region=RU-MOW")[2])
    urls = {trace["geojson"] for trace in figures["map"]["data"] if "geojson" in trace}
    assert len(urls) == 4
    for url in sorted(urls):
        first = get(f"{site}{url}")
        second = get(f"{site}{url}")
        assert (first[1]["X-Cache-Status"], second[1]["X-Cache-Status"]) == ("MISS", "HIT")
        assert first[2] == second[2] and b'"FeatureCollection"' in first[2]


def test_nginx_refuses_bodies_over_a_megabyte(site: str) -> None:
    request = urllib.request.Request(
        f"{site}_dash-update-component",
        data=b"[" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413


def _compose() -> dict:
    import yaml

    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_compose_file_runs_the_tested_gunicorn_config_and_nginx_site():
    """No container runtime in `make test`: the compose file is checked against the files the
    tests above run (deploy/trial/run.sh runs it for real, with podman)."""
    services = _compose()["services"]
    assert {"nginx", "app", "redis", "minio", "bucket"} <= set(services)
    app, nginx = services["app"], services["nginx"]
    assert app["command"] == ["gunicorn", "-c", "deploy/gunicorn.conf.py", "app:server"]
    # Every variable deploy/gunicorn.conf.py reads is set for the app containers.
    read = set(re.findall(r'environ\.get\("(\w+)"', (DEPLOY / "gunicorn.conf.py").read_text()))
    assert read == {"PROTESTMAP_BIND", "PROTESTMAP_WORKERS", "PROTESTMAP_THREADS"}
    assert read <= set(app["environment"])
    # ... on the port nginx's upstream names, which the nginx service rewrites to `app`.
    site = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"server 127\.0\.0\.1:(\d+);", site)
    assert upstream and app["environment"]["PROTESTMAP_BIND"] == f"0.0.0.0:{upstream[1]}"
    assert app["expose"] == [upstream[1]]
    rewrite = " ".join(nginx["command"])
    assert f"s/{upstream[0]}/server app:{upstream[1]};/" in rewrite
    listen = re.search(r"listen (\d+);", site)
    assert listen and nginx["ports"] == [f"{listen[1]}:{listen[1]}"]
    cache = re.search(r"proxy_cache_path (\S+)", site)
    assert cache and f"mkdir -p {cache[1]}" in rewrite


def test_the_app_containers_healthcheck_passes_on_a_running_app(app_port: int) -> None:
    """The command compose.yaml runs in each app container, run against a real gunicorn."""
    services = _compose()["services"]
    check = services["app"]["healthcheck"]["test"]
    assert check.startswith("python -c ") and "http://127.0.0.1:8050/" in check
    command = check.replace("http://127.0.0.1:8050/", f"http://127.0.0.1:{app_port}/")
    command = command.replace("python", shlex.quote(sys.executable), 1)
    assert subprocess.run(command, shell=True, timeout=30).returncode == 0
    stopped = command.replace(str(app_port), str(free_port()))
    assert subprocess.run(stopped, shell=True, capture_output=True, timeout=30).returncode != 0
    # nginx starts once the app answers (nginx counts a refused connection as a failure).
    assert services["nginx"]["depends_on"] == {"app": {"condition": "service_healthy"}}


def test_the_compose_files_settings_are_protestmaps_and_name_its_services():
    from geodata.settings import Settings

    compose = _compose()
    services = compose["services"]
    env = services["app"]["environment"]
    known = {f"PROTESTMAP_{name.upper()}" for name in Settings.__dataclass_fields__}
    known |= {"PROTESTMAP_BIND", "PROTESTMAP_WORKERS", "PROTESTMAP_THREADS"}
    assert {k for k in env if k.startswith("PROTESTMAP_")} <= known
    assert env["PROTESTMAP_REDIS"].startswith("redis://redis:")
    assert env["AWS_ENDPOINT_URL"] == "http://minio:9000"
    bucket = env["PROTESTMAP_DATA"].removeprefix("s3://").split("/")[0]
    assert f"create_dir('{bucket}')" in services["bucket"]["command"][0]
    assert services["cli"]["environment"] == services["bucket"]["environment"]
    assert services["cli"]["entrypoint"] == ["protestmap"]
