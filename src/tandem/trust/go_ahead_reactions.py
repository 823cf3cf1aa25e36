"""The client asked for its go-ahead by mail (issue 13): when a request of a kind above the
client's phase is written, or its kind changes to one, each of the client's contacts gets
one e-mail with a link to the go-ahead page (a GET shows it; the button gives it). Once per
request and contact, whatever happens to it later (the mail's key)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from tandem.clients.models import ClientContact
from tandem.core import access, events, mail, site
from tandem.delegation import phases
from tandem.work.go_aheads import BEFORE_WORK
from tandem.work.models import Task, TaskEvent


def _names_a_kind(row: models.Model) -> bool:
    """A request written with a kind of work, or a kind named or changed: read from the row
    and its task in memory, so other requests queue nothing."""
    assert isinstance(row, TaskEvent)
    if row.kind == TaskEvent.Kind.EDITED:
        return bool((row.changes.get("kind") or {}).get("to"))
    return row.task.kind_id is not None


@events.reaction(
    "trust.ask_for_go_ahead",
    kinds=[f"task.{TaskEvent.Kind.CREATED}", f"task.{TaskEvent.Kind.EDITED}"],
    when=_names_a_kind,
)
def ask_for_go_ahead(row: models.Model, kind: str) -> None:
    assert isinstance(row, TaskEvent)
    task = Task.objects.select_related("client__practice", "kind").get(pk=row.task_id)
    if task.status not in BEFORE_WORK or not access.waits_for_go_ahead(task.client, task):
        return
    practice = task.client.practice
    url = site.absolute(practice, reverse("work:go-ahead", args=[task.pk]))
    contacts = ClientContact.objects.filter(
        client_id=task.client_id, user__is_active=True
    ).select_related("user")
    for contact in contacts:
        subject, text, html = mail.render_email(
            "trust/email/go_ahead_wanted",
            {
                "task": task,
                "client": task.client,
                "contact": contact.user,
                "kind_phase": phases.short_name(task.kind_phase),
                "client_phase": phases.short_name(task.client.phase),
                "url": url,
                "practice": practice,
            },
            practice=practice,
        )
        mail.queue_email(
            key=f"go-ahead:{task.pk}:{contact.user_id}",
            to=contact.user.email,
            subject=subject,
            text_body=text,
            html_body=html,
            practice=practice,
        )
