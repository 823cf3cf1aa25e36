"""Planning ahead (issue 12): working time, heads-ups, capacity across clients, short notice,
what the client owes, weekly check-ins and calendar feeds. Above ``work`` and ``clients``:
it reads their rows; they never import it."""

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "tandem.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        # The calendar feed's sources register themselves when imported (planning.feeds).
        # What the client owes follows the requests' moves and comments (reactions).
        # Heads-ups (issue 12): the feed's reservations, and the assistant told of one.
        from tandem.planning import (
            check_in_reactions,  # noqa: F401
            feed_check_ins,  # noqa: F401
            feed_headsups,  # noqa: F401
            feed_sources,  # noqa: F401
            feed_time_off,  # noqa: F401
            headsups_reactions,  # noqa: F401
            owed_reactions,  # noqa: F401
        )

        # Short notice (issue 12): the request form, its preview and create_task ask work's
        # registry, which planning answers.
        from tandem.planning.short_notice import check_notice
        from tandem.work import short_notice

        short_notice.register("planning", check_notice)
