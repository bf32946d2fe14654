"""Compressed answers kept by their content, so identical bytes are compressed once.

Many readers of one shared view get the same callback answers, byte for byte (the counting
engine memoises its tables and the page cache its layouts), and compressing them was the
largest single cost of a request: gzip took 2.35 s of the 12.1 s of CPU that 655 replayed
requests cost at 1M incidents (cProfile of ``bench.load``'s recorded requests, see
docs/performance.md). flask-compress keeps compressed bodies in a cache under a key it asks
the app for; the key here is a digest of the uncompressed body itself, so a cached answer can
only ever stand for the very same bytes.
"""

from __future__ import annotations

import hashlib

import flask
from cachelib import SimpleCache
from flask_compress import Compress

GEOJSON = "application/geo+json"
#: Compressed bodies kept per process (the oldest go first); a large answer is ~60 KB gzip.
KEPT = 256


def install(server: flask.Flask) -> None:
    """Compress ``server``'s answers (zstd, brotli or gzip, as the reader accepts), by content.

    Installed here rather than by Dash's ``compress=True`` so that the answer is at hand when
    flask-compress asks for its cache key (with the request only): Flask runs the hooks
    registered last first, so the hook keeping the answer comes after flask-compress's.
    """
    server.config["COMPRESS_CACHE_BACKEND"] = lambda: SimpleCache(threshold=KEPT, default_timeout=0)
    server.config["COMPRESS_CACHE_KEY"] = _body_key
    compress = Compress(server)
    # GeoJSON too: the maps' boundary files (``layers.geofiles``) and the incidents download.
    server.config["COMPRESS_MIMETYPES"].append(GEOJSON)
    compress.compress_mimetypes_set.add(GEOJSON)

    @server.after_request
    def _keep_answer(response: flask.Response) -> flask.Response:
        flask.g.compress_answer = response
        return response


def _body_key(request: flask.Request) -> str:
    """The digest of the answer about to be compressed (``request`` names no content)."""
    body = flask.g.compress_answer.get_data()
    return hashlib.blake2b(body, digest_size=20).hexdigest()
