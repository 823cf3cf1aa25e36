"""Every id a client sends, made hostile: huge, negative, zero, not a whole number.

Each form and endpoint that takes an id (in a posted field, a GET filter or the URL) gets
each hostile value as a signed-in owner or contact, and must answer with what to fix (400
and the form again), a 404 for an object id in the URL, or the filter refused or ignored
clearly: never a 500. SQLite raises OverflowError for an integer past 2**63 - 1 and
PostgreSQL refuses it differently, so this module runs on both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tandem.notify.models import Notification
from tandem.work.attachments import store_attachment
from tandem.work.models import Attachment, Task
from tandem.work.services import create_task
from tandem.work.services_projects import start_project
from tests.conftest import Personas, PracticeWorld, page_text, signed_in
from tests.reactions import react_now

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
HOSTILE = [HUGE, str(2**63), "-1", "0", "abc", "1.5", "1e3", " 7 ", "١٢", "²"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    """Practice A's objects every case needs, made once per test."""

    a: PracticeWorld
    task: Task
    project_id: int
    attachment: Attachment
    notification: Notification
    upload: Attachment

    def owner(self) -> HttpClient:
        return signed_in(self.a.owner)

    def contact(self) -> HttpClient:
        return signed_in(self.a.contact1)


@pytest.fixture
def world(personas: Personas) -> World:
    a = personas.a
    task = create_task(
        a.client1,
        actor=a.contact1,
        title="Book the venue",
        expectations="A signed booking",
        deadline_at=timezone.now() + timedelta(days=3),
        assignee=a.assistant,
    )
    project = start_project(a.client1, actor=a.owner, title="Spring launch")
    pdf = b"%PDF-1.4\n%%EOF\n"
    attachment = store_attachment(
        client=a.client1, uploaded_by=a.contact1, name="brief.pdf", content=pdf, task=task
    )
    upload = store_attachment(client=a.client1, uploaded_by=a.owner, name="u.pdf", content=pdf)
    react_now()  # the assistant's notification of the new request
    return World(
        a=a,
        task=task,
        project_id=project.pk,
        attachment=attachment,
        notification=Notification.objects.filter(recipient=a.assistant).first(),  # type: ignore[arg-type]
        upload=upload,
    )


# Posted fields and GET filters ---------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World], str]
    # The hostile value goes into ``field``; the rest of the form is filled in validly.
    field: str
    # What the page must say when it refuses (400): the sentence saying what to fix.
    says: str = ""
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    as_contact: bool = False
    # Anything else allowed: the page with the filter ignored (200), or a redirect (302).
    allowed: tuple[int, ...] = (400,)


def request_form(w: World) -> dict[str, Any]:
    return {
        "title": "Order ribbon",
        "expectations": "Ribbon in the shop",
        "deadline": "in 3 days",
        "priority": "normal",
    }


def new_request(w: World) -> str:
    return reverse("work:task-create", args=[w.a.client1.pk])


def requests(w: World) -> str:
    return reverse("work:request-list")


