import pytest
from django.test import Client as HttpClient

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.demo import loader as demo


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "path"),
    [
        ("owner@demo.example.com", "/dashboard/"),
        ("owner@demo.example.com", "/clients/"),
        ("owner@demo.example.com", "/people/"),
        ("owner@demo.example.com", "/audit/"),
        ("owner@demo.example.com", "/settings/practice/"),
        ("ada@demo.example.com", "/clients/"),
        ("chloe@bloom.example.com", "/portal/"),
        ("chloe@bloom.example.com", "/profile/"),
    ],
)
def test_demo_people_reach_their_pages(email: str, path: str) -> None:
    demo.load()
    http = HttpClient()
    response = http.post("/accounts/login/", {"login": email, "password": demo.PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert http.get(path).status_code == 200


@pytest.mark.django_db
def test_demo_contact_sees_the_requests_of_their_business_in_the_portal() -> None:
    demo.load()
    http = HttpClient()
    http.post("/accounts/login/", {"login": "chloe@bloom.example.com", "password": demo.PASSWORD})
    page = http.get("/portal/").content.decode()
    assert "December newsletter" in page
    assert "Tidy the client contact list" not in page  # Harbour Legal's, not Bloom's


@pytest.mark.django_db
def test_demo_has_requests_in_every_state_and_one_overdue() -> None:
    from django.utils import timezone

    from tandem.work.models import Task, TaskStatus

    demo.load()
    assert set(Task.objects.values_list("status", flat=True)) == set(TaskStatus.values)
    assert Task.objects.open().filter(deadline_at__lt=timezone.now()).count() == 1


@pytest.mark.django_db
def test_demo_has_a_contact_in_another_zone_than_the_practice_and_clients_with_details() -> None:
    demo.load()
    marcus = User.objects.get(email="marcus@summit.example.com")
    assert (marcus.time_zone, marcus.membership.practice.time_zone) == (
        "America/New_York",
        "Europe/London",
    )
    summit = Client.objects.select_related("main_contact__user").get(name="Summit Coaching")
    assert summit.phone_href == "tel:+12125550148"
    assert summit.website == "https://summit.example.com"
    assert summit.main_contact is not None
    assert summit.main_contact.user == marcus


@pytest.mark.django_db
def test_demo_has_something_a_client_owes_past_its_date() -> None:
    from tests.reactions import react_now

    demo.load()
    react_now()  # the waiting request's item, as the demo's worker makes it
    for email, text in (
        ("ada@demo.example.com", "Still waiting on the client"),
        ("chloe@bloom.example.com", "Photos of this year&#x27;s wreaths"),
    ):
        http = HttpClient()
        http.post("/accounts/login/", {"login": email, "password": demo.PASSWORD})
        page = http.get("/dashboard/" if email.startswith("ada") else "/portal/")
        assert text in page.content.decode()


@pytest.mark.django_db
def test_demo_plans_with_working_hours_time_off_and_a_rush_policy() -> None:
    from tandem.planning.models import TimeOff, WorkingWeek
    from tandem.planning.models_policy import planning_policy

    demo.load()
    ada = User.objects.get(email="ada@demo.example.com")
    week = WorkingWeek.objects.get(person=ada)
    assert week.kept_free_percent == 20
    assert TimeOff.objects.filter(person=ada).count() == 2
    assert TimeOff.objects.filter(person__email="ben@demo.example.com").count() == 1
    policy = planning_policy(ada.membership.practice_id)
    assert policy.pk is not None
    assert "half as much again" in policy.rush_policy
    http = HttpClient()
    http.post("/accounts/login/", {"login": ada.email, "password": demo.PASSWORD})
    page = http.get("/planning/working-time/").content.decode()
    assert "Dentist" in page
    assert "Moving house" in page
    from tandem.work.models import Task

    short = Task.objects.get(title="Window poster for the Christmas market")
    assert short.is_short_notice


@pytest.mark.django_db
def test_demo_has_a_client_in_each_phase_and_a_request_waiting_for_the_go_ahead() -> None:
    from tandem.delegation.models import PhaseChange, StandingGoAhead
    from tandem.work.go_aheads import BEFORE_WORK
    from tandem.work.models import Task
    from tests.conftest import signed_in

    demo.load()
    phases = dict(Client.objects.values_list("name", "phase"))
    assert sorted(phases.values()) == [1, 2, 3]
    assert PhaseChange.objects.filter(client__name="Bloom Florist", to_phase=2).exists()
    assert StandingGoAhead.objects.in_force().exists()
    waiting = Task.objects.filter(
        client__name="Harbour Legal", status__in=BEFORE_WORK, go_ahead_at__isnull=True,
        kind__phase=3,
    )  # fmt: skip
    assert waiting.exists()
    portal = signed_in(User.objects.get(email="priya@harbour.example.com")).get("/portal/")
    assert "Waiting for your go-ahead" in portal.content.decode()


@pytest.mark.django_db
def test_demo_has_praise_with_a_rating_and_consent_to_quote() -> None:
    from tandem.work.models import Review

    demo.load()
    review = Review.objects.get(task__title="Reorder business cards")
    assert (review.rating, review.may_quote, review.thanks) == (
        5,
        True,
        "Thank you, they look lovely!",
    )


@pytest.mark.django_db
def test_demo_has_an_open_postmortem_with_one_action_done_and_one_open() -> None:
    from tandem.trust.models_postmortems import Postmortem
    from tandem.trust.selectors_postmortems import open_action_count
    from tests.conftest import signed_in

    demo.load()
    postmortem = Postmortem.objects.get(client__name="Harbour Legal")
    assert not postmortem.is_closed
    assert postmortem.actions.count() == 2
    assert open_action_count(postmortem.client_id) == 1
    priya = signed_in(User.objects.get(email="priya@harbour.example.com"))
    page = priya.get(f"/postmortems/{postmortem.pk}/")
    assert page.status_code == 200
    assert "Label confidential notes before they are sent" in page.content.decode()


@pytest.mark.django_db
def test_demo_has_a_referral_list_and_a_referred_request() -> None:
    from tandem.trust.models_way_out import Referral, WayOut

    demo.load()
    assert Referral.objects.count() == 2
    referred = WayOut.objects.get(task__title="Redesign the website")
    assert referred.referral is not None
    assert referred.referral.name == "Wendy Webb Design"
    assert referred.task.status == "declined"
