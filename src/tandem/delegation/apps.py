"""What the client delegates (issue 13): the phase of each client relationship and its
history, the practice's delegation catalogue (kinds of work, each with its phase), and the
client's go-aheads for work above the phase. Below ``work``: a request names its kind, and
the access policy (``core.access.delegation``) reads the kind's phase against the client's."""

from django.apps import AppConfig


class DelegationConfig(AppConfig):
    name = "tandem.delegation"
    label = "delegation"
    verbose_name = "Delegation"

    def ready(self) -> None:
        # A new practice gets the default catalogue.
        from tandem.delegation import receivers  # noqa: F401
