import json
import re

import plotly.graph_objects as go
import pytest
from dash import Patch, no_update
from dash.exceptions import PreventUpdate
from dashboard_frames import MOSCOW_ID, write_store
from plotly.utils import PlotlyJSONEncoder

from app import create_app, load_dataset
from layers import regions as region_layer
from pages import ids, views
from pages.views import StateInputs

DEFAULT_CONTROLS = [None, None, "all", [], None, "detained", "quantile", []]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return write_store(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def data(settings):
    return load_dataset(settings)


@pytest.fixture(scope="module")
def client(settings):
    return create_app(settings).server.test_client()


def state_for(query: str) -> dict:
    return {"query": query, "notices": []}


def test_page_load_reads_the_url(data):
    search, controls, click, state = views.next_state(
        data, StateInputs(None, "?metric=rallies&region=ru-mow", DEFAULT_CONTROLS)
    )
    assert search is no_update and click is no_update
    assert state == {"query": "?metric=rallies&region=RU-MOW", "notices": []}
    # Only the control that differs from what the browser shows is set.
    assert controls == [no_update] * 5 + ["rallies", no_update, no_update]


def test_page_load_keeps_a_control_the_page_already_shows(data):
    """Served with its URL's controls, a page's first sync sets none of them."""
    shown = [None, None, "all", [], None, "rallies", "quantile", []]
    _, controls, _, _ = views.next_state(data, StateInputs(None, "?metric=rallies", shown))
    assert controls == [no_update] * len(shown)


def test_garbage_url_gives_defaults_and_notices(data):
    _, controls, _, state = views.next_state(
        data, StateInputs("url", "?metric=bogus&zzz=1&region=RU-XXX", DEFAULT_CONTROLS)
    )
    assert controls == [no_update] * len(DEFAULT_CONTROLS) and state["query"] == ""
    assert len(state["notices"]) == 3


def test_a_control_change_is_pushed_to_the_url(data):
    controls = [
        "2022-09-21",
        "2022-09-24T00:00:00",
        "detention",
        ["force_used"],
        None,
        "per100k",
        "log",
        ["include"],
    ]
    search, shown, click, state = views.next_state(
        data, StateInputs("control", "", controls, state=state_for("?region=RU-MOW"))
    )
    assert search == (
        "?from=2022-09-21&to=2022-09-24&kind=detention&tag=force_used"
        "&metric=per100k&classes=log&occupied=include&region=RU-MOW"
    )
    assert state["query"] == search and shown == [no_update] * 8 and click is no_update


def test_an_unchanged_control_changes_nothing(data):
    with pytest.raises(PreventUpdate):
        views.next_state(data, StateInputs("control", "", DEFAULT_CONTROLS, state=state_for("")))


def test_map_clicks_drill_down(data):
    region_click = {"points": [{"curveNumber": region_layer.REGIONS, "location": "RU-SPE"}]}
    search, _, click, _ = views.next_state(
        data, StateInputs("map", "", DEFAULT_CONTROLS, click=region_click, state=state_for(""))
    )
    assert search == "?region=RU-SPE" and click is None  # cleared, so a second click fires
    city_click = {
        "points": [{"curveNumber": region_layer.CITIES, "customdata": [str(MOSCOW_ID), "Moscow"]}]
    }
    search, *_ = views.next_state(
        data,
        StateInputs(
            "map", "", DEFAULT_CONTROLS, click=city_click, state=state_for("?region=RU-MOW")
        ),
    )
    assert search == f"?region=RU-MOW&city={MOSCOW_ID}"


def test_clicking_the_current_region_only_clears_the_click(data):
    again = {"points": [{"curveNumber": region_layer.REGIONS, "location": "RU-MOW"}]}
    search, _, click, state = views.next_state(
        data,
        StateInputs("map", "", DEFAULT_CONTROLS, click=again, state=state_for("?region=RU-MOW")),
    )
    assert (search, click, state) == (no_update, None, no_update)


@pytest.mark.parametrize(
    ("relayout", "expected"),
    [
        (
            {"xaxis.range[0]": "2022-09-20 13:00", "xaxis.range[1]": "2022-09-22 02:00"},
            "?from=2022-09-21&to=2022-09-22&metric=rallies",
        ),
        (
            {"xaxis.range": ["2022-09-23 20:00", "2022-09-24 04:00"]},
            "?from=2022-09-24&to=2022-09-24&metric=rallies",
        ),
        ({"xaxis.autorange": True}, "?metric=rallies"),
        ({"xaxis.range": ["2022-09-20 12:00", "2022-09-24 12:00"]}, "?metric=rallies"),
    ],
)
def test_timeline_drag_and_double_click(data, relayout, expected):
    search, *_ = views.next_state(
        data,
        StateInputs(
            "timeline",
            "",
            DEFAULT_CONTROLS,
            relayout=relayout,
            state=state_for("?from=2022-09-01&to=2022-09-02&metric=rallies"),
        ),
    )
    assert search == expected


def test_timeline_resize_events_change_nothing(data):
    with pytest.raises(PreventUpdate):
        views.next_state(
            data,
            StateInputs(
                "timeline", "", DEFAULT_CONTROLS, relayout={"autosize": True}, state=state_for("")
            ),
        )


def test_table_click_opens_the_incident(data):
    search, *_ = views.next_state(
        data,
        StateInputs(
            "grid",
            "",
            DEFAULT_CONTROLS,
            cell={"rowId": "m3", "colId": "place"},
            state=state_for(""),
        ),
    )
    assert search == f"?region=RU-MOW&city={MOSCOW_ID}&incident=m3"


def test_render_map_patches_values_only(data):
    patch, shown = views.render_map(data, state_for("?region=RU-MOW&metric=per100k"))
    assert views.render_map(data, state_for("?region=RU-MOW&metric=per100k"), shown) == (
        no_update,
        no_update,
    )
    patch = patch.to_plotly_json()
    paths = [op["location"] for op in patch["operations"]]
    assert ["data", region_layer.REGIONS] in paths and ["layout", "geo"] in paths
    assert "geojson" not in json.dumps(patch)
    merged = next(
        op["params"]["value"]
        for op in patch["operations"]
        if op["location"] == ["data", region_layer.REGIONS]
    )
    assert len(merged["z"]) == len(data.regions)
    cities = next(
        op["params"]["value"]
        for op in patch["operations"]
        if op["location"] == ["data", region_layer.CITIES]
    )
    assert cities["customdata"][0][0] == str(MOSCOW_ID)


def test_render_panels_region_view(data):
    out = views.render_panels(data, state_for("?region=RU-MOW&incident=m1"), "/")
    assert sorted(r["incident_id"] for r in out["rows"]) == ["m1", "m2", "m3"]
    assert out["description"] == "Detentions in Moscow, all dates"
    assert out["notice_hidden"] and out["empty_hidden"]
    assert "example.org/m1a" in str(out["detail"])


def test_each_screen_gets_the_incident_list_it_shows(data):
    state = state_for("?region=RU-MOW")
    wide = views.render_panels(data, state, "/", "wide")
    phone = views.render_panels(data, state, "/", "phone")
    assert len(wide["rows"]) == 3 and wide["cards"] == []
    assert phone["rows"] == [] and len(phone["cards"].children) == 3
    unknown = views.render_panels(data, state, "/", "tablet")  # not a screen we know: both
    assert unknown["rows"] == wide["rows"] and str(unknown["cards"]) == str(phone["cards"])
    # Whatever a client posts as its screen (the fuzz test sent a dict, which the panels'
    # memo could not use as a key) is an unknown screen.
    for posted in ({"query": ""}, ["wide"], 7):
        odd = views.render_panels(data, state, "/", posted)  # type: ignore[arg-type]
        assert odd["rows"] == wide["rows"] and str(odd["cards"]) == str(phone["cards"])


def test_render_panels_empty_selection(data):
    out = views.render_panels(
        data, {"query": "?from=1990-01-01&to=1990-01-02", "notices": ["x"]}, "/"
    )
    assert out["rows"] == [] and out["empty_hidden"] is False
    assert out["notice_hidden"] is False


def test_render_timeline_uses_all_dates(data):
    figure, shown = views.render_timeline(data, state_for("?from=2022-09-24"))
    assert len(figure.data[0].x) == 2
    assert shown["period"] == ["2022-09-24", None]


def test_render_timeline_resends_bars_only_when_its_rows_change(data):
    _, shown = views.render_timeline(data, state_for(""))
    same = views.render_timeline(data, state_for("?metric=rallies&classing=jenks"), shown)
    assert same == (no_update, no_update)
    frame, moved = views.render_timeline(data, state_for("?from=2022-09-24"), shown)
    assert isinstance(frame, Patch) and moved["key"] == shown["key"]
    sent = frame.to_plotly_json()["operations"]
    assert {tuple(op["location"]) for op in sent} == {
        ("layout", "xaxis"),
        ("layout", "shapes"),
        ("layout", "annotations"),
    }
    figure, other = views.render_timeline(data, state_for("?kind=rally"), shown)
    assert isinstance(figure, go.Figure) and other["key"] != shown["key"]


def route(client, pathname: str, search: str = "") -> bytes:
    body = {
        "output": f"{ids.PAGE}.children",
        "outputs": {"id": ids.PAGE, "property": "children"},
        "inputs": [{"id": ids.PAGE_URL, "property": "pathname", "value": pathname}],
        "changedPropIds": [f"{ids.PAGE_URL}.pathname"],
        "state": [{"id": ids.PAGE_URL, "property": "search", "value": search}],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.get_data()


def test_served_page_and_layout(client):
    assert client.get("/").status_code == 200
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200 and b'"geojson"' not in layout.get_data()
    # The dashboard page comes with the route; its map names the boundaries of regions and
    # countries, and the inset's nearby ones, as files it fetches once (``layers.geofiles``).
    page = json.loads(route(client, "/"))
    names = re.findall(r'"geojson": ?"geo/([^"]+)"', json.dumps(page))
    assert len(names) == 4 and b'"coordinates"' not in json.dumps(page).encode()
    for name in names:
        answer = client.get(f"/geo/{name}")
        assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert json.loads(answer.get_data())["type"] == "FeatureCollection"
    assert client.get("/geo/regions-0000.json").status_code == 404
    # Sent compressed (flask-compress left application/geo+json alone by default).
    largest = max(names, key=lambda name: len(client.get(f"/geo/{name}").get_data()))
    packed = client.get(f"/geo/{largest}", headers={"Accept-Encoding": "gzip"})
    assert packed.headers.get("Content-Encoding") == "gzip"
    assert b"cmp-places" in route(client, "/compare") and b"cmp-places" not in route(client, "/")
    assert client.get("/assets/topojson/world_110m.json").status_code == 200


def test_the_page_arrives_with_its_map_drawn_for_the_url(client, data):
    """The first draw has the values, and the state callback then sends nothing for it."""
    page_json = json.loads(route(client, "/", "?region=RU-MOW&metric=rallies"))
    found: dict = {}

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("id") in (ids.MAP, ids.MAP_SHOWN, ids.METRIC):
                found[props["id"]] = props
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(page_json)
    state = views.state_from_url(data, "?region=RU-MOW&metric=rallies")
    patch, shown = views.render_map(data, state)
    assert found[ids.MAP_SHOWN]["data"] == shown
    regions = found[ids.MAP]["figure"]["data"][region_layer.REGIONS]
    values = next(
        op["params"]["value"]
        for op in patch.to_plotly_json()["operations"]
        if op["location"] == ["data", region_layer.REGIONS]
    )
    assert regions["z"] == json.loads(json.dumps(values["z"], cls=PlotlyJSONEncoder))
    assert views.render_map(data, state, found[ids.MAP_SHOWN]["data"]) == (no_update, no_update)
    assert found[ids.METRIC]["value"] == "rallies"  # the controls show the URL's view too


def test_map_callback_over_http_is_small(client):
    body = {
        "output": f"..{ids.MAP}.figure...{ids.MAP_SHOWN}.data..",
        "outputs": [
            {"id": ids.MAP, "property": "figure"},
            {"id": ids.MAP_SHOWN, "property": "data"},
        ],
        "inputs": [{"id": ids.STATE, "property": "data", "value": state_for("?metric=rallies")}],
        "changedPropIds": [f"{ids.STATE}.data"],
        "state": [{"id": ids.MAP_SHOWN, "property": "data", "value": None}],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    payload = response.get_json()["response"][ids.MAP]["figure"]
    assert payload["__dash_patch_update"] == "__dash_patch_update"
    assert len(response.get_data()) < 20_000
