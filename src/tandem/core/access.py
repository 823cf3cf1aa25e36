"""The access policy: who may do what, for which client, in which state of the relationship.

Every question of the form "may this person do this (for this client)?" is answered here,
and nowhere else compares roles. Three tables hold the answers:

- ``ROLES``: for each role, the side it acts on (the practice or the client), which of the
  practice's clients it reaches, and its capabilities.
- ``REQUIREMENTS``: for a client-scoped capability, conditions on the client relationship's
  state (its phase, agreements in force, per-assistant limits, …) that must also hold. Each
  is a row of data with the sentence said when it does not; adding one changes every service
  and page that asks for that capability, with no new ``if`` anywhere else.
- the reach lookups of ``Client.objects.visible_to`` and a task's audience, which the
  ``clients`` app writes from ``ROLES`` (``reach_of``, ``roles_reaching``), so what a person
  may see and what they may do can never disagree.

A decision about one client starts from its ``Standing``: the member, the relationship and
whether the member reaches it, loaded once (at most one query) and then asked any number of
capabilities without touching the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from tandem.core.errors import DomainError
from tandem.core.roles import Capability, Role

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.core.models import Membership


class Side(StrEnum):
    """The two sides of every client relationship."""

    PRACTICE = "practice"
    CLIENT = "client"


class Reach(StrEnum):
    """Which of the practice's clients a member can see."""

    # Every client of the practice, archived ones too.
    PRACTICE = "practice"
    # The active clients the member is assigned to.
    ASSIGNED = "assigned"
    # The one client the member speaks for, while it is active.
    OWN = "own"


@dataclass(frozen=True)
class RolePolicy:
    side: Side
    reach: Reach
    capabilities: frozenset[Capability]


C = Capability

# What any member of the practice side may do on a client they reach.
_PRACTICE_WORK = frozenset(
    {
        C.VIEW_CLIENTS,
        C.VIEW_PEOPLE,
        C.SEE_CLIENT,
        C.ADD_REQUEST,
        C.COMMENT,
        C.CANCEL_REQUEST,
        C.SET_DEADLINE,
        C.RESUME_WORK,
        C.TAKE_ON_REQUEST,
        C.WORK_ON_REQUEST,
        C.MANAGE_WATCHERS,
        C.RUN_PROJECTS,
        C.EDIT_REQUEST,
        C.EDIT_ANY_REQUEST,
        # Repeating work, templates and checklists (issue 11, part 9).
        C.MANAGE_REPEATING_WORK,
        C.KEEP_CHECKLISTS,
        C.KEEP_TEMPLATES,
        # A private calendar feed of one's own deadlines (issue 12, planning).
        C.KEEP_CALENDAR_FEED,
        # What the client owes (issue 12).
        C.ASK_CLIENT_FOR_INPUT,
        # Planning ahead (issue 12): each person's own working time.
        C.PLAN_OWN_TIME,
        # Heads-ups (issue 12): given for the clients served, confirmed, declined, made requests.
        C.GIVE_HEADS_UP,
        C.CONFIRM_HEADS_UP,
        # Weekly check-ins (issue 12): see them, and add a note before one goes.
        C.SEE_CHECK_INS,
        C.NOTE_CHECK_IN,
        # The capacity plan (issue 12): rows as far as the member's reach goes.
        C.SEE_CAPACITY,
        # Trust in phases (issue 13): start work (held back above the phase without the
        # client's go-ahead), read the phase, name a request's kind.
        C.START_WORK,
        C.SEE_PHASE,
        C.NAME_KIND_OF_WORK,
        C.SEE_TRACK_RECORD,
        C.SEE_FEEDBACK,
        C.OFFER_WAY_OUT,
        # Postmortems (issue 13): read, open and write; add action items; close its side.
        C.SEE_POSTMORTEMS,
        C.WRITE_POSTMORTEM,
        C.ADD_POSTMORTEM_ACTION,
        C.CLOSE_POSTMORTEM_SIDE,
        # The credential vault (issue 14): see the vault's list, store a credential for a
        # client, reveal what the client shared with them, open a one-time share link.
        C.SEE_VAULT,
        C.STORE_CREDENTIAL,
        C.REVEAL_CREDENTIAL,
        C.OPEN_SHARE_LINK,
        # Agreements (issue 14): read a client's agreements.
        C.SEE_AGREEMENTS,
        # References (issue 14): the practice side records the references it checked about a
        # client it works on (payment history elsewhere, notes); the client never sees them.
        C.CHECK_REFERENCES,
    }
)

