"""What the store holds per campaign and per reporter (pure), for ``protestmap info``.

A journalist checking a figure needs to see which campaign and which reporter it comes from:
the totals per group make a wrong import (a campaign that doubled, a reporter with no
detentions) visible at a glance.
"""

from __future__ import annotations

import pandas as pd

#: Columns of a breakdown, in order.
COLUMNS = ("incidents", "detention incidents", "rallies", "detained", "first date", "last date")


def by_campaign(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per campaign ('(none)' for incidents without one)."""
    return _totals(incidents.assign(_group=incidents["campaign"].fillna("(none)")))


def by_reporter(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per reporter of any source of an incident ('(unknown)' where none is named).

    An incident reported by two reporters counts under both; ``detained`` is the sum of the
    headline figures of the incidents the reporter reported on, not of its own figures.
    """
    reporters = incidents["sources"].map(
        lambda sources: sorted({s["reporter"] or "(unknown)" for s in sources}) or ["(unknown)"]
    )
    exploded = incidents.assign(_group=reporters).explode("_group")
    return _totals(exploded)


def _totals(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    grouped = frame.groupby("_group", sort=True)
    detained = frame["detained"].where(frame["kind"] == "detention")
    table = pd.DataFrame(
        {
            "incidents": grouped.size(),
            "detention incidents": (frame["kind"] == "detention").groupby(frame["_group"]).sum(),
            "rallies": (frame["kind"] == "rally").groupby(frame["_group"]).sum(),
            "detained": detained.groupby(frame["_group"]).sum(min_count=0),
            "first date": grouped["date"].min(),
            "last date": grouped["date"].max(),
        }
    )
    return table.sort_values("incidents", ascending=False, kind="stable")
