"""References, both ways (issue 14): a client agrees to be a reference and withdraws; the owner
asks a client and keeps a shareable link; a prospect asks through it and the owner passes it
on to the clients who agreed, whose contacts get the prospect's question by mail (through a
real SMTP server); the practice records references it checked about a client, which the
client's side never sees."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from tandem.core.errors import DomainError
from tandem.core.models import AuditEntry
from tandem.references import checks, consents, links, prospects
from tandem.references.models import Check, Consent, PassOn, Request, RequestState
from tests.conftest import Personas, PracticeWorld, field_error, page_text, signed_in
from tests.jobrunner import run_worker
from tests.smtp_server import Recorder, text_and_html

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
PROSPECT = {"name": "Pat Prospect", "email": "pat@prospect.example.com"}
QUESTION = "How quickly do they answer a request?"


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def agree(world: PracticeWorld, *, contact: str = "contact1", client: str = "client1") -> Consent:
    return consents.give_consent(
        getattr(world, client), actor=world.persona(contact), agreed=True, note="Always on time."
    )


def link_of(world: PracticeWorld) -> str:
    return links.make_link(actor=world.owner)[1]


def ask_through(token: str, **fields: str) -> object:
    data = {**PROSPECT, "question": QUESTION, **fields}
    return signed_in(None).post(reverse("references:public", args=[token]), data)


def mail_to(smtp: Recorder, to: str) -> list[str]:
    return [text_and_html(m)[0] for m in smtp.messages if m["To"] == to]


# The client's consent --------------------------------------------------------------------------


def test_a_contact_agrees_in_the_portal_with_the_words_recorded_and_withdraws(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    a = personas.a
    http = signed_in(a.contact1)
    page = page_text(http.get(reverse("references:consent")))
    assert "I agree that Client A1 may be a reference for Practice A." in page
    response = http.post(
        reverse("references:consent"), {"note": "Quick and kind.", "ask_by": "mail", "agree": "on"}
    )
    assert response.status_code == 302
    consent = Consent.objects.get(client=a.client1)
    assert (consent.given_by, consent.given_at) == (a.contact1, NOW)
    assert consent.note == "Quick and kind."
    assert consent.wording.startswith("I agree that Client A1 may be a reference for Practice A.")
    assert "is a reference" in page_text(http.get(reverse("references:consent")))

    clock.shift(timedelta(days=3))
    assert http.post(reverse("references:consent-withdraw")).status_code == 302
    consent.refresh_from_db()
    assert (consent.withdrawn_by, consent.withdrawn_at) == (a.contact1, NOW + timedelta(days=3))
    page = page_text(http.get(reverse("references:consent")))
    assert "Agree to be a reference" in page
    assert "withdrawn by" in page
    actions = list(
        AuditEntry.objects.filter(client_id=a.client1.pk, action__startswith="reference_consent")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["reference_consent_given", "reference_consent_withdrawn"]


def test_agreeing_twice_and_withdrawing_twice_are_refused_with_a_sentence(
    personas: Personas,
) -> None:
    a = personas.a
    agree(a)
    with pytest.raises(DomainError, match="already agrees to be a reference"):
        agree(a)
    consents.withdraw_consent(a.client1, actor=a.contact1)
    response = signed_in(a.contact1).post(reverse("references:consent-withdraw"))
    assert response.status_code == 400
    assert "Client A1 is not a reference now" in page_text(response)


def test_the_practice_cannot_agree_for_a_client(personas: Personas) -> None:
    with pytest.raises(DomainError, match="Only Client A1's own people"):
        consents.give_consent(personas.a.client1, actor=personas.a.owner, agreed=True)


# Asking a client ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_owner_asks_a_client_by_mail_once_in_ninety_days(
    personas: Personas, smtp: Recorder, clock: time_machine.Traveller
) -> None:
    a = personas.a
    run_worker()
    smtp.messages.clear()
    response = signed_in(a.owner).post(reverse("references:ask", args=[a.client1.pk]))
    assert response.status_code == 302
    run_worker()
    (text,) = mail_to(smtp, a.contact1.email)
    assert "would Client A1 be a reference for the practice?" in text
    assert f"http://127.0.0.1:8000{reverse('references:consent')}" in text

    clock.shift(timedelta(days=60))
    again = signed_in(a.owner).post(reverse("references:ask", args=[a.client1.pk]))
    assert again.status_code == 400
    assert "You asked Client A1 on 2 December 2026" in page_text(again)
    assert "ask again from 2 March 2027" in page_text(again)

    clock.shift(timedelta(days=31))
    consents.ask_to_be_reference(a.client1, actor=a.owner)
    agree(a)
    with pytest.raises(DomainError, match="already agrees to be a reference; no need to ask"):
        consents.ask_to_be_reference(a.client1, actor=a.owner)


# The shareable link and a prospect's request ---------------------------------------------------


def test_the_public_page_counts_agreeing_clients_and_never_names_them(
    personas: Personas,
) -> None:
    a = personas.a
    agree(a)
    agree(a, contact="contact2", client="client2")
    token = link_of(a)
    page = page_text(signed_in(None).get(reverse("references:public", args=[token])))
    assert "References for Practice A" in page
    assert "2 clients have agreed to be a reference for Practice A." in page
    for secret in ("Client A1", "Client A2", a.contact1.email, a.contact2.email, "on time"):
        assert secret not in page
    consents.withdraw_consent(a.client2, actor=a.contact2)
    page = page_text(signed_in(None).get(reverse("references:public", args=[token])))
    assert "One client has agreed" in page


def test_a_turned_off_or_replaced_link_says_it_is_not_in_use(personas: Personas) -> None:
    a = personas.a
    old = link_of(a)
    new = link_of(a)
    visitor = signed_in(None)
    gone = visitor.get(reverse("references:public", args=[old]))
    assert gone.status_code == 404
    assert "This link is not in use" in page_text(gone)
    assert visitor.get(reverse("references:public", args=[new])).status_code == 200
    links.turn_off_link(actor=a.owner)
    assert visitor.post(reverse("references:public", args=[new]), {}).status_code == 404
    with pytest.raises(DomainError, match="already off"):
        links.turn_off_link(actor=a.owner)


def test_the_owners_page_shows_the_link_again_and_no_token_is_stored(personas: Personas) -> None:
    a = personas.a
    link, token = links.make_link(actor=a.owner)
    assert token not in {link.seed, link.token_hash}
    page = page_text(signed_in(a.owner).get(reverse("references:list")))
    assert f"/r/{token}/" in page


@pytest.mark.django_db(transaction=True)
def test_a_prospect_asks_and_the_owner_passes_it_on_to_one_agreeing_client(
    personas: Personas, smtp: Recorder
) -> None:
    a = personas.a
    agree(a)
    agree(a, contact="contact2", client="client2")
    run_worker()
    smtp.messages.clear()
    token = link_of(a)
    response = ask_through(token)
    assert response.status_code == 302
    assert response["Location"] == reverse("references:public-thanks", args=[token])
    thanks = page_text(signed_in(None).get(response["Location"]))
    assert "Thank you, your request was passed on" in thanks
    request = Request.objects.get()
    assert (request.name, request.email, request.question, request.state) == (
        "Pat Prospect",
        "pat@prospect.example.com",
        QUESTION,
        RequestState.WAITING,
    )
    run_worker()
    (ack,) = mail_to(smtp, PROSPECT["email"])
    assert QUESTION in ack
    assert "Client A1" not in ack
    (told,) = mail_to(smtp, a.owner.email)
    assert "Pat Prospect (pat@prospect.example.com) asked for references" in told

    owner_page = page_text(signed_in(a.owner).get(reverse("references:list")))
    assert QUESTION in owner_page
    response = signed_in(a.owner).post(
        reverse("references:pass-on", args=[request.pk]), {"clients": [str(a.client1.pk)]}
    )
    assert response.status_code == 302
    run_worker()
    (passed,) = mail_to(smtp, a.contact1.email)
    assert "Pat Prospect is thinking of working with Practice A and asks:" in passed
    assert "write to Pat Prospect at pat@prospect.example.com" in passed
    assert QUESTION in passed
    assert mail_to(smtp, a.contact2.email) == []
    request.refresh_from_db()
    assert (request.state, request.decided_by) == (RequestState.PASSED_ON, a.owner)
    assert list(PassOn.objects.values_list("client_id", flat=True)) == [a.client1.pk]

    again = signed_in(a.owner).post(
        reverse("references:pass-on", args=[request.pk]), {"clients": [str(a.client2.pk)]}
    )
    assert again.status_code == 400
    assert "has been dealt with already (passed on)" in page_text(again)


def test_a_client_who_withdrew_meanwhile_is_not_passed_on_to(personas: Personas) -> None:
    a = personas.a
    agree(a)
    token = link_of(a)
    ask_through(token)
    request = Request.objects.get()
    consents.withdraw_consent(a.client1, actor=a.contact1)
    with pytest.raises(DomainError, match="Client A1 no longer agrees to be a reference"):
        prospects.pass_on(request, actor=a.owner, clients=[a.client1])
    request.refresh_from_db()
    assert request.state == RequestState.WAITING
    assert not PassOn.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_by_the_practices_setting_a_request_goes_to_every_agreeing_client_at_once(
    personas: Personas, smtp: Recorder
) -> None:
    a = personas.a
    agree(a)
    agree(a, contact="contact2", client="client2")
    signed_in(a.owner).post(reverse("references:automatic"), {"pass_on_automatically": "on"})
    run_worker()
    smtp.messages.clear()
    ask_through(link_of(a))
    run_worker()
    request = Request.objects.get()
    assert (request.state, request.decided_by) == (RequestState.PASSED_ON, None)
    assert len(mail_to(smtp, a.contact1.email)) == len(mail_to(smtp, a.contact2.email)) == 1
    assert mail_to(smtp, a.owner.email) == []


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_recorded(
    personas: Personas,
) -> None:
    token = link_of(personas.a)
    response = ask_through(token, website="http://spam.example.com")
    assert response.status_code == 302
    assert not Request.objects.exists()


def test_too_many_requests_from_one_address_are_held_off_keeping_what_was_typed(
    personas: Personas, settings
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reference_request": "2/h/ip"}
    token = link_of(personas.a)
    assert ask_through(token).status_code == 302
    assert ask_through(token).status_code == 302
    held = ask_through(token, question="A third one")
    assert held.status_code == 429
    assert "Too many requests from here in a short time" in page_text(held)
    assert "A third one" in page_text(held)
    assert Request.objects.count() == 2


def test_the_owner_sets_a_request_aside(personas: Personas) -> None:
    a = personas.a
    ask_through(link_of(a))
    request = Request.objects.get()
    response = signed_in(a.owner).post(reverse("references:set-aside", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.SET_ASIDE


# References the practice checked about a client ----------------------------------------------


def test_the_practice_records_a_reference_check_the_client_never_sees(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    a = personas.a
    http = signed_in(a.assistant)
    url = reverse("references:checks", args=[a.client1.pk])
    response = http.post(
        url,
        {
            "source": "Previous VA",
            "checked_on": "2026-11-30",
            "payment": "late",
            "notes": "Paid 3 weeks late twice.",
        },
    )
    assert response.status_code == 302
    check = Check.objects.get()
    assert (check.source, check.checked_on) == ("Previous VA", date(2026, 11, 30))
    assert check.payment == "late"
    detail = reverse("home:client-detail", args=[a.client1.pk])
    client_page = page_text(signed_in(a.owner).get(detail))
    assert "Previous VA" in client_page
    assert "Paid late" in client_page
    assert signed_in(a.contact1).get(url).status_code == 404
    assert not Check.objects.visible_to(a.contact1).exists()
    portal = page_text(signed_in(a.contact1).get(reverse("home:portal-home")))
    assert "Previous VA" not in portal
    entry = AuditEntry.objects.get(action="reference_check_recorded")
    assert entry.client_id == a.client1.pk
    assert "3 weeks" not in str(entry.data)


def test_a_reference_check_dated_ahead_is_refused(personas: Personas, clock) -> None:
    a = personas.a
    with pytest.raises(DomainError, match="still ahead"):
        checks.record_check(
            a.client1, actor=a.owner, source="VA", checked_on=date(2026, 12, 9), payment="late"
        )
    response = signed_in(a.owner).post(
        reverse("references:checks", args=[a.client1.pk]),
        {"source": "", "checked_on": "2026-12-01", "payment": "on_time", "notes": "Kept"},
    )
    assert response.status_code == 400
    assert "Say whom you asked" in field_error(response, "source")
    assert "Kept" in page_text(response)
