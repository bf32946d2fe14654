"""One data version as served: read from the store once, prepared, kept in memory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa

from core import aggregates, view
from core.i18n import gettext
from core.prepared import NO_CITY, prepare_incidents
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

    @property
    def extent(self) -> tuple | None:
        """First and last day of the whole store (the timeline's default frame)."""
        if self.incidents.empty:
            return None
        dates = self.incidents["date"]
        return dates.min().date(), dates.max().date()


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
    regions = regions.sort_values("region_code").reset_index(drop=True)
    prepared = prepare_incidents(incidents, regions)
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


def read_dataset(data_dir: Path, incidents_path: Path) -> Dataset:
    """Read the store's tables and prepare them (the app's only file reads).

    ``incidents_path`` is the live incidents file or a pinned version's snapshot; regions and
    countries always come from ``data_dir``. Incidents are read as Arrow, which skips turning
    a million source lists into Python objects.
    """
    return build_dataset(
        # One chunk per column (the read's chunked table is freed at once): taking the
        # incident table's few hundred rows from 20 row-group chunks cost ~3 ms per text
        # column and ~20 ms for the sources, at every view change.
        store.read_incidents_arrow(incidents_path).combine_chunks(),
        store.read_regions(data_dir / "regions.parquet"),
        store.read_countries(data_dir / "countries.parquet"),
        store.read_metadata(incidents_path),
    )
