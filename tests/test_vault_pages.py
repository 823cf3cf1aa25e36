"""The vault's pages cost the same number of queries with 2 credentials as with 30, and a
copy of the database after a whole vault journey holds none of its secrets.

Every page starts with the same two queries (the session, the user with their membership
and its practice); the counts below list the page's own.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tandem.clients.services import unassign_assistant
from tandem.vault import credentials, reveals, sharing
from tandem.vault.credentials import Secrets
from tandem.vault.models import Credential, Reveal
from tests.conftest import PASSWORD, Personas, PracticeWorld, signed_in
from tests.reactions import react_now

SIZES = [2, 30]


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()


def populate(world: PracticeWorld, rows: int) -> Credential:
    """``rows`` credentials of client 1 named for the assistant and the owner, each revealed
    twice; a share link; a leaver's notice with what they saw. Returns the first credential."""
    first = None
    for number in range(rows):
        stored = credentials.store_credential(
            world.client1,
            actor=world.contact1,
            name=f"Service {number:02}",
            url="https://example.com",
            username=f"user{number}",
            secrets=Secrets(password=f"pass-{number}-Zebra"),
            named=[world.assistant, world.owner],
        )
        first = first or stored
        for _ in range(2):
            Reveal.objects.create(
                practice=world.practice,
                client=world.client1,
                credential=stored,
                user=world.assistant,
                reason=f"Work on {number}",
            )
    sharing.make_share_link(
        world.client1, actor=world.contact1, label="Wi-Fi", secret="w1f1", lifetime="1d"
    )
    assert first is not None
    return first


@pytest.mark.parametrize("rows", SIZES)
def test_the_clients_vault(personas: Personas, rows: int, django_assert_num_queries) -> None:
    a = personas.a
    populate(a, rows)
    unassign_assistant(a.client1, assistant=a.assistant, actor=a.owner)
    react_now()
    http = signed_in(a.contact1)
    # 3. the client, 4. its credentials with each one's last reveal (a subquery per row on
    # its index), 5. their open grants with the people, 6. leavers' notices, 7. what each
    # leaver revealed, 8. recent share links
    with django_assert_num_queries(8):
        response = http.get(reverse("vault:list", args=[a.client1.pk]))
    assert response.status_code == 200
    assert len(response.context["page"].rows) == rows
    assert len(response.context["page"].notices[0].to_change) == rows


@pytest.mark.parametrize("rows", SIZES)
def test_the_assistants_vault(personas: Personas, rows: int, django_assert_num_queries) -> None:
    a = personas.a
    populate(a, rows)
    http = signed_in(a.assistant)
    # 3. the client (through the assistant's assignments), 4. its credentials, 5. the
    # assistant's grants on them
    with django_assert_num_queries(5):
        response = http.get(reverse("vault:list", args=[a.client1.pk]))
    assert response.status_code == 200
    assert all(row.refusal is None for row in response.context["page"].rows)


@pytest.mark.parametrize("rows", SIZES)
def test_the_reveal_log(personas: Personas, rows: int, django_assert_num_queries) -> None:
    a = personas.a
    populate(a, rows)
    http = signed_in(a.contact1)
    # 3. the client, 4. a page of reveals with their people and credentials
    with django_assert_num_queries(4):
        response = http.get(reverse("vault:log", args=[a.client1.pk]))
    assert len(response.context["page"].reveals) == min(2 * rows, 50)


@pytest.mark.parametrize("rows", SIZES)
def test_a_credentials_page(personas: Personas, rows: int, django_assert_num_queries) -> None:
    a = personas.a
    first = populate(a, rows)
    for _ in range(rows):
        Reveal.objects.create(
            practice=a.practice, client=a.client1, credential=first, user=a.owner, reason="x"
        )
    http = signed_in(a.contact1)
    # 3. the credential with its client, practice and who stored it, 4. its grants with
    # their people, 5. its latest reveals with their people
    with django_assert_num_queries(5):
        response = http.get(reverse("vault:credential", args=[first.pk]))
    assert response.status_code == 200


SECRETS = ("Zebra-Quartz-7731!", "NOTEWORTHY-5519", "JBSWY3DPEHPK3PXPJBSWY3DP", "w1f1-SECRET-42")


@pytest.mark.django_db(transaction=True)
def test_a_copy_of_the_database_after_the_journey_holds_no_secret(
    personas: Personas, tmp_path: Path
) -> None:
    """Store, reveal (the reason and the log are in the database, the secret is not), change,
    share once and open: then dump every table and read the database's own file."""
    a = personas.a
    contact, assistant = signed_in(a.contact1), signed_in(a.assistant)
    contact.post(
        reverse("vault:credential-add", args=[a.client1.pk]),
        {
            "name": "Mailchimp",
            "password": SECRETS[0],
            "notes": f"Recovery: {SECRETS[1]}",
            "totp_seed": SECRETS[2],
            "minimum_phase": "1",
            "named": [str(a.assistant.pk)],
        },
    )
    credential = Credential.objects.get()
    shown = assistant.post(
        reverse("vault:credential-reveal", args=[credential.pk]),
        {"reason": "Newsletter", "password": PASSWORD},
    )
    assert SECRETS[0] in shown.content.decode()
    made = sharing.make_share_link(
        a.client1, actor=a.contact1, label="Wi-Fi", secret=SECRETS[3], lifetime="1d"
    )
    unopened = sharing.make_share_link(
        a.client1, actor=a.contact1, label="Door code", secret="door-SECRET-9", lifetime="1d"
    )
    assert unopened.link.secret_sealed
    assistant.post(reverse("vault:share-open", args=[made.token]))
    reveals.reveal_secret(credential, actor=a.contact1, reason="Checking", password=PASSWORD)
    react_now()

    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    text = dump.getvalue()
    json.loads(text)
    for secret in (*SECRETS, "door-SECRET-9", made.token, unopened.token):
        assert secret not in text, f"{secret!r} is in the dump"
    if connection.vendor == "sqlite":
        connection.close()
        raw = Path(connection.settings_dict["NAME"]).read_bytes()
        wal = Path(f"{connection.settings_dict['NAME']}-wal")
        raw += wal.read_bytes() if wal.exists() else b""
        for secret in (*SECRETS, "door-SECRET-9"):
            assert secret.encode() not in raw, f"{secret!r} is in the database file"
