"""Where to point the mouse on the map: shared by the dashboard and embed browser tests."""

from __future__ import annotations

#: Page point (in the viewport of the frame that holds the map) inside a region's drawn
#: outline: sample its bounding box and keep the point nearest the centre that lies in that
#: region's fill (plotly's paths take no pointer events, so geometry decides, not
#: elementFromPoint). Takes ``{container, code}``: the map's selector and the region code.
_REGION_POINT = """({container, code}) => {
  const path = [...document.querySelectorAll(`${container} .choroplethlocation`)]
    .find(p => p.__data__ && p.__data__.loc === code);
  if (!path) return null;
  const box = path.getBoundingClientRect(), toLocal = path.getScreenCTM().inverse();
  let best = null;
  for (let i = 1; i < 16; i++) for (let j = 1; j < 16; j++) {
    const x = box.left + box.width * i / 16, y = box.top + box.height * j / 16;
    if (!path.isPointInFill(new DOMPoint(x, y).matrixTransform(toLocal))) continue;
    const d = Math.hypot(x - box.left - box.width / 2, y - box.top - box.height / 2);
    if (!best || d < best.d) best = {x, y, d};
  }
  return best;
}"""


def region_point(frame: object, code: str, container: str = "#map") -> dict | None:
    """A point ``{x, y}`` inside region ``code`` on the map in ``container``, or None if undrawn.

    ``frame`` is a Playwright page or frame; the point is in that frame's own viewport.
    """
    return frame.evaluate(_REGION_POINT, {"container": container, "code": code})  # type: ignore[attr-defined]
