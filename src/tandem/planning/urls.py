from django.urls import URLPattern, path

from tandem.planning import (
    views,
    views_capacity,
    views_checkins,
    views_feeds,
    views_headsups,
    views_owed,
    views_policy,
)

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
    path("settings/planning/", views_policy.planning_settings, name="settings"),
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
    # Heads-ups (issue 12): the practice's list, the portal's, giving one, and its buttons.
    path("heads-ups/", views_headsups.heads_ups, name="heads-ups"),
    path("portal/heads-ups/", views_headsups.portal_heads_ups, name="portal-heads-ups"),
    path("heads-ups/new/", views_headsups.heads_up_add, name="heads-up-add"),
    path(
        "heads-ups/<int:heads_up_id>/confirm/",
        views_headsups.heads_up_confirm,
        name="heads-up-confirm",
    ),
    path(
        "heads-ups/<int:heads_up_id>/decline/",
        views_headsups.heads_up_decline,
        name="heads-up-decline",
    ),
    path(
        "heads-ups/<int:heads_up_id>/withdraw/",
        views_headsups.heads_up_withdraw,
        name="heads-up-withdraw",
    ),
    path(
        "heads-ups/<int:heads_up_id>/request/",
        views_headsups.heads_up_to_request,
        name="heads-up-to-request",
    ),
    # Weekly check-ins (issue 12).
    path("check-ins/", views_checkins.check_ins, name="check-ins"),
    path("check-ins/<int:check_in_id>/", views_checkins.check_in, name="check-in"),
    path("check-ins/<int:check_in_id>/note/", views_checkins.check_in_note, name="check-in-note"),
    path(
        "check-ins/<int:check_in_id>/answer/",
        views_checkins.check_in_answer,
        name="check-in-answer",
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
