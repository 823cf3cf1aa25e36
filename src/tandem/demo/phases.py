"""The demo's trust in phases (issue 13): a client in each phase, the kinds of work its
requests name, a request waiting for the client's go-ahead and a standing go-ahead, so a new
user sees what a phase allows on the portal, the request page and the phase page."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.delegation.models import PhaseChange, WorkKind
from tandem.delegation.services import change_phase, starting_phase
from tandem.work import go_aheads
from tandem.work import services as work
from tandem.work.models import Task

# The kinds the demo's requests name, by title.
KINDS = {
    "December newsletter": "Sending mailings",
    "Order ribbon from the wholesaler": "Ordering supplies",
    "Update the opening hours on Google": "Writing ad copy",
    "Reorder business cards": "Ordering supplies",
    "Onboard three new coaching clients": "Scheduling appointments",
    "Tidy the client contact list": "Mailing lists",
    "Transcribe the partners' meeting": "Data entry and filing",
}


def trust_in_phases(clients: dict[str, Client], owner: User) -> None:
    """Bloom Florist moved up to Phase II a month ago; Summit Coaching began in Phase III;
    Harbour Legal is getting to know the practice (Phase I), with a Phase III request
    waiting for its go-ahead."""
    bloom, summit, harbour = (
        clients[name] for name in ("Bloom Florist", "Summit Coaching", "Harbour Legal")
    )
    practice_id = bloom.practice_id
    kinds = {kind.name: kind for kind in WorkKind.objects.filter(practice_id=practice_id)}
    for title, name in KINDS.items():
        Task.objects.filter(client__practice_id=practice_id, title=title).update(kind=kinds[name])

    chloe = User.objects.get(email="chloe@bloom.example.com")
    promoted = change_phase(
        bloom, actor=chloe, to_phase=2, note="Ada has been spot on with every mailing."
    )
    PhaseChange.objects.filter(pk=promoted.pk).update(
        changed_at=timezone.now() - timedelta(days=30)
    )
    starting_phase(summit, actor=owner, phase=3)
    # Bloom trusts the practice to confirm appointments without asking each time.
    go_aheads.give_standing_go_ahead(bloom, kinds["Scheduling appointments"], actor=chloe)

    priya = User.objects.get(email="priya@harbour.example.com")
    work.create_task(
        harbour,
        actor=priya,
        title="Run my calendar during the trial",
        expectations="Court dates and client calls in one calendar, confirmed a day ahead.",
        request_markdown="While I am in the Sydney trial, please **keep my calendar**: "
        "move internal meetings, never court dates.",
        deadline_at=timezone.now() + timedelta(days=6),
        kind=kinds["Running the calendar"],
    )


def praise() -> None:
    """Bloom Florist's thank-you for the business cards, rated 5 and quotable (the loader
    accepted the work with its thank-you, as Chloe would)."""
    from tandem.work.models import Review

    Review.objects.filter(task__title="Reorder business cards").update(
        rating=5, quote_consent_at=timezone.now()
    )


def honest_way_out(owner: User) -> None:
    """The practice's referral list, and Summit Coaching's website redesign referred to a web
    designer, honestly, by Ben."""
    from tandem.trust import way_out

    wendy = way_out.add_referral(
        actor=owner,
        name="Wendy Webb Design",
        good_at="websites with booking and payments",
        email="hello@wendywebb.example.com",
        website="https://wendywebb.example.com",
        kind="refer",
    )
    way_out.add_referral(
        actor=owner,
        name="Ledger Lane Bookkeeping",
        good_at="year-end accounts and VAT returns",
        email="team@ledgerlane.example.com",
        kind="partner",
    )
    task = Task.objects.select_related("client__practice").get(title="Redesign the website")
    way_out.offer(
        task,
        actor=User.objects.get(email="ben@demo.example.com"),
        reason="A full redesign with booking and payments needs a web designer; we would do "
        "it less well than you deserve.",
        choice="refer",
        referral=wendy,
        message="Thank you for thinking of us. We are glad to keep the site's content up to date.",
    )
