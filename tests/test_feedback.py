"""Praise and feedback (issue 13): the client thanks and rates accepted work, may let the
practice quote the thank-you (and withdraw it); the owner reads feedback per assistant and
per client, an assistant their own; it feeds the track record."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.trust.selectors_feedback import feedback_summary
from tandem.trust.track_record import track_record
from tandem.work.deliveries import deliver_task
from tandem.work.models import Review, Task, TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, field_error, page_text, signed_in

pytestmark = pytest.mark.django_db


def delivered(world: PracticeWorld, title: str = "Tidy the list", client: int = 1) -> Task:
    contact = world.contact1 if client == 1 else world.contact2
    task = create_task(
        getattr(world, f"client{client}"),
        actor=contact,
        title=title,
        expectations="Clean",
        deadline_at=timezone.now() + timedelta(days=2),
        assignee=world.assistant if client == 1 else None,
    )
    worker = world.assistant if client == 1 else world.owner
    move_task(task, to=TaskStatus.ACCEPTED, actor=worker)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=worker)
    deliver_task(task, actor=worker, message="Done")
    return task


def test_the_client_accepts_with_thanks_a_rating_and_consent(personas: Personas) -> None:
    world = personas.a
    task = delivered(world)
    response = signed_in(world.contact1).post(
        f"/tasks/{task.pk}/move/",
        {"to": "done", "note": "Lovely work, thank you!", "rating": "5", "may_quote": "on"},
    )
    assert response.status_code == 302
    review = Review.objects.get(task=task)
    assert (review.rating, review.thanks, review.assignee) == (
        5,
        "Lovely work, thank you!",
        world.assistant,
    )
    assert review.may_quote
    summary = feedback_summary(world.client1.pk)
    assert (summary.thanks, summary.ratings, summary.average) == (1, 1, Decimal("5.0"))
    record = track_record(world.client1, viewer=world.contact1)
    assert (record.thanks, record.average_rating) == (1, Decimal("5.0"))


def test_a_one_click_accept_writes_no_review(personas: Personas) -> None:
    task = delivered(personas.a)
    move_task(task, to=TaskStatus.DONE, actor=personas.a.contact1)
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"rating": "6"}, "rating", "from 1 to 5"),
        ({"rating": "0"}, "rating", "from 1 to 5"),
        ({"rating": "abc"}, "rating", "from 1 to 5"),
        ({"may_quote": "on", "note": ""}, "may_quote", "Write the thank-you"),
    ],
)
def test_a_bad_rating_or_consent_without_thanks_is_refused_and_kept(
    personas: Personas, data: dict[str, str], field: str, message: str
) -> None:
    world = personas.a
    task = delivered(world)
    form = {"to": "done", "note": "Thanks"} | data
    response = signed_in(world.contact1).post(f"/tasks/{task.pk}/move/", form)
    assert response.status_code == 400
    assert message in field_error(response, f"done_{field}") or message in page_text(response)
    task.refresh_from_db()
    assert task.status == TaskStatus.DELIVERED
    assert not Review.objects.exists()
    if form["note"]:
        assert "Thanks" in response.content.decode()


def test_a_rating_without_accepting_is_refused(personas: Personas) -> None:
    world = personas.a
    task = delivered(world)
    with pytest.raises(DomainError, match="goes with accepting"):
        move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.contact1, note="More", rating=3)


def test_the_owner_reads_feedback_per_assistant_and_client_and_an_assistant_their_own(
    personas: Personas,
) -> None:
    world = personas.a
    first = delivered(world, "First")
    move_task(first, to=TaskStatus.DONE, actor=world.contact1, note="Great", rating=4)
    other = delivered(world, "Other client", client=2)
    move_task(other, to=TaskStatus.DONE, actor=world.contact2, note="Fine", rating=3)
    owner = page_text(signed_in(world.owner).get("/feedback/"))
    assert "Per assistant" in owner
    assert "Client A1" in owner
    assert "Client A2" in owner
    mine = signed_in(world.assistant).get("/feedback/")
    assert [r.task_id for r in mine.context["page"].recent] == [first.pk]
    filtered = signed_in(world.owner).get(f"/feedback/?client={world.client2.pk}")
    assert [r.task_id for r in filtered.context["page"].recent] == [other.pk]
    # Another practice reads none of it.
    assert signed_in(personas.b.owner).get("/feedback/").context["page"].recent == []


def test_the_client_withdraws_consent_to_quote(personas: Personas) -> None:
    world = personas.a
    task = delivered(world)
    move_task(task, to=TaskStatus.DONE, actor=world.contact1, note="Great", may_quote=True)
    review = Review.objects.get()
    http = signed_in(world.contact1)
    assert "You allowed the practice to quote this." in page_text(http.get("/portal/feedback/"))
    assert (
        signed_in(world.contact2).post(f"/portal/feedback/{review.pk}/withdraw/").status_code == 404
    )
    assert (
        signed_in(world.assistant).post(f"/portal/feedback/{review.pk}/withdraw/").status_code
        == 403
    )
    assert http.post(f"/portal/feedback/{review.pk}/withdraw/").status_code == 302
    review.refresh_from_db()
    assert not review.may_quote


@pytest.mark.parametrize("rows", [1, 8])
def test_the_feedback_page_costs_the_same_whatever_the_feedback(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    world = personas.a
    for number in range(rows):
        task = delivered(world, f"Task {number}")
        move_task(
            task, to=TaskStatus.DONE, actor=world.contact1, note="Thanks", rating=1 + number % 5
        )
    http = signed_in(world.owner)
    # 1-2. session, the user with their membership; 3. the recent reviews with their tasks, clients
    # and people; 4. per assistant; 5. per client; 6. the ratings' spread; 7. the clients to filter
    # by
    with django_assert_num_queries(7):
        response = http.get("/feedback/")
    assert len(response.context["page"].recent) == rows
