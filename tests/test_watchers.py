"""Who hears about a request: watching, stopping, keeping someone else informed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.work.models import Task, Watcher
from tandem.work.selectors import task_audience
from tandem.work.services import create_task, remove_watcher
from tests.conftest import Personas, PracticeWorld, page_text, signed_in

HTMX = {"HX-Request": "true"}


def a_request(world: PracticeWorld) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title="Book the venue",
        expectations="A signed booking",
        deadline_at=timezone.now() + timedelta(days=3),
    )


def watching(task: Task) -> set[str]:
    return set(Watcher.objects.filter(task=task).values_list("user__email", flat=True))


@pytest.mark.django_db
def test_the_panel_lists_watchers_and_offers_only_people_who_can_see_the_task(
    personas: Personas,
) -> None:
    own = personas.a
    task = a_request(own)
    page = signed_in(own.assistant).get(reverse("work:watchers", args=[task.pk]))
    text = page_text(page)
    assert own.contact1.display_name in text  # the writer watches
    options = page.content.decode()
    assert f'value="{own.owner.pk}"' in options
    for outsider in (own.contact2, own.unassigned, personas.b.owner, personas.b.contact1):
        assert f'value="{outsider.pk}"' not in options


@pytest.mark.django_db
def test_an_assistant_watches_and_stops_watching_in_place(personas: Personas) -> None:
    own = personas.a
    task = a_request(own)
    http = signed_in(own.assistant)
    response = http.post(reverse("work:watcher-add", args=[task.pk]), {"user": "me"}, headers=HTMX)
    assert response.status_code == 200
    assert "Stop watching" in response.content.decode()
    assert own.assistant.email in watching(task)
    response = http.post(
        reverse("work:watcher-remove", args=[task.pk]), {"user": "me"}, headers=HTMX
    )
    assert response.status_code == 200
    assert own.assistant.email not in watching(task)


@pytest.mark.django_db
def test_a_contact_keeps_the_owner_informed_without_javascript(personas: Personas) -> None:
    own = personas.a
    task = a_request(own)
    response = signed_in(own.contact1).post(
        reverse("work:watcher-add", args=[task.pk]), {"user": own.owner.pk}
    )
    assert response.status_code == 302
    assert own.owner.email in watching(task)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["contact2", "unassigned", "other_owner", "nonsense", "huge"])
def test_someone_who_cannot_see_the_task_cannot_be_added(personas: Personas, who: str) -> None:
    own = personas.a
    task = a_request(own)
    value = {
        "contact2": str(own.contact2.pk),
        "unassigned": str(own.unassigned.pk),
        "other_owner": str(personas.b.owner.pk),
        "nonsense": "../1",
        "huge": "9" * 40,
    }[who]
    response = signed_in(own.assistant).post(
        reverse("work:watcher-add", args=[task.pk]), {"user": value}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Pick someone from the list" in page_text(response)
    assert watching(task) == {own.contact1.email}


@pytest.mark.django_db
def test_a_contact_cannot_take_someone_else_off_but_the_practice_can(personas: Personas) -> None:
    own = personas.a
    task = a_request(own)
    Watcher.objects.create(practice=own.practice, task=task, user=own.assistant)
    response = signed_in(own.contact1).post(
        reverse("work:watcher-remove", args=[task.pk]), {"user": own.assistant.pk}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Only" in page_text(response)
    assert own.assistant.email in watching(task)
    response = signed_in(own.owner).post(
        reverse("work:watcher-remove", args=[task.pk]), {"user": own.assistant.pk}
    )
    assert response.status_code == 302
    assert own.assistant.email not in watching(task)


@pytest.mark.django_db
def test_removing_a_watcher_of_an_unseen_task_is_refused_by_the_service(
    personas: Personas,
) -> None:
    own = personas.a
    task = a_request(own)
    with pytest.raises(DomainError):
        remove_watcher(task, actor=own.contact2, user=own.contact1)
    assert own.contact1.email in watching(task)


@pytest.mark.django_db
def test_the_audience_is_the_people_the_task_page_opens_for(personas: Personas) -> None:
    own = personas.a
    task = a_request(own)
    emails = set(task_audience(task).values_list("email", flat=True))
    assert emails == {own.owner.email, own.assistant.email, own.contact1.email}
    own.client1.archived_at = timezone.now()
    own.client1.save(update_fields=["archived_at"])
    task.client.refresh_from_db()
    assert set(task_audience(task).values_list("email", flat=True)) == {own.owner.email}


@pytest.mark.django_db
@pytest.mark.parametrize("extra_watchers", [0, 30])
def test_the_panel_reads_a_fixed_number_of_queries(personas: Personas, extra_watchers: int) -> None:
    own = personas.a
    task = a_request(own)
    from tandem.accounts.models import User
    from tandem.clients.models import ClientContact
    from tandem.core.models import Membership
    from tandem.core.roles import Role

    for i in range(extra_watchers):
        user = User.objects.create_user(f"colleague{i}@a.example", "x", name=f"Colleague {i}")
        Membership.objects.create(practice=own.practice, user=user, role=Role.CONTACT)
        ClientContact.objects.create(practice=own.practice, client=own.client1, user=user)
        Watcher.objects.create(practice=own.practice, task=task, user=user)
    http = signed_in(own.assistant)
    url = reverse("work:watchers", args=[task.pk])
    http.get(url, headers=HTMX)
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url, headers=HTMX).status_code == 200
    assert len(queries) == EXPECTED_PANEL_QUERIES, "\n".join(q["sql"][:60] for q in queries)


# Session, the user with their membership (middleware), the task, its watchers, its audience.
EXPECTED_PANEL_QUERIES = 5


@pytest.mark.django_db
def test_an_assistant_who_accepts_an_unassigned_request_takes_it_on(personas: Personas) -> None:
    from tandem.work.services import move_task

    own = personas.a
    task = a_request(own)
    move_task(task, to="accepted", actor=own.assistant)
    task.refresh_from_db()
    assert task.assignee == own.assistant
    assert own.assistant.email in watching(task)
    kinds = list(task.events.order_by("id").values_list("kind", "note"))
    assert kinds[-1] == ("assigned", own.assistant.display_name)


@pytest.mark.django_db
def test_an_owner_who_accepts_leaves_the_assignee_open(personas: Personas) -> None:
    from tandem.work.services import move_task

    own = personas.a
    task = a_request(own)
    move_task(task, to="accepted", actor=own.owner)
    task.refresh_from_db()
    assert task.assignee is None
