"""Publication snapshots of a view: a titled, credited map (and timeline) rendered by kaleido.

The figure is the dashboard's own map (``layers.figures.map_view``), laid out for print: a
title, a subtitle saying the period and filters in words (``core.texts.caption``), the legend
with its class bounds, and a credit line naming the store's actual sources, its data version
and the access date, so a snapshot pasted into a report still says where its numbers come
from.

Rendering goes through ``RenderPool``: one warm Chromium does the work, a few requests may
wait, the rest are refused (``Busy``), and a render that takes too long ends with
``RenderTimeout`` instead of holding a web worker forever. Results are cached on disk.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from core.i18n import DEFAULT, N_, Explained, format_date, gettext
from core.texts import Caption
from core.texts import caption as caption
from core.texts import credit_line as credit_line
from core.view import Filters
from geodata.errors import ProtestmapError, first_line
from geodata.settings import PROJECT_ROOT
from layers import _style, geofiles, inset
from layers import regions as region_layer
from layers.cities import SIZE_KEY
from layers.dateticks import date_ticks
from layers.figures import KEYED_COLORBAR, map_view, timeline_view
from layers.labels import View
from publish import narrow

if TYPE_CHECKING:
    from core.dataset import Dataset
    from publish.shared import FleetSlots

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
TOPOJSON_DIR = PROJECT_ROOT / "assets" / "topojson"
DEFAULT_SIZE = {False: (1200, 760), True: (1200, 1000)}
#: Timeline band (paper y) and the map's band above it, when the timeline is included.
_TIMELINE_Y = (0.09, 0.29)
_MAP_Y = {False: (0.08, 0.9), True: (0.36, 0.9)}
MARGIN = {"l": 24, "r": region_layer.LEGEND_PX + 20, "t": 24, "b": 16}
#: Width of the colour bar's band labels in a snapshot (its column less the bar itself).
LABEL_PX = 140


#: What a refused render says (503).
BUSY = N_("Too many exports are being rendered; try again shortly.")


class RenderError(Explained, ProtestmapError):
    """A snapshot could not be rendered (kaleido or Chromium failed); said in any language."""


class RenderTimeout(RenderError):
    """A render took longer than the pool allows."""


class Busy(Explained, ProtestmapError):
    """Too many renders are running or waiting; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def stack(map_fig: go.Figure, timeline: go.Figure | None) -> go.Figure:
    """The map above the timeline in one figure (or the map alone)."""
    low, high = _MAP_Y[timeline is not None]
    inset_y = [low + y * (high - low) for y in inset.DOMAIN["y"]]
    map_fig.update_layout(
        geo={"domain": {"x": [0, 1], "y": [low, high]}},
        geo2={"domain": {"x": inset.DOMAIN["x"], "y": inset_y}},
    )
    keyed = any(shape.name == SIZE_KEY for shape in map_fig.layout.shapes)
    bar = map_fig.data[region_layer.REGIONS].colorbar
    # Band labels are broken for the dashboard's narrow column: as few lines as fit here.
    bar.ticktext = [
        narrow.wrap(label.replace("<br>", " "), LABEL_PX, 12) for label in bar.ticktext or ()
    ]
    map_fig.data[region_layer.REGIONS].update(
        colorbar={"len": 0.95 * (high - low), "y": (low + high) / 2, "yanchor": "middle"}
        if not keyed  # else above the circle size legend, which sits at the band's bottom
        else {"len": KEYED_COLORBAR * (high - low), "y": high, "yanchor": "top"}
    )
    map_fig.update_shapes(yanchor=low, selector={"name": SIZE_KEY})
    map_fig.update_annotations(y=low, selector={"name": SIZE_KEY})
    if timeline is None:
        return map_fig
    map_fig.add_traces(list(timeline.data))
    lay = timeline.layout
    domain = list(_TIMELINE_Y)
    map_fig.update_layout(
        xaxis={**lay.xaxis.to_plotly_json(), "domain": [0.05, 0.86], "anchor": "y"},
        yaxis={**lay.yaxis.to_plotly_json(), "domain": domain},
        yaxis2={**lay.yaxis2.to_plotly_json(), "domain": domain},
        plot_bgcolor="white",
        bargap=lay.bargap,
        barmode=lay.barmode,
    )
    for shape in lay.shapes:
        map_fig.add_shape(shape)
    for note in lay.annotations:
        map_fig.add_annotation(note.update(yref="y domain") if note.yref == "paper" else note)
    return map_fig


