"""The incident table as a list of cards, for phone-sized screens (CSS shows one or the other).

A card shows the four facts a reader scans for (date, place, kind, detained) and links to the
incident's view, so a tap opens its detail as a click on a table row does.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from dash import dcc, html

from core.i18n import DEFAULT, N_, format_number, gettext
from core.view import Filters
from layers.grid import KIND_LABELS

#: Cards sent to a phone: the newest few a reader scrolls through. Every view change sends
#: them, on every screen: 500 cards were 770 KB of JSON and half the panels' time at 1M.
CARD_ROWS = 40
DETAINED_UNKNOWN = N_("unknown")
#: A rally's detentions are counted on its detention incident (as in the table).
DETAINED_ON_DETENTION = "–"


def detained_text(row: dict, lang: str = DEFAULT) -> str:
    """The detained figure as the table shows it: a count, "unknown", or "–" for a rally."""
    if row["detained"] is not None:
        return format_number(row["detained"], lang)
    return DETAINED_ON_DETENTION if row["kind"] == "rally" else gettext(lang, DETAINED_UNKNOWN)


def _fact(label: str, value: str, name: str) -> html.Div:
    return html.Div([html.Dt(label), html.Dd(value)], className=f"card-fact card-{name}")


def incident_cards(rows: list[dict], f: Filters, base: str, lang: str = DEFAULT) -> html.Ul:
    """A card per table row (``layers.grid.grid_rows``, newest first), linking to its incident.

    Only the first ``CARD_ROWS`` rows get a card; a last line says so.
    """
    _ = functools.partial(gettext, lang)
    cards = [
        html.Li(
            dcc.Link(
                html.Dl(
                    [
                        _fact(_("Date"), row["date"], "date"),
                        _fact(_("Place"), row["place"], "place"),
                        _fact(_("Kind"), _(KIND_LABELS.get(row["kind"], row["kind"])), "kind"),
                        _fact(_("Detained"), detained_text(row, lang), "detained"),
                    ]
                ),
                href=base + replace(f, incident=row["incident_id"]).to_query(),
                className="card-link",
            ),
            className="incident-card" + (" selected" if row["selected"] else ""),
            **{"data-incident": row["incident_id"]},
        )
        for row in rows[:CARD_ROWS]
    ]
    if len(rows) > CARD_ROWS:
        more = _("The newest {shown} are shown: narrow the period or the place to see others.")
        cards.append(html.Li(more.format(shown=CARD_ROWS), className="incident-card-more"))
    return html.Ul(cards, className="incident-card-list")
