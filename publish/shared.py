"""State shared by a fleet of servers through Redis (``PROTESTMAP_REDIS``), and nothing without it.

One process keeps its exports in a disk cache, renders each key once (``LocalFlights``) and
bounds its own render queue. Several processes on several machines would each render the same
link, each admit their own queue and each learn of an ingest on their own. With Redis:

- ``SharedExportCache``: rendered exports in Redis (and the local cache), so a render by one
  worker is a hit on every other;
- ``RedisFlights``: a Redis lock per export key, so identical misses anywhere wait for the one
  render and then read it from the cache;
- ``FleetSlots``: the render queue's limit counted across the fleet;
- ``VersionChannel``: a "new data version" message that every worker listens for.

Redis is a helper, never a dependency of an answer: ``RedisLink`` turns a lost connection into
local behaviour with one warning (no traceback), and notices when Redis is back.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError
from redis.exceptions import TimeoutError as RedisTimeout

from publish.singleflight import LocalFlights

if TYPE_CHECKING:
    from publish.exports import ExportCache

log = logging.getLogger(__name__)
T = TypeVar("T")
#: What a lost or slow Redis raises; anything else is a bug and is not swallowed.
UNREACHABLE = (RedisConnectionError, RedisTimeout, OSError)
PREFIX = "protestmap:"
VERSION_CHANNEL = PREFIX + "data-version"
SLOTS = PREFIX + "render-slots"


def _name(kind: str, key: Hashable) -> str:
    """A Redis key for a local cache key (a tuple of plain values, so its repr is stable)."""
    return f"{PREFIX}{kind}:{hashlib.sha256(repr(key).encode()).hexdigest()}"


class RedisLink:
    """A redis-py client that degrades: while Redis is unreachable, calls return a fallback.

    After a failure the link does not try again for ``retry_after`` seconds, so a dead Redis
    costs a request nothing; the first failure logs one warning and the first success after it
    one notice.
    """

    def __init__(self, url: str, *, timeout: float = 0.5, retry_after: float = 1.0) -> None:
        self.url = url
        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0

    @property
    def up(self) -> bool:
        """Whether calls go to Redis now (false during the pause after a failure)."""
        return self._down_since is None or time.monotonic() >= self._next_try

    def call(self, work: Callable[[redis.Redis], T], fallback: T) -> T:
        """``work(client)``, or ``fallback`` when Redis is unreachable."""
        if not self.up:
            return fallback
        try:
            result = work(self.client)
        except UNREACHABLE as exc:
            self.failed(exc)
            return fallback
        self.succeeded()
        return result

    def failed(self, exc: BaseException) -> None:
        """Note that Redis did not answer; warn the first time only."""
        with self._lock:
            first = self._down_since is None
            now = time.monotonic()
            self._down_since = self._down_since or now
            self._next_try = now + self.retry_after
        if first:
            log.warning(
                "Redis at %s is unreachable (%s); caching and locking locally until it is back",
                self.url,
                type(exc).__name__,
            )

    def succeeded(self) -> None:
        """Note that Redis answered; say so once if it had been down."""
        with self._lock:
            was_down = self._down_since is not None
            self._down_since = None
        if was_down:
            log.warning("Redis at %s is back; sharing the cache and locks again", self.url)


class SharedExportCache:
    """Exports in Redis for the whole fleet, and in the local disk cache as before."""

    def __init__(self, local: ExportCache, link: RedisLink, *, ttl: int = 7 * 86400) -> None:
        self.local = local
        self.link = link
        self.ttl = ttl

    def get(self, key: Hashable) -> bytes | None:
        """The bytes another worker (or this one) stored, else the local copy, else None."""
        shared = self.link.call(lambda c: c.get(_name("export", key)), None)
        if isinstance(shared, bytes):
            return shared
        return self.local.get(key)

    def set(self, key: Hashable, value: bytes) -> None:
        """Keep ``value`` here and, when Redis is up, for every worker."""
        self.local.set(key, value)
        self.link.call(lambda c: c.set(_name("export", key), value, ex=self.ttl), None)


class RedisFlights:
    """``SingleFlight`` across the fleet: one process per key runs ``work``, the rest wait.

    Within a process ``LocalFlights`` still shares one run; across processes a Redis lock per
    key makes the others wait until the run ends, then run ``work`` themselves, which finds
    the stored result (the caller's work reads the cache first). ``hold`` bounds how long a
    crashed holder can keep the lock. With Redis down, only the process-wide flight is left.
    """

    def __init__(self, link: RedisLink, *, hold: float = 60.0, wait: float = 60.0) -> None:
        self.link = link
        self.hold = hold
        self.wait = wait
        self._local = LocalFlights()

    def run(self, key: Hashable, work: Callable[[], T]) -> T:
        """``work()``'s result, after any identical run elsewhere in the fleet has ended."""
        return self._local.run(key, lambda: self._fleet(key, work))

    def _fleet(self, key: Hashable, work: Callable[[], T]) -> T:
        if not self.link.up:
            return work()
        lock = self.link.client.lock(
            _name("flight", key), timeout=self.hold, blocking_timeout=self.wait, sleep=0.05
        )
        try:
            held = lock.acquire()
        except UNREACHABLE as exc:
            self.link.failed(exc)
            return work()
        self.link.succeeded()
        try:
            return work()
        finally:
            if held:
                self._release(lock)

    def _release(self, lock: redis.lock.Lock) -> None:
        try:
            lock.release()
        except LockError:
            pass  # held longer than ``hold``: it expired, and another run may have it now
        except UNREACHABLE as exc:
            self.link.failed(exc)


#: Take a slot when fewer than ARGV[3] are held, after dropping slots older than ARGV[2].
_TAKE_SLOT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  return 1
end
return 0
"""


class FleetSlots:
    """A counting semaphore in Redis: at most ``limit`` renders running or waiting fleet-wide.

    A slot is a member of a sorted set scored by when it was taken; slots older than ``hold``
    seconds (a worker that died mid-render) are dropped, so the limit cannot leak away. With
    Redis down every request is admitted here and only the process's own queue limits it.
    """

    def __init__(self, link: RedisLink, *, limit: int, hold: float) -> None:
        self.link = link
        self.limit = limit
        self.hold = hold
        self._take = link.client.register_script(_TAKE_SLOT)

    def acquire(self) -> Callable[[], None] | None:
        """A function that frees the slot taken, or None when the fleet's queue is full."""
        token = uuid.uuid4().hex
        now = time.time()
        args: list[str | float] = [now, now - self.hold, self.limit, token]
        taken = self.link.call(lambda c: self._take(keys=[SLOTS], args=args), 1)
        if not taken:
            return None

        def release() -> None:
            self.link.call(lambda c: c.zrem(SLOTS, token), 0)

        return release


class VersionChannel:
    """The "new data version" message: the writer publishes it, every worker listens."""

    def __init__(self, link: RedisLink) -> None:
        self.link = link
        self._closed = threading.Event()

    def announce(self, version: str) -> int:
        """Tell every listening worker that ``version`` is the latest (how many heard it)."""
        return int(self.link.call(lambda c: c.publish(VERSION_CHANNEL, version), 0))

    def listen(self, on_version: Callable[[str], None]) -> threading.Thread:
        """Call ``on_version`` for each message, in a daemon thread that survives Redis restarts."""
        thread = threading.Thread(
            target=self._loop, args=(on_version,), name="data-version", daemon=True
        )
        thread.start()
        return thread

    def close(self) -> None:
        """Stop listening (within a second)."""
        self._closed.set()

    def _loop(self, on_version: Callable[[str], None]) -> None:
        while not self._closed.is_set():
            try:
                self._subscribed(on_version)
            except UNREACHABLE as exc:
                self.link.failed(exc)
                self._closed.wait(self.link.retry_after)

    def _subscribed(self, on_version: Callable[[str], None]) -> None:
        pubsub = self.link.client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(VERSION_CHANNEL)
            self.link.succeeded()
            while not self._closed.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message and message["type"] == "message":
                    on_version(message["data"].decode())
        finally:
            pubsub.close()
