"""The locust users of ``bench.load``: readers of the dashboard, and exporters.

Run by ``bench.load`` (``locust -f bench/load_users.py ...``), never by hand: it reads the plan
that ``bench.load`` recorded from a real Chromium (``PROTESTMAP_LOAD_PLAN``, a JSON file) —
the page URLs and, for each, the callback requests the browser sent. Nothing here invents a
request body: the server sees exactly what dash-renderer sent.

- ``Reader``: a page load one time in four (the page, then the callbacks the browser fired
  for it), a view change three times in four (the callbacks the browser fired when the view
  changed inside the page). Between two actions a reader waits 0.5–1.5 s, as a person does.
- ``Exporter``: PNG exports of the default view, each with a width nobody asked for before,
  so every request is a cache miss that the render queue must refuse (503) or render.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

PLAN: dict[str, Any] = json.loads(Path(os.environ["PROTESTMAP_LOAD_PLAN"]).read_text())
_WIDTHS = itertools.count(601)  # one new export width per request, across the run


class Reader(FastHttpUser):
    """A person reading the dashboard: loads pages and changes the view."""

    wait_time = between(0.5, 1.5)

    def _callbacks(self, bodies: list[dict[str, Any]]) -> None:
        for body in bodies:
            self.client.post("/_dash-update-component", json=body, name="callback")

    @task(1)
    def load_page(self) -> None:
        """A page from a shared link, with the requests dash-renderer makes for it."""
        load = random.choice(PLAN["loads"])
        self.client.get(load["path"], name="page")
        self.client.get("/_dash-layout", name="page: layout")
        self.client.get("/_dash-dependencies", name="page: dependencies")
        self._callbacks(load["callbacks"])

    @task(3)
    def change_view(self) -> None:
        """A change inside the page: the callbacks it fires."""
        self._callbacks(random.choice(PLAN["changes"]))


class Exporter(FastHttpUser):
    """A stream of PNG exports, each a size not rendered before."""

    fixed_count = 10
    wait_time = between(0.1, 0.3)

    @task
    def export(self) -> None:
        """One export; named by its answer so the refusals are timed on their own."""
        width = next(_WIDTHS)
        with self.client.get(
            f"/export/map.png?width={width}", name="export", catch_response=True
        ) as response:
            if response.status_code == 503:
                response.request_meta["name"] = "export: 503"
                response.success()
            elif response.status_code == 200:
                response.request_meta["name"] = "export: 200"
