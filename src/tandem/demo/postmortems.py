"""The demo's postmortem (issue 13): Harbour Legal's meeting notes went to the wrong
partner. Both sides have written in it; of its two action items one is done and one still
open, so the client's list, the postmortem's page and the track record all show one open."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Assignment, Client
from tandem.trust import postmortems
from tandem.work.models import Task, TaskStatus
from tandem.work.services import move_task


def harbour_postmortem(clients: dict[str, Client], owner: User) -> None:
    harbour = clients["Harbour Legal"]
    priya = User.objects.get(email="priya@harbour.example.com")
    found = Assignment.objects.filter(client=harbour).select_related("user").first()
    worker = found.user if found is not None else owner
    about = Task.objects.filter(client=harbour).order_by("pk").first()
    postmortem = postmortems.open_postmortem(
        harbour,
        actor=priya,
        title="Meeting notes sent to the wrong partner",
        sections={
            "what_happened": "The notes of the partners' meeting went to Daniel Shah instead "
            "of Daniel Shaw. Daniel Shah told us the same afternoon.",
            "impact": "Confidential notes left the firm for a few hours; we had to explain "
            "it to the partners.",
        },
        task=about,
    )
    postmortems.add_entry(
        postmortem,
        actor=worker,
        section="cause",
        body="The address book offered both Daniels as soon as “Dan” was typed, and nothing "
        "asked for a second look before confidential notes went out.",
    )
    postmortems.add_entry(
        postmortem,
        actor=priya,
        section="changes",
        body="Confidential notes go only to the partners' list, never to a typed address.",
    )
    soon = timezone.now() + timedelta(days=10)
    done = postmortems.add_action(
        postmortem,
        actor=owner,
        description="Make a partners-only mailing list",
        owner=worker,
        deadline_at=soon,
    )
    postmortems.add_action(
        postmortem,
        actor=owner,
        description="Label confidential notes before they are sent",
        owner=worker,
        deadline_at=soon + timedelta(days=4),
    )
    # The list exists already: the first action's request was finished another way.
    move_task(
        done.task,
        to=TaskStatus.CANCELLED,
        actor=owner,
        note="Done: the list was set up while we talked it through.",
    )
