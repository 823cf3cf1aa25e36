"""Plain-text mail is plain text: names with ', & and < arrive in the subject and the text
as written, and are escaped once in the HTML part."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.core import mail as outbox
from django.utils import timezone

from tandem.clients import invitations
from tandem.clients.services import assign_assistant, create_client
from tandem.core import mail
from tandem.core.models import OutboundEmail
from tandem.core.roles import Role
from tandem.inbound.addresses import client_address
from tandem.inbound.services import receive_message
from tandem.notify import mailing, services
from tandem.notify.models import Channel, Kind
from tandem.work.models import TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import join, make_owner, make_practice
from tests.reactions import react_now

pytestmark = pytest.mark.django_db

PRACTICE = "O'Neill & Daughters <VA>"
CLIENT = "Bread & Butter's <Bakery>"
TITLE = "You've got <mail> & more"
ESCAPED = {
    PRACTICE: "O&#x27;Neill &amp; Daughters &lt;VA&gt;",
    CLIENT: "Bread &amp; Butter&#x27;s &lt;Bakery&gt;",
    TITLE: "You&#x27;ve got &lt;mail&gt; &amp; more",
}


def assert_plain_and_escaped_once(
    subject: str, text: str, html: str, *, in_subject: list[str], in_text: list[str]
) -> None:
    for name in in_subject:
        assert name in subject, subject
    for name in in_text:
        assert name in text, text
        assert ESCAPED[name] in html
        assert name not in html
    for twice in ("&amp;amp;", "&amp;#x27;", "&amp;lt;"):
        assert twice not in subject + text + html
    assert "&#x27;" not in subject + text
    assert "&amp;" not in subject + text


@pytest.fixture
def world():
    owner = make_owner("owner@bakery.example", name="Owner")
    make_practice(owner, name=PRACTICE)
    client = create_client(actor=owner, name=CLIENT, time_zone="UTC")
    assistant = join(owner, "assistant@bakery.example", role=Role.ASSISTANT)
    assign_assistant(client, assistant=assistant, actor=owner)
    contact = join(owner, "contact@bakery.example", role=Role.CONTACT, client=client)
    return owner, client, assistant, contact


def test_the_invitation_subject_and_text_are_plain(world) -> None:
    owner, client, _, _ = world
    invitation = invitations.invite(
        actor=owner, email="new@bakery.example", role=Role.CONTACT, client=client, name="Kim"
    )
    subject, text, html = invitations.invitation_email(invitation)
    assert subject == f"{PRACTICE} invited you to your {CLIENT} portal"
    assert_plain_and_escaped_once(
        subject, text, html, in_subject=[PRACTICE, CLIENT], in_text=[PRACTICE, CLIENT]
    )
    member = invitations.invite(actor=owner, email="va@bakery.example", role=Role.ASSISTANT)
    subject, text, html = invitations.invitation_email(member)
    assert subject == f"Join {PRACTICE} on Tandem"
    assert_plain_and_escaped_once(subject, text, html, in_subject=[PRACTICE], in_text=[PRACTICE])


def test_the_needs_a_deadline_reply_is_plain(world, settings) -> None:
    _, client, _, contact = world
    message = EmailMessage()
    message["From"] = contact.email
    message["To"] = client_address(client)
    message["Subject"] = TITLE
    message.set_content("Could you sort this out for me?")
    receive_message(message.as_bytes(), recipient=None)
    [email] = OutboundEmail.objects.filter(key__startswith="inbound:needs-deadline:")
    assert email.subject == f"By when do you need “{TITLE}”?"
    assert_plain_and_escaped_once(
        email.subject,
        *mail.readable_bodies(email),
        in_subject=[TITLE],
        in_text=[TITLE, PRACTICE],
    )


def test_notification_mail_and_the_digest_are_plain(world) -> None:
    _, client, assistant, contact = world
    task = create_task(
        client,
        actor=contact,
        title=TITLE,
        expectations="Done",
        deadline_at=timezone.now() + timedelta(days=3),
    )
    react_now()  # the notification is written by a reaction to the new request
    assert mailing.send_task_mail(assistant.pk, task.pk) == 1
    email = OutboundEmail.objects.get(key__startswith=f"notify:task:{assistant.pk}:")
    assert email.subject == f"New request: {TITLE} ({CLIENT})"
    assert_plain_and_escaped_once(
        email.subject,
        *mail.readable_bodies(email),
        in_subject=[TITLE, CLIENT],
        in_text=[TITLE, CLIENT],
    )
    assert outbox.outbox[-1].subject == email.subject

    channels = dict.fromkeys(Kind.values, str(Channel.EMAIL))
    services.save_preferences(contact, actor=contact, channels=channels, wants_digest=True)
    move_task(task, to=TaskStatus.ACCEPTED, actor=assistant)
    react_now()
    today = timezone.now().date()
    assert mailing.send_digest(contact.pk, today) == 1
    digest = OutboundEmail.objects.get(key=mailing.digest_key(contact.pk, today))
    assert_plain_and_escaped_once(
        digest.subject, *mail.readable_bodies(digest), in_subject=[], in_text=[TITLE, CLIENT]
    )
