from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "nyata.dashboard"
    label = "dashboard"