ROLES: dict[str, RolePolicy] = {
    Role.OWNER: RolePolicy(
        Side.PRACTICE,
        Reach.PRACTICE,
        _PRACTICE_WORK
        | {
            C.MANAGE_PRACTICE,
            C.INVITE_MEMBERS,
            C.CHANGE_ROLES,
            C.MANAGE_CLIENTS,
            C.ASSIGN_ASSISTANTS,
            C.INVITE_CONTACTS,
            C.READ_AUDIT_LOG,
            C.HEAR_OF_UNASSIGNED_REQUESTS,
            # Planning ahead (issue 12): everyone's working time.
            C.PLAN_TEAM_TIME,
            # Trust in phases (issue 13): the catalogue, and stepping a client back.
            C.KEEP_CATALOGUE,
            C.STEP_BACK_PHASE,
            C.KEEP_REFERRALS,
            # The credential vault (issue 14): the owner oversees who revealed what.
            C.READ_REVEAL_LOG,
            # Agreements (issue 14): templates, issuing and countersigning are the owner's.
            C.KEEP_AGREEMENT_TEMPLATES,
            C.ISSUE_AGREEMENT,
            C.COUNTERSIGN_AGREEMENT,
            # References (issue 14): who agreed to be one, asking a client, the shareable
            # link for prospects and passing their requests on are the owner's.
            C.KEEP_REFERENCES,
        },
    ),
    Role.ASSISTANT: RolePolicy(Side.PRACTICE, Reach.ASSIGNED, _PRACTICE_WORK),
    Role.CONTACT: RolePolicy(
        Side.CLIENT,
        Reach.OWN,
        frozenset(
            {
                C.USE_PORTAL,
                C.SEE_CLIENT,
                C.ADD_REQUEST,
                C.COMMENT,
                C.CANCEL_REQUEST,
                C.SET_DEADLINE,
                C.RESUME_WORK,
                C.REVIEW_DELIVERY,
                C.PROPOSE_PROJECTS,
                C.EDIT_REQUEST,
                # A private calendar feed of their client's deadlines (issue 12, planning).
                C.KEEP_CALENDAR_FEED,
                # What the client owes (issue 12).
                C.ANSWER_WHAT_IS_OWED,
                # Heads-ups (issue 12): tell the practice what is coming, or withdraw it.
                C.GIVE_HEADS_UP,
                # Weekly check-ins (issue 12): answer their client's.
                C.ANSWER_CHECK_IN,
                # Trust in phases (issue 13): the client reads and decides its phase, and
                # gives the go-ahead for work above it.
                C.SEE_PHASE,
                C.CHANGE_PHASE,
                C.GIVE_GO_AHEAD,
                C.NAME_KIND_OF_WORK,
                C.SEE_TRACK_RECORD,
                C.CONSENT_TO_SUBCONTRACT,
                # Postmortems (issue 13): read, open and write; close the client's side.
                C.SEE_POSTMORTEMS,
                C.WRITE_POSTMORTEM,
                C.CLOSE_POSTMORTEM_SIDE,
                # The credential vault (issue 14): the client's secrets are the client's to
                # store, share, change, revoke and read back, and whoever looked is on its log.
                C.SEE_VAULT,
                C.STORE_CREDENTIAL,
                C.CONTROL_CREDENTIALS,
                C.REVEAL_CREDENTIAL,
                C.READ_REVEAL_LOG,
                # Agreements (issue 14): read the client's, and sign them for it.
                C.SEE_AGREEMENTS,
                C.SIGN_AGREEMENT,
                # References (issue 14): agree that the client be a reference, or withdraw.
                C.AGREE_TO_BE_REFERENCE,
            }
        ),
    ),
}

# Roles a person can be given inside the practice (invited as, or changed to).
MEMBER_ROLES = (Role.OWNER, Role.ASSISTANT)


def _policy(role: str) -> RolePolicy | None:
    return ROLES.get(role)


# Members ------------------------------------------------------------------------------------


def member(user: User | Any) -> Membership | None:
    """The acting user's active membership, or None for visitors and people with no practice.

    Uses the membership the tenancy middleware loaded; no query when it did."""
    if not getattr(user, "is_authenticated", False):
        return None
    # A missing reverse one-to-one raises an AttributeError subclass, so getattr answers None.
    membership: Membership | None = getattr(user, "membership", None)
    return membership if membership is not None and membership.is_active else None


def role_allows(role: str, capability: Capability) -> bool:
    """Whether ``role`` carries ``capability`` at all, before any client is considered."""
    policy = _policy(role)
    return policy is not None and capability in policy.capabilities


