from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "tandem.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from tandem.notify import receivers
        from tandem.work import signals

        signals.task_event_recorded.connect(receivers.on_task_event, dispatch_uid="notify-event")
        signals.comment_posted.connect(receivers.on_comment, dispatch_uid="notify-comment")
