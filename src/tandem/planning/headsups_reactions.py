"""What follows a heads-up given by the client's side: the client's assistants hear of it by
e-mail (a reaction on the event path, so it runs after the change committed, once).

Modest on purpose: one short mail per assistant per heads-up, keyed so that a retried job
sends nothing twice. A heads-up the practice gave itself tells nobody (they know).
"""

from __future__ import annotations

from django.db import models, transaction

from tandem.accounts.models import User
from tandem.core import access, events, mail, site
from tandem.core.links import link
from tandem.planning.headsups import GIVEN
from tandem.planning.models_headsups import HeadsUp, HeadsUpEvent
from tandem.planning.selectors import assigned_practice_members


def given_mail_key(heads_up_id: int, recipient_id: int) -> str:
    return f"heads-up:{heads_up_id}:given:{recipient_id}"


@events.reaction("planning.heads_up_given", kinds=[GIVEN])
def on_heads_up_given(row: models.Model, kind: str) -> None:
    assert isinstance(row, HeadsUpEvent)
    tell_assistants(row)


def tell_assistants(event: HeadsUpEvent) -> list[str]:
    """Mail the client's assigned practice members of a heads-up its contact gave; returns
    the keys written. Nothing when the practice gave it, or it has been settled since."""
    actor = event.actor
    if actor is None or access.side_of(actor) != access.Side.CLIENT:
        return []
    heads_up = (
        HeadsUp.objects.filter(pk=event.heads_up_id)
        .open()
        .select_related("client__practice")
        .first()
    )
    if heads_up is None:
        return []
    practice = heads_up.client.practice
    keys = []
    with transaction.atomic():
        for person in assistants_of(heads_up):
            key = given_mail_key(heads_up.pk, person.pk)
            subject, text, html = mail.render_email(
                "planning/email/heads_up_given",
                {
                    "heads_up": heads_up,
                    "person": person,
                    "giver": actor.display_name,
                    "practice": practice,
                    "url": site.absolute(practice, link("planning:heads-ups")),
                },
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


def assistants_of(heads_up: HeadsUp) -> list[User]:
    """The active practice-side members assigned to the heads-up's client (one query)."""
    return assigned_practice_members(heads_up.client_id)
