"""Writes about agreements: templates, issuing, sending, withdrawing, amending, the signing
codes, signing and countersigning, and the "agreements before work" setting.

Every service asks the access policy first, raises ``DomainError`` with a sentence, writes
in one transaction with its audit entry, and queues its mail and jobs in that transaction.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from tandem.agreements import chain, codes, in_force, texts
from tandem.agreements.models import (
    Agreement,
    AgreementPolicy,
    AgreementTemplate,
    Kind,
    PdfState,
    Side,
    Signature,
    SigningCode,
    State,
)
from tandem.clients.models import Client, ClientContact
from tandem.core import access, audit, mail
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.models import Practice
from tandem.core.roles import Capability

if TYPE_CHECKING:
    from tandem.accounts.models import User

C = Capability

ONLY_OWNER = "Only the practice's owner issues and changes agreements."
# A code per minute at most: enough to retry, too few to flood someone's inbox.
CODE_INTERVAL = timedelta(minutes=1)
DRAWN_MAX_BYTES = 200_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DRAWN_REFUSED = "The drawn signature did not come through; clear it and draw it again."


# Templates ---------------------------------------------------------------------------------


def current_template(practice_id: int, kind: str) -> texts.TemplateText:
    """The template a new agreement of ``kind`` is filled from: the practice's newest
    version, or Tandem's default (version 0) until it edits one (one query)."""
    row = (
        AgreementTemplate.objects.filter(practice_id=practice_id, kind=kind)
        .order_by("-version")
        .first()
    )
    if row is None:
        return texts.default_template(kind)
    return texts.TemplateText(kind, row.title, row.body, row.version)


def save_template(*, actor: User, kind: str, title: str, body: str) -> AgreementTemplate:
    """A new version of the actor's practice's template of ``kind``; what was issued or
    signed before keeps its own text. Refuses an unknown placeholder, naming it."""
    membership = access.member(actor)
    if membership is None or not access.allows(actor, C.KEEP_AGREEMENT_TEMPLATES):
        raise DomainError("Only the practice's owner keeps the agreement templates.")
    if kind not in Kind.values:
        raise DomainError("Choose a service or a confidentiality agreement.", field="kind")
    title, body = " ".join(title.split()), body.strip()
    if not title:
        raise DomainError("Give the template a title.", field="title")
    if not body:
        raise DomainError("Write the agreement's text.", field="body")
    texts.check_placeholders(title, field="title")
    texts.check_placeholders(body)
    with transaction.atomic():
        latest = AgreementTemplate.objects.filter(
            practice_id=membership.practice_id, kind=kind
        ).aggregate(latest=Max("version"))["latest"]
        try:
            with transaction.atomic():
                saved = AgreementTemplate.objects.create(
                    practice_id=membership.practice_id,
                    kind=kind,
                    version=(latest or 0) + 1,
                    title=title,
                    body=body,
                    created_by=actor,
                )
        except IntegrityError:
            raise DomainError(
                "Someone saved this template at the same moment; open it again and save."
            ) from None
        audit.record(
            Action.AGREEMENT_TEMPLATE_CHANGED,
            practice=membership.practice,
            actor=actor,
            target=saved,
            data={"kind": kind, "version": saved.version},
        )
    return saved


# Issuing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """What the owner fills in when issuing (the rest comes from the client and practice)."""

    hourly_rate: str
    payment_terms: str
    notice_period: str
    start_date: date


def _require_issuer(actor: User, client: Client) -> None:
    access.standing(actor, client).require(C.ISSUE_AGREEMENT, wrong_role=ONLY_OWNER)
    if client.is_archived:
        raise DomainError(f"{client.name} is archived; restore it before issuing agreements.")


def _open_one(client: Client, kind: str) -> Agreement | None:
    return Agreement.objects.filter(client=client, kind=kind, state__in=list(_OPEN)).first()


_OPEN = (State.DRAFT, State.AWAITING_CLIENT, State.AWAITING_PRACTICE)


def _already_open(client: Client, kind: str) -> DomainError:
    label = Kind(kind).label.lower()
    return DomainError(
        f"A {label} is already on its way to {client.name}: open it to send, sign or "
        "withdraw it first.",
        field="kind",
    )


