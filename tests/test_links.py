"""core.links: the same URL as reverse(), reversed once per name."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from tandem.core.links import link

NAMES = ["work:task-detail", "home:client-detail", "work:board", "work:task-create"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 42, 9081726354])
def test_a_link_is_what_reverse_gives(name: str, pk: int) -> None:
    assert link(name, pk) == reverse(name, args=[pk])


def test_a_link_follows_the_script_prefix_the_site_is_served_under() -> None:
    set_script_prefix("/tandem/")
    try:
        assert link("work:task-detail", 7) == "/tandem/tasks/7/"
    finally:
        clear_script_prefix()
    assert link("work:task-detail", 7) == "/tasks/7/"


def test_a_url_without_one_integer_id_is_refused() -> None:
    with pytest.raises(NoReverseMatch):
        link("work:inbox", 1)


def test_the_template_filter_writes_the_link() -> None:
    rendered = Template('<a href="{{ pk|link_to:"work:task-detail" }}">').render(Context({"pk": 5}))
    assert rendered == '<a href="/tasks/5/">'
