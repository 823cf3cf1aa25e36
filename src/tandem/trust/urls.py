from django.urls import URLPattern, path

from tandem.trust import views_track

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
]
