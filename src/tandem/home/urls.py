from django.urls import path

from tandem.home import views

app_name = "home"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("portal/", views.portal_home, name="portal-home"),
    path("clients/<int:client_id>/", views.client_detail, name="client-detail"),
    path("clients/<int:client_id>/archive/", views.client_archive, name="client-archive"),
    path("clients/<int:client_id>/restore/", views.client_restore, name="client-restore"),
    path("clients/<int:client_id>/assign/", views.client_assign, name="client-assign"),
    path(
        "clients/<int:client_id>/unassign/<int:user_id>/",
        views.client_unassign,
        name="client-unassign",
    ),
    path(
        "clients/<int:client_id>/invitations/<int:invitation_id>/resend/",
        views.contact_invitation_resend,
        name="contact-invitation-resend",
    ),
    path(
        "clients/<int:client_id>/invitations/<int:invitation_id>/revoke/",
        views.contact_invitation_revoke,
        name="contact-invitation-revoke",
    ),
]
