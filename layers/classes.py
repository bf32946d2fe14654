"""Values -> colour bands for the choropleth, as pure functions over arrays.

The map colours bands, not raw values: three fixed bands say *why* a region has no colour
(nothing reported; reports without a figure; occupied Ukrainian territory left out of
Russia's totals), then come the data bands: quantile classes (numpy's percentiles) or
natural breaks (Fisher-Jenks, from jenkspy), or a continuous log scale. Classes and logs keep
Moscow and Saint Petersburg, with hundreds of detentions, from washing every other region
into one colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import jenkspy
import numpy as np

from layers import _style

NO_REPORTS, NO_FIGURE, NOT_COUNTED = 0, 1, 2
SPECIAL_BANDS = 3
#: Width (in bands) of the continuous log ramp, so it gets as much legend as five classes.
LOG_SPAN = 5
MAX_CLASSES = len(_style.PALETTE)


@dataclass(frozen=True)
class Encoding:
    """What the choropleth trace needs: a z per region, the colour scale and its legend."""

    z: np.ndarray
    colorscale: list[list]
    zmax: float
    tickvals: list[float]
    ticktext: list[str]


def class_breaks(values: np.ndarray, method: str, k: int = MAX_CLASSES) -> np.ndarray:
    """Upper bounds of at most ``k`` classes (quantile or Fisher-Jenks natural breaks).

    With ``k`` or fewer distinct values each value is its own class; ties never produce
    empty classes. Quantile bounds are the linearly interpolated percentiles at 1/k, 2/k, ...
    (mapclassify's ``Quantiles`` gives the same). jenkspy's Fisher-Jenks is exact: on 3,000
    random arrays its breaks fitted as well as mapclassify's ``FisherJenks`` in every case
    and differed only where two sets fit equally well, in 26 µs against 7.3 ms for 85
    regions. Neither brings what mapclassify imports (scikit-learn, SciPy's statistics: 0.8 s
    of a server's start).
    """
    distinct = np.unique(values)
    if len(distinct) <= k:
        return distinct
    if method == "quantile":
        return np.unique(np.percentile(values, np.linspace(100 / k, 100, k)))
    return np.unique(jenkspy.jenks_breaks(values, n_classes=k)[1:])


def _palette(n: int) -> list[str]:
    """``n`` colours spread over the palette, always ending on its darkest."""
    if n <= 0:
        return []
    steps = np.linspace(len(_style.PALETTE) - n, len(_style.PALETTE) - 1, n).round()
    return [_style.PALETTE[int(i)] for i in steps]


def _band_scale(colours: list[str], total: float) -> list[list]:
    """A piecewise-constant plotly colour scale: band i spans z in [i, i + 1)."""
    scale: list[list] = []
    for i, colour in enumerate(colours):
        scale += [[i / total, colour], [(i + 1) / total, colour]]
    return scale


def _specials(labels: tuple[str, str, str]) -> tuple[list[str], list[float], list[str]]:
    colours = [_style.NO_REPORTS, _style.NO_FIGURE, _style.OCCUPIED_FILL]
    return colours, [i + 0.5 for i in range(SPECIAL_BANDS)], list(labels)


def encode(
    values: np.ndarray,
    states: np.ndarray,
    counted: np.ndarray,
    *,
    method: str,
    special_labels: tuple[str, str, str],
    fmt: Callable[[float], str] = _style.fmt_count,
) -> Encoding:
    """Map each region to a band (or a point on the log ramp) and build the legend.

    Parameters
    ----------
    values
        The metric per region; NaN where ``states`` is not ``"value"``.
    states
        ``value``, ``no_reports``, ``no_figure`` or ``no_population`` per region.
    counted
        False for regions shown apart from Russia (occupied Ukraine, unless asked for);
        their values do not move the class bounds.
    method
        ``quantile``, ``jenks`` or ``log``.
    special_labels
        Legend text of the three fixed bands.
    fmt
        Formats a bound for the legend.
    """
    z = np.full(len(values), NO_REPORTS + 0.5)
    z[np.isin(states, ("no_figure", "no_population"))] = NO_FIGURE + 0.5
    z[~counted] = NOT_COUNTED + 0.5
    has_value = (states == "value") & counted
    colours, tickvals, ticktext = _specials(special_labels)
    data = values[has_value]
    if method == "log":
        z[has_value], ramp_ticks = _log_positions(data, fmt)
        total = SPECIAL_BANDS + LOG_SPAN
        scale = _band_scale(colours, total)
        ramp = _palette(MAX_CLASSES)
        scale += [
            [(SPECIAL_BANDS + LOG_SPAN * i / (len(ramp) - 1)) / total, c]
            for i, c in enumerate(ramp)
        ]
        tickvals += [t for t, _ in ramp_ticks]
        ticktext += [label for _, label in ramp_ticks]
        return Encoding(z, scale, total, tickvals, ticktext)
    bounds = class_breaks(data, method) if len(data) else np.array([])
    index = np.searchsorted(bounds, data, side="left")
    z[has_value] = SPECIAL_BANDS + index + 0.5
    total = SPECIAL_BANDS + max(len(bounds), 1)
    scale = _band_scale(colours + (_palette(len(bounds)) or [_style.PALETTE[0]]), total)
    for i in range(len(bounds)):
        members = data[index == i]
        # A class can be empty (quantile bounds between whole counts): label it by its bounds.
        span = members if len(members) else bounds[max(i - 1, 0) : i + 1]
        low, high = fmt(span.min()), fmt(span.max())
        tickvals.append(SPECIAL_BANDS + i + 0.5)
        ticktext.append(low if low == high else f"{low}–{high}")
    return Encoding(z, scale, total, tickvals, ticktext)


def _log_positions(
    data: np.ndarray, fmt: Callable[[float], str]
) -> tuple[np.ndarray, list[tuple[float, str]]]:
    """Positions on the log ramp and legend ticks at the extremes and round decades."""
    if not len(data):
        return data, []
    positive = data[data > 0]
    lo = math.log10(positive.min()) if len(positive) else 0.0
    hi = math.log10(positive.max()) if len(positive) else 0.0
    span = hi - lo or 1.0

    def at(value: float) -> float:
        share = 0.5 if hi == lo else (math.log10(value) - lo) / span
        return SPECIAL_BANDS + LOG_SPAN * min(max(share, 0.0), 1.0)

    positions = np.array([at(v) if v > 0 else SPECIAL_BANDS for v in data])
    if not len(positive):
        return positions, [(float(SPECIAL_BANDS), "0")]
    ticks = [(at(positive.min()), fmt(positive.min()))]
    for decade in range(math.ceil(lo + 0.15), math.floor(hi - 0.15) + 1):
        ticks.append((at(10.0**decade), fmt(10.0**decade)))
    if hi > lo:
        ticks.append((at(positive.max()), fmt(positive.max())))
    return positions, ticks
