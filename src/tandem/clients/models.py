"""A practice's clients, who works on them, and who speaks for them."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tandem.core import access
from tandem.core.access import Reach
from tandem.core.compiled import Row, compiled_rows, compiled_subquery
from tandem.core.models import Practice, time_zone_choices
from tandem.core.roles import Capability, Role

if TYPE_CHECKING:
    from tandem.accounts.models import User


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: User) -> ClientQuerySet:
        """Owner: every client of the practice, archived ones too. Assistant: the active
        clients assigned to them. Contact: their own client while it is active."""
        reach = access.reach_of(user)
        if reach is None:
            return self.none()
        return self.seen_by(user.membership.practice_id, reach, user.pk)

    def seen_by(self, practice_id: int, reach: Reach, user_id: int) -> ClientQuerySet:
        """``visible_to`` for a member given by ids (for queries compiled once per member,
        ``core.compiled``)."""
        if reach == Reach.PRACTICE:
            return self.filter(practice_id=practice_id)
        return self.reached_by(practice_id, reach, user_id)

    def reached_by(self, practice_id: int, reach: Reach, user_id: int) -> ClientQuerySet:
        """The active clients a member linked by ``reach`` (assigned, or own) reaches."""
        return self.filter(
            practice_id=practice_id, archived_at__isnull=True, **{REACH_LOOKUPS[reach]: user_id}
        )

    def active(self) -> ClientQuerySet:
        return self.filter(archived_at__isnull=True)


# How a member is linked to a client for each reach of the access policy but the whole
# practice's: the lookup from Client to the linked user's id.
REACH_LOOKUPS = {Reach.ASSIGNED: "assignments__user_id", Reach.OWN: "contacts__user_id"}


Rows = TypeVar("Rows", bound=models.QuerySet)


def scoped_by_client(rows: Rows, user: User, *, client_field: str = "client") -> Rows:
    """The rows of ``user``'s practice whose client ``user`` may see.

    Owners see every row of the practice, archived clients too. Everyone else sees exactly
    the rows of the clients ``Client.objects.visible_to`` gives them (assigned and active
    for assistants, their own active client for contacts), so the two can never disagree.
    """
    reach = access.reach_of(user)
    if reach is None:
        return rows.none()
    return scoped_by_reach(
        rows, user.membership.practice_id, reach, user.pk, client_field=client_field
    )


def scoped_by_reach(
    rows: Rows,
    practice_id: int,
    reach: Reach,
    user_id: int,
    *,
    client_field: str = "client",
    row_by_row: bool = False,
) -> Rows:
    """``scoped_by_client`` for a member given by ids: for subqueries compiled once per
    member (``core.compiled``), which key on ids, never on a user object whose role may
    change.

    ``row_by_row`` is for rows the caller's other filters already narrow to a few (one
    assignee's work): each row's client is checked by a correlated subquery. An ``IN`` is
    joined, and PostgreSQL, taking the assignee and the clients for unrelated, started from
    the member's clients and read all their work (6 ms where reading the assignee's range
    and checking each row took 1)."""
    if reach == access.Reach.PRACTICE:
        return rows.filter(practice_id=practice_id)
    if row_by_row:
        own_client = Client.objects.reached_by(practice_id, reach, user_id).filter(
            pk=models.OuterRef(client_field)
        )
        # A scalar subquery in the WHERE stays a per-row check; an EXISTS would be joined.
        first = models.Subquery(own_client.values("pk")[:1])
        return rows.alias(client_reached=first).filter(client_reached__isnull=False)
    # The visible clients are all of the user's practice, so the client filter alone scopes
    # the rows; adding the practice's would tempt SQLite to walk the whole practice's index
    # and check each row's client, instead of reading each visible client's range. The
    # subquery is compiled once per member: through the ORM it cost about a millisecond a
    # query, on pages of ten such queries.
    reached = compiled_subquery(_reached_client_ids, practice_id, reach, user_id, using=rows.db)
    return rows.filter(**{f"{client_field}__in": reached})


def compiled_for(
    user: User,
    build: Callable[..., models.QuerySet[Any, Any]],
    *args: Hashable,
    moments: Sequence[datetime] = (),
) -> RawSQL | None:
    """``build(practice_id, reach, user_id, *args, *moments)`` as a subquery compiled once
    per member and ``args`` (``core.compiled``); ``build`` scopes with ``scoped_by_reach``.
    None when ``user`` sees no client."""
    reach = access.reach_of(user)
    if reach is None:
        return None
    return compiled_subquery(
        build, user.membership.practice_id, reach, user.pk, *args, moments=moments
    )


def compiled_rows_for(
    user: User,
    build: Callable[..., models.QuerySet[Any, Row]],
    *args: Hashable,
    ids: Sequence[int] = (),
    moments: Sequence[datetime] = (),
) -> list[Row]:
    """``list(build(practice_id, reach, user_id, *args, *ids, *moments))`` from SQL
    compiled once per member and ``args`` (``core.compiled.compiled_rows``); ``build``
    scopes with ``scoped_by_reach``. Empty when ``user`` sees no client."""
    reach = access.reach_of(user)
    if reach is None:
        return []
    practice_id = user.membership.practice_id
    return compiled_rows(build, practice_id, reach, user.pk, *args, ids=ids, moments=moments)


def _reached_link(reach: Reach, user_id: int, client_id: int) -> models.QuerySet[Client, int]:
    linked = Client.objects.filter(pk=client_id, **{REACH_LOOKUPS[reach]: user_id})
    return linked.values_list("pk", flat=True)[:1]


def _reached_client_ids(
    practice_id: int, reach: Reach, user_id: int
) -> models.QuerySet[Client, Any]:
    return Client.objects.reached_by(practice_id, reach, user_id).values("pk")


class Phase(models.IntegerChoices):
    """How far the client trusts the practice (article 001): the access policy reads it."""

    CLERICAL = 1, "Phase I: clerical"
    ADMINISTRATIVE = 2, "Phase II: secretarial and administrative"
    EXECUTIVE = 3, "Phase III: personal executive assistant"


PHONE_MAX = 40
ADDRESS_MAX = 500


class Client(models.Model):
    """A client of the practice, and the state of the relationship with it.

    The relationship's state (phase, agreements, notice) is what the access policy's
    requirements read (``core.access.REQUIREMENTS``); later capabilities keep it current.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    name = models.CharField("business name", max_length=160)
    time_zone = models.CharField(max_length=64, choices=time_zone_choices, default="UTC")
    notes = models.TextField(blank=True)
    # How the practice reaches the business (issue 11, part 11).
    phone = models.CharField(max_length=PHONE_MAX, blank=True)
    address = models.TextField("postal address", max_length=ADDRESS_MAX, blank=True)
    website = models.URLField(max_length=200, blank=True)
    # The contact who speaks for the client first: listed first, asked first.
    main_contact = models.ForeignKey(
        "ClientContact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The relationship's state.
    phase = models.PositiveSmallIntegerField(choices=Phase.choices, default=Phase.CLERICAL)
    # Whether requests wait for signed service and confidentiality agreements, and since
    # when the agreements are in force (none yet: null).
    requires_agreements = models.BooleanField(default=False)
    agreements_in_force_at = models.DateTimeField(null=True, blank=True)
    # Since when each signed agreement is in force (null: none signed by both sides yet);
    # the agreements app keeps them, so the policy says which one is missing.
    service_agreement_at = models.DateTimeField(null=True, blank=True)
    confidentiality_agreement_at = models.DateTimeField(null=True, blank=True)
    # Working days of notice agreed with this client for new work (less is short notice);
    # None: the practice's planning settings decide (planning.PlanningPolicy).
    notice_working_days = models.PositiveSmallIntegerField(
        "Notice for new work (working days)", null=True, blank=True, default=None
    )

    objects = ClientQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "archived_at", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def phone_href(self) -> str:
        """The phone as a ``tel:`` link: its digits, with a leading "+" kept."""
        digits = "".join(char for char in self.phone if char.isdigit())
        if not digits:
            return ""
        return f"tel:{'+' if self.phone.strip().startswith('+') else ''}{digits}"

    @property
    def website_href(self) -> str:
        """The website when it is a web address (the form allows nothing else)."""
        return self.website if self.website.lower().startswith(("http://", "https://")) else ""

    @property
    def website_label(self) -> str:
        """The website as people write it: no scheme, no "www.", no trailing slash."""
        label = self.website.split("://", 1)[-1].rstrip("/")
        return label.removeprefix("www.")

    def is_reached_by(self, user_id: int, reach: Reach) -> bool:
        """Whether the user is linked to this client through ``reach``: one query."""
        if reach == Reach.PRACTICE:
            return True
        # Compiled once per user and reach (core.compiled): every request's page asks it.
        return bool(compiled_rows(_reached_link, reach, user_id, ids=[self.pk]))

    def audience(self) -> models.Q:
        """Who sees this client, as a filter on users: the set form of ``access.standing``."""
        in_practice = models.Q(membership__practice_id=self.practice_id, membership__is_active=True)
        sees = models.Q(membership__role__in=access.roles_reaching(Reach.PRACTICE))
        if not self.is_archived:
            sees |= models.Q(
                membership__role__in=access.roles_reaching(Reach.ASSIGNED),
                assignments__client_id=self.pk,
            )
            sees |= models.Q(
                membership__role__in=access.roles_reaching(Reach.OWN),
                client_contact__client_id=self.pk,
            )
        return in_practice & sees


class Assignment(models.Model):
    """An assistant (or owner) who works on a client."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "user"], name="assignment_once")]
        indexes = [models.Index(fields=["user", "client"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.client}"


class ClientContact(models.Model):
    """A person who speaks for a client and uses the client portal."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_contact"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} for {self.client}"


# People of these roles speak for one client, so their invitation names it.
CLIENT_SIDE_ROLES = access.roles_on_side(access.Side.CLIENT)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def visible_to(self, user: User) -> InvitationQuerySet:
        """Only owners manage invitations, for their own practice."""
        if not access.allows(user, Capability.INVITE_MEMBERS):
            return self.none()
        return self.filter(practice_id=user.membership.practice_id)

    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation into a practice, as an assistant or as a contact of one client.

    The link carries a signed (id, nonce) pair; resending draws a new nonce, so an older
    link stops working. Accepting sets ``accepted_at``: each link works once.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices)
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    nonce = models.CharField(max_length=32)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "accepted_at", "revoked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=CLIENT_SIDE_ROLES, client__isnull=False)
                    | (~models.Q(role__in=CLIENT_SIDE_ROLES) & models.Q(client__isnull=True))
                ),
                name="invitation_contact_has_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"
