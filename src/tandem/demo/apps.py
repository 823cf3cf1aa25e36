from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Only the ``load_demo`` command: no models, no URLs, no templates."""

    name = "tandem.demo"
    label = "demo"
    verbose_name = "Demo"
