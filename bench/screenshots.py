"""Screenshots of what readers get, from the embedded real data: ``make screenshots``.

    python -m bench.screenshots [--data DIR] [--out docs/screenshots]

Serves the app on a loopback port and photographs, in headless Chromium at a desktop
(1440×1000) and a phone (390×844) size: the dashboard, the busiest incident's view, Compare
(Moscow and St Petersburg) and the embed (600 px wide on the desktop, the phone's width on
the phone); plus a PNG export of the national map. Each shot waits for the page's own "drawn"
state, never a fixed time. Not a benchmark: it lives here for the server and browser set-up.
"""

from __future__ import annotations

import argparse
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from app import create_app
from bench._server import serving
from bench.first_paint import CHROMIUM, CHROMIUM_ARGS
from geodata import store
from geodata.settings import PROJECT_ROOT, Settings

SIZES = {
    "desktop": {"viewport": {"width": 1440, "height": 1000}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
_TITLED = "() => document.title.startsWith('protestmap: ')"


def _dashboard(page: Page) -> None:
    page.wait_for_selector("#map .choroplethlocation", state="attached")
    page.wait_for_function(_TITLED)
    page.wait_for_selector("#map .scattergeo .point", state="attached")


def _incident(page: Page) -> None:
    _dashboard(page)
    page.wait_for_selector("#incident-detail h3")


def _compare(page: Page) -> None:
    page.wait_for_selector("#cmp-graph .scatterlayer .trace", state="attached")


def _embed(page: Page) -> None:
    page.focus("#map")  # as a reader reaching it: the interactive map loads over the image
    page.wait_for_selector("#map .choroplethlocation", state="attached")
    page.wait_for_selector("#pm-static", state="detached")
    page.wait_for_selector("#timeline .bars", state="attached")


def shots(busiest: str) -> list[tuple[str, str, object, bool]]:
    """(name, path and query, wait for drawn, whole page) of every screenshot."""
    return [
        ("dashboard", "", _dashboard, False),
        ("incident", f"?incident={busiest}", _incident, False),
        ("compare", "compare?places=RU-MOW,RU-SPE", _compare, False),
        ("embed", "embed?timeline=1", _embed, True),
    ]


def main() -> None:
    """Write the PNGs; print their paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Settings.from_env().data)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    settings = Settings(data=args.data)
    incidents = store.read_incidents(settings.incidents_path)
    busiest = str(incidents.sort_values("detained", ascending=False).iloc[0]["incident_id"])
    args.out.mkdir(parents=True, exist_ok=True)
    with serving(create_app(settings)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for size, options in SIZES.items():
            for name, path, drawn, whole in shots(busiest):
                context = browser.new_context(**options)  # type: ignore[arg-type]
                page = context.new_page()
                if name == "embed":  # short: the whole-page shot is then the content's height
                    width = 600 if size == "desktop" else options["viewport"]["width"]  # type: ignore[index]
                    page.set_viewport_size({"width": width, "height": 300})
                page.goto(url + path)
                drawn(page)  # type: ignore[operator]
                if size == "phone" and name == "dashboard":  # the map, below the tiles
                    page.locator(".map-wrap").evaluate("e => e.scrollIntoView()")
                out = args.out / f"{name}-{size}.png"
                page.screenshot(path=str(out), full_page=whole)
                print(out)
                context.close()
        browser.close()
        with urllib.request.urlopen(f"{url}export/map.png?width=1200", timeout=300) as image:
            out = args.out / "export-map.png"
            out.write_bytes(image.read())
            print(out)


if __name__ == "__main__":
    main()
