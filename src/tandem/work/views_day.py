"""The VA's day: the inbox (accept or decline in place) and one client's board with its moves.

Thin: fetch through ``visible_to`` (not visible is a 404), bind ``MoveForm``, call
``services.move_task``, render. htmx requests get back the region they replace (an inbox row,
the board); a refusal comes back as 400 with the sentence in that region (base.html lets
htmx swap 400 answers in). Without JavaScript the same forms post, and the page redirects
back, or re-renders itself (400) with the sentence where the person acted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from tandem.clients.lookups import visible_client
from tandem.clients.models import Client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.work import selectors_day, services
from tandem.work.forms import MoveForm
from tandem.work.forms_lists import BoardFilter
from tandem.work.lookups import visible_task
from tandem.work.models import Task, TaskStatus
from tandem.work.workflow import Move, moves_for


@dataclass(frozen=True)
class Outcome:
    """What became of a posted move: the bound form, and the sentence when it was refused."""

    form: MoveForm
    refusal: str = ""

    @property
    def moved(self) -> bool:
        return not self.form.errors

    @property
    def note_error(self) -> str:
        errors = self.form.errors.get("note")
        return str(errors[0]) if errors else ""

    @property
    def declined_note(self) -> str:
        return str(self.form.cleaned_data.get("note", "")) if self.moved else ""

    @property
    def typed_note(self) -> str:
        """The reason typed for declining, given back when the decline was refused."""
        return str(self.form.data.get("note", ""))


def _apply_move(request: MemberRequest, task: Task) -> Outcome:
    """Applies the posted move to ``task`` as it was when the person saw it.

    ``from`` is the status the page showed: when someone moved the task since, the
    service's conditional update refuses with "Someone else has just moved this task".
    """
    seen = request.POST.get("from", "")
    if seen in TaskStatus.values:
        task.status = seen
    standing = access.standing_of_visible(request.user, task.client)
    moves = {str(move.to): move for move in moves_for(task.status, standing)}
    form = MoveForm(request.POST, client=task.client, move=moves.get(request.POST.get("to", "")))
    if form.is_valid():
        try:
            kwargs = form.service_kwargs()
            services.move_task(task, to=form.cleaned_data["to"], actor=request.user, **kwargs)
        except DomainError as error:
            form.add_domain_error(error)
    return Outcome(form, _refusal(form))


def _refusal(form: MoveForm) -> str:
    """The first error that does not belong next to the note field."""
    for name, errors in form.errors.items():
        if name != "note":
            return str(errors[0])
    return ""


# Inbox ---------------------------------------------------------------------------------------


@member_required(Capability.VIEW_CLIENTS)
@require_GET
def inbox(request: MemberRequest) -> HttpResponse:
    return _inbox_page(request)


@member_required(Capability.VIEW_CLIENTS)
@require_POST
def inbox_move(request: MemberRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(_inbox_tasks(request), pk=task_id)
    return _inbox_answer(request, task, _apply_move(request, task))


@member_required(Capability.VIEW_CLIENTS)
@require_POST
def inbox_accept_start(request: MemberRequest, task_id: int) -> HttpResponse:
    """ "Accept and start": both moves in one click (``services.accept_and_start``)."""
    task = get_object_or_404(_inbox_tasks(request), pk=task_id)
    form = MoveForm({"to": TaskStatus.IN_PROGRESS}, client=task.client, move=None)
    form.is_valid()
    # The status the page showed: someone who moved it since is named by the service.
    seen = request.POST.get("from", "")
    if seen in TaskStatus.values:
        task.status = seen
    try:
        services.accept_and_start(task, actor=request.user)
    except DomainError as error:
        form.add_domain_error(error)
    return _inbox_answer(request, task, Outcome(form, _refusal(form)))


def _inbox_tasks(request: MemberRequest) -> Any:
    tasks = Task.objects.visible_to(request.user).select_related("client__practice")
    return selectors_day.with_inbox_details(tasks)


def _inbox_answer(request: MemberRequest, task: Task, outcome: Outcome) -> HttpResponse:
    status = 200 if outcome.moved else 400
    if request.htmx:
        context = {
            "row": selectors_day.inbox_row(task),
            "outcome": outcome,
            "now": timezone.now(),
            "csrf_value": get_token(request),
        }
        return render(request, "work/inbox.html#row", context, status=status)
    if outcome.moved:
        messages.success(request, f"“{task.title}” is now {task.get_status_display().lower()}.")
        return redirect("work:inbox")
    return _inbox_page(request, failed=task, outcome=outcome, status=400)


def _inbox_page(
    request: MemberRequest,
    *,
    failed: Task | None = None,
    outcome: Outcome | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors_day.inbox(viewer=request.user)
    shown = failed is not None and any(row.task.pk == failed.pk for row in page.rows)
    context: dict[str, Any] = {
        "inbox": page,
        "csrf_value": get_token(request),
        "now": timezone.now(),
        "failed_id": failed.pk if failed else None,
        "failed_outcome": outcome,
        # A refusal for a request no longer in the list goes at the top of the page.
        "refusal": outcome.refusal or outcome.note_error if outcome and not shown else "",
    }
    return render(request, "work/inbox.html", context, status=status)


# Board ---------------------------------------------------------------------------------------


@member_required()
@require_GET
def board(request: MemberRequest, client_id: int) -> HttpResponse:
    return _board_page(request, visible_client(request.user, client_id))


@member_required()
@require_POST
def board_move(request: MemberRequest, client_id: int, task_id: int) -> HttpResponse:
    """A card dragged to another column, or moved with its "Move to…" form."""
    client = visible_client(request.user, client_id)
    tasks = Task.objects.visible_to(request.user).filter(client=client)
    task = get_object_or_404(tasks.select_related("client__practice"), pk=task_id)

    def page(**message: str) -> HttpResponse:
        return _board_page(request, client, **message)

    return _move_on_board(request, task, page, reverse("work:board", args=[client.pk]))


def _move_on_board(
    request: MemberRequest, task: Task, page: Callable[..., HttpResponse], back: str
) -> HttpResponse:
    """Either board's move: the board again (htmx), or back at the moved card.

    Moves that need more than a click (a reason, what is awaited, a deadline) open the
    task page at that move's form instead.
    """
    needing_input = _move_needing_input(request, task)
    if needing_input is not None:
        url = (
            reverse("work:task-detail", args=[task.pk])
            + "#"
            + selectors_day.input_anchor(needing_input)
        )
        # Said on the task page, so nobody wonders why the card did not move.
        messages.info(request, selectors_day.what_a_move_needs(task, needing_input))
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    outcome = _apply_move(request, task)
    if not outcome.moved:
        return page(refusal=outcome.refusal or outcome.note_error)
    notice = f"Moved “{task.title}” to “{task.get_status_display()}”."
    if request.htmx:
        return page(notice=notice)
    messages.success(request, notice)
    # Back at the moved card: the browser scrolls to it and the next Tab starts from there,
    # so someone moving cards by keyboard keeps their place.
    return redirect(f"{back}#card-{task.pk}")


def _move_needing_input(request: MemberRequest, task: Task) -> Move | None:
    """The posted move when it is allowed from the task's current status and needs input."""
    to = request.POST.get("to", "")
    moves = moves_for(task.status, access.standing_of_visible(request.user, task.client))
    return next((move for move in moves if move.to == to and move.needs_input), None)


