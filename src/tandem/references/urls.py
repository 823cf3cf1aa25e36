from django.urls import URLPattern, path

from tandem.references import views

app_name = "references"

urlpatterns: list[URLPattern] = [
    # The owner's References page: who agreed, asking a client, the shareable link, the
    # setting, and passing a prospect's request on (or setting it aside).
    path("settings/references/", views.references_list, name="list"),
    path("settings/references/clients/<int:client_id>/ask/", views.ask, name="ask"),
    path("settings/references/link/", views.link_make, name="link-make"),
    path("settings/references/link/off/", views.link_off, name="link-off"),
    path("settings/references/automatic/", views.automatic, name="automatic"),
    path(
        "settings/references/requests/<int:reference_request_id>/pass-on/",
        views.pass_on,
        name="pass-on",
    ),
    path(
        "settings/references/requests/<int:reference_request_id>/set-aside/",
        views.set_aside,
        name="set-aside",
    ),
    # The client's consent, in the portal.
    path("portal/reference/", views.consent, name="consent"),
    path("portal/reference/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    # The public page a prospect asks through (no sign-in), and its thank-you.
    path("r/<str:token>/", views.public, name="public"),
    path("r/<str:token>/thanks/", views.public_thanks, name="public-thanks"),
    # References the practice checked about a client (the practice's side only).
    path("clients/<int:client_id>/references/", views.client_checks, name="checks"),
]
