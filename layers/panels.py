"""Text panels: summary strip, breadcrumb, notices, region panel, incident detail.

Pure functions from query results to Dash HTML components. Links are ``dcc.Link`` to a
query string, so following one is the same as pasting a URL, and Back undoes it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from dash import dcc, html

from core.aggregates import Summary
from core.view import METRICS, Filters
from geodata.schema import TAGS
from layers import _style
from layers.grid import place_label

OCCUPIED_NOTE = (
    "Crimea, Sevastopol and the Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts are "
    "Ukrainian territory occupied by Russia. They are hatched and outlined, and their reports "
    "are kept out of Russia's totals unless you ask for them to be counted."
)
HEADLINE_NOTE = (
    "The headline figure is the lead report's: OVD-Info's latest count where it reported, "
    "otherwise the latest report. Counts are lower bounds (only detentions known to the "
    "reporter)."
)


def _link(text: str, f: Filters, base: str, class_name: str = "") -> dcc.Link:
    return dcc.Link(text, href=base + f.to_query(), className=class_name)


def _tile(label: str, value: str, detail: str = "", tile_id: str = "") -> html.Div:
    return html.Div(
        [
            html.Div(value, className="tile-value"),
            html.Div(label, className="tile-label"),
            html.Div(detail, className="tile-detail"),
        ],
        className="tile",
        id=tile_id or f"tile-{label.split()[0].lower()}",
    )


def summary_strip(s: Summary, *, version: str, as_of: str | None, about: str) -> list:
    """Totals of the view, the data version, how current its figures are, and what they are.

    ``as_of`` is the latest report date of the view's own incidents; ``about`` is the address
    of the "About the data" page.
    """
    unknown = f"+{s.unknown} report(s) without a count" if s.unknown else ""
    return [
        _tile("detentions", _style.fmt_count(s.detained), unknown),
        _tile("rallies", _style.fmt_count(s.rallies)),
        _tile("cities", _style.fmt_count(s.cities)),
        _tile("regions", _style.fmt_count(s.regions)),
        _tile("data version", version, tile_id="tile-version"),
        _tile(
            "data as of",
            as_of or "unknown",
            "latest report in this selection",
            tile_id="tile-as-of",
        ),
        dcc.Link("What these numbers are", href=about, id="about-link", className="about-link"),
    ]


def breadcrumb(f: Filters, names: dict[str, str], city_label: str | None, base: str) -> list:
    """Russia › Region › City › Incident; every step but the last is a link back up."""
    steps: list = [("Russia", f.national())]
    if f.region:
        steps.append((names.get(f.region, f.region), f.in_region(f.region)))
    # A federal city is its own region: "Russia › Moscow", not "Russia › Moscow › Moscow".
    if f.city and (city_label or f.city) != (steps[-1][0] if f.region else None):
        steps.append((city_label or f.city, f.in_city(f.city)))
    if f.incident:
        steps.append(("incident", f))
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


def notice(messages: tuple[str, ...] | list[str]) -> list:
    """The "we ignored part of your link" notice (empty when there is nothing to say)."""
    if not messages:
        return []
    return [
        html.Strong("Part of this link was not understood, so defaults are shown: "),
        html.Ul([html.Li(m) for m in messages]),
    ]


def top_regions(table: pd.DataFrame, f: Filters, base: str, n: int = 12) -> list:
    """The national view's list: regions ranked by the view's measure, each a link to its view."""
    shown = table[table["incidents"] > 0].copy()
    if shown.empty:
        return [html.P("No incidents match this selection.", className="empty")]
    shown["_order"] = shown[f.metric].astype("Float64").fillna(-1)
    shown = shown.sort_values(["_order", "name_en"], ascending=[False, True]).head(n)
    items = [
        html.Li(
            [
                _link(r.name_en, f.in_region(r.region_code), base),
                html.Span(f" {_counts_text(r.detained, r.rallies, f)}", className="muted"),
                html.Span(
                    " (occupied, Ukraine)" if r.status == "occupied_ukraine" else "",
                    className="occupied-tag",
                ),
            ]
        )
        for r in shown.itertuples()
    ]
    return [
        html.H3(f"Regions with most {METRICS[f.metric]}"),
        html.Ol(items, className="region-list"),
        html.P(
            "Click a region on the map, or here, for its cities and incidents.", className="muted"
        ),
    ]


def _counts_text(detained: Any, rallies: int, f: Filters) -> str:
    count = "no count" if pd.isna(detained) else f"{int(detained):,} detained"
    if not f.counts("rally"):
        return f"— {count}"
    return f"— {count}, {rallies} rall{'y' if rallies == 1 else 'ies'}"


def region_panel(region: pd.Series, cities: pd.DataFrame, f: Filters, base: str) -> list:
    """A region's totals and its cities, each city a link to its incidents."""
    population = region["population"]
    facts = [
        (
            "Detentions",
            "no count reported"
            if pd.isna(region["detained"])
            else _style.fmt_count(region["detained"]),
        ),
        (
            "Rallies",
            _style.fmt_count(region["rallies"]) if f.counts("rally") else _style.RALLIES_FILTERED,
        ),
        (
            "Per 100,000 people",
            "no population figure"
            if pd.isna(population)
            else ("–" if pd.isna(region["per100k"]) else _style.fmt_rate(region["per100k"])),
        ),
        (
            "Population (2021 census)",
            "no population figure" if pd.isna(population) else _style.fmt_count(population),
        ),
    ]
    out: list = [
        html.H2(
            [region["name_en"], html.Span(f" · {region['name_ru']}", className="muted")],
            id="region-name",
        ),
        html.Dl([item for k, v in facts for item in (html.Dt(k), html.Dd(v))], className="facts"),
    ]
    if region["status"] == "occupied_ukraine":
        out.append(
            html.P(
                "Occupied Ukrainian territory (occupied, Ukraine): "
                + (
                    "counted in the totals, as asked."
                    if f.occupied
                    else "these figures are not part of Russia's totals."
                ),
                className="occupied-note",
            )
        )
    if cities.empty:
        out.append(html.P("No incidents in this region match the selection.", className="empty"))
        return out
    items = [
        html.Li(
            [
                _link(
                    c.city_label,
                    f.in_city(c.city_key),
                    base,
                    class_name="city-link" + (" current" if c.city_key == f.city else ""),
                ),
                html.Span(f" {_counts_text(c.detained, c.rallies, f)}", className="muted"),
            ]
        )
        for c in cities.itertuples()
    ]
    return [*out, html.H3("Cities"), html.Ul(items, className="city-list", id="city-list")]


