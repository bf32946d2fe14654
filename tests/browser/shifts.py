"""How far a page moved under the reader: Chromium's layout-shift entries, summed.

Shared by the dashboard and Compare tests. ``record`` before the page loads, wait for the
callbacks that fill it (``answer_to``), then read ``shifted`` (it lets two frames be laid
out first).
"""

from __future__ import annotations

#: Adds up the page's layout shifts (Cumulative Layout Shift's parts) from the first paint.
_RECORD = """(() => {
  let shifted = 0;
  const add = entries => entries.forEach(e => { shifted += e.value; });
  const observer = new PerformanceObserver(list => add(list.getEntries()));
  observer.observe({type: 'layout-shift', buffered: true});
  window.__pmShifted = () => { add(observer.takeRecords()); return shifted; };
})();"""
#: Their sum so far, once two frames have been laid out since the last DOM change.
_SHIFTED = """() => new Promise(done =>
  requestAnimationFrame(() => requestAnimationFrame(() => done(window.__pmShifted()))))"""


def record(page: object) -> None:
    """Start adding up ``page``'s layout shifts from its next load on."""
    page.add_init_script(_RECORD)  # type: ignore[attr-defined]


def shifted(page: object) -> float:
    """The layout shift of ``page`` so far (0: nothing on screen moved)."""
    return float(page.evaluate(_SHIFTED))  # type: ignore[attr-defined]


def answer_to(page: object, output: str) -> object:
    """A context that waits for the answer to the callback whose request names ``output``."""
    return page.expect_response(  # type: ignore[attr-defined]
        lambda r: "_dash-update-component" in r.url and output in (r.request.post_data or "")
    )
