from django.apps import AppConfig


class LkjipConfig(AppConfig):
    name = "nyata.lkjip"
    label = "lkjip"
