from django.urls import URLPattern, path

from tandem.planning import views, views_capacity, views_feeds, views_owed

app_name = "planning"

urlpatterns: list[URLPattern] = [
    # Private calendar feeds: the page where a person keeps theirs, and the feed itself.
    path("calendar/", views_feeds.calendar_page, name="calendar"),
    path("calendar/address/", views_feeds.feed_make, name="feed-make"),
    path("calendar/address/off/", views_feeds.feed_turn_off, name="feed-turn-off"),
    path("calendar/<str:secret>.ics", views_feeds.feed, name="feed"),
    # What the client owes (issue 12).
    path("tasks/<int:task_id>/owed/", views_owed.task_owed, name="task-owed"),
    path("tasks/<int:task_id>/owed/ask/", views_owed.owed_ask, name="owed-ask"),
    path("owed/<int:owed_id>/answer/", views_owed.owed_answer, name="owed-answer"),
    path("owed/<int:owed_id>/received/", views_owed.owed_receive, name="owed-receive"),
    path("owed/<int:owed_id>/drop/", views_owed.owed_drop, name="owed-drop"),
    path("settings/reminders/", views_owed.reminder_settings, name="reminder-settings"),
    # Working time and time off (issue 12).
    path("planning/working-time/", views.my_working_time, name="working-time"),
    path(
        "planning/working-time/<int:user_id>/",
        views.member_working_time,
        name="member-working-time",
    ),
    path(
        "planning/working-time/<int:user_id>/time-off/",
        views.time_off_add,
        name="time-off-add",
    ),
    path(
        "planning/working-time/<int:user_id>/time-off/<int:time_off_id>/remove/",
        views.time_off_remove,
        name="time-off-remove",
    ),
    # Capacity across clients: the next twelve weeks, and one week's requests (issue 12).
    path("planning/capacity/", views_capacity.capacity, name="capacity"),
    path(
        "planning/capacity/<str:week>/<slug:kind>/<int:row_id>/",
        views_capacity.capacity_week,
        name="capacity-week",
    ),
    path("planning/tasks/<int:task_id>/expected/", views_capacity.task_plan, name="task-plan"),
    path("planning/will-miss/", views_capacity.will_miss, name="will-miss"),
]
