"""Text panels: summary strip, breadcrumb, notices, region panel, incident detail.

Pure functions from query results to Dash HTML components. Links are ``dcc.Link`` to a
query string, so following one is the same as pasting a URL, and Back undoes it.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from dash import dcc, html

from core.aggregates import Summary
from core.i18n import DEFAULT, N_, format_count, format_date, format_number, gettext
from core.view import KIND_NAMES, METRICS, PRECISION_NAMES, Filters
from geodata.schema import TAGS
from layers import _style
from layers.grid import place_label

OCCUPIED_NOTE = N_(
    "Crimea, Sevastopol and the Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts are "
    "Ukrainian territory occupied by Russia. They are hatched and outlined, and their reports "
    "are kept out of Russia's totals unless you ask for them to be counted."
)
HEADLINE_NOTE = N_(
    "The headline figure is the lead report's: OVD-Info's latest count where it reported, "
    "otherwise the latest report. Counts are lower bounds (only detentions known to the "
    "reporter)."
)


def _link(text: str, f: Filters, base: str, class_name: str = "") -> dcc.Link:
    return dcc.Link(text, href=base + f.to_query(), className=class_name)


def _tile(label: str, value: str, detail: str = "", tile_id: str = "", *, lang: str) -> html.Div:
    return html.Div(
        [
            html.Div(value, className="tile-value"),
            html.Div(label, className="tile-label"),
            html.Div(detail, className="tile-detail"),
        ],
        className="tile",
        id=tile_id,
    )


def summary_strip(
    s: Summary, *, version: str, as_of: str | None, about: str, lang: str = DEFAULT
) -> list:
    """Totals of the view, the data version, how current its figures are, and what they are.

    ``as_of`` is the latest report date of the view's own incidents; ``about`` is the address
    of the "About the data" page.
    """
    unknown = (
        "+"
        + format_count(s.unknown, lang, "{n} report without a count", "{n} reports without a count")
        if s.unknown
        else ""
    )
    _ = functools.partial(gettext, lang)
    return [
        _tile(
            _("detentions"),
            _style.fmt_count(s.detained, lang),
            unknown,
            "tile-detentions",
            lang=lang,
        ),
        _tile(_("rallies"), _style.fmt_count(s.rallies, lang), tile_id="tile-rallies", lang=lang),
        _tile(_("cities"), _style.fmt_count(s.cities, lang), tile_id="tile-cities", lang=lang),
        _tile(_("regions"), _style.fmt_count(s.regions, lang), tile_id="tile-regions", lang=lang),
        _tile(_("data version"), version, tile_id="tile-version", lang=lang),
        _tile(
            _("data as of"),
            as_of or _("unknown"),
            _("latest report in this selection"),
            tile_id="tile-as-of",
            lang=lang,
        ),
        dcc.Link(_("What these numbers are"), href=about, id="about-link", className="about-link"),
    ]


def breadcrumb(
    f: Filters, names: dict[str, str], city_label: str | None, base: str, lang: str = DEFAULT
) -> list:
    """Russia › Region › City › Incident; every step but the last is a link back up."""
    steps: list = [(gettext(lang, "Russia"), f.national())]
    if f.region:
        steps.append((names.get(f.region, f.region), f.in_region(f.region)))
    # A federal city is its own region: "Russia › Moscow", not "Russia › Moscow › Moscow".
    if f.city and (city_label or f.city) != (steps[-1][0] if f.region else None):
        steps.append((city_label or f.city, f.in_city(f.city)))
    if f.incident:
        steps.append((gettext(lang, "incident"), f))
    out: list = []
    for i, (text, target) in enumerate(steps):
        if i:
            out.append(html.Span(" › ", className="crumb-sep"))
        last = i == len(steps) - 1
        out.append(
            html.Span(text, className="crumb-current")
            if last
            else _link(text, target, base, class_name="crumb")
        )
    return out


def notice(messages: tuple[str, ...] | list[str], lang: str = DEFAULT) -> list:
    """The "we ignored part of your link" notice (empty when there is nothing to say)."""
    if not messages:
        return []
    return [
        html.Strong(gettext(lang, "Part of this link was not understood, so defaults are shown: ")),
        html.Ul([html.Li(m) for m in messages]),
    ]


def top_regions(
    table: pd.DataFrame, f: Filters, base: str, n: int = 12, lang: str = DEFAULT
) -> list:
    """The national view's list: regions ranked by the view's measure, each a link to its view."""
    _ = functools.partial(gettext, lang)
    reported = np.flatnonzero(table["incidents"].to_numpy() > 0)
    if not len(reported):
        return [html.P(_("No incidents match this selection."), className="empty")]
    name = "name_ru" if lang == "ru" else "name_en"
    # The measure, largest first (no figure last), then the English name: on arrays, as a
    # sorted copy of the table cost more than the rest of the list.
    measure = table[f.metric].to_numpy(dtype=float, na_value=-1)[reported]
    english = table["name_en"].to_numpy()[reported]
    shown = table.iloc[reported[np.lexsort((english, -measure))[:n]]]
    items = [
        html.Li(
            [
                _link(getattr(r, name), f.in_region(r.region_code), base),
                html.Span(f" {_counts_text(r.detained, r.rallies, f, lang)}", className="muted"),
                html.Span(
                    f" ({_(_style.OCCUPIED_LABEL)})" if r.status == "occupied_ukraine" else "",
                    className="occupied-tag",
                ),
            ]
        )
        for r in shown.itertuples()
    ]
    return [
        html.H3(_("Regions with most {what}").format(what=_(METRICS[f.metric]))),
        html.Ol(items, className="region-list"),
        html.P(
            _("Click a region on the map, or here, for its cities and incidents."),
            className="muted",
        ),
    ]


def _counts_text(detained: Any, rallies: int, f: Filters, lang: str) -> str:
    count = (
        gettext(lang, "no count")
        if pd.isna(detained)
        else format_count(int(detained), lang, "{n} detained", "{n} detained")
    )
    if not f.counts("rally"):
        return f"— {count}"
    return f"— {count}, {format_count(int(rallies), lang, '{n} rally', '{n} rallies')}"


def region_panel(
    region: pd.Series,
    cities: pd.DataFrame,
    f: Filters,
    base: str,
    lang: str = DEFAULT,
    names: dict[str, str] | None = None,
) -> list:
    """A region's totals and its cities, each city a link to its incidents.

    ``names`` are the display names of places in ``lang`` (the city's own name otherwise).
    """
    _ = functools.partial(gettext, lang)
    names = names or {}
    population = region["population"]
    facts = [
        (
            _("Detentions"),
            _("no count reported")
            if pd.isna(region["detained"])
            else _style.fmt_count(region["detained"], lang),
        ),
        (
            _("Rallies"),
            _style.fmt_count(region["rallies"], lang)
            if f.counts("rally")
            else _(_style.RALLIES_FILTERED),
        ),
        (
            _("Per 100,000 people"),
            _("no population figure")
            if pd.isna(population)
            else ("–" if pd.isna(region["per100k"]) else _style.fmt_rate(region["per100k"], lang)),
        ),
        (
            _("Population (2021 census)"),
            _("no population figure")
            if pd.isna(population)
            else _style.fmt_count(population, lang),
        ),
    ]
    first, second = ("name_ru", "name_en") if lang == "ru" else ("name_en", "name_ru")
    out: list = [
        html.H2(
            [region[first], html.Span(f" · {region[second]}", className="muted")],
            id="region-name",
        ),
        html.Dl([item for k, v in facts for item in (html.Dt(k), html.Dd(v))], className="facts"),
    ]
    if region["status"] == "occupied_ukraine":
        out.append(
            html.P(
                _("Occupied Ukrainian territory (occupied, Ukraine): ")
                + (
                    _("counted in the totals, as asked.")
                    if f.occupied
                    else _("these figures are not part of Russia's totals.")
                ),
                className="occupied-note",
            )
        )
    if cities.empty:
        out.append(html.P(_("No incidents in this region match the selection."), className="empty"))
        return out
    items = [
        html.Li(
            [
                _link(
                    names.get(c.city_key, c.city_label),
                    f.in_city(c.city_key),
                    base,
                    class_name="city-link" + (" current" if c.city_key == f.city else ""),
                ),
                html.Span(f" {_counts_text(c.detained, c.rallies, f, lang)}", className="muted"),
            ]
        )
        for c in cities.itertuples()
    ]
    return [*out, html.H3(_("Cities")), html.Ul(items, className="city-list", id="city-list")]


def incident_detail(
    row: pd.Series | None, lang: str = DEFAULT, names: dict[str, str] | None = None
) -> list:
    """Everything known about one incident, with every source that reported it.

    ``names`` are the display names of places in ``lang`` (the city's own name otherwise).
    """
    _ = functools.partial(gettext, lang)
    if row is None:
        return [
            html.P(
                _("Click an incident in the table for its description and sources."),
                className="muted",
            )
        ]
    city = (names or {}).get(row.get("city_key", ""), row["city_label"])

    def count(value: Any) -> str:
        return _("unknown") if pd.isna(value) else format_number(int(value), lang)

    facts = [
        (_("Date"), f"{row['date']:%Y-%m-%d}" + (f" {row['time']}" if _text(row["time"]) else "")),
        (_("Place"), place_label(row, city)),
        (_("Kind"), _(KIND_NAMES.get(row["kind"], row["kind"]))),
        (_("Detained"), count(row["detained"])),
        (_("Participants"), count(row["participants"])),
        (
            _("Located to"),
            _("{precision} precision").format(
                precision=_(PRECISION_NAMES.get(row["precision"], row["precision"]))
            ),
        ),
        (_("Campaign"), row["campaign"] if _text(row["campaign"]) else _("none")),
    ]
    sources = [
        html.Li(
            [
                html.A(
                    source_outlet(s["url"]),
                    href=s["url"],
                    target="_blank",
                    rel="noopener noreferrer",
                    className="source-link",
                ),
                html.Span(
                    (
                        _(" (relaying {reporter})").format(reporter=s["reporter"])
                        if _relays(s)
                        else ""
                    )
                    + " — "
                    + _source_figures(s, lang)
                ),
                html.Div(s["note"], className="muted") if _text(s.get("note")) else None,
            ]
        )
        for s in row["sources"]
    ]
    return [
        html.H3(f"{city}, {format_date(row['date'].date(), lang)}"),
        html.P(
            row["description"] if _text(row["description"]) else _("No description recorded."),
            className="description",
        ),
        html.Dl([item for k, v in facts for item in (html.Dt(k), html.Dd(v))], className="facts"),
        html.P(
            _("Tags: ")
            + ("; ".join(_(TAGS[t]) if t in TAGS else t for t in row["tags"]) or _("none"))
        ),
        html.H4(_("Sources ({n})").format(n=len(row["sources"]))),
        html.Ol(sources, className="sources", id="detail-sources"),
        html.P(_(HEADLINE_NOTE), className="muted small"),
    ]


def source_outlet(url: str) -> str:
    """The outlet a source link goes to, by its domain (``www.`` dropped): what a reader clicks."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or "source"


def _relays(s: dict) -> bool:
    """Whether a source names a reporter other than its own outlet (a relayed figure)."""
    reporter = s.get("reporter")
    if not _text(reporter):
        return False
    outlet = source_outlet(s["url"]).split(".")[0].replace("-", "")
    return outlet not in str(reporter).lower().replace("-", "").replace(" ", "")


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _source_figures(s: dict, lang: str = DEFAULT) -> str:
    parts = [
        gettext(lang, "no count")
        if s.get("detained") is None or pd.isna(s["detained"])
        else format_count(int(s["detained"]), lang, "{n} detained", "{n} detained")
    ]
    if s.get("participants") is not None and not pd.isna(s["participants"]):
        parts.append(
            format_count(int(s["participants"]), lang, "{n} participant", "{n} participants")
        )
    parts.append(
        gettext(lang, "as of {time}").format(time=s["as_of"])
        if _text(s.get("as_of"))
        else gettext(lang, "time of figure unknown")
    )
    return ", ".join(parts)
