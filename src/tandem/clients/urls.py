from django.urls import path

from tandem.clients import people_views, views

app_name = "clients"

# The dashboard, the portal home and a client's page (with its buttons) are composed from
# several apps' work, so they live in ``home`` (home/urls.py), above this app.
urlpatterns = [
    path("clients/", views.client_list, name="client-list"),
    path("clients/new/", views.client_create, name="client-create"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client-edit"),
    path("clients/<int:client_id>/invite/", views.contact_invite, name="contact-invite"),
    path("people/", people_views.people, name="people"),
    path("people/invite/", people_views.member_invite, name="member-invite"),
    path("people/<int:membership_id>/role/", people_views.member_role, name="member-role"),
    path("people/<int:membership_id>/remove/", people_views.member_remove, name="member-remove"),
    path(
        "people/invitations/<int:invitation_id>/resend/",
        people_views.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "people/invitations/<int:invitation_id>/revoke/",
        people_views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invite/<str:token>/", people_views.invitation_accept, name="invitation-accept"),
]
