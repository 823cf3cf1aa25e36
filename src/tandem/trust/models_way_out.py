"""An honest way out (issue 13): the practice's list of other VAs and partners, and each
time an assistant said a request is beyond them and which way out they offered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.clients.models import Client, scoped_by_client
from tandem.core.models import Practice

if TYPE_CHECKING:
    from tandem.accounts.models import User

NAME_MAX = 120
GOOD_AT_MAX = 300
REASON_MAX = 2000


class ReferralKind(models.TextChoices):
    # Another VA the client can go to directly.
    REFER = "refer", "Another VA to refer clients to"
    # A partner the practice can subcontract to, with the client's consent.
    PARTNER = "partner", "A partner to subcontract to"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def of_practice(self, practice_id: int) -> ReferralQuerySet:
        return self.filter(practice_id=practice_id)

    def in_use(self) -> ReferralQuerySet:
        return self.filter(retired_at__isnull=True)


class Referral(models.Model):
    """Someone the practice trusts with work it does not do: retired, never deleted, so a
    past referral keeps its name."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=NAME_MAX)
    good_at = models.CharField("What they are good at", max_length=GOOD_AT_MAX)
    email = models.EmailField("E-mail", blank=True)
    website = models.URLField(blank=True)
    kind = models.CharField(max_length=10, choices=ReferralKind.choices, default=ReferralKind.REFER)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def how_to_reach(self) -> str:
        return " · ".join(part for part in (self.email, self.website) if part)


class Choice(models.TextChoices):
    REFER = "refer", "Refer to another VA"
    SUBCONTRACT = "subcontract", "Subcontract to a partner (with the client's consent)"
    DECLINE = "decline", "Decline it, kindly"
    REFUND = "refund", "Offer a refund"
    CREDIT = "credit", "Offer a credit"


class State(models.TextChoices):
    # The request was closed with the way out (referred, declined, refunded or credited).
    DONE = "done", "Done"
    # A subcontract waiting for the client's consent, and the client's answer.
    ASKED = "asked", "Waiting for the client's consent"
    CONSENTED = "consented", "The client agreed"
    REFUSED = "refused", "The client said no"


class WayOutQuerySet(models.QuerySet["WayOut"]):
    def visible_to(self, user: User) -> WayOutQuerySet:
        return scoped_by_client(self, user)


class WayOut(models.Model):
    """An assistant's honest "this is beyond me" on a request, and the way out offered.

    The track record counts these as honesty, never as failures."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    task = models.ForeignKey("work.Task", on_delete=models.CASCADE, related_name="+")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(max_length=REASON_MAX)
    choice = models.CharField(max_length=12, choices=Choice.choices)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A refund or credit, in the practice's currency (billing uses it later).
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    state = models.CharField(max_length=10, choices=State.choices)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = WayOutQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="way_out_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["task"], condition=Q(state="asked"), name="one_consent_asked_per_task"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.choice} on {self.task_id}"
