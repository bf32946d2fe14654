"""The words printed with a view: captions, credit lines, alt text and the embed snippet.

One place for them, so the dashboard's Embed menu, a snapshot, a download and the embed page
say the same thing about the same view. Pure: a dataset and the view's ``Filters`` in, text
out; the numbers come from the dataset's counting engine.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from core.aggregates import Summary
from core.prepared import source_reporters
from core.view import METRICS, Filters, describe_period

if TYPE_CHECKING:
    from core.dataset import Dataset


#: Where the "About the data" page is served, below the app's base path.
ABOUT_PATH = "/about"


def credit_line(incidents: pd.DataFrame) -> str:
    """Who the figures come from, read from the sources actually in the data.

    The most frequent reporter is named; "and others" is added when there are more.
    Places are credited to GeoNames only when some incident was placed by it.
    """
    reporters = source_reporters(incidents)  # vectorised: a million rows in ms
    if reporters:
        lead = reporters.most_common(1)[0][0]
        data = lead + (" and others" if len(reporters) > 1 else "")
    else:
        data = "no sources"
    parts = [f"Data: {data}, compiled by protestmap", "boundaries: Natural Earth"]
    if incidents["geonameid"].notna().any():
        parts.append("places: GeoNames")
    return "; ".join(parts)


def with_about(credit: str, about: str = ABOUT_PATH) -> str:
    """A credit line that says where its numbers are explained (``about``: that page's address).

    The credit is counted once per data version; the address is known only per request (host
    and base path), so the two are joined when printed.
    """
    return f"{credit}. About the data: {about}"


@dataclass(frozen=True)
class Caption:
    """The words printed on a snapshot."""

    title: str
    subtitle: str
    credit: str
    version: str
    accessed: dt.date


def place_name(data: Dataset, f: Filters) -> str:
    """The place a view is about: its city, else its region, else Russia."""
    place = f.city or f.region
    return data.names.get(place, place) if place else "Russia"


def totals_text(total: Summary, f: Filters) -> str:
    """Totals in words ("1,234 detentions and 56 rallies"), leaving out a kind filtered out.

    A view of detentions alone has no rallies in it; "0 rallies" would read as a finding.
    """
    parts = []
    if f.counts("detention"):
        parts.append(f"{total.detained:,} detention{'' if total.detained == 1 else 's'}")
    if f.counts("rally"):
        parts.append(f"{total.rallies:,} rall{'y' if total.rallies == 1 else 'ies'}")
    return " and ".join(parts)


def caption(
    data: Dataset, f: Filters, *, version: str, accessed: dt.date, about: str = ABOUT_PATH
) -> Caption:
    """Title, subtitle (the view's own total, period and filters in words), credit, version.

    ``about`` is the address of the "About the data" page that the credit names. The title
    names the city or region of a drilled-down view, so an image says where it is about.
    """
    by = "" if f.region else ", by region"
    title = f"{METRICS[f.metric].capitalize()} at protests in {place_name(data, f)}{by}"
    credit = with_about(data.credit, about)
    total = f"In total: {totals_text(data.tables.summary(f), f)} reported. "
    return Caption(title, total + f.describe(data.names) + ".", credit, version, accessed)


def export_filename(data: Dataset, f: Filters, fmt: str) -> str:
    """A file name saying what an export shows: ``protestmap-moscow-detentions-2022-09-21.png``.

    Place, measure and period, in ASCII (safe in a ``Content-Disposition`` header).
    """
    period = {
        (True, True): f"{f.start}-to-{f.end}",
        (True, False): f"from-{f.start}",
        (False, True): f"to-{f.end}",
        (False, False): "",
    }[(f.start is not None, f.end is not None)]
    if f.start is not None and f.start == f.end:
        period = str(f.start)
    words = ["protestmap", place_name(data, f), METRICS[f.metric].replace(",", ""), period]
    return "-".join(filter(None, map(_slug, words))) + f".{fmt}"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def alt_text(data: Dataset, f: Filters) -> str:
    """One sentence saying what the map shows, with its numbers, for screen readers."""
    total = data.tables.summary(f)
    where = place_name(data, f)
    head = f"Map of {where} shaded by {METRICS[f.metric]} at protests, {describe_period(f)}"
    if not total.incidents:
        return f"{head}: no incidents match this selection."
    text = f"{head}: {totals_text(total, f)} reported in {total.regions:,} region(s)"
    table = data.tables.region_table(f, "detained")
    top = table.dropna(subset=["detained"]).sort_values("detained", ascending=False)
    if not f.region and len(top):
        text += f"; most detentions in {top.iloc[0]['name_en']} ({int(top.iloc[0]['detained']):,})"
    return text + "."


def embed_snippet(query: str, title: str, alt_text: str, base_url: str) -> str:
    """HTML to paste into an article: the live iframe, its description, a static fallback.

    The iframe starts at a fixed height; the tiny ``resize.js`` fits it to its content
    (the embed posts its height), and a page that drops the script keeps the fixed height.

    ``query`` is the view's query string (``?...`` or ``""``, ``v=`` to pin the version);
    ``base_url`` is where protestmap is served (e.g. ``https://example.org/protestmap``).
    """
    base = base_url.rstrip("/")
    src = escape(f"{base}/embed{query}")
    png = escape(f"{base}/export/map.png{query}")
    return (
        f'<figure class="protestmap-embed" style="margin:0">\n'
        f'  <iframe src="{src}" title="{escape(title)}" width="100%" height="620" '
        f'style="border:0;max-width:100%" loading="lazy"></iframe>\n'
        f'  <noscript><a href="{png}"><img src="{png}" alt="{escape(alt_text)}" '
        f'width="100%"></a></noscript>\n'
        f"  <figcaption>{escape(alt_text)} "
        f'<a href="{png}">Static image (PNG)</a></figcaption>\n'
        f'  <script src="{escape(base)}/embed/static/resize.js" async></script>\n'
        f"</figure>\n"
    )
