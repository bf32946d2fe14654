"""Exports and downloads under pressure and with odd URLs: refuse early, render once, cache.

The render pool used by the route tests replaces only Chromium (``_run``): it counts the
renders it is asked for and holds each until the test lets it go, so "two readers at once"
is a state the test waits for, not a race it hopes to win.
"""

import datetime as dt
import threading

import plotly.graph_objects as go
import pytest

from app import create_app
from geodata import store
from geodata.settings import Settings
from pages import ids
from publish import exports, headers
from publish.singleflight import LocalFlights
from tests.callback_bodies import body, callback_key


class HeldPool(exports.RenderPool):
    """A pool whose renders wait for ``release`` and return fixed bytes (no Chromium)."""

    def __init__(self, **kwargs):
        super().__init__(warm=False, **kwargs)
        self.reset()

    def reset(self):
        self.renders = 0
        self.started = threading.Event()
        self.release = threading.Event()

    def _run(self, figure, fmt, width, height, scale):
        self.renders += 1
        self.started.set()
        assert self.release.wait(timeout=60)
        return b"image of " + str(width).encode()


@pytest.fixture(scope="module")
def app_and_pool(built_store, tmp_path_factory):
    pool = HeldPool(workers=1, queue=0, timeout=60)
    cache = tmp_path_factory.mktemp("cache")
    yield create_app(Settings(data=built_store, cache=cache), pool=pool), pool
    pool.close()


@pytest.fixture
def held(app_and_pool):
    app, pool = app_and_pool
    pool.reset()
    yield app.server.test_client(), pool
    pool.release.set()


def test_a_refused_render_does_not_build_its_figure():
    pool = exports.RenderPool(workers=1, queue=0, warm=False)
    holding, built = threading.Event(), []

    def hold() -> go.Figure:
        holding.set()
        assert release.wait(timeout=60)
        raise exports.RenderError("let go")  # frees the slot without starting Chromium

    release = threading.Event()
    first = threading.Thread(target=lambda: _swallow(pool, hold))
    first.start()
    assert holding.wait(timeout=60)
    with pytest.raises(exports.Busy):
        pool.render(lambda: built.append(1) or go.Figure(), "png", width=200, height=200)
    assert built == []
    release.set()
    first.join(timeout=60)
    pool.close()


def _swallow(pool, build):
    try:
        pool.render(build, "png", width=200, height=200)
    except exports.RenderError:
        pass


def test_identical_concurrent_misses_render_once(held):
    client, pool = held
    url = "/export/map.png?kind=rally&width=321&height=300"
    answers = []
    first = threading.Thread(target=lambda: answers.append(client.get(url)))
    first.start()
    assert pool.started.wait(timeout=60)
    second = threading.Thread(target=lambda: answers.append(client.get(url)))
    second.start()
    second.join(timeout=1)  # with the slot taken and no queue, it would be a 503 by now
    assert second.is_alive(), "the second reader did not wait for the first render"
    pool.release.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].data == answers[1].data == b"image of 321"
    assert pool.renders == 1


def test_a_full_pool_answers_503_with_retry_after(held):
    client, pool = held
    other = threading.Thread(target=lambda: client.get("/export/map.png?width=400&height=300"))
    other.start()
    assert pool.started.wait(timeout=60)
    refused = client.get("/export/compare.png?places=RU-MOW")
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
    russian = client.get("/export/compare.png?places=RU-MOW&lang=ru")
    assert russian.status_code == 503
    assert russian.text == "Сейчас готовится слишком много изображений; попробуйте чуть позже.\n"
    assert pool.renders == 1
    pool.release.set()
    other.join(timeout=60)


def test_single_flight_shares_a_failure_and_forgets_the_key():
    flights, calls, started, release = LocalFlights(), [], threading.Event(), threading.Event()

    def work():
        calls.append(1)
        started.set()
        assert release.wait(timeout=60)
        raise ValueError("render failed")

    errors = []

    def call():
        try:
            flights.run("key", work)
        except ValueError as exc:
            errors.append(str(exc))

    first = threading.Thread(target=call)
    first.start()
    assert started.wait(timeout=60)
    second = threading.Thread(target=call)
    second.start()
    second.join(timeout=0.5)
    release.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert errors == ["render failed", "render failed"] and calls == [1]
    assert flights.run("key", lambda: "again") == "again"


TOMORROW = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/download/incidents.csv?region=RU-MOW&region=RU-SPE", "'region' is given more than once"),
        ("/download/regions.csv?kind=rally&kind=detention", "'kind' is given more than once"),
        ("/download/incidents.geojson?colour=red", "not a known parameter"),
        ("/export/compare.png?places=RU-MOW&bogus=1", "'bogus' is not a known parameter"),
        ("/export/compare.png?places=RU-MOW&places=RU-SPE", "'places' is given more than once"),
        ("/export/compare.svg?scale=1&scale=2", "'scale' is given more than once"),
        ("/export/compare.png?measure=nope", "'measure=nope' is not one of detained, rallies"),
        ("/download/regions.csv?from=1899-12-31", "expected a date from 1900-01-01 to today"),
        (f"/download/incidents.csv?to={TOMORROW}", "expected a date from 1900-01-01 to today"),
        (f"/export/map.png?from={TOMORROW}", "expected a date from 1900-01-01 to today"),
        ("/export/compare.png?start=1899-01-01", "expected a date from 1900-01-01"),
        (f"/export/compare.png?b={TOMORROW}", "not a day or a range"),
    ],
)
def test_unknown_repeated_or_impossible_parameters_get_400(held, url, message):
    client, pool = held
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert pool.renders == 0


def test_the_dashboard_says_it_ignored_an_impossible_date(app_and_pool):
    app, _ = app_and_pool
    sync = callback_key(app, ids.URL, ids.URL)
    sent = body(app, sync, {"url.search": f"?from=1899-12-31&to={TOMORROW}"})
    response = app.server.test_client().post("/_dash-update-component", json=sent)
    state = response.get_json()["response"]["view-state"]["data"]
    assert state["query"] == ""
    assert len(state["notices"]) == 2
    assert all("expected a date from 1900-01-01 to today" in n for n in state["notices"])


def test_pinned_downloads_and_exports_are_immutable(held, built_store):
    client, pool = held
    pool.release.set()
    version = store.read_metadata(built_store / "incidents.parquet")["data_version"]
    for url in ("/download/regions.csv", "/export/map.png?width=300&height=300"):
        pinned = client.get(f"{url}{'&' if '?' in url else '?'}v={version}")
        assert pinned.status_code == 200
        assert pinned.headers["Cache-Control"] == headers.IMMUTABLE
        latest = client.get(url)
        assert "immutable" not in latest.headers.get("Cache-Control", "")
