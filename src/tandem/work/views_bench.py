"""The benchmark's floor: the plainest page this stack can serve, timed beside the real ones.

25 tasks joined to their client in one query, a template with no base and no tags, no
sign-in. Its median is what every measured page is divided by, so a page's ratio says how
much heavier it is than the framework, the middleware and one query, whatever the machine's
speed that day. Routed only by ``tandem.urls_bench`` (``ROOT_URLCONF`` when
``TANDEM_BENCH=1``), and refused here too when the setting is off, so a real install never
serves it: it lists tasks of every practice to anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.work.models import Task

FLOOR_ROWS = 25


@require_GET
def floor(request: HttpRequest) -> HttpResponse:
    if not settings.TANDEM_BENCH:
        raise Http404
    tasks = Task.objects.select_related("client").order_by("-pk")[:FLOOR_ROWS]
    return render(request, "work/bench_floor.html", {"tasks": tasks})
