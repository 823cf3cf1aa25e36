"""A received e-mail becomes a request, a comment, or a logged refusal: ``receive_message``.

Who may do what by e-mail:

* mail to a client's address (``req-…``) from an active contact of that client becomes a
  task created as that contact;
* mail to a reply address (``re-<task>-<user>-…``) from that user's own address, while they
  can still see the task, becomes their comment on it;
* mail to a check-in's reply address (``ci-<check-in>-<user>-…``, ``planning.check_in_replies``)
  from that contact's own address, while they can still see it, becomes their answer to it;
* anything else (an unknown sender, another client's contact, an address that is not ours
  or was altered, a bounce or auto-reply) creates nothing and is logged.

Every message is logged once under a unique key, in the same transaction as what it
created, so the same message delivered twice, even at the same moment, creates one task.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.core import access, site
from tandem.core.access import Side
from tandem.core.errors import DomainError
from tandem.core.mail import queue_email, render_email
from tandem.inbound.addresses import ClientAddress, ReplyAddress, parse_address
from tandem.inbound.cues import find_expectations, read_deadline
from tandem.inbound.models import InboundMessage, Outcome
from tandem.inbound.parsing import Attachment, ParsedMessage, parse_message
from tandem.planning.check_in_replies import CheckInReply, parse_reply_address
from tandem.planning.check_ins import answer_check_in
from tandem.planning.models_checkins import CheckIn
from tandem.work import services as work
from tandem.work.attachments import store_attachment
from tandem.work.deadline_phrases import resolve_for
from tandem.work.deadlines import Suggestion, VagueDeadline
from tandem.work.kinds import SUGGEST
from tandem.work.models import Comment, Task, TaskStatus

if TYPE_CHECKING:
    from collections.abc import Sequence

logger = logging.getLogger(__name__)

DUPLICATE = "duplicate"
TITLE_MAX = work.TITLE_MAX
NO_SUBJECT = "(no subject)"
# How a suggested deadline is written into the link, so the task page resolves it to the
# same instant whenever the link is opened (a relative "tomorrow 5pm" would drift).
LINK_PHRASE_FORMAT = "%-d %B %Y %H:%M"


@dataclass(frozen=True)
class Receipt:
    """What became of one message. ``outcome`` is an Outcome value or DUPLICATE."""

    outcome: str
    task: Task | None = None
    comment: Comment | None = None
    note: str = ""
    check_in: CheckIn | None = None


def max_bytes() -> int:
    return settings.TANDEM_INBOUND_MAX_MB * 1024 * 1024


def receive_message(raw: bytes, *, recipient: str | None = None) -> Receipt:
    """Act on one raw RFC 5322 message delivered to ``recipient`` (the envelope recipient;
    when None, the first of Delivered-To, X-Original-To, To, Cc that is one of ours).

    Raises MalformedMessage or MessageTooLarge (each with a sentence) for input that is not
    a usable message; every other outcome, refusals included, is a Receipt and a log row.
    """
    message = parse_message(raw, max_bytes=max_bytes())
    address, target = _target(message, recipient)
    with transaction.atomic():
        log = _claim(message, address, size=len(raw))
        if log is None:
            return _duplicate(message, address)
        receipt = _act(message, target, log)
        log.outcome, log.note = receipt.outcome, receipt.note
        log.task = receipt.task or (receipt.comment.task if receipt.comment else None)
        log.comment = receipt.comment
        log.save(update_fields=["outcome", "note", "task", "comment", "practice", "client"])
    if receipt.outcome not in (
        Outcome.TASK_CREATED,
        Outcome.COMMENT_ADDED,
        Outcome.CHECK_IN_ANSWERED,
    ):
        logger.warning(
            "Inbound mail from %s to %s not acted on: %s",
            message.sender,
            address or "(no address of ours)",
            receipt.note or receipt.outcome,
        )
    return receipt


# Where it went, and whether it came before -----------------------------------------------


Target = ClientAddress | ReplyAddress | CheckInReply


def _target(message: ParsedMessage, recipient: str | None) -> tuple[str, Target | None]:
    """The address the message came to and what it points at; the envelope recipient, when
    the mail server gave one, is the only one trusted."""
    candidates = [recipient] if recipient else list(message.recipients)
    for candidate in candidates:
        target: Target | None = parse_address(candidate) or parse_reply_address(candidate)
        if target is not None:
            return candidate.strip().strip("<>").lower(), target
    return (candidates[0].strip().lower() if candidates else ""), None


def _dedupe_key(message: ParsedMessage, address: str) -> str:
    """One key per message and address: the same mail sent to two clients' addresses is two
    requests, the same mail delivered twice to one address is one."""
    identity = message.message_id.lower() or f"sha256:{message.fingerprint}"
    return hashlib.sha256(f"{identity}\n{address}".encode()).hexdigest()


def _claim(message: ParsedMessage, address: str, *, size: int) -> InboundMessage | None:
    """Insert the log row, or None when this message to this address was seen before."""
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(
                dedupe_key=_dedupe_key(message, address),
                message_id=message.message_id,
                sender=message.sender[:254],
                recipient=address[:254],
                subject=message.subject[:255],
                size_bytes=size,
                outcome=Outcome.REFUSED,
            )
    except IntegrityError:
        return None


def _duplicate(message: ParsedMessage, address: str) -> Receipt:
    key = _dedupe_key(message, address)
    first = InboundMessage.objects.select_related("task").filter(dedupe_key=key).first()
    note = "This message was received before; nothing new was created."
    return Receipt(DUPLICATE, task=first.task if first else None, note=note)


def _act(message: ParsedMessage, target: Target | None, log: InboundMessage) -> Receipt:
    if target is None:
        return Receipt(Outcome.UNKNOWN_ADDRESS, note="Not sent to an address of ours.")
    if message.is_automatic:
        _file_under_client(target, log)
        return Receipt(Outcome.AUTOMATIC, note="A bounce or automatic reply; not answered.")
    if isinstance(target, ClientAddress):
        return _new_request(message, target, log)
    if isinstance(target, CheckInReply):
        return _check_in_answer(message, target, log)
    return _reply(message, target, log)


def _file_under_client(target: Target, log: InboundMessage) -> None:
    """Log an ignored message against the client its address belongs to, so the practice
    sees it in the mail log (an out-of-office from a contact, a bounce)."""
    found: tuple[int, int] | None
    if isinstance(target, ClientAddress):
        clients = Client.objects.filter(pk=target.client_id)
        found = clients.values_list("practice_id", "pk").first()
    elif isinstance(target, CheckInReply):
        check_ins = CheckIn.objects.filter(pk=target.check_in_id)
        found = check_ins.values_list("practice_id", "client_id").first()
    else:
        tasks = Task.objects.filter(pk=target.task_id)
        found = tasks.values_list("practice_id", "client_id").first()
    if found is not None:
        log.practice_id, log.client_id = found


# A new request ------------------------------------------------------------------------------


def _new_request(message: ParsedMessage, target: ClientAddress, log: InboundMessage) -> Receipt:
    client = Client.objects.select_related("practice").filter(pk=target.client_id).first()
    if client is None:
        return Receipt(Outcome.UNKNOWN_ADDRESS, note="The client of this address is gone.")
    log.practice_id, log.client_id = client.practice_id, client.pk
    sender = _contact(client, message.sender)
    if sender is None:
        return Receipt(Outcome.UNKNOWN_SENDER, note=f"{message.sender} is not a contact.")
    cue = read_deadline(client, subject=message.subject, text=message.text)
    try:
        with transaction.atomic():
            task = work.create_task(
                client,
                actor=sender,
                title=_title(message.subject),
                expectations=find_expectations(message.text),
                deadline_at=cue.at,
                request_markdown=message.text,
                allow_missing_deadline=True,
                # Nobody chose a kind of work in a mail: the catalogue's best match names it.
                kind=SUGGEST,
            )
            _attach(message.attachments, task=task, actor=sender)
            if task.status == TaskStatus.NEEDS_DEADLINE:
                _ask_for_deadline(task, sender, readings=cue.readings)
    except DomainError as refusal:
        return Receipt(Outcome.REFUSED, note=refusal.message)
    return Receipt(Outcome.TASK_CREATED, task=task)


def _contact(client: Client, address: str) -> User | None:
    """The active contact of ``client`` who owns ``address`` (compared case-insensitively)."""
    if not address:
        return None
    return (
        User.objects.select_related("membership")
        .filter(
            email__iexact=address,
            client_contact__client=client,
            membership__practice_id=client.practice_id,
            membership__role__in=access.roles_on_side(Side.CLIENT),
            membership__is_active=True,
        )
        .first()
    )


def _title(subject: str) -> str:
    title = subject.strip() or NO_SUBJECT
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


def _ask_for_deadline(task: Task, sender: User, *, readings: Sequence[Suggestion]) -> None:
    """Mail the sender deadlines as links to the task page, which offers to set one: the two
    ``readings`` of a day they wrote that has two, or else three suggestions."""
    offered = readings or _suggestions(task.client)
    choices = [(choice, _choice_url(task, choice)) for choice in offered]
    context = {
        "task": task,
        "sender": sender,
        "choices": choices,
        "task_url": task_url(task),
        "two_readings": bool(readings),
    }
    subject, text, html = render_email(
        "inbound/email/needs_deadline", context, practice=task.client.practice
    )
    queue_email(
        key=f"inbound:needs-deadline:{task.pk}",
        to=sender.email,
        subject=subject,
        text_body=text,
        html_body=html,
        practice=task.client.practice,
    )


def _suggestions(client: Client) -> Sequence[Suggestion]:
    try:
        resolve_for(client, "")
    except VagueDeadline as refusal:
        return refusal.suggestions
    return ()  # pragma: no cover - an empty phrase is always refused


def task_url(task: Task) -> str:
    return site.absolute(task.client.practice, reverse("work:task-detail", args=[task.pk]))


def _choice_url(task: Task, choice: Suggestion) -> str:
    phrase = choice.local.strftime(LINK_PHRASE_FORMAT)
    return f"{task_url(task)}?{urlencode({'deadline': phrase})}#set-deadline"


# A reply to a notification ------------------------------------------------------------------


def _reply(message: ParsedMessage, target: ReplyAddress, log: InboundMessage) -> Receipt:
    user = User.objects.select_related("membership").filter(pk=target.user_id).first()
    if user is None or user.email.lower() != message.sender:
        return Receipt(Outcome.UNKNOWN_SENDER, note=f"{message.sender} did not get this mail.")
    task = Task.objects.visible_to(user).select_related("client").filter(pk=target.task_id)
    found = task.first()
    if found is None:
        return Receipt(Outcome.NO_ACCESS, note="The sender can no longer see this task.")
    log.practice_id, log.client_id = found.practice_id, found.client_id
    body = message.text or ("Sent by e-mail with attachments." if message.attachments else "")
    try:
        with transaction.atomic():
            comment = work.add_comment(found, actor=user, body_markdown=body)
            _attach(message.attachments, task=found, actor=user, comment=comment)
    except DomainError as refusal:
        return Receipt(Outcome.REFUSED, note=refusal.message)
    return Receipt(Outcome.COMMENT_ADDED, comment=comment, task=found)


# A reply to a weekly check-in ----------------------------------------------------------------


def _check_in_answer(message: ParsedMessage, target: CheckInReply, log: InboundMessage) -> Receipt:
    """The reply's new text (quotes and signature trimmed) answers the check-in, as the
    contact it was mailed to, through the same service as the portal's form."""
    user = User.objects.select_related("membership").filter(pk=target.user_id).first()
    if user is None or user.email.lower() != message.sender:
        return Receipt(Outcome.UNKNOWN_SENDER, note=f"{message.sender} did not get this mail.")
    rows = CheckIn.objects.visible_to(user).select_related("client__practice")
    check_in = rows.filter(pk=target.check_in_id).first()
    if check_in is None:
        return Receipt(Outcome.NO_ACCESS, note="The sender can no longer see this check-in.")
    log.practice_id, log.client_id = check_in.practice_id, check_in.client_id
    try:
        answered = answer_check_in(check_in, actor=user, answer=message.text, via=CheckIn.Via.EMAIL)
    except DomainError as refusal:
        return Receipt(Outcome.REFUSED, note=refusal.message)
    note = f"Answered the check-in of the week of {answered.week_of:%-d %B %Y}."
    return Receipt(Outcome.CHECK_IN_ANSWERED, note=note, check_in=answered)


# Attachments --------------------------------------------------------------------------------


def _attach(
    attachments: Sequence[Attachment],
    *,
    task: Task,
    actor: User,
    comment: Comment | None = None,
) -> None:
    """Store each file on the task (or comment); a refused file is skipped and the reason
    told in a comment on the task, so the sender's assistant knows to ask for it."""
    skipped: list[str] = []
    for attachment in attachments:
        try:
            with transaction.atomic():
                store_attachment(
                    client=task.client,
                    uploaded_by=actor,
                    name=attachment.name,
                    content=attachment.content,
                    task=task,
                    comment=comment,
                )
        except DomainError as refusal:
            skipped.append(refusal.message)
    if skipped:
        _skipped_comment(task, actor, skipped)


def _skipped_comment(task: Task, actor: User, reasons: list[str]) -> None:
    lines = "\n".join(f"- {reason}" for reason in reasons)
    body = f"Some files sent by e-mail were not attached:\n\n{lines}"
    work.add_comment(task, actor=actor, body_markdown=body)
