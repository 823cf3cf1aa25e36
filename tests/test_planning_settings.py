"""The practice's planning settings: sizes, notice, rush policy and the weekly check-in."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse

from tandem.clients.models import Client
from tandem.core.errors import DomainError
from tandem.planning.models import PlanningPolicy
from tandem.planning.models_policy import planning_policy
from tandem.planning.policy import PlanningChoices, set_planning_policy
from tests.conftest import Personas, field_error, page_text, signed_in

GOOD = {
    "default_request_hours": "1.5",
    "small_hours": "0.5",
    "medium_hours": "3",
    "large_hours": "12",
    "notice_working_days": "3",
    "rush_policy": "Rush work is billed at half as much again.",
    "check_ins_on": "on",
    "check_in_weekday": "4",
    "check_in_time": "16:30",
}


def test_a_practice_without_settings_plans_on_the_defaults(personas: Personas) -> None:
    policy = planning_policy(personas.a.practice.pk)
    assert policy.pk is None
    assert (policy.small_minutes, policy.medium_minutes, policy.large_minutes) == (60, 240, 600)
    assert policy.default_request_minutes == 120
    assert policy.notice_working_days == 2
    assert policy.size_minutes("M") == 240


def test_the_page_shows_the_defaults_in_hours(personas: Personas) -> None:
    response = signed_in(personas.a.owner).get(reverse("planning:settings"))
    assert response.status_code == 200
    text = page_text(response)
    assert 'name="default_request_hours" value="2"' in text
    assert 'name="large_hours" value="10"' in text
    assert 'name="check_in_time" value="09:00"' in text


def test_the_owner_saves_the_practice_planning(personas: Personas) -> None:
    a = personas.a
    response = signed_in(a.owner).post(reverse("planning:settings"), GOOD)
    assert response.status_code == 302
    policy = PlanningPolicy.objects.get(practice=a.practice)
    assert policy.default_request_minutes == 90
    assert (policy.small_minutes, policy.medium_minutes, policy.large_minutes) == (30, 180, 720)
    assert policy.notice_working_days == 3
    assert policy.rush_policy == GOOD["rush_policy"]
    assert (policy.check_ins_on, policy.check_in_weekday) == (True, 4)
    assert policy.check_in_time == time(16, 30)
    # The other practice still plans on the defaults.
    assert planning_policy(personas.b.practice.pk).pk is None
    # Saved again, the same row changes; turning check-ins off is kept.
    signed_in(a.owner).post(reverse("planning:settings"), GOOD | {"check_ins_on": ""})
    assert PlanningPolicy.objects.get(practice=a.practice).check_ins_on is False
    assert PlanningPolicy.objects.count() == 1


def test_only_the_owner_changes_planning(personas: Personas) -> None:
    choices = PlanningChoices(120, 60, 240, 600, 2, "", True, 0, time(9))
    with pytest.raises(DomainError):
        set_planning_policy(personas.a.practice, actor=personas.a.assistant, choices=choices)
    assert signed_in(personas.a.assistant).post(reverse("planning:settings"), GOOD).status_code == (
        403
    )
    assert not PlanningPolicy.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed", "sentence"),
    [
        ("small_hours", "0", "Small: give a size of more than nothing, for example 1.5 hours."),
        (
            "large_hours",
            "500",
            "Large: 500 hours is more than a size; give at most 200 hours and split bigger work.",
        ),
        (
            "default_request_hours",
            "-1",
            "A request with no estimate: give a size of more than nothing, for example 1.5 hours.",
        ),
        ("medium_hours", "lots", "Medium (hours): write a number of hours, for example 1.5."),
        (
            "medium_hours",
            "0.5",
            "Sizes go from small to large: make small no bigger than medium, and medium no "
            "bigger than large.",
        ),
        (
            "notice_working_days",
            "-1",
            "Give the notice as 0 to 20 working days (0 means any deadline is fine if there is "
            "time for it).",
        ),
        (
            "notice_working_days",
            "21",
            "Give the notice as 0 to 20 working days (0 means any deadline is fine if there is "
            "time for it).",
        ),
        ("rush_policy", "x" * 1001, "Keep the rush policy to 1000 characters; it has 1001."),
        ("check_in_weekday", "9", "Choose a day of the week for the check-in."),
        (
            "check_in_time",
            "25:00",
            "Write the check-in time as hours and minutes, for example 09:00.",
        ),
    ],
)
def test_the_settings_refuse_nonsense_and_keep_what_was_typed(
    personas: Personas, field: str, typed: str, sentence: str
) -> None:
    data = GOOD | {"small_hours": "1"} | {field: typed}
    response = signed_in(personas.a.owner).post(reverse("planning:settings"), data)
    assert response.status_code == 400
    assert field_error(response, field) == sentence
    text = page_text(response)
    if field != "rush_policy":
        assert f'value="{typed}"' in text or field == "check_in_weekday"
    assert GOOD["rush_policy"] in text or field == "rush_policy"
    assert not PlanningPolicy.objects.exists()


def test_the_practice_settings_page_links_to_planning(personas: Personas) -> None:
    text = page_text(signed_in(personas.a.owner).get(reverse("core:practice-settings")))
    assert reverse("planning:settings") in text


def test_a_check_in_time_the_clocks_skip_for_a_client_is_refused(personas: Personas) -> None:
    """02:30 on Sundays does not exist once a year in Berlin (clocks go from 02:00 to 03:00)."""
    a = personas.a
    Client.objects.filter(pk=a.client1.pk).update(time_zone="Europe/Berlin")
    sunday = GOOD | {"small_hours": "1", "check_in_weekday": "6", "check_in_time": "02:30"}
    response = signed_in(a.owner).post(reverse("planning:settings"), sunday)
    assert response.status_code == 400
    sentence = field_error(response, "check_in_time")
    assert sentence.startswith("There is no 02:30 on Sunday ")
    assert "in Berlin time: the clocks go forward that night." in sentence
    assert 'value="02:30"' in page_text(response)
    # The same hour on a Monday always exists; so does 03:30 on a Sunday.
    for day, hour in (("0", "02:30"), ("6", "03:30")):
        data = sunday | {"check_in_weekday": day, "check_in_time": hour}
        assert signed_in(a.owner).post(reverse("planning:settings"), data).status_code == 302
