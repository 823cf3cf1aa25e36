from django.urls import URLPattern, path

from tandem.vault import views

app_name = "vault"

urlpatterns: list[URLPattern] = [
    # A client's vault, for both sides; storing a credential; the reveal log (the client's
    # side and the owner); making a one-time share link; dismissing a leaver's notice.
    path("clients/<int:client_id>/vault/", views.vault_list, name="list"),
    path("clients/<int:client_id>/vault/add/", views.credential_add, name="credential-add"),
    path("clients/<int:client_id>/vault/log/", views.reveal_log, name="log"),
    path("clients/<int:client_id>/vault/share/", views.share_new, name="share-new"),
    path(
        "clients/<int:client_id>/vault/notices/<int:notice_id>/dismiss/",
        views.notice_dismiss,
        name="notice-dismiss",
    ),
    # One credential: its page, changing it, revealing it, revoking access, deleting it.
    path("vault/<int:credential_id>/", views.credential_detail, name="credential"),
    path("vault/<int:credential_id>/edit/", views.credential_edit, name="credential-edit"),
    path("vault/<int:credential_id>/reveal/", views.credential_reveal, name="credential-reveal"),
    path("vault/<int:credential_id>/revoke/", views.credential_revoke, name="credential-revoke"),
    path("vault/<int:credential_id>/delete/", views.credential_delete, name="credential-delete"),
    # Opening a one-time share link (the practice's side of the client).
    path("vault/share/<str:token>/", views.share_open, name="share-open"),
]