def issue_agreement(client: Client, *, actor: User, kind: str, terms: Terms) -> Agreement:
    """A draft agreement of ``kind`` for ``client``, filled from the practice's template, for
    the owner to review (and edit for this client) before sending. One per kind on its way."""
    _require_issuer(actor, client)
    if kind not in Kind.values:
        raise DomainError("Choose a service or a confidentiality agreement.", field="kind")
    for name, value in (
        ("hourly_rate", terms.hourly_rate),
        ("payment_terms", terms.payment_terms),
        ("notice_period", terms.notice_period),
    ):
        if not value.strip():
            raise DomainError(f"Fill in {texts.PLACEHOLDERS[name]}.", field=name)
    template = current_template(client.practice_id, kind)
    values = {
        "client_name": client.name,
        "practice_name": client.practice.name,
        "hourly_rate": terms.hourly_rate.strip(),
        "payment_terms": terms.payment_terms.strip(),
        "notice_period": terms.notice_period.strip(),
        "start_date": f"{terms.start_date:%-d %B %Y}",
        "today": f"{timezone.localdate():%-d %B %Y}",
    }
    if _open_one(client, kind) is not None:
        raise _already_open(client, kind)
    try:
        with transaction.atomic():
            return Agreement.objects.create(
                practice_id=client.practice_id,
                client=client,
                kind=kind,
                title=texts.fill(template.title, values),
                body=texts.fill(template.body, values),
                template_version=template.version,
                created_by=actor,
            )
    except IntegrityError:
        raise _already_open(client, kind) from None


def edit_draft(agreement: Agreement, *, actor: User, title: str, body: str) -> Agreement:
    """Change a draft's words for this client (the template stays as it is)."""
    _require_issuer(actor, agreement.client)
    title, body = " ".join(title.split()), body.strip()
    if not title:
        raise DomainError("Give the agreement a title.", field="title")
    if not body:
        raise DomainError("Write the agreement's text.", field="body")
    texts.check_placeholders(title, field="title")
    texts.check_placeholders(body)
    changed = Agreement.objects.filter(pk=agreement.pk, state=State.DRAFT).update(
        title=title, body=body
    )
    if not changed:
        raise DomainError("This agreement was sent already; its text can no longer change.")
    agreement.title, agreement.body = title, body
    return agreement


def send_agreement(
    agreement: Agreement, *, actor: User, request: HttpRequest | None = None
) -> Agreement:
    """Send a draft to the client for signature: its text is frozen (its SHA-256 kept) and
    the client's contacts are mailed. An amendment lists what changed against the signed
    version it amends."""
    client = agreement.client
    _require_issuer(actor, client)
    texts.check_filled(agreement.title, field="title")
    texts.check_filled(agreement.body)
    if agreement.amends_id is not None:
        signed = agreement.amends
        assert signed is not None
        changes = texts.changes_between(signed.body, agreement.body)
        if not changes and signed.title == agreement.title:
            raise DomainError(
                "This amendment changes nothing yet: edit the text before sending it.",
                field="body",
            )
    else:
        changes = []
    now = timezone.now()
    digest = texts.text_hash(agreement.title, agreement.body)
    with transaction.atomic():
        sent = Agreement.objects.filter(pk=agreement.pk, state=State.DRAFT).update(
            state=State.AWAITING_CLIENT, sent_at=now, text_sha256=digest, changes=changes
        )
        if not sent:
            raise DomainError("This agreement was sent already.")
        agreement.state, agreement.sent_at = State.AWAITING_CLIENT, now
        agreement.text_sha256 = digest
        agreement.changes = changes
        audit.record(
            Action.AGREEMENT_SENT,
            practice=client.practice,
            actor=actor,
            target=agreement,
            client_id=client.pk,
            request=request,
            data={"kind": agreement.kind, "version": agreement.version, "sha256": digest},
        )
        _mail_contacts(agreement)
    return agreement


def _mail_contacts(agreement: Agreement) -> None:
    from tandem.core import site

    contacts = ClientContact.objects.filter(client_id=agreement.client_id).select_related("user")
    url = site.absolute(agreement.practice, f"/agreements/{agreement.pk}/")
    for contact in contacts:
        subject, text, html = mail.render_email(
            "agreements/email/sent",
            {"agreement": agreement, "contact": contact.user, "url": url,
             "practice": agreement.practice},
            practice=agreement.practice,
        )  # fmt: skip
        mail.queue_email(
            key=f"agreement:{agreement.pk}:sent:{contact.user_id}",
            to=contact.user.email,
            subject=subject,
            text_body=text,
            html_body=html,
            practice=agreement.practice,
        )


def withdraw_agreement(agreement: Agreement, *, actor: User) -> Agreement:
    """Take back a draft or an agreement not yet signed by both sides."""
    _require_issuer(actor, agreement.client)
    withdrawn = Agreement.objects.filter(pk=agreement.pk, state__in=list(_OPEN)).update(
        state=State.WITHDRAWN
    )
    if not withdrawn:
        raise DomainError("Only an agreement not yet signed by both sides can be withdrawn.")
    with transaction.atomic():
        audit.record(
            Action.AGREEMENT_WITHDRAWN,
            practice=agreement.client.practice,
            actor=actor,
            target=agreement,
            client_id=agreement.client_id,
        )
    agreement.state = State.WITHDRAWN
    return agreement


