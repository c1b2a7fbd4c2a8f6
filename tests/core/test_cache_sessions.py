"""Cache and sessions: Django's own backends, Redis when NYATA_REDIS_URL is set.

The Redis round trip runs against the Redis these machines have (127.0.0.1:6379); without one it
is skipped loudly, and NYATA_REQUIRE_REDIS=1 (CI) turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from typing import Any

import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.conftest import World

REDIS = os.environ.get("NYATA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _settings_of(env: dict[str, str]) -> dict[str, Any]:
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            "print(json.dumps({'cache': s.CACHES['default']['BACKEND'], 'session': s.SESSION_ENGINE}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                         env={**os.environ, "DJANGO_SETTINGS_MODULE": "nyata.settings", **env})
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_without_redis_the_embedded_default_needs_nothing() -> None:
    got = _settings_of({"NYATA_REDIS_URL": ""})
    assert got == {"cache": "django.core.cache.backends.locmem.LocMemCache",
                   "session": "django.contrib.sessions.backends.db"}


def test_with_redis_the_cache_is_shared_and_sessions_are_cached_in_front_of_the_database() -> None:
    got = _settings_of({"NYATA_REDIS_URL": REDIS})
    assert got == {"cache": "django.core.cache.backends.redis.RedisCache",
                   "session": "django.contrib.sessions.backends.cached_db"}


def _redis_up() -> bool:
    host, _, port = REDIS.split("//", 1)[1].split("/", 1)[0].partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.django_db
def test_a_signed_in_session_lives_in_redis_and_survives_its_loss(world: World, settings: Any) -> None:
    if not _redis_up():
        message = f"Redis not reachable at {REDIS}: the Redis session test NOT RUN"
        if os.environ.get("NYATA_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"nyata-test-{secrets.token_hex(4)}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS,
                                   "KEY_PREFIX": prefix}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache = caches["default"]  # the settings override rebuilt the cache handlers
    client = world.client("leader")
    key = client.session.session_key
    cached = f"django.contrib.sessions.cached_db{key}"
    try:
        assert client.get(reverse("dash_home")).status_code == 200
        assert key and cache.get(cached) is not None
        cache.delete(cached)  # Redis restarted: the database still holds the session
        assert client.get(reverse("dash_home")).status_code == 200
        assert cache.get(cached) is not None  # and Redis holds it again
    finally:
        cache.delete(cached)
