"""What follows a client's answer to a check-in: the client's assistants hear of it by
e-mail (a reaction on the event path, so it runs after the answer committed, once), with
the answer and the way to make it a heads-up.

One short mail per assistant per answer, keyed so that a retried job sends nothing twice.
"""

from __future__ import annotations

from django.db import models, transaction

from tandem.core import events, mail, site
from tandem.core.links import link
from tandem.planning.check_ins import ANSWERED
from tandem.planning.models_checkins import CheckIn, CheckInAnswer
from tandem.planning.selectors import assigned_practice_members


def answered_mail_key(check_in_id: int, recipient_id: int) -> str:
    return f"check-in:{check_in_id}:answered:{recipient_id}"


@events.reaction("planning.check_in_answered", kinds=[ANSWERED])
def on_check_in_answered(row: models.Model, kind: str) -> None:
    assert isinstance(row, CheckInAnswer)
    tell_assistants(row)


def tell_assistants(event: CheckInAnswer) -> list[str]:
    """Mail the client's assigned practice members the answer; returns the keys written."""
    check_in = (
        CheckIn.objects.filter(pk=event.check_in_id, state=CheckIn.State.ANSWERED)
        .select_related("client__practice", "answered_by")
        .first()
    )
    if check_in is None:
        return []
    practice = check_in.client.practice
    url = site.absolute(practice, link("planning:check-in", check_in.pk))
    keys = []
    with transaction.atomic():
        for person in assigned_practice_members(check_in.client_id):
            key = answered_mail_key(check_in.pk, person.pk)
            subject, text, html = mail.render_email(
                "planning/email/check_in_answered",
                {"check_in": check_in, "person": person, "practice": practice, "url": url},
                practice=practice,
            )
            mail.queue_email(
                key=key,
                to=person.email,
                subject=subject,
                text_body=text,
                html_body=html,
                practice=practice,
            )
            keys.append(key)
    return keys
