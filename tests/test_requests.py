"""What the server does with requests no page of it sends: 4xx with a reason, no traceback.

All through Flask's test client of the real app (``create_app`` over a store built by the
real CLI): the same WSGI app, hooks and error handlers that waitress serves.
"""

import json
import logging
import re

import dash
import pytest

from app import create_app
from geodata.settings import Settings
from pages import compare, ids
from publish import errors, guards, headers
from tests.callback_bodies import body, callback_key

DISPATCH = "/_dash-update-component"


@pytest.fixture(scope="module")
def app(built_store, tmp_path_factory):
    return create_app(Settings(data=built_store, cache=tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


@pytest.fixture
def quiet_log(caplog):
    """Every log record of the request; the test fails if one carries a traceback."""
    caplog.set_level(logging.DEBUG)
    yield caplog
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text]
    assert tracebacks == [], f"tracebacks logged: {tracebacks}"
    assert "Traceback" not in caplog.text


@pytest.fixture(scope="module")
def sync_state(app):
    return callback_key(app, ids.URL, ids.URL)


def post(client, payload, raw=False):
    data = payload if raw else json.dumps(payload)
    return client.post(DISPATCH, data=data, content_type="application/json")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("null", "must be a JSON object"),
        ("[]", "must be a JSON object"),
        ("{}", "'output' names no callback"),
        ('"a string"', "must be a JSON object"),
        ("[" * 100_000, "not JSON"),
        ("{not json", "not JSON"),
        (json.dumps({"output": "nope.children", "outputs": {}, "inputs": []}), "names no"),
        (json.dumps({"output": "share-link.value", "inputs": []}), "names no callback"),
    ],
)
def test_a_body_that_is_no_callback_request_gets_400(client, quiet_log, raw, reason):
    response = post(client, raw, raw=True)
    assert response.status_code == 400
    assert reason in response.get_json()["error"]["message"]


def test_a_valid_body_still_reaches_the_callback(app, client, quiet_log, sync_state):
    response = post(client, body(app, sync_state, {"url.search": "?kind=rally"}))
    assert response.status_code == 200
    sent = response.get_json()["response"]
    assert sent["view-state"]["data"]["query"] == "?kind=rally"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda b: b.pop("state"), "'state' must list"),
        (lambda b: b.pop("inputs"), "'inputs' must list"),
        (lambda b: b.pop("outputs"), "'outputs' must list"),
        (lambda b: b["outputs"].pop(), "'outputs' must list"),
        (lambda b: b["outputs"][0].update(id="map"), "'outputs' does not match"),
        (lambda b: b["inputs"].reverse(), "'inputs' does not match"),
        (lambda b: b["inputs"][1].update(value=12345), "period.start_date has the wrong type"),
        (lambda b: b["inputs"][3].update(value=[1, 2]), "kinds.value has the wrong type"),
        (lambda b: b["inputs"][9].update(value="click"), "map.clickData has the wrong type"),
        (lambda b: b["state"][0].update(value=[]), "view-state.data has the wrong type"),
        (lambda b: b.update(changedPropIds=["view-state.data"]), "'changedPropIds'"),
        (lambda b: b.update(changedPropIds="url.search"), "'changedPropIds'"),
        (lambda b: b.update(changedPropIds=[["url.search"]]), "'changedPropIds'"),
    ],
)
def test_a_malformed_callback_request_gets_400(app, client, quiet_log, sync_state, change, reason):
    sent = body(app, sync_state, {"url.search": ""})
    change(sent)
    response = post(client, sent)
    assert response.status_code == 400
    assert reason in response.get_json()["error"]["message"]


def test_every_callback_input_has_a_type_rule(app):
    props = {
        dep["property"]
        for spec in app.callback_map.values()
        if "callback" in spec
        for dep in spec["inputs"] + spec["state"]
    }
    assert props <= set(guards.PROPERTY_TYPES), props - set(guards.PROPERTY_TYPES)


@pytest.mark.parametrize(
    "values",
    [
        {"map.clickData": {"points": []}},
        {"map.clickData": {"points": [None]}},
        {"map.clickData": {"points": [{"curveNumber": 1, "location": "RU-XXX"}]}},
        {"map.clickData": {"points": [{"curveNumber": 3, "customdata": [{"a": 1}]}]}},
        {"timeline.relayoutData": {"xaxis.range": ["1-01-01", "99999-12-31"]}},
        {"timeline.relayoutData": {"xaxis.range[0]": "1e300", "xaxis.range[1]": "x"}},
        {"timeline.relayoutData": {"xaxis.range": [12345, [1]]}},
        {"incidents.cellClicked": {"rowId": {"x": 1}}},
        {"incidents.cellClicked": {"rowId": "no-such-incident"}},
        {"period.start_date": "garbage", "period.end_date": "1800-01-01", "kinds.value": "rally"},
    ],
)
def test_wrongly_valued_inputs_change_nothing_and_log_no_traceback(
    app, client, quiet_log, sync_state, values
):
    state = {"query": "?kind=rally", "notices": [], "version": None}
    sent = body(app, sync_state, {**values, "view-state.data": state})
    sent["changedPropIds"] = [next(iter(values))]
    response = post(client, sent)
    assert response.status_code in (200, 204)
    if response.status_code == 200:
        shown = response.get_json()["response"].get("view-state", {}).get("data")
        assert shown is None or shown["query"].startswith("?kind=rally")


