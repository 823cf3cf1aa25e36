"""The pages of repeating work, templates and checklists: what the practice does, what the
client sees, and what each page costs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.work import checklists, repeating, repeating_copies
from tandem.work.models import ChecklistItem, RepeatingRequest, RequestTemplate, Task
from tandem.work.services import create_task
from tests.conftest import Personas, PracticeWorld, page_text, signed_in

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def newsletter(world: PracticeWorld, *, steps: int = 0) -> Task:
    task = create_task(
        world.client1,
        actor=world.owner,
        title="Monthly newsletter",
        expectations="Sent to the list",
        deadline_at=datetime(2026, 12, 4, 17, tzinfo=UTC),
        assignee=world.assistant,
    )
    checklists.add_steps(task, actor=world.owner, steps=[f"Step {n}" for n in range(steps)])
    return task


def repeat_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Monthly newsletter",
        "request_markdown": "The usual",
        "expectations": "Sent to the list",
        "frequency": "monthly",
        "day_of_month": "1",
        "weekday": "",
        "starts_on": "2026-12-05",
        "due_time": "",
        "lead_days": "7",
        "assignee": "",
        "priority": "normal",
        "checklist": "Draft\nSend",
    }
    data.update(overrides)
    return data


# Making a request repeat ------------------------------------------------------------------------


def test_the_repeat_form_starts_from_the_request_and_previews_its_dates(personas: Personas) -> None:
    world = personas.a
    task = newsletter(world, steps=2)
    response = signed_in(world.assistant).get(reverse("work:repeat-task", args=[task.pk]))
    text = page_text(response)
    assert response.status_code == 200
    assert 'value="Monthly newsletter"' in text
    assert "Every month on the 4th, due 17:00 UTC" in text
    assert "Step 0\nStep 1" in text
    assert "Due Mon 4 Jan 2027, 17:00" in text


def test_making_a_request_repeat_links_it_and_lists_the_series(personas: Personas) -> None:
    world = personas.a
    task = newsletter(world)
    http = signed_in(world.owner)
    response = http.post(reverse("work:repeat-task", args=[task.pk]), repeat_data())
    assert response.status_code == 302
    series = RepeatingRequest.objects.get()
    assert response["Location"] == reverse("work:repeating-list", args=[world.client1.pk])
    task.refresh_from_db()
    assert task.series == series
    listing = page_text(http.get(response["Location"]))
    assert "Every month on the 1st, due 17:00 UTC; next copy made Fri 25 Dec for Fri 1 Jan" in (
        listing
    )
    # The client sees that it repeats on the request's page.
    client_view = page_text(
        signed_in(world.contact1).get(reverse("work:task-detail", args=[task.pk]))
    )
    assert "Repeats monthly" in client_view
    assert "Make this repeat" not in client_view
    assert "Pause, resume or end it" not in client_view


def test_preview_shows_the_dates_without_saving(personas: Personas) -> None:
    world = personas.a
    url = reverse("work:repeating-new", args=[world.client1.pk])
    data = repeat_data(frequency="weekly", weekday="0", day_of_month="") | {"preview": "1"}
    response = signed_in(world.owner).post(url, data)
    assert response.status_code == 200
    assert "Every week on Monday" in page_text(response)
    assert not RepeatingRequest.objects.exists()


def test_pause_resume_and_end_from_the_list(personas: Personas) -> None:
    world = personas.a
    http = signed_in(world.owner)
    http.post(reverse("work:repeating-new", args=[world.client1.pk]), repeat_data())
    series = RepeatingRequest.objects.get()
    change = reverse("work:repeating-change", args=[series.pk])
    assert http.post(change, {"to": "paused"}).status_code == 302
    refused = http.post(change, {"to": "paused"})
    assert refused.status_code == 400
    assert "already paused" in page_text(refused)
    assert http.post(change, {"to": "active"}).status_code == 302
    assert http.post(change, {"to": "ended"}).status_code == 302
    series.refresh_from_db()
    assert series.status == "ended"
    assert "Ended" in page_text(http.get(reverse("work:repeating-list", args=[world.client1.pk])))


def test_the_next_copy_appears_after_the_job_with_its_own_deadline(personas: Personas) -> None:
    world = personas.a
    signed_in(world.owner).post(
        reverse("work:repeat-task", args=[newsletter(world).pk]), repeat_data()
    )
    with time_machine.travel(datetime(2026, 12, 25, 18, tzinfo=UTC), tick=False):
        assert repeating_copies.make_due_copies() == 1
    copy = Task.objects.get(occurrence_on="2027-01-01")
    assert copy.deadline_at == datetime(2027, 1, 1, 17, tzinfo=UTC)
    assert copy.checklist_items.count() == 2


# Templates and checklists -----------------------------------------------------------------------


def test_templates_are_kept_and_used_for_a_new_request(personas: Personas) -> None:
    world = personas.a
    http = signed_in(world.assistant)
    response = http.post(
        reverse("work:template-create"),
        {
            "title": "Onboard a new hire",
            "expectations": "They can sign in everywhere",
            "request_markdown": "Accounts for **everything**",
            "checklist": "Laptop\nE-mail\n\n- Payroll",
            "client": "",
        },
    )
    assert response.status_code == 302
    template = RequestTemplate.objects.get()
    assert "Onboard a new hire" in page_text(http.get(reverse("work:template-list")))
    new = reverse("work:task-create", args=[world.client1.pk])
    form = page_text(http.get(f"{new}?template={template.pk}"))
    assert 'value="Onboard a new hire"' in form
    assert "Laptop\nE-mail\nPayroll" in form
    sent = http.post(
        f"{new}?template={template.pk}",
        {
            "title": "Onboard Sam",
            "expectations": "Sam can sign in",
            "deadline": "friday 5pm",
            "priority": "normal",
            "list-checklist": "Laptop\nE-mail\nPayroll",
        },
    )
    assert sent.status_code == 302, page_text(sent)
    task = Task.objects.get(title="Onboard Sam")
    assert [i.text for i in task.checklist_items.order_by("position")] == [
        "Laptop",
        "E-mail",
        "Payroll",
    ]


def test_contacts_are_offered_neither_templates_nor_checklists(personas: Personas) -> None:
    world = personas.a
    checklists.save_template(None, actor=world.owner, title="Secret", expectations="x")
    text = page_text(
        signed_in(world.contact1).get(reverse("work:task-create", args=[world.client1.pk]))
    )
    assert "Secret" not in text
    assert "Checklist" not in text


def test_an_unknown_template_is_said_beside_the_picker(personas: Personas) -> None:
    world = personas.a
    checklists.save_template(None, actor=world.owner, title="Mine", expectations="x")
    other = checklists.save_template(None, actor=personas.b.owner, title="Theirs", expectations="x")
    new = reverse("work:task-create", args=[world.client1.pk])
    text = page_text(signed_in(world.owner).get(f"{new}?template={other.pk}"))
    assert "That template is not one of yours" in text
    assert "Theirs" not in text


def test_the_practice_ticks_steps_and_the_client_sees_progress(personas: Personas) -> None:
    world = personas.a
    task = newsletter(world, steps=5)
    items = list(task.checklist_items.order_by("position"))
    http = signed_in(world.assistant)
    for item in items[:3]:
        url = reverse("work:checklist-tick", args=[task.pk, item.pk])
        assert http.post(url, {"done": "1"}).status_code == 302
    # htmx gets the checklist back.
    url = reverse("work:checklist-tick", args=[task.pk, items[2].pk])
    swapped = http.post(url, {"done": "0"}, HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200
    assert "2 of 5 steps done" in page_text(swapped)
    http.post(url, {"done": "1"})
    client_page = signed_in(world.contact1).get(reverse("work:task-detail", args=[task.pk]))
    text = page_text(client_page)
    assert "3 of 5 steps done" in text
    assert '<progress value="3" max="5"' in text
    assert "checklist-tick" not in text
    assert "/checklist/" not in text
    assert ChecklistItem.objects.filter(done_by=world.assistant).count() == 3


def test_contacts_cannot_tick_a_step(personas: Personas) -> None:
    world = personas.a
    task = newsletter(world, steps=1)
    item = task.checklist_items.get()
    url = reverse("work:checklist-tick", args=[task.pk, item.pk])
    assert signed_in(world.contact1).post(url, {"done": "1"}).status_code == 403
    item.refresh_from_db()
    assert item.done_at is None


def test_a_tick_without_its_value_is_refused_on_the_task_page(personas: Personas) -> None:
    world = personas.a
    task = newsletter(world, steps=1)
    item = task.checklist_items.get()
    url = reverse("work:checklist-tick", args=[task.pk, item.pk])
    http = signed_in(world.owner)
    response = http.post(url, {"done": "maybe"})
    assert response.status_code == 400
    assert "Say whether the step is done." in page_text(response)
    htmx = http.post(url, {}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 400
    assert "Say whether the step is done." in page_text(htmx)


def test_another_tasks_step_is_missing(personas: Personas) -> None:
    world = personas.a
    first, second = newsletter(world, steps=1), newsletter(world, steps=1)
    url = reverse("work:checklist-tick", args=[first.pk, second.checklist_items.get().pk])
    assert signed_in(world.owner).post(url, {"done": "1"}).status_code == 404


# What the pages cost ----------------------------------------------------------------------------


def _count(http, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["owner", "assistant", "contact1"])
def test_the_task_page_costs_the_same_whatever_the_checklist(
    personas: Personas, persona: str
) -> None:
    world = personas.a
    small, large = newsletter(world, steps=1), newsletter(world, steps=25)
    for task in (small, large):
        repeating.start_series(
            world.client1,
            actor=world.owner,
            title="N",
            expectations="x",
            frequency="weekly",
            weekday=1,
            starts_on=timezone.now().date() + timedelta(days=5),
            source_task=task,
        )
    http = signed_in(world.persona(persona))
    urls = [reverse("work:task-detail", args=[task.pk]) for task in (small, large)]
    assert _count(http, urls[0]) == _count(http, urls[1])


def _series(world: PracticeWorld, count: int) -> None:
    for number in range(count):
        repeating.start_series(
            world.client1,
            actor=world.owner,
            title=f"Report {number}",
            expectations="x",
            frequency="quarterly",
            day_of_month=-1,
            starts_on=timezone.now().date(),
            assignee=world.assistant,
            checklist="a\nb",
        )
        checklists.save_template(
            None, actor=world.owner, title=f"T{number}", expectations="x", client=world.client1
        )


@pytest.mark.parametrize("persona", ["owner", "assistant"])
def test_the_lists_cost_the_same_at_two_sizes(personas: Personas, persona: str) -> None:
    world = personas.a
    http = signed_in(world.persona(persona))
    pages = [
        reverse("work:repeating-list", args=[world.client1.pk]),
        reverse("work:template-list"),
        reverse("work:task-create", args=[world.client1.pk]),
    ]
    _series(world, 2)
    before = [_count(http, url) for url in pages]
    _series(world, 20)
    assert [_count(http, url) for url in pages] == before


def test_the_demo_has_repeating_work_and_a_template_with_a_checklist(db) -> None:
    from tandem.demo import loader as demo

    assert demo.load()
    series = RepeatingRequest.objects.get(title="Monthly newsletter")
    assert series.copies.get().title == "December newsletter"
    assert series.next_occurrence_on.day == 1
    template = RequestTemplate.objects.get()
    assert len(template.checklist_steps) == 4
    newsletter = series.copies.get()
    assert newsletter.checklist_items.filter(done_at__isnull=False).count() == 2
