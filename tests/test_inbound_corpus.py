"""Every message of the shared real-world mail corpus, read in place (it is not copied into
this repository), sent by a contact to their client's address.

Real mail from Gmail, Outlook, Yahoo, AOL, an iPhone, Exchange, Thunderbird and mailing
lists: broken MIME, lying charsets, 210 KB headers, bounces, auto-replies and an Outlook .msg.
Each must end as a task, an ignored automatic message or a one-sentence refusal; none may
crash, and none holds a deadline in its new text, so no task may get one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tandem.inbound.addresses import client_address
from tandem.inbound.models import Outcome
from tandem.inbound.parsing import MalformedMessage
from tandem.inbound.services import receive_message
from tandem.work.models import Attachment, Task, TaskStatus
from tests.conftest import Personas
from tests.test_inbound import mail

# The corpus lives beside the checkout, not in it, so a fresh clone elsewhere does not have
# it: `make test` leaves these out and `make test-corpus` runs them where it is.
pytestmark = pytest.mark.corpus

CORPUS = Path(
    os.environ.get(
        "TANDEM_MAIL_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "mail-corpus"
    )
)
FILES = sorted(path.name for path in CORPUS.glob("*.eml"))
AUTOMATIC = {"32", "33", "34", "35", "36", "37"}
NOT_MAIL = {"38"}
# What the sender wrote, once quotes and signatures are gone (from the sources' own tests).
REQUESTS = {
    "03": "This is html and text message, thanks",
    **dict.fromkeys(("04", "05", "06", "07", "08", "09", "10", "11"), "Hello"),
    "14": "This is email body",
    "15": "Tohle je test českých písmen odeslaných z gmailu.",
    "23": "すみません。",
    "24": "Это сообщение имеет неправильную кодировка.",
    "28": "Some body",
    "30": "Hello\nThis is an outlook test\n\nSo there.\n\nMe.",
}
TITLES = {
    "13": "Fwd: Cyklozaměstnavatel - změna vyhodnocení",
    "15": "Český test",
    "17": "Another PDF with 🎉 Unicode chars in it 🍿",
    "23": "まみむめも",
    "26": "(no subject)",
    "29": "(no subject)",
}
FILE_NAMES = {
    "18": {"piłkochwyty.jpg", "odpowiedź Burmistrza.jpg"},
    "19": {"Eelanalüüsi päring.jpg"},
    "22": {
        "Пакет предложений HSE Career Fair 8 апреля 2016.pdf",
        "Ведомости.pdf",
        "Пакет предложений 2016.pptx",
    },
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 38, f"The shared mail corpus was not found at {CORPUS}."


@pytest.mark.parametrize("name", FILES)
def test_a_real_message_becomes_a_task_an_ignored_message_or_a_clear_refusal(
    personas: Personas, name: str
) -> None:
    world = personas.a
    number = name[:2]
    raw = mail(name, sender=world.contact1.email, to="list@example.org", folder=CORPUS)
    address = client_address(world.client1)

    if number in NOT_MAIL:
        with pytest.raises(MalformedMessage, match=r"Outlook \.msg"):
            receive_message(raw, recipient=address)
        return
    receipt = receive_message(raw, recipient=address)

    if number in AUTOMATIC:
        assert receipt.outcome == Outcome.AUTOMATIC
        assert not Task.objects.exists()
        return
    assert receipt.outcome == Outcome.TASK_CREATED, receipt.note
    task = Task.objects.get()
    assert (task.status, task.deadline_at) == (TaskStatus.NEEDS_DEADLINE, None)
    assert 0 < len(task.title) <= 200
    if number in REQUESTS:
        assert task.request_markdown == REQUESTS[number]
    if number in TITLES:
        assert task.title == TITLES[number]
    if number in FILE_NAMES:
        assert set(Attachment.objects.values_list("name", flat=True)) == FILE_NAMES[number]