def test_a_dragged_range_beyond_any_date_is_cut_to_the_dates_a_link_allows(
    app, client, quiet_log, sync_state
):
    sent = body(
        app,
        sync_state,
        {"timeline.relayoutData": {"xaxis.range": ["1850-01-01", "2022-09-21 12:00"]}},
    )
    sent["changedPropIds"] = ["timeline.relayoutData"]
    query = post(client, sent).get_json()["response"]["view-state"]["data"]["query"]
    assert query == "?from=1900-01-01&to=2022-09-21"


def test_a_forged_store_is_read_as_the_default_view(app, client, quiet_log):
    panels = callback_key(app, ids.STATE, ids.NOTICE)
    for forged in ("?kind=rally", {"query": 5, "notices": "x", "version": ["v"]}):
        response = post(client, body(app, panels, {"view-state.data": forged}))
        assert response.status_code == 200
    graph = callback_key(app, compare.STATE, compare.GRAPH)
    assert post(client, body(app, graph, {"cmp-state.data": {"a": 1}})).status_code == 200


def test_a_body_over_the_cap_gets_413_before_it_is_parsed(client, quiet_log):
    response = client.post(
        DISPATCH, data=b"[" * (guards.MAX_BODY + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert "413" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/../../app.py",
        "/_dash-component-suites/dash/../../../app.py",
        "/_dash-component-suites/dash/no-such-file.js",
        "/_dash-component-suites/no_such_package/x.js",
        "/_dash-component-suites/protestmap/app.py",
    ],
)
def test_unknown_component_suite_paths_are_404(client, quiet_log, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"Traceback" not in response.data and b"import" not in response.data


def test_a_wrong_method_gets_a_short_answer_not_flasks_page(client, quiet_log):
    response = client.post("/download/regions.csv")
    assert response.status_code == 405
    assert response.mimetype == "text/plain" and response.text.startswith("405 Method Not")
    assert "GET" in response.headers["Allow"]


def test_a_bug_is_logged_with_its_traceback_and_answered_briefly(caplog):
    bare = dash.Dash(__name__)
    errors.install(bare)

    @bare.server.route("/bug")
    def bug():
        raise RuntimeError("a secret detail")

    response = bare.server.test_client().get("/bug")
    assert response.status_code == 500
    assert b"a secret detail" not in response.data and b"Traceback" not in response.data
    assert b"logged" in response.data
    assert any(r.exc_info for r in caplog.records)  # a real bug keeps its traceback


@pytest.mark.parametrize(
    "path", ["/x/embed", "/compare/embed", "/embed/", "/embed/static/embed.js"]
)
def test_only_the_exact_embed_route_may_be_framed(client, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_embed_route_may_be_framed_by_any_site(client):
    response = client.get("/embed?kind=rally")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "script-src 'self';" in csp + ";"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/compare",
        "/?region=RU-MOW",
        "/embed",
        "/download/regions.csv",
        "/export/map.png?width=1",
        "/_dash-layout",
        "/_dash-dependencies",
        "/assets/style.css",
        "/_dash-component-suites/x/y.js",
    ],
)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == headers.REFERRER_POLICY
    assert response.headers["Permissions-Policy"] == headers.PERMISSIONS_POLICY
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_pages_allow_dash_inline_script_by_hash_only(app, client):
    page = client.get("/compare")
    csp = page.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert script_src == "script-src 'self' " + " ".join(app.csp_hashes())
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_versioned_files_are_immutable_and_others_revalidate(client):
    page = client.get("/").get_data(as_text=True)
    suite = next(
        p.split('"')[0] for p in page.split('src="')[1:] if p.startswith("/_dash-component")
    )
    asset = next(p.split('"')[0] for p in page.split('src="')[1:] if p.startswith("/assets/"))
    embed = client.get("/embed").get_data(as_text=True)
    # embed.js fetches plotly.js on demand: the page names it in its configuration.
    plotly_js = re.search(r'"plotly": "([^"]+)"', embed).group(1)
    assert client.get(plotly_js.replace("/v", "/v0", 1)).status_code == 404  # an old version
    for url in (suite, asset, plotly_js):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == headers.IMMUTABLE, url
    assert client.get(asset.split("?")[0]).headers.get("Cache-Control") != headers.IMMUTABLE
    assert "immutable" not in client.get("/").headers.get("Cache-Control", "")
