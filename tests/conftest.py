"""The personas every cross-cutting suite uses: two practices, each with every kind of person.

State is made through the same services production uses (create_practice, create_client,
assign_assistant, invite + accept_invitation), so a fixture never holds a row the app could
not have made itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client as HttpClient

from tandem.accounts.models import User
from tandem.clients import invitations
from tandem.clients.models import Client, Invitation
from tandem.clients.services import assign_assistant, create_client
from tandem.core.models import Membership, Practice
from tandem.core.roles import Role
from tandem.core.services import create_practice
from tests.smtp_server import Recorder, smtp_server

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 costs ~50 ms a hash; the personas alone hash a dozen passwords per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _links_to_site_url(settings):
    # The practice's face: mail in tests links to SITE_URL (http://127.0.0.1:8000), as if the
    # operator had set it; tests of the remembered origin (test_practice_face.py) turn it off.
    settings.SITE_URL_IS_SET = True


@pytest.fixture(autouse=True)
def _no_plan_from_another_test() -> Iterator[None]:
    # The plan kept in the process (planning.plan_cache) is keyed by the practice and a
    # version of its data; a rolled-back test's practice can come back with the same ids.
    from tandem.planning.plan_cache import forget_plans

    forget_plans()
    yield
    forget_plans()


@pytest.fixture
def smtp(settings) -> Iterator[Recorder]:
    """A real SMTP server on loopback that Django's mail goes to; it records every message."""
    recorder = Recorder()
    with smtp_server(recorder) as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield recorder


def make_owner(email: str, *, name: str = "", password: str = PASSWORD) -> User:
    """A verified account with no practice yet, as after sign-up and e-mail confirmation."""
    user = User.objects.create_user(email, password=password, name=name)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def make_practice(owner: User, *, name: str) -> Practice:
    return create_practice(
        owner=owner,
        name=name,
        time_zone="UTC",
        currency="USD",
        working_days=[0, 1, 2, 3, 4],
        work_starts_at=time(9, 0),
        work_ends_at=time(17, 0),
    )


def join(
    owner: User, email: str, *, role: str, client: Client | None = None, name: str = ""
) -> User:
    """Invite ``email`` and accept the invitation as a visitor would."""
    invitation = invitations.invite(
        actor=owner, email=email, role=role, client=client, name=name or email.split("@")[0]
    )
    return invitations.accept_invitation(
        invitation, signed_in_as=None, name=invitation.name, password=PASSWORD
    )


@dataclass
class PracticeWorld:
    practice: Practice
    # Everything in the practice: every client (archived ones too), people, audit log.
    owner: User
    # Client 1 only (its page, its contacts), the dashboard, the people page; changes nothing.
    assistant: User
    # The dashboard and the people page, with no clients in them.
    unassigned: User
    # The portal of client 1; no practice pages.
    contact1: User
    # The portal of client 2; no practice pages.
    contact2: User
    client1: Client
    client2: Client
    pending_invitation: Invitation

    @property
    def assistant_membership(self) -> Membership:
        return Membership.objects.get(user=self.assistant)

    def persona(self, kind: str) -> User:
        user: User = getattr(self, kind)
        return user


def build_practice(letter: str) -> PracticeWorld:
    domain = f"{letter}.example.com"
    owner = make_owner(f"owner@{domain}", name=f"Owner {letter.upper()}")
    practice = make_practice(owner, name=f"Practice {letter.upper()}")
    client1 = create_client(actor=owner, name=f"Client {letter.upper()}1", time_zone="UTC")
    client2 = create_client(actor=owner, name=f"Client {letter.upper()}2", time_zone="UTC")
    assistant = join(owner, f"assistant@{domain}", role=Role.ASSISTANT)
    unassigned = join(owner, f"unassigned@{domain}", role=Role.ASSISTANT)
    assign_assistant(client1, assistant=assistant, actor=owner)
    contact1 = join(owner, f"contact1@{domain}", role=Role.CONTACT, client=client1)
    contact2 = join(owner, f"contact2@{domain}", role=Role.CONTACT, client=client2)
    pending = invitations.invite(
        actor=owner, email=f"pending@{domain}", role=Role.ASSISTANT, name="Pending Person"
    )
    return PracticeWorld(
        practice=practice,
        owner=owner,
        assistant=assistant,
        unassigned=unassigned,
        contact1=contact1,
        contact2=contact2,
        client1=client1,
        client2=client2,
        pending_invitation=pending,
    )


@dataclass
class Personas:
    a: PracticeWorld
    b: PracticeWorld
    # anonymous: nobody signed in; sees /healthz, the sign-in pages and invitation links.


PERSONA_KINDS = ("owner", "assistant", "unassigned", "contact1", "contact2")


@pytest.fixture
def personas(db) -> Personas:
    return Personas(a=build_practice("a"), b=build_practice("b"))


def signed_in(user: User | None, **client_kwargs: object) -> HttpClient:
    """A test browser signed in as ``user`` (or a visitor for None), without the login form."""
    http = HttpClient(**client_kwargs)  # type: ignore[arg-type]
    if user is not None:
        http.force_login(user, backend="tandem.accounts.backends.MemberBackend")
    return http


def field_error(response: Any, field: str) -> str:
    """The error text shown next to ``field`` (empty when there is none)."""
    content = response.content.decode()
    match = re.search(
        rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', content, re.DOTALL
    )
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""


def page_text(response: Any) -> str:
    return html.unescape(response.content.decode())
