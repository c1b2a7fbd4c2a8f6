from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The South Sumatra demo: its loader, its data and the `nyata demo` command (no models)."""

    name = "nyata.demo"
    label = "demo"
