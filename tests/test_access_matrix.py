"""Every URL and every persona, with the exact status each must get.

The acting personas all belong to practice A; targets are practice A's objects ("own") and
practice B's ("other"). The rules: a visitor is sent to sign in (302); an object the person
may not see, in another practice or outside their clients, is missing (404); a page they can
see but their role may not use is refused (403); the wrong HTTP method is 405.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tandem.clients.invitations import invite, make_token
from tandem.clients.models import Invitation
from tandem.core.branding import update_branding
from tandem.core.roles import Role
from tandem.notify.models import Notification
from tandem.planning.feed_addresses import make_calendar_feed, turn_off_calendar_feed
from tandem.planning.owed import ask_client
from tandem.planning.services import add_time_off
from tandem.work.attachments import make_thumbnail, store_attachment
from tandem.work.checklists import add_steps, save_template
from tandem.work.models import Attachment, Task
from tandem.work.repeating import start_series
from tandem.work.services import create_task
from tandem.work.services_projects import start_project
from tests.conftest import PERSONA_KINDS, Personas, PracticeWorld, signed_in
from tests.reactions import react_now

PERSONAS = ("anonymous", *PERSONA_KINDS)

# allauth's own pages (sign-in, sign-up, password, e-mail, two-factor): allauth tests them.
# Listed by name so that a URL added to the app, or a new allauth page, fails the guard below.
COVERED_BY_ALLAUTH = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reauthenticate",
    "account_email",
    "account_email_verification_sent",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_reset_password_from_key_done",
    "account_reset_password_from_key",
    "account_reset_password_done",
    "mfa_index",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
}

# Routed only when TANDEM_BENCH=1 (tandem.urls_bench) and refused otherwise: the benchmark's
# floor page, tested in test_bench_floor.py.
BENCH_ONLY = {"bench-floor"}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    target: str | None
    # In the order of PERSONAS: anonymous, owner, assistant, unassigned, contact1, contact2.
    statuses: tuple[int, int, int, int, int, int]
    data: dict[str, str] = field(default_factory=dict)


ALL_302 = (302, 302, 302, 302, 302, 302)
SIGN_IN_THEN_404 = (302, 404, 404, 404, 404, 404)
SIGN_IN_THEN_405 = (302, 405, 405, 405, 405, 405)
INBOX_ACCEPT = {"from": "requested", "to": "accepted"}

MATRIX = [
    Row("healthz", "GET", None, (200, 200, 200, 200, 200, 200)),
    Row("healthz", "POST", None, (405, 405, 405, 405, 405, 405)),
    Row("accounts:profile", "GET", None, (302, 200, 200, 200, 200, 200)),
    Row("accounts:profile", "PUT", None, (302, 405, 405, 405, 405, 405)),
    # Members already have a practice: they are sent home.
    Row("accounts:practice-create", "GET", None, ALL_302),
    Row("core:home", "GET", None, ALL_302),
    Row("core:home", "POST", None, (405, 405, 405, 405, 405, 405)),
    Row("core:practice-settings", "GET", None, (302, 200, 403, 403, 403, 403)),
    Row("core:practice-settings", "DELETE", None, (302, 405, 403, 403, 403, 403)),
    Row("core:audit-log", "GET", None, (302, 200, 403, 403, 403, 403)),
    Row("core:audit-log", "POST", None, (302, 405, 403, 403, 403, 403)),
    Row("home:dashboard", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("home:dashboard", "POST", None, (302, 405, 405, 405, 403, 403)),
    Row("clients:client-list", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("clients:client-list", "POST", None, (302, 405, 405, 405, 403, 403)),
    Row("clients:client-create", "GET", None, (302, 200, 403, 403, 403, 403)),
    Row("clients:client-create", "PUT", None, (302, 405, 403, 403, 403, 403)),
    Row("home:client-detail", "GET", "client1", (302, 200, 200, 404, 403, 404)),
    Row("home:client-detail", "GET", "client2", (302, 200, 404, 404, 404, 403)),
    Row("home:client-detail", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("home:client-detail", "POST", "client1", SIGN_IN_THEN_405),
    Row("clients:client-edit", "GET", "client1", (302, 200, 403, 404, 403, 404)),
    Row("clients:client-edit", "GET", "client2", (302, 200, 404, 404, 404, 403)),
    Row("clients:client-edit", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("clients:client-edit", "PUT", "client1", SIGN_IN_THEN_405),
    Row("home:client-archive", "POST", "client1", (302, 302, 403, 404, 403, 404)),
    Row("home:client-archive", "POST", "client2", (302, 302, 404, 404, 404, 403)),
    Row("home:client-archive", "POST", "other_client1", SIGN_IN_THEN_404),
    Row("home:client-archive", "GET", "client1", SIGN_IN_THEN_405),
    # Restoring an active client is refused: the client's page comes back (400) saying so.
    Row("home:client-restore", "POST", "client1", (302, 400, 403, 404, 403, 404)),
    Row("home:client-restore", "POST", "client2", (302, 400, 404, 404, 404, 403)),
    Row("home:client-restore", "POST", "other_client1", SIGN_IN_THEN_404),
    Row("home:client-restore", "GET", "client1", SIGN_IN_THEN_405),
    Row("home:client-assign", "POST", "client1", (302, 302, 403, 404, 403, 404)),
    Row("home:client-assign", "POST", "client2", (302, 302, 404, 404, 404, 403)),
    Row("home:client-assign", "POST", "other_client1", SIGN_IN_THEN_404),
    Row("home:client-assign", "GET", "client1", SIGN_IN_THEN_405),
    Row("home:client-unassign", "POST", "client1", (302, 302, 403, 404, 403, 404)),
    # Nobody is assigned to client 2: the assignment itself is missing.
    # The owner: the assistant is not assigned to client 2, said beside the button (400).
    Row("home:client-unassign", "POST", "client2", (302, 400, 404, 404, 404, 403)),
    Row("home:client-unassign", "POST", "other_client1", SIGN_IN_THEN_404),
    Row("home:client-unassign", "GET", "client1", SIGN_IN_THEN_405),
    # A contact's invitation, from the client's page: only owners see invitations at all, and
    # only through the client it is for.
    Row(
        "home:contact-invitation-resend",
        "POST",
        "contact_invitation",
        (302, 302, 404, 404, 404, 404),
    ),
    Row("home:contact-invitation-resend", "POST", "other_contact_invitation", SIGN_IN_THEN_404),
    Row("home:contact-invitation-resend", "POST", "client2_with_invitation", SIGN_IN_THEN_404),
    Row("home:contact-invitation-resend", "GET", "contact_invitation", SIGN_IN_THEN_405),
    Row(
        "home:contact-invitation-revoke",
        "POST",
        "contact_invitation",
        (302, 302, 404, 404, 404, 404),
    ),
    Row("home:contact-invitation-revoke", "POST", "other_contact_invitation", SIGN_IN_THEN_404),
    Row("home:contact-invitation-revoke", "POST", "client2_with_invitation", SIGN_IN_THEN_404),
    Row("home:contact-invitation-revoke", "GET", "contact_invitation", SIGN_IN_THEN_405),
    Row("clients:contact-invite", "GET", "client1", (302, 200, 403, 404, 403, 404)),
    Row("clients:contact-invite", "GET", "client2", (302, 200, 404, 404, 404, 403)),
    Row("clients:contact-invite", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("clients:contact-invite", "PUT", "client1", SIGN_IN_THEN_405),
    Row("clients:people", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("clients:people", "POST", None, (302, 405, 405, 405, 403, 403)),
    Row("clients:member-invite", "GET", None, (302, 200, 403, 403, 403, 403)),
    Row("clients:member-invite", "PUT", None, (302, 405, 403, 403, 403, 403)),
    # Contacts see no members at all; assistants see them but may not change them.
    Row("clients:member-role", "POST", "membership", (302, 302, 403, 403, 404, 404)),
    Row("clients:member-role", "POST", "other_membership", SIGN_IN_THEN_404),
    Row("clients:member-role", "GET", "membership", SIGN_IN_THEN_405),
    Row("clients:member-remove", "POST", "membership", (302, 302, 403, 403, 404, 404)),
    Row("clients:member-remove", "POST", "other_membership", SIGN_IN_THEN_404),
    Row("clients:member-remove", "GET", "membership", SIGN_IN_THEN_405),
    # Only owners see invitations at all.
    Row("clients:invitation-resend", "POST", "invitation", (302, 302, 404, 404, 404, 404)),
    Row("clients:invitation-resend", "POST", "other_invitation", SIGN_IN_THEN_404),
    Row("clients:invitation-resend", "GET", "invitation", SIGN_IN_THEN_405),
    Row("clients:invitation-revoke", "POST", "invitation", (302, 302, 404, 404, 404, 404)),
    Row("clients:invitation-revoke", "POST", "other_invitation", SIGN_IN_THEN_404),
    Row("clients:invitation-revoke", "GET", "invitation", SIGN_IN_THEN_405),
    # The signed link is the permission: anyone holding it sees the page.
    Row("clients:invitation-accept", "GET", "token", (200, 200, 200, 200, 200, 200)),
    Row("clients:invitation-accept", "GET", "other_token", (200, 200, 200, 200, 200, 200)),
    Row("clients:invitation-accept", "GET", "tampered_token", (404, 404, 404, 404, 404, 404)),
    Row("clients:invitation-accept", "POST", "tampered_token", (404, 404, 404, 404, 404, 404)),
    Row("clients:invitation-accept", "PUT", "token", (405, 405, 405, 405, 405, 405)),
    Row("home:portal-home", "GET", None, (302, 403, 403, 403, 200, 200)),
    Row("home:portal-home", "POST", None, (302, 403, 403, 403, 405, 405)),
    # Requests: whoever sees the client may write one for it (practice side and its contacts).
    Row("work:task-create", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("work:task-create", "GET", "client2", (302, 200, 404, 404, 404, 200)),
    Row("work:task-create", "GET", "other_client1", SIGN_IN_THEN_404),
    # An empty form comes back with its errors.
    Row("work:task-create", "POST", "client1", (302, 400, 400, 404, 400, 404)),
    Row("work:task-create", "PUT", "client1", SIGN_IN_THEN_405),
    Row("work:deadline-preview", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("work:deadline-preview", "GET", "client2", (302, 200, 404, 404, 404, 200)),
    Row("work:deadline-preview", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("work:deadline-preview", "POST", "client1", SIGN_IN_THEN_405),
    Row("work:task-detail", "GET", "task1", (302, 200, 200, 404, 200, 404)),
    Row("work:task-detail", "GET", "other_task1", SIGN_IN_THEN_404),
    Row("work:task-detail", "POST", "task1", SIGN_IN_THEN_405),
    # Accepting is the practice's move: the client's contact is told so on the page (400).
    Row("work:task-move", "POST", "task1", (302, 302, 302, 404, 400, 404), {"to": "accepted"}),
    Row("work:task-move", "POST", "other_task1", SIGN_IN_THEN_404, {"to": "accepted"}),
    # Opened again after a refused form: back to the task, if it is visible.
    Row("work:task-move", "GET", "task1", (302, 302, 302, 404, 302, 404)),
    Row("work:task-move", "GET", "other_task1", SIGN_IN_THEN_404),
    Row(
        "work:task-comment",
        "POST",
        "task1",
        (302, 302, 302, 404, 302, 404),
        {"body_markdown": "Hi"},
    ),
    Row("work:task-comment", "POST", "other_task1", SIGN_IN_THEN_404, {"body_markdown": "Hi"}),
    # Opened again after a refused form: back to the task, if it is visible.
    Row("work:task-comment", "GET", "task1", (302, 302, 302, 404, 302, 404)),
    Row("work:task-comment", "GET", "other_task1", SIGN_IN_THEN_404),
    # Delivering (issue 11, the task page): task1 is a new request, not in progress, so
    # whoever sees it hears why it cannot be delivered now, beside the form (400).
    Row("work:task-deliver", "POST", "task1", (302, 400, 400, 404, 400, 404), {"message": "Done"}),
    Row("work:task-deliver", "POST", "other_task1", SIGN_IN_THEN_404, {"message": "Done"}),
    # Opened again after a refused form: back to the task, if it is visible.
    Row("work:task-deliver", "GET", "task1", (302, 302, 302, 404, 302, 404)),
    Row("work:task-deliver", "GET", "other_task1", SIGN_IN_THEN_404),
    # Watchers: whoever sees the task may watch it, stop watching, or add someone who sees it.
    Row("work:watchers", "GET", "task1", (302, 200, 200, 404, 200, 404)),
    Row("work:watchers", "GET", "other_task1", SIGN_IN_THEN_404),
    Row("work:watchers", "POST", "task1", SIGN_IN_THEN_405),
    Row("work:watcher-add", "POST", "task1", (302, 302, 302, 404, 302, 404), {"user": "me"}),
    Row("work:watcher-add", "POST", "other_task1", SIGN_IN_THEN_404, {"user": "me"}),
    Row("work:watcher-add", "GET", "task1", SIGN_IN_THEN_405),
    Row("work:watcher-remove", "POST", "task1", (302, 302, 302, 404, 302, 404), {"user": "me"}),
    Row("work:watcher-remove", "POST", "other_task1", SIGN_IN_THEN_404, {"user": "me"}),
    Row("work:watcher-remove", "GET", "task1", SIGN_IN_THEN_405),
    # Changing a request after it is sent (issue 11): whoever sees it while they may change
    # it (a contact until it is accepted); an empty form is refused (400). Reassigning is the
    # practice's: contacts 403, whichever client.
    Row("work:task-edit", "GET", "task1", (302, 200, 200, 404, 200, 404)),
    Row("work:task-edit", "GET", "other_task1", SIGN_IN_THEN_404),
    Row("work:task-edit", "POST", "task1", (302, 400, 400, 404, 400, 404)),
    Row("work:task-edit", "POST", "other_task1", SIGN_IN_THEN_404),
    Row("work:task-edit", "PUT", "task1", SIGN_IN_THEN_405),
    Row("work:task-assign", "POST", "task1", (302, 302, 302, 404, 403, 403), {"assignee": ""}),
    Row("work:task-assign", "POST", "other_task1", (302, 404, 404, 404, 403, 403)),
    # Opened again after a refused form: back to the task, if it is visible.
    Row("work:task-assign", "GET", "task1", (302, 302, 302, 404, 403, 403)),
    Row("work:task-assign", "PUT", "task1", (302, 405, 405, 405, 403, 403)),
    # The VA's day. The inbox is the practice's (contacts 403, whatever the task); a request
    # the person cannot see is missing. The board is for whoever sees the client; a contact
    # is told on the board that accepting is the practice's move (400).
    Row("work:inbox", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("work:inbox", "POST", None, (302, 405, 405, 405, 403, 403)),
    Row("work:inbox-move", "POST", "task1", (302, 302, 302, 404, 403, 403), INBOX_ACCEPT),
    Row("work:inbox-move", "POST", "other_task1", (302, 404, 404, 404, 403, 403), INBOX_ACCEPT),
    Row("work:inbox-move", "GET", "task1", (302, 405, 405, 405, 403, 403)),
    Row("work:board", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("work:board", "GET", "client2", (302, 200, 404, 404, 404, 200)),
    Row("work:board", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("work:board", "POST", "client1", SIGN_IN_THEN_405),
    Row("work:board-move", "POST", "board_task1", (302, 302, 302, 404, 400, 404), INBOX_ACCEPT),
    Row("work:board-move", "POST", "other_board_task1", SIGN_IN_THEN_404, INBOX_ACCEPT),
    Row("work:board-move", "GET", "board_task1", SIGN_IN_THEN_405),
    # Lists that help decide (issue 11): "Accept and start" in the inbox, and the board of
    # every client the person works on, for the practice side only (contacts 403).
    Row(
        "work:inbox-accept-start",
        "POST",
        "task1",
        (302, 302, 302, 404, 403, 403),
        {"from": "requested"},
    ),
    Row(
        "work:inbox-accept-start",
        "POST",
        "other_task1",
        (302, 404, 404, 404, 403, 403),
        {"from": "requested"},
    ),
    Row("work:inbox-accept-start", "GET", "task1", (302, 405, 405, 405, 403, 403)),
    Row("work:practice-board", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("work:practice-board", "POST", None, (302, 405, 405, 405, 403, 403)),
    Row(
        "work:practice-board-move",
        "POST",
        "task1",
        (302, 302, 302, 404, 403, 403),
        INBOX_ACCEPT,
    ),
    Row(
        "work:practice-board-move",
        "POST",
        "other_task1",
        (302, 404, 404, 404, 403, 403),
        INBOX_ACCEPT,
    ),
    Row("work:practice-board-move", "GET", "task1", (302, 405, 405, 405, 403, 403)),
    # Projects: the practice creates and changes them; the client's contacts propose one
    # (the same form) and read them, but may not change them (403).
    Row("work:project-create", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("work:project-create", "GET", "client2", (302, 200, 404, 404, 404, 200)),
    Row("work:project-create", "GET", "other_client1", SIGN_IN_THEN_404),
    # An empty form comes back with its errors.
    Row("work:project-create", "POST", "client1", (302, 400, 400, 404, 400, 404)),
    Row("work:project-create", "PUT", "client1", SIGN_IN_THEN_405),
    Row("work:project-detail", "GET", "project1", (302, 200, 200, 404, 200, 404)),
    Row("work:project-detail", "GET", "other_project1", SIGN_IN_THEN_404),
    Row("work:project-detail", "POST", "project1", SIGN_IN_THEN_405),
    Row("work:project-edit", "GET", "project1", (302, 200, 200, 404, 403, 404)),
    Row("work:project-edit", "POST", "project1", (302, 400, 400, 404, 403, 404)),
    Row("work:project-edit", "GET", "other_project1", SIGN_IN_THEN_404),
    Row("work:project-edit", "PUT", "project1", SIGN_IN_THEN_405),
    # Only the contact who proposed it rewords a pending proposal; the practice has its own
    # edit page (403); a project the practice started is no proposal, said on its page (400).
    Row("work:proposal-edit", "GET", "proposal1", (302, 403, 403, 404, 200, 404)),
    Row("work:proposal-edit", "POST", "proposal1", (302, 403, 403, 404, 400, 404)),
    Row(
        "work:proposal-edit",
        "POST",
        "proposal1",
        (302, 403, 403, 404, 302, 404),
        {"title": "Podcast tour"},
    ),
    Row("work:proposal-edit", "GET", "project1", (302, 403, 403, 404, 400, 404)),
    Row("work:proposal-edit", "GET", "other_proposal1", SIGN_IN_THEN_404),
    Row("work:proposal-edit", "POST", "other_proposal1", SIGN_IN_THEN_404, {"title": "Tour"}),
    Row("work:proposal-edit", "PUT", "proposal1", SIGN_IN_THEN_405),
    Row(
        "work:project-status",
        "POST",
        "project1",
        (302, 302, 302, 404, 403, 404),
        {"to": "on_hold"},
    ),
    Row("work:project-status", "POST", "other_project1", SIGN_IN_THEN_404, {"to": "on_hold"}),
    Row("work:project-status", "GET", "project1", SIGN_IN_THEN_405),
    Row("work:project-take-on", "POST", "proposal1", (302, 302, 302, 404, 403, 404)),
    Row("work:project-take-on", "POST", "other_proposal1", SIGN_IN_THEN_404),
    Row("work:project-take-on", "GET", "proposal1", SIGN_IN_THEN_405),
    Row(
        "work:project-turn-down",
        "POST",
        "proposal1",
        (302, 302, 302, 404, 403, 404),
        {"reason": "Not a service we offer"},
    ),
    Row("work:project-turn-down", "POST", "other_proposal1", SIGN_IN_THEN_404, {"reason": "No"}),
    Row("work:project-turn-down", "GET", "proposal1", SIGN_IN_THEN_405),
    # Requests by e-mail: the endpoint answers to the mail server's shared secret, never to a
    # session, so every persona is refused alike (403 without the secret; 405 for GET).
    Row("inbound:message-receive", "POST", None, (403, 403, 403, 403, 403, 403), {"raw": "x"}),
    Row("inbound:message-receive", "GET", None, (405, 405, 405, 405, 405, 405)),
    # The mail log is the practice's (contacts 403); each person reads what their scope allows.
    Row("inbound:message-list", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("inbound:message-list", "POST", None, (302, 405, 405, 405, 403, 403)),
    # Notifications: each person's own; someone else's is missing (404), like any other row.
    Row("notify:notification-list", "GET", None, (302, 200, 200, 200, 200, 200)),
    Row("notify:notification-list", "POST", None, SIGN_IN_THEN_405),
    Row("notify:bell", "GET", None, (302, 200, 200, 200, 200, 200)),
    Row("notify:bell", "POST", None, SIGN_IN_THEN_405),
    # The assistant's "new request" notification about client 1's task.
    Row("notify:notification-read", "POST", "notification", (302, 404, 302, 404, 404, 404)),
    Row("notify:notification-read", "POST", "other_notification", SIGN_IN_THEN_404),
    Row("notify:notification-read", "GET", "notification", SIGN_IN_THEN_405),
    Row("notify:notification-read-all", "POST", None, ALL_302),
    Row("notify:notification-read-all", "GET", None, SIGN_IN_THEN_405),
    Row("notify:preferences", "GET", None, (302, 200, 200, 200, 200, 200)),
    Row("notify:preferences", "POST", None, (302, 400, 400, 400, 400, 400), {"comment": "loud"}),
    Row("notify:preferences", "PUT", None, SIGN_IN_THEN_405),
    Row("notify:mentionable", "GET", "task1", (302, 200, 200, 404, 200, 404)),
    Row("notify:mentionable", "GET", "other_task1", SIGN_IN_THEN_404),
    Row("notify:mentionable", "POST", "task1", SIGN_IN_THEN_405),
    # Attachments: whoever sees the client (or the task) may upload, add and download; the
    # upload endpoint answers an empty post with a JSON error (400), "Add files" with the page.
    Row("work:attachment-upload", "POST", "client1", (302, 400, 400, 404, 400, 404)),
    Row("work:attachment-upload", "POST", "client2", (302, 400, 404, 404, 404, 400)),
    Row("work:attachment-upload", "POST", "other_client1", SIGN_IN_THEN_404),
    Row("work:attachment-upload", "GET", "client1", SIGN_IN_THEN_405),
    Row("work:attachment-add", "POST", "task1", (302, 400, 400, 404, 400, 404)),
    Row("work:attachment-add", "POST", "other_task1", SIGN_IN_THEN_404),
    # Opened again after a refused form: back to the task, if it is visible.
    Row("work:attachment-add", "GET", "task1", (302, 302, 302, 404, 302, 404)),
    Row("work:attachment-add", "GET", "other_task1", SIGN_IN_THEN_404),
    Row("work:attachment-download", "GET", "attachment1", (302, 200, 200, 404, 200, 404)),
    Row("work:attachment-download", "GET", "other_attachment1", SIGN_IN_THEN_404),
    # A pending upload is on no task yet: nobody downloads it, its uploader neither.
    Row("work:attachment-download", "GET", "pending_upload1", SIGN_IN_THEN_404),
    Row("work:attachment-download", "POST", "attachment1", SIGN_IN_THEN_405),
    Row("work:attachment-thumbnail", "GET", "image1", (302, 200, 200, 404, 200, 404)),
    Row("work:attachment-thumbnail", "GET", "other_image1", SIGN_IN_THEN_404),
    # A PDF has no thumbnail.
    Row("work:attachment-thumbnail", "GET", "attachment1", SIGN_IN_THEN_404),
    Row("work:attachment-thumbnail", "POST", "image1", SIGN_IN_THEN_405),
    # The request list and search: everyone signed in sees the requests their role allows.
    Row("work:request-list", "GET", None, (302, 200, 200, 200, 200, 200)),
    Row("work:request-list", "POST", None, SIGN_IN_THEN_405),
    # "New request" with a chosen client (?client=) goes to that client's form; a client the
    # person cannot see is missing; no client chosen goes back to the list.
    Row("work:request-new", "GET", None, ALL_302),
    Row("work:request-new", "GET", "client1", (302, 302, 302, 404, 302, 404)),
    Row("work:request-new", "GET", "client2", (302, 302, 404, 404, 404, 302)),
    Row("work:request-new", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("work:request-new", "POST", None, SIGN_IN_THEN_405),
]

# The practice's face (core/branding.py). Owners set the look; the logo and the accent's
# stylesheet are public by design: mail programs fetch the logo without a session, so its
# address is unguessable instead (a wrong token is missing, like a missing logo), and the
# stylesheet's address is only a colour.
MATRIX += [
    Row("core:practice-branding", "POST", None, (302, 302, 403, 403, 403, 403)),
    Row("core:practice-branding", "GET", None, (302, 405, 403, 403, 403, 403)),
    Row("core:practice-logo", "GET", "logo", (200, 200, 200, 200, 200, 200)),
    Row("core:practice-logo", "GET", "other_logo", (200, 200, 200, 200, 200, 200)),
    Row("core:practice-logo", "GET", "wrong_logo", (404, 404, 404, 404, 404, 404)),
    Row("core:practice-logo", "POST", "logo", (405, 405, 405, 405, 405, 405)),
    Row("core:accent-css", "GET", "accent", (200, 200, 200, 200, 200, 200)),
    Row("core:accent-css", "POST", "accent", (405, 405, 405, 405, 405, 405)),
]


# Repeating work, request templates and checklists (issue 11, part 9): the practice's pages.
# The client's side is refused them (403) whatever the target; the practice side sees what
# its reach allows (404 otherwise); a form sent empty comes back with its errors (400).
PRACTICE_ONLY_404 = (302, 404, 404, 404, 403, 403)
PRACTICE_ONLY_405 = (302, 405, 405, 405, 403, 403)
MATRIX += [
    Row("work:repeat-task", "GET", "task1", (302, 200, 200, 404, 403, 403)),
    Row("work:repeat-task", "POST", "task1", (302, 400, 400, 404, 403, 403)),
    Row("work:repeat-task", "GET", "other_task1", PRACTICE_ONLY_404),
    Row("work:repeat-task", "PUT", "task1", PRACTICE_ONLY_405),
    Row("work:repeating-list", "GET", "client1", (302, 200, 200, 404, 403, 403)),
    Row("work:repeating-list", "GET", "client2", (302, 200, 404, 404, 403, 403)),
    Row("work:repeating-list", "GET", "other_client1", PRACTICE_ONLY_404),
    Row("work:repeating-list", "POST", "client1", PRACTICE_ONLY_405),
    Row("work:repeating-new", "GET", "client1", (302, 200, 200, 404, 403, 403)),
    Row("work:repeating-new", "POST", "client1", (302, 400, 400, 404, 403, 403)),
    Row("work:repeating-new", "GET", "other_client1", PRACTICE_ONLY_404),
    Row("work:repeating-new", "PUT", "client1", PRACTICE_ONLY_405),
    Row(
        "work:repeating-change", "POST", "series1", (302, 302, 302, 404, 403, 403), {"to": "paused"}
    ),
    Row("work:repeating-change", "POST", "other_series1", PRACTICE_ONLY_404, {"to": "paused"}),
    Row("work:repeating-change", "GET", "series1", PRACTICE_ONLY_405),
    Row("work:template-list", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("work:template-list", "POST", None, PRACTICE_ONLY_405),
    Row("work:template-create", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("work:template-create", "POST", None, (302, 400, 400, 400, 403, 403)),
    Row("work:template-create", "PUT", None, PRACTICE_ONLY_405),
    Row("work:template-edit", "GET", "template1", (302, 200, 200, 200, 403, 403)),
    # A template for client 2 is for those who work on client 2.
    Row("work:template-edit", "GET", "client2_template1", (302, 200, 404, 404, 403, 403)),
    Row("work:template-edit", "GET", "other_template1", PRACTICE_ONLY_404),
    Row("work:template-edit", "POST", "template1", (302, 400, 400, 400, 403, 403)),
    Row("work:template-edit", "PUT", "template1", PRACTICE_ONLY_405),
    Row("work:template-delete", "POST", "template1", (302, 302, 302, 302, 403, 403)),
    Row("work:template-delete", "POST", "client2_template1", (302, 302, 404, 404, 403, 403)),
    Row("work:template-delete", "POST", "other_template1", PRACTICE_ONLY_404),
    Row("work:template-delete", "GET", "template1", PRACTICE_ONLY_405),
    Row("work:checklist-tick", "POST", "step1", (302, 302, 302, 404, 403, 403), {"done": "1"}),
    Row("work:checklist-tick", "POST", "other_step1", PRACTICE_ONLY_404, {"done": "1"}),
    Row("work:checklist-tick", "GET", "step1", PRACTICE_ONLY_405),
]


# Private calendar feeds (issue 12, planning). Everyone with a practice keeps their own (the
# page, making an address, turning it off: sent without the tick, it comes back with the
# sentence, 400). The feed itself answers to its secret, never to a session: every persona,
# and nobody signed in, gets the same answer for an address (a live one of either practice
# 200; a revoked, unknown or malformed one 404).
FEED_200 = (200, 200, 200, 200, 200, 200)
FEED_404 = (404, 404, 404, 404, 404, 404)
MATRIX += [
    Row("planning:calendar", "GET", None, (302, 200, 200, 200, 200, 200)),
    Row("planning:calendar", "POST", None, SIGN_IN_THEN_405),
    Row("planning:feed-make", "POST", None, ALL_302),
    Row("planning:feed-make", "GET", None, SIGN_IN_THEN_405),
    Row("planning:feed-turn-off", "POST", None, (302, 400, 400, 400, 400, 400)),
    Row("planning:feed-turn-off", "GET", None, SIGN_IN_THEN_405),
    Row("planning:feed", "GET", "feed", FEED_200),
    Row("planning:feed", "GET", "contact_feed", FEED_200),
    Row("planning:feed", "GET", "other_feed", FEED_200),
    Row("planning:feed", "GET", "revoked_feed", FEED_404),
    Row("planning:feed", "GET", "unknown_feed", FEED_404),
    Row("planning:feed", "GET", "malformed_feed", FEED_404),
    Row("planning:feed", "POST", "feed", (405, 405, 405, 405, 405, 405)),
]


def calendar_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """The secret of the calendar feed rows' targets; None for any other target."""
    match target:
        case "feed":
            return [make_calendar_feed(own.assistant, actor=own.assistant)[1]]
        case "contact_feed":
            return [make_calendar_feed(own.contact1, actor=own.contact1)[1]]
        case "other_feed":
            return [make_calendar_feed(other.owner, actor=other.owner)[1]]
        case "revoked_feed":
            _, secret = make_calendar_feed(own.assistant, actor=own.assistant)
            turn_off_calendar_feed(own.assistant, actor=own.assistant)
            return [secret]
        case "unknown_feed":
            return ["a" * 32]
        case "malformed_feed":
            return ["A-secret-with-capitals"]
    return None


