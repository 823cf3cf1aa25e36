"""Planning's rows. Each belongs to one practice and is read through a ``visible_to`` scope."""

from tandem.planning.models_feeds import CalendarFeed

# What the client owes and how it is reminded (issue 12).
from tandem.planning.models_owed import Owed, ReminderPolicy

__all__ = ["CalendarFeed", "Owed", "ReminderPolicy"]
