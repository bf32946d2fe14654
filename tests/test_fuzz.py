"""Random callback bodies and query strings: never a 5xx, never a traceback in the log.

Against Flask's test client of the real app (``create_app`` over a store built by the real
CLI), not a socket server: the requests go through the same WSGI app, hooks, error handlers
and callbacks waitress serves, but in-process, so a few hundred examples run in seconds and
every log record of the app, Dash, Flask and werkzeug is seen by the handler installed
here. (``test_serve.py`` checks what only the real server does: the body cap.) The render
pool replaces Chromium by fixed bytes, so a valid export URL costs no render; its
admission, queue and cache are the real ones.
"""

import json
import logging
import os
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app import create_app
from geodata.settings import Settings
from publish import exports
from tests.callback_bodies import body

#: Examples per test: enough to find the shapes that used to fail, in seconds; set
#: PROTESTMAP_FUZZ_EXAMPLES=2000 for a deeper run.
FUZZ = settings(
    max_examples=int(os.environ.get("PROTESTMAP_FUZZ_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PATHS = (
    "/",
    "/compare",
    "/embed",
    "/export/map.png",
    "/export/map.svg",
    "/export/compare.png",
    "/download/incidents.csv",
    "/download/incidents.geojson",
    "/download/regions.csv",
)
#: Parameter names of every URL grammar, plus a few nobody knows.
NAMES = (
    *("from", "to", "kind", "tag", "campaign", "metric", "classes", "occupied", "region"),
    *("city", "incident", "v", "scale", "width", "height", "timeline", "places", "measure"),
    *("step", "layout", "start", "end", "a", "b", "colour", "", "from[]"),
)


class FixedBytesPool(exports.RenderPool):
    """The real pool, with Chromium replaced by fixed bytes."""

    def _run(self, figure, fmt, width, height, scale):
        return b"rendered"


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def app(built_store, tmp_path_factory):
    pool = FixedBytesPool(workers=1, queue=8, warm=False)
    app = create_app(Settings(data=built_store, cache=tmp_path_factory.mktemp("cache")), pool=pool)
    yield app
    pool.close()


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


@pytest.fixture(scope="module")
def log():
    handler, root = Records(), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def assert_answered(response, log):
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert b"Traceback" not in response.data
    failed = [r.getMessage() for r in log.records if r.exc_info or "Traceback" in r.getMessage()]
    log.records.clear()
    assert failed == []


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)
dates = st.dates().map(str) | st.datetimes().map(str) | st.text(max_size=12)
points = st.lists(
    st.dictionaries(st.sampled_from(["curveNumber", "location", "customdata"]), json_values)
    | st.fixed_dictionaries(
        {"curveNumber": st.integers(0, 4), "location": st.sampled_from(["RU-MOW", "RU-XX", ""])}
    )
    | st.fixed_dictionaries(
        {"curveNumber": st.integers(0, 4), "customdata": st.lists(st.text(max_size=20))}
    ),
    max_size=2,
)
#: Values of the type each input property holds (what the page sends, and odd ones of it).
TYPED = {
    "search": st.text(max_size=60) | st.just("?region=RU-MOW&city=n:Moscow"),
    "pathname": st.sampled_from(["/", "/compare", "/embed", "/x/y"]) | st.text(max_size=20),
    "start_date": dates,
    "end_date": dates,
    "value": st.text(max_size=20)
    | st.lists(st.sampled_from(["detention", "rally", "RU-MOW", "include", "x"]), max_size=3),
    "clickData": st.fixed_dictionaries({"points": points}) | st.dictionaries(st.text(), scalars),
    "relayoutData": st.fixed_dictionaries({"xaxis.range": st.lists(dates, min_size=2, max_size=2)})
    | st.fixed_dictionaries({"xaxis.range[0]": dates, "xaxis.range[1]": dates})
    | st.fixed_dictionaries({"xaxis.autorange": st.booleans()}),
    "cellClicked": st.fixed_dictionaries({"rowId": st.text(max_size=20) | json_values}),
    "n_clicks": st.integers(0, 10**6),
    "data": st.text(max_size=60)
    | st.fixed_dictionaries(
        {"query": st.text(max_size=40), "notices": json_values, "version": json_values}
    ),
}


@st.composite
def callback_bodies(draw, app):
    """A request for one of the app's callbacks: fields kept, dropped or replaced."""
    key = draw(st.sampled_from(sorted(app.callback_map)))
    spec = app.callback_map[key]
    values = {}
    for dep in spec["inputs"] + spec["state"]:
        if draw(st.booleans()):
            odd = draw(st.integers(0, 9)) == 0  # now and then a value of any type
            typed = TYPED.get(dep["property"], json_values)
            values[f"{dep['id']}.{dep['property']}"] = draw(json_values if odd else typed)
    sent = body(app, key, values)
    fields = ["output", "outputs", "inputs", "state", "changedPropIds"]
    broken = st.sets(st.sampled_from(fields), max_size=2)
    for field in draw(st.just(set()) | broken):
        if draw(st.booleans()):
            sent.pop(field, None)
        else:
            sent[field] = draw(json_values)
    return sent


@FUZZ
@given(data=st.data())
def test_random_callback_bodies_get_an_answer(app, client, log, data):
    sent = data.draw(callback_bodies(app) | json_values)
    response = client.post(
        "/_dash-update-component", data=json.dumps(sent), content_type="application/json"
    )
    assert_answered(response, log)
    event(f"status {response.status_code}")


@FUZZ
@given(
    path=st.sampled_from(PATHS),
    params=st.lists(
        st.tuples(st.sampled_from(NAMES) | st.text(max_size=8), dates | st.text(max_size=30)),
        max_size=6,
    ),
)
def test_random_query_strings_get_an_answer(client, log, path, params):
    response = client.get(f"{path}?{urlencode(params)}")
    assert_answered(response, log)


@FUZZ
@given(search=st.text(max_size=60), pathname=st.sampled_from(["/", "/compare", "/x"]))
def test_random_page_urls_open_a_page(app, client, log, search, pathname):
    route = next(k for k in app.callback_map if k == "page-content.children")
    sent = body(app, route, {"page-url.pathname": pathname, "page-url.search": search})
    response = client.post("/_dash-update-component", json=sent)
    assert_answered(response, log)
    assert response.status_code == 200