# What the client owes (issue 12, planning). The panel is for whoever sees the request; asking,
# marking received and dropping are the practice's (contacts 403), answering the client's
# (the practice 403, once the item is found); another client's item is missing (404). An
# empty ask is refused (400); "Here it is" needs nothing but the click. The reminder setting
# is the owner's.
MATRIX += [
    Row("planning:task-owed", "GET", "task1", (302, 200, 200, 404, 200, 404)),
    Row("planning:task-owed", "GET", "other_task1", SIGN_IN_THEN_404),
    Row("planning:task-owed", "POST", "task1", SIGN_IN_THEN_405),
    Row("planning:owed-ask", "POST", "task1", (302, 400, 400, 404, 403, 403)),
    Row("planning:owed-ask", "POST", "other_task1", PRACTICE_ONLY_404),
    # Opened again after a refused form: the panel, if the request is visible.
    Row("planning:owed-ask", "GET", "task1", (302, 302, 302, 404, 403, 403)),
    Row("planning:owed-ask", "PUT", "task1", PRACTICE_ONLY_405),
    Row("planning:owed-answer", "POST", "owed1", (302, 403, 403, 404, 302, 404)),
    Row("planning:owed-answer", "POST", "other_owed1", SIGN_IN_THEN_404),
    Row("planning:owed-answer", "GET", "owed1", (302, 403, 403, 404, 302, 404)),
    Row("planning:owed-answer", "PUT", "owed1", SIGN_IN_THEN_405),
    Row("planning:owed-receive", "POST", "owed1", (302, 302, 302, 404, 403, 403)),
    Row("planning:owed-receive", "POST", "other_owed1", PRACTICE_ONLY_404),
    Row("planning:owed-receive", "GET", "owed1", PRACTICE_ONLY_405),
    Row("planning:owed-drop", "POST", "owed1", (302, 302, 302, 404, 403, 403)),
    Row("planning:owed-drop", "POST", "other_owed1", PRACTICE_ONLY_404),
    Row("planning:owed-drop", "GET", "owed1", PRACTICE_ONLY_405),
    Row("planning:reminder-settings", "GET", None, (302, 200, 403, 403, 403, 403)),
    Row("planning:reminder-settings", "POST", None, (302, 400, 403, 403, 403, 403)),
    Row("planning:reminder-settings", "PUT", None, (302, 405, 403, 403, 403, 403)),
    Row("planning:settings", "GET", None, (302, 200, 403, 403, 403, 403)),
    Row("planning:settings", "POST", None, (302, 400, 403, 403, 403, 403)),
    Row("planning:settings", "PUT", None, (302, 405, 403, 403, 403, 403)),
]


