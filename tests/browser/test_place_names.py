"""A place kept as written, with quotes, a slash, ``&`` and markup, drilled into in Chromium.

Its own store (the browser session's, plus the hostile reports of ``test_hostile_text``
ingested by the real CLI) and its own waitress server, so the shared session data stays
as the other browser tests expect it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.processes import in_thread
from tests.test_hostile_text import PLACE, hostile_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_url(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = hostile_app(store_dir, tmp_path_factory.mktemp("places"))
    with in_thread(app.server) as url:
        yield url + "/"


def test_a_place_with_any_characters_opens_from_its_region(page, hostile_url):
    page.goto(hostile_url + "?region=RU-KAM")
    # The page's first state must be back first: a click before it can be undone by it, the
    # URL naming the place while the crumb stays on the region (docs/dashboard.md, "The URL").
    page.wait_for_function("() => document.title.startsWith('protestmap: ')")
    page.get_by_role("link", name=PLACE, exact=True).click()
    page.wait_for_function(
        "(name) => { const c = document.querySelector('.crumb-current');"
        " return c && c.innerText === name; }",
        arg=PLACE,
    )
    assert parse_qs(urlparse(page.url).query)["city"] == [f"n:{PLACE}"]
    page.wait_for_function(
        "() => document.querySelector('#incident-heading').innerText === 'Incidents (1)'"
    )
    page.reload()  # the link itself opens the same view
    page.wait_for_function(
        "(name) => { const c = document.querySelector('.crumb-current');"
        " return c && c.innerText === name; }",
        arg=PLACE,
    )
    assert page.locator("#notice").is_hidden()
