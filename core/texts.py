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

import numpy as np
import pandas as pd

from core.aggregates import Summary
from core.i18n import DEFAULT, format_count, format_number, gettext
from core.prepared import source_reporters
from core.view import METRICS, Filters, describe_period

if TYPE_CHECKING:
    from core.dataset import Dataset


#: Where the "About the data" page is served, below the app's base path.
ABOUT_PATH = "/about"


def credit_line(incidents: pd.DataFrame, lang: str = DEFAULT) -> str:
    """Who the figures come from, read from the sources actually in the data.

    The most frequent reporter is named; "and others" is added when there are more.
    Places are credited to GeoNames only when some incident was placed by it.
    """
    reporters = source_reporters(incidents)  # vectorised: a million rows in ms
    if reporters:
        lead = reporters.most_common(1)[0][0]
        data = lead + (gettext(lang, " and others") if len(reporters) > 1 else "")
    else:
        data = gettext(lang, "no sources")
    parts = [
        gettext(lang, "Data: {sources}, compiled by protestmap").format(sources=data),
        gettext(lang, "boundaries: Natural Earth"),
    ]
    if incidents["geonameid"].notna().any():
        parts.append(gettext(lang, "places: GeoNames"))
    return "; ".join(parts)


def credit_in(data: Dataset, lang: str) -> str:
    """The dataset's credit line in ``lang`` (the default language's is counted at start-up)."""
    return data.credit if lang == DEFAULT else credit_line(data.incidents, lang)


def with_about(credit: str, about: str = ABOUT_PATH, lang: str = DEFAULT) -> str:
    """A credit line that says where its numbers are explained (``about``: that page's address).

    The credit is counted once per data version; the address is known only per request (host
    and base path), so the two are joined when printed.
    """
    return gettext(lang, "{credit}. About the data: {about}").format(credit=credit, about=about)


@dataclass(frozen=True)
class Caption:
    """The words printed on a snapshot."""

    title: str
    subtitle: str
    credit: str
    version: str
    accessed: dt.date


def place_name(data: Dataset, f: Filters, lang: str = DEFAULT) -> str:
    """The place a view is about: its city, else its region, else Russia."""
    place = f.city or f.region
    return data.names_in(lang).get(place, place) if place else gettext(lang, "Russia")


def totals_text(total: Summary, f: Filters, lang: str = DEFAULT) -> str:
    """Totals in words ("1,234 detentions and 56 rallies"), leaving out a kind filtered out.

    A view of detentions alone has no rallies in it; "0 rallies" would read as a finding.
    """
    parts = []
    if f.counts("detention"):
        parts.append(format_count(total.detained, lang, "{n} detention", "{n} detentions"))
    if f.counts("rally"):
        parts.append(format_count(total.rallies, lang, "{n} rally", "{n} rallies"))
    return gettext(lang, " and ").join(parts)


def metric_title(f: Filters, lang: str) -> str:
    """What the map shows, capitalised ("Detentions", "Задержания")."""
    what = gettext(lang, METRICS[f.metric])
    return what[:1].upper() + what[1:]


def caption(
    data: Dataset,
    f: Filters,
    *,
    version: str,
    accessed: dt.date,
    about: str = ABOUT_PATH,
    lang: str = DEFAULT,
) -> Caption:
    """Title, subtitle (the view's own total, period and filters in words), credit, version.

    ``about`` is the address of the "About the data" page that the credit names. The title
    names the city or region of a drilled-down view, so an image says where it is about.
    """
    where = place_name(data, f, lang)
    if f.region:
        title = gettext(lang, "{what} at protests in {place}")
    else:
        title = gettext(lang, "{what} at protests in {place}, by region")
    title = title.format(what=metric_title(f, lang), place=where)
    credit = with_about(credit_in(data, lang), about, lang)
    total = gettext(lang, "In total: {totals} reported. ").format(
        totals=totals_text(data.tables.summary(f), f, lang)
    )
    subtitle = total + f.describe(data.names_in(lang), lang) + "."
    return Caption(title, subtitle, credit, version, accessed)


def export_filename(data: Dataset, f: Filters, fmt: str) -> str:
    """A file name saying what an export shows: ``protestmap-moscow-detentions-2022-09-21.png``.

    Place, measure and period, in ASCII (safe in a ``Content-Disposition`` header), in English
    whatever the page's language.
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


def alt_text(data: Dataset, f: Filters, lang: str = DEFAULT) -> str:
    """One sentence saying what the map shows, with its numbers, for screen readers."""
    total = data.tables.summary(f)
    head = gettext(lang, "Map of {place} shaded by {what} at protests, {period}").format(
        place=place_name(data, f, lang),
        what=gettext(lang, METRICS[f.metric]),
        period=describe_period(f, lang),
    )
    if not total.incidents:
        return gettext(lang, "{head}: no incidents match this selection.").format(head=head)
    text = gettext(lang, "{head}: {totals} reported in {regions}").format(
        head=head,
        totals=totals_text(total, f, lang),
        regions=format_count(total.regions, lang, "{n} region", "{n} regions"),
    )
    table = data.tables.region_table(f, "detained")
    detained = table["detained"].to_numpy(dtype=float, na_value=np.nan)
    if not f.region and not np.isnan(detained).all():
        first = table.iloc[int(np.nanargmax(detained))]  # the first such region on a tie
        text += gettext(lang, "; most detentions in {region} ({n})").format(
            region=data.names_in(lang).get(first["region_code"], first["name_en"]),
            n=format_number(int(first["detained"]), lang),
        )
    return text + "."


def embed_snippet(query: str, title: str, alt_text: str, base_url: str, lang: str = DEFAULT) -> str:
    """HTML to paste into an article: the live iframe, its description, a static fallback.

    The iframe starts at a fixed height; the tiny ``resize.js`` fits it to its content
    (the embed posts its height), and a page that drops the script keeps the fixed height.

    ``query`` is the view's query string (``?...`` or ``""``, ``v=`` to pin the version,
    ``lang=`` for its language);
    ``base_url`` is where protestmap is served (e.g. ``https://example.org/protestmap``).
    """
    base = base_url.rstrip("/")
    src = escape(f"{base}/embed{query}")
    png = escape(f"{base}/export/map.png{query}")
    static = escape(gettext(lang, "Static image (PNG)"))
    return (
        f'<figure class="protestmap-embed" lang="{lang}" style="margin:0">\n'
        f'  <iframe src="{src}" title="{escape(title)}" width="100%" height="620" '
        f'style="border:0;max-width:100%" loading="lazy"></iframe>\n'
        f'  <noscript><a href="{png}"><img src="{png}" alt="{escape(alt_text)}" '
        f'width="100%"></a></noscript>\n'
        f"  <figcaption>{escape(alt_text)} "
        f'<a href="{png}">{static}</a></figcaption>\n'
        f'  <script src="{escape(base)}/embed/static/resize.js" async></script>\n'
        f"</figure>\n"
    )
