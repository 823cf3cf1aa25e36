from django.urls import path

from tandem.work import views

app_name = "work"

urlpatterns = [
    path("clients/<int:client_id>/requests/new/", views.task_create, name="task-create"),
    path(
        "clients/<int:client_id>/requests/deadline-preview/",
        views.deadline_preview,
        name="deadline-preview",
    ),
    path("tasks/<int:task_id>/", views.task_detail, name="task-detail"),
    path("tasks/<int:task_id>/move/", views.task_move, name="task-move"),
    path("tasks/<int:task_id>/comment/", views.task_comment, name="task-comment"),
]