def owed_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """The id of something client 1 owes (asked for on a fresh request); None otherwise."""
    if target not in {"owed1", "other_owed1"}:
        return None
    world = other if target.startswith("other_") else own
    owed = ask_client(
        request_for(world),
        actor=world.assistant,
        what="The final copy",
        due_at=timezone.now() + timedelta(days=2),
    )
    return [owed.pk]


# Working time (issue 12): a person plans their own, the owner everyone's of the practice's
# side. The client's side has none: its own page is refused (403), anyone's is missing (404),
# as is anyone the viewer may not plan for. An empty form comes back with its errors (400).
MATRIX += [
    Row("planning:working-time", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("planning:working-time", "POST", None, (302, 400, 400, 400, 403, 403)),
    Row("planning:working-time", "PUT", None, (302, 405, 405, 405, 403, 403)),
    Row("planning:member-working-time", "GET", "assistant_person", (302, 200, 200, 404, 404, 404)),
    Row("planning:member-working-time", "GET", "owner_person", (302, 200, 404, 404, 404, 404)),
    Row("planning:member-working-time", "GET", "contact_person", SIGN_IN_THEN_404),
    Row("planning:member-working-time", "GET", "other_assistant_person", SIGN_IN_THEN_404),
    Row(
        "planning:member-working-time",
        "POST",
        "assistant_person",
        (302, 400, 400, 404, 404, 404),
    ),
    Row("planning:member-working-time", "POST", "other_assistant_person", SIGN_IN_THEN_404),
    Row("planning:member-working-time", "PUT", "assistant_person", SIGN_IN_THEN_405),
    Row("planning:time-off-add", "POST", "assistant_person", (302, 400, 400, 404, 404, 404)),
    Row("planning:time-off-add", "POST", "other_assistant_person", SIGN_IN_THEN_404),
    Row("planning:time-off-add", "GET", "assistant_person", SIGN_IN_THEN_405),
    Row("planning:time-off-remove", "POST", "time_off", (302, 302, 302, 404, 404, 404)),
    Row("planning:time-off-remove", "POST", "other_time_off", SIGN_IN_THEN_404),
    Row("planning:time-off-remove", "GET", "time_off", SIGN_IN_THEN_405),
]


def planning_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """The ids of the working-time rows' targets; None for any other target."""
    world = other if target.startswith("other_") else own
    match target.removeprefix("other_"):
        case "assistant_person":
            return [world.assistant.pk]
        case "owner_person":
            return [world.owner.pk]
        case "contact_person":
            return [world.contact1.pk]
        case "time_off":
            starts_at = timezone.now() + timedelta(days=7)
            time_off = add_time_off(
                world.assistant,
                actor=world.assistant,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=4),
            )
            return [world.assistant.pk, time_off.pk]
    return None


