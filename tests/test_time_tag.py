"""{{ instant|time_tag:"…" }}: the same words as Django's date filter, in a <time> element."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import dateformat, timezone

from tandem.core.templatetags.when import formatter, time_tag, zone_name

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


# {% zoned_time %}: a time meant in another zone names it only when the viewer's clock differs.

FRIDAY_5PM_NY = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)  # 17:00 in New York


def zoned(viewer: str, *, zone: str = "America/New_York", fmt: str = "D j M, H:i") -> str:
    template = Template("{% zoned_time when zone fmt %}")
    with timezone.override(ZoneInfo(viewer)):
        return template.render(Context({"when": FRIDAY_5PM_NY, "zone": zone, "fmt": fmt}))


def test_a_time_in_the_viewers_own_zone_is_not_marked() -> None:
    assert zoned("America/New_York") == (
        '<time datetime="2026-12-04T22:00:00+00:00">Fri 4 Dec, 17:00</time>'
    )


def test_a_zone_with_the_same_wall_time_is_not_marked_either() -> None:
    # Toronto keeps New York's clock: nothing to tell apart.
    assert zoned("America/Toronto").endswith("Fri 4 Dec, 17:00</time>")


def test_a_time_meant_in_another_zone_names_it_and_gives_the_viewers_time() -> None:
    assert zoned("Europe/London") == (
        '<time datetime="2026-12-04T22:00:00+00:00">Fri 4 Dec, 17:00</time>'
        " New York time (22:00 your time)"
    )


def test_the_viewers_time_on_another_day_says_the_day() -> None:
    assert zoned("Asia/Tokyo").endswith("New York time (Sat 5 Dec, 07:00 your time)")


def test_plain_text_and_an_explicit_viewer_for_mail() -> None:
    template = Template('{% zoned_time when "America/New_York" "H:i" viewer="UTC" plain=True %}')
    assert template.render(Context({"when": FRIDAY_5PM_NY})) == (
        "17:00 New York time (22:00 your time)"
    )


def test_no_instant_writes_nothing_either() -> None:
    assert Template('{% zoned_time None "UTC" "H:i" %}').render(Context()) == ""


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("America/New_York", "New York time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("Europe/London", "London time"),
        ("UTC", "UTC"),
    ],
)
def test_zone_names_are_said_as_people_say_them(key: str, said: str) -> None:
    assert zone_name(key) == said
