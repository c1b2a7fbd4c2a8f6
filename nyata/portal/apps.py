from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "nyata.portal"
    label = "portal"
