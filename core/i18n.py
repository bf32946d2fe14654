"""Languages of the interface: gettext catalogues per language and Babel's formatting.

Every word the app shows goes through a gettext catalogue (``locale/<lang>/LC_MESSAGES``,
``messages.po`` committed, ``messages.mo`` compiled by ``make setup``); English is the source
language, so its catalogue is the messages themselves. Pure functions take the language
explicitly: the same process serves readers of both languages at once. Module-level texts are
marked with :func:`N_` for extraction and translated where they are shown.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as _gettext
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Literal, cast
from urllib.parse import parse_qsl, urlencode

from babel import Locale, dates, numbers
from babel.support import Translations

from geodata.messages import N_
from geodata.settings import PROJECT_ROOT

__all__ = ["N_", "format_date", "gettext", "ngettext", "translations"]

#: The languages served, the source language first (the default).
LANGUAGES = ("en", "ru")
DEFAULT = LANGUAGES[0]
#: Each language's name in itself, for the language switch.
NATIVE_NAMES = {"en": "English", "ru": "Русский"}
#: The Babel locale whose conventions each language's dates and numbers follow (the English
#: texts are British: "21 September 2022").
LOCALES = {"en": "en_GB", "ru": "ru"}
LOCALE_DIR = PROJECT_ROOT / "locale"
DOMAIN = "messages"
#: plotly.js's own texts of each translated language (month names on date axes, the mode
#: bar's tips): ``plotly-locale-<lang>.json``, written by ``make setup`` from the pinned
#: plotly.js's locale module (beside the date pickers' ``date-fns-locale-<lang>.js``).
JS_LOCALE_DIR = PROJECT_ROOT / "assets" / "vendor"


class MissingCatalogue(RuntimeError):
    """A language's compiled catalogue is absent: ``make setup`` compiles it."""


@functools.cache
def translations(lang: str, locale_dir: Path = LOCALE_DIR) -> _gettext.NullTranslations:
    """The catalogue of ``lang`` (English: the messages themselves), read once per process."""
    if lang == DEFAULT:
        return _gettext.NullTranslations()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    compiled = locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not compiled.exists():
        raise MissingCatalogue(f"{compiled} is missing: run `make setup` to compile it")
    return Translations.load(locale_dir, [lang], DOMAIN)


class Explained(Exception):
    """An error whose message can be said in any language.

    ``message`` is an English msgid with ``{name}`` placeholders filled from ``values`` (or a
    reason already in the reader's language, passed without values); ``str()`` is the English.
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values) if values else message)
        self.message, self.values = message, values

    def said(self, lang: str) -> str:
        """The message in ``lang``."""
        text = gettext(lang, self.message)
        return text.format(**self.values) if self.values else text


def gettext(lang: str, message: str) -> str:
    """``message`` in ``lang``."""
    return translations(lang).gettext(message)


def ngettext(lang: str, singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` items in ``lang`` (Russian has three forms)."""
    return translations(lang).ngettext(singular, plural, n)


@functools.cache
def locale(lang: str) -> Locale:
    """Babel's locale of ``lang``, parsed once (Babel parses a locale name on every call)."""
    return Locale.parse(LOCALES[lang])


@functools.cache
def _group_symbol(lang: str) -> str:
    return numbers.get_group_symbol(locale(lang))


def format_number(value: float, lang: str) -> str:
    """A number as ``lang`` writes it ("1,386"; Russian "1 386" with a no-break space).

    Whole numbers, which are most of what the map's hovers show (thousands per view change),
    take Python's grouping with the language's group sign: Babel's own formatting of them is
    the same text (``tests/test_i18n.py`` checks) at a tenth of the cost.
    """
    if float(value).is_integer():
        return f"{int(value):,d}".replace(",", _group_symbol(lang))
    return numbers.format_decimal(value, locale=locale(lang))


def format_decimal(value: float, lang: str, digits: int = 0) -> str:
    """A number with ``digits`` decimals, as ``lang`` writes it ("1,386.50"; "1 386,50")."""
    return _decimal_pattern(digits).apply(value, locale(lang))


@functools.cache
def _decimal_pattern(digits: int) -> numbers.NumberPattern:
    """Babel's pattern with ``digits`` decimals, parsed once (a map shows ~90 rates a view)."""
    return numbers.parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))


#: A day of the week as Dash's date pickers number them (0: Sunday).
Weekday = Literal[0, 1, 2, 3, 4, 5, 6]


def first_weekday(lang: str) -> Weekday:
    """The first day of a week in ``lang``'s calendars, numbered as Dash's date pickers do.

    Babel counts from Monday (0), the pickers from Sunday (0): Monday in Russian, Monday in
    British English.
    """
    return cast("Weekday", (locale(lang).first_week_day + 1) % 7)


def format_count(n: int, lang: str, singular: str, plural: str) -> str:
    """A count and its noun in the right plural form ("5 задержаний"); ``{n}`` is the number.

    ``singular`` and ``plural`` are English msgids with a ``{n}`` placeholder.
    """
    return ngettext(lang, singular, plural, n).format(n=format_number(n, lang))


def format_date(day: dt.date, lang: str) -> str:
    """A day in words ("21 September 2022", "21 сентября 2022 г.")."""
    return dates.format_date(day, format="long", locale=locale(lang))


def negotiate(asked: str | None, best_match: Callable[[Sequence[str]], str | None]) -> str:
    """The language of a response: the URL's ``lang``, else the browser's, else English.

    ``best_match`` is the request's ``Accept-Language`` matcher (werkzeug's
    ``request.accept_languages.best_match``), passed in so this stays free of Flask.
    """
    if asked in LANGUAGES:
        return asked
    return best_match(LANGUAGES) or DEFAULT


def with_language(query: str, lang: str) -> str:
    """``query`` (``?...`` or ``""``) asking for ``lang``, everything else kept in order."""
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=True) if k != "lang"]
    return "?" + urlencode([*pairs, ("lang", lang)])


def switch_links(query: str) -> list[tuple[str, str, str]]:
    """The language switch: (language, its name in itself, ``query`` in it) for each language."""
    return [(lang, NATIVE_NAMES[lang], with_language(query, lang)) for lang in LANGUAGES]


def other_language(lang: str) -> str:
    """The language a one-link switch offers beside ``lang`` (the embed's small link)."""
    return next(code for code in LANGUAGES if code != lang)


def query_language(query: str | None) -> str | None:
    """The language a query string asks for (its last ``lang``), if it is one served."""
    asked = [v for k, v in parse_qsl((query or "").lstrip("?")) if k == "lang"]
    return asked[-1] if asked and asked[-1] in LANGUAGES else None


@functools.cache
def plotly_locale(lang: str) -> Mapping[str, object]:
    """The plotly.js config keys that make a figure speak ``lang`` (none for English).

    The locale travels inside each figure's config (``locales``), so the dashboard, the embed
    and kaleido's static exports all draw the same month names without loading a script.
    """
    if lang == DEFAULT:
        return MappingProxyType({})
    compiled = JS_LOCALE_DIR / f"plotly-locale-{lang}.json"
    if not compiled.exists():
        raise MissingCatalogue(f"{compiled} is missing: run `make setup` to write it")
    texts = json.loads(compiled.read_text(encoding="utf-8"))
    return MappingProxyType({"locale": lang, "locales": {lang: texts}})


def plotly_separators(lang: str) -> str:
    """The ``layout.separators`` of a plotly figure in ``lang``: decimal sign, then group sign."""
    return numbers.get_decimal_symbol(locale(lang)) + _group_symbol(lang)
