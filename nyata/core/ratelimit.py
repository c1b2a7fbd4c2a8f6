"""Counting requests per client address, for anonymous work that costs the server something.

The address is kept only as a salted hash, only in the cache, only for the window: enough to
count, useless to identify anyone. The same limiter serves the survey form, the public
verification page and the login form. With several processes the cache must be shared
(`NYATA_CACHE_URL`, e.g. Redis); the default per-process cache multiplies each limit by the
number of processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind `NYATA_TRUSTED_PROXY_COUNT` proxies the
    address the outermost trusted proxy saw (X-Forwarded-For read from the right, so a client
    cannot choose its own address by sending the header)."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < proxies:
        return remote
    return cast("str", forwarded[-proxies])


def address_hash(request: HttpRequest, scope: str = "survey") -> str:
    return salted_hmac(f"nyata.ratelimit.{scope}", client_address(request)).hexdigest()[:32]


@dataclass(frozen=True)
class Limit:
    """`limit` requests per `window` seconds per address, counted under `scope`."""

    scope: str
    limit: int
    window: int

    def key(self, request: HttpRequest, bucket: str = "") -> str:
        return f"nyata:rl:{self.scope}:{bucket}:{address_hash(request, self.scope)}"

    def exceeded(self, request: HttpRequest, bucket: str = "") -> bool:
        return int(cache.get(self.key(request, bucket)) or 0) >= self.limit

    def count(self, request: HttpRequest, bucket: str = "") -> None:
        key = self.key(request, bucket)
        if not cache.add(key, 1, self.window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, self.window)

    def take(self, request: HttpRequest, bucket: str = "") -> bool:
        """Count this request; False when the address already used up its allowance."""
        if self.exceeded(request, bucket):
            return False
        self.count(request, bucket)
        return True


def refused(request: HttpRequest, limit: Limit) -> HttpResponse:
    """The page for an address that used up its allowance: what happened and how long to wait."""
    minutes = max(1, limit.window // 60)
    response = render(request, "core/throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(limit.window)
    return response