def map_area(size: tuple[int, int], *, timeline: bool) -> View:
    """The pixels a snapshot of ``size`` (width, height) gives its map (``MARGIN`` and band)."""
    width, height = size
    low, high = _MAP_Y[timeline]
    return View(
        width - MARGIN["l"] - MARGIN["r"], (height - MARGIN["t"] - MARGIN["b"]) * (high - low)
    )


def publication_figure(
    data: Dataset,
    f: Filters,
    text: Caption,
    *,
    timeline: bool = False,
    size: tuple[int, int] | None = None,
    lang: str = DEFAULT,
) -> go.Figure:
    """The figure of a snapshot: map (and timeline) with title, subtitle and credit, in ``lang``.

    ``size`` is the snapshot's (width, height) in layout pixels (``DEFAULT_SIZE`` when not
    given): place names are laid out for it. A height of 0 asks for the height the layout
    needs; a snapshot under ``narrow.NARROW_PX`` wide is stacked (``publish.narrow``) and
    its figure says its height (``layout.height``).
    """
    width, height = size or DEFAULT_SIZE[timeline]
    if width < narrow.NARROW_PX:
        return _narrow_figure(data, f, text, timeline=timeline, size=(width, height), lang=lang)
    area = map_area((width, height or DEFAULT_SIZE[timeline][1]), timeline=timeline)
    figure = stack(
        map_view(data, f, lang, views=(area,)), timeline_view(data, f, lang) if timeline else None
    )
    _local_dates(figure, data, lang, timeline=timeline)
    _caption(figure, text, lang)
    return figure


def _narrow_figure(
    data: Dataset, f: Filters, text: Caption, *, timeline: bool, size: tuple[int, int], lang: str
) -> go.Figure:
    """``publication_figure`` stacked for a narrow column (``publish.narrow``)."""
    width, height = size
    texts = narrow.Texts(text.title, text.subtitle, _credit(text, lang))
    bands = list(map_view(data, f, lang, views=()).data[region_layer.REGIONS].colorbar.ticktext)
    height = height or narrow.stacked_height(width, texts, timeline=timeline, bands=bands)
    band = narrow.map_band((width, height), texts, timeline=timeline, bands=bands)
    figure = stack(
        map_view(data, f, lang, views=(View(width - 2 * narrow.PAD, band),)),
        timeline_view(data, f, lang) if timeline else None,
    )
    _local_dates(figure, data, lang, timeline=timeline)
    _caption(figure, text, lang)
    figure.update_layout(height=height)
    return narrow.stacked(figure, texts, (width, height), timeline=timeline)


def _local_dates(figure: go.Figure, data: Dataset, lang: str, *, timeline: bool) -> None:
    """The timeline's dates in ``lang`` from Babel: kaleido drops plotly.js's locale."""
    if timeline and data.extent and lang != DEFAULT:
        first, last = data.extent
        figure.update_xaxes(date_ticks(first, last, lang))


def _credit(text: Caption, lang: str) -> str:
    return (
        text.credit
        + "<br>"
        + gettext(
            lang,
            "Data version {version} · accessed {accessed} · "
            "occupied Ukrainian territory hatched and shown apart",
        ).format(version=text.version, accessed=format_date(text.accessed, lang))
    )


def _caption(figure: go.Figure, text: Caption, lang: str) -> None:
    """Title, subtitle and credit of a snapshot, laid out for a wide one."""
    figure.update_layout(
        title={"text": text.title, "x": 0.02, "xanchor": "left", "y": 0.975, "font": {"size": 22}},
        margin=MARGIN,
        dragmode=False,
        hovermode=False,
    )
    figure.add_annotation(
        name=narrow.SUBTITLE,
        text=text.subtitle,
        x=0.02,
        y=0.93,
        xref="paper",
        yref="paper",
        showarrow=False,
        xanchor="left",
        align="left",
        font={"size": 14, "color": _style.MUTED},
    )
    figure.add_annotation(
        name=narrow.CREDIT,
        text=_credit(text, lang),
        x=0.02,
        y=0.0,
        xref="paper",
        yref="paper",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        align="left",
        font={"size": 11, "color": _style.MUTED},
    )


def render_image(
    figure: go.Figure | dict, fmt: str, *, width: int, height: int, scale: float = 1
) -> bytes:
    """PNG, SVG or PDF bytes of ``figure`` (kaleido; a warm server is used when one runs)."""
    import kaleido

    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    fig = geofiles.inline(figure.to_dict() if isinstance(figure, go.Figure) else figure)
    height = height or int(fig["layout"]["height"])  # 0: the height the figure says
    try:
        return kaleido.calc_fig_sync(fig, opts=opts, topojson=TOPOJSON_DIR.as_uri() + "/")
    except Exception as exc:  # kaleido raises many types; the caller needs one
        raise RenderError(
            N_("rendering the {fmt} failed: {reason}"), fmt=fmt, reason=first_line(exc)
        ) from exc


