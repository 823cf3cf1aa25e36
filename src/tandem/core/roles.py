"""Roles and capabilities: the names the access policy (``core/access.py``) is written in.

What each role may do, and for which client, is decided by ``core.access`` alone.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ASSISTANT = "assistant", "Assistant"
    CONTACT = "contact", "Client contact"


class Capability(StrEnum):
    # The practice as a whole.
    MANAGE_PRACTICE = "manage_practice"
    VIEW_PEOPLE = "view_people"
    INVITE_MEMBERS = "invite_members"
    CHANGE_ROLES = "change_roles"
    VIEW_CLIENTS = "view_clients"
    MANAGE_CLIENTS = "manage_clients"
    ASSIGN_ASSISTANTS = "assign_assistants"
    INVITE_CONTACTS = "invite_contacts"
    READ_AUDIT_LOG = "read_audit_log"
    USE_PORTAL = "use_portal"
    # Told of a new request for a client nobody is assigned to yet.
    HEAR_OF_UNASSIGNED_REQUESTS = "hear_of_unassigned_requests"
    # Keep the practice's request templates (a template for one client also needs the client).
    KEEP_TEMPLATES = "keep_templates"
    # One client's work: asked with the client, so the relationship's state can weigh in.
    SEE_CLIENT = "see_client"
    ADD_REQUEST = "add_request"
    COMMENT = "comment"
    CANCEL_REQUEST = "cancel_request"
    SET_DEADLINE = "set_deadline"
    # Accept a request (take it on); declining is part of working on requests.
    TAKE_ON_REQUEST = "take_on_request"
    # Decline, start, wait for the client, deliver, resume, assign, and add people to watch.
    WORK_ON_REQUEST = "work_on_request"
    MANAGE_WATCHERS = "manage_watchers"
    # Take up waiting work again: the client has sent what was needed, or it has arrived.
    RESUME_WORK = "resume_work"
    # Accept delivered work or send it back.
    REVIEW_DELIVERY = "review_delivery"
    # Change a request after it is sent: its words, deadline and files while the practice
    # has not taken it on yet (which statuses is ``work.workflow.EDIT_RULES``' answer).
    EDIT_REQUEST = "edit_request"
    # Change any part of an open request (priority, project, estimate too) in any status.
    EDIT_ANY_REQUEST = "edit_any_request"
    RUN_PROJECTS = "run_projects"
    PROPOSE_PROJECTS = "propose_projects"
    # Make a client's request repeat; pause, resume or end the series.
    MANAGE_REPEATING_WORK = "manage_repeating_work"
    # Give a task a checklist and tick its steps (the client sees the progress).
    KEEP_CHECKLISTS = "keep_checklists"
    # Keep a private calendar feed of one's own deadlines and what is awaited (planning):
    # practice-wide, each person's own; every role has something to show in one.
    KEEP_CALENDAR_FEED = "keep_calendar_feed"
    # What the client owes (issue 12, planning): the practice asks for something by a date,
    # marks it received or drops it; the client says "here it is".
    ASK_CLIENT_FOR_INPUT = "ask_client_for_input"
    ANSWER_WHAT_IS_OWED = "answer_what_is_owed"
    # Planning ahead (issue 12): one's own working hours, time off and the share of the day
    # kept free; and everyone's of the practice.
    PLAN_OWN_TIME = "plan_own_time"
    PLAN_TEAM_TIME = "plan_team_time"
    # Heads-ups (issue 12, planning): say what work is coming (a client's contact for their
    # client, the practice for the clients it serves), withdraw it; and the practice's side
    # confirms it (reserving the hours), declines it or makes it a request.
    GIVE_HEADS_UP = "give_heads_up"
    CONFIRM_HEADS_UP = "confirm_heads_up"
    # Weekly check-ins (issue 12, planning): the practice side sees the check-ins of the
    # clients it serves (prepared ones too) and adds a note before one goes; the client's
    # contacts answer theirs ("Anything coming up?").
    SEE_CHECK_INS = "see_check_ins"
    NOTE_CHECK_IN = "note_check_in"
    ANSWER_CHECK_IN = "answer_check_in"
    # See the capacity plan (issue 12): available against committed hours, week by week.
    # The practice side only; whose rows a member sees is their reach (an owner: everyone
    # and every client; an assistant: themself and the clients they serve).
    SEE_CAPACITY = "see_capacity"
    # Trust in phases (issue 13). Start work on a request (accepting one and starting it
    # are the two moves a phase can hold back: ``access.delegation``).
    START_WORK = "start_work"
    # Keep the practice's delegation catalogue (kinds of work, each with its phase).
    KEEP_CATALOGUE = "keep_catalogue"
    # Read the phase, its job description and the next one's, and the history of changes.
    SEE_PHASE = "see_phase"
    # The client decides its phase: promote (any phase may be skipped) or step back.
    CHANGE_PHASE = "change_phase"
    # The practice may only step a client back a phase (lowering trust is always safe).
    STEP_BACK_PHASE = "step_back_phase"
    # The client's go-ahead for work above its phase: on one request, or standing for a kind.
    GIVE_GO_AHEAD = "give_go_ahead"
    # Name a request's kind of work (the client when asking, the practice at any time).
    NAME_KIND_OF_WORK = "name_kind_of_work"
    # Read a client's track record (both sides of the client).
    SEE_TRACK_RECORD = "see_track_record"
    # Read the clients' praise and feedback (an owner: the practice's; an assistant: the
    # work they did).
    SEE_FEEDBACK = "see_feedback"
    # An honest way out (issue 13): say a request is beyond the practice and offer a way
    # out (refer, subcontract, decline kindly, refund or credit); keep the list of VAs and
    # partners to refer to; the client consents to a subcontract or says no.
    OFFER_WAY_OUT = "offer_way_out"
    KEEP_REFERRALS = "keep_referrals"
    CONSENT_TO_SUBCONTRACT = "consent_to_subcontract"
    # Postmortems (issue 13): read a client's postmortems, open one and write in it (both
    # sides of a client they reach); add its action items (the practice side); close one's
    # own side of it (each side closes its own).
    SEE_POSTMORTEMS = "see_postmortems"
    WRITE_POSTMORTEM = "write_postmortem"
    ADD_POSTMORTEM_ACTION = "add_postmortem_action"
    CLOSE_POSTMORTEM_SIDE = "close_postmortem_side"
    # The credential vault (issue 14). Read a client's vault (names of services, who may see
    # each; never a secret); store a credential for a client (either side: the client still
    # sees and controls it); control one (change its secret, who may see it and from which
    # phase, revoke, delete; make one-time share links: the client's side); reveal a secret
    # (asked with the credential: ``access.reveal_refusal`` reads the grant and the phase);
    # read who revealed what, when and why; open a one-time share link (the practice side).
    SEE_VAULT = "see_vault"
    STORE_CREDENTIAL = "store_credential"
    CONTROL_CREDENTIALS = "control_credentials"
    REVEAL_CREDENTIAL = "reveal_credential"
    READ_REVEAL_LOG = "read_reveal_log"
    OPEN_SHARE_LINK = "open_share_link"
    # Agreements (issue 14): read a client's agreements (both sides of the client); keep the
    # practice's templates and the "agreements before work" setting; issue, amend and
    # withdraw an agreement; sign it for the client (its contacts) and countersign it for
    # the practice (its owners).
    SEE_AGREEMENTS = "see_agreements"
    KEEP_AGREEMENT_TEMPLATES = "keep_agreement_templates"
    ISSUE_AGREEMENT = "issue_agreement"
    SIGN_AGREEMENT = "sign_agreement"
    COUNTERSIGN_AGREEMENT = "countersign_agreement"
    # References, both ways (issue 14). The client's side agrees that its client be a
    # reference for the practice (how it would like to be asked, what it would say) and
    # withdraws that at any time; the owner keeps the practice's references (who agreed, asks
    # a client to be one, the shareable link prospects ask through, passing a prospect's
    # request on); the practice side records references it checked about a client (never
    # shown to the client's side).
    AGREE_TO_BE_REFERENCE = "agree_to_be_reference"
    KEEP_REFERENCES = "keep_references"
    CHECK_REFERENCES = "check_references"
