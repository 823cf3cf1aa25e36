from django.urls import URLPattern, path

from tandem.trust import views_feedback, views_postmortems, views_track, views_way_out

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
    # Praise and feedback: the practice's page, and the client's own.
    path("feedback/", views_feedback.feedback, name="feedback"),
    path("portal/feedback/", views_feedback.my_feedback, name="my-feedback"),
    path(
        "portal/feedback/<int:review_id>/withdraw/",
        views_feedback.withdraw_consent,
        name="withdraw-consent",
    ),
    # An honest way out: the referral list, a request's way out, the client's consent.
    path("settings/referrals/", views_way_out.referrals, name="referrals"),
    path(
        "settings/referrals/<int:referral_id>/retire/",
        views_way_out.referral_retire,
        name="referral-retire",
    ),
    path("tasks/<int:task_id>/way-out/", views_way_out.task_way_out, name="task-way-out"),
    path("way-outs/<int:way_out_id>/consent/", views_way_out.consent, name="way-out-consent"),
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
