"""The "About the data" page: what the numbers are, in plain words, with links to the sources.

Linked from the headline figures and named in every export's credit. The one figure it quotes
from the data, the embedded 21 September 2022 total, is computed from the store it is served
with, so the page cannot drift from the data. ``docs/data-notes.md`` has the long version.
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
from dash import dcc, html

from core.i18n import DEFAULT, gettext
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


def _first_day(incidents: pd.DataFrame) -> list:
    total = first_day_total(incidents)
    if total is None:
        return [
            html.P(
                "This store does not hold the embedded September 2022 data, so there is no "
                "21 September total to compare.",
                id=ABOUT_TOTAL,
            )
        ]
    detained, cities = total
    return [
        html.P(
            [
                "On 21 September 2022, the day partial mobilisation was announced, the embedded "
                f"data count {detained:,} detentions in {cities} cities. OVD-Info published "
                "1,386 detentions in 38 cities as of midnight (",
                _source("Kasparov.ru", OVD_MIDNIGHT),
                "; quoted by ",
                _source("Amnesty International", AMNESTY),
                "). The map's figure is lower because it adds up cities, and not every "
                "city's count was reported separately:",
            ],
            id=ABOUT_TOTAL,
        ),
        html.Ul(
            [
                html.Li(
                    [
                        "Most city figures come from OVD-Info's list of 22 September, 09:51 "
                        "Moscow time (",
                        _source("as quoted by UNN", OVD_MORNING_LIST),
                        "). The copy found names 14 cities and breaks off; the same message "
                        "gives more than 1,323 detentions in 39 cities, so about 25 cities' "
                        "counts were never found one by one.",
                    ]
                ),
                html.Li(
                    [
                        "Some figures are not OVD-Info's: Grozny's 15 is the lower end of the "
                        "'15-20 women' the head of Chechnya spoke of (",
                        _source("report", GROZNY_LOW),
                        "); an opposition movement spoke of about 130 (",
                        _source("report", GROZNY_HIGH),
                        ").",
                    ]
                ),
                html.Li(
                    [
                        "National counts moved through the night and the next days (more than "
                        "1,400 at 01:51, 1,308-1,323 in the morning, 1,330 in 42 cities in "
                        "OVD-Info's ",
                        _source("seven-month summary", OVD_SEVEN_MONTHS),
                        "). Each city keeps its latest OVD-Info figure, so the sum matches none "
                        "of these snapshots.",
                    ]
                ),
            ]
        ),
    ]


def layout(
    incidents: pd.DataFrame, base: str = "/", lang: str = DEFAULT, query: str = ""
) -> html.Div:
    """The About page over the prepared incidents the app serves (``base``: path prefix).

    Its header is in ``lang``; the explanation itself is written in English so far, and says
    so (marked ``lang="en"`` so a screen reader reads it as English). ``query`` is the page's
    own query, kept by the language switch.
    """
    _ = functools.partial(gettext, lang)
    back = base + (f"?lang={lang}" if lang != DEFAULT else "")
    english: dict = {} if lang == DEFAULT else {"lang": DEFAULT}
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
            html.P(_("This page is in English only for now."), className="muted")
            if lang != DEFAULT
            else None,
            html.Div(_body(incidents), **english),
        ],
    )


def _body(incidents: pd.DataFrame) -> list:
    """The explanation of the numbers (in English)."""
    return [
        html.H2("The headline figure"),
        html.P(HEADLINE_NOTE),
        html.P(
            "An incident is one event: a protest in one place on one day. Several outlets "
            "often report on it, with different counts at different times. The map shows "
            "one figure per incident. Where OVD-Info reported, it is OVD-Info's latest "
            "count; otherwise it is the latest dated report; between equally recent "
            "reports, the smaller. The other reports stay listed with the incident as its "
            "history. They are never added up."
        ),
        html.H2("21 September 2022: why not 1,386"),
        *_first_day(incidents),
        html.H2("What counts as a detention"),
        html.P(
            [
                "A detention is a person held by police at, or because of, a protest, as "
                "counted by the reporter, mostly the human-rights project ",
                _source("OVD-Info", OVD_SEVEN_MONTHS),
                ". OVD-Info counts the detentions it knows of. Someone detained twice "
                "counts twice: these are detentions, not people. People detained before a "
                "protest (for example after facial recognition in the metro) count too, "
                "tagged 'preventive detention'. Every figure is a lower bound. A count "
                "nobody reported stays empty, never zero. Rallies are counted apart from "
                "detentions.",
            ]
        ),
        html.H2("Occupied Ukrainian territory"),
        html.P(OCCUPIED_NOTE),
        html.P(
            [
                "protestmap never counts or draws them as Russia. Some published totals "
                "do include them: OVD-Info's more than 19,000 anti-war detentions between "
                "24 February and 25 October 2022 cover Russia and occupied Crimea (",
                _source("OVD-Info", OVD_EIGHT_MONTHS),
                "). Such a figure is quoted as context and never shown as a Russian total.",
            ]
        ),
        html.H2("Where an incident is counted"),
        html.P(
            [
                "An incident counts in the region of the place it names (the city's region in ",
                _source("GeoNames", GEONAMES),
                ", or the region the report gives), not by where a map outline falls: ",
                _source("Natural Earth", NATURAL_EARTH),
                "'s outlines are a few kilometres off near borders. Coordinates only "
                "place the dot. A report whose coordinates disagree with its place is "
                "kept in its place's region and marked with a location conflict.",
            ]
        ),
    ]