def repeating_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """The ids of the repeating-work rows' targets; None for any other target."""
    world = other if target.startswith("other_") else own
    name = target.removeprefix("other_")
    if name == "series1":
        series = start_series(
            world.client1,
            actor=world.owner,
            title="Newsletter",
            expectations="Sent",
            frequency="monthly",
            day_of_month=1,
            starts_on=timezone.now().date() + timedelta(days=1),
        )
        return [series.pk]
    if name in {"template1", "client2_template1"}:
        client = world.client2 if name == "client2_template1" else None
        template = save_template(
            None, actor=world.owner, title="Onboarding", expectations="Ready", client=client
        )
        return [template.pk]
    if name == "step1":
        task = request_for(world)
        (step,) = add_steps(task, actor=world.owner, steps=["Draft"])
        return [task.pk, step.pk]
    if name in {"ended_series1", "client2_series1"}:
        return series_to_edit(world, name)
    return None


# Editing a repeating series: the practice's, for the clients its reach covers. An ended
# series' page says it can no longer be changed (403, like a request past editing).
MATRIX += [
    Row("work:repeating-edit", "GET", "series1", (302, 200, 200, 404, 403, 403)),
    # Sent empty: the form comes back with its mistakes.
    Row("work:repeating-edit", "POST", "series1", (302, 400, 400, 404, 403, 403)),
    Row("work:repeating-edit", "GET", "client2_series1", (302, 200, 404, 404, 403, 403)),
    Row("work:repeating-edit", "GET", "ended_series1", (302, 403, 403, 404, 403, 403)),
    Row("work:repeating-edit", "POST", "ended_series1", (302, 403, 403, 404, 403, 403)),
    Row("work:repeating-edit", "GET", "other_series1", PRACTICE_ONLY_404),
    Row("work:repeating-edit", "PUT", "series1", PRACTICE_ONLY_405),
]


def series_to_edit(world: PracticeWorld, name: str) -> list[Any]:
    """A series of client 2, or an ended one of client 1."""
    from tandem.work.repeating import change_series

    series = start_series(
        world.client2 if name == "client2_series1" else world.client1,
        actor=world.owner,
        title="Newsletter",
        expectations="Sent",
        frequency="weekly",
        weekday=0,
        starts_on=timezone.now().date() + timedelta(days=1),
    )
    if name == "ended_series1":
        change_series(series, actor=world.owner, to="ended")
    return [series.pk]


