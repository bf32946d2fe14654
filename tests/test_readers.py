from __future__ import annotations

import pytest

from geodata.errors import DataError
from geodata.readers import read_input

ROWS = "kind\tdate\tcity\tdetained\tsource_url\ndetention\t2022-09-21\tПермь\t3\thttps://example.org/a\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_read(tmp_path, codec):
    path = tmp_path / "unicode.csv"
    path.write_bytes(ROWS.encode(codec))
    raw = read_input(path)
    assert raw.encoding == codec and raw.delimiter == "\t"
    assert raw.frame[["city", "detained"]].values.tolist() == [["Пермь", "3"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (ROWS.encode("utf-16-le"), "NUL bytes, as UTF-16 without a byte-order mark"),
        (b"kind,date,city detention 2022-09-21 Perm", "one line with no line break"),
        (
            b"kind,date,city\ndetention,2022-09-21,Perm\ndetention;2022-09-22;Perm\n",
            "mixed delimiters: the header uses ',' but row 3 uses ';'",
        ),
        (b'kind,date\n"a,b\n', "not a readable CSV"),
    ],
    ids=["utf16-no-bom", "no-newline", "mixed-delimiters", "open-quote"],
)
def test_file_layouts_that_would_reject_every_row_are_named(tmp_path, content, message):
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_input(path)


def test_a_comma_inside_a_semicolon_file_is_not_a_mixed_delimiter(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("date;city;description\n2022-09-21;Perm;one, two, three\n", encoding="utf-8")
    assert read_input(path).frame["description"].tolist() == ["one, two, three"]


def test_missing_value_tokens_read_as_empty(tmp_path):
    path = tmp_path / "na.csv"
    path.write_text(
        "date,city,detained,participants,reporter\n"
        "2022-09-21,NA,N/A,NULL,-\n"
        "2022-09-22, ,#N/A,null,—\n",
        encoding="utf-8",
    )
    frame = read_input(path).frame
    assert frame[["city", "detained", "participants", "reporter"]].isna().all().all()
    assert frame["date"].tolist() == ["2022-09-21", "2022-09-22"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "broken.geojson",
            b'{"type":"FeatureCollection","features":[{"type":',
            "not a readable GeoJSON",
        ),
        ("garbage.parquet", bytes(range(256)) * 8, "not a readable Parquet file"),
        ("empty.parquet", b"", "not a readable Parquet file"),
    ],
)
def test_broken_geojson_and_parquet_are_named(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_input(path)
