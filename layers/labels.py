"""Labels for the top places on the map, placed so that no two labels ever overlap (pure).

plotly draws a point's text beside its marker (``textposition``) but never moves it out of
another label's way, so the positions are chosen here. The map is responsive: the same
positions are drawn at every size the figure is shown, so a label is kept only where it
overlaps no other label, no other symbol and stays inside the map at *every* given size
(``View``). The pixel positions come from the same projection plotly.js uses (d3's conic
conformal, fitted to the frame's longitude and latitude ranges), see ``project``.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Candidate positions, in the order they are tried (right of the symbol reads first).
POSITIONS = (
    "middle right",
    "middle left",
    "top center",
    "bottom center",
    "top right",
    "bottom right",
    "top left",
    "bottom left",
)
FONT_PX = 12
#: Average glyph width of the map's sans-serif font, in ems (generous: boxes must not touch).
GLYPH_EM = 0.62
#: Clear space kept around every label box, in pixels.
PAD_PX = 2.0
#: plotly's ``geo`` constant: the range box is shrunk by this many degrees before fitting.
_CLIP_PAD = 1e-3


@dataclass(frozen=True)
class View:
    """One size at which the map is drawn: its geo area in pixels, and how big symbols are.

    ``bubble_scale`` multiplies every symbol's diameter (the embed shrinks its symbols in a
    narrow column).
    """

    width: float
    height: float
    bubble_scale: float = 1.0


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pixels (y grows downwards, as on screen)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        """Whether the two rectangles share any area."""
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def inside(self, width: float, height: float) -> bool:
        """Whether the rectangle lies within a ``width`` × ``height`` area at the origin."""
        return self.within(Box(0, 0, width, height))

    def within(self, other: Box) -> bool:
        """Whether the rectangle lies within ``other``."""
        return (
            self.left >= other.left
            and self.top >= other.top
            and self.right <= other.right
            and self.bottom <= other.bottom
        )


def _conic_conformal(lon: np.ndarray, lat: np.ndarray, parallels: Sequence[float]) -> np.ndarray:
    """d3's raw conic conformal projection (radians in, unit plane out, y upwards)."""
    y0, y1 = (math.radians(p) for p in parallels)

    def tany(y: np.ndarray | float) -> np.ndarray:
        return np.tan((math.pi / 2 + np.asarray(y)) / 2)

    cy0 = math.cos(y0)
    n = math.sin(y0) if y0 == y1 else math.log(cy0 / math.cos(y1)) / math.log(tany(y1) / tany(y0))
    f = cy0 * float(tany(y0)) ** n / n
    r = f / tany(lat) ** n
    return np.stack([r * np.sin(n * lon), f - r * np.cos(n * lon)], axis=-1)


def _plane(lon: np.ndarray, lat: np.ndarray, frame: dict) -> np.ndarray:
    """Longitudes and latitudes (degrees) on the frame's projection plane, y downwards."""
    projection = frame["projection"]
    shifted = (np.asarray(lon, dtype=float) - projection["rotation"]["lon"] + 180.0) % 360 - 180
    xy = _conic_conformal(
        np.radians(shifted), np.radians(np.asarray(lat, dtype=float)), projection["parallels"]
    )
    return xy * np.array([1.0, -1.0])


def _great_circle(a: tuple[float, float], b: tuple[float, float], steps: int = 64) -> np.ndarray:
    """Points along the great-circle arc from ``a`` to ``b`` (lon, lat degrees)."""
    lon, lat = np.radians([a[0], b[0]]), np.radians([a[1], b[1]])
    ends = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
    omega = math.acos(float(np.clip(ends[0] @ ends[1], -1.0, 1.0)))
    t = np.linspace(0.0, 1.0, steps)[:, None]
    if omega < 1e-9:
        points = np.repeat(ends[:1], steps, axis=0)
    else:
        points = (np.sin((1 - t) * omega) * ends[0] + np.sin(t * omega) * ends[1]) / math.sin(omega)
    return np.degrees(
        np.stack([np.arctan2(points[:, 1], points[:, 0]), np.arcsin(points[:, 2])], axis=1)
    )


