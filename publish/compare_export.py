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
from core.i18n import DEFAULT, LANGUAGES, N_, format_date, gettext
from core.texts import with_about
from core.versions import UnknownVersion
from core.view import METRICS, PERIOD_ALIASES
from layers.compare import compare_view
from layers.dateticks import date_ticks
from layers.language import request_language
from publish import exports
from publish.params import (
    SCALE_CHOICES,
    SCALES,
    BadRequest,
    check_format,
    refuse_repeats,
    refuse_unknown,
)
from publish.routes import Publisher, about_url

FORMATS = ("png", "svg")
#: How the subtitle says the step.
BY_STEPS = {"day": N_("by day"), "week": N_("by week"), "month": N_("by month")}
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

    Every word is in ``lang`` (``credit`` too: the caller's), the places by their names in it.
    kaleido cannot take plotly.js's locale, so a translated chart's dates are Babel's.
    """
    _ = functools.partial(gettext, lang)
    names = [data.name(p, lang) for p in state.places]
    what = _(METRICS[state.measure]).capitalize()
    per = {
        "count": "",
        "per100k": _(" per 100,000 people"),
        "cumulative": _(" (running total)"),
    }
    title = f"{what}{per[state.metric]}: {', '.join(names) or _('no places chosen')}"
    figure = compare_view(data, state, lang)
    if lang != DEFAULT:
        figure.update_xaxes(date_ticks(state.start, state.end, lang))
    figure.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "y": 0.985, "yanchor": "top"},
        margin={"t": 130, "b": 130},
    )
    figure.add_annotation(
        text=_(
            "{start} to {end}, {steps}. Counts are lower bounds; days without a report are "
            "gaps, not zeros."
        ).format(
            start=format_date(state.start, lang),
            end=format_date(state.end, lang),
            steps=_(BY_STEPS[state.step]),
        ),
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
        text=_("{credit}. Data version {version}, accessed {accessed}.").format(
            credit=credit, version=version, accessed=format_date(accessed, lang)
        ),
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
            raise BadRequest(
                N_("'lang={value}': expected one of {choices}"),
                value=asked[:20],
                choices=", ".join(LANGUAGES),
            )
        lang = request_language(asked)
        scale = args.pop("scale", ["1"])[0]
        if scale not in SCALES:
            raise BadRequest(SCALE_CHOICES)
        pins = args.pop("v", [])
        try:
            data = views.of(pub.source.get(pins[0] if pins else None))
        except UnknownVersion as exc:
            raise BadRequest(exc.message, **exc.values) from None
        view = urlencode(args, doseq=True)
        state, notices = data.parse(view, lang)
        version, credit = data.version, with_about(data.credits[lang], about_url(), lang)
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