def allows(user: User | Any, capability: Capability, *, client: Relationship | None = None) -> bool:
    """Whether ``user`` may exercise ``capability``; for a client-scoped capability, on
    ``client`` in its relationship's current state (at most one query)."""
    if client is not None:
        return standing(user, client).allows(capability)
    membership = member(user)
    return membership is not None and role_allows(membership.role, capability)


def capabilities_of(membership: Membership | None) -> frozenset[str]:
    """The capability names the member's role carries (for templates: ``"x" in capabilities``)."""
    policy = _policy(membership.role) if membership is not None else None
    return frozenset(str(c) for c in policy.capabilities) if policy is not None else frozenset()


def side_of_role(role: str) -> Side | None:
    policy = _policy(role)
    return policy.side if policy is not None else None


def side_of_member(membership: Membership | None) -> Side | None:
    """The side a member acts on, whichever client it is; None without a membership."""
    policy = _policy(membership.role) if membership is not None else None
    return policy.side if policy is not None else None


def side_of(user: User | Any) -> Side | None:
    return side_of_member(member(user))


def is_practice_side(membership: Membership | None) -> bool:
    return side_of_member(membership) == Side.PRACTICE


def reach_of(user: User | Any) -> Reach | None:
    """Which clients ``user`` sees (for ``visible_to``); None when they see none."""
    membership = member(user)
    policy = _policy(membership.role) if membership is not None else None
    return policy.reach if policy is not None else None


def sees_whole_practice(membership: Membership | None) -> bool:
    """Whether the member sees every client of the practice (the pages' "every client")."""
    policy = _policy(membership.role) if membership is not None else None
    return policy is not None and policy.reach == Reach.PRACTICE


def roles_reaching(reach: Reach) -> list[str]:
    """The roles that see clients through ``reach`` (for a task's audience query)."""
    return [role for role, policy in ROLES.items() if policy.reach == reach]


def roles_on_side(side: Side) -> list[str]:
    return [role for role, policy in ROLES.items() if policy.side == side]


def roles_with(capability: Capability) -> list[str]:
    """The roles that carry ``capability`` (for "the practice's owners" style queries)."""
    return [role for role, policy in ROLES.items() if capability in policy.capabilities]


def sides_with(capability: Capability) -> frozenset[Side]:
    """The sides whose roles carry ``capability``: the workflow's "only the client can…"."""
    return frozenset(policy.side for policy in ROLES.values() if capability in policy.capabilities)


def can_hold_role(role: str) -> bool:
    """Whether ``role`` is one a member of the practice side can be given."""
    return role in MEMBER_ROLES


# Client relationships -----------------------------------------------------------------------


class Relationship(Protocol):
    """What the policy reads of a client relationship (``clients.Client`` is one).

    Its state fields (phase, agreements in force, notice) are what ``REQUIREMENTS`` read.
    """

    pk: Any
    practice_id: int
    name: str
    # How far the client trusts the practice (1 to 3): ``delegation`` reads it.
    phase: int

    @property
    def is_archived(self) -> bool: ...

    def is_reached_by(self, user_id: int, reach: Reach) -> bool:
        """Whether the user is linked to this client through ``reach`` (one query)."""
        ...


@dataclass(frozen=True)
class Standing:
    """One member's standing with one client relationship: everything a decision reads."""

    membership: Membership | None
    relationship: Relationship
    # Whether the member can see this client at all; nothing is allowed when not.
    sees: bool

    @property
    def side(self) -> Side | None:
        """The side the member acts on for this client; None when they cannot see it."""
        return side_of_member(self.membership) if self.sees else None

    def allows(self, capability: Capability) -> bool:
        return self.why_not(capability) is None

    def refusal(self, capability: Capability) -> str | None:
        """None when allowed; otherwise why not, as a sentence for the person acting."""
        found = self.why_not(capability)
        return found[1] if found is not None else None

    def why_not(self, capability: Capability) -> tuple[Refused, str] | None:
        """None when allowed; otherwise which check said no, and its sentence."""
        if not self.sees or self.membership is None:
            return Refused.UNSEEN, NOT_YOURS
        if not role_allows(self.membership.role, capability):
            return Refused.ROLE, ONLY_OTHER_SIDE
        for requirement in REQUIREMENTS.get(capability, ()):
            if not requirement.holds(self):
                return Refused.STATE, requirement.sentence(self)
        return None

    def require(
        self,
        capability: Capability,
        *,
        unseen: str = "",
        wrong_role: str = "",
        field: str | None = None,
    ) -> None:
        """Raise ``DomainError`` unless allowed: with ``unseen`` when the member cannot see
        the client, ``wrong_role`` when their role lacks the capability, and a requirement's
        own sentence when the relationship's state says no."""
        found = self.why_not(capability)
        if found is None:
            return
        refused, sentence = found
        own_words = {Refused.UNSEEN: unseen, Refused.ROLE: wrong_role}.get(refused, "")
        raise DomainError(own_words or sentence, field=field)