@contextmanager
def _one_at_a_time(path: Path | None) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path``, if given, while the block runs.

    The kernel releases it when its holder dies, so a killed worker cannot keep it.
    """
    if path is None:
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class RenderPool:
    """Renders one snapshot at a time on a warm Chromium, with a short bounded queue.

    ``workers`` renders run at once (kaleido's warm server is one serial queue, so 1) and
    ``queue`` more may wait; beyond that ``render`` raises ``Busy`` at once. A render slower
    than ``timeout`` seconds (waiting included) raises ``RenderTimeout``; its slot stays
    taken until it really ends, so a hung Chromium cannot pile up unbounded work. ``fleet``,
    when set (``publish.shared``), is a second limit counted across every server.

    ``machine_lock``, a file (the app's is in its cache folder), lets one render run at a time
    among all the worker processes sharing it. Each worker's Chromium takes a core while it
    renders: with two workers rendering on two cores, refusals waited 130–250 ms (p95) for
    CPU and pages 170–270 ms; taking turns, 50–69 ms and 94–140 ms (``bench.load``'s export
    row, 1M incidents), for about a fifth fewer renders.
    """

    fleet: FleetSlots | None = None

    def __init__(
        self,
        *,
        workers: int = 1,
        queue: int = 3,
        timeout: float = 45.0,
        warm: bool = True,
        machine_lock: Path | None = None,
    ) -> None:
        self.timeout = timeout
        self.machine_lock = machine_lock
        self.capacity = workers + queue
        self.retry_after = max(1, round(timeout / 3))
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="export")
        self._warm = warm

    def _start(self) -> None:
        if self._warm:
            import kaleido

            kaleido.start_sync_server(n=1, timeout=self.timeout, silence_warnings=True)

    def render(
        self,
        figure: go.Figure | dict | Callable[[], go.Figure],
        fmt: str,
        *,
        width: int,
        height: int,
        scale: float = 1,
    ) -> bytes:
        """Render in the pool; ``Busy`` when full, ``RenderTimeout`` when too slow.

        ``figure`` may be a function building it: it is called only once a slot is taken,
        so a refused request costs no figure building (the expensive part before Chromium).
        """
        release = self._admit()
        try:
            built = figure() if callable(figure) else figure
            future: Future[bytes] = self._executor.submit(
                self._run, built, fmt, width, height, scale
            )
        except BaseException:
            release()
            raise
        future.add_done_callback(lambda _: release())
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            raise RenderTimeout(
                N_(
                    "rendering the {fmt} took longer than {seconds} s and was abandoned; "
                    "try a smaller size or the PNG format"
                ),
                fmt=fmt,
                seconds=f"{self.timeout:g}",
            ) from None

    def _admit(self) -> Callable[[], None]:
        """Take a slot here and in the fleet (``Busy`` if either is full); return its release."""
        busy = Busy(BUSY, self.retry_after)
        if not self._slots.acquire(blocking=False):
            raise busy
        fleet = self.fleet.acquire() if self.fleet else None
        if self.fleet and fleet is None:
            self._slots.release()
            raise busy

        def release() -> None:
            self._slots.release()
            if fleet is not None:
                fleet()

        return release

    def _run(
        self, figure: go.Figure | dict, fmt: str, width: int, height: int, scale: float
    ) -> bytes:
        self._start()
        with _one_at_a_time(self.machine_lock):
            return render_image(figure, fmt, width=width, height=height, scale=scale)

    def close(self) -> None:
        """Stop taking work (running renders finish)."""
        self._executor.shutdown(wait=False, cancel_futures=True)


class ExportCache:
    """Rendered snapshots on disk, keyed by everything that changes their bytes."""

    def __init__(self, folder: Path, *, size_limit: int = 256 * 2**20) -> None:
        import diskcache

        self._cache = diskcache.Cache(str(folder), size_limit=size_limit)

    def get(self, key: Hashable) -> bytes | None:
        """Cached bytes, or None."""
        value: Any = self._cache.get(key)
        return value if isinstance(value, bytes) else None

    def set(self, key: Hashable, value: bytes) -> None:
        """Keep ``value`` (the least recently used entries go when the cache is full)."""
        self._cache.set(key, value)
