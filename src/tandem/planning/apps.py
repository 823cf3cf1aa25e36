from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "tandem.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        # What the client owes follows the requests' moves and comments (reactions).
        from tandem.planning import owed_reactions  # noqa: F401