def _board_page(
    request: MemberRequest, client: Client, *, notice: str = "", refusal: str = ""
) -> HttpResponse:
    board = selectors_day.client_board(viewer=request.user, client=client, now=timezone.now())
    context = {
        "board": board,
        "client": client,
        "notice": notice,
        "refusal": refusal,
        # Written into every card's form: a plain string, not the lazy ``csrf_token``.
        "csrf_value": get_token(request),
    }
    template = "work/board.html#board" if request.htmx else "work/board.html"
    return render(request, template, context, status=400 if refusal else 200)


# The practice-wide board ----------------------------------------------------------------------


@member_required(Capability.VIEW_CLIENTS)
@require_GET
def practice_board(request: MemberRequest) -> HttpResponse:
    """Every client's work on one board (an assistant's: their clients'), filtered by whose
    it is. An unknown "whose" shows everyone's and says so (400)."""
    return _practice_board_page(request, request.GET)


@member_required(Capability.VIEW_CLIENTS)
@require_POST
def practice_board_move(request: MemberRequest, task_id: int) -> HttpResponse:
    """A card of the practice-wide board moved: the same workflow as on a client's board,
    with that card's client's standing."""
    task = visible_task(request.user, task_id)
    # The filter the board was showing travels with the move, so the board comes back as it was.
    shown = {"who": request.POST.get("who", "")}

    def page(**message: str) -> HttpResponse:
        return _practice_board_page(request, shown, **message)

    back = reverse("work:practice-board")
    if shown["who"]:
        back += "?" + urlencode(shown)
    return _move_on_board(request, task, page, back)


def _practice_board_page(
    request: MemberRequest, data: Any, *, notice: str = "", refusal: str = ""
) -> HttpResponse:
    people = selectors_day.board_people(viewer=request.user)
    shown = BoardFilter.read(data, people=people)
    board = selectors_day.practice_board(
        viewer=request.user, now=timezone.now(), assignee_id=shown.assignee_id(request.user.pk)
    )
    context = {
        "board": board,
        "filter": shown,
        "who": shown.chosen,
        "csrf_value": get_token(request),
        "notice": notice,
        "refusal": refusal,
    }
    template = "work/board.html#board" if request.htmx else "work/board.html"
    refused = bool(refusal) or bool(shown.error)
    return render(request, template, context, status=400 if refused else 200)
