"""References, both ways (issue 14): clients who agreed to be a reference for the practice (the
consent recorded and revocable), a shareable link through which a prospect asks for
references and has the request passed on to them (never their contact details), and the
references the practice checked about a client (the practice's side only). Beside ``trust``,
``planning`` and ``vault``; nothing imports it."""

from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    name = "tandem.references"
    label = "references"
    verbose_name = "References"
