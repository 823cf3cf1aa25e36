from django.urls import path

from tandem.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/practice/", views.practice_settings, name="practice-settings"),
    path("audit/", views.audit_log, name="audit-log"),
]
