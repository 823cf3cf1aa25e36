from django.urls import URLPattern, path

app_name = "trust"

urlpatterns: list[URLPattern] = []

__all__ = ["path", "urlpatterns"]
