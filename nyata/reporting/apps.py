from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "nyata.reporting"
    label = "reporting"

    def ready(self) -> None:
        from nyata.core.views import register_history
        from nyata.reporting.models import Evidence, Realisation, SelfCritique

        register_history("reporting.realisation", Realisation, "agency")
        register_history("reporting.evidence", Evidence, "agency")
        register_history("reporting.selfcritique", SelfCritique, "agency")