UPLOAD = "add it again"
CASES = [
    Case("new request: upload", "POST", new_request, "upload", UPLOAD, request_form),
    Case(
        "new request: upload, as the contact",
        "POST",
        new_request,
        "upload",
        UPLOAD,
        request_form,
        as_contact=True,
    ),
    Case(
        "new request: project",
        "POST",
        new_request,
        "project",
        "Pick one of this client's active projects, or none.",
        request_form,
    ),
    Case(
        "new request: assignee",
        "POST",
        new_request,
        "assignee",
        "Pick an assistant assigned to this client.",
        request_form,
    ),
    # Only preselects a project in the form; a value that is not one preselects nothing.
    Case("new request form: ?project=", "GET", new_request, "project", allowed=(200,)),
    Case(
        "comment: upload",
        "POST",
        lambda w: reverse("work:task-comment", args=[w.task.pk]),
        "upload",
        UPLOAD,
        lambda w: {"body_markdown": "Here you are."},
    ),
    # The task is a new request: an id that reads as one (" 7 ") passes the form and the
    # delivery is refused for the task's status instead, so any sentence will do: a 400,
    # never a 500.
    Case(
        "deliver: upload",
        "POST",
        lambda w: reverse("work:task-deliver", args=[w.task.pk]),
        "upload",
        "",
        lambda w: {"message": "Here you are."},
    ),
    Case(
        "add files: upload",
        "POST",
        lambda w: reverse("work:attachment-add", args=[w.task.pk]),
        "upload",
        UPLOAD,
    ),
    Case(
        "watch: user",
        "POST",
        lambda w: reverse("work:watcher-add", args=[w.task.pk]),
        "user",
        "Pick someone from the list: people who can see this request.",
    ),
    Case(
        "stop watching: user",
        "POST",
        lambda w: reverse("work:watcher-remove", args=[w.task.pk]),
        "user",
        "That person is not watching this request.",
    ),
    Case(
        "assign an assistant: assistant",
        "POST",
        lambda w: reverse("home:client-assign", args=[w.a.client2.pk]),
        "assistant",
        "Pick someone from the list",
    ),
    Case(
        "requests: ?client=",
        "GET",
        requests,
        "client",
        "That client is not in the list; choose one from the list or clear it.",
    ),
    Case(
        "requests: ?project=",
        "GET",
        requests,
        "project",
        "That project is not in the list; choose one from the list or clear it.",
    ),
    Case(
        "requests: ?project=, as the contact",
        "GET",
        requests,
        "project",
        "That project is not in the list; choose one from the list or clear it.",
        as_contact=True,
    ),
    # Not a filter of the list: ignored.
    Case("requests: ?assignee=", "GET", requests, "assignee", allowed=(200,)),
    # Pages: a page that is not a number is the first, one past the end the last.
    Case("requests: ?page=", "GET", requests, "page", allowed=(200,)),
    Case(
        "clients: ?page=", "GET", lambda w: reverse("clients:client-list"), "page", allowed=(200,)
    ),
    Case(
        "mail log: ?page=", "GET", lambda w: reverse("inbound:message-list"), "page", allowed=(200,)
    ),
    # "New request" for a chosen client: no client chosen (or none that is one) goes back
    # to the list; a client id that is no client of the viewer's is missing.
    Case(
        "new request: ?client=",
        "GET",
        lambda w: reverse("work:request-new"),
        "client",
        allowed=(302, 404),
    ),
    # The "Older entries" cursors: one that is not an id is ignored (the newest entries).
    Case(
        "audit log: ?before=", "GET", lambda w: reverse("core:audit-log"), "before", allowed=(200,)
    ),
    # The vault's reveal log (issue 14): a cursor or credential that is no id is ignored.
    Case(
        "reveal log: ?before=",
        "GET",
        lambda w: reverse("vault:log", args=[w.a.client1.pk]),
        "before",
        allowed=(200,),
    ),
    Case(
        "reveal log: ?credential=",
        "GET",
        lambda w: reverse("vault:log", args=[w.a.client1.pk]),
        "credential",
        allowed=(200,),
    ),
    Case(
        "store a credential: named",
        "POST",
        lambda w: reverse("vault:credential-add", args=[w.a.client1.pk]),
        "named",
        "Pick people from the list.",
        lambda w: {"name": "Mailchimp", "password": "Zebra-Quartz-7731", "minimum_phase": "1"},
        as_contact=True,
    ),
    # References (issue 14): the agreeing clients a prospect's request is passed on to.
    Case(
        "pass a request for references on: clients",
        "POST",
        lambda w: reverse("references:pass-on", args=[references_ids(w)["reference_request_id"]]),
        "clients",
        "Pick clients from the list.",
    ),
    Case(
        "notifications: ?before=",
        "GET",
        lambda w: reverse("notify:notification-list"),
        "before",
        allowed=(200,),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_hostile_id_in_a_form_or_filter_is_refused_with_a_sentence(
    world: World, case: Case
) -> None:
    http = world.contact() if case.as_contact else world.owner()
    url = case.url(world)
    wrong = []
    for value in HOSTILE:
        data = {**case.data(world), case.field: value}
        response = http.post(url, data) if case.method == "POST" else http.get(url, data)
        status = response.status_code
        if status not in case.allowed:
            wrong.append(f"{case.field}={value!r}: {status}")
        elif status == 400 and case.says and case.says not in page_text(response):
            wrong.append(f"{case.field}={value!r}: 400 without “{case.says}”")
    assert not wrong, f"{case.method} {url}:\n" + "\n".join(wrong)


def test_an_upload_id_that_is_an_id_but_not_yours_is_refused_too(world: World) -> None:
    """A well-formed id of someone else's upload: the service's own refusal, not a 500."""
    response = world.contact().post(
        reverse("work:attachment-add", args=[world.task.pk]), {"upload": str(world.upload.pk)}
    )
    assert response.status_code == 400
    assert "no longer waiting to be attached" in page_text(response)


# Ids in the URL -----------------------------------------------------------------------------


def _patterns(patterns: list[Any], namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            found += _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            found.append((name, pattern))
    return found


def url_ids() -> list[tuple[str, str]]:
    """(URL name, the id in it made hostile) for every id of every URL."""
    cases = []
    for name, pattern in _patterns(get_resolver().url_patterns):
        converters = pattern.pattern.converters
        cases += [(name, kwarg) for kwarg, conv in converters.items() if conv.regex == "[0-9]+"]
    return cases


def valid_ids(w: World) -> dict[str, int | str]:
    return (
        {
            "client_id": w.a.client1.pk,
            "task_id": w.task.pk,
            "user_id": w.a.assistant.pk,
            "membership_id": w.a.assistant_membership.pk,
            "invitation_id": w.a.pending_invitation.pk,
            "attachment_id": w.attachment.pk,
            "project_id": w.project_id,
            "notification_id": w.notification.pk,
            # The practice's logo: a token of the right form, so only the id decides.
            "token": "A" * 24,
        }
        | repeating_ids(w)
        | planning_ids(w)
        | delegation_ids(w)
        | postmortem_ids(w)
        | vault_ids(w)
        | references_ids(w)
    )


def references_ids(w: World) -> dict[str, int | str]:
    """A prospect's request through practice A's link (issue 14), made once."""
    from tandem.references import links, prospects
    from tandem.references.models import Request

    found = Request.objects.filter(practice=w.a.practice).first()
    if found is None:
        link = links.live_link_of(w.a.practice.pk) or links.make_link(actor=w.a.owner)[0]
        found = prospects.ask_for_references(
            link, name="Pat", email="pat@example.com", question="Are they quick?"
        )
    return {"reference_request_id": found.pk}


def vault_ids(w: World) -> dict[str, int | str]:
    """A credential of client 1 and a leaver's notice on it (issue 14), made once."""
    from tandem.vault import credentials
    from tandem.vault.models import AccessEnded, Credential

    found = Credential.objects.filter(client=w.a.client1).first()
    if found is None:
        found = credentials.store_credential(
            w.a.client1,
            actor=w.a.contact1,
            name="Mailchimp",
            secrets=credentials.Secrets(password="Zebra-Quartz-7731"),
        )
    notice = AccessEnded.objects.filter(client=w.a.client1).first()
    if notice is None:
        notice = AccessEnded.objects.create(
            practice=w.a.practice, client=w.a.client1, user=w.a.unassigned, why="left"
        )
    return {"credential_id": found.pk, "notice_id": notice.pk}


def postmortem_ids(w: World) -> dict[str, int | str]:
    """A postmortem of client 1, opened by its contact (issue 13), made once."""
    from tandem.trust.models_postmortems import Postmortem
    from tandem.trust.postmortems import open_postmortem

    found = Postmortem.objects.filter(client=w.a.client1).first()
    if found is None:
        found = open_postmortem(
            w.a.client1,
            actor=w.a.contact1,
            title="Newsletter went to the wrong list",
            sections={"what_happened": "It went to last year's list."},
        )
    return {"postmortem_id": found.pk}


def delegation_ids(w: World) -> dict[str, int | str]:
    """A kind of the catalogue, a phase change of client 1 and its standing go-ahead (issue
    13), made once."""
    from tandem.delegation.models import PhaseChange, StandingGoAhead, WorkKind
    from tandem.delegation.services import change_phase
    from tandem.work.go_aheads import give_standing_go_ahead

    kinds = WorkKind.objects.filter(practice=w.a.practice).order_by("pk")
    change = PhaseChange.objects.filter(client=w.a.client1).first()
    if change is None:
        change = change_phase(w.a.client1, actor=w.a.contact1, to_phase=2)
    go_ahead = StandingGoAhead.objects.filter(client=w.a.client1).first()
    if go_ahead is None:
        above = kinds.filter(phase=3).first()
        assert above is not None
        go_ahead = give_standing_go_ahead(w.a.client1, above, actor=w.a.contact1)
    first = kinds.first()
    assert first is not None
    return {
        "kind_id": first.pk,
        "change_id": change.pk,
        "go_ahead_id": go_ahead.pk,
        "review_id": review_of(w),
        **way_out_ids(w),
    }


def way_out_ids(w: World) -> dict[str, int]:
    """A partner on the owner's referral list and a subcontract asked on client 1's request
    (issue 13), made once."""
    from tandem.trust import way_out
    from tandem.trust.models_way_out import Referral, WayOut

    partner = Referral.objects.filter(practice=w.a.practice).first()
    if partner is None:
        partner = way_out.add_referral(
            actor=w.a.owner, name="Pixel", good_at="web", email="p@example.com", kind="partner"
        )
    asked = WayOut.objects.filter(client=w.a.client1).first()
    if asked is None:
        asked = way_out.offer(
            w.task, actor=w.a.owner, reason="Design", choice="subcontract", referral=partner
        )
    return {"referral_id": partner.pk, "way_out_id": asked.pk}


def review_of(w: World) -> int:
    """A thank-you client 1's contact may let the practice quote (issue 13), made once."""
    from tandem.work.deliveries import deliver_task
    from tandem.work.models import Review, TaskStatus
    from tandem.work.services import create_task, move_task

    found = Review.objects.filter(client=w.a.client1).first()
    if found is not None:
        return found.pk
    task = create_task(
        w.a.client1,
        actor=w.a.contact1,
        title="Thanks",
        expectations="Done",
        deadline_at=timezone.now() + timedelta(days=3),
    )
    move_task(task, to=TaskStatus.ACCEPTED, actor=w.a.owner)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=w.a.owner)
    deliver_task(task, actor=w.a.owner, message="Done")
    move_task(task, to=TaskStatus.DONE, actor=w.a.contact1, note="Thanks", may_quote=True)
    return Review.objects.get(task=task).pk


def repeating_ids(w: World) -> dict[str, int]:
    """Repeating work, a template and a checklist step (issue 11, part 9), the owner's own."""
    from tandem.work.checklists import add_steps, save_template
    from tandem.work.repeating import start_series

    series = start_series(
        w.a.client1,
        actor=w.a.owner,
        title="Newsletter",
        expectations="Sent",
        frequency="weekly",
        weekday=0,
        starts_on=timezone.localdate() + timedelta(days=1),
    )
    template = save_template(None, actor=w.a.owner, title="Onboarding", expectations="Ready")
    (step,) = add_steps(w.task, actor=w.a.owner, steps=["Draft"])
    return {"series_id": series.pk, "template_id": template.pk, "item_id": step.pk}


def planning_ids(w: World) -> dict[str, int | str]:
    """The assistant's time off (issue 12), at the address of the assistant's working time;
    booked once, since time off may not overlap itself. A capacity week: this week's Monday,
    a person's row."""
    from tandem.planning.models import TimeOff
    from tandem.planning.services import add_time_off

    time_off = TimeOff.objects.filter(person=w.a.assistant).first()
    if time_off is None:
        starts_at = timezone.now() + timedelta(days=7)
        ends_at = starts_at + timedelta(hours=4)
        time_off = add_time_off(
            w.a.assistant, actor=w.a.owner, starts_at=starts_at, ends_at=ends_at
        )
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return {"time_off_id": time_off.pk, "week": monday.isoformat(), "kind": "person"}


# Pages only the client's side may use (the owner gets 403 before any id is read): tried as
# client 1's contact, whose own objects the other ids name.
CLIENT_SIDE_ONLY = {
    "vault:share-new",
    "vault:notice-dismiss",
    "vault:credential-edit",
    "vault:credential-revoke",
    "vault:credential-delete",
}


@pytest.mark.parametrize(("name", "kwarg"), url_ids())
def test_a_hostile_id_in_the_url_is_missing(world: World, name: str, kwarg: str) -> None:
    """Each id of the URL in turn, the others valid (the owner's own objects). Negative and
    non-numeric ids never match a route; huge ones and zero do, and must be missing."""
    converters = dict(_patterns(get_resolver().url_patterns))[name].pattern.converters
    http = world.contact() if name in CLIENT_SIDE_ONLY else world.owner()
    wrong = []
    for value in (HUGE, str(2**63), str(2**63 - 1), "0"):
        ids = {k: str(v) for k, v in valid_ids(world).items() if k in converters}
        path = reverse(name, kwargs={**ids, kwarg: value})
        for method in ("GET", "POST"):
            response = http.get(path) if method == "GET" else http.post(path, {})
            if response.status_code not in (404, 405):
                wrong.append(f"{method} {path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_every_url_with_an_id_is_tried() -> None:
    names = {name for name, _ in url_ids()}
    assert "work:board-move" in names
    assert "home:client-unassign" in names
    assert len(names) >= 30


def test_an_audit_cursor_that_is_no_id_keeps_the_typed_filters(world: World) -> None:
    response = world.owner().get(
        reverse("core:audit-log"), {"action": "client_created", "before": HUGE}
    )
    assert response.status_code == 200
    entries = response.context["page"].entries
    assert entries
    assert {entry.action for entry in entries} == {"client_created"}
    assert response.context["is_first_page"]
