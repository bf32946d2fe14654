"""Date-axis ticks written by Babel, for static exports in a translated language.

plotly.js writes a date axis's month names itself, from its locale: the dashboard and the
embed give it the page's (``core.i18n.plotly_locale``). kaleido's export page keeps only a
figure's data and layout, never its config, so a translated export names its ticks itself: a
handful of days, or of month starts, between the axis's ends, each written by Babel in the
language's conventions ("21 сент.", "окт. 2022 г.").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from babel import dates

from core.i18n import LOCALES

#: Tick spacings tried in turn, finest first: days apart, then months apart.
DAY_STEPS = (1, 2, 7, 14)
MONTH_STEPS = (1, 2, 3, 6, 12)
#: At most this many ticks, so that their labels never run into each other.
MOST_TICKS = 8


def date_ticks(first: dt.date, last: dt.date, lang: str, most: int = MOST_TICKS) -> dict[str, Any]:
    """Axis properties naming at most ``most`` ticks from ``first`` to ``last`` in ``lang``.

    Short spans tick days ("21 сент.", the first with its year), long ones month starts
    ("окт. 2022 г.").
    """
    locale = LOCALES[lang]
    for step in DAY_STEPS:
        days = pd.date_range(first, last, freq=f"{step}D")
        if len(days) <= most:
            labels = [dates.format_skeleton("MMMd", d, locale=locale) for d in days]
            labels[:1] = [dates.format_skeleton("yMMMd", d, locale=locale) for d in days[:1]]
            return _ticks(days, labels)
    starts = pd.date_range(first, last, freq="MS")
    chosen = next(starts[::s] for s in MONTH_STEPS if len(starts[::s]) <= most or s == 12)
    return _ticks(chosen, [dates.format_skeleton("yMMM", d, locale=locale) for d in chosen])


def _ticks(days: pd.DatetimeIndex, labels: list[str]) -> dict[str, Any]:
    return {
        "tickmode": "array",
        "tickvals": days.strftime("%Y-%m-%d").tolist(),
        "ticktext": labels,
    }
