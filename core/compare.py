"""The Compare view's state, grammar and data, per data version (no Dash).

A Compare link is ``/compare?places=...&start=...&end=...&a=...&b=...`` (see
``docs/compare.md``); ``parse_query`` reads it against the places a data version knows, and
``CompareData`` holds what the view counts over: the dataset's coded columns (the serving
engine's, ``core.aggregates``), the place catalogue and the date bounds. ``CompareViews``
builds it once per data version, so Compare follows an ingest and honours ``v=`` like the map.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

import pandas as pd
from cachetools import LRUCache

from core import series
from core.aggregates import Columns
from core.dataset import Dataset
from core.i18n import DEFAULT, LANGUAGES, format_date, format_number, gettext
from core.spreadsheet import neutralise_formulas
from core.texts import credit_in
from core.versions import PINNED_KEPT
from core.view import METRICS, PERIOD_ALIASES, Invalid, url_date

PATH = "/compare"
MAX_PLACES = 16
LAYOUTS = ("overlay", "multiples")

#: Federal cities: the city and the region are one place. The region is kept (it has the
#: 2021 census population); the GeoNames city of the same name is an alias of it.
FEDERAL_CITIES = ("RU-MOW", "RU-SPE", "UA-40")


@dataclass(frozen=True)
class CompareState:
    """Everything the Compare view shows; parsed from and written to the query string."""

    places: tuple[str, ...]
    start: date
    end: date
    period_a: tuple[date, date]
    period_b: tuple[date, date]
    measure: str = "detained"
    metric: str = "count"
    step: str = "day"
    layout: str = "overlay"

    def to_query(self) -> str:
        """The canonical query string (``?places=...``) of this state."""
        params = {
            "places": ",".join(self.places),
            "measure": self.measure,
            "metric": self.metric,
            "step": self.step,
            "layout": self.layout,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "a": span_text(self.period_a),
            "b": span_text(self.period_b),
        }
        return "?" + urlencode(params, safe=",.")


#: The query parameters of a Compare view (what ``CompareState.to_query`` writes).
PARAMS = ("places", "measure", "metric", "step", "layout", "start", "end", "a", "b")


def span_text(span: tuple[date, date]) -> str:
    """A period as a link and a heading print it: ``DAY`` or ``DAY..DAY``."""
    first, last = span
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"


def _parse_span(text: str) -> tuple[date, date]:
    first, _, last = text.partition("..")
    span = (url_date(first), url_date(last or first))
    if span[0] > span[1]:
        raise ValueError(f"{text} ends before it starts")
    return span


def _with(state: CompareState, field: str, value: Any) -> CompareState:
    changes: dict[str, Any] = {field: value}
    return replace(state, **changes)


def halves(start: date, end: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The default periods A and B: the first and second half of ``start``..``end``.

    Two halves of the period shown are a question the table can answer at once ("more or
    fewer later on?"), where a first day against a last day was mostly empty. With an odd
    number of days the second half is a day longer; a one-day period is compared with itself.
    """
    days = (end - start).days + 1
    if days == 1:
        return (start, end), (start, end)
    middle = start + timedelta(days=days // 2 - 1)
    return (start, middle), (middle + timedelta(days=1), end)


def default_state(bounds: tuple[date, date]) -> CompareState:
    """The view before anything is chosen: the whole data period, its two halves as A and B."""
    first, last = bounds
    return CompareState((), first, last, *halves(first, last))


def parse_query(
    search: str | None,
    known: pd.Index,
    bounds: tuple[date, date],
    aliases: dict[str, str] | None = None,
    lang: str = DEFAULT,
) -> tuple[CompareState, list[str]]:
    """State from a query string, and a notice for every parameter that fell back to default.

    Place ids in ``aliases`` (a federal city's GeoNames id) become the place they stand for;
    unknown place ids are dropped; more than :data:`MAX_PLACES` are cut. The notices are in
    ``lang`` and name the parameter as the link spells it.
    """
    _ = functools.partial(gettext, lang)
    spelled = {to: name for name, to in PERIOD_ALIASES.items()}  # the map's from/to
    text = search if isinstance(search, str) else ""  # a store forged into another type
    params = {spelled.get(k, k): v[-1] for k, v in parse_qs(text.lstrip("?")).items()}
    state, notices = default_state(bounds), []
    choices = {
        "measure": series.MEASURES,
        "metric": series.SERIES_METRICS,
        "step": series.STEPS,
        "layout": LAYOUTS,
    }
    for key, allowed in choices.items():
        if key in params and params[key] not in allowed:
            notices.append(
                _("'{key}={value}' is not one of {choices}").format(
                    key=key, value=params[key][:20], choices=", ".join(allowed)
                )
            )
        elif key in params:
            state = _with(state, key, params[key])
    aliases = aliases or {}
    wanted = [p.strip() for p in params.get("places", "").split(",") if p.strip()]
    wanted = [aliases.get(p, p) for p in wanted]
    unknown = [p for p in wanted if p not in known]
    if unknown:
        shown = ", ".join(p[:20] for p in unknown[:5])
        notices.append(_("unknown places ignored: {places}").format(places=shown))
    places = tuple(dict.fromkeys(p for p in wanted if p in known))
    if len(places) > MAX_PLACES:
        notices.append(_("only the first {n} places are shown").format(n=MAX_PLACES))
    state = replace(state, places=places[:MAX_PLACES])
    for key in ("start", "end"):
        if key in params:
            try:
                state = _with(state, key, url_date(params[key]))
            except Invalid as exc:
                notices.append(f"'{key}={params[key][:20]}': {exc.said(lang)}")
    if state.start > state.end:
        notices.append(_("the period ends before it starts"))
        state = replace(state, start=bounds[0], end=bounds[1])
    period_a, period_b = halves(state.start, state.end)
    state = replace(state, period_a=period_a, period_b=period_b)
    for key, field in (("a", "period_a"), ("b", "period_b")):
        if key in params:
            try:
                state = _with(state, field, _parse_span(params[key]))
            except ValueError:
                notices.append(
                    _("'{key}={value}' is not a day or a range DAY..DAY").format(
                        key=key, value=params[key][:20]
                    )
                )
    return state, notices


@dataclass(frozen=True)
class CompareData:
    """What the view needs from one data version, with the gazetteer's city populations."""

    columns: Columns
    catalog: pd.DataFrame
    bounds: tuple[date, date]
    #: Place ids that stand for another place (a federal city's GeoNames id -> its region).
    aliases: dict[str, str]
    #: The data version counted, and who its figures come from in each language (printed on
    #: exports and downloads).
    version: str
    credits: Mapping[str, str]
    #: Other names of a place the map shows (a federal city's GeoNames names, English and
    #: Russian), so the picker finds the region under them too.
    other_names: dict[str, tuple[str, ...]]

    def parse(self, search: str | None, lang: str = DEFAULT) -> tuple[CompareState, list[str]]:
        """The state a query string asks for over this data, with notices in ``lang``."""
        return parse_query(search, self.catalog.index, self.bounds, self.aliases, lang)

    def name(self, place_id: str, lang: str) -> str:
        """A place's name in ``lang`` (its English name where the data has none in it)."""
        info = self.catalog.loc[place_id]
        column = f"name_{lang}"
        named = info[column] if column in info.index else None
        return named if isinstance(named, str) and named else str(info["name_en"])


def compare_data(data: Dataset, cities: pd.DataFrame) -> CompareData:
    """Index a dataset for the view (place catalog, federal-city aliases, date bounds)."""
    if data.extent is None:
        today = date.today()
        bounds = (today, today)
    else:
        bounds = data.extent
    attrs = pd.DataFrame(
        data.regions[
            ["region_code", "name_en", "name_ru", "status", "population", "population_source"]
        ]
    )
    catalog = series.place_catalog(data.incidents, attrs, cities)
    twin = (
        (catalog["kind"] == "city")
        & catalog["region_code"].isin(FEDERAL_CITIES)
        & (catalog["name_en"] == catalog["region_en"])
    )
    aliases = dict(zip(catalog.index[twin], catalog.loc[twin, "region_code"], strict=True))
    twins = catalog[twin].groupby("region_code")
    other_names = {
        code: tuple(dict.fromkeys([*rows["name_en"], *rows["name_ru"].dropna()]))
        for code, rows in twins
    }
    return CompareData(
        data.tables.columns,
        catalog[~twin],
        bounds,
        aliases,
        data.version,
        {lang: credit_in(data, lang) for lang in LANGUAGES},
        other_names,
    )


class CompareViews:
    """``CompareData`` per data version, built on first use (a few versions are kept)."""

    def __init__(self, cities: pd.DataFrame) -> None:
        self.cities = cities
        self._lock = threading.Lock()
        self._built: LRUCache[str, CompareData] = LRUCache(PINNED_KEPT + 1)

    def of(self, data: Dataset) -> CompareData:
        """The Compare data of ``data``'s version."""
        with self._lock:
            built = self._built.get(data.version)
        if built is None:
            built = compare_data(data, self.cities)
            with self._lock:
                self._built[data.version] = built
        return built


def summary(data: CompareData, state: CompareState) -> pd.DataFrame:
    """The comparison table of ``state`` (one row per chosen place)."""
    national = series.national_total(
        data.columns, start=state.start, end=state.end, measure=state.measure
    )
    table = series.summary_table(
        data.columns,
        data.catalog,
        state.places,
        start=state.start,
        end=state.end,
        national=national,
        measure=state.measure,
        periods=(state.period_a, state.period_b),
        nationals=nationals(data, state),
    )
    return table


def nationals(data: CompareData, state: CompareState) -> tuple[float, float]:
    """Russia's totals (federal subjects only) in periods A and B, for each period's share."""
    a, b = (
        series.national_total(data.columns, start=s, end=e, measure=state.measure)
        for s, e in (state.period_a, state.period_b)
    )
    return a, b


def place_series(
    data: CompareData, state: CompareState, lang: str = DEFAULT
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The chart's long frame of ``state``, and a display name per place, in ``lang``.

    A place without population says so in its name (per 100k). ``label`` names each step as
    people read it (``21–25 Sept 2022``).
    """
    _ = functools.partial(gettext, lang)
    frame = series.place_series(
        data.columns,
        data.catalog,
        state.places,
        start=state.start,
        end=state.end,
        measure=state.measure,
        step=state.step,
        metric=state.metric,
    )
    frame["label"] = [
        series.step_label(a, b, state.step, lang)
        for a, b in zip(frame["date"].dt.date, frame["end"].dt.date, strict=True)
    ]
    names = {}
    for pid in state.places:
        info = data.catalog.loc[pid]
        name = data.name(pid, lang)
        if info["kind"] != "city":
            name = _("{place} (region)").format(place=name)
        if state.metric == "per100k" and pd.isna(info["population"]):
            name = _("{place} (population unknown)").format(place=name)
        names[pid] = name
    return frame, names


def caption(data: CompareData, state: CompareState, lang: str = DEFAULT) -> str:
    """What the numbers are and where the populations come from, in ``lang``."""
    _ = functools.partial(gettext, lang)
    national = series.national_total(
        data.columns, start=state.start, end=state.end, measure=state.measure
    )
    what = _(METRICS[state.measure])
    total = format_number(round(national), lang) if pd.notna(national) else _("none reported")
    period = _("From {start} to {end}.").format(
        start=format_date(state.start, lang), end=format_date(state.end, lang)
    )
    return " ".join(
        [
            period,
            _(
                "Russia's total over its federal subjects (occupied Ukrainian territory "
                "excluded): {total} {what}."
            ).format(total=total, what=what),
            _(
                "Counts are lower bounds from published reports (mostly OVD-Info); days without "
                "a report are unknown, not zero. Per 100,000: regions use the 2021 census, cities "
                "the GeoNames population where GeoNames has one. Weeks run Monday to Sunday."
            ),
        ]
    )


def series_table(data: CompareData, state: CompareState, lang: str = DEFAULT) -> pd.DataFrame:
    """The chart's numbers as a table: one row per place and step, labelled both ways.

    ``period`` is the step's machine label (``2022-09-21``, ISO week ``2022-W38``, month
    ``2022-09``), ``label`` the one people read in ``lang`` (``21–25 Sept 2022``), ``place``
    the place's name in it; ``start``/``end`` are the step's first and last day inside the
    view's period. The column names and ``status`` codes stay English, for code reading it.
    """
    frame, _ = place_series(data, state, lang)
    starts = frame["date"].dt.date
    return pd.DataFrame(
        {
            "place_id": frame["place_id"],
            "place": [data.name(p, lang) for p in frame["place_id"]],
            "step": state.step,
            "period": [series.step_code(d, state.step) for d in starts],
            "label": frame["label"],
            "start": starts,
            "end": frame["end"].dt.date,
            "value": frame["value"],
            "status": frame["status"],
            "reports": frame["reports"],
        }
    )


def csv_text(table: pd.DataFrame, header: Sequence[str]) -> str:
    """A table as CSV: ``#`` lines of ``header`` on top, then raw numbers (empty if unknown).

    ``pandas.read_csv(..., comment="#")`` reads it back; text cells that look like a
    spreadsheet formula are neutralised.
    """
    lines = "".join(f"# {' '.join(line.split())}\n" for line in header)
    return lines + neutralise_formulas(table).to_csv(index=False)


def csv_header(data: CompareData, what: str, url: str, lang: str = DEFAULT) -> list[str]:
    """The CSV's provenance lines in ``lang``: what it holds, the data version, link, credit."""
    _ = functools.partial(gettext, lang)
    return [
        _("protestmap compare: {what}").format(what=what),
        _("data version: {version}").format(version=data.version),
        _("view: {url}").format(url=url),
        _("source: {credit}").format(credit=data.credits[lang]),
    ]
