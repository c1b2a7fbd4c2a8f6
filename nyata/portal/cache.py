"""The portal's page cache: rendered pages keyed by Pemda and language, dropped on change.

The default LocMemCache is per process: with several gunicorn workers an invalidation reaches
only the worker that made the change, so the timeout is short (PAGE_TIMEOUT) to bound how
stale another worker can be. A shared cache (Redis/Memcached) makes invalidation exact.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

PAGE_TIMEOUT = 60


def page_key(pemda_code: str, page: str, language: str) -> str:
    # Keyed by the code in the URL, so a cache hit needs no database query at all.
    return f"nyata:portal:{pemda_code}:{page}:{language}"


PAGES = ("home",)


def invalidate(pemda_id: int) -> None:
    """Drop every cached portal page of a Pemda (called after a product or survey changes)."""
    from nyata.core.models import Pemda

    code = Pemda.objects.filter(pk=pemda_id).values_list("code", flat=True).first()
    if code is None:
        return
    cache.delete_many([page_key(code, page, lang) for page in PAGES for lang, _name in settings.LANGUAGES])
