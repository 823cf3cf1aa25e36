"""The words of agreements: Tandem's default templates, the placeholders a template may use,
filling them for one client, and the readable list of what an amendment changes. Pure: no
database."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass

from tandem.core.errors import DomainError

# Every placeholder a template may name, with what it stands for (shown beside the editor).
PLACEHOLDERS: dict[str, str] = {
    "client_name": "the client's business name",
    "practice_name": "your practice's name",
    "hourly_rate": "your hourly rate, with its currency",
    "payment_terms": "when invoices are due",
    "notice_period": "the notice either side gives to end the agreement",
    "start_date": "the date the work starts",
    "today": "the date the agreement is issued",
}

_PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}")

SERVICE_TITLE = "Service agreement"
SERVICE_BODY = """\
# Service agreement

This agreement is between **{{practice_name}}** ("the assistant") and **{{client_name}}** \
("the client"), and starts on {{start_date}}.

## 1. The services

The assistant provides virtual administrative support as the client asks for it in writing \
through Tandem: each request says what done looks like and by when it is needed. The \
assistant confirms before starting work that is new, large or urgent.

## 2. How we work together

Requests are written down in Tandem, with a real deadline. The assistant replies within the \
response time the practice states and says at once when a deadline cannot be met. The \
client sends what the work needs in good time; work waits while something is owed.

## 3. Fees and payment

The assistant's rate is {{hourly_rate}} per hour, recorded in time entries the client can \
read. Invoices are sent monthly and are due {{payment_terms}}. Late invoices may pause new \
work until they are paid.

## 4. Independence

The assistant is an independent contractor, not an employee, uses their own equipment, and \
may work for other clients.

## 5. Ending the agreement

Either side may end this agreement by giving {{notice_period}} notice in writing. Work done \
until then is paid for, and the assistant returns or deletes the client's materials.

## 6. Changes

A change to this agreement is made as an amendment in Tandem, signed by both sides.

Issued on {{today}}.
"""

CONFIDENTIALITY_TITLE = "Confidentiality agreement"
CONFIDENTIALITY_BODY = """\
# Confidentiality agreement

This agreement is between **{{practice_name}}** ("the assistant") and **{{client_name}}** \
("the client"), from {{start_date}}.

## 1. What is confidential

Everything the assistant learns about the client's business while working for it: \
customers, suppliers, finances, plans, trade secrets, and every username, password and \
access code the client shares.

## 2. What the assistant does

The assistant uses confidential information only to do the client's work, shares it with \
no one outside the practice without the client's written consent, keeps passwords in \
Tandem's vault rather than in e-mail, and tells the client at once of any loss or misuse.

## 3. What is not confidential

Information that is already public, that the assistant knew before, or that the law \
requires to be disclosed (the assistant tells the client first where it may).

## 4. How long it lasts

These duties last for as long as the assistant works for the client and for three years \
after, and for trade secrets and credentials for as long as they stay secret. Either side \
may end the working relationship with {{notice_period}} notice; this agreement survives it.

## 5. When the work ends

The assistant returns or deletes the client's confidential information and passwords, and \
says in writing that this is done.

Issued on {{today}}.
"""


@dataclass(frozen=True)
class TemplateText:
    kind: str
    title: str
    body: str
    # 0: Tandem's default text (the practice has not edited it yet).
    version: int


def default_template(kind: str) -> TemplateText:
    if kind == "confidentiality":
        return TemplateText(kind, CONFIDENTIALITY_TITLE, CONFIDENTIALITY_BODY, 0)
    return TemplateText(kind, SERVICE_TITLE, SERVICE_BODY, 0)


def placeholders_in(text: str) -> list[str]:
    """The names of the placeholders ``text`` uses, in order, each once."""
    return list(dict.fromkeys(match.group(1) for match in _PLACEHOLDER.finditer(text)))


def check_placeholders(text: str, *, field: str = "body") -> None:
    """Refuse a placeholder Tandem cannot fill, naming it and the ones it can."""
    unknown = [name for name in placeholders_in(text) if name not in PLACEHOLDERS]
    if unknown:
        names = ", ".join(f"{{{{{name}}}}}" for name in unknown)
        known = ", ".join(f"{{{{{name}}}}}" for name in PLACEHOLDERS)
        noun = "placeholder" if len(unknown) == 1 else "placeholders"
        raise DomainError(
            f"Tandem does not know the {noun} {names}. Use one of {known}, or write the words out.",
            field=field,
        )


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with every known placeholder replaced by its value (unknown ones are refused
    first by ``check_placeholders``)."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def check_filled(text: str, *, field: str = "body") -> None:
    """Refuse to send text that still has a placeholder in it."""
    left = placeholders_in(text)
    if left:
        names = ", ".join(f"{{{{{name}}}}}" for name in left)
        raise DomainError(
            f"The agreement still has {names} in it: write the words in before sending.",
            field=field,
        )


def text_hash(title: str, body: str) -> str:
    """The SHA-256 of exactly what is signed: the title and the text, as stored."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (blocks between blank lines), each on one line."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [" ".join(block.split()) for block in blocks if block.strip()]


def changes_between(before: str, after: str) -> list[dict[str, str]]:
    """What ``after`` changes against ``before``, paragraph by paragraph, in reading order:
    each paragraph added, removed, or changed (with both versions)."""
    old, new = paragraphs(before), paragraphs(after)
    found: list[dict[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        paired = min(len(removed), len(added)) if tag == "replace" else 0
        for index in range(paired):
            found.append({"change": "changed", "before": removed[index], "after": added[index]})
        for paragraph in removed[paired:]:
            found.append({"change": "removed", "before": paragraph, "after": ""})
        for paragraph in added[paired:]:
            found.append({"change": "added", "before": "", "after": paragraph})
    return found
