"""Postmortems (issue 13): "When something went wrong, either side opens a postmortem on a
request or project: what happened, impact, cause, what changes. It is blameless by its
template, both sides write in it (each entry signed and timed), its action items become
requests or practice tasks with owners and deadlines, and it stays visible to the client
until its actions are done and both sides close it."
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.trust import postmortems as services
from tandem.trust.models_postmortems import (
    Postmortem,
    PostmortemAction,
    PostmortemEntry,
    PostmortemEvent,
)
from tandem.trust.selectors_postmortems import open_action_count
from tandem.trust.track_record import track_record
from tandem.work.models import Task, TaskEvent, TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, field_error, page_text, signed_in

pytestmark = pytest.mark.django_db


def opened(world: PracticeWorld, *, by: str = "contact1", task: Task | None = None) -> Postmortem:
    return services.open_postmortem(
        world.client1,
        actor=world.persona(by),
        title="Newsletter went to the wrong list",
        sections={"what_happened": "It went to last year's list.", "impact": "200 old customers"},
        task=task,
    )


def soon() -> datetime:
    return timezone.now() + timedelta(days=5)


def action(world: PracticeWorld, postmortem: Postmortem, *, owner: str) -> PostmortemAction:
    return services.add_action(
        postmortem,
        actor=world.owner,
        description="Check the list before every send",
        owner=world.persona(owner),
        deadline_at=soon(),
    )


# Opening and writing ------------------------------------------------------------------------


def test_the_client_opens_a_postmortem_on_a_request_from_its_page(personas: Personas) -> None:
    world = personas.a
    task = create_task(
        world.client1,
        actor=world.contact1,
        title="Spring newsletter",
        expectations="Sent",
        deadline_at=soon(),
    )
    http = signed_in(world.contact1)
    page = http.get(reverse("work:task-detail", args=[task.pk]))
    new_url = f"{reverse('trust:postmortem-new', args=[world.client1.pk])}?task={task.pk}"
    assert new_url in page_text(page)
    form = http.get(new_url)
    assert "Describe what the process allowed, not who erred" in page_text(form)
    response = http.post(
        new_url,
        {"title": "Sent to the wrong list", "what_happened": "It went out to last year's list."},
    )
    postmortem = Postmortem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("trust:postmortem", args=[postmortem.pk])
    assert postmortem.task == task
    entry = PostmortemEntry.objects.get()
    assert (entry.author, entry.side, entry.section) == (world.contact1, "client", "what_happened")
    assert PostmortemEvent.objects.filter(kind="opened").count() == 1


def test_both_sides_write_and_each_entry_is_signed_and_timed(personas: Personas) -> None:
    world = personas.a
    postmortem = opened(world)
    url = reverse("trust:postmortem-entry", args=[postmortem.pk])
    signed_in(world.assistant).post(
        url, {"section": "cause", "body": "The list was picked by hand."}
    )
    signed_in(world.contact1).post(url, {"section": "cause", "body": "We renamed the lists."})
    entries = list(PostmortemEntry.objects.filter(section="cause").order_by("created_at", "pk"))
    assert [(e.author, e.side) for e in entries] == [
        (world.assistant, "practice"),
        (world.contact1, "client"),
    ]
    text = page_text(
        signed_in(world.contact1).get(reverse("trust:postmortem", args=[postmortem.pk]))
    )
    assert "The list was picked by hand." in text
    assert "We renamed the lists." in text
    assert world.assistant.display_name in text
    assert "Practice" in text


def test_someone_who_does_not_reach_the_client_cannot_write(personas: Personas) -> None:
    postmortem = opened(personas.a)
    with pytest.raises(DomainError):
        services.add_entry(postmortem, actor=personas.a.contact2, section="cause", body="Hm")
    with pytest.raises(DomainError):
        services.add_entry(postmortem, actor=personas.b.owner, section="cause", body="Hm")


# Action items -------------------------------------------------------------------------------


def test_an_action_owned_by_an_assistant_becomes_a_request_assigned_to_them(
    personas: Personas,
) -> None:
    world = personas.a
    postmortem = opened(world)
    http = signed_in(world.owner)
    response = http.post(
        reverse("trust:postmortem-action", args=[postmortem.pk]),
        {
            "description": "Check the list before every send",
            "owner": world.assistant.pk,
            "deadline": "in 3 days",
        },
    )
    assert response.status_code == 302
    item = PostmortemAction.objects.select_related("task").get()
    assert (item.task.client, item.task.assignee) == (world.client1, world.assistant)
    assert item.task.deadline_at is not None
    assert item.task.deadline_at > timezone.now()
    note = TaskEvent.objects.filter(task=item.task, kind=TaskEvent.Kind.CREATED).get().note
    assert "Newsletter went to the wrong list" in note
    # The assistant and the client see the request; the other client's contact does not.
    assert Task.objects.visible_to(world.assistant).filter(pk=item.task_id).exists()
    assert Task.objects.visible_to(world.contact1).filter(pk=item.task_id).exists()
    assert not Task.objects.visible_to(world.contact2).filter(pk=item.task_id).exists()


def test_an_action_owned_by_the_client_is_a_request_they_watch(personas: Personas) -> None:
    world = personas.a
    item = action(world, opened(world), owner="contact1")
    assert item.task.assignee is None
    assert item.task.watchers.filter(user=world.contact1).exists()


def test_only_the_practice_adds_actions_and_only_for_people_of_the_client(
    personas: Personas,
) -> None:
    world = personas.a
    postmortem = opened(world)
    with pytest.raises(DomainError, match="Only the practice"):
        services.add_action(
            postmortem,
            actor=world.contact1,
            description="Check the list",
            owner=world.contact1,
            deadline_at=soon(),
        )
    with pytest.raises(DomainError, match="neither works on"):
        action(world, postmortem, owner="contact2")
    assert not Task.objects.exists()


def test_the_track_record_counts_actions_until_their_requests_are_done(
    personas: Personas,
) -> None:
    world = personas.a
    postmortem = opened(world)
    first = action(world, postmortem, owner="assistant")
    action(world, postmortem, owner="contact1")
    assert open_action_count(world.client1.pk) == 2
    move_task(first.task, to=TaskStatus.CANCELLED, actor=world.owner, note="Done another way")
    assert open_action_count(world.client1.pk) == 1
    assert track_record(world.client1, viewer=world.contact1).open_actions == 1
    assert open_action_count(world.client2.pk) == 0


# Closing ------------------------------------------------------------------------------------


def test_closing_needs_both_sides_and_every_action_done(personas: Personas) -> None:
    world = personas.a
    postmortem = opened(world)
    item = action(world, postmortem, owner="assistant")
    with pytest.raises(DomainError, match="1 action item is still open: “Check the list"):
        services.close_side(postmortem, actor=world.contact1)
    move_task(item.task, to=TaskStatus.CANCELLED, actor=world.owner, note="Done another way")
    half = services.close_side(postmortem, actor=world.contact1)
    assert not half.is_closed
    assert half.client_closed_by == world.contact1
    assert services.still_to_close(half) == "It closes when the practice closes their side."
    with pytest.raises(DomainError, match="already closed"):
        services.close_side(half, actor=world.contact1)
    closed = services.close_side(half, actor=world.assistant)
    assert closed.is_closed
    with pytest.raises(DomainError, match="closed"):
        services.add_entry(closed, actor=world.owner, section="cause", body="One more thing")


def test_a_new_action_reopens_a_side_already_closed(personas: Personas) -> None:
    world = personas.a
    postmortem = services.close_side(opened(world), actor=world.contact1)
    action(world, postmortem, owner="assistant")
    postmortem.refresh_from_db()
    assert postmortem.client_closed_at is None


def test_a_refused_close_is_said_on_the_page(personas: Personas) -> None:
    world = personas.a
    postmortem = opened(world)
    action(world, postmortem, owner="assistant")
    http = signed_in(world.contact1)
    response = http.post(reverse("trust:postmortem-close", args=[postmortem.pk]), follow=True)
    assert "1 action item is still open" in page_text(response)


def test_the_client_still_sees_it_in_the_list_once_closed(personas: Personas) -> None:
    world = personas.a
    postmortem = opened(world)
    services.close_side(postmortem, actor=world.contact1)
    services.close_side(postmortem, actor=world.owner)
    response = signed_in(world.contact1).get(reverse("trust:postmortems", args=[world.client1.pk]))
    assert response.context["closed"] == [postmortem]
    assert "Newsletter went to the wrong list" in page_text(response)
    other = signed_in(world.contact2).get(reverse("trust:postmortems", args=[world.client1.pk]))
    assert other.status_code == 404


# Refused input ------------------------------------------------------------------------------


def test_an_action_without_owner_or_deadline_is_refused_with_what_was_typed_kept(
    personas: Personas,
) -> None:
    world = personas.a
    postmortem = opened(world)
    response = signed_in(world.owner).post(
        reverse("trust:postmortem-action", args=[postmortem.pk]),
        {"description": "Check the list before every send", "owner": "", "deadline": ""},
    )
    assert response.status_code == 400
    assert field_error(response, "owner") == services.OWNER_MISSING
    assert services.DEADLINE_MISSING in page_text(response)
    assert 'value="Check the list before every send"' in page_text(response)
    assert not PostmortemAction.objects.exists()


def test_a_vague_deadline_is_refused_with_choices(personas: Personas) -> None:
    world = personas.a
    postmortem = opened(world)
    response = signed_in(world.owner).post(
        reverse("trust:postmortem-action", args=[postmortem.pk]),
        {"description": "Check the list", "owner": world.assistant.pk, "deadline": "soonish"},
    )
    assert response.status_code == 400
    assert 'value="soonish"' in page_text(response)


def test_an_empty_entry_is_refused_with_the_section_kept(personas: Personas) -> None:
    world = personas.a
    postmortem = opened(world)
    response = signed_in(world.contact1).post(
        reverse("trust:postmortem-entry", args=[postmortem.pk]), {"section": "impact", "body": "  "}
    )
    assert response.status_code == 400
    assert field_error(response, "body") == services.ENTRY_EMPTY
    assert '<option value="impact" selected>' in page_text(response)
    assert PostmortemEntry.objects.count() == 2


def test_an_empty_template_is_refused_with_the_title_kept(personas: Personas) -> None:
    world = personas.a
    response = signed_in(world.assistant).post(
        reverse("trust:postmortem-new", args=[world.client1.pk]),
        {"title": "Wrong list", "what_happened": "", "cause": "Lists share names"},
    )
    assert response.status_code == 400
    assert field_error(response, "what_happened") == services.OPENING_EMPTY
    assert 'value="Wrong list"' in page_text(response)
    assert "Lists share names" in page_text(response)
    assert not Postmortem.objects.exists()


# Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_the_list_and_the_page_cost_the_same_whatever_their_size(
    personas: Personas, size: int, django_assert_num_queries
) -> None:
    world = personas.a
    postmortem = opened(world)
    for i in range(size):
        opened(world, by="assistant")
        services.add_entry(postmortem, actor=world.assistant, section="cause", body=f"Step {i}")
        action(world, postmortem, owner="assistant" if i % 2 else "contact1")
    http = signed_in(world.owner)
    # 1-2. session, the user with their membership; 3. the client; 4. its postmortems with their
    # counts.
    with django_assert_num_queries(4):
        http.get(reverse("trust:postmortems", args=[world.client1.pk]))
    # 1-2. as above; 3. the postmortem; 4. its entries; 5. its actions with their requests;
    # 6-7. the owners to choose from (the client's workers, its contacts).
    with django_assert_num_queries(7):
        response = http.get(reverse("trust:postmortem", args=[postmortem.pk]))
    assert len(response.context["page"].actions) == size
