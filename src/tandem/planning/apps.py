from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "tandem.planning"
    label = "planning"
    verbose_name = "Planning"
