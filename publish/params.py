"""Strict parsing of publish URLs: a view query plus export options, or a 400 message.

The dashboard forgives a mangled link (it shows a notice and the default); an export or a
download is a citation, so here anything unknown or malformed is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from core import view as queries
from core.view import Filters
from geodata.errors import ProtestmapError
from publish import exports, narrow

MIN_PX, MAX_PX = 200, 4000
SCALES = {"1": 1, "2": 2}
#: Parameters of publish URLs that are not part of the view itself.
OPTIONS = ("scale", "width", "height", "timeline", "v")


class BadRequest(ProtestmapError):
    """A publish URL that cannot be served as asked (answered with HTTP 400)."""


@dataclass(frozen=True)
class PublishRequest:
    """One parsed publish URL: the view, the pinned version and the snapshot options."""

    filters: Filters
    version: str | None = None
    timeline: bool = False
    width: int = 0
    height: int = 0
    scale: int = 1

    @property
    def query(self) -> str:
        """The canonical view query (no options): the cache key and the link to the view."""
        return self.filters.to_query()

    def link_query(self, *, pinned: bool = True) -> str:
        """The view query plus ``v`` (when pinned) and ``timeline``, for links and embeds."""
        extra = {"v": self.version if pinned else None, "timeline": "1" if self.timeline else None}
        pairs = urlencode({k: v for k, v in extra.items() if v})
        if not pairs:
            return self.query
        return f"{self.query}&{pairs}" if self.query else f"?{pairs}"


def _single(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = args.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"'{name}' is given {len(values)} times; give it once")
    return values[0]


def refuse_repeats(args: Mapping[str, Sequence[str]]) -> None:
    """``BadRequest`` for a parameter given more than once (which one would count?)."""
    for name in args:
        _single(args, name)


def refuse_unknown(args: Mapping[str, Sequence[str]], known: Sequence[str]) -> None:
    """``BadRequest`` naming the first parameter that is not one of ``known``."""
    for name in args:
        if name not in known:
            raise BadRequest(f"'{name[:20]}' is not a known parameter; use {', '.join(known)}")


def _pixels(args: Mapping[str, Sequence[str]], name: str, default: int) -> int:
    raw = _single(args, name)
    if raw is None:
        return default
    if not raw.isdigit() or not MIN_PX <= int(raw) <= MAX_PX:
        raise BadRequest(
            f"'{name}={raw[:20]}': expected a whole number of pixels from {MIN_PX} to {MAX_PX}"
        )
    return int(raw)


def parse_request(
    args: Mapping[str, Sequence[str]], catalogue: queries.Catalogue, lang: str | None = None
) -> PublishRequest:
    """Parse query arguments (``name -> values``) strictly; raise ``BadRequest`` with why.

    The view's problems are said in ``lang`` (default: the query's own ``lang``, else English).
    """
    refuse_repeats(args)
    view = {k: v for k, v in args.items() if k not in OPTIONS}
    filters, notices = queries.parse_query(urlencode(view, doseq=True), lang)
    if not notices:
        filters, notices = queries.check_known(filters, catalogue, lang)
    if notices:
        # The dashboard says what it ignored; here nothing is ignored: the problem is refused.
        raise BadRequest(" ".join(n.refusal for n in notices))
    timeline = _single(args, "timeline") or "0"
    if timeline not in ("0", "1"):
        raise BadRequest("'timeline' must be 0 or 1")
    scale = _single(args, "scale") or "1"
    if scale not in SCALES:
        raise BadRequest("'scale' must be 1 or 2")
    version = _single(args, "v")
    width, height = exports.DEFAULT_SIZE[timeline == "1"]
    width = _pixels(args, "width", width)
    if width < narrow.NARROW_PX:
        height = 0  # a narrow snapshot is as tall as its stacked layout needs
    return replace(
        PublishRequest(filters, version, timeline == "1"),
        width=width,
        height=_pixels(args, "height", height),
        scale=SCALES[scale],
    )


def check_format(fmt: str, allowed: Sequence[str]) -> str:
    """``fmt`` if it is one of ``allowed``, else ``BadRequest`` naming the choices."""
    if fmt not in allowed:
        raise BadRequest(f"unknown format '{fmt[:20]}': use one of {', '.join(allowed)}")
    return fmt
