"""The "About the data" page: what the numbers are, in plain words, with links to the sources.

Linked from the headline figures and named in every export's credit. The one figure it quotes
from the data, the embedded 21 September 2022 total, is computed from the store it is served
with, so the page cannot drift from the data. ``docs/data-notes.md`` has the long version.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from itertools import cycle

import pandas as pd
from dash import dcc, html

from core.i18n import DEFAULT, format_count, gettext
from core.texts import ABOUT_PATH
from layers.language import language_switch
from layers.panels import HEADLINE_NOTE, OCCUPIED_NOTE

PATH = ABOUT_PATH

#: The embedded dataset (``seed/``) and the day its total is compared with OVD-Info's.
EMBEDDED_CAMPAIGN = "mobilization-2022"
FIRST_DAY = dt.date(2022, 9, 21)
ABOUT_HEADING = "about-heading"
ABOUT_TOTAL = "about-total"

OVD_MIDNIGHT = "https://www.kasparov.ru/material.php?id=632BDE943BC08"
AMNESTY = "https://www.amnesty.org.uk/press-releases/russia-peaceful-anti-draft-protesters-must-be-released"
OVD_MORNING_LIST = (
    "https://unn.ua/ru/news/na-antivoyennikh-aktsiyakh-v-rf-zatrimano-ponad-1300-osib"
)
OVD_SEVEN_MONTHS = "https://en.ovdinfo.org/summary-anti-war-repressions-seven-months-war"
OVD_EIGHT_MONTHS = "https://en.ovdinfo.org/anti-war-repressions-eight-months-war"
GROZNY_LOW = "https://news.yahoo.com/chechen-leader-threatens-20-women-175800460.html"
GROZNY_HIGH = "https://www.kyivpost.com/post/1094"
GEONAMES = "https://www.geonames.org/"
NATURAL_EARTH = "https://www.naturalearthdata.com/"


def first_day_total(incidents: pd.DataFrame) -> tuple[int, int] | None:
    """(detentions, cities) of the embedded data on 21 Sep 2022 in Russia; None if absent.

    The sum of headline figures of detention incidents with a count, outside occupied
    Ukrainian territory, and the number of distinct places they are in.
    """
    day = incidents["date"].dt.date.eq(FIRST_DAY)
    rows = incidents[
        day
        & incidents["kind"].eq("detention")
        & incidents["campaign"].eq(EMBEDDED_CAMPAIGN)
        & incidents["status"].ne("occupied_ukraine")
        & incidents["detained"].notna()
    ]
    if rows.empty:
        return None
    return int(rows["detained"].sum()), int(rows["city_key"].nunique())


def _source(text: str, href: str) -> html.A:
    return html.A(text, href=href, target="_blank", rel="noopener")


def _linked(text: str, **parts: str | html.A) -> list[str | html.A]:
    """A translated sentence with each ``{name}`` in it replaced by ``parts[name]``.

    A whole paragraph is one message, so a translator can move its links and numbers where
    the language puts them; the links stay components.
    """
    pieces = re.split(r"\{(\w+)\}", text)
    return [parts[piece] if odd else piece for odd, piece in zip(cycle((0, 1)), pieces) if piece]


def _first_day(incidents: pd.DataFrame, lang: str) -> list:
    _ = functools.partial(gettext, lang)
    total = first_day_total(incidents)
    if total is None:
        return [
            html.P(
                _(
                    "This store does not hold the embedded September 2022 data, so there is no "
                    "21 September total to compare."
                ),
                id=ABOUT_TOTAL,
            )
        ]
    detained, cities = total
    return [
        html.P(
            _linked(
                _(
                    "On 21 September 2022, the day partial mobilisation was announced, the "
                    "embedded data count {detentions} {in_cities}. OVD-Info published 1,386 "
                    "detentions in 38 cities as of midnight ({kasparov}; quoted by {amnesty}). "
                    "The map's figure is lower because it adds up cities, and not every city's "
                    "count was reported separately:"
                ),
                detentions=format_count(detained, lang, "{n} detention", "{n} detentions"),
                in_cities=format_count(cities, lang, "in {n} city", "in {n} cities"),
                kasparov=_source("Kasparov.ru", OVD_MIDNIGHT),
                amnesty=_source("Amnesty International", AMNESTY),
            ),
            id=ABOUT_TOTAL,
        ),
        html.Ul(
            [
                html.Li(
                    _linked(
                        _(
                            "Most city figures come from OVD-Info's list of 22 September, 09:51 "
                            "Moscow time ({unn}). The copy found names 14 cities and breaks off; "
                            "the same message gives more than 1,323 detentions in 39 cities, so "
                            "about 25 cities' counts were never found one by one."
                        ),
                        unn=_source(_("as quoted by UNN"), OVD_MORNING_LIST),
                    )
                ),
                html.Li(
                    _linked(
                        _(
                            "Some figures are not OVD-Info's: Grozny's 15 is the lower end of "
                            "the '15-20 women' the head of Chechnya spoke of ({low}); an "
                            "opposition movement spoke of about 130 ({high})."
                        ),
                        low=_source(_("report"), GROZNY_LOW),
                        high=_source(_("report"), GROZNY_HIGH),
                    )
                ),
                html.Li(
                    _linked(
                        _(
                            "National counts moved through the night and the next days (more "
                            "than 1,400 at 01:51, 1,308-1,323 in the morning, 1,330 in 42 cities "
                            "in OVD-Info's {summary}). Each city keeps its latest OVD-Info "
                            "figure, so the sum matches none of these snapshots."
                        ),
                        summary=_source(_("seven-month summary"), OVD_SEVEN_MONTHS),
                    )
                ),
            ]
        ),
    ]


def layout(
    incidents: pd.DataFrame, base: str = "/", lang: str = DEFAULT, query: str = ""
) -> html.Div:
    """The About page over the prepared incidents the app serves (``base``: path prefix).

    Every word is in ``lang``; ``query`` is the page's own query, kept by the language switch.
    """
    _ = functools.partial(gettext, lang)
    back = base + (f"?lang={lang}" if lang != DEFAULT else "")
    return html.Div(
        className="app about",
        children=[
            html.Header(
                className="header",
                children=[
                    html.Div([html.H1(_("About the data"), id=ABOUT_HEADING)]),
                    html.Nav(
                        [
                            dcc.Link(_("Back to the map"), href=back),
                            language_switch(query, lang, base + PATH.lstrip("/")),
                        ],
                        className="header-nav",
                    ),
                ],
            ),
            html.Div(_body(incidents, lang)),
        ],
    )


def _body(incidents: pd.DataFrame, lang: str) -> list:
    """The explanation of the numbers, in ``lang``."""
    _ = functools.partial(gettext, lang)
    return [
        html.H2(_("The headline figure")),
        html.P(_(HEADLINE_NOTE)),
        html.P(
            _(
                "An incident is one event: a protest in one place on one day. Several outlets "
                "often report on it, with different counts at different times. The map shows "
                "one figure per incident. Where OVD-Info reported, it is OVD-Info's latest "
                "count; otherwise it is the latest dated report; between equally recent "
                "reports, the smaller. The other reports stay listed with the incident as its "
                "history. They are never added up."
            )
        ),
        html.H2(_("21 September 2022: why not 1,386")),
        *_first_day(incidents, lang),
        html.H2(_("What counts as a detention")),
        html.P(
            _linked(
                _(
                    "A detention is a person held by police at, or because of, a protest, as "
                    "counted by the reporter, mostly the human-rights project {ovd}. OVD-Info "
                    "counts the detentions it knows of. Someone detained twice counts twice: "
                    "these are detentions, not people. People detained before a protest (for "
                    "example after facial recognition in the metro) count too, tagged "
                    "'preventive detention'. Every figure is a lower bound. A count nobody "
                    "reported stays empty, never zero. Rallies are counted apart from detentions."
                ),
                ovd=_source("OVD-Info", OVD_SEVEN_MONTHS),
            )
        ),
        html.H2(_("Occupied Ukrainian territory")),
        html.P(_(OCCUPIED_NOTE)),
        html.P(
            _linked(
                _(
                    "protestmap never counts or draws them as Russia. Some published totals do "
                    "include them: OVD-Info's more than 19,000 anti-war detentions between 24 "
                    "February and 25 October 2022 cover Russia and occupied Crimea ({ovd}). Such "
                    "a figure is quoted as context and never shown as a Russian total."
                ),
                ovd=_source("OVD-Info", OVD_EIGHT_MONTHS),
            )
        ),
        html.H2(_("Where an incident is counted")),
        html.P(
            _linked(
                _(
                    "An incident counts in the region of the place it names (the city's region "
                    "in {geonames}, or the region the report gives), not by where a map outline "
                    "falls: {natural_earth}'s outlines are a few kilometres off near borders. "
                    "Coordinates only place the dot. A report whose coordinates disagree with "
                    "its place is kept in its place's region and marked with a location "
                    "conflict."
                ),
                geonames=_source("GeoNames", GEONAMES),
                natural_earth=_source("Natural Earth", NATURAL_EARTH),
            )
        ),
    ]
