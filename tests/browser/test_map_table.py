"""The map's text alternative: a hidden summary sentence and the regions as a sortable table."""

from __future__ import annotations

import pytest
from test_dashboard import detentions, open_dashboard, russia

pytestmark = pytest.mark.browser

_ROWS = """() => [...document.querySelectorAll('#map-table tbody tr')].map(tr =>
  [...tr.children].map(c => c.innerText))"""


def test_summary_and_table_say_what_the_map_shows(page, base_url, incidents):
    open_dashboard(page, base_url)
    total = detentions(russia(incidents))
    page.wait_for_function(
        "(n) => document.querySelector('#map-summary').textContent.includes(n)",
        arg=f"{total:,} detentions",
    )
    box = page.locator("#map-summary").bounding_box()  # read by screen readers, not shown
    assert box["width"] <= 1 and box["height"] <= 1
    assert page.text_content("#map-summary").startswith("Map of Russia shaded by detentions")
    # Built when opened, not with every view: nothing there while it is closed.
    page.wait_for_load_state("networkidle")
    assert page.locator("#map-table tbody tr").count() == 0
    page.locator("#map-table-toggle > summary").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#map-table tbody tr")
    rows = page.evaluate(_ROWS)
    per_region = (
        incidents[incidents["kind"] == "detention"].groupby("region_code")["detained"].sum()
    )
    top = per_region.idxmax()
    top_name = incidents.loc[incidents["region_code"] == top, "region_code"].iloc[0]
    assert rows[0][1] == f"{int(per_region.max()):,}", (top_name, rows[:3])
    occupied = [r for r in rows if r[2] == "Occupied Ukrainian territory"]
    assert len(occupied) == 6
    # Sort by name: the same rows, alphabetically.
    page.locator("#map-table-sort label", has_text="region name").click()
    page.wait_for_function(
        "(first) => document.querySelector('#map-table tbody tr th').innerText !== first",
        arg=rows[0][0],
    )
    by_name = page.evaluate(_ROWS)
    names = [r[0] for r in by_name]
    assert names == sorted(names, key=lambda n: n.split(" · ")[0])
    assert sorted(map(tuple, by_name)) == sorted(map(tuple, rows))
