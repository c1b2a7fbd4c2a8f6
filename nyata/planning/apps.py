from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "nyata.planning"
    label = "planning"
