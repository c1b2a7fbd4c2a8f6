from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "nyata.ratings"
    label = "ratings"
