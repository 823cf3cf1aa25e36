"""The benchmark's floor page; included by ``tandem.urls_bench`` only (TANDEM_BENCH=1)."""

from django.urls import path

from tandem.work import views_bench

urlpatterns = [path("bench/floor/", views_bench.floor, name="bench-floor")]
