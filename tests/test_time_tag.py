"""{{ instant|time_tag:"…" }}: the same words as Django's date filter, in a <time> element."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import dateformat, timezone

from tandem.core.templatetags.when import formatter, time_tag

FORMATS = ["D j M, H:i", "j M Y, H:i", "D j M Y, H:i", "j M, H:i", "l j F Y, H:i", "j M"]
ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("django_format", FORMATS)
def test_writes_what_djangos_date_filter_writes(zone: str, django_format: str) -> None:
    # A year of instants at odd minutes: both sides of each daylight-saving change.
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with timezone.override(ZoneInfo(zone)):
        for step in range(0, 366, 5):
            moment = timezone.localtime(start + timedelta(days=step, minutes=step * 37))
            assert formatter(django_format)(moment) == dateformat.format(moment, django_format)


def test_a_format_beyond_the_common_letters_falls_back_to_django() -> None:
    moment = datetime(2026, 3, 5, 9, 7, tzinfo=UTC)
    assert formatter("N jS, P")(moment) == "March 5th, 9:07 a.m."


def test_the_element_carries_the_instant_in_utc_and_shows_it_in_the_viewers_zone() -> None:
    instant = datetime(2026, 7, 3, 16, 30, tzinfo=UTC)
    with timezone.override(ZoneInfo("America/New_York")):
        html = Template('{{ when|time_tag:"D j M, H:i" }}').render(Context({"when": instant}))
    assert html == '<time datetime="2026-07-03T16:30:00+00:00">Fri 3 Jul, 12:30</time>'


def test_no_instant_writes_nothing() -> None:
    assert time_tag(None, "D j M, H:i") == ""
