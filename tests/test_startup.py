"""What a server reads at start-up, and what it keeps so the next start-up is quick."""

from __future__ import annotations

import pandas as pd

from app import load_cities
from core import series
from geodata.geocoding import read_geonames


def test_the_gazetteer_city_table_is_kept_in_the_cache_folder(tmp_path):
    parsed = series.gazetteer_cities(read_geonames())
    pd.testing.assert_frame_equal(load_cities(tmp_path), parsed)
    (kept,) = tmp_path.glob("gazetteer-cities-*.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(kept), parsed)
    pd.testing.assert_frame_equal(load_cities(tmp_path), parsed)  # read back from it


def test_a_cache_folder_that_cannot_be_written_still_gives_the_table(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    cities = load_cities(blocked / "cache")
    pd.testing.assert_frame_equal(cities, series.gazetteer_cities(read_geonames()))
