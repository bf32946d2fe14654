"""Compare's line colours: Okabe–Ito, told apart under colour-vision deficiencies.

Distances are CIEDE2000 (coloraide) between the colours as protanopia, deuteranopia and
tritanopia simulate them; the thresholds are what the palette measured (12.2, 12.5, 7.9,
and 22.2 with full colour vision), so a swap to a less distinct colour fails.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from coloraide import Color

from core.compare import MAX_PLACES
from layers import _style
from layers.compare import colour, dash, overlay_figure

#: Okabe & Ito (2008), "Color Universal Design": the eight colours as published.
OKABE_ITO = {
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
}


def test_the_palette_is_okabe_ito_without_its_yellow():
    assert set(_style.CATEGORICAL) <= OKABE_ITO
    assert set(_style.CATEGORICAL) == OKABE_ITO - {"#F0E442"}


@pytest.mark.parametrize(
    ("deficiency", "least"), [(None, 20), ("protan", 12), ("deutan", 12), ("tritan", 7.5)]
)
def test_every_pair_stays_apart(deficiency, least):
    colours = [Color(c) for c in _style.CATEGORICAL]
    if deficiency:
        colours = [c.filter(deficiency) for c in colours]
    pairs = itertools.combinations(colours, 2)
    assert min(a.delta_e(b, method="2000") for a, b in pairs) >= least


def test_the_first_five_lines_stand_out_from_white():
    for line in _style.CATEGORICAL[:5]:
        assert Color(line).contrast("#ffffff", method="wcag21") >= 3


def test_every_place_of_a_full_comparison_gets_its_own_line_style():
    styles = [(colour(i), dash(i)) for i in range(MAX_PLACES)]
    assert len(set(styles)) == MAX_PLACES
    assert [dash(i) for i in (0, 6, 7, 14)] == ["solid", "solid", "dash", "dot"]


def test_chart_lines_use_the_palette_in_place_order():
    days = pd.to_datetime(["2022-09-21", "2022-09-22"])
    frame = pd.DataFrame(
        {
            "place_id": ["a", "a", "b", "b"],
            "date": days.append(days),
            "value": [1.0, 2.0, 3.0, None],
            "status": ["reported", "reported", "reported", "no report"],
            "label": ["21 Sep 2022", "22 Sep 2022"] * 2,
        }
    )
    figure = overlay_figure(frame, {"a": "Alpha", "b": "Beta"})
    lines = [t for t in figure.data if t.meta["role"] == "value"]
    assert [t.line.color for t in lines] == list(_style.CATEGORICAL[:2])
