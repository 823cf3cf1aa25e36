from django.urls import path

from tandem.work import (
    views,
    views_attachments,
    views_day,
    views_editing,
    views_go_aheads,
    views_lists,
    views_projects,
    views_repeating,
    views_watchers,
)

app_name = "work"

urlpatterns = [
    path("requests/", views_lists.request_list, name="request-list"),
    path("requests/new/", views_lists.request_new, name="request-new"),
    path("clients/<int:client_id>/requests/new/", views.task_create, name="task-create"),
    path(
        "clients/<int:client_id>/requests/deadline-preview/",
        views.deadline_preview,
        name="deadline-preview",
    ),
    path("tasks/<int:task_id>/", views.task_detail, name="task-detail"),
    # Trust in phases (issue 13): the kind of work, and the client's go-ahead above the phase.
    path("tasks/<int:task_id>/kind/", views_go_aheads.set_kind, name="task-kind"),
    path("tasks/<int:task_id>/go-ahead/", views_go_aheads.go_ahead, name="go-ahead"),
    path(
        "clients/<int:client_id>/go-aheads/",
        views_go_aheads.standing_go_ahead,
        name="standing-go-ahead",
    ),
    path(
        "clients/<int:client_id>/go-aheads/<int:go_ahead_id>/withdraw/",
        views_go_aheads.standing_go_ahead_withdraw,
        name="standing-go-ahead-withdraw",
    ),
    path("tasks/<int:task_id>/move/", views.task_move, name="task-move"),
    path("tasks/<int:task_id>/comment/", views.task_comment, name="task-comment"),
    path("tasks/<int:task_id>/deliver/", views.task_deliver, name="task-deliver"),
    # Changing a request after it is sent, and giving it to someone else.
    path("tasks/<int:task_id>/edit/", views_editing.task_edit, name="task-edit"),
    path("tasks/<int:task_id>/assign/", views_editing.task_assign, name="task-assign"),
    path("tasks/<int:task_id>/watchers/", views_watchers.watchers, name="watchers"),
    path("tasks/<int:task_id>/watchers/add/", views_watchers.watcher_add, name="watcher-add"),
    path(
        "tasks/<int:task_id>/watchers/remove/",
        views_watchers.watcher_remove,
        name="watcher-remove",
    ),
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
    path(
        "inbox/<int:task_id>/accept-and-start/",
        views_day.inbox_accept_start,
        name="inbox-accept-start",
    ),
    path("clients/<int:client_id>/board/", views_day.board, name="board"),
    # Every client's work on one board: the owner's, or an assistant's clients'.
    path("board/", views_day.practice_board, name="practice-board"),
    path(
        "board/tasks/<int:task_id>/move/",
        views_day.practice_board_move,
        name="practice-board-move",
    ),
    path(
        "clients/<int:client_id>/board/tasks/<int:task_id>/move/",
        views_day.board_move,
        name="board-move",
    ),
    # Projects: the practice creates and changes them; a contact proposes one and may reword
    # it until the practice answers.
    path(
        "clients/<int:client_id>/projects/new/",
        views_projects.project_create,
        name="project-create",
    ),
    path("projects/<int:project_id>/", views_projects.project_detail, name="project-detail"),
    path("projects/<int:project_id>/edit/", views_projects.project_edit, name="project-edit"),
    path(
        "projects/<int:project_id>/proposal/edit/",
        views_projects.proposal_edit,
        name="proposal-edit",
    ),
    path("projects/<int:project_id>/status/", views_projects.project_status, name="project-status"),
    path(
        "projects/<int:project_id>/take-on/",
        views_projects.project_take_on,
        name="project-take-on",
    ),
    path(
        "projects/<int:project_id>/turn-down/",
        views_projects.project_turn_down,
        name="project-turn-down",
    ),
    # Repeating work, request templates and checklists: the practice's (issue 11, part 9).
    path("tasks/<int:task_id>/repeat/", views_repeating.repeat_task, name="repeat-task"),
    path(
        "clients/<int:client_id>/repeating/", views_repeating.repeating_list, name="repeating-list"
    ),
    path(
        "clients/<int:client_id>/repeating/new/",
        views_repeating.repeating_new,
        name="repeating-new",
    ),
    path(
        "repeating/<int:series_id>/status/",
        views_repeating.repeating_change,
        name="repeating-change",
    ),
    path("templates/", views_repeating.template_list, name="template-list"),
    path("templates/new/", views_repeating.template_create, name="template-create"),
    path("templates/<int:template_id>/", views_repeating.template_edit, name="template-edit"),
    path(
        "templates/<int:template_id>/delete/",
        views_repeating.template_delete,
        name="template-delete",
    ),
    path(
        "tasks/<int:task_id>/checklist/<int:item_id>/",
        views_repeating.checklist_tick,
        name="checklist-tick",
    ),
    # Editing a repeating series (its rule, words, assignee, checklist).
    path("repeating/<int:series_id>/edit/", views_repeating.repeating_edit, name="repeating-edit"),
]
