"""Calendar feeds: the feed calendar apps fetch, and the page where a person manages theirs.

``feed`` answers ``/calendar/<secret>.ics`` without a session (calendar apps have none): the
secret is the permission, and whoever else is signed in does not change what it shows. A
malformed, unknown or revoked secret gets the same 404, byte for byte. It is not rate
limited: the secret's 160 bits cannot be guessed at any rate, and an answer costs a fixed
handful of indexed queries whatever the size of the practice (``tests/test_calendar_feed``
counts them), like the other public addresses (logo, invitation links).
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET, require_POST, require_safe

from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.core.site import absolute
from tandem.core.tenancy import MemberRequest, member_required
from tandem.planning import feeds
from tandem.planning.feed_addresses import (
    live_feed_at,
    live_feed_of,
    make_calendar_feed,
    secret_of,
    turn_off_calendar_feed,
)
from tandem.planning.forms_feeds import NewAddressForm, TurnOffForm
from tandem.planning.models_feeds import CalendarFeed

NO_CALENDAR = b"No calendar at this address.\n"


@require_safe
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    found = live_feed_at(secret)
    if found is None:
        return _private(HttpResponseNotFound(NO_CALENDAR, content_type="text/plain"))
    window = feeds.Window.around(timezone.now())
    viewer = _viewer_of(found)
    body = feeds.to_ical(viewer, feeds.events_for(viewer, window), window)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["ETag"] = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    # A calendar app fetching again an unchanged feed gets 304 and no body.
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    return _private(conditional if conditional is not None else response)


def _viewer_of(found: CalendarFeed) -> feeds.Viewer:
    # live_feed_at answers only for an active member of the feed's practice.
    membership = access.member(found.person)
    side = access.side_of_member(membership)
    assert membership is not None
    assert side is not None
    return feeds.Viewer(found.person, membership.practice, side)


def _private(response: HttpResponse) -> HttpResponse:
    """Headers of every answer at a feed address: nothing shared caches keep, no referrer
    naming the address, nothing for search engines, nothing a browser would run."""
    patch_cache_control(response, private=True, no_cache=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@member_required(Capability.KEEP_CALENDAR_FEED)
@require_GET
def calendar_page(request: MemberRequest) -> HttpResponse:
    return _calendar_page(request)


@member_required(Capability.KEEP_CALENDAR_FEED)
@require_POST
def feed_make(request: MemberRequest) -> HttpResponse:
    """Make the person's calendar address, or a new one in place of the current one."""
    replaces_one = live_feed_of(request.user) is not None
    form = NewAddressForm(request.POST, replaces_one=replaces_one)
    if form.is_valid():
        try:
            make_calendar_feed(request.user, actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _made(replaces_one))
            return redirect("planning:calendar")
    return _calendar_page(request, new_form=form, status=400)


@member_required(Capability.KEEP_CALENDAR_FEED)
@require_POST
def feed_turn_off(request: MemberRequest) -> HttpResponse:
    form = TurnOffForm(request.POST)
    if form.is_valid():
        try:
            turn_off_calendar_feed(request.user, actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, "Your calendar address is off. Calendars that used it stop updating."
            )
            return redirect("planning:calendar")
    return _calendar_page(request, off_form=form, status=400)


def _made(replaced: bool) -> str:
    if replaced:
        return (
            "Here is your new calendar address. The old one no longer works: give your "
            "calendar app the new one."
        )
    return "Your calendar address is ready. Add it to your calendar app as shown below."


def _calendar_page(
    request: MemberRequest,
    *,
    new_form: NewAddressForm | None = None,
    off_form: TurnOffForm | None = None,
    status: int = 200,
) -> HttpResponse:
    live = live_feed_of(request.user)
    context: dict[str, Any] = {
        "feed": live,
        "is_client_side": access.side_of(request.user) == access.Side.CLIENT,
        "new_form": new_form or NewAddressForm(replaces_one=live is not None),
        "off_form": off_form or TurnOffForm(),
        **_addresses(request, live),
    }
    response = render(request, "planning/calendar_feed.html", context, status=status)
    # The page holds a secret address: no cache keeps it. Its own address holds none, so
    # the site's referrer policy stays (same-origin; "no-referrer" would make browsers send
    # "Origin: null" with the page's forms, which the CSRF check refuses).
    patch_cache_control(response, private=True, no_store=True)
    return response


def _addresses(request: MemberRequest, live: CalendarFeed | None) -> dict[str, str]:
    """The feed's address (https or http, as the site is served), its webcal:// twin for
    Apple Calendar and Outlook, and Google Calendar's "add by URL" link; empty when there
    is no live feed or its address can no longer be shown."""
    secret = secret_of(live) if live is not None else None
    if secret is None:
        return {}
    membership = access.member(request.user)
    practice = membership.practice if membership is not None else None
    address = absolute(practice, reverse("planning:feed", args=[secret]))
    webcal = "webcal://" + address.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    return {"address": address, "webcal_address": webcal, "google_address": google}
