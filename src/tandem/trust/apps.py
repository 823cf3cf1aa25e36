"""Trust that grows (issue 13): the track record both sides read, promotion to the next
phase on evidence (decided by the client), praise and feedback, postmortems both sides
write, and an honest way out of work that is beyond the assistant. Above ``work`` and
``delegation``: it reads their rows and asks their services; they never import it."""

from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "tandem.trust"
    label = "trust"
    verbose_name = "Trust"

    def ready(self) -> None:
        # The client's go-ahead asked for by mail (reactions to requests written or edited).
        from tandem.trust import go_ahead_reactions  # noqa: F401