def amend_agreement(agreement: Agreement, *, actor: User) -> Agreement:
    """A draft amendment of a signed agreement: its next version, starting from the signed
    text, for the owner to change and send. The signed one stays in force until both sides
    sign the amendment."""
    client = agreement.client
    _require_issuer(actor, client)
    if agreement.state != State.SIGNED:
        raise DomainError("Only an agreement in force (signed by both sides) can be amended.")
    if _open_one(client, agreement.kind) is not None:
        raise _already_open(client, agreement.kind)
    try:
        with transaction.atomic():
            return Agreement.objects.create(
                practice_id=agreement.practice_id,
                client=client,
                kind=agreement.kind,
                title=agreement.title,
                body=agreement.body,
                template_version=agreement.template_version,
                version=agreement.version + 1,
                amends=agreement,
                created_by=actor,
            )
    except IntegrityError:
        raise _already_open(client, agreement.kind) from None


# Signing -----------------------------------------------------------------------------------


def signing_side(agreement: Agreement, standing: access.Standing) -> Side | None:
    """Which side the member would sign for now (None: nothing for them to sign): the
    client's contacts while it waits for the client, the owner while it waits for them."""
    if agreement.state == State.AWAITING_CLIENT and standing.allows(C.SIGN_AGREEMENT):
        return Side.CLIENT
    if agreement.state == State.AWAITING_PRACTICE and standing.allows(C.COUNTERSIGN_AGREEMENT):
        return Side.PRACTICE
    return None


def _require_signer(agreement: Agreement, actor: User) -> Side:
    standing = access.standing(actor, agreement.client)
    side = signing_side(agreement, standing)
    if side is not None:
        return side
    if agreement.state == State.AWAITING_PRACTICE and standing.allows(C.SIGN_AGREEMENT):
        raise DomainError("You have signed this agreement; the practice countersigns it next.")
    if agreement.state == State.AWAITING_CLIENT and standing.allows(C.COUNTERSIGN_AGREEMENT):
        raise DomainError("The client signs this agreement first; you countersign it after.")
    raise DomainError("There is nothing for you to sign on this agreement.")


