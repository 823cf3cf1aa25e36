from django.urls import URLPattern, path

from tandem.delegation import views

app_name = "delegation"

urlpatterns: list[URLPattern] = [
    # The practice's delegation catalogue (the owner keeps it).
    path("settings/catalogue/", views.catalogue, name="catalogue"),
    path("settings/catalogue/<int:kind_id>/", views.kind_edit, name="kind-edit"),
    path("settings/catalogue/<int:kind_id>/retire/", views.kind_retire, name="kind-retire"),
    # A client's phase: both sides read it; the client decides, the practice may step back.
    path("clients/<int:client_id>/phase/", views.phase_page, name="phase"),
    path(
        "clients/<int:client_id>/phase/<int:change_id>/reverse/",
        views.phase_reverse,
        name="phase-reverse",
    ),
]
