"""axe-core in the browser tests: inject the pinned copy (``make setup``) and run it.

axe is never served by the app; the tab needs ``bypass_csp=True`` (the app's CSP allows only
its own scripts), which the ``axe_page`` fixture gives.
"""

from __future__ import annotations

from geodata.settings import PROJECT_ROOT

AXE_JS = PROJECT_ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: The WCAG 2.2 A and AA rules (axe's tags), which the issue promises.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Impacts a test refuses.
BLOCKING = ("critical", "serious")


def violations(page: object, context: str = "document") -> list[dict]:
    """axe's critical and serious WCAG A/AA violations on ``page`` (or in the frame) now."""
    assert AXE_JS.exists(), f"{AXE_JS} missing: run `make setup`"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):  # type: ignore[attr-defined]
        page.add_script_tag(path=str(AXE_JS))  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        f"(tags) => axe.run({context}, {{runOnly: {{type: 'tag', values: tags}}}})", WCAG_AA
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
