from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "nyata.reporting"
    label = "reporting"