class Refused(StrEnum):
    """Which check of a decision said no."""

    UNSEEN = "unseen"
    ROLE = "role"
    STATE = "state"


NOT_YOURS = "This is not one of your clients; open it from your own list."
ONLY_OTHER_SIDE = "Your role does not allow this."


def standing(user: User | Any, relationship: Relationship) -> Standing:
    """``user``'s standing with ``relationship``: whether they see it, from the role's reach.

    Owners see every client of their practice with no query; everyone else sees an active
    client they are linked to (one query). A client of another practice is never seen.
    """
    membership = member(user)
    policy = _policy(membership.role) if membership is not None else None
    if membership is None or policy is None:
        return Standing(membership, relationship, sees=False)
    if relationship.practice_id != membership.practice_id:
        return Standing(membership, relationship, sees=False)
    if policy.reach == Reach.PRACTICE:
        return Standing(membership, relationship, sees=True)
    sees = not relationship.is_archived and relationship.is_reached_by(user.pk, policy.reach)
    return Standing(membership, relationship, sees=sees)


def standing_of_visible(user: User | Any, relationship: Relationship) -> Standing:
    """The standing with a client the caller has just fetched through ``visible_to(user)``
    (so it is seen): no query. Anywhere else, use ``standing``."""
    return Standing(member(user), relationship, sees=True)


