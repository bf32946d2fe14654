"""The tables behind the dashboard's views, each computed once per question and kept a while.

Consecutive views ask mostly the same questions. The map and the panels of one view count
the same rows; a metric or colouring change keeps every row set; a period change keeps the
timeline's days; drilling into a region keeps the national counts the map still shows, and
the region's cities are the same for the map's bubbles and the side panel. At a million
incidents each such table is 5–40 ms of counting, so asking twice was most of an interaction.

Each method's cache key is the part of the filters that decides its answer (``_rows_key``
drops the metric, the colouring and the chosen incident), so a question differently worded
still hits. Caches are small LRUs per dataset: a new data version is a new ``Dataset`` with
empty caches. While one thread computes a table, another asking the same question waits for
it instead of counting again (the map and panels callbacks of one view arrive together).

Cached values are shared: callers must not modify them.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from operator import attrgetter
from typing import Any

import numpy as np
import pandas as pd
from cachetools import LRUCache, cachedmethod

from core import aggregates
from core.aggregates import Summary
from core.view import Filters

#: Row positions are up to 8 MB each at a million incidents; tables are a few KB.
_POSITIONS_KEPT = 6
_TABLES_KEPT = 64
#: The caches, one per memoised method: of row positions, and of tables.
_POSITIONS = ("selected", "rows")
_TABLES = ("region counts", "regions", "cities", "days", "summary", "newest")
_LOCK = attrgetter("_lock")


def _memo(cache: str) -> Any:
    """Memoise a method in the LRU named ``cache``; callers of a key being computed wait."""
    return cachedmethod(lambda self: self._caches[cache], lock=_LOCK, condition=_LOCK)


def _rows_key(f: Filters) -> Filters:
    """``f`` without what does not pick rows (metric, colouring, symbols, the incident)."""
    return replace(f, metric="detained", classing="quantile", incident=None, symbols=True)


def everywhere(f: Filters) -> Filters:
    """The rows the map colours: every region, occupied territory included (shown apart)."""
    return replace(f, region=None, city=None, incident=None, occupied=True)


class ViewTables:
    """``core.aggregates`` over one dataset's columns, memoised per question."""

    def __init__(
        self, columns: aggregates.Columns, incidents: pd.DataFrame, regions: pd.DataFrame
    ) -> None:
        self.columns = columns
        self.incidents = incidents
        # Only what a region table needs, as a plain frame: selecting columns of the
        # GeoDataFrame cost 2 ms per table.
        self.regions = pd.DataFrame(regions[list(aggregates.REGION_COLUMNS)])
        self._lock = threading.Condition()
        self._caches: dict[str, LRUCache[Any, Any]] = {
            name: LRUCache(_POSITIONS_KEPT if name in _POSITIONS else _TABLES_KEPT)
            for name in (*_POSITIONS, *_TABLES)
        }

    def clear(self) -> None:
        """Forget every table (benchmarks use it to measure a view asked for the first time)."""
        with self._lock:
            for cache in self._caches.values():
                cache.clear()

    def rows(self, f: Filters) -> np.ndarray:
        """Positions of the rows in view (period, kinds, tags, campaign, then the place)."""
        return self._rows(_rows_key(f))

    def region_table(self, f: Filters, metric: str) -> pd.DataFrame:
        """``aggregates.region_table`` of the rows of ``f`` (see ``everywhere`` for the map)."""
        return self._region_table(_rows_key(f), metric)

    def city_table(self, f: Filters) -> pd.DataFrame:
        """``aggregates.city_table`` of the rows of ``f``."""
        return self._city_table(_rows_key(f))

    def daily_table(self, f: Filters) -> pd.DataFrame:
        """``aggregates.daily_table`` of the rows of ``f``."""
        return self._daily_table(_rows_key(f))

    def summary(self, f: Filters) -> Summary:
        """``aggregates.summarise`` of the rows of ``f``."""
        return self._summary(_rows_key(f))

    def newest(self, f: Filters, limit: int) -> tuple[int, np.ndarray]:
        """How many rows ``f`` has, and the positions of its ``limit`` newest (table order)."""
        return self._newest(_rows_key(f), limit)

    @_memo("selected")
    def _selected(self, key: Filters) -> np.ndarray:
        return aggregates.select_rows(self.columns, key)

    @_memo("rows")
    def _rows(self, key: Filters) -> np.ndarray:
        picked = Filters(
            start=key.start, end=key.end, kinds=key.kinds, tags=key.tags, campaign=key.campaign
        )
        return aggregates.scope_rows(self.columns, self._selected(picked), key)

    @_memo("region counts")
    def _region_counts(self, key: Filters) -> pd.DataFrame:
        return aggregates.region_counts(self.columns, self._rows(key))

    @_memo("regions")
    def _region_table(self, key: Filters, metric: str) -> pd.DataFrame:
        return aggregates.region_frame(self._region_counts(key), self.regions, metric)

    @_memo("cities")
    def _city_table(self, key: Filters) -> pd.DataFrame:
        return aggregates.city_table(self.columns, self._rows(key), self.incidents)

    @_memo("days")
    def _daily_table(self, key: Filters) -> pd.DataFrame:
        return aggregates.daily_table(self.columns, self._rows(key))

    @_memo("summary")
    def _summary(self, key: Filters) -> Summary:
        return aggregates.summarise(self.columns, self._rows(key))

    @_memo("newest")
    def _newest(self, key: Filters, limit: int) -> tuple[int, np.ndarray]:
        order = aggregates.newest_first(self.columns, self._rows(key))
        return len(order), order[:limit].copy()