def incident_detail(row: pd.Series | None) -> list:
    """Everything known about one incident, with every source that reported it."""
    if row is None:
        return [
            html.P(
                "Click an incident in the table for its description and sources.", className="muted"
            )
        ]
    facts = [
        ("Date", f"{row['date']:%Y-%m-%d}" + (f" {row['time']}" if _text(row["time"]) else "")),
        ("Place", place_label(row)),
        ("Kind", row["kind"]),
        ("Detained", "unknown" if pd.isna(row["detained"]) else f"{int(row['detained']):,}"),
        (
            "Participants",
            "unknown" if pd.isna(row["participants"]) else f"{int(row['participants']):,}",
        ),
        ("Located to", f"{row['precision']} precision"),
        ("Campaign", row["campaign"] if _text(row["campaign"]) else "none"),
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
                    (f" (relaying {s['reporter']})" if _relays(s) else "")
                    + " — "
                    + _source_figures(s)
                ),
                html.Div(s["note"], className="muted") if _text(s.get("note")) else None,
            ]
        )
        for s in row["sources"]
    ]
    return [
        html.H3(f"{row['city_label']}, {row['date']:%d %b %Y}"),
        html.P(
            row["description"] if _text(row["description"]) else "No description recorded.",
            className="description",
        ),
        html.Dl([item for k, v in facts for item in (html.Dt(k), html.Dd(v))], className="facts"),
        html.P("Tags: " + ("; ".join(TAGS.get(t, t) for t in row["tags"]) or "none")),
        html.H4(f"Sources ({len(row['sources'])})"),
        html.Ol(sources, className="sources", id="detail-sources"),
        html.P(HEADLINE_NOTE, className="muted small"),
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


def _source_figures(s: dict) -> str:
    parts = [
        "no count"
        if s.get("detained") is None or pd.isna(s["detained"])
        else f"{int(s['detained']):,} detained"
    ]
    if s.get("participants") is not None and not pd.isna(s["participants"]):
        parts.append(f"{int(s['participants']):,} participants")
    parts.append(f"as of {s['as_of']}" if _text(s.get("as_of")) else "time of figure unknown")
    return ", ".join(parts)
