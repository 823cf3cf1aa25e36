"""Planning's rows. Each belongs to one practice and is read through a ``visible_to`` scope."""

from tandem.planning.models_feeds import CalendarFeed

__all__ = ["CalendarFeed"]
