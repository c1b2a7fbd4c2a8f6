from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nyata.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self) -> None:
        from nyata.core import security_events

        security_events.connect()
