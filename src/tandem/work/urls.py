from django.urls import path

from tandem.work import views, views_attachments, views_day

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
    # The VA's day: the inbox of new requests and one client's board.
    path("inbox/", views_day.inbox, name="inbox"),
    path("inbox/<int:task_id>/move/", views_day.inbox_move, name="inbox-move"),
    path("clients/<int:client_id>/board/", views_day.board, name="board"),
    path(
        "clients/<int:client_id>/board/tasks/<int:task_id>/move/",
        views_day.board_move,
        name="board-move",
    ),
]
