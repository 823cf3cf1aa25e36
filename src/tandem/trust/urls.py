from django.urls import URLPattern, path

from tandem.trust import views_postmortems, views_track

app_name = "trust"

urlpatterns: list[URLPattern] = [
    # A client's track record, read by both sides, and the client's answer to the next
    # phase it suggests.
    path("clients/<int:client_id>/track-record/", views_track.track_record, name="track-record"),
    path(
        "clients/<int:client_id>/track-record/answer/",
        views_track.answer,
        name="track-record-answer",
    ),
    # The practice's thresholds for suggesting a phase.
    path("settings/trust/", views_track.trust_settings, name="settings"),
    # Postmortems: a client's list (both sides), opening one (``?task=<id>`` from a request's
    # page), its page, and writing in it, adding an action item, closing one's side.
    path(
        "clients/<int:client_id>/postmortems/",
        views_postmortems.postmortem_list,
        name="postmortems",
    ),
    path(
        "clients/<int:client_id>/postmortems/new/",
        views_postmortems.postmortem_new,
        name="postmortem-new",
    ),
    path(
        "postmortems/<int:postmortem_id>/", views_postmortems.postmortem_detail, name="postmortem"
    ),
    path(
        "postmortems/<int:postmortem_id>/entries/",
        views_postmortems.postmortem_entry,
        name="postmortem-entry",
    ),
    path(
        "postmortems/<int:postmortem_id>/actions/",
        views_postmortems.postmortem_action,
        name="postmortem-action",
    ),
    path(
        "postmortems/<int:postmortem_id>/close/",
        views_postmortems.postmortem_close,
        name="postmortem-close",
    ),
]
