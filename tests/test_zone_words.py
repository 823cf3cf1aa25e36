"""Time zones said as people say them: "New York time", never "America/New_York".

A client's page says whose clock it is and what time it is there now ("New York time, now
07:12"); every page, form and mail that names a zone uses the same words (``zone_name``).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tandem.accounts.services import update_profile
from tandem.clients.services import update_client
from tandem.core.calendar import PracticeCalendar
from tandem.core.templatetags.when import zone_name
from tandem.notify.acknowledgement import local_time
from tandem.work.deadlines import VagueDeadline, resolve_deadline
from tandem.work.services import create_task
from tests.conftest import Personas, PracticeWorld, page_text, signed_in

# Wednesday 2 December 2026, 12:12 UTC: 07:12 in New York.
NOW = datetime(2026, 12, 2, 12, 12, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def in_new_york(personas: Personas) -> PracticeWorld:
    """Client 1 and everyone who works on it read their clocks in New York."""
    world = personas.a
    client = world.client1
    update_client(
        client, actor=world.owner, name=client.name, time_zone="America/New_York", notes=""
    )
    for person in (world.owner, world.assistant, world.contact1):
        update_profile(person, name=person.name, time_zone="America/New_York")
    return world


def visible_text(response) -> str:
    """What the page says: no pickers (a zone's own list names zones by key), no markup."""
    markup = re.sub(
        r"<select.*?</select>|<script.*?</script>", "", response.content.decode(), flags=re.S
    )
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def test_the_client_page_says_whose_clock_and_the_time_there_now(
    in_new_york: PracticeWorld, clock
) -> None:
    world = in_new_york
    response = signed_in(world.owner).get(f"/clients/{world.client1.pk}/")

    assert 'New York time, now <time datetime="2026-12-02T12:12:00+00:00">07:12</time>' in (
        response.content.decode()
    )
    assert "America/New_York" not in visible_text(response)


def test_pages_that_name_a_zone_say_it_in_words(in_new_york: PracticeWorld, clock) -> None:
    world = in_new_york
    client = world.client1
    task = create_task(
        client,
        actor=world.contact1,
        title="Book the venue",
        expectations="A signed booking",
        deadline_at=timezone.now() + timedelta(days=3),
    )
    pages = {
        world.owner: [
            "/dashboard/",
            "/clients/",
            f"/clients/{client.pk}/",
            "/requests/",
            "/board/",
            f"/clients/{client.pk}/board/",
            "/inbox/",
            "/inbound/",
            f"/clients/{client.pk}/repeating/",
            f"/clients/{client.pk}/repeating/new/",
            f"/clients/{client.pk}/projects/new/",
            f"/clients/{client.pk}/requests/new/",
        ],
        world.contact1: ["/portal/", "/requests/", f"/tasks/{task.pk}/edit/"],
    }
    for person, urls in pages.items():
        http = signed_in(person)
        for url in urls:
            response = http.get(url)
            assert response.status_code == 200, url
            text = visible_text(response)
            assert "America/New_York" not in text, url
    assert "Times are in New York time." in page_text(signed_in(world.owner).get("/requests/"))
    assert "New York time · " in page_text(signed_in(world.owner).get("/dashboard/"))


@pytest.mark.parametrize(
    ("zone", "said"),
    [
        (ZoneInfo("America/New_York"), "New York time"),
        (ZoneInfo("America/Argentina/Buenos_Aires"), "Buenos Aires time"),
        (ZoneInfo("UTC"), "UTC"),
    ],
)
def test_a_zone_itself_is_said_as_its_key_would_be(zone: ZoneInfo, said: str) -> None:
    assert zone_name(zone) == said


def test_the_receipt_names_the_senders_zone_in_words() -> None:
    instant = datetime(2026, 12, 3, 17, tzinfo=UTC)
    assert local_time(instant, ZoneInfo("America/New_York")) == "Thu 3 Dec 12:00 (New York time)"
    assert local_time(instant, ZoneInfo("UTC")) == "Thu 3 Dec 17:00 (UTC)"


def test_a_time_the_clocks_skip_is_refused_in_words() -> None:
    # 8 March 2026: New York's clocks go from 02:00 to 03:00.
    calendar = PracticeCalendar(time_zone="America/New_York")
    now = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("America/New_York"))
    with pytest.raises(VagueDeadline) as refused:
        resolve_deadline(
            "2026-03-08 02:30", time_zone="America/New_York", now=now, calendar=calendar
        )
    assert refused.value.message.startswith(
        "02:30 New York time does not exist on Sunday 8 March 2026: the clocks go forward"
    )