@functools.lru_cache(maxsize=64)
def _range_box(lons: tuple[float, float], lats: tuple[float, float]) -> np.ndarray:
    """A lon/lat range as plotly's fitting polygon, edges densified as great-circle arcs."""
    lon0, lon1 = lons
    lat0, lat1 = lats
    lon0, lon1, lat0, lat1 = lon0 + _CLIP_PAD, lon1 - _CLIP_PAD, lat0 + _CLIP_PAD, lat1 - _CLIP_PAD
    step = (lon1 - lon0) / 4
    ring = [(lon0, lat0), (lon0, lat1)]
    ring += [(lon0 + i * step, lat1) for i in range(1, 4)] + [(lon1, lat1), (lon1, lat0)]
    ring += [(lon1 - i * step, lat0) for i in range(1, 4)] + [(lon0, lat0)]
    return np.concatenate([_great_circle(a, b) for a, b in itertools.pairwise(ring)])


def project(
    lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray, frame: dict, view: View
) -> np.ndarray:
    """Pixel positions (x, y from the geo area's top left) of points on a map ``frame``.

    plotly.js fits the frame's longitude and latitude ranges into the geo area
    (``projection.fitExtent``, which sets the scale) and puts the frame's centre in the
    middle of the area; this repeats both steps.
    """
    box = _range_box(tuple(frame["lonaxis"]["range"]), tuple(frame["lataxis"]["range"]))
    edge = _plane(box[:, 0], box[:, 1], frame)
    low, high = edge.min(axis=0), edge.max(axis=0)
    scale = min(view.width / (high[0] - low[0]), view.height / (high[1] - low[1]))
    # plotly then puts the frame's centre (its rotation's longitude, the middle of its
    # latitude range) in the middle.
    middle = frame["projection"]["rotation"]["lon"], sum(frame["lataxis"]["range"]) / 2
    centre = _plane(np.array([middle[0]]), np.array([middle[1]]), frame)[0]
    points = _plane(np.asarray(lon), np.asarray(lat), frame)
    return (points - centre) * scale + np.array([view.width / 2, view.height / 2])


def in_frame(lon: float, lat: float, frame: dict) -> bool:
    """Whether a point lies in a map frame's longitude and latitude ranges (drawn at all)."""
    (west, east), (south, north) = frame["lonaxis"]["range"], frame["lataxis"]["range"]
    return west <= lon <= east and south <= lat <= north


def drawn_area(frame: dict, view: View) -> Box:
    """Where a ``frame`` is drawn in a ``view``: plotly fits it inside, keeping its shape.

    A view of another shape than the frame keeps empty bands beside it; on the inset they
    are the main map, so a label must stay within the drawn area, not merely the view.
    """
    box = _range_box(tuple(frame["lonaxis"]["range"]), tuple(frame["lataxis"]["range"]))
    xy = project(box[:, 0], box[:, 1], frame, view)
    (left, top), (right, bottom) = xy.min(axis=0), xy.max(axis=0)
    return Box(max(0.0, left), max(0.0, top), min(view.width, right), min(view.height, bottom))


def text_box(x: float, y: float, text: str, position: str, radius: float) -> Box:
    """The box plotly's text at ``position`` beside a marker of ``radius`` px occupies.

    Mirrors plotly.js ``textPointPosition``: the text is pushed ``radius / 0.8 + 1`` px away
    from the point, its baseline ``0.75`` of the font size below the anchor line.
    """
    offset = radius / 0.8 + 1 if radius else 0.0
    width = GLYPH_EM * FONT_PX * len(text)
    vertical = 1 if "bottom" in position else -1 if "top" in position else 0
    horizontal = -1 if "left" in position else 1 if "right" in position else 0
    baseline = y + FONT_PX * 0.75 + vertical * offset + (vertical - 1) * FONT_PX / 2
    left = {1: x + offset, -1: x - offset - width, 0: x - width / 2}[horizontal]
    return Box(
        left - PAD_PX,
        baseline - FONT_PX - PAD_PX,
        left + width + PAD_PX,
        baseline + FONT_PX * 0.3 + PAD_PX,
    )


