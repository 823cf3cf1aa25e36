from django.urls import URLPattern, path

from tandem.planning import views_feeds

app_name = "planning"

urlpatterns: list[URLPattern] = [
    # Private calendar feeds: the page where a person keeps theirs, and the feed itself.
    path("calendar/", views_feeds.calendar_page, name="calendar"),
    path("calendar/address/", views_feeds.feed_make, name="feed-make"),
    path("calendar/address/off/", views_feeds.feed_turn_off, name="feed-turn-off"),
    path("calendar/<str:secret>.ics", views_feeds.feed, name="feed"),
]
