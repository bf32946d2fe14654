"""Gunicorn settings for protestmap: ``gunicorn -c deploy/gunicorn.conf.py app:server``.

The same options as ``protestmap serve --workers N`` (``servers.gunicorn_options``); the
environment chooses the address and the process counts, ``PROTESTMAP_DATA`` the store.
"""

import os

from servers import gunicorn_options

globals().update(
    gunicorn_options(
        bind=os.environ.get("PROTESTMAP_BIND", "127.0.0.1:8050"),
        workers=int(os.environ.get("PROTESTMAP_WORKERS", "2")),
        threads=int(os.environ.get("PROTESTMAP_THREADS", "8")),
    )
)
