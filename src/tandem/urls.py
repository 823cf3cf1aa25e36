from django.urls import include, path

from tandem.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("tandem.accounts.urls")),
    path("", include("tandem.core.urls")),
    path("", include("tandem.clients.urls")),
    path("", include("tandem.delegation.urls")),
    path("", include("tandem.work.urls")),
    path("", include("tandem.planning.urls")),
    path("", include("tandem.trust.urls")),
    path("", include("tandem.vault.urls")),
    path("", include("tandem.agreements.urls")),
    path("", include("tandem.references.urls")),
    path("", include("tandem.notify.urls")),
    path("", include("tandem.inbound.urls")),
    path("", include("tandem.home.urls")),
]

handler400 = "tandem.core.views.bad_request"
handler403 = "tandem.core.views.permission_denied"
handler404 = "tandem.core.views.page_not_found"
handler500 = "tandem.core.views.server_error"
