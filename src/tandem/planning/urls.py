from django.urls import URLPattern, path

from tandem.planning import views_owed

app_name = "planning"

urlpatterns: list[URLPattern] = [
    # What the client owes (issue 12).
    path("tasks/<int:task_id>/owed/", views_owed.task_owed, name="task-owed"),
    path("tasks/<int:task_id>/owed/ask/", views_owed.owed_ask, name="owed-ask"),
    path("owed/<int:owed_id>/answer/", views_owed.owed_answer, name="owed-answer"),
    path("owed/<int:owed_id>/received/", views_owed.owed_receive, name="owed-receive"),
    path("owed/<int:owed_id>/drop/", views_owed.owed_drop, name="owed-drop"),
    path("settings/reminders/", views_owed.reminder_settings, name="reminder-settings"),
]
