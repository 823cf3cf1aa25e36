"""The URLs when ``TANDEM_BENCH=1``: every page of the app, plus the benchmark's floor.

A separate URLconf rather than an ``if`` in ``tandem.urls``, so the app's own URL map never
depends on an environment variable and a test can switch to this one with ROOT_URLCONF.
"""

from django.urls import include, path

from tandem.urls import handler400, handler403, handler404, handler500
from tandem.urls import urlpatterns as app_urlpatterns

urlpatterns = [*app_urlpatterns, path("", include("tandem.work.urls_bench"))]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
