"""``/export/compare.<png|svg>?<compare query>``: the Compare chart as a citable image.

It goes through the same render pool and disk cache as the map snapshots, and prints the
same provenance: a title naming the places, the period, the credit line and the data version.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlencode

import flask
import plotly.graph_objects as go

from core import compare
from core.i18n import DEFAULT, LANGUAGES, gettext
from core.texts import with_about
from core.versions import UnknownVersion
from core.view import METRICS, PERIOD_ALIASES
from layers.compare import compare_view
from layers.language import request_language
from publish import exports
from publish.params import SCALES, BadRequest, check_format, refuse_repeats, refuse_unknown
from publish.routes import Publisher, about_url

FORMATS = ("png", "svg")
SIZE = (1200, 720)


def publication_chart(
    data: compare.CompareData,
    state: compare.CompareState,
    *,
    credit: str,
    version: str,
    accessed: dt.date,
    lang: str = DEFAULT,
) -> go.Figure:
    """The Compare chart with a title, the period and filters in words, and a credit line.

    The title is in ``lang`` and names the places in it; the rest is English so far.
    """
    _ = functools.partial(gettext, lang)
    column = "name_ru" if lang == "ru" else "name_en"
    names = [data.catalog.loc[p, column] or data.catalog.loc[p, "name_en"] for p in state.places]
    what = _(METRICS[state.measure]).capitalize()
    per = {
        "count": "",
        "per100k": _(" per 100,000 people"),
        "cumulative": _(" (running total)"),
    }
    title = f"{what}{per[state.metric]}: {', '.join(names) or _('no places chosen')}"
    figure = compare_view(data, state)
    figure.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "y": 0.985, "yanchor": "top"},
        margin={"t": 130, "b": 130},
    )
    figure.add_annotation(
        text=f"{state.start:%d %b %Y} to {state.end:%d %b %Y}, by {state.step}. "
        "Counts are lower bounds; days without a report are gaps, not zeros.",
        xref="paper",
        yref="paper",
        x=0,
        y=1,
        yshift=48,
        yanchor="bottom",
        showarrow=False,
        xanchor="left",
    )
    figure.add_annotation(
        text=f"{credit}. Data version {version}, accessed {accessed.isoformat()}.",
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-90,  # under the chart's two-line note
        yanchor="top",
        showarrow=False,
        xanchor="left",
        font={"size": 11, "color": "#555"},
    )
    return figure


def register_compare_export(
    server: flask.Flask, pub: Publisher, views: compare.CompareViews
) -> None:
    """Add the Compare export route, sharing ``pub``'s render pool, cache and data versions.

    It counts the latest data, or the version a ``v=`` pins (400 when it is not kept), and
    prints that version and its credit line.
    """

    @server.route("/export/compare.<fmt>")
    def export_compare(fmt: str) -> flask.Response:
        check_format(fmt, FORMATS)
        args = {k: flask.request.args.getlist(k) for k in flask.request.args}
        refuse_repeats(args)
        refuse_unknown(args, (*compare.PARAMS, *PERIOD_ALIASES.values(), "scale", "v", "lang"))
        asked = args.pop("lang", [None])[0]
        if asked is not None and asked not in LANGUAGES:
            raise BadRequest(f"'lang={asked[:20]}': expected one of {', '.join(LANGUAGES)}")
        lang = request_language(asked)
        scale = args.pop("scale", ["1"])[0]
        if scale not in SCALES:
            raise BadRequest("'scale' must be 1 or 2")
        pins = args.pop("v", [])
        try:
            data = views.of(pub.source.get(pins[0] if pins else None))
        except UnknownVersion as exc:
            raise BadRequest(str(exc)) from None
        view = urlencode(args, doseq=True)
        state, notices = data.parse(view)
        version, credit = data.version, with_about(data.credit, about_url())
        if notices:
            raise BadRequest("; ".join(notices))
        today = dt.datetime.now(dt.UTC).date()
        key = (
            "compare",
            state.to_query(),
            lang,
            version,
            fmt,
            SCALES[scale],
            today.isoformat(),
            credit,
        )
        width, height = SIZE
        image = pub.cached_render(
            key,
            lambda: publication_chart(
                data, state, credit=credit, version=version, accessed=today, lang=lang
            ),
            fmt,
            width=width,
            height=height,
            scale=SCALES[scale],
        )
        response = flask.Response(image, mimetype=exports.FORMATS[fmt])
        response.headers["Content-Disposition"] = f'inline; filename="protestmap-compare.{fmt}"'
        return response
