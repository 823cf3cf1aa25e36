"""What happened to a task, for the capabilities that react to it (notifications).

Sent inside the change's transaction, so a receiver's writes (a notification row, say) are
committed with the change or not at all: a crash can neither lose them nor leave them
without the change. Receivers must not do slow work here; they write rows and schedule
jobs with ``transaction.on_commit``.
"""

from django.dispatch import Signal

# kwargs: event (TaskEvent; created, status changed, assigned), task (Task).
task_event_recorded = Signal()
# kwargs: comment (Comment), task (Task).
comment_posted = Signal()
