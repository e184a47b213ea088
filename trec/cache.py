"""The hub's cache: Redis when configured, degrading to a per-process memory cache while
Redis is unreachable, and versioned keys for cached reads that must never be stale.

Redis down must not take pages, sign-in or registration with it (issue 11). Django's
own Redis backend raises on every call when the server is away; `FallbackRedisCache`
catches those errors, serves the call from a local-memory cache instead and stops
asking Redis for `RETRY_SECONDS` (a small circuit breaker, so a hung server costs one
timeout, not one a request). allauth's rate limits and the gratitude spam guard keep
counting in the meantime, per process.

Cached reads (catalog facet counts, the provider directory) are keyed by a *version*
that `bump()` increments whenever data they depend on changes (signal receivers in
`trec.cache_signals`), so a change shows on the next request; a short timeout backs
that up for changes that bypass signals (`QuerySet.update`) and for the clock
(`Event.objects.listed()` drops events as they end).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time

import redis.exceptions
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

REDIS_DOWN = (
    redis.exceptions.ConnectionError,  # includes BusyLoadingError
    redis.exceptions.TimeoutError,
    OSError,
)


class FallbackRedisCache(RedisCache):
    """RedisCache that falls back to local memory while Redis is unreachable.

    OPTIONS may carry `FALLBACK_RETRY_SECONDS` (default 5): how long to stay on the
    fallback after a failure before trying Redis again.
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("FALLBACK_RETRY_SECONDS", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.fallback = LocMemCache(
            f"trec-fallback-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10_000}},
        )
        self.down_until = 0.0

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self.down_until

    def _call(self, name: str, *args, **kwargs):
        if not self.is_down:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_DOWN as error:
                self.down_until = time.monotonic() + self.retry_seconds
                logger.warning(
                    "cache: Redis is unreachable (%r); using the local-memory fallback for %.0fs",
                    error,
                    self.retry_seconds,
                )
        return getattr(self.fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self.fallback.clear()
        return self._call("clear")


# --- Versioned reads -------------------------------------------------------------------


def _version_key(namespace: str) -> str:
    return f"version:{namespace}"


def current_version(namespace: str) -> int:
    """The namespace's data version (created on first use)."""
    key = _version_key(namespace)
    version = cache.get(key)
    if version is None:
        # A fresh random-ish start, so a cache that lost the key (restart, eviction)
        # never hands back entries written under an old, reused number.
        version = time.time_ns()
        if not cache.add(key, version, timeout=None):
            version = cache.get(key, version)
    return version


def bump(*namespaces: str) -> None:
    """Data under these namespaces changed: entries written before are never read again."""
    for namespace in namespaces:
        key = _version_key(namespace)
        try:
            cache.incr(key)
        except ValueError:  # not there yet (or evicted): start a new series
            cache.set(key, time.time_ns(), timeout=None)


def versioned_key(namespace: str, params: dict) -> str:
    """A cache key for a read of `namespace` with these parameters, in the active
    language (labels are translated), under the namespace's current version."""
    payload = json.dumps(params, sort_keys=True, default=str)
    digest = hashlib.sha256(payload.encode()).hexdigest()[:32]
    return f"{namespace}:{current_version(namespace)}:{get_language() or ''}:{digest}"


def cache_seconds(name: str) -> int:
    """How long cached reads of this kind live (0 = not cached), from settings.CACHED_READS."""
    return int(getattr(settings, "CACHED_READS", {}).get(name, 0))
