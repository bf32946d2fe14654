"""The reader's language: read from the request, the switch, and Dash's own words in it.

The language is the URL's ``lang``, else the browser's ``Accept-Language``, else English
(``core.i18n.negotiate``); the request is read here only, so the layers stay pure.
"""

from __future__ import annotations

from typing import cast

import flask
from dash import dcc, html

from core.i18n import DEFAULT, LANGUAGES, N_, gettext, negotiate, switch_links

#: dcc.Dropdown's own words (its ``labels``), in English; ``{num_selected}`` is Dash's.
DROPDOWN_LABELS = {
    "select_all": N_("Select All"),
    "deselect_all": N_("Deselect All"),
    "selected_count": N_("{num_selected} selected"),
    "search": N_("Search"),
    "clear_search": N_("Clear search"),
    "clear_selection": N_("Clear selection"),
    "no_options_found": N_("No options found"),
}


def request_language(asked: str | None) -> str:
    """The language to answer the current request in (``asked``: the URL's ``lang``, if any).

    Outside a request (a callback body called from a test) only ``asked`` counts.
    """
    if not flask.has_request_context():
        return asked if asked in LANGUAGES else DEFAULT
    if asked not in LANGUAGES:
        flask.g.vary_language = True  # the answer depends on Accept-Language (see app.py)
    return negotiate(asked, flask.request.accept_languages.best_match)


def language_switch(query: str, lang: str, path: str) -> html.Nav:
    """Links to the same view in each language (``query`` kept); the current one is marked.

    Plain links, not ``dcc.Link``: the whole page is rendered again in the new language.
    """
    current: dict = {"aria-current": "true"}
    links = [
        html.A(
            name,
            href=path + target,
            lang=code,
            hrefLang=code,
            className="lang-link",
            **(current if code == lang else {}),
        )
        for code, name, target in switch_links(query)
    ]
    named: dict = {"aria-label": gettext(lang, "Language")}
    return html.Nav(links, className="lang-switch", **named)


#: Names dash-core-components 4.4 gives the date pickers' controls in English, with no prop
#: to change them: ``assets/a11y.js`` swaps them for the page's ``<html data-dash-words>``.
DASH_WORDS = {
    "Clear Dates": N_("Clear Dates"),
    "Close calendar": N_("Close calendar"),
    "Previous month": N_("Previous month"),
    "Next month": N_("Next month"),
    "Increase value": N_("Increase value"),
    "Decrease value": N_("Decrease value"),
}


def dash_words(lang: str) -> dict[str, str]:
    """Dash's own English control names and their words in ``lang`` (none for English)."""
    if lang == DEFAULT:
        return {}
    return {english: gettext(lang, english) for english in DASH_WORDS.values()}


def dropdown_labels(lang: str) -> dcc.Dropdown.Labels:
    """A dcc.Dropdown's ``labels`` in ``lang`` (Dash writes them in English otherwise)."""
    labels = {key: gettext(lang, text) for key, text in DROPDOWN_LABELS.items()}
    return cast("dcc.Dropdown.Labels", labels)
