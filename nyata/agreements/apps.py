from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "nyata.agreements"
    label = "agreements"
