from django.urls import URLPattern, path

from tandem.trust import views_feedback, views_track, views_way_out

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
]
