"""The state of one view and its URL grammar: query string <-> ``Filters`` (pure, no I/O).

``Filters`` is the whole state of a dashboard view, and the same state drives exports,
downloads and embeds: it round-trips through the query string, which is what makes every
view a link. ``parse_query`` forgives (a mangled link opens the default view with notices);
``check_known`` drops references to regions, cities, incidents or campaigns the data lacks.
Counting the rows a view selects is ``core.aggregates``'s job.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from urllib.parse import parse_qs, urlencode

import pandas as pd

from core.i18n import DEFAULT, LANGUAGES, N_, Explained, format_date, gettext, query_language
from geodata.schema import KINDS, TAGS

#: What the map can show; labels are English msgids, translated where shown.
METRICS = {
    "detained": N_("detentions"),
    "rallies": N_("rallies"),
    "per100k": N_("detentions per 100,000 people"),
}
CLASSINGS = {
    "quantile": N_("quantile classes"),
    "jenks": N_("natural breaks (Jenks)"),
    "log": N_("continuous, log scale"),
}
#: Incident kinds as a description names them.
KIND_NAMES = {"detention": N_("detention"), "rally": N_("rally")}
#: How exactly an incident is placed, as its detail names it.
PRECISION_NAMES = {
    "point": N_("point"),
    "street": N_("street"),
    "city": N_("city"),
    "region": N_("region"),
}
OCCUPIED = "occupied_ukraine"
_REGION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_TOKEN = re.compile(r"^[\w .:'()-]{1,80}$")
#: A place key is any text (a gazetteer miss keeps its name as written), without controls.
_PLACE = re.compile(r"^[^\x00-\x1f\x7f]{1,500}$")
#: No report can be older than this; none can be dated after today.
EARLIEST = dt.date(1900, 1, 1)
_SHOWN_CHARS = 40


@dataclass(frozen=True)
class Filters:
    """The state of one view; every field is a query parameter (defaults are left out)."""

    start: dt.date | None = None
    end: dt.date | None = None
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    campaign: str | None = None
    metric: str = "detained"
    classing: str = "quantile"
    occupied: bool = False
    region: str | None = None
    city: str | None = None
    incident: str | None = None
    #: Proportional city symbols over the national map (``symbols=0`` hides them).
    symbols: bool = True
    #: The interface language the link asks for (None: the browser's, else English).
    lang: str | None = None

    @classmethod
    def from_query(cls, search: str) -> Filters:
        """Parse a query string; anything malformed falls back to its default."""
        return parse_query(search)[0]

    def to_query(self) -> str:
        """The canonical query string (``?...``, or ``""`` for the default view)."""
        pairs: list[tuple[str, str]] = []
        for name, (attr, _parse, show) in _PARAMS.items():
            value = getattr(self, attr)
            if value != _DEFAULTS[attr]:
                pairs.append((name, show(value)))
        return "?" + urlencode(pairs) if pairs else ""

    def describe(self, names: Mapping[str, str] | None = None, lang: str = "en") -> str:
        """A sentence saying what is counted, where and when, for captions and citations.

        ``names`` are the display names of regions and cities in ``lang``.
        """
        names = names or {}
        where = (
            gettext(lang, "Russia and occupied Ukrainian territory")
            if self.occupied
            else gettext(lang, "Russia (occupied Ukrainian territory not counted)")
        )
        if self.region:
            where = names.get(self.region, self.region)
        if self.city:
            where = f"{names.get(self.city, self.city)}, {where}"
        what = gettext(lang, METRICS[self.metric])
        parts = [
            gettext(lang, "{what} in {where}").format(
                what=what[:1].upper() + what[1:], where=where
            ),
            describe_period(self, lang),
        ]
        if self.kinds:
            kinds = gettext(lang, " and ").join(gettext(lang, KIND_NAMES[k]) for k in self.kinds)
            parts.append(gettext(lang, "incidents of kind {kinds}").format(kinds=kinds))
        if self.tags:
            tags = gettext(lang, " and ").join(f"'{gettext(lang, TAGS[t])}'" for t in self.tags)
            parts.append(gettext(lang, "tagged {tags}").format(tags=tags))
        if self.campaign:
            parts.append(gettext(lang, "campaign {name}").format(name=self.campaign))
        return ", ".join(parts)

    def counts(self, kind: str) -> bool:
        """Whether incidents of ``kind`` are in view (not filtered out by ``kind=``)."""
        return not self.kinds or kind in self.kinds

    def national(self) -> Filters:
        """The same filters for the whole country (the breadcrumb's first step)."""
        return replace(self, region=None, city=None, incident=None)

    def in_region(self, code: str) -> Filters:
        """The same filters, drilled down to one region."""
        return replace(self, region=code, city=None, incident=None)

    def in_city(self, key: str) -> Filters:
        """The same filters, drilled down to one city of the current region."""
        return replace(self, city=key, incident=None)


def describe_period(f: Filters, lang: str = "en") -> str:
    """The period of ``f`` in words ("21 September 2022 to 24 September 2022", "all dates")."""
    start = format_date(f.start, lang) if f.start else ""
    end = format_date(f.end, lang) if f.end else ""
    if start and end:
        return gettext(lang, "{start} to {end}").format(start=start, end=end)
    if start:
        return gettext(lang, "from {start}").format(start=start)
    if end:
        return gettext(lang, "until {end}").format(end=end)
    return gettext(lang, "all dates")


def _one(raw: list[str]) -> str:
    return raw[-1].strip()


def date_range() -> tuple[dt.date, dt.date]:
    """The dates a view may ask for: from ``EARLIEST`` to today (UTC)."""
    return EARLIEST, dt.datetime.now(dt.UTC).date()


class Invalid(Explained, ValueError):
    """A parameter value a view cannot use, saying what was expected in any language."""


def url_date(text: str) -> dt.date:
    """A date of a URL (``YYYY-MM-DD``, within ``date_range``), else ``ValueError`` saying why."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(N_("expected a date as YYYY-MM-DD")) from None
    first, last = date_range()
    if not first <= day <= last:
        raise Invalid(N_("expected a date from {first} to today"), first=first.isoformat())
    return day


def _date(raw: list[str]) -> dt.date:
    return url_date(_one(raw))


def _choices(allowed: Sequence[str]) -> Callable[[list[str]], tuple[str, ...]]:
    def parse(raw: list[str]) -> tuple[str, ...]:
        values = {v.strip() for item in raw for v in item.split(",") if v.strip()}
        unknown = sorted(values - set(allowed))
        if unknown:
            raise Invalid(N_("expected any of {choices}"), choices=", ".join(allowed))
        chosen = tuple(v for v in allowed if v in values)
        return () if len(chosen) == len(allowed) else chosen

    return parse


def _choice(allowed: Mapping[str, str]) -> Callable[[list[str]], str]:
    def parse(raw: list[str]) -> str:
        value = _one(raw)
        if value not in allowed:
            raise Invalid(N_("expected one of {choices}"), choices=", ".join(allowed))
        return value

    return parse


def _flag(raw: list[str]) -> bool:
    value = _one(raw)
    if value not in ("include", "exclude"):
        raise Invalid(N_("expected include or exclude"))
    return value == "include"


def _on_off(raw: list[str]) -> bool:
    value = _one(raw)
    if value not in ("0", "1"):
        raise Invalid(N_("expected 0 or 1"))
    return value == "1"


def _region(raw: list[str]) -> str:
    value = _one(raw).upper()
    if not _REGION_CODE.match(value):
        raise Invalid(N_("expected an ISO 3166-2 code such as RU-MOW"))
    return value


def _place(raw: list[str]) -> str:
    value = raw[-1]  # exact: a name may carry any character
    if not _PLACE.match(value):
        raise Invalid(N_("not a place of the data"))
    return value


def _token(raw: list[str]) -> str:
    value = _one(raw)
    if not _TOKEN.match(value):
        raise Invalid(N_("not a valid identifier"))
    return value


def _iso(value: dt.date) -> str:
    return value.isoformat()


def _joined(values: tuple[str, ...]) -> str:
    return ",".join(values)


#: query parameter -> (Filters field, parser, printer)
_PARAMS: dict[str, tuple[str, Callable[[list[str]], object], Callable[..., str]]] = {
    "from": ("start", _date, _iso),
    "to": ("end", _date, _iso),
    "kind": ("kinds", _choices(KINDS), _joined),
    "tag": ("tags", _choices(tuple(TAGS)), _joined),
    "campaign": ("campaign", _token, str),
    "metric": ("metric", _choice(METRICS), str),
    "classes": ("classing", _choice(CLASSINGS), str),
    "occupied": ("occupied", _flag, lambda v: "include"),
    "region": ("region", _region, str),
    "city": ("city", _place, str),
    "incident": ("incident", _token, str),
    "symbols": ("symbols", _on_off, lambda v: "1" if v else "0"),
    "lang": ("lang", _choice(dict.fromkeys(LANGUAGES, "")), str),
}
_DEFAULTS = {f.name: f.default for f in fields(Filters)}
#: The period's two spellings in links: the map prints ``from``/``to``, Compare prints
#: ``start``/``end``. Each page reads both, so a period carried from one to the other (or
#: typed the other page's way) keeps working.
PERIOD_ALIASES = {"start": "from", "end": "to"}


class Notice(str):
    """What a link asked for that the view could not use, and what the view did instead.

    The text is the dashboard's, which forgives and says what it did; ``refusal`` is what a
    strict reader (an export URL) answers instead, since it ignores nothing. A ``str``, so
    notices travel through Dash stores and JSON as plain text.
    """

    refusal: str

    def __new__(cls, text: str, refusal: str) -> Notice:
        """A notice reading ``text``, refused as ``refusal``."""
        notice = super().__new__(cls, text)
        notice.refusal = refusal
        return notice


def parse_query(search: str, lang: str | None = None) -> tuple[Filters, tuple[Notice, ...]]:
    """Parse a query string into ``Filters`` plus one notice per parameter that was ignored.

    ``start``/``end`` are read as ``from``/``to`` (``PERIOD_ALIASES``). Never raises: unknown
    names and malformed values are dropped (the default applies) and reported, so a mangled
    link still opens a working page that says what it ignored. Notices are in ``lang``
    (default: the query's own ``lang``, else English).
    """
    lang = lang or query_language(search) or DEFAULT
    _ = functools.partial(gettext, lang)
    values: dict[str, object] = {}
    notices: list[Notice] = []
    for name, raw in parse_qs(search.lstrip("?"), keep_blank_values=True).items():
        shown = _shorten(f"{name}={','.join(raw)}")
        name = PERIOD_ALIASES.get(name, name)
        if name not in _PARAMS:
            notices.append(
                Notice(
                    _("'{shown}' is not a known parameter and was ignored.").format(shown=shown),
                    _("'{shown}' is not a known parameter.").format(shown=shown),
                )
            )
            continue
        attr, parse, _show = _PARAMS[name]
        try:
            values[attr] = parse(raw)
        except ValueError as exc:
            why = exc.said(lang) if isinstance(exc, Invalid) else str(exc)
            notices.append(
                Notice(
                    _("'{shown}' was ignored: {why}.").format(shown=shown, why=why),
                    _("'{shown}': {why}.").format(shown=shown, why=why),
                )
            )
    filters = Filters(**values)  # type: ignore[arg-type]
    if filters.start and filters.end and filters.start > filters.end:
        notices.append(
            Notice(
                _("The period ends before it starts; showing all dates."),
                _("The period ends before it starts."),
            )
        )
        filters = replace(filters, start=None, end=None)
    return filters, tuple(notices)


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


@dataclass(frozen=True)
class Catalogue:
    """What exists in the data, to check a URL's region, city, incident and campaign against."""

    regions: Mapping[str, str]
    cities: Mapping[str, str]
    incidents: IncidentPlaces
    campaigns: frozenset[str]


def build_catalogue(incidents: pd.DataFrame, regions: pd.DataFrame) -> Catalogue:
    """Index the prepared incidents and the regions table (once, at start-up).

    Incidents are looked up through a pandas index rather than a dict of a million tuples.
    """
    cities = incidents.drop_duplicates("city_key", keep="last")
    return Catalogue(
        regions=dict(zip(regions["region_code"], regions["name_en"], strict=True)),
        cities=dict(zip(cities["city_key"], cities["region_code"], strict=True)),
        incidents=IncidentPlaces(incidents),
        campaigns=frozenset(incidents["campaign"].dropna().unique()),
    )


class IncidentPlaces(Mapping[str, tuple[str, str]]):
    """incident id -> (region code, city key), read from the prepared frame's columns."""

    def __init__(self, incidents: pd.DataFrame) -> None:
        incidents = incidents.drop_duplicates("incident_id", keep="last")
        self._ids = pd.Index(incidents["incident_id"])
        self._rows = incidents.index.to_numpy()
        self._regions = incidents["region_code"]
        self._cities = incidents["city_key"]

    def __getitem__(self, key: str) -> tuple[str, str]:
        at = self._ids.get_indexer([key])[0]
        if at < 0:
            raise KeyError(key)
        return str(self._regions.iloc[at]), str(self._cities.iloc[at])

    def position(self, key: str) -> int | None:
        """Row of incident ``key`` in the prepared frame, or None."""
        at = int(self._ids.get_indexer([key])[0])
        return None if at < 0 else int(self._rows[at])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def check_known(
    filters: Filters, known: Catalogue, lang: str | None = None
) -> tuple[Filters, tuple[Notice, ...]]:
    """Drop references to things the data lacks; an incident or city implies its region.

    Notices are in ``lang`` (default: the view's own ``lang``, else English).
    """
    _ = functools.partial(gettext, lang or filters.lang or DEFAULT)
    notices: list[Notice] = []
    f = filters
    if f.campaign and f.campaign not in known.campaigns:
        notices.append(
            Notice(
                _("There is no campaign '{name}' in the data; ignored.").format(
                    name=_shorten(f.campaign)
                ),
                _("There is no campaign '{name}' in the data.").format(name=_shorten(f.campaign)),
            )
        )
        f = replace(f, campaign=None)
    incident, city = f.incident, f.city
    if incident:
        if incident in known.incidents:
            region, city = known.incidents[incident]
            f = replace(f, region=region, city=city)
        else:
            notices.append(
                Notice(
                    _("There is no incident '{name}'; ignored.").format(name=_shorten(incident)),
                    _("There is no incident '{name}'.").format(name=_shorten(incident)),
                )
            )
            f = replace(f, incident=None)
    if city:
        if city in known.cities:
            f = replace(f, region=known.cities[city])
        else:
            notices.append(
                Notice(
                    _("There is no city '{name}' in the data; ignored.").format(
                        name=_shorten(city)
                    ),
                    _("There is no city '{name}' in the data.").format(name=_shorten(city)),
                )
            )
            f = replace(f, city=None)
    if f.region and f.region not in known.regions:
        notices.append(
            Notice(
                _("There is no region '{name}'; showing Russia.").format(name=f.region),
                _("There is no region '{name}'.").format(name=f.region),
            )
        )
        f = f.national()
    return f, tuple(notices)


def period_from_range(left: str, right: str) -> tuple[dt.date, dt.date]:
    """The days whose bars (centred on midnight) lie in a dragged time axis range.

    A drag inside one bar, containing no midnight, picks the day nearest its middle.
    """
    lo, hi = sorted((pd.Timestamp(left), pd.Timestamp(right)))
    start, end = lo.ceil("D").date(), hi.floor("D").date()
    if start > end:
        middle = (lo + (hi - lo) / 2).round("D").date()
        return middle, middle
    return start, end
