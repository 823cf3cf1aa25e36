from django.urls import URLPattern, path

from tandem.agreements import views

app_name = "agreements"

urlpatterns: list[URLPattern] = [
    # The owner's templates and the "agreements before work" setting.
    path("settings/agreements/", views.agreement_settings, name="settings"),
    path("settings/agreements/<str:kind>/", views.template_edit, name="template"),
    # A client's agreements (both sides), and issuing one (the owner).
    path("clients/<int:client_id>/agreements/", views.client_agreements, name="client"),
    # Checking a PDF: anyone, signed in or not.
    path("agreements/verify/", views.verify, name="verify"),
    # One agreement: read, review the draft, send, withdraw, amend; the code, signing; the PDF.
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:agreement_id>/edit/", views.agreement_edit, name="edit"),
    path("agreements/<int:agreement_id>/send/", views.agreement_send, name="send"),
    path("agreements/<int:agreement_id>/withdraw/", views.agreement_withdraw, name="withdraw"),
    path("agreements/<int:agreement_id>/amend/", views.agreement_amend, name="amend"),
    path("agreements/<int:agreement_id>/code/", views.agreement_code, name="code"),
    path("agreements/<int:agreement_id>/sign/", views.agreement_sign, name="sign"),
    path("agreements/<int:agreement_id>/pdf/", views.agreement_pdf, name="pdf"),
    path(
        "agreements/<int:agreement_id>/pdf/status/", views.agreement_pdf_status, name="pdf-status"
    ),
]
