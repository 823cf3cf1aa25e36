from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "tandem.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Registers notifications as reactions to task events and comments.
        from tandem.core import reading
        from tandem.notify import reactions, services  # noqa: F401

        # Opening a request marks the reader's notifications about it read.
        reading.when_opened("notify.mark_read", services.on_opened)
