"""One real store, one real server and one headless Chromium per session.

The store is built by the real ``protestmap build`` (regions from the shared Natural Earth
subset, the embedded seed data), the app is served by waitress on a free loopback port, and
Playwright drives Debian's Chromium. Every page records console errors and every request
that leaves 127.0.0.1, and the test fails if there are any.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from geodata import store
from geodata.settings import PROJECT_ROOT, Settings
from tests.processes import in_thread

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path(os.environ.get("PROTESTMAP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHARED_GEODATA = PROJECT_ROOT.parent / "shared" / "geodata"
ADMIN1 = SHARED_GEODATA / "ne_10m_admin1_russia_and_occupied_ua.geojson"
ADMIN0 = SHARED_GEODATA / "ne_10m_admin0_russia_and_neighbours.geojson"
PROTESTMAP = Path(sys.executable).with_name("protestmap")
LOCAL = ("http://127.0.0.1:", "data:", "blob:", "about:")


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built by the real CLI, as `make run` builds it."""
    folder = tmp_path_factory.mktemp("dashboard-store")
    args = [str(PROTESTMAP), "build"]
    if ADMIN1.exists() and ADMIN0.exists():
        args += ["--boundaries", str(ADMIN1), "--countries", str(ADMIN0)]
    env = {**os.environ, "PROTESTMAP_DATA": str(folder)}
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, f"protestmap build failed:\n{done.stdout}\n{done.stderr}"
    return folder


@pytest.fixture(scope="session")
def incidents(store_dir: Path) -> pd.DataFrame:
    """The stored incidents, read independently of the app, to check what the page shows."""
    frame = store.read_incidents(store_dir / "incidents.parquet")
    regions = store.read_regions(store_dir / "regions.parquet")
    status = dict(zip(regions["region_code"], regions["status"], strict=True))
    return frame.assign(status=frame["region_code"].map(status))


@pytest.fixture(scope="session")
def base_url(store_dir: Path) -> Iterator[str]:
    """The dashboard served by waitress (as `protestmap serve` does) on a free port."""
    from app import create_app

    with in_thread(create_app(Settings(data=store_dir)).server) as url:
        yield url + "/"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (see `make system-deps`)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageLog:
    """What a page did that a test must not let pass."""

    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


def _tab(browser: object, page_log: PageLog, **context: object) -> Iterator[object]:
    """A tab in a fresh context (``context``: Playwright's options); fails the test on console
    errors or outside requests."""
    ctx = browser.new_context(**context)  # type: ignore[attr-defined]
    tab = ctx.new_page()
    tab.set_default_timeout(30_000)
    tab.on("console", lambda m: page_log.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: page_log.errors.append(str(e)))

    def record(request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        page_log.requests.append(url)
        if not url.startswith(LOCAL):
            page_log.outside.append(url)

    tab.on("request", record)
    yield tab
    ctx.close()
    assert page_log.errors == [], f"browser console errors: {page_log.errors}"
    assert page_log.outside == [], f"requests outside the app: {page_log.outside}"


@pytest.fixture
def page(browser: object, page_log: PageLog) -> Iterator[object]:
    """A desktop-sized tab."""
    yield from _tab(browser, page_log, viewport={"width": 1440, "height": 1000})


#: A phone held upright (390×844 CSS pixels, touch), as the phone-layout tests use.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(params=["desktop", "phone"])
def axe_page(
    browser: object, page_log: PageLog, request: pytest.FixtureRequest
) -> Iterator[object]:
    """A tab that lets the tests inject axe-core past the app's strict CSP, at both sizes."""
    size = PHONE if request.param == "phone" else {"viewport": {"width": 1440, "height": 1000}}
    yield from _tab(browser, page_log, bypass_csp=True, **size)


@pytest.fixture
def russian_browser_page(browser: object, page_log: PageLog) -> Iterator[object]:
    """A desktop tab of a browser set to Russian (it sends ``Accept-Language: ru-RU``)."""
    yield from _tab(browser, page_log, locale="ru-RU", viewport={"width": 1440, "height": 1000})


@pytest.fixture
def phone(browser: object, page_log: PageLog) -> Iterator[object]:
    """A phone-sized touch tab."""
    yield from _tab(browser, page_log, **PHONE)