def send_code(agreement: Agreement, *, actor: User) -> SigningCode:
    """Mail the signer a fresh one-time code for this agreement (one a minute at most)."""
    _require_signer(agreement, actor)
    now = timezone.now()
    recent = SigningCode.objects.filter(
        agreement=agreement, user=actor, created_at__gt=now - CODE_INTERVAL
    ).exists()
    if recent:
        raise DomainError(
            "A code was sent less than a minute ago: check your e-mail, or wait a moment.",
            field="code",
        )
    with transaction.atomic():
        code = codes.new_code(agreement, user_id=actor.pk, now=now)
        row = SigningCode.objects.filter(agreement=agreement, user=actor).latest("id")
        subject, text, html = mail.render_email(
            "agreements/email/code",
            {"agreement": agreement, "signer": actor, "code": mail.one_time(code),
             "minutes": int(codes.LIFETIME.total_seconds() // 60)},
            practice=agreement.practice,
        )  # fmt: skip
        mail.queue_email(
            key=f"agreement-code:{row.pk}",
            to=actor.email,
            subject=subject,
            text_body=text,
            html_body=html,
            practice=agreement.practice,
        )
    return row


def same_name(typed: str, name: str) -> bool:
    """Names compared as people write them: case and spaces do not matter."""
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def _check_drawn(drawn_png: str) -> str:
    """The drawn signature as base64 PNG (a ``data:image/png;base64,`` prefix is taken
    off), or "" when none was drawn; anything else is refused."""
    value = drawn_png.strip().removeprefix("data:image/png;base64,")
    if not value:
        return ""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(DRAWN_REFUSED, field="drawn") from None
    if not raw.startswith(PNG_MAGIC) or len(raw) > DRAWN_MAX_BYTES:
        raise DomainError(DRAWN_REFUSED, field="drawn")
    return base64.b64encode(raw).decode()


@dataclass(frozen=True)
class SignedBy:
    """Where a signature came from, as the request tells it."""

    ip_address: str | None
    user_agent: str


def sign_agreement(
    agreement: Agreement,
    *,
    actor: User,
    consent: bool,
    typed_name: str,
    code: str,
    drawn_png: str = "",
    signed_by: SignedBy,
    now: datetime | None = None,
) -> Signature:
    """Sign ``agreement`` for the actor's side: the client first, then the practice. Needs
    consent to sign electronically, the signer's full name as their account has it, and the
    latest one-time code mailed to them. The signature records the SHA-256 of the exact
    text, who, when, from which address and browser, and is appended to the practice's
    hash-chained record. The countersignature puts the agreement in force (superseding the
    version it amends) and queues its sealed PDF."""
    now = now or timezone.now()
    side = _require_signer(agreement, actor)
    if not consent:
        raise DomainError("Tick the box to agree to sign electronically.", field="consent")
    if not typed_name.strip():
        raise DomainError("Type your full name to sign.", field="typed_name")
    if not actor.name.strip():
        raise DomainError(
            "Your account has no name yet: add your full name on your profile, then sign.",
            field="typed_name",
        )
    if not same_name(typed_name, actor.name):
        raise DomainError(
            f"Type your full name as your account has it ({actor.name}).", field="typed_name"
        )
    drawn = _check_drawn(drawn_png)
    # Spent outside the signature's transaction, so a wrong try is counted even though the
    # signing is refused; the spending itself is one conditional UPDATE.
    codes.use_code(agreement, user_id=actor.pk, code=code, now=now)
    return _write_signature(agreement, actor=actor, side=side, typed_name=typed_name,
                            drawn=drawn, signed_by=signed_by, now=now)  # fmt: skip


def _write_signature(
    agreement: Agreement,
    *,
    actor: User,
    side: Side,
    typed_name: str,
    drawn: str,
    signed_by: SignedBy,
    now: datetime,
) -> Signature:
    expected = State.AWAITING_CLIENT if side == Side.CLIENT else State.AWAITING_PRACTICE
    after = State.AWAITING_PRACTICE if side == Side.CLIENT else State.SIGNED
    practice = agreement.client.practice
    with transaction.atomic():
        moved = Agreement.objects.filter(
            pk=agreement.pk, state=expected, text_sha256=agreement.text_sha256
        ).update(state=after, **({"signed_at": now} if after == State.SIGNED else {}))
        if not moved:
            raise DomainError("This agreement changed while you were signing; open it again.")
        record = chain.append(practice, _record_content(agreement, actor, side, typed_name,
                                                         signed_by, now))  # fmt: skip
        signature = Signature.objects.create(
            practice=practice,
            agreement=agreement,
            side=side,
            signer=actor,
            typed_name=" ".join(typed_name.split()),
            signer_email=actor.email,
            drawn_png=drawn,
            text_sha256=agreement.text_sha256,
            signed_at=now,
            ip_address=signed_by.ip_address,
            user_agent=signed_by.user_agent[:400],
            record=record,
        )
        audit.record(
            Action.AGREEMENT_SIGNED,
            practice=practice,
            actor=actor,
            target=agreement,
            client_id=agreement.client_id,
            data={"side": side, "sha256": agreement.text_sha256, "record": record.sequence},
        )
        agreement.state = after
        if after == State.SIGNED:
            agreement.signed_at = now
            _put_in_force(agreement, now=now)
    return signature


def _record_content(
    agreement: Agreement, actor: User, side: Side, typed_name: str, signed_by: SignedBy,
    now: datetime,
) -> dict[str, object]:  # fmt: skip
    return {
        "agreement": agreement.pk,
        "client": agreement.client_id,
        "kind": agreement.kind,
        "version": agreement.version,
        "side": str(side),
        "signer": actor.pk,
        "signer_email": actor.email,
        "typed_name": " ".join(typed_name.split()),
        "text_sha256": agreement.text_sha256,
        "signed_at": now.isoformat(),
        "ip_address": signed_by.ip_address,
        "user_agent": signed_by.user_agent[:400],
    }


def _put_in_force(agreement: Agreement, *, now: datetime) -> None:
    from tandem.agreements.tasks import make_sealed_pdf

    if agreement.amends_id is not None:
        Agreement.objects.filter(pk=agreement.amends_id, state=State.SIGNED).update(
            state=State.SUPERSEDED, superseded_at=now
        )
    in_force.keep_in_force(agreement.client_id)
    Agreement.objects.filter(pk=agreement.pk).update(pdf_state=PdfState.RENDERING)
    agreement.pdf_state = PdfState.RENDERING
    make_sealed_pdf.enqueue(agreement.pk)


# Agreements before work --------------------------------------------------------------------


def agreements_required(practice_id: int) -> bool:
    policy = AgreementPolicy.objects.filter(practice_id=practice_id).first()
    return policy is not None and policy.require_before_work


def set_agreements_required(*, actor: User, required: bool) -> None:
    """Whether requests of the practice's clients wait for both agreements in force. Every
    client's row follows at once (one UPDATE), and so does each new client."""
    membership = access.member(actor)
    if membership is None or not access.allows(actor, C.KEEP_AGREEMENT_TEMPLATES):
        raise DomainError("Only the practice's owner decides this.")
    practice: Practice = membership.practice
    with transaction.atomic():
        AgreementPolicy.objects.update_or_create(
            practice=practice,
            defaults={"require_before_work": required, "changed_at": timezone.now()},
        )
        Client.objects.filter(practice=practice).update(requires_agreements=required)
        audit.record(
            Action.AGREEMENTS_REQUIRED_CHANGED,
            practice=practice,
            actor=actor,
            data={"required": required},
        )
