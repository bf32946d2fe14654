"""The dashboard's partial plotly.js (frontend/plotly) matches plotly.py and the app's traces.

The browser tests draw every page with it; these checks fail early, without a browser, when
plotly.py is upgraded or a figure starts using a trace type the bundle lacks.
"""

import json
import re
from pathlib import Path

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend" / "plotly"


def registered() -> set[str]:
    """Trace types the bundle registers (scatter comes with plotly.js's core)."""
    entry = (FRONTEND / "entry.js").read_text()
    return {"scatter", *re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry)} - {"core"}


def trace_types() -> set[str]:
    """Every trace type plotly knows ("bar", "scattergeo", ...)."""
    classes = (getattr(go, name) for name in dir(go) if name[:1].isupper())
    return {
        cls.__name__.lower()
        for cls in classes
        if isinstance(cls, type) and issubclass(cls, BaseTraceType)
    }


def drawn() -> set[str]:
    """Trace types the figure builders (``layers``) create, by constructor or ``add_*``."""
    source = "\n".join(path.read_text() for path in (ROOT / "layers").glob("*.py"))
    names = {n.lower() for n in re.findall(r"\bgo\.([A-Z]\w*)\(", source)}
    names |= set(re.findall(r"\.add_(\w+)\(", source))
    return names & trace_types()


def test_the_bundle_is_the_plotly_js_that_plotly_py_ships():
    package = json.loads((FRONTEND / "package.json").read_text())
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    assert package["dependencies"]["plotly.js"] == get_plotlyjs_version()
    assert lock["packages"]["node_modules/plotly.js"]["version"] == get_plotlyjs_version()


def test_every_trace_type_the_figures_use_is_in_the_bundle():
    used = drawn()
    assert {"choropleth", "scattergeo", "bar", "scatter"} <= used  # the scan finds them
    assert used <= registered(), used - registered()
