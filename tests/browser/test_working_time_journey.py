"""Working time in a real browser (issue 12).

An assistant in New York finds "Working time" on her profile, sees the practice's hours as
her own until she changes them, works Monday to Thursday with a short Friday and keeps a fifth
of each day free; books a morning at the dentist (first ending it before it starts, which is
refused with what she typed kept), and removes a day off. The owner then opens her working
time from his own page.

Every page visited is photographed at desktop and phone width under var/test-output/browser/
and checked with axe (see conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.core.models import Practice
from tandem.core.roles import Role
from tandem.core.services import create_practice
from tandem.planning.models import TimeOff, WorkingWeek
from tandem.planning.services import add_time_off
from tandem.planning.wording import DASH

from ..conftest import join, make_owner
from .conftest import Tour, sign_in, without_expected_refusals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Monday 16 June 2025, 14:00 in London, 09:00 in New York.
NOW = datetime(2025, 6, 16, 13, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def people(clock: None) -> tuple[User, User]:
    owner = make_owner("olivia@northwind.example.com", name="Olivia Owner")
    practice = create_practice(
        owner=owner,
        name="Northwind Virtual Assistance",
        time_zone="Europe/London",
        currency="GBP",
        working_days=[0, 1, 2, 3, 4],
        work_starts_at=time(9),
        work_ends_at=time(17),
    )
    Practice.objects.filter(pk=practice.pk).update(country="GB", subdivision="ENG")
    owner = User.objects.select_related("membership").get(pk=owner.pk)
    ada = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Brooks")
    User.objects.filter(pk=ada.pk).update(time_zone="America/New_York")
    ada.refresh_from_db()
    add_time_off(
        ada,
        actor=ada,
        starts_at=datetime(2025, 7, 4, 4, tzinfo=UTC),
        ends_at=datetime(2025, 7, 5, 4, tzinfo=UTC),
        note="Independence Day",
    )
    return owner, ada


def test_an_assistant_sets_her_hours_and_time_off_and_the_owner_sees_them(
    tour: Tour, people: tuple[User, User]
) -> None:
    owner, ada = people
    va = tour.new_page()
    sign_in(va, ada.email)
    va.goto(reverse("accounts:profile"))
    va.get_by_role("link", name="Working time and time off").click()
    expect(va.get_by_role("heading", name="Your working time")).to_be_visible()
    expect(va.get_by_text("the practice's days and hours apply")).to_be_visible()
    expect(va.get_by_text("Fri 4 Jul", exact=True)).to_be_visible()
    expect(va.get_by_text("The bank holidays of England")).to_be_visible()
    tour.check(va, "working-time-default")

    va.get_by_label("From on Friday").fill("09:00")
    va.get_by_label("Until on Friday").fill("13:00")
    va.get_by_label("Share of each working day kept free for unplanned work (%)").fill("20")
    va.get_by_role("button", name="Save working hours").click()
    expect(va.get_by_text("Working hours saved.")).to_be_visible()
    expect(va.get_by_text("36 h a week; 28.8 h of it for planned work.")).to_be_visible()
    week = WorkingWeek.objects.get(person=ada)
    assert week.kept_free_percent == 20
    assert week.hours.get(weekday=4).ends_at == time(13)

    # A morning at the dentist, first typed the wrong way round.
    va.get_by_label("First day").fill("2025-06-24")
    va.get_by_label("From (optional)").fill("11:00")
    va.get_by_label("Until (optional)").fill("08:30")
    va.get_by_label("Note (optional)").fill("Dentist")
    va.get_by_role("button", name="Add time off").click()
    expect(
        va.get_by_text("The time off ends before it starts: make it end after 11:00.")
    ).to_be_visible()
    expect(va.get_by_label("Note (optional)")).to_have_value("Dentist")
    tour.check(va, "working-time-refused")
    va.get_by_label("From (optional)").fill("08:30")
    va.get_by_label("Until (optional)").fill("11:00")
    va.get_by_role("button", name="Add time off").click()
    expect(va.get_by_text(f"Time off added: Tue 24 Jun, 08:30{DASH}11:00.")).to_be_visible()
    dentist = TimeOff.objects.get(note="Dentist")
    assert (dentist.starts_at, dentist.ends_at) == (
        datetime(2025, 6, 24, 12, 30, tzinfo=UTC),
        datetime(2025, 6, 24, 15, tzinfo=UTC),
    )

    va.once("dialog", lambda dialog: dialog.accept())
    va.get_by_role("button", name="Remove the time off on Fri 4 Jul").click()
    expect(va.get_by_text("Time off removed: Fri 4 Jul.")).to_be_visible()
    tour.check(va, "working-time-saved")

    boss = tour.new_page()
    sign_in(boss, owner.email)
    boss.goto(reverse("planning:working-time"))
    boss.get_by_role("navigation", name="Whose working time").get_by_role(
        "link", name="Ada Brooks"
    ).click()
    expect(boss.get_by_role("heading", name="Ada Brooks's working time")).to_be_visible()
    expect(boss.get_by_text(f"Tue 24 Jun, 08:30{DASH}11:00", exact=True)).to_be_visible()
    expect(boss.get_by_text("Times are on New York time")).to_be_visible()
    tour.check(boss, "working-time-owner")

    add_time_off_url = reverse("planning:time-off-add", args=[ada.pk]) + "#add-time-off"
    problems = without_expected_refusals(tour.problems, [(add_time_off_url, 400)])
    assert not problems, "\n".join(problems)
