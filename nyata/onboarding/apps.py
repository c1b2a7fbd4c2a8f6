from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "nyata.onboarding"
    label = "onboarding"
