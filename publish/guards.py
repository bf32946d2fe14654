"""Checks on what a client sends before Dash or a route reads it: body size and callback shape.

Dash trusts the body of ``POST /_dash-update-component``: ``null``, a list, a missing
``state`` or an unknown ``output`` each ended in a traceback and a 500, and a 200 MB body
was read whole. Here the body is capped (413 before it is read), parsed once with its
nesting bounded (400), and checked against the callback it names: the same outputs,
inputs and states, in order, each value of the JSON type its property can hold (400 with
the reason). Only then does Dash dispatch it, so a callback sees inputs of the right type;
what a value *means* (a click on nothing, a timeline range beyond any date) is checked by
the view functions themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import dash
import flask
from werkzeug.exceptions import BadRequest

#: Largest request body accepted (a real callback body is a few kB).
MAX_BODY = 2**20
DISPATCH = "_dash-update-component"
#: Longest text accepted in a date picker value ("2022-09-21T00:00:00" is 19).
_DATE_CHARS = 32


def _text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _date_text(value: Any) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= _DATE_CHARS)


def _mapping(value: Any) -> bool:
    return value is None or isinstance(value, dict)


def _choice(value: Any) -> bool:
    """A dropdown, radio or checklist value: a string or a list of strings."""
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return _text(value)


def _clicks(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _flag(value: Any) -> bool:
    """A yes/no property, such as whether a ``<details>`` is open."""
    return value is None or isinstance(value, bool)


def _store(value: Any) -> bool:
    """A ``dcc.Store`` written by the server: text, an object or nothing."""
    return value is None or isinstance(value, str | dict)


#: JSON type each callback input property may hold. A callback input whose property is
#: missing here is refused, so a new input cannot arrive unchecked (a test holds this).
PROPERTY_TYPES: dict[str, Callable[[Any], bool]] = {
    "search": _text,
    "pathname": _text,
    "start_date": _date_text,
    "end_date": _date_text,
    "value": _choice,
    "clickData": _mapping,
    "relayoutData": _mapping,
    "cellClicked": _mapping,
    "n_clicks": _clicks,
    "open": _flag,
    "data": _store,
}


class CallbackRequestError(BadRequest):
    """A callback request that no page of this app could have sent (HTTP 400)."""


def _fail(reason: str) -> CallbackRequestError:
    return CallbackRequestError(f"Not a valid callback request: {reason}.")


def parse_body(raw: bytes) -> Any:
    """The JSON of a request body; 400 when it is not JSON or nests too deeply to parse."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise _fail("the body is not JSON") from None


def _declared(deps: Any) -> list[tuple[Any, str]]:
    """(id, property) of each dependency a callback declares (inputs, states, outputs)."""
    items = deps if isinstance(deps, list) else [deps]
    out = []
    for dep in items:
        if isinstance(dep, dash.Output):
            out.append((dep.component_id, dep.component_property))
        else:
            out.append((dep["id"], dep["property"]))
    return out


def _check_deps(name: str, sent: Any, declared: Sequence[tuple[Any, str]], *, values: bool) -> None:
    if not isinstance(sent, list) or len(sent) != len(declared):
        raise _fail(f"'{name}' must list the callback's {len(declared)} {name}")
    for item, (dep_id, prop) in zip(sent, declared, strict=True):
        if not isinstance(item, dict) or (item.get("id"), item.get("property")) != (dep_id, prop):
            raise _fail(f"'{name}' does not match the callback's {name}")
        if values and not PROPERTY_TYPES.get(prop, lambda _: False)(item.get("value")):
            raise _fail(f"the value of {dep_id}.{prop} has the wrong type")


def check_callback_body(body: Any, callbacks: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise ``CallbackRequestError`` unless ``body`` is a request for one server callback.

    ``callbacks`` is ``app.callback_map``. Clientside callbacks run in the browser and are
    never posted, so naming one is refused too.
    """
    if not isinstance(body, dict):
        raise _fail("the body must be a JSON object")
    output = body.get("output")
    spec = callbacks.get(output) if isinstance(output, str) else None
    if spec is None or "callback" not in spec:
        raise _fail("'output' names no callback of this app")
    outputs = body.get("outputs")
    declared_out = _declared(spec["output"])
    _check_deps(
        "outputs",
        outputs if isinstance(spec["output"], list) else [outputs],
        declared_out,
        values=False,
    )
    _check_deps("inputs", body.get("inputs"), _declared(spec["inputs"]), values=True)
    if spec["state"] or "state" in body:
        _check_deps("state", body.get("state"), _declared(spec["state"]), values=True)
    changed = body.get("changedPropIds", [])
    inputs = {f"{dep_id}.{prop}" for dep_id, prop in _declared(spec["inputs"])}
    if not isinstance(changed, list) or not all(
        isinstance(c, str) and c in inputs for c in changed
    ):
        raise _fail("'changedPropIds' must list inputs of the callback")


def install(app: dash.Dash) -> None:
    """Cap request bodies and check callback requests before Dash dispatches them."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    dispatch = app.config.routes_pathname_prefix + DISPATCH

    @server.before_request
    def check_dispatch() -> None:
        request = flask.request
        if request.method == "POST" and request.path == dispatch:
            # get_data raises 413 from Content-Length alone, before reading the body.
            check_callback_body(parse_body(request.get_data(cache=True)), app.callback_map)
