from __future__ import annotations

import pytest

from geodata.sources import split_source_cell


@pytest.mark.parametrize(
    ("cell", "urls", "note"),
    [
        ("https://ovdinfo.org/a", ("https://ovdinfo.org/a",), None),
        (
            "https://ovdinfo.org/a https://t.me/b",
            ("https://ovdinfo.org/a", "https://t.me/b"),
            None,
        ),
        (
            "https://a.example/1,https://a.example/2",
            ("https://a.example/1", "https://a.example/2"),
            None,
        ),
        (
            "https://a.example/1;\nhttps://a.example/2",
            ("https://a.example/1", "https://a.example/2"),
            None,
        ),
        ("ovdinfo.org/news/2022/09/21", ("https://ovdinfo.org/news/2022/09/21",), None),
        ("www.example.org/x.", ("https://www.example.org/x",), None),
        (
            "see https://a.example/1 (updated), and meduza.io/feature",
            ("https://a.example/1", "https://meduza.io/feature"),
            "see (updated), and",
        ),
        ("(https://a.example/1)", ("https://a.example/1",), None),
        (
            "https://www.wnp.pl/rynki/rosja-protesty,625992.html",
            ("https://www.wnp.pl/rynki/rosja-protesty,625992.html",),
            None,
        ),
        (
            "https://a.example/1;https://a.example/2,",
            ("https://a.example/1", "https://a.example/2"),
            None,
        ),
        ("https://a.example/1 https://a.example/1", ("https://a.example/1",), None),
        ("at least 5, e.g. 3.5", (), "at least 5, e.g. 3.5"),
        ("OVD-Info telegram", (), "OVD-Info telegram"),
    ],
)
def test_source_cells(cell, urls, note):
    assert split_source_cell(cell) == (urls, note)
