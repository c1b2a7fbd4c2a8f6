from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "nyata.portal"
    label = "portal"

    def ready(self) -> None:
        from nyata.core.signals import public_content_changed

        public_content_changed.connect(_drop_cached_pages, dispatch_uid="nyata.portal.cache")


def _drop_cached_pages(sender: Any, *, pemda_id: int, **kwargs: Any) -> None:
    from nyata.portal.cache import invalidate

    invalidate(pemda_id)