# Requirements on the relationship's state ---------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """A condition on a client relationship that a capability needs beyond the role.

    ``holds`` reads only the standing (its relationship's state fields), never the database;
    ``refusal`` is the sentence said when it does not hold (``{client}`` is the client's name).
    """

    name: str
    holds: Callable[[Standing], bool]
    refusal: str
    # When the sentence depends on the state (which agreement is missing): it is written
    # from the standing instead of ``refusal`` (which stays the general form).
    explain: Callable[[Standing], str] | None = None

    def sentence(self, standing: Standing) -> str:
        if self.explain is not None:
            return self.explain(standing)
        return self.refusal.format(client=standing.relationship.name)


# Rows come from the apps that keep the state they read, registered from their
# ``AppConfig.ready`` with ``add_requirement`` (agreements in force: ``tandem.agreements``).
REQUIREMENTS: dict[Capability, tuple[Requirement, ...]] = {}


def add_requirement(capability: Capability, requirement: Requirement) -> None:
    """Make ``requirement`` a permanent row for ``capability`` (once per name: an app's
    ``ready`` may run twice in tests and management commands)."""
    before = REQUIREMENTS.get(capability, ())
    if any(row.name == requirement.name for row in before):
        return
    REQUIREMENTS[capability] = (*before, requirement)


@contextmanager
def requirement_added(capability: Capability, requirement: Requirement) -> Iterator[None]:
    """``requirement`` applies to ``capability`` inside the block (tests, and a way to try a
    rule before it becomes a permanent row of ``REQUIREMENTS``)."""
    before = REQUIREMENTS.get(capability, ())
    REQUIREMENTS[capability] = (*before, requirement)
    try:
        yield
    finally:
        REQUIREMENTS[capability] = before
        if not before:
            del REQUIREMENTS[capability]


# Work above the client's phase ----------------------------------------------------------------


class Delegated(StrEnum):
    """The policy's answer for starting a piece of work in the relationship's phase."""

    ALLOWED = "allowed"
    # The work is above the client's phase: it waits for the client's go-ahead.
    NEEDS_GO_AHEAD = "needs_go_ahead"
    REFUSED = "refused"


class Delegable(Protocol):
    """What the policy reads of a piece of work (``work.Task`` is one): the phase its kind
    belongs to (None: no kind named, so no phase holds it back) and whether the client gave
    the go-ahead for it."""

    @property
    def kind_phase(self) -> int | None: ...

    @property
    def has_go_ahead(self) -> bool: ...


# The capabilities that start work: above the phase, they wait for the client's go-ahead.
STARTS_WORK = frozenset({C.TAKE_ON_REQUEST, C.START_WORK})

ABOVE_PHASE = (
    "This is Phase {needed} work and {client} is in Phase {phase}: it waits for the "
    "client's go-ahead."
)
_ROMAN = {1: "I", 2: "II", 3: "III"}


def above_phase(relationship: Relationship, work: Delegable) -> bool:
    """Whether ``work`` belongs to a phase above the relationship's current one."""
    needed = work.kind_phase
    return needed is not None and needed > relationship.phase


def waits_for_go_ahead(relationship: Relationship, work: Delegable) -> bool:
    """Whether ``work`` is above the phase and the client has not given the go-ahead."""
    return above_phase(relationship, work) and not work.has_go_ahead


def delegation(standing: Standing, capability: Capability, work: Delegable) -> Delegated:
    """May the member exercise ``capability`` on ``work`` for this client, in its phase?

    The role and the relationship's requirements decide first (refused); then work that
    starts something (``STARTS_WORK``) above the client's phase needs the client's go-ahead,
    on the request or standing for its kind. A promotion takes effect at once: the phase is
    read from the relationship each time.
    """
    if not standing.allows(capability):
        return Delegated.REFUSED
    if capability in STARTS_WORK and waits_for_go_ahead(standing.relationship, work):
        return Delegated.NEEDS_GO_AHEAD
    return Delegated.ALLOWED


def above_phase_refusal(relationship: Relationship, work: Delegable) -> str:
    return ABOVE_PHASE.format(
        needed=_ROMAN.get(work.kind_phase or 0, "?"),
        client=relationship.name,
        phase=_ROMAN.get(relationship.phase, "?"),
    )


def may_give_go_ahead(standing: Standing, work: Delegable) -> bool:
    """Whether the member may give the go-ahead for ``work`` now: their role gives it (the
    client's side), and the work is above the phase without one yet."""
    return standing.allows(C.GIVE_GO_AHEAD) and waits_for_go_ahead(standing.relationship, work)


# Secrets of the credential vault (issue 14) ------------------------------------------------


class Grant(StrEnum):
    """Where a member stands on one credential: what the client decided about them."""

    # The client named them on it, and has not revoked it.
    NAMED = "named"
    # Named once, then the client revoked their access (or the whole credential's).
    REVOKED = "revoked"
    # Named once; their access ended when they stopped working on the client.
    ENDED = "ended"
    # Never named on it.
    NONE = "none"


class Revealable(Protocol):
    """What the policy reads of one credential for one member (``vault`` builds it from the
    credential's row and the member's latest grant on it)."""

    @property
    def minimum_phase(self) -> int: ...

    @property
    def is_deleted(self) -> bool: ...

    @property
    def grant(self) -> Grant: ...


REVEAL_DELETED = "{client} has deleted this credential: there is nothing left to reveal."
REVEAL_NOT_SHARED = "{client} has not shared this credential with you. Ask them to name you on it."
REVEAL_REVOKED = (
    "{client} has revoked your access to this credential, so it cannot be revealed. "
    "Ask them if you still need it."
)
REVEAL_ACCESS_ENDED = "Your access to this credential ended when you stopped working on {client}."
REVEAL_ABOVE_PHASE = (
    "{client} shares this credential from Phase {needed}; the relationship is in Phase "
    "{phase}, so it cannot be revealed yet."
)
_GRANT_REFUSALS = {
    Grant.NONE: REVEAL_NOT_SHARED,
    Grant.REVOKED: REVEAL_REVOKED,
    Grant.ENDED: REVEAL_ACCESS_ENDED,
}


def reveal_refusal(standing: Standing, secret: Revealable) -> str | None:
    """None when the member may reveal ``secret`` now; otherwise why not, as a sentence.

    The role decides first (``REVEAL_CREDENTIAL``, on a client the member reaches: someone
    who left the practice or the client reaches it no more). The client's own side reads
    its own secrets back. The practice side needs the client to have named them on it (not
    revoked since, not ended by leaving) and the relationship to be in the credential's
    minimum phase or above; the phase is read each time, so a step back hides it at once.
    """
    refused = standing.why_not(C.REVEAL_CREDENTIAL)
    if refused is not None:
        return refused[1]
    client = standing.relationship.name
    if secret.is_deleted:
        return REVEAL_DELETED.format(client=client)
    if standing.side == Side.CLIENT:
        return None
    if secret.grant != Grant.NAMED:
        return _GRANT_REFUSALS[secret.grant].format(client=client)
    if standing.relationship.phase < secret.minimum_phase:
        return REVEAL_ABOVE_PHASE.format(
            client=client,
            needed=_ROMAN.get(secret.minimum_phase, "?"),
            phase=_ROMAN.get(standing.relationship.phase, "?"),
        )
    return None


def may_reveal(standing: Standing, secret: Revealable) -> bool:
    """Whether the member may reveal ``secret`` now (``reveal_refusal`` says why not)."""
    return reveal_refusal(standing, secret) is None
