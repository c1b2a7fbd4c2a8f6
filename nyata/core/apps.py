from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nyata.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self) -> None:
        from nyata.core import security_events

        security_events.connect()
        from django.core import checks

        checks.register(public_url_check, checks.Tags.security, deploy=True)
        checks.register(seal_check, checks.Tags.security, deploy=True)


def public_url_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """`check --deploy`: the fallback public address must be reachable from outside."""
    from django.conf import settings
    from django.core import checks

    from nyata.core.accounts import is_development_url

    if is_development_url(settings.PUBLIC_BASE_URL):
        return [checks.Warning(
            f"NYATA_PUBLIC_BASE_URL is {settings.PUBLIC_BASE_URL!r}, a development address: QR codes on sealed "
            "documents of a Pemda without its own public address would not open. Set NYATA_PUBLIC_BASE_URL, or "
            "each Pemda's public address (sealing is refused in production until then).",
            id="nyata.W001")]
    return []


def seal_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """`check --deploy`: production has the Pemda's own seal, kept secret (never the demo seal)."""
    from django.core import checks

    from nyata.documents.seal import problems

    return [checks.Error(p, id="nyata.E001") for p in problems()]
