"""An honest way out (issue 13): "this is beyond my skills", said on a request, with the way
out the practice offers. Referring and declining close the request through the workflow
(declined while new, cancelled once taken on), with the reason and the referral in its note,
so the client reads them on the timeline and is told as of any move; a refund or credit is
recorded for billing and closes it the same way; subcontracting waits for the client's
consent, asked and answered in the conversation.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.trust.models_way_out import (
    GOOD_AT_MAX,
    NAME_MAX,
    REASON_MAX,
    Choice,
    Referral,
    ReferralKind,
    State,
    WayOut,
)
from tandem.work import services as work
from tandem.work.models import OPEN_STATUSES, Task, TaskStatus

if TYPE_CHECKING:
    from tandem.accounts.models import User

C = Capability

REASON_MISSING = "Say honestly why it is beyond you: the client reads it."
NOT_OPEN = "This request is closed already; there is nothing to find a way out of."
PICK_A_REFERRAL = "Choose someone from your referral list, or add them first."
PICK_A_PARTNER = "Choose a partner from your referral list, or add them first."
AMOUNT_NEEDED = "Give the amount as a number above zero, such as 45.00."
ASKED_ALREADY = "The client's consent is being asked already on this request."
ANSWERED_ALREADY = "This has been answered already."


def add_referral(
    *, actor: User, name: str, good_at: str, email: str = "", website: str = "", kind: str
) -> Referral:
    membership = access.member(actor)
    if membership is None or not access.allows(actor, C.KEEP_REFERRALS):
        raise DomainError("Only the practice's owner keeps the referral list.")
    name, good_at = " ".join(name.split()), good_at.strip()
    if not name:
        raise DomainError("Give their name.", field="name")
    if len(name) > NAME_MAX:
        raise DomainError(f"Keep the name within {NAME_MAX} characters.", field="name")
    if not good_at:
        raise DomainError("Say what they are good at, so you know when to refer.", field="good_at")
    if len(good_at) > GOOD_AT_MAX:
        raise DomainError(f"Keep it within {GOOD_AT_MAX} characters.", field="good_at")
    if not email and not website:
        raise DomainError(
            "Give an e-mail address or a website, so a client can reach them.", field="email"
        )
    if kind not in ReferralKind.values:
        raise DomainError(
            "Say whether you refer clients to them or subcontract to them.", field="kind"
        )
    return Referral.objects.create(
        practice_id=membership.practice_id,
        name=name,
        good_at=good_at,
        email=email,
        website=website,
        kind=kind,
    )


def retire_referral(referral: Referral, *, actor: User) -> None:
    if not access.allows(actor, C.KEEP_REFERRALS):
        raise DomainError("Only the practice's owner keeps the referral list.")
    Referral.objects.filter(pk=referral.pk, retired_at__isnull=True).update(
        retired_at=timezone.now()
    )


def _amount(value: str | Decimal | None) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount >= Decimal("1e8"):
        raise DomainError(AMOUNT_NEEDED, field="amount")
    return amount.quantize(Decimal("0.01"))


def _closing(task: Task) -> str:
    """A new request is declined; one the practice took on already is cancelled."""
    return TaskStatus.DECLINED if task.status == TaskStatus.REQUESTED else TaskStatus.CANCELLED


def offer(
    task: Task,
    *,
    actor: User,
    reason: str,
    choice: str,
    referral: Referral | None = None,
    amount: str | Decimal | None = None,
    message: str = "",
) -> WayOut:
    """Say honestly that ``task`` is beyond the practice, and take the way out chosen."""
    standing = access.standing(actor, task.client)
    standing.require(
        C.OFFER_WAY_OUT, unseen=work.NOT_YOUR_TASK, wrong_role="Only the practice offers a way out."
    )
    if task.status not in OPEN_STATUSES:
        raise DomainError(NOT_OPEN)
    reason = reason.strip()
    if not reason:
        raise DomainError(REASON_MISSING, field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"Keep the reason within {REASON_MAX} characters.", field="reason")
    if choice not in Choice.values:
        raise DomainError("Choose one of the ways out.", field="choice")
    usable = (
        referral is not None
        and referral.practice_id == task.practice_id
        and not referral.retired_at
    )
    if choice == Choice.REFER and not (usable and referral and referral.kind == ReferralKind.REFER):
        raise DomainError(PICK_A_REFERRAL, field="referral")
    if choice == Choice.SUBCONTRACT and not (
        usable and referral and referral.kind == ReferralKind.PARTNER
    ):
        raise DomainError(PICK_A_PARTNER, field="referral")
    checked = _amount(amount) if choice in (Choice.REFUND, Choice.CREDIT) else None
    currency = task.client.practice.currency if checked is not None else ""
    kept = referral if choice in (Choice.REFER, Choice.SUBCONTRACT) else None
    try:
        with transaction.atomic():
            way_out = WayOut.objects.create(
                practice_id=task.practice_id,
                client_id=task.client_id,
                task=task,
                offered_by=actor,
                reason=reason,
                choice=choice,
                referral=kept,
                amount=checked,
                currency=currency,
                state=State.ASKED if choice == Choice.SUBCONTRACT else State.DONE,
            )
            said = _words(way_out, message=message.strip())
            if choice == Choice.SUBCONTRACT:
                work.add_comment(task, actor=actor, body_markdown=said)
            else:
                work.move_task(task, to=_closing(task), actor=actor, note=said)
    except IntegrityError:
        raise DomainError(ASKED_ALREADY) from None
    return way_out


def _words(way_out: WayOut, *, message: str) -> str:
    """What the client reads: the honest reason, then the way out."""
    lines = [f"This is beyond our skills: {way_out.reason}"]
    referral = way_out.referral
    if way_out.choice == Choice.REFER and referral:
        reach = referral.how_to_reach
        lines.append(f"We recommend {referral.name}, who is good at {referral.good_at}: {reach}.")
    elif way_out.choice == Choice.SUBCONTRACT and referral:
        page = reverse("trust:task-way-out", args=[way_out.task_id])
        lines.append(
            f"We would like to subcontract it to {referral.name} ({referral.good_at}). "
            "Nothing goes to them until you agree: please answer on "
            f"[the request's way-out page]({page})."
        )
    elif way_out.choice in (Choice.REFUND, Choice.CREDIT):
        what = "a refund" if way_out.choice == Choice.REFUND else "a credit"
        lines.append(f"We offer you {what} of {way_out.currency} {way_out.amount}.")
    if message:
        lines.append(message)
    return "\n\n".join(lines)


def answer(way_out: WayOut, *, actor: User, consent: bool) -> WayOut:
    """The client's answer to subcontracting: agreed (the work goes on with the partner), or
    no (the practice finds another way). Said in the conversation too."""
    task = Task.objects.select_related("client__practice").get(pk=way_out.task_id)
    standing = access.standing(actor, task.client)
    standing.require(
        C.CONSENT_TO_SUBCONTRACT,
        unseen=work.NOT_YOUR_TASK,
        wrong_role="Only the client can agree to this.",
    )
    state = State.CONSENTED if consent else State.REFUSED
    with transaction.atomic():
        changed = WayOut.objects.filter(pk=way_out.pk, state=State.ASKED).update(
            state=state, answered_by=actor, answered_at=timezone.now()
        )
        if not changed:
            raise DomainError(ANSWERED_ALREADY)
        partner = way_out.referral.name if way_out.referral else "the partner"
        said = (
            f"I agree: {partner} may do this work."
            if consent
            else f"I would rather {partner} did not do this; let us find another way."
        )
        work.add_comment(task, actor=actor, body_markdown=said)
    way_out.state = state
    return way_out
