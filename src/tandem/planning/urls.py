from django.urls import path

from tandem.planning import views

app_name = "planning"

urlpatterns = [
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
]
