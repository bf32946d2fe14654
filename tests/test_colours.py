"""The map's colours: text readable on its background, classes told apart by everyone.

Contrast is WCAG 2.1's ratio (coloraide's "wcag21"); colour-blind safety is checked by
simulating protanopia, deuteranopia and tritanopia (coloraide's CVD filters) and requiring
each class to stay lighter than the next, as a one-hue sequential scale must.
"""

from __future__ import annotations

import itertools

import pytest
from coloraide import Color

from layers import _style

#: (text colour, background it is drawn on): AA asks 4.5:1 for text.
TEXT_ON = [
    (_style.INK, "#ffffff"),  # legend labels, titles, hover text
    (_style.MUTED, "#ffffff"),  # notes and captions
    (_style.INK, _style.OCEAN),  # city labels on the map
    (_style.OCCUPIED_LINE, _style.OCEAN),  # "occupied, Ukraine" label on the map
    (_style.OCCUPIED_LINE, "#ffffff"),  # the occupied-territory note and links
    (_style.OCCUPIED_LINE, "#fafafa"),  # links on the page background
    (_style.DETENTION_COLOUR, "#ffffff"),  # the detentions tile
]
#: Non-text marks (bars, outlines) against white: 3:1 (WCAG 1.4.11).
MARKS_ON_WHITE = [
    _style.RALLY_COLOUR,
    _style.DETENTION_COLOUR,
    _style.OCCUPIED_LINE,
    _style.SELECTED_LINE,
]
DEFICIENCIES = ["protan", "deutan", "tritan"]


@pytest.mark.parametrize(("text", "background"), TEXT_ON)
def test_text_colours_meet_aa_contrast(text, background):
    assert Color(text).contrast(background, method="wcag21") >= 4.5


@pytest.mark.parametrize("mark", MARKS_ON_WHITE)
def test_marks_stand_out_from_white(mark):
    assert Color(mark).contrast("#ffffff", method="wcag21") >= 3.0


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_palette_classes_stay_ordered_by_lightness(deficiency):
    """Light to dark, with a visible step between classes, whatever colours one can see."""
    seen = [Color(c) if deficiency is None else Color(c).filter(deficiency) for c in _style.PALETTE]
    lightness = [c.convert("oklab")["lightness"] for c in seen]
    steps = [a - b for a, b in itertools.pairwise(lightness)]
    assert min(steps) > 0.05, lightness


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_special_bands_differ_from_the_lowest_class(deficiency):
    """No reports, no figure and occupied never look like the lowest class."""
    lowest = Color(_style.PALETTE[0]).filter(deficiency)
    for special in (_style.NO_REPORTS, _style.NO_FIGURE, _style.OCCUPIED_FILL):
        assert Color(special).filter(deficiency).delta_e(lowest, method="2000") > 10
