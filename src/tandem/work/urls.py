from django.urls import path

from tandem.work import views, views_attachments

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
    # Files: upload.js stores each one first; downloads and thumbnails are scoped views.
    path(
        "clients/<int:client_id>/uploads/",
        views_attachments.attachment_upload,
        name="attachment-upload",
    ),
    path("tasks/<int:task_id>/files/", views_attachments.attachment_add, name="attachment-add"),
    path(
        "files/<int:attachment_id>/",
        views_attachments.attachment_download,
        name="attachment-download",
    ),
    path(
        "files/<int:attachment_id>/thumbnail/",
        views_attachments.attachment_thumbnail,
        name="attachment-thumbnail",
    ),
]
