"""The client's "we have it": a receipt for a request they sent, with the practice's promise.

A reaction on ``task.created`` (``reactions.py``): when a client contact sends a request,
from the form or by e-mail, they get one mail saying the practice has it, how soon it will
answer (its response time) and by when that is on their own clock, with the link. A request
the practice created itself promises nothing (``work.promises``), so nobody gets one. The
mail goes through the mail queue under one key per request, so a second run sends nothing.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.formats import date_format

from tandem.core import access, mail
from tandem.core.models import OutboundEmail
from tandem.core.zones import zone_name
from tandem.notify.wording import task_url
from tandem.planning.models_policy import planning_policy
from tandem.work.models import Task, TaskEvent, TaskStatus


def acknowledgement_key(task: Task) -> str:
    # Not under "notify:": those keys are the notification mails of a person and task.
    return f"acknowledged:task:{task.pk}"


def local_time(instant: datetime, zone: ZoneInfo) -> str:
    """The instant on the reader's clock, saying which: "Thu 3 Dec 17:00 (London time)"."""
    return f"{date_format(instant.astimezone(zone), 'D j M H:i')} ({zone_name(zone)})"


def acknowledge(event: TaskEvent) -> OutboundEmail | None:
    """Queue the receipt for the request ``event`` created; None when nobody needs one."""
    task = Task.objects.select_related("client__practice").filter(pk=event.task_id).first()
    sender = event.actor
    if task is None or sender is None or access.side_of(sender) != access.Side.CLIENT:
        return None
    practice = task.client.practice
    # The promise as it was made when the request arrived: the practice may have answered
    # already (which clears ``respond_by``) before this reaction ran.
    respond_by = task.respond_by or practice.respond_by(task.created_at)
    zone = ZoneInfo(sender.time_zone)
    subject, text, html = mail.render_email(
        "notify/email/acknowledgement",
        {
            "task": task,
            "sender": sender,
            "practice": practice,
            "promise": practice.response_promise,
            "respond_by": local_time(respond_by, zone),
            "needs_deadline": task.status == TaskStatus.NEEDS_DEADLINE,
            # Sent at short notice (planning's check when it was created): said, with what
            # the practice tells a client who keeps such a deadline.
            "short_notice": task.is_short_notice,
            "rush_policy": planning_policy(practice.pk).rush_policy.strip()
            if task.is_short_notice
            else "",
            "url": task_url(task.pk, practice),
        },
        practice=practice,
    )
    return mail.queue_email(
        key=acknowledgement_key(task),
        to=sender.email,
        subject=subject,
        text_body=text,
        html_body=html,
        practice=practice,
    )
