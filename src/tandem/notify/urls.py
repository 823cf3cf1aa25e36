from django.urls import path

from tandem.notify import views

app_name = "notify"

urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/bell/", views.bell, name="bell"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification-read",
    ),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path(
        "notifications/tasks/<int:task_id>/mentionable/",
        views.mentionable,
        name="mentionable",
    ),
]
