"""Callback request bodies as dash-renderer sends them, built from the app's callback map."""

from __future__ import annotations

from typing import Any

import dash


def callback_key(app: dash.Dash, first_input: str, first_output: str) -> str:
    """The callback-map key of the server callback with these first input and output ids."""
    for key, spec in app.callback_map.items():
        outputs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
        if (
            "callback" in spec
            and spec["inputs"][0]["id"] == first_input
            and outputs[0].component_id == first_output
        ):
            return key
    raise LookupError(f"no callback from {first_input} to {first_output}")


def body(app: dash.Dash, key: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """A valid body for callback ``key``; ``values`` maps ``id.property`` to a value."""
    values = values or {}
    spec = app.callback_map[key]
    outputs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
    sent_outputs = [{"id": o.component_id, "property": o.component_property} for o in outputs]

    def deps(items: list[dict]) -> list[dict]:
        return [{**dep, "value": values.get(f"{dep['id']}.{dep['property']}")} for dep in items]

    out: dict[str, Any] = {
        "output": key,
        "outputs": sent_outputs if isinstance(spec["output"], list) else sent_outputs[0],
        "inputs": deps(spec["inputs"]),
        "changedPropIds": [
            k for k in values if k in {f"{d['id']}.{d['property']}" for d in spec["inputs"]}
        ],
    }
    if spec["state"]:
        out["state"] = deps(spec["state"])
    return out