# Weekly check-ins (issue 12). The list is the practice side's (contacts 403); a check-in's
# page is for whoever sees its client, a prepared one for the practice side only (a contact
# sees it once sent); the note is the practice's while it is prepared (after: 400, said
# beside the field), the answer the client's contacts' while it waits (the practice 403 once
# found); another client's or practice's check-in is missing (404).
MATRIX += [
    Row("planning:check-ins", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("planning:check-ins", "POST", None, PRACTICE_ONLY_405),
    Row("planning:check-in", "GET", "check_in1", (302, 200, 200, 404, 200, 404)),
    Row("planning:check-in", "GET", "prepared_check_in1", (302, 200, 200, 404, 404, 404)),
    Row("planning:check-in", "GET", "client2_check_in", (302, 200, 404, 404, 404, 200)),
    Row("planning:check-in", "GET", "other_check_in1", SIGN_IN_THEN_404),
    Row("planning:check-in", "POST", "check_in1", SIGN_IN_THEN_405),
    Row(
        "planning:check-in-note",
        "POST",
        "prepared_check_in1",
        (302, 302, 302, 404, 403, 403),
        {"note": "Back on Thursday."},
    ),
    Row(
        "planning:check-in-note",
        "POST",
        "check_in1",
        (302, 400, 400, 404, 403, 403),
        {"note": "Too late."},
    ),
    Row("planning:check-in-note", "POST", "other_prepared_check_in1", PRACTICE_ONLY_404),
    Row("planning:check-in-note", "GET", "prepared_check_in1", (302, 302, 302, 404, 403, 403)),
    Row("planning:check-in-note", "PUT", "prepared_check_in1", PRACTICE_ONLY_405),
    Row(
        "planning:check-in-answer",
        "POST",
        "check_in1",
        (302, 403, 403, 404, 302, 404),
        {"answer": "The spring catalogue."},
    ),
    # Sent empty: the page comes back saying what to write.
    Row("planning:check-in-answer", "POST", "client2_check_in", (302, 403, 404, 404, 404, 400)),
    Row("planning:check-in-answer", "POST", "prepared_check_in1", (302, 403, 403, 404, 404, 404)),
    Row("planning:check-in-answer", "POST", "other_check_in1", SIGN_IN_THEN_404),
    Row("planning:check-in-answer", "GET", "check_in1", (302, 403, 403, 404, 302, 404)),
    Row("planning:check-in-answer", "PUT", "check_in1", SIGN_IN_THEN_405),
]


def check_in_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """A check-in of client 1 (or 2): sent an hour ago, or prepared to go in twelve hours,
    through the job's own steps; None for any other target."""
    world = other if target.startswith("other_") else own
    name = target.removeprefix("other_")
    if name not in {"check_in1", "prepared_check_in1", "client2_check_in"}:
        return None
    from tandem.planning import check_in_job
    from tandem.planning.check_in_times import week_start

    now = timezone.now()
    client = world.client2 if name == "client2_check_in" else world.client1
    due = now + (timedelta(hours=12) if name.startswith("prepared") else -timedelta(hours=1))
    week = {client.pk: (week_start(due.date()), due)}
    check_in_job.prepare_batch(world.practice.pk, week, now=now)
    if not name.startswith("prepared"):
        check_in_job.send_practice(world.practice.pk, now=now)
    from tandem.planning.models import CheckIn

    return [CheckIn.objects.get(client=client).pk]


# A one-pixel PNG, for the thumbnail rows.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def tamper(token: str) -> str:
    value, signature = token.rsplit(signing.Signer().sep, 1)
    return f"{value}:{signature[::-1]}"


# Capacity (issue 12): the practice side's page; an owner sees everyone's and every client's
# weeks, an assistant their own and their clients'; a week of a row the viewer does not
# see, of another practice, or that is not a Monday of the plan is missing (404). Contacts
# are refused the page as other practice-only pages (403).
MATRIX += [
    Row("planning:capacity", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("planning:capacity", "POST", None, (302, 405, 405, 405, 403, 403)),
    Row("planning:capacity-week", "GET", "week_assistant", (302, 200, 200, 404, 403, 403)),
    Row("planning:capacity-week", "GET", "week_owner", (302, 200, 404, 404, 403, 403)),
    Row("planning:capacity-week", "GET", "week_client1", (302, 200, 200, 404, 403, 403)),
    Row("planning:capacity-week", "GET", "week_other_client1", (302, 404, 404, 404, 403, 403)),
    Row("planning:capacity-week", "GET", "week_other_assistant", (302, 404, 404, 404, 403, 403)),
    Row("planning:capacity-week", "GET", "week_nonsense", (302, 404, 404, 404, 403, 403)),
    Row("planning:capacity-week", "GET", "week_not_monday", (302, 404, 404, 404, 403, 403)),
    Row("planning:capacity-week", "POST", "week_assistant", (302, 405, 405, 405, 403, 403)),
    # A request's expected completion and the dashboard's "Will miss" (fragments).
    Row("planning:task-plan", "GET", "task1", (302, 200, 200, 404, 403, 403)),
    Row("planning:task-plan", "GET", "other_task1", (302, 404, 404, 404, 403, 403)),
    Row("planning:task-plan", "POST", "task1", (302, 405, 405, 405, 403, 403)),
    Row("planning:will-miss", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("planning:will-miss", "POST", None, (302, 405, 405, 405, 403, 403)),
]


def url_args(target: str | None, own: PracticeWorld, other: PracticeWorld) -> list[Any]:
    match target:
        case None:
            return []
        case "client1" | "client2":
            return [getattr(own, target).pk]
        case "other_client1":
            return [other.client1.pk]
        case "membership":
            return [own.assistant_membership.pk]
        case "other_membership":
            return [other.assistant_membership.pk]
        case "invitation":
            return [own.pending_invitation.pk]
        case "other_invitation":
            return [other.pending_invitation.pk]
        case "contact_invitation":
            return [own.client1.pk, contact_invitation_for(own).pk]
        case "other_contact_invitation":
            return [other.client1.pk, contact_invitation_for(other).pk]
        case "client2_with_invitation":
            # Client 1's invitation through client 2's address.
            return [own.client2.pk, contact_invitation_for(own).pk]
        case "token":
            return [make_token(own.pending_invitation)]
        case "other_token":
            return [make_token(other.pending_invitation)]
        case "tampered_token":
            return [tamper(make_token(own.pending_invitation))]
        case "task1":
            return [request_for(own).pk]
        case "other_task1":
            return [request_for(other).pk]
        case "board_task1":
            return [own.client1.pk, request_for(own).pk]
        case "other_board_task1":
            return [other.client1.pk, request_for(other).pk]
        case "project1":
            return [start_project(own.client1, actor=own.owner, title="Spring launch").pk]
        case "other_project1":
            return [start_project(other.client1, actor=other.owner, title="Spring launch").pk]
        case "proposal1":
            return [start_project(own.client1, actor=own.contact1, title="Podcast").pk]
        case "other_proposal1":
            return [start_project(other.client1, actor=other.contact1, title="Podcast").pk]
        case "notification":
            return [notification_for(own).pk]
        case "other_notification":
            return [notification_for(other).pk]
        case "attachment1" | "image1" | "pending_upload1":
            return [attachment_for(own, kind=target).pk]
        case "other_attachment1" | "other_image1":
            return [attachment_for(other, kind=target.removeprefix("other_")).pk]
        case "logo":
            return logo_of(own)
        case "other_logo":
            return logo_of(other)
        case "wrong_logo":
            return [logo_of(own)[0], "A" * 24]
        case "accent":
            return ["2f5d8a"]
    found = repeating_target(target, own, other) or calendar_target(target, own, other)
    if found is not None:
        return found
    found = owed_target(target, own, other)
    if found is not None:
        return found
    found = planning_target(target, own, other)
    if found is not None:
        return found
    found = heads_up_target(target, own, other)
    if found is not None:
        return found
    found = check_in_target(target, own, other)
    if found is not None:
        return found
    found = capacity_target(target, own, other)
    if found is not None:
        return found
    found = delegation_target(target, own, other)
    if found is not None:
        return found
    found = postmortem_target(target, own, other)
    if found is not None:
        return found
    found = vault_target(target, own, other)
    if found is not None:
        return found
    found = agreement_target(target, own, other)
    if found is not None:
        return found
    found = references_target(target, own, other)
    if found is not None:
        return found
    raise AssertionError(f"Unknown target {target}")


def logo_of(world: PracticeWorld) -> list[Any]:
    """The practice's logo's address parts, after its owner uploaded one."""
    practice = update_branding(
        world.practice, actor=world.owner, accent_colour="", logo=BytesIO(PNG), logo_size=len(PNG)
    )
    return [practice.pk, practice.logo_token]


def request_for(world: PracticeWorld) -> Task:
    """A fresh request of client 1, written by its contact."""
    deadline_at = timezone.now() + timedelta(days=3)
    return create_task(
        world.client1,
        actor=world.contact1,
        title="Book the venue",
        expectations="A signed booking",
        deadline_at=deadline_at,
    )


def contact_invitation_for(world: PracticeWorld) -> Invitation:
    """A pending invitation of a new contact of client 1."""
    return invite(
        actor=world.owner, email=f"newcontact@{world.practice.pk}.example.com",
        role=Role.CONTACT, client=world.client1,
    )  # fmt: skip


def notification_for(world: PracticeWorld) -> Notification:
    """The assistant's notification of a new request of client 1."""
    request_for(world)
    react_now()  # notifications are reactions: let them run, as the worker would
    return Notification.objects.get(recipient=world.assistant)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def attachment_for(world: PracticeWorld, *, kind: str) -> Attachment:
    """A PDF on a fresh request of client 1, an image with its thumbnail, or a pending upload."""
    image = kind == "image1"
    content = PNG if image else b"%PDF-1.4\n%%EOF\n"
    attachment = store_attachment(
        client=world.client1,
        uploaded_by=world.contact1,
        name="photo.png" if image else "brief.pdf",
        content=content,
        task=None if kind == "pending_upload1" else request_for(world),
    )
    if image:
        make_thumbnail.call(attachment.pk)
    return attachment


def build_url(row: Row, own: PracticeWorld, other: PracticeWorld) -> str:
    args = url_args(row.target, own, other)
    if row.name == "home:client-unassign":
        world = other if row.target == "other_client1" else own
        args.append(world.assistant.pk)
    if row.name == "work:request-new" and args:
        return f"{reverse(row.name)}?client={args[0]}"
    if row.name == "planning:heads-up-add" and args:
        return f"{reverse(row.name)}?client={args[0]}"
    return reverse(row.name, args=args)


def post_data(row: Row, own: PracticeWorld, other: PracticeWorld) -> dict[str, Any]:
    world = other if row.target and row.target.startswith("other") else own
    if row.name == "home:client-assign":
        return {"assistant": world.unassigned.pk}
    if row.name == "clients:member-role":
        return {"role": "owner"}
    return dict(row.data)


# Heads-ups (issue 12, planning). The practice's list is the practice side's, the portal's the
# contacts'; anyone gives one for a client they serve (a client they do not is missing). An
# empty form comes back with its mistakes (400). Confirming, declining and making a request
# are the practice's (contacts 403); withdrawing is for both sides; another client's or
# practice's heads-up is missing (404). Declining without a reason is refused (400).
MATRIX += [
    Row("planning:heads-ups", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("planning:heads-ups", "POST", None, PRACTICE_ONLY_405),
    Row("planning:portal-heads-ups", "GET", None, (302, 403, 403, 403, 200, 200)),
    Row("planning:portal-heads-ups", "POST", None, (302, 403, 403, 403, 405, 405)),
    Row("planning:heads-up-add", "GET", None, (302, 200, 200, 200, 200, 200)),
    Row("planning:heads-up-add", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("planning:heads-up-add", "GET", "client2", (302, 200, 404, 404, 404, 200)),
    Row("planning:heads-up-add", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("planning:heads-up-add", "POST", "client1", (302, 400, 400, 404, 400, 404)),
    Row("planning:heads-up-add", "PUT", None, SIGN_IN_THEN_405),
    Row("planning:heads-up-confirm", "POST", "heads_up1", (302, 302, 302, 404, 403, 403)),
    Row("planning:heads-up-confirm", "POST", "other_heads_up1", PRACTICE_ONLY_404),
    Row("planning:heads-up-confirm", "GET", "heads_up1", PRACTICE_ONLY_405),
    Row("planning:heads-up-decline", "POST", "heads_up1", (302, 400, 400, 404, 403, 403)),
    Row("planning:heads-up-decline", "POST", "other_heads_up1", PRACTICE_ONLY_404),
    Row("planning:heads-up-decline", "GET", "heads_up1", PRACTICE_ONLY_405),
    Row("planning:heads-up-withdraw", "POST", "heads_up1", (302, 302, 302, 404, 302, 404)),
    Row("planning:heads-up-withdraw", "POST", "other_heads_up1", SIGN_IN_THEN_404),
    Row("planning:heads-up-withdraw", "GET", "heads_up1", SIGN_IN_THEN_405),
    Row("planning:heads-up-to-request", "POST", "heads_up1", (302, 302, 302, 404, 403, 403)),
    Row("planning:heads-up-to-request", "POST", "other_heads_up1", PRACTICE_ONLY_404),
    Row("planning:heads-up-to-request", "GET", "heads_up1", PRACTICE_ONLY_405),
]


def heads_up_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """The id of a tentative heads-up client 1's contact gave; None for any other target."""
    if target not in {"heads_up1", "other_heads_up1"}:
        return None
    from decimal import Decimal

    from tandem.planning.headsups import give_heads_up, size_of

    world = other if target.startswith("other_") else own
    heads_up = give_heads_up(
        world.client1,
        actor=world.contact1,
        what="Spring newsletter",
        size=size_of(practice_id=world.practice.pk, hours=Decimal(3), letter=""),
        due_at=timezone.now() + timedelta(days=5),
    )
    return [heads_up.pk]


# Trust in phases (issue 13). The catalogue is the owner's; a client's phase page is read by
# both sides of that client (anyone else: missing), and a posted change with no phase comes
# back with its mistake (400). Reversing is checked by the service (a refusal is said on the
# page it returns to). The kind of a request is named by anyone who sees it; the go-ahead is
# the client's (the practice: 403); another client's or practice's is missing (404).
MATRIX += [
    Row("delegation:catalogue", "GET", None, (302, 200, 403, 403, 403, 403)),
    Row("delegation:catalogue", "POST", None, (302, 400, 403, 403, 403, 403)),
    Row("delegation:catalogue", "PUT", None, (302, 405, 403, 403, 403, 403)),
    Row("delegation:kind-edit", "GET", "kind1", (302, 200, 403, 403, 403, 403)),
    Row("delegation:kind-edit", "POST", "kind1", (302, 400, 403, 403, 403, 403)),
    Row("delegation:kind-edit", "GET", "other_kind1", (302, 404, 403, 403, 403, 403)),
    Row("delegation:kind-retire", "POST", "kind1", (302, 302, 403, 403, 403, 403)),
    Row("delegation:kind-retire", "POST", "other_kind1", (302, 404, 403, 403, 403, 403)),
    Row("delegation:kind-retire", "GET", "kind1", (302, 405, 403, 403, 403, 403)),
    Row("delegation:phase", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("delegation:phase", "GET", "client2", (302, 200, 404, 404, 404, 200)),
    Row("delegation:phase", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("delegation:phase", "POST", "client1", (302, 400, 400, 404, 400, 404)),
    Row("delegation:phase", "PUT", "client1", SIGN_IN_THEN_405),
    Row("delegation:phase-reverse", "POST", "phase_change1", (302, 302, 302, 404, 302, 404)),
    Row("delegation:phase-reverse", "POST", "other_phase_change1", SIGN_IN_THEN_404),
    Row("delegation:phase-reverse", "GET", "phase_change1", SIGN_IN_THEN_405),
    Row("work:task-kind", "POST", "task1", (302, 302, 302, 404, 302, 404)),
    Row("work:task-kind", "POST", "other_task1", SIGN_IN_THEN_404),
    Row("work:task-kind", "GET", "task1", (302, 200, 200, 404, 200, 404)),
    Row("work:task-kind", "PUT", "task1", SIGN_IN_THEN_405),
    Row("work:go-ahead", "GET", "task1", (302, 403, 403, 404, 200, 404)),
    Row("work:go-ahead", "POST", "task1", (302, 403, 403, 404, 302, 404)),
    Row("work:go-ahead", "GET", "other_task1", SIGN_IN_THEN_404),
    Row("work:go-ahead", "PUT", "task1", SIGN_IN_THEN_405),
    Row("work:standing-go-ahead", "POST", "client1", (302, 403, 403, 404, 302, 404)),
    Row("work:standing-go-ahead", "POST", "other_client1", SIGN_IN_THEN_404),
    Row("work:standing-go-ahead", "GET", "client1", SIGN_IN_THEN_405),
    Row("work:standing-go-ahead-withdraw", "POST", "go_ahead1", (302, 403, 403, 404, 302, 404)),
    Row("work:standing-go-ahead-withdraw", "POST", "other_go_ahead1", SIGN_IN_THEN_404),
    # The track record: both sides of the client read it; the answer is the client's (a
    # refusal is said on the page it returns to). The thresholds are the owner's.
    Row("trust:track-record", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("trust:track-record", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("trust:track-record", "POST", "client1", SIGN_IN_THEN_405),
    Row("trust:track-record-answer", "POST", "client1", (302, 302, 302, 404, 302, 404)),
    Row("trust:track-record-answer", "POST", "other_client1", SIGN_IN_THEN_404),
    Row("trust:track-record-answer", "GET", "client1", SIGN_IN_THEN_405),
    Row("trust:settings", "GET", None, (302, 200, 403, 403, 403, 403)),
    Row("trust:settings", "POST", None, (302, 400, 403, 403, 403, 403)),
    Row("trust:settings", "PUT", None, (302, 405, 403, 403, 403, 403)),
    # Feedback: the practice side reads it (an owner everyone's, an assistant their own);
    # the client reads its own and withdraws consent to quote (the practice: 403).
    Row("trust:feedback", "GET", None, (302, 200, 200, 200, 403, 403)),
    Row("trust:feedback", "POST", None, (302, 405, 405, 405, 403, 403)),
    Row("trust:my-feedback", "GET", None, (302, 403, 403, 403, 200, 200)),
    Row("trust:my-feedback", "POST", None, (302, 403, 403, 403, 405, 405)),
    Row("trust:withdraw-consent", "POST", "review1", (302, 403, 403, 404, 302, 404)),
    Row("trust:withdraw-consent", "POST", "other_review1", SIGN_IN_THEN_404),
    Row("trust:withdraw-consent", "GET", "review1", SIGN_IN_THEN_405),
    # An honest way out: the referral list is the owner's; a request's way-out page is read by
    # both sides of its client (the form, posted empty, comes back with its mistakes for the
    # practice side; a contact may not offer one); the consent is the client's.
    Row("trust:referrals", "GET", None, (302, 200, 403, 403, 403, 403)),
    Row("trust:referrals", "POST", None, (302, 400, 403, 403, 403, 403)),
    Row("trust:referral-retire", "POST", "referral1", (302, 302, 403, 403, 403, 403)),
    Row("trust:referral-retire", "POST", "other_referral1", (302, 404, 403, 403, 403, 403)),
    Row("trust:referral-retire", "GET", "referral1", (302, 405, 403, 403, 403, 403)),
    Row("trust:task-way-out", "GET", "task1", (302, 200, 200, 404, 200, 404)),
    Row("trust:task-way-out", "POST", "task1", (302, 400, 400, 404, 403, 404)),
    Row("trust:task-way-out", "GET", "other_task1", SIGN_IN_THEN_404),
    Row("trust:way-out-consent", "POST", "way_out1", (302, 403, 403, 404, 302, 404)),
    Row("trust:way-out-consent", "POST", "other_way_out1", SIGN_IN_THEN_404),
    Row("trust:way-out-consent", "GET", "way_out1", SIGN_IN_THEN_405),
]


def delegation_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """A kind of the practice's catalogue, a phase change of client 1 (its contact moved it
    up), or client 1's standing go-ahead; None for any other target."""
    from tandem.delegation.models import WorkKind
    from tandem.delegation.services import change_phase
    from tandem.work.go_aheads import give_standing_go_ahead

    name = target.removeprefix("other_")
    world = other if target.startswith("other_") else own
    if name == "kind1":
        return [WorkKind.objects.filter(practice=world.practice).order_by("pk").first().pk]  # type: ignore[union-attr]
    if name == "phase_change1":
        change = change_phase(world.client1, actor=world.contact1, to_phase=2)
        return [world.client1.pk, change.pk]
    if name == "review1":
        from tandem.work.deliveries import deliver_task
        from tandem.work.models import TaskStatus as Status
        from tandem.work.services import move_task as move

        task = request_for(world)
        move(task, to=Status.ACCEPTED, actor=world.owner)
        move(task, to=Status.IN_PROGRESS, actor=world.owner)
        deliver_task(task, actor=world.owner, message="Done")
        move(task, to=Status.DONE, actor=world.contact1, note="Thanks", may_quote=True)
        return [task.reviews.get().pk]
    if name in {"referral1", "way_out1"}:
        from tandem.trust import way_out

        partner = way_out.add_referral(
            actor=world.owner, name="Pixel", good_at="web", email="p@example.com", kind="partner"
        )
        if name == "referral1":
            return [partner.pk]
        asked = way_out.offer(
            request_for(world), actor=world.owner, reason="Design", choice="subcontract",
            referral=partner,
        )  # fmt: skip
        return [asked.pk]
    if name == "go_ahead1":
        kind = WorkKind.objects.filter(practice=world.practice, phase=3).order_by("pk").first()
        assert kind is not None
        go_ahead = give_standing_go_ahead(world.client1, kind, actor=world.contact1)
        return [world.client1.pk, go_ahead.pk]
    return None


# Postmortems (issue 13). Both sides of a client read its list and open one (anyone else:
# missing); an empty template comes back with its mistakes (400). Entries are both sides';
# action items are the practice's (contacts 403) and an empty one is refused (400); each side
# closes its own (a refusal is said on the page it returns to). Another client's or
# practice's postmortem is missing (404).
MATRIX += [
    Row("trust:postmortems", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("trust:postmortems", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("trust:postmortems", "POST", "client1", SIGN_IN_THEN_405),
    Row("trust:postmortem-new", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("trust:postmortem-new", "GET", "client2", (302, 200, 404, 404, 404, 200)),
    Row("trust:postmortem-new", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("trust:postmortem-new", "POST", "client1", (302, 400, 400, 404, 400, 404)),
    Row("trust:postmortem-new", "PUT", "client1", SIGN_IN_THEN_405),
    Row("trust:postmortem", "GET", "postmortem1", (302, 200, 200, 404, 200, 404)),
    Row("trust:postmortem", "GET", "other_postmortem1", SIGN_IN_THEN_404),
    Row("trust:postmortem", "POST", "postmortem1", SIGN_IN_THEN_405),
    Row("trust:postmortem-entry", "POST", "postmortem1", (302, 400, 400, 404, 400, 404)),
    Row(
        "trust:postmortem-entry",
        "POST",
        "postmortem1",
        (302, 302, 302, 404, 302, 404),
        {"section": "cause", "body": "The list was picked by hand."},
    ),
    Row("trust:postmortem-entry", "POST", "other_postmortem1", SIGN_IN_THEN_404),
    Row("trust:postmortem-entry", "GET", "postmortem1", SIGN_IN_THEN_405),
    Row("trust:postmortem-action", "POST", "postmortem1", (302, 400, 400, 404, 403, 403)),
    Row("trust:postmortem-action", "POST", "other_postmortem1", PRACTICE_ONLY_404),
    Row("trust:postmortem-action", "GET", "postmortem1", PRACTICE_ONLY_405),
    Row("trust:postmortem-close", "POST", "postmortem1", (302, 302, 302, 404, 302, 404)),
    Row("trust:postmortem-close", "POST", "other_postmortem1", SIGN_IN_THEN_404),
    Row("trust:postmortem-close", "GET", "postmortem1", SIGN_IN_THEN_405),
]


def postmortem_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """A postmortem of client 1, opened by its contact; None for any other target."""
    if target not in {"postmortem1", "other_postmortem1"}:
        return None
    from tandem.trust.postmortems import open_postmortem

    world = other if target.startswith("other_") else own
    postmortem = open_postmortem(
        world.client1,
        actor=world.contact1,
        title="Newsletter went to the wrong list",
        sections={"what_happened": "It went to last year's list."},
    )
    return [postmortem.pk]


# The credential vault (issue 14). Both sides of a client see its vault and a credential's
# page and store one (anyone else: missing); only the client's side changes, revokes and
# deletes one and makes share links (the practice 403); the reveal log is the client's and
# the owner's (assistants 403); revealing is for both sides of the client (the owner, not
# named, reads why not); a share link opens for the practice's side of its client (contacts
# 403, others missing). Empty forms come back with their mistakes (400).
MATRIX += [
    Row("vault:list", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("vault:list", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("vault:list", "POST", "client1", SIGN_IN_THEN_405),
    Row("vault:credential-add", "GET", "client1", (302, 200, 200, 404, 200, 404)),
    Row("vault:credential-add", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("vault:credential-add", "POST", "client1", (302, 400, 400, 404, 400, 404)),
    Row("vault:credential-add", "PUT", "client1", SIGN_IN_THEN_405),
    Row("vault:log", "GET", "client1", (302, 200, 403, 403, 200, 404)),
    Row("vault:log", "GET", "other_client1", (302, 404, 403, 403, 404, 404)),
    Row("vault:log", "POST", "client1", (302, 405, 403, 403, 405, 405)),
    Row("vault:share-new", "GET", "client1", (302, 403, 403, 403, 200, 404)),
    Row("vault:share-new", "GET", "other_client1", (302, 403, 403, 403, 404, 404)),
    Row("vault:share-new", "POST", "client1", (302, 403, 403, 403, 400, 404)),
    Row("vault:share-new", "PUT", "client1", (302, 403, 403, 403, 405, 405)),
    Row("vault:notice-dismiss", "POST", "vault_notice1", (302, 403, 403, 403, 302, 404)),
    Row("vault:notice-dismiss", "POST", "other_vault_notice1", (302, 403, 403, 403, 404, 404)),
    Row("vault:notice-dismiss", "GET", "vault_notice1", (302, 403, 403, 403, 405, 405)),
    Row("vault:credential", "GET", "credential1", (302, 200, 200, 404, 200, 404)),
    Row("vault:credential", "GET", "other_credential1", SIGN_IN_THEN_404),
    Row("vault:credential", "POST", "credential1", SIGN_IN_THEN_405),
    Row("vault:credential-edit", "GET", "credential1", (302, 403, 403, 403, 200, 404)),
    Row("vault:credential-edit", "GET", "other_credential1", (302, 403, 403, 403, 404, 404)),
    Row("vault:credential-edit", "POST", "credential1", (302, 403, 403, 403, 400, 404)),
    Row("vault:credential-reveal", "GET", "credential1", (302, 200, 200, 404, 200, 404)),
    Row("vault:credential-reveal", "GET", "other_credential1", SIGN_IN_THEN_404),
    Row("vault:credential-reveal", "POST", "credential1", (302, 400, 400, 404, 400, 404)),
    Row("vault:credential-reveal", "PUT", "credential1", SIGN_IN_THEN_405),
    Row("vault:credential-revoke", "POST", "credential1", (302, 403, 403, 403, 400, 404)),
    Row(
        "vault:credential-revoke",
        "POST",
        "credential1",
        (302, 403, 403, 403, 302, 404),
        {"everyone": "on"},
    ),
    Row("vault:credential-revoke", "POST", "other_credential1", (302, 403, 403, 403, 404, 404)),
    Row("vault:credential-revoke", "GET", "credential1", (302, 403, 403, 403, 405, 405)),
    Row("vault:credential-delete", "POST", "credential1", (302, 403, 403, 403, 302, 404)),
    Row("vault:credential-delete", "POST", "other_credential1", (302, 403, 403, 403, 404, 404)),
    Row("vault:credential-delete", "GET", "credential1", (302, 403, 403, 403, 405, 405)),
    Row("vault:share-open", "GET", "share_link1", (302, 200, 200, 404, 403, 403)),
    Row("vault:share-open", "POST", "share_link1", (302, 200, 200, 404, 403, 403)),
    Row("vault:share-open", "GET", "other_share_link1", (302, 404, 404, 404, 403, 403)),
    Row("vault:share-open", "GET", "unknown_share_link", (302, 404, 404, 404, 403, 403)),
    Row("vault:share-open", "PUT", "share_link1", (302, 405, 405, 405, 403, 403)),
]


def vault_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """A credential of client 1 its contact stored for the assistant, a one-time share link of
    client 1, and the notice left when an assistant who had revealed one stopped working on
    client 1; None for any other target."""
    from tandem.clients.services import assign_assistant, unassign_assistant
    from tandem.vault import credentials, sharing
    from tandem.vault.models import AccessEnded

    world = other if target.startswith("other_") else own
    match target.removeprefix("other_"):
        case "credential1":
            stored = credentials.store_credential(
                world.client1,
                actor=world.contact1,
                name="Mailchimp",
                secrets=credentials.Secrets(password="Zebra-Quartz-7731"),
                named=[world.assistant],
            )
            return [stored.pk]
        case "share_link1":
            made = sharing.make_share_link(
                world.client1, actor=world.contact1, label="Wi-Fi", secret="w1f1", lifetime="1d"
            )
            return [made.token]
        case "unknown_share_link":
            return ["not-a-link-of-anyone"]
        case "vault_notice1":
            stored = credentials.store_credential(
                world.client1,
                actor=world.contact1,
                name="Bank",
                secrets=credentials.Secrets(password="Zebra-Quartz-7731"),
            )
            assign_assistant(world.client1, assistant=world.unassigned, actor=world.owner)
            credentials.update_credential(
                stored, actor=world.contact1, name="Bank", named=[world.unassigned]
            )
            unassign_assistant(world.client1, assistant=world.unassigned, actor=world.owner)
            react_now()
            return [world.client1.pk, AccessEnded.objects.get(client=world.client1).pk]


# Agreements (issue 14). The templates and the setting are the owner's; a client's agreements
# are read by both sides of the client (a contact never sees a draft), issued, sent, withdrawn
# and amended by the owner; the client's contacts sign, the owner countersigns (anyone else
# who may see it is told there is nothing for them to sign: 400). The verify page is anyone's,
# signed in or not. Another client's or practice's agreement is missing (404).
OWNER_ONLY = (302, 200, 403, 403, 403, 403)
OWNER_ONLY_302 = (302, 302, 403, 403, 403, 403)
OWNER_ONLY_404 = (302, 404, 403, 403, 403, 403)
OWNER_ONLY_405 = (302, 405, 403, 403, 403, 403)
BOTH_SIDES_OF_CLIENT1 = (302, 200, 200, 404, 200, 404)
MATRIX += [
    Row("agreements:settings", "GET", None, OWNER_ONLY),
    Row("agreements:settings", "POST", None, OWNER_ONLY_302),
    Row("agreements:settings", "PUT", None, OWNER_ONLY_405),
    Row("agreements:template", "GET", "kind_service", OWNER_ONLY),
    Row("agreements:template", "GET", "kind_unknown", OWNER_ONLY_404),
    Row("agreements:template", "POST", "kind_service", (302, 400, 403, 403, 403, 403)),
    Row(
        "agreements:template",
        "POST",
        "kind_service",
        OWNER_ONLY_302,
        {"title": "Service", "body": "For {{client_name}}."},
    ),
    Row("agreements:template", "PUT", "kind_service", OWNER_ONLY_405),
    Row("agreements:client", "GET", "client1", BOTH_SIDES_OF_CLIENT1),
    Row("agreements:client", "GET", "client2", (302, 200, 404, 404, 404, 200)),
    Row("agreements:client", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("agreements:client", "POST", "client1", (302, 400, 403, 404, 403, 404)),
    Row("agreements:client", "PUT", "client1", SIGN_IN_THEN_405),
    Row("agreements:verify", "GET", None, (200, 200, 200, 200, 200, 200)),
    Row("agreements:verify", "POST", None, (400, 400, 400, 400, 400, 400)),
    Row("agreements:verify", "PUT", None, (405, 405, 405, 405, 405, 405)),
    Row("agreements:agreement", "GET", "agreement_sent1", BOTH_SIDES_OF_CLIENT1),
    Row("agreements:agreement", "GET", "agreement_draft1", (302, 200, 200, 404, 404, 404)),
    Row("agreements:agreement", "GET", "other_agreement_sent1", SIGN_IN_THEN_404),
    Row("agreements:agreement", "POST", "agreement_sent1", SIGN_IN_THEN_405),
    Row("agreements:edit", "GET", "agreement_draft1", (302, 200, 403, 404, 404, 404)),
    Row("agreements:edit", "POST", "agreement_draft1", (302, 400, 403, 404, 404, 404)),
    Row("agreements:edit", "GET", "other_agreement_sent1", SIGN_IN_THEN_404),
    Row("agreements:edit", "PUT", "agreement_draft1", SIGN_IN_THEN_405),
    Row("agreements:send", "POST", "agreement_draft1", OWNER_ONLY_302),
    Row("agreements:send", "POST", "agreement_sent1", (302, 400, 403, 403, 403, 403)),
    Row("agreements:send", "POST", "other_agreement_sent1", OWNER_ONLY_404),
    Row("agreements:send", "GET", "agreement_draft1", OWNER_ONLY_405),
    Row("agreements:withdraw", "POST", "agreement_sent1", OWNER_ONLY_302),
    Row("agreements:withdraw", "POST", "agreement_signed1", (302, 400, 403, 403, 403, 403)),
    Row("agreements:withdraw", "POST", "other_agreement_sent1", OWNER_ONLY_404),
    Row("agreements:withdraw", "GET", "agreement_sent1", OWNER_ONLY_405),
    Row("agreements:amend", "POST", "agreement_signed1", OWNER_ONLY_302),
    Row("agreements:amend", "POST", "agreement_sent1", (302, 400, 403, 403, 403, 403)),
    Row("agreements:amend", "POST", "other_agreement_sent1", OWNER_ONLY_404),
    Row("agreements:amend", "GET", "agreement_signed1", OWNER_ONLY_405),
    Row("agreements:code", "POST", "agreement_sent1", (302, 400, 400, 404, 302, 404)),
    Row("agreements:code", "POST", "agreement_countersign1", (302, 302, 400, 404, 400, 404)),
    Row("agreements:code", "POST", "other_agreement_sent1", SIGN_IN_THEN_404),
    Row("agreements:code", "GET", "agreement_sent1", SIGN_IN_THEN_405),
    Row("agreements:sign", "POST", "agreement_sent1", (302, 400, 400, 404, 400, 404)),
    Row("agreements:sign", "POST", "other_agreement_sent1", SIGN_IN_THEN_404),
    Row("agreements:sign", "GET", "agreement_sent1", SIGN_IN_THEN_405),
    Row("agreements:pdf", "GET", "agreement_pdf1", BOTH_SIDES_OF_CLIENT1),
    Row("agreements:pdf", "GET", "agreement_sent1", (302, 404, 404, 404, 404, 404)),
    Row("agreements:pdf", "GET", "other_agreement_sent1", SIGN_IN_THEN_404),
    Row("agreements:pdf", "POST", "agreement_sent1", SIGN_IN_THEN_405),
    Row("agreements:pdf-status", "GET", "agreement_signed1", BOTH_SIDES_OF_CLIENT1),
    Row("agreements:pdf-status", "GET", "other_agreement_sent1", SIGN_IN_THEN_404),
    Row("agreements:pdf-status", "POST", "agreement_signed1", SIGN_IN_THEN_405),
]


def agreement_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """A kind of template, or an agreement of client 1 in one state (the PDF one made by the
    render job); None for any other target."""
    from tests import agreements_flow as flow

    if target.startswith("kind_"):
        return [target.removeprefix("kind_")]
    world = other if target.startswith("other_") else own
    name = target.removeprefix("other_")
    if name == "agreement_draft1":
        return [flow.issue(world.client1, world.owner).pk]
    if name == "agreement_sent1":
        return [flow.issue_and_send(world.client1, world.owner).pk]
    if name == "agreement_countersign1":
        return [flow.sign(flow.issue_and_send(world.client1, world.owner), world.contact1).pk]
    if name == "agreement_signed1":
        return [flow.signed_by_both(world.client1, world.owner, world.contact1).pk]
    if name == "agreement_pdf1":
        signed = flow.signed_by_both(world.client1, world.owner, world.contact1)
        return [flow.make_pdf(signed).pk]
    return None


# References, both ways (issue 14). The References page and its buttons are the owner's
# (assistants and contacts 403); asking a client another practice's is missing; turning off
# a link there is none of is refused beside the button (400), as is passing a request on to
# nobody. The consent page is the contacts' (the practice 403); withdrawing with no consent
# is refused on the page (400). The public page answers to its token, never to a session:
# every persona, and nobody signed in, gets the same answer (a live link of either practice
# 200, an empty form 400; a turned-off, unknown or malformed one 404). The references checked
# about a client are the practice side's, for the clients it reaches: to the client's side
# they are missing (404), whichever the method, so it is never told they exist.
PUBLIC_200 = (200, 200, 200, 200, 200, 200)
PUBLIC_404 = (404, 404, 404, 404, 404, 404)
PUBLIC_405 = (405, 405, 405, 405, 405, 405)
MATRIX += [
    Row("references:list", "GET", None, (302, 200, 403, 403, 403, 403)),
    Row("references:list", "POST", None, (302, 405, 403, 403, 403, 403)),
    Row("references:ask", "POST", "client1", (302, 302, 403, 403, 403, 403)),
    Row("references:ask", "POST", "client2", (302, 302, 403, 403, 403, 403)),
    Row("references:ask", "POST", "other_client1", (302, 404, 403, 403, 403, 403)),
    Row("references:ask", "GET", "client1", (302, 405, 403, 403, 403, 403)),
    Row("references:link-make", "POST", None, (302, 302, 403, 403, 403, 403)),
    Row("references:link-make", "GET", None, (302, 405, 403, 403, 403, 403)),
    Row("references:link-off", "POST", None, (302, 400, 403, 403, 403, 403)),
    Row("references:link-off", "GET", None, (302, 405, 403, 403, 403, 403)),
    Row("references:automatic", "POST", None, (302, 302, 403, 403, 403, 403)),
    Row("references:automatic", "GET", None, (302, 405, 403, 403, 403, 403)),
    Row("references:pass-on", "POST", "reference_request1", (302, 400, 403, 403, 403, 403)),
    Row("references:pass-on", "POST", "other_reference_request1", (302, 404, 403, 403, 403, 403)),
    Row("references:pass-on", "GET", "reference_request1", (302, 405, 403, 403, 403, 403)),
    Row("references:set-aside", "POST", "reference_request1", (302, 302, 403, 403, 403, 403)),
    Row("references:set-aside", "POST", "other_reference_request1", (302, 404, 403, 403, 403, 403)),
    Row("references:set-aside", "GET", "reference_request1", (302, 405, 403, 403, 403, 403)),
    Row("references:consent", "GET", None, (302, 403, 403, 403, 200, 200)),
    Row("references:consent", "POST", None, (302, 403, 403, 403, 400, 400)),
    Row(
        "references:consent",
        "POST",
        None,
        (302, 403, 403, 403, 302, 302),
        {"ask_by": "mail", "agree": "on"},
    ),
    Row("references:consent", "PUT", None, (302, 403, 403, 403, 405, 405)),
    Row("references:consent-withdraw", "POST", None, (302, 403, 403, 403, 400, 400)),
    Row("references:consent-withdraw", "GET", None, (302, 403, 403, 403, 405, 405)),
    Row("references:public", "GET", "reference_link", PUBLIC_200),
    Row("references:public", "GET", "other_reference_link", PUBLIC_200),
    Row("references:public", "POST", "reference_link", (400, 400, 400, 400, 400, 400)),
    Row("references:public", "GET", "off_reference_link", PUBLIC_404),
    Row("references:public", "POST", "off_reference_link", PUBLIC_404),
    Row("references:public", "GET", "unknown_reference_link", PUBLIC_404),
    Row("references:public", "GET", "malformed_reference_link", PUBLIC_404),
    Row("references:public", "PUT", "reference_link", PUBLIC_405),
    Row("references:public-thanks", "GET", "reference_link", PUBLIC_200),
    Row("references:public-thanks", "GET", "off_reference_link", PUBLIC_404),
    Row("references:public-thanks", "POST", "reference_link", PUBLIC_405),
    Row("references:checks", "GET", "client1", (302, 200, 200, 404, 404, 404)),
    Row("references:checks", "GET", "client2", (302, 200, 404, 404, 404, 404)),
    Row("references:checks", "GET", "other_client1", SIGN_IN_THEN_404),
    Row("references:checks", "POST", "client1", (302, 400, 400, 404, 404, 404)),
    Row(
        "references:checks",
        "POST",
        "client1",
        (302, 302, 302, 404, 404, 404),
        {"source": "Previous VA", "checked_on": "2026-01-05", "payment": "on_time"},
    ),
    Row("references:checks", "PUT", "client1", (302, 405, 405, 405, 404, 404)),
]


def references_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """A prospect's request through practice A's (or B's) link, and the tokens of a live,
    turned-off, unknown and malformed link; None for any other target."""
    from tandem.references import links, prospects

    world = other if target.startswith("other_") else own
    match target.removeprefix("other_"):
        case "reference_request1":
            link, _ = links.make_link(actor=world.owner)
            asked = prospects.ask_for_references(
                link, name="Pat", email="pat@example.com", question="Are they quick?"
            )
            return [asked.pk]
        case "reference_link":
            return [links.make_link(actor=world.owner)[1]]
        case "off_reference_link":
            _, token = links.make_link(actor=world.owner)
            links.turn_off_link(actor=world.owner)
            return [token]
        case "unknown_reference_link":
            return ["a" * links.TOKEN_LENGTH]
        case "malformed_reference_link":
            return ["not-a-link"]
    return None


def cases() -> list[Any]:
    return [
        pytest.param(
            row,
            persona,
            row.statuses[index],
            id=f"{row.method} {row.name} {row.target or '-'} as {persona}",
        )
        for row in MATRIX
        for index, persona in enumerate(PERSONAS)
    ]


@pytest.mark.parametrize(("row", "persona", "expected"), cases())
def test_access(personas: Personas, row: Row, persona: str, expected: int) -> None:
    own, other = personas.a, personas.b
    user = None if persona == "anonymous" else own.persona(persona)
    http = signed_in(user)
    url = build_url(row, own, other)
    response = http.generic(
        row.method,
        url,
        data=urlencode(post_data(row, own, other)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == expected, (
        f"{row.method} {url} as {persona}: expected {expected}, got {response.status_code}"
    )
    if expected == 302 and persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def _url_names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_url_is_in_the_matrix() -> None:
    names = set(_url_names(get_resolver().url_patterns))
    in_matrix = {row.name for row in MATRIX}
    missing = names - in_matrix - COVERED_BY_ALLAUTH - BENCH_ONLY
    assert not missing, f"Add these URLs to MATRIX with a status for every persona: {missing}"
    stale = (in_matrix | COVERED_BY_ALLAUTH) - names
    assert not stale, f"These names are no longer URLs; remove them: {stale}"


def capacity_target(target: str, own: PracticeWorld, other: PracticeWorld) -> list[Any] | None:
    """A week of the capacity plan: this week's Monday, a row kind and its id."""
    today = timezone.now().astimezone(ZoneInfo(own.practice.time_zone)).date()
    monday = (today - timedelta(days=today.weekday())).isoformat()
    match target:
        case "week_assistant":
            return [monday, "person", own.assistant.pk]
        case "week_owner":
            return [monday, "person", own.owner.pk]
        case "week_client1":
            return [monday, "client", own.client1.pk]
        case "week_other_client1":
            return [monday, "client", other.client1.pk]
        case "week_other_assistant":
            return [monday, "person", other.assistant.pk]
        case "week_nonsense":
            return ["2030-13-45", "person", own.assistant.pk]
        case "week_not_monday":
            sunday = (today - timedelta(days=today.weekday() + 1)).isoformat()
            return [sunday, "client", own.client1.pk]
    return None
