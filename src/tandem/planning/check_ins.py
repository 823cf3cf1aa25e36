"""Weekly check-ins: the assistant's note before one goes, the client's answer (the writes),
and the one-click way from an answer to a heads-up.

Each change is one conditional UPDATE of the state it needs (a note only while prepared, an
answer only while sent), so a note written as the check-in goes, or two answers at once,
change it once, and the other person hears why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

from tandem.core import access, events
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.planning.models_checkins import ANSWER_MAX, NOTE_MAX, CheckIn, CheckInAnswer

if TYPE_CHECKING:
    from tandem.accounts.models import User

# The event kind of an answer (``CheckInAnswer``), that the assistants' reaction hears.
ANSWERED = "check_in.answered"
ANSWER_MISSING = "Write what is coming up, or “Nothing new this week”, then send it."
ONLY_CLIENT_ANSWERS = "Only the client answers its check-in."
ONLY_PRACTICE_NOTES = "Only the practice adds a note to a check-in."
# A heads-up's "what" is at most this long (the heads-up form's own limit).
# A heads-up's title is this long at most (``HeadsUp.what``).
HEADS_UP_WHAT_MAX = 200


def note_check_in(check_in: CheckIn, *, actor: User, note: str) -> CheckIn:
    """Write (or clear, with an empty note) the assistant's note, shown above the check-in.

    Refused with a sentence when the actor does not serve the client, the note is too long,
    or the check-in has already gone (the client has read it as it was)."""
    access.standing(actor, check_in.client).require(
        Capability.NOTE_CHECK_IN, unseen=access.NOT_YOURS, wrong_role=ONLY_PRACTICE_NOTES
    )
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise DomainError(
            f"Keep the note under {NOTE_MAX:,} characters; it has {len(note):,}.", field="note"
        )
    written = CheckIn.objects.filter(pk=check_in.pk, state=CheckIn.State.PREPARED).update(
        note=note, noted_by=actor if note else None, noted_at=timezone.now() if note else None
    )
    if not written:
        raise DomainError(gone_sentence(_reloaded(check_in)))
    return _reloaded(check_in)


def answer_check_in(
    check_in: CheckIn, *, actor: User, answer: str, via: str = CheckIn.Via.PORTAL
) -> CheckIn:
    """The client's answer to "Anything coming up?", in the portal or by replying to the mail.

    Refused with a sentence when the actor is not one of the client's contacts, the answer
    is empty or too long, or the check-in is not waiting for an answer (answered already)."""
    access.standing(actor, check_in.client).require(
        Capability.ANSWER_CHECK_IN, unseen=access.NOT_YOURS, wrong_role=ONLY_CLIENT_ANSWERS
    )
    answer = answer.strip()
    if not answer:
        raise DomainError(ANSWER_MISSING, field="answer")
    if len(answer) > ANSWER_MAX:
        raise DomainError(
            f"Keep the answer under {ANSWER_MAX:,} characters; it has {len(answer):,}.",
            field="answer",
        )
    now = timezone.now()
    with transaction.atomic():
        written = CheckIn.objects.filter(pk=check_in.pk, state=CheckIn.State.SENT).update(
            state=CheckIn.State.ANSWERED,
            answer=answer,
            answered_at=now,
            answered_by=actor,
            answered_via=via,
        )
        if not written:
            raise DomainError(answered_sentence(_reloaded(check_in)))
        # The assistants hear of it from a reaction (``check_in_reactions``), once.
        events.record(
            CheckInAnswer(
                practice_id=check_in.practice_id,
                client_id=check_in.client_id,
                check_in_id=check_in.pk,
                actor=actor,
                created_at=now,
            ),
            kind=ANSWERED,
        )
    return _reloaded(check_in)


def gone_sentence(check_in: CheckIn) -> str:
    when = _day(check_in.sent_at)
    return f"This check-in went to the client on {when}; its note can no longer change."


def answered_sentence(check_in: CheckIn) -> str:
    if check_in.state == CheckIn.State.ANSWERED:
        who = check_in.answered_by.display_name if check_in.answered_by else "Someone"
        return f"{who} already answered this check-in on {_day(check_in.answered_at)}."
    return "This check-in has not been sent yet; answer it once it arrives."


def _day(instant: object) -> str:
    return date_format(timezone.localtime(instant), "l j F") if instant else "an earlier day"  # type: ignore[arg-type]


def _reloaded(check_in: CheckIn) -> CheckIn:
    return CheckIn.objects.select_related("client__practice", "noted_by", "answered_by").get(
        pk=check_in.pk
    )


def heads_up_link(check_in: CheckIn) -> str | None:
    """Where "Make it a heads-up" leads: the heads-up form filled from the answer (client,
    what, and the check-in it came from). None when there is no answer: the page then
    hides the button.

    A heads-up's "what" is a short title: the answer's first line, cut at a word to fit;
    when that is not the whole answer, the whole answer goes into its details."""
    answer = check_in.answer.strip()
    if not answer:
        return None
    what = Truncator(answer.splitlines()[0]).chars(HEADS_UP_WHAT_MAX)
    params = {"client": check_in.client_id, "what": what, "check_in": check_in.pk}
    if what != answer:
        params["details"] = answer
    return f"{reverse('planning:heads-up-add')}?{urlencode(params)}"
