"""One data version as served: read from the store once, prepared, kept in memory."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from core import aggregates, servingfile, view
from core.i18n import gettext
from core.prepared import NO_CITY, TAG_BITS, prepare_incidents
from core.texts import credit_line
from core.viewtables import ViewTables
from geodata import store


@dataclass(frozen=True)
class Dataset:
    """Prepared incidents, regions, countries and what is derived from them at start-up."""

    incidents: pd.DataFrame
    regions: gpd.GeoDataFrame
    countries: gpd.GeoDataFrame
    metadata: dict[str, Any]
    catalogue: view.Catalogue
    #: Who the figures come from (``core.texts.credit_line``), printed on every snapshot.
    credit: str
    #: Display names of regions and cities, for the breadcrumb and descriptions.
    names: dict[str, str]
    #: The same in Russian: the regions table's and the gazetteer's Russian names; a city
    #: without a known Russian name keeps its English one (never a made-up spelling).
    names_ru: dict[str, str]
    #: The callbacks' fast path: ``incidents`` coded as numpy arrays (``tables.columns``)
    #: and the tables over them, memoised per question.
    tables: ViewTables

    def names_in(self, lang: str) -> dict[str, str]:
        """Display names of regions and cities in ``lang``."""
        return self.names_ru if lang == "ru" else self.names

    @property
    def version(self) -> str:
        """The store's content hash (changes whenever the data does)."""
        return str(self.metadata.get("data_version", "unknown"))

    @functools.cached_property
    def extent(self) -> tuple | None:
        """First and last day of the whole store (the timeline's default frame).

        Found once: at 1M incidents the scan took 3 ms, and each view change asks three times.
        """
        if self.incidents.empty:
            return None
        dates = self.incidents["date"]
        return dates.min().date(), dates.max().date()

    @functools.cached_property
    def tag_counts(self) -> dict[str, int]:
        """How many incidents carry each tag, in the whole store (the tag filter's labels).

        Counted once per version: at 1M incidents the count took 27 ms of every page load.
        """
        bits = self.tables.columns.tag_bits
        return {tag: int(np.count_nonzero(bits & bit)) for tag, bit in TAG_BITS.items()}


def build_dataset(
    incidents: gpd.GeoDataFrame | pa.Table,
    regions: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    metadata: dict[str, Any],
) -> Dataset:
    """Prepare stored tables for serving (pure: the caller reads the files).

    ``incidents`` is best the stored Arrow table (``store.read_incidents_arrow``): it skips
    turning a million source lists into Python objects.
    """
    regions = _sorted(regions)
    return assemble_dataset(prepare_incidents(incidents, regions), regions, countries, metadata)


def _sorted(regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return regions.sort_values("region_code").reset_index(drop=True)


def assemble_dataset(
    prepared: pd.DataFrame,
    regions: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    metadata: dict[str, Any],
) -> Dataset:
    """A dataset over already prepared incidents (``prepare_incidents`` or a serving file)."""
    regions = _sorted(regions)
    names = dict(zip(regions["region_code"], regions["name_en"], strict=True))
    cities = prepared.drop_duplicates("city_key", keep="last")
    names |= dict(zip(cities["city_key"], cities["city_label"], strict=True))
    russian = regions["name_ru"].fillna(regions["name_en"])
    names_ru = dict(zip(regions["region_code"], russian, strict=True))
    russian = cities["city_ru"].fillna(cities["city_label"])
    russian = russian.where(cities["city_ru"].notna() | ~cities["city_key"].str.startswith("r:"))
    names_ru |= dict(zip(cities["city_key"], russian.fillna(gettext("ru", NO_CITY)), strict=True))
    return Dataset(
        incidents=prepared,
        regions=regions,
        countries=countries,
        metadata=metadata,
        catalogue=view.build_catalogue(prepared, regions),
        credit=credit_line(prepared),
        names=names,
        names_ru=names_ru,
        tables=ViewTables(aggregates.build_columns(prepared), prepared, regions),
    )


def read_dataset(data_dir: Path, incidents_path: Path, *, cache: Path | None = None) -> Dataset:
    """Read the store's tables and prepare them (the app's only file reads).

    ``incidents_path`` is the live incidents file or a pinned version's snapshot; regions and
    countries always come from ``data_dir``. The prepared incidents come memory-mapped from
    the version's serving file (``core.servingfile``): the writer's, beside the store, else
    one this server built in ``cache``.
    """
    regions = _sorted(store.read_regions(data_dir / "regions.parquet"))
    places = [data_dir / servingfile.FOLDER]
    prepared = servingfile.prepared_incidents(incidents_path, regions, places=places, cache=cache)
    return assemble_dataset(
        prepared,
        regions,
        store.read_countries(data_dir / "countries.parquet"),
        store.read_metadata(incidents_path),
    )
