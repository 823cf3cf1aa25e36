"""Requests for the benchmark: 100,000 tasks in practice 1 (2,000 for the busiest client),
300,000 comments, their timelines and watchers, and 50,000 attachments (metadata only).

Like seed.py, everything goes in with ``bulk_create``: the data's shape is the point. The
busiest client is the benchmark contact's own, so the portal and the client's board carry
the most rows; the benchmark assistant works on it too.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

TASKS = 100_000
BUSIEST_CLIENT_TASKS = 2_000
COMMENTS = 300_000
ATTACHMENTS = 50_000
# The task the benchmark opens: a long conversation on one request, 50 entries in all:
# 40 comments and 10 changes (created, accepted, started, then delivered and sent back
# three times and delivered a fourth: it awaits the client's review, its delivery
# highlighted with files and a link).
TASK_PAGE_COMMENTS = 40
PAGE_TASK_MOVES = [
    ("accepted", "requested", ""),
    ("in_progress", "accepted", ""),
    *[
        move
        for _ in range(3)
        for move in (
            ("delivered", "in_progress", "The draft is in the shared folder; see the link."),
            ("in_progress", "delivered", "Please use the new logo and bigger prices."),
        )
    ],
    ("delivered", "in_progress", "Now with the new logo and the **bigger prices**."),
]
BATCH = 5_000

# Most work is history; the rest is spread over the open states.
STATUS_WEIGHTS = {
    "done": 55,
    "declined": 4,
    "cancelled": 5,
    "needs_deadline": 1,
    "requested": 6,
    "accepted": 7,
    "in_progress": 12,
    "waiting_on_client": 5,
    "delivered": 5,
}
CLOSED = {"done", "declined", "cancelled"}

# fmt: off
VERBS = ["Book", "Send", "Update", "Draft", "Order", "Schedule", "Review", "Prepare", "File",
         "Reconcile", "Research", "Tidy", "Publish", "Renew", "Chase", "Plan", "Transcribe"]
THINGS = ["newsletter", "invoice run", "supplier order", "venue", "webinar", "blog post",
          "client onboarding", "expense report", "travel", "podcast notes", "price list",
          "social posts", "contract renewal", "calendar", "inbox", "contact list", "workshop",
          "board minutes", "payroll file", "press release", "website copy", "survey"]
WORDS = ["please", "the", "client", "before", "after", "Monday", "Friday", "draft", "final",
         "check", "prices", "photos", "logo", "budget", "deadline", "approval", "colours",
         "spreadsheet", "folder", "shared", "link", "attached", "version", "thanks", "call",
         "notes", "agenda", "summary", "receipt", "refund", "supplier", "wholesaler", "ribbon",
         "bouquet", "wreath", "mailing", "list", "subscribers", "template", "signature",
         "quarterly", "annual", "review", "calendar", "zoom", "room", "catering", "parking"]
RARE = ["quokka", "marzipan", "zeppelin", "origami", "saxophone", "avalanche", "tangerine",
        "lighthouse", "hammock", "kaleidoscope"]
FILES = [("brief.pdf", "application/pdf", 180_000), ("photo.jpg", "image/jpeg", 2_400_000),
         ("sheet.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          45_000), ("notes.docx",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 30_000),
         ("logo.png", "image/png", 90_000)]
# fmt: on


def _sentence(rng: random.Random, words: int) -> str:
    chosen = rng.choices(WORDS, k=words)
    if rng.random() < 0.02:
        chosen[rng.randrange(words)] = rng.choice(RARE)
    return " ".join(chosen).capitalize() + "."


def seed_work(
    practice_id: int, contact_email: str, rng: random.Random, *, scale: float = 1.0
) -> dict[str, Any]:
    """Fill practice ``practice_id``; returns the ids and counts the benchmark needs.

    ``scale`` shrinks the counts (see seed.py); the busiest client keeps enough requests
    for a full board and an open one to measure.
    """
    from django.apps import apps
    from django.db import transaction
    from django.utils import timezone

    from tandem.clients.models import Assignment, Client, ClientContact
    from tandem.work.models import Comment, Task, TaskEvent, Watcher

    tasks_total = max(1_000, round(TASKS * scale))
    busiest_tasks = max(200, round(BUSIEST_CLIENT_TASKS * scale))
    comments_total = max(2 * TASK_PAGE_COMMENTS, round(COMMENTS * scale))
    attachments_total = max(100, round(ATTACHMENTS * scale))

    now = timezone.now()
    clients = list(Client.objects.filter(practice_id=practice_id, archived_at=None).order_by("id"))
    busiest = ClientContact.objects.get(user__email=contact_email).client
    contacts: dict[int, list[int]] = {}
    for client_id, user_id in ClientContact.objects.filter(practice_id=practice_id).values_list(
        "client_id", "user_id"
    ):
        contacts.setdefault(client_id, []).append(user_id)
    assistants: dict[int, list[int]] = {}
    for client_id, user_id in Assignment.objects.filter(practice_id=practice_id).values_list(
        "client_id", "user_id"
    ):
        assistants.setdefault(client_id, []).append(user_id)
    owner_id = (
        apps.get_model("core", "Membership")
        .objects.get(practice_id=practice_id, role="owner")
        .user_id
    )

    others = [c for c in clients if c.pk != busiest.pk]
    plan = [busiest] * busiest_tasks + [
        others[i % len(others)] for i in range(tasks_total - busiest_tasks)
    ]
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    start = now - timedelta(days=730)

    with transaction.atomic():
        tasks = []
        for i, client in enumerate(plan):
            status = rng.choices(statuses, weights)[0]
            created = (
                start + timedelta(days=730) * (i / tasks_total)
                if client is not busiest
                else (now - timedelta(days=rng.uniform(1, 700)))
            )
            created = min(created, now - timedelta(hours=1))
            if status in CLOSED:
                deadline: datetime | None = created + timedelta(days=rng.uniform(1, 20))
            elif status == "needs_deadline":
                deadline = None
            else:
                deadline = now + timedelta(days=rng.uniform(-10, 30))
            helpers = assistants.get(client.pk, [])
            people = contacts.get(client.pk) or [owner_id]
            tasks.append(
                Task(
                    practice_id=practice_id,
                    client_id=client.pk,
                    title=f"{rng.choice(VERBS)} the {rng.choice(THINGS)} {i:06}",
                    request_markdown=" ".join(_sentence(rng, 10) for _ in range(3)),
                    expectations=_sentence(rng, 8),
                    deadline_at=deadline,
                    priority=rng.choice(["low", "normal", "normal", "high"]),
                    assignee_id=rng.choice(helpers) if helpers and rng.random() < 0.9 else None,
                    created_by_id=rng.choice(people),
                    status=status,
                    waiting_for="The login details" if status == "waiting_on_client" else "",
                    waiting_until=now + timedelta(days=3)
                    if status == "waiting_on_client"
                    else None,
                    created_at=created,
                    updated_at=created + timedelta(hours=rng.uniform(1, 48)),
                )
            )
        Task.objects.bulk_create(tasks, batch_size=BATCH)
        task_rows = list(
            Task.objects.filter(practice_id=practice_id)
            .order_by("id")
            .values_list("id", "client_id", "created_by_id", "assignee_id", "status", "created_at")
        )

        events, watchers = [], []
        for task_id, client_id, creator, assignee, status, created in task_rows:
            first = "needs_deadline" if status == "needs_deadline" else "requested"
            events.append(
                TaskEvent(
                    practice_id=practice_id, client_id=client_id, task_id=task_id,
                    actor_id=creator, kind="created", to_status=first, created_at=created,
                )
            )  # fmt: skip
            if status != first:
                events.append(
                    TaskEvent(
                        practice_id=practice_id, client_id=client_id, task_id=task_id,
                        actor_id=assignee or owner_id,
                        kind="status_changed", from_status=first, to_status=status,
                        created_at=created + timedelta(hours=2),
                    )
                )  # fmt: skip
            watchers.append(Watcher(practice_id=practice_id, task_id=task_id, user_id=creator))
            if assignee and assignee != creator:
                watchers.append(Watcher(practice_id=practice_id, task_id=task_id, user_id=assignee))
        TaskEvent.objects.bulk_create(events, batch_size=BATCH)
        Watcher.objects.bulk_create(watchers, batch_size=BATCH)

        # The task the benchmark opens: one of the busiest client's open ones.
        page_task = next(
            row for row in task_rows if row[1] == busiest.pk and row[4] == "in_progress"
        )
        comment_tasks = [page_task] * TASK_PAGE_COMMENTS + rng.choices(
            task_rows, k=comments_total - TASK_PAGE_COMMENTS
        )
        for offset in range(0, comments_total, BATCH):
            Comment.objects.bulk_create(
                [
                    Comment(
                        practice_id=practice_id,
                        client_id=row[1],
                        task_id=row[0],
                        author_id=rng.choice([row[2], row[3] or owner_id]),
                        body_markdown=" ".join(
                            _sentence(rng, rng.randint(6, 14)) for _ in range(rng.randint(1, 3))
                        ),
                        created_at=row[5] + timedelta(hours=rng.uniform(3, 72)),
                    )
                    for row in comment_tasks[offset : offset + BATCH]
                ],
                batch_size=BATCH,
            )
        attachments = _attachments(practice_id, task_rows, page_task, rng, now, attachments_total)
        _page_task_conversation(practice_id, page_task, owner_id)
        probe_task = next(
            row
            for row in task_rows
            if row[1] == busiest.pk and row[4] == "in_progress" and row[0] != page_task[0]
        )

    return {
        "page_task_id": page_task[0],
        "probe_task_id": probe_task[0],
        "busiest_client_id": busiest.pk,
        "counts": {
            "tasks": Task.objects.filter(practice_id=practice_id).count(),
            "task_events": TaskEvent.objects.filter(practice_id=practice_id).count(),
            "comments": Comment.objects.filter(practice_id=practice_id).count(),
            "attachments": attachments,
        },
    }


def _page_task_conversation(practice_id: int, page_task: Any, owner_id: int) -> None:
    """The measured task's changes (``PAGE_TASK_MOVES``), its deliveries (each with a
    link; the last with two of the task's files), and its status: delivered."""
    from tandem.work.models import Attachment, Delivery, Task, TaskEvent

    task_id, client_id, creator, assignee, _, created = page_task
    TaskEvent.objects.filter(task_id=task_id, kind="status_changed").delete()
    delivery = None
    for i, (to, from_, note) in enumerate(PAGE_TASK_MOVES, start=1):
        sent_back = to == "in_progress" and from_ == "delivered"
        event = TaskEvent.objects.create(
            practice_id=practice_id, client_id=client_id, task_id=task_id,
            actor_id=creator if sent_back else assignee or owner_id,
            kind="status_changed", from_status=from_, to_status=to, note=note,
            created_at=created + timedelta(hours=4 * i),
        )  # fmt: skip
        if to == "delivered":
            delivery = Delivery.objects.create(
                practice_id=practice_id, client_id=client_id, task_id=task_id, event=event,
                links=["https://example.com/shared/folder"], created_at=event.created_at,
            )  # fmt: skip
    Task.objects.filter(pk=task_id).update(status="delivered")
    files = Attachment.objects.filter(task_id=task_id, comment=None).order_by("id")[:2]
    Attachment.objects.filter(pk__in=[file.pk for file in files]).update(delivery=delivery)


def _attachments(
    practice_id: int,
    task_rows: list[Any],
    page_task: Any,
    rng: random.Random,
    now: datetime,
    total: int,
) -> int:
    """Metadata rows only: the measured pages list files but never read them."""
    from tandem.work.models import Attachment

    rows = [page_task] * 8 + rng.choices(task_rows, k=total - 8)
    for offset in range(0, total, BATCH):
        objects = []
        for i, row in enumerate(rows[offset : offset + BATCH], start=offset):
            name, content_type, size = rng.choice(FILES)
            objects.append(
                Attachment(
                    practice_id=practice_id,
                    client_id=row[1],
                    task_id=row[0],
                    uploaded_by_id=row[2],
                    name=name,
                    content_type=content_type,
                    size=size,
                    file=f"attachments/bench/{i:06}",
                    created_at=min(row[5] + timedelta(hours=1), now),
                )
            )
        Attachment.objects.bulk_create(objects, batch_size=BATCH)
    return len(rows)
