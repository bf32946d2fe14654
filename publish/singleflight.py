"""Single flight: identical concurrent requests share one piece of work instead of each doing it.

An export that is not cached yet costs a figure build and a Chromium render; a link shared
in a chat is opened by many readers in the same second, and each would render it again.
``run(key, work)`` lets the first caller of a key do the work while the others wait for its
result (or its exception). ``LocalFlights`` does this within one process; for a fleet of
servers ``publish.shared.RedisFlights`` adds a Redis lock per key on top of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Protocol, TypeVar

T = TypeVar("T")


class SingleFlight(Protocol):
    """Run ``work`` once for callers of the same ``key`` that overlap in time."""

    def run(self, key: Hashable, work: Callable[[], T]) -> T:
        """``work()``'s result, computed by this caller or by one already running it."""
        ...


class LocalFlights:
    """``SingleFlight`` within one process: waiting threads share the first caller's result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[Hashable, Future] = {}

    def run(self, key: Hashable, work: Callable[[], T]) -> T:
        """``work()``'s result; a caller arriving while the key runs waits for that run."""
        with self._lock:
            running = self._running.get(key)
            if running is None:
                mine: Future = Future()
                self._running[key] = mine
        if running is not None:
            return running.result()
        try:
            result = work()
        except BaseException as exc:
            mine.set_exception(exc)
            raise
        else:
            mine.set_result(result)
            return result
        finally:
            with self._lock:
                del self._running[key]
