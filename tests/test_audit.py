"""The audit log: every event the app produces is written, and the log page reads it back."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from tandem.clients import invitations
from tandem.clients.services import archive_client, create_client
from tandem.core.audit import Action
from tandem.core.models import AuditEntry
from tandem.core.selectors import AUDIT_PAGE_SIZE
from tests.conftest import PASSWORD, Personas, field_error, signed_in

# Events of allauth's multi-step flows (a mailed reset key, a live TOTP code): they are driven
# end to end, with their audit entries asserted, in tests/test_two_factor.py.
NOT_DRIVEN_HERE = {
    Action.PASSWORD_RESET,
    Action.TWO_FACTOR_ENABLED,
    Action.TWO_FACTOR_DISABLED,
    Action.RECOVERY_CODES_GENERATED,
}


def login(personas: Personas, password: str = PASSWORD) -> None:
    signed_in(None).post(
        "/accounts/login/", {"login": personas.a.owner.email, "password": password}
    )


def lock_out(personas: Personas) -> None:
    for _ in range(6):
        login(personas, "wrong")


def settings_post(personas: Personas, **extra: str) -> None:
    signed_in(personas.a.owner).post(
        "/settings/practice/",
        {
            "name": "Practice A",
            "time_zone": "UTC",
            "currency": "USD",
            "working_days": [0, 1],
            "work_starts_at": "09:00",
            "work_ends_at": "17:00",
            "response_time": "1d",
            **extra,
        },
    )


def owner_posts(path: str, data: dict[str, object] | None = None) -> Callable[[Personas], None]:
    def act(personas: Personas) -> None:
        a = personas.a
        ids = {
            "c1": a.client1.pk,
            "c2": a.client2.pk,
            "assistant": a.assistant.pk,
            "unassigned": a.unassigned.pk,
            "membership": a.assistant_membership.pk,
            "invitation": a.pending_invitation.pk,
        }
        url = path.format(**ids)
        form = {key: str(value).format(**ids) for key, value in (data or {}).items()}
        response = signed_in(a.owner).post(url, form)
        assert response.status_code == 302, url

    return act


def accept(personas: Personas) -> None:
    token = invitations.make_token(personas.a.pending_invitation)
    signed_in(None).post(
        f"/invite/{token}/", {"name": "Pat", "password1": PASSWORD, "password2": PASSWORD}
    )


def restore(personas: Personas) -> None:
    archive_client(personas.a.client2, actor=personas.a.owner)
    owner_posts("/clients/{c2}/restore/")(personas)


def change_password(personas: Personas) -> None:
    response = signed_in(personas.a.owner).post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": PASSWORD + "!", "password2": PASSWORD + "!"},
    )
    assert response.status_code == 302


def turn_calendar_off(personas: Personas) -> None:
    owner_posts("/calendar/address/")(personas)
    owner_posts("/calendar/address/off/", {"off-confirm": "on"})(personas)


def step_back_a_phase(personas: Personas) -> None:
    from tandem.delegation.services import change_phase

    change_phase(personas.a.client1, actor=personas.a.contact1, to_phase=2)
    owner_posts("/clients/{c1}/phase/", {"to_phase": "1", "note": "More care"})(personas)


def change_agreement_template(personas: Personas) -> Any:
    from tandem.agreements import services

    a = personas.a
    text = services.current_template(a.practice.pk, "service")
    return services.save_template(
        actor=a.owner, kind="service", title=text.title, body=text.body + "\n\nAmended."
    )


def send_an_agreement(personas: Personas) -> Any:
    from tests import agreements_flow

    return agreements_flow.issue_and_send(personas.a.client1, personas.a.owner)


def sign_an_agreement(personas: Personas) -> Any:
    from tests import agreements_flow

    return agreements_flow.sign(send_an_agreement(personas), personas.a.contact1)


def withdraw_an_agreement(personas: Personas) -> Any:
    from tandem.agreements import services

    return services.withdraw_agreement(send_an_agreement(personas), actor=personas.a.owner)


def require_agreements(personas: Personas) -> Any:
    from tandem.agreements import services

    return services.set_agreements_required(actor=personas.a.owner, required=True)


def vault_credential(personas: Personas) -> Any:
    from tandem.vault import credentials

    a = personas.a
    return credentials.store_credential(
        a.client1,
        actor=a.contact1,
        name="Mailchimp",
        secrets=credentials.Secrets(password="Zebra-Quartz-7731"),
        named=[a.assistant],
    )


def reveal_a_credential(personas: Personas) -> None:
    from tandem.vault import reveals

    credential = vault_credential(personas)
    reveals.reveal_secret(
        credential, actor=personas.a.assistant, reason="Newsletter", password=PASSWORD
    )


def open_a_share_link(personas: Personas) -> None:
    from tandem.vault import sharing

    a = personas.a
    made = sharing.make_share_link(
        a.client1, actor=a.contact1, label="Wi-Fi", secret="w1f1", lifetime="1d"
    )
    sharing.open_share_link(made.link, actor=a.assistant)


def agree_to_be_a_reference(personas: Personas) -> None:
    signed_in(personas.a.contact1).post(
        "/portal/reference/", {"note": "On time", "ask_by": "mail", "agree": "on"}
    )


def withdraw_as_a_reference(personas: Personas) -> None:
    agree_to_be_a_reference(personas)
    signed_in(personas.a.contact1).post("/portal/reference/withdraw/")


def record_a_reference_check(personas: Personas) -> None:
    signed_in(personas.a.owner).post(
        f"/clients/{personas.a.client1.pk}/references/",
        {"source": "Previous VA", "checked_on": "2020-01-02", "payment": "late"},
    )


PRODUCERS: dict[Action, Callable[[Personas], None]] = {
    Action.SIGNED_IN: login,
    Action.SIGNED_OUT: owner_posts("/accounts/logout/"),
    Action.SIGN_IN_FAILED: lambda personas: login(personas, "wrong"),
    Action.LOCKED_OUT: lock_out,
    Action.PASSWORD_CHANGED: change_password,
    # The personas fixture creates both practices through create_practice.
    Action.PRACTICE_CREATED: lambda personas: None,
    Action.PRACTICE_UPDATED: settings_post,
    Action.TWO_FACTOR_REQUIRED: lambda personas: settings_post(personas, requires_two_factor="on"),
    Action.INVITATION_SENT: owner_posts(
        "/people/invite/", {"email": "new@a.example.com", "role": "assistant"}
    ),
    Action.INVITATION_RESENT: owner_posts("/people/invitations/{invitation}/resend/"),
    Action.INVITATION_REVOKED: owner_posts("/people/invitations/{invitation}/revoke/"),
    Action.INVITATION_ACCEPTED: accept,
    Action.ROLE_CHANGED: owner_posts("/people/{membership}/role/", {"role": "owner"}),
    Action.MEMBER_DEACTIVATED: owner_posts("/people/{membership}/remove/"),
    Action.CLIENT_CREATED: owner_posts("/clients/new/", {"name": "New Co", "time_zone": "UTC"}),
    Action.CLIENT_UPDATED: owner_posts(
        "/clients/{c1}/edit/", {"name": "Renamed Co", "time_zone": "UTC", "notes": ""}
    ),
    Action.CLIENT_ARCHIVED: owner_posts("/clients/{c1}/archive/"),
    Action.CLIENT_RESTORED: restore,
    Action.ASSISTANT_ASSIGNED: owner_posts("/clients/{c2}/assign/", {"assistant": "{unassigned}"}),
    Action.ASSISTANT_UNASSIGNED: owner_posts("/clients/{c1}/unassign/{assistant}/"),
    # Private calendar feeds (planning).
    Action.CALENDAR_FEED_MADE: owner_posts("/calendar/address/"),
    Action.CALENDAR_FEED_TURNED_OFF: turn_calendar_off,
    # Trust in phases (issue 13): the client moves up; the owner steps it back.
    Action.PHASE_CHANGED: step_back_a_phase,
    # The credential vault (issue 14): who may reveal what, a reveal, a share link opened.
    Action.CREDENTIAL_ACCESS_CHANGED: vault_credential,
    Action.CREDENTIAL_REVEALED: reveal_a_credential,
    Action.SHARE_LINK_OPENED: open_a_share_link,
    # Agreements (issue 14): templates, sending, signing, withdrawing, "before work".
    Action.AGREEMENT_TEMPLATE_CHANGED: change_agreement_template,
    Action.AGREEMENT_SENT: send_an_agreement,
    Action.AGREEMENT_SIGNED: sign_an_agreement,
    Action.AGREEMENT_WITHDRAWN: withdraw_an_agreement,
    Action.AGREEMENTS_REQUIRED_CHANGED: require_agreements,
    # References (issue 14): a client agrees to be one and withdraws; a check recorded.
    Action.REFERENCE_CONSENT_GIVEN: agree_to_be_a_reference,
    Action.REFERENCE_CONSENT_WITHDRAWN: withdraw_as_a_reference,
    Action.REFERENCE_CHECK_RECORDED: record_a_reference_check,
}


def test_every_action_has_a_producer_or_a_reason() -> None:
    assert set(PRODUCERS) | NOT_DRIVEN_HERE == set(Action)


@pytest.mark.parametrize("action", list(PRODUCERS), ids=str)
def test_event_is_audited(personas: Personas, action: Action) -> None:
    before = AuditEntry.objects.filter(action=action).count()
    PRODUCERS[action](personas)
    if action != Action.PRACTICE_CREATED:
        assert AuditEntry.objects.filter(action=action).count() > before
    entry = AuditEntry.objects.filter(action=action, practice=personas.a.practice).first()
    assert entry is not None, f"No {action} entry in practice A"


def log_ids(response) -> list[int]:
    return [entry.pk for entry in response.context["page"].entries]


def test_owner_reads_only_their_practices_log(personas: Personas) -> None:
    response = signed_in(personas.a.owner).get("/audit/")
    assert response.status_code == 200
    assert {entry.practice_id for entry in response.context["page"].entries} == {
        personas.a.practice.pk
    }


def test_filter_by_action(personas: Personas) -> None:
    response = signed_in(personas.a.owner).get("/audit/?action=client_created")
    entries = response.context["page"].entries
    assert [entry.target_label for entry in entries] == ["Client A2", "Client A1"]


def test_filter_by_person(personas: Personas) -> None:
    a = personas.a
    response = signed_in(a.owner).get("/audit/", {"who": a.assistant.email.upper()})
    entries = response.context["page"].entries
    assert entries
    assert {entry.actor_id for entry in entries} == {a.assistant.pk}


def test_filter_by_someone_of_another_practice_is_refused(personas: Personas) -> None:
    response = signed_in(personas.a.owner).get("/audit/", {"who": personas.b.owner.email})
    assert response.status_code == 400
    assert "No one with that e-mail address" in field_error(response, "who")


def test_filter_by_date_range(personas: Personas) -> None:
    a = personas.a
    with time_machine.travel(datetime(2031, 3, 10, 12, tzinfo=UTC)):
        create_client(actor=a.owner, name="March Co", time_zone="UTC")
    with time_machine.travel(datetime(2031, 4, 10, 12, tzinfo=UTC)):
        create_client(actor=a.owner, name="April Co", time_zone="UTC")
    http = signed_in(a.owner)
    response = http.get("/audit/?since=2031-03-01&until=2031-03-31")
    assert [entry.target_label for entry in response.context["page"].entries] == ["March Co"]
    response = http.get("/audit/?since=2031-04-01")
    assert [entry.target_label for entry in response.context["page"].entries] == ["April Co"]


def test_end_date_before_start_date_is_explained(personas: Personas) -> None:
    response = signed_in(personas.a.owner).get("/audit/?since=2031-03-10&until=2031-03-01")
    assert response.status_code == 400
    assert field_error(response, "until") == "The end date must be on or after the start date."
    assert 'value="2031-03-10"' in response.content.decode()


def test_bad_date_is_a_message(personas: Personas) -> None:
    response = signed_in(personas.a.owner).get("/audit/?since=yesterday&before=abc")
    assert response.status_code == 400
    assert field_error(response, "since")


def test_older_entries_page_by_id(personas: Personas) -> None:
    a = personas.a
    for i in range(AUDIT_PAGE_SIZE + 5):
        create_client(actor=a.owner, name=f"Bulk {i:02}", time_zone="UTC")
    total = AuditEntry.objects.filter(practice=a.practice).count()
    http = signed_in(a.owner)
    first = http.get("/audit/")
    assert len(log_ids(first)) == AUDIT_PAGE_SIZE
    assert "Newest entries" not in first.content.decode()
    link = re.search(r'href="\?([^"]*)"[^>]*>Older entries', first.content.decode())
    assert link is not None
    assert "before=" in link.group(1)
    second = http.get(f"/audit/?{link.group(1).replace('&amp;', '&')}")
    assert "Newest entries" in second.content.decode()
    ids = log_ids(first) + log_ids(second)
    assert len(ids) == len(set(ids)) == total
    assert ids == sorted(ids, reverse=True)
    assert "Older entries" not in second.content.decode()


def test_older_entries_keep_the_filter(personas: Personas) -> None:
    a = personas.a
    for i in range(AUDIT_PAGE_SIZE + 1):
        create_client(actor=a.owner, name=f"Bulk {i:02}", time_zone="UTC")
    first = signed_in(a.owner).get("/audit/?action=client_created")
    assert "action=client_created" in first.context["next_query"]
    assert "before=" in first.context["next_query"]


def test_htmx_request_gets_only_the_entries(personas: Personas) -> None:
    response = signed_in(personas.a.owner).get("/audit/", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="entries">')
    assert "<html" not in content
