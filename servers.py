"""How protestmap is served: waitress in one process, or gunicorn's pre-fork workers.

One process is the default and needs nothing else. Several workers let a machine's cores answer
at once: the app (and with it the dataset) is built once in gunicorn's master before it forks,
so the workers share the dataset's memory pages instead of each reading the store.
``deploy/gunicorn.conf.py`` takes the same options, so ``gunicorn -c deploy/gunicorn.conf.py
app:server`` and ``protestmap serve --workers N`` run the same server.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

WSGIApp = Callable[..., Any]

#: Longer than the render pool's wait (45 s) so a slow export is answered, not killed.
WORKER_TIMEOUT = 90


def freeze_heap(_arbiter: object = None) -> None:
    """Put everything built at start-up out of the cyclic garbage collector's sight.

    The dataset, the boundaries and the built pages live as long as the process. Left in the
    collector's oldest generation, every full collection walked them all with the interpreter
    lock held: 110–140 ms at a million incidents, a pause for every request of the process
    (``gc.freeze`` brought it to 11 ms). In gunicorn's master, before it forks (its
    ``when_ready`` hook), it also keeps the workers' collections from writing to the pages
    they share with it.
    """
    gc.collect()
    gc.freeze()


def gunicorn_options(*, bind: str, workers: int, threads: int) -> dict[str, Any]:
    """Gunicorn settings for protestmap: threaded workers over one preloaded app."""
    return {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": True,
        "timeout": WORKER_TIMEOUT,
        "graceful_timeout": 30,
        "keepalive": 5,
        "errorlog": "-",
        # Unused, and a fixed path that two servers on one machine would fight over.
        "control_socket_disable": True,
        "when_ready": freeze_heap,
    }


class _Prefork(BaseApplication):  # type: ignore[misc]
    """Gunicorn over an app object already built in this process (the master)."""

    def __init__(self, wsgi: WSGIApp, options: dict[str, Any]) -> None:
        self._wsgi = wsgi
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self._wsgi


def serve(
    wsgi: WSGIApp, *, host: str, port: int, threads: int, workers: int, max_body: int
) -> None:
    """Serve ``wsgi`` until stopped: waitress for one worker, gunicorn for more.

    waitress reads a whole request body before the app sees it, so it must refuse one over
    ``max_body`` from its header itself; gunicorn streams the body to the app, whose own cap
    (Flask's ``MAX_CONTENT_LENGTH``) refuses it unread.
    """
    if workers == 1:
        import waitress

        freeze_heap()
        waitress.serve(wsgi, host=host, port=port, threads=threads, max_request_body_size=max_body)
        return
    options = gunicorn_options(bind=f"{host}:{port}", workers=workers, threads=threads)
    _Prefork(wsgi, options).run()
