"""Everything the dashboard serves, read from the store once and kept in memory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from geodata import queries


@dataclass(frozen=True)
class Dataset:
    """Prepared incidents, regions, countries and what is derived from them at start-up."""

    incidents: pd.DataFrame
    regions: gpd.GeoDataFrame
    countries: gpd.GeoDataFrame
    metadata: dict[str, Any]
    catalogue: queries.Catalogue
    as_of: str | None
    #: Display names of regions and cities, for the breadcrumb and descriptions.
    names: dict[str, str]

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
    incidents: gpd.GeoDataFrame,
    regions: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    metadata: dict[str, Any],
) -> Dataset:
    """Prepare stored tables for serving (pure: the caller reads the files)."""
    regions = regions.sort_values("region_code").reset_index(drop=True)
    prepared = queries.prepare_incidents(incidents, regions)
    names = dict(zip(regions["region_code"], regions["name_en"], strict=True))
    names |= dict(zip(prepared["city_key"], prepared["city_label"], strict=True))
    return Dataset(
        incidents=prepared,
        regions=regions,
        countries=countries,
        metadata=metadata,
        catalogue=queries.build_catalogue(prepared, regions),
        as_of=queries.data_as_of(prepared),
        names=names,
    )
