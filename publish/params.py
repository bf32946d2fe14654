"""Strict parsing of publish URLs: a view query plus export options, or a 400 message.

The dashboard forgives a mangled link (it shows a notice and the default); an export or a
download is a citation, so here anything unknown or malformed is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from core import view as queries
from core.i18n import N_, Explained
from core.view import Filters
from geodata.errors import ProtestmapError
from publish import exports, narrow

MIN_PX, MAX_PX = 200, 4000
SCALES = {"1": 1, "2": 2}
#: Parameters of publish URLs that are not part of the view itself.
OPTIONS = ("scale", "width", "height", "timeline", "v")


#: The choices of ``scale``, said when another is asked for.
SCALE_CHOICES = N_("'scale' must be 1 or 2")


class BadRequest(Explained, ProtestmapError):
    """A publish URL that cannot be served as asked (answered with HTTP 400, in its language).

    The reason names the parameter at fault (see ``core.i18n.Explained``).
    """


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
        raise BadRequest(N_("'{name}' is given more than once; give it once"), name=name[:20])
    return values[0]


def refuse_repeats(args: Mapping[str, Sequence[str]]) -> None:
    """``BadRequest`` for a parameter given more than once (which one would count?)."""
    for name in args:
        _single(args, name)


def refuse_unknown(args: Mapping[str, Sequence[str]], known: Sequence[str]) -> None:
    """``BadRequest`` naming the first parameter that is not one of ``known``."""
    for name in args:
        if name not in known:
            raise BadRequest(
                N_("'{name}' is not a known parameter; use {known}"),
                name=name[:20],
                known=", ".join(known),
            )


def _pixels(args: Mapping[str, Sequence[str]], name: str, default: int) -> int:
    raw = _single(args, name)
    if raw is None:
        return default
    if not raw.isdigit() or not MIN_PX <= int(raw) <= MAX_PX:
        raise BadRequest(
            N_("'{name}={value}': expected a whole number of pixels from {least} to {most}"),
            name=name,
            value=raw[:20],
            least=MIN_PX,
            most=MAX_PX,
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
        raise BadRequest(N_("'timeline' must be 0 or 1"))
    scale = _single(args, "scale") or "1"
    if scale not in SCALES:
        raise BadRequest(SCALE_CHOICES)
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
        raise BadRequest(
            N_("unknown format '{fmt}': use one of {choices}"),
            fmt=fmt[:20],
            choices=", ".join(allowed),
        )
    return fmt
