"""The practice: creating it, its settings, and changing who is in it."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.models import AuditEntry, Membership, Practice
from tandem.core.roles import Role
from tandem.core.services import change_role
from tests.conftest import Personas, PracticeWorld, field_error, make_owner, page_text, signed_in


def settings_form(world: PracticeWorld, **changes: object) -> dict[str, object]:
    practice = world.practice
    data: dict[str, object] = {
        "name": practice.name,
        "time_zone": practice.time_zone,
        "currency": practice.currency,
        "working_days": practice.working_days,
        "work_starts_at": "09:00",
        "work_ends_at": "17:00",
        "country": practice.country,
        "subdivision": practice.subdivision,
        "response_time": practice.response_time,
    }
    data.update(changes)
    return data


def test_new_account_names_its_practice_and_becomes_owner(db) -> None:
    user = make_owner("solo@example.com", name="Solo")
    http = signed_in(user)
    assert http.get("/dashboard/")["Location"] == "/start/"
    response = http.post(
        "/start/",
        {
            "name": "Solo VA",
            "time_zone": "Europe/Paris",
            "currency": "EUR",
            "working_days": [0, 1, 2],
            "work_starts_at": "08:30",
            "work_ends_at": "16:00",
        },
    )
    assert response.status_code == 302
    practice = Practice.objects.get(name="Solo VA")
    assert Membership.objects.get(user=user).role == Role.OWNER
    assert AuditEntry.objects.filter(action=Action.PRACTICE_CREATED, practice=practice).exists()
    assert http.get("/dashboard/").status_code == 200


def test_practice_form_end_before_start_keeps_the_name(db) -> None:
    http = signed_in(make_owner("solo@example.com"))
    response = http.post(
        "/start/",
        {
            "name": "Typed Practice",
            "time_zone": "UTC",
            "currency": "USD",
            "working_days": [0],
            "work_starts_at": "17:00",
            "work_ends_at": "09:00",
        },
    )
    assert response.status_code == 400
    assert field_error(response, "work_ends_at").startswith("The working day must end after")
    assert 'value="Typed Practice"' in response.content.decode()
    assert not Practice.objects.exists()


def test_settings_end_before_start_is_explained_next_to_the_field(personas: Personas) -> None:
    a = personas.a
    response = signed_in(a.owner).post(
        "/settings/practice/",
        settings_form(a, name="Renamed Practice", work_starts_at="18:00", work_ends_at="08:00"),
    )
    assert response.status_code == 400
    assert field_error(response, "work_ends_at") == (
        "The working day must end after it starts, for example 09:00 to 17:00."
    )
    assert 'value="Renamed Practice"' in response.content.decode()
    a.practice.refresh_from_db()
    assert a.practice.name == "Practice A"


def test_settings_without_working_days(personas: Personas) -> None:
    response = signed_in(personas.a.owner).post(
        "/settings/practice/", settings_form(personas.a, working_days=[])
    )
    assert field_error(response, "working_days") == "Pick at least one working day."


def test_settings_oversized_name_is_a_message(personas: Personas) -> None:
    response = signed_in(personas.a.owner).post(
        "/settings/practice/", settings_form(personas.a, name="n" * 10_000)
    )
    assert response.status_code == 400
    assert "at most 120 characters" in field_error(response, "name")


def test_settings_bad_time_is_a_message(personas: Personas) -> None:
    response = signed_in(personas.a.owner).post(
        "/settings/practice/", settings_form(personas.a, work_starts_at="25:99")
    )
    assert response.status_code == 400
    assert field_error(response, "work_starts_at")


def test_owner_chooses_the_bank_holidays_by_country_and_region_name(personas: Personas) -> None:
    a = personas.a
    http = signed_in(a.owner)
    response = http.post(
        "/settings/practice/", settings_form(a, country="GB", subdivision="england")
    )
    assert response.status_code == 302
    a.practice.refresh_from_db()
    assert (a.practice.country, a.practice.subdivision) == ("GB", "ENG")
    page = http.get("/settings/practice/").content.decode()
    assert '<option value="GB" selected>United Kingdom</option>' in page
    assert 'value="ENG"' in page


def test_a_region_with_a_long_name_is_kept_as_its_code(personas: Personas) -> None:
    a = personas.a
    response = signed_in(a.owner).post(
        "/settings/practice/",
        settings_form(a, country="US", subdivision="United States Minor Outlying Islands"),
    )
    assert response.status_code == 302
    a.practice.refresh_from_db()
    assert (a.practice.country, a.practice.subdivision) == ("US", "UM")


def test_owner_can_go_back_to_no_bank_holidays(personas: Personas) -> None:
    a = personas.a
    http = signed_in(a.owner)
    http.post("/settings/practice/", settings_form(a, country="US", subdivision="NY"))
    response = http.post("/settings/practice/", settings_form(a, country="", subdivision=""))
    assert response.status_code == 302
    a.practice.refresh_from_db()
    assert (a.practice.country, a.practice.subdivision) == ("", "")


def test_settings_unknown_country_is_refused_beside_it_with_the_typed_values_kept(
    personas: Personas,
) -> None:
    a = personas.a
    response = signed_in(a.owner).post(
        "/settings/practice/", settings_form(a, name="Typed Name", country="XX")
    )
    assert response.status_code == 400
    assert field_error(response, "country") == (
        "No bank holiday calendar for “XX”: pick a country from the list, or none."
    )
    assert 'value="Typed Name"' in response.content.decode()
    a.practice.refresh_from_db()
    assert (a.practice.name, a.practice.country) == ("Practice A", "")


def test_settings_unknown_region_names_the_countrys_regions_beside_it(
    personas: Personas,
) -> None:
    a = personas.a
    response = signed_in(a.owner).post(
        "/settings/practice/",
        settings_form(a, name="Typed Name", country="GB", subdivision="Narnia"),
    )
    assert response.status_code == 400
    assert field_error(response, "subdivision") == (
        "“Narnia” is not a region of United Kingdom with bank holidays of its own. Write one "
        "of England (ENG), Northern Ireland (NIR), Scotland (SCT), Wales (WLS), or leave the "
        "region empty."
    )
    content = response.content.decode()
    assert 'value="Typed Name"' in content
    assert 'value="Narnia"' in content
    assert '<option value="GB" selected>' in content
    a.practice.refresh_from_db()
    assert (a.practice.name, a.practice.country) == ("Practice A", "")


def test_settings_region_without_a_country_asks_for_the_country(personas: Personas) -> None:
    response = signed_in(personas.a.owner).post(
        "/settings/practice/", settings_form(personas.a, country="", subdivision="ENG")
    )
    assert response.status_code == 400
    assert field_error(response, "subdivision") == (
        "Pick the country first: a region only narrows a country's bank holidays."
    )


def test_requiring_two_factor_is_audited_on_its_own(personas: Personas) -> None:
    a = personas.a
    response = signed_in(a.owner).post(
        "/settings/practice/", settings_form(a, requires_two_factor="on")
    )
    assert response.status_code == 302
    a.practice.refresh_from_db()
    assert a.practice.requires_two_factor
    entry = AuditEntry.objects.get(action=Action.TWO_FACTOR_REQUIRED)
    assert entry.data == {"required": True}
    assert AuditEntry.objects.filter(action=Action.PRACTICE_UPDATED).count() == 1


def test_turning_the_requirement_off_is_audited_too(personas: Personas) -> None:
    a = personas.a
    http = signed_in(a.owner)
    http.post("/settings/practice/", settings_form(a, requires_two_factor="on"))
    TOTP.activate(a.owner, generate_totp_secret())
    response = http.post("/settings/practice/", settings_form(a))
    assert response.status_code == 302
    entries = AuditEntry.objects.filter(action=Action.TWO_FACTOR_REQUIRED).order_by("id")
    assert [entry.data for entry in entries] == [{"required": True}, {"required": False}]


def test_saving_settings_without_a_change_to_two_factor_is_not_a_two_factor_event(
    personas: Personas,
) -> None:
    signed_in(personas.a.owner).post("/settings/practice/", settings_form(personas.a))
    assert not AuditEntry.objects.filter(action=Action.TWO_FACTOR_REQUIRED).exists()


def test_owner_makes_an_assistant_an_owner(personas: Personas) -> None:
    a = personas.a
    membership = a.assistant_membership
    response = signed_in(a.owner).post(f"/people/{membership.pk}/role/", {"role": "owner"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.OWNER
    entry = AuditEntry.objects.get(action=Action.ROLE_CHANGED)
    assert entry.data == {"from": "assistant", "to": "owner"}
    assert signed_in(a.assistant).get("/audit/").status_code == 200


def test_role_form_rejects_unknown_roles(personas: Personas) -> None:
    a = personas.a
    membership = a.assistant_membership
    response = signed_in(a.owner).post(
        f"/people/{membership.pk}/role/", {"role": "contact"}, follow=True
    )
    assert "Pick owner or assistant." in page_text(response)
    membership.refresh_from_db()
    assert membership.role == Role.ASSISTANT


def test_the_last_owner_cannot_step_down(personas: Personas) -> None:
    a = personas.a
    owner_membership = Membership.objects.get(user=a.owner)
    with pytest.raises(DomainError, match="a practice needs one"):
        change_role(owner_membership, role=Role.ASSISTANT, actor=a.owner)
    response = signed_in(a.owner).post(
        f"/people/{owner_membership.pk}/role/", {"role": "assistant"}, follow=True
    )
    assert "Make someone else an owner first" in page_text(response)


def test_removing_a_member_ends_their_access_at_once(personas: Personas) -> None:
    a = personas.a
    assistant = signed_in(a.assistant)
    assert assistant.get("/dashboard/").status_code == 200
    response = signed_in(a.owner).post(f"/people/{a.assistant_membership.pk}/remove/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=Action.MEMBER_DEACTIVATED).exists()
    # Their session still exists, but every practice page now sends them away.
    assert assistant.get(f"/clients/{a.client1.pk}/")["Location"] == "/start/"
    home = assistant.get("/")
    assert home.status_code == 403


def test_owner_cannot_remove_themselves(personas: Personas) -> None:
    a = personas.a
    own = Membership.objects.get(user=a.owner)
    response = signed_in(a.owner).post(f"/people/{own.pk}/remove/", follow=True)
    assert "You cannot remove yourself" in page_text(response)
    own.refresh_from_db()
    assert own.is_active
