from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from tandem.core import audit
from tandem.core.audit import Action
from tandem.core.mail import one_time, queue_email
from tandem.core.models import Membership, Practice


class AccountAdapter(DefaultAccountAdapter):
    """allauth with Tandem's mail queue and audit log."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Rendered here (allauth's templates need the request) and sent by the mail job, so a
        # slow or failing mail server never holds up a page and a failed send is retried.
        # A sign-in, confirmation or reset code must not stay in the stored copy once sent.
        if "code" in context:
            context = {**context, "code": one_time(str(context["code"]))}
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"), ""
        )
        with transaction.atomic():
            queue_email(
                key=f"account:{uuid.uuid4()}",
                to=email,
                subject=message.subject,
                text_body=str(message.body),
                html_body=str(html),
            )

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return "/"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            email = str(credentials.get("email", ""))
            audit.record(
                Action.LOCKED_OUT,
                practice=self._practice_of(email),
                actor=None,
                target_label=email,
                request=request,
            )
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        email = str(credentials.get("email", ""))
        audit.record(
            Action.SIGN_IN_FAILED,
            practice=self._practice_of(email),
            actor=None,
            target_label=email,
            request=request,
        )

    @staticmethod
    def _practice_of(email: str) -> Practice | None:
        """The practice whose log should show an event about this address, if any."""
        membership = (
            Membership.objects.filter(user__email__iexact=email).select_related("practice").first()
        )
        return membership.practice if membership else None
