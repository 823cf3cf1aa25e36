from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "tandem.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Registers notifications as reactions to task events and comments.
        from tandem.notify import reactions  # noqa: F401
