"""Compressed answers are kept by their content: each reader gets exactly the bytes asked for,
in the encoding they accept, however many answers the cache holds."""

from __future__ import annotations

import gzip

import brotli
import pytest
from backports import zstd

from app import create_app
from geodata.settings import Settings

DECODE = {"gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstd.decompress}
VIEWS = ("/embed?region=RU-MOW", "/embed?region=RU-SPE", "/", "/?lang=ru")


@pytest.fixture(scope="module")
def client(built_store, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return create_app(Settings(data=built_store, cache=cache)).server.test_client()


@pytest.mark.parametrize("encoding", DECODE)
def test_each_answer_decompresses_to_its_own_bytes(client, encoding):
    plain = {path: client.get(path).data for path in VIEWS}
    for _ in range(2):  # the second round is answered from the cache
        for path in VIEWS:
            answer = client.get(path, headers={"Accept-Encoding": encoding})
            assert answer.headers["Content-Encoding"] == encoding
            assert DECODE[encoding](answer.data) == plain[path]