def place_labels(
    lon: Sequence[float],
    lat: Sequence[float],
    diameters: Sequence[float],
    texts: Sequence[str],
    *,
    frame: dict,
    views: Sequence[View],
    fixed: Sequence[tuple[float, float, str, str]] = (),
    avoid: Sequence[tuple[float, float, float, float]] = (),
) -> list[str | None]:
    """A ``textposition`` for each labelled point, or None where no label fits.

    Points are taken in the given order (the most important first); an empty text asks for
    no label. A label goes where, at every ``view``, it overlaps no label placed before and
    no ``fixed`` label ((lon, lat, text, position), drawn as they are) and stays inside the
    map; of those positions, the one covering fewest other symbols. ``avoid`` are areas
    covered by something else (an inset), as (left, top, right, bottom) fractions of a view.
    No ``views`` (an inset too small to name places in at every size) places no label.
    """
    if not views:
        return [None] * len(texts)
    shown = [
        (project(lon, lat, frame, v), [d * v.bubble_scale / 2 for d in diameters]) for v in views
    ]
    taken: list[list[Box]] = [
        [Box(a * v.width, b * v.height, c * v.width, d * v.height) for a, b, c, d in avoid]
        for v in views
    ]
    if fixed:
        flon, flat, ftext, fpos = zip(*fixed, strict=True)
        for at, view in enumerate(views):
            xy = project(flon, flat, frame, view)
            taken[at] += [
                text_box(x, y, t, p, 0.0) for (x, y), t, p in zip(xy, ftext, fpos, strict=True)
            ]
    # Each view's symbols as (left, top, right, bottom) rows, to count the ones a label covers.
    symbols = [
        np.hstack([xy - np.c_[radii], xy + np.c_[radii]]) if len(radii) else np.empty((0, 4))
        for xy, radii in shown
    ]
    areas = [drawn_area(frame, v) for v in views]
    out: list[str | None] = []
    for i, text in enumerate(texts):
        out.append(_first_free(i, text, areas, shown, symbols, taken) if text else None)
    return out


def _first_free(
    i: int,
    text: str,
    areas: Sequence[Box],
    shown: list[tuple[np.ndarray, list[float]]],
    symbols: list[np.ndarray],
    taken: list[list[Box]],
) -> str | None:
    """The best position for point ``i``'s label (and take it), or None if none is clear.

    Clear means inside the drawn map (``areas``, one per view) and off every label at every
    view; among clear positions the one covering the fewest other symbols wins, the earlier
    in ``POSITIONS`` on a tie.
    """
    best: tuple[int, str, list[Box]] | None = None
    for position in POSITIONS:
        boxes = []
        covered = 0
        for at, area in enumerate(areas):
            (x, y), radius = shown[at][0][i], shown[at][1][i]
            if not (area.left <= x <= area.right and area.top <= y <= area.bottom):
                return None  # the place itself is off this map: no name for it
            box = text_box(x, y, text, position, radius)
            if not box.within(area) or any(box.overlaps(b) for b in taken[at]):
                break
            boxes.append(box)
            left, top, right, bottom = symbols[at].T
            hit = (left < box.right) & (box.left < right) & (top < box.bottom) & (box.top < bottom)
            covered += int(np.count_nonzero(hit)) - int(hit[i])  # its own symbol not counted
        else:
            if best is None or covered < best[0]:
                best = (covered, position, boxes)
    if best is None:
        return None
    for at, box in enumerate(best[2]):
        taken[at].append(box)
    return best[1]
