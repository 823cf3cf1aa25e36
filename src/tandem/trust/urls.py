from django.urls import URLPattern, path

from tandem.trust import views_feedback, views_track

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
    # The practice's thresholds for suggesting a phase.
    path("settings/trust/", views_track.trust_settings, name="settings"),
]
