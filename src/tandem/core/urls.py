from django.urls import path, re_path

from tandem.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/practice/", views.practice_settings, name="practice-settings"),
    path("audit/", views.audit_log, name="audit-log"),
    # The practice's face (core/branding.py).
    path("settings/practice/look/", views.practice_branding, name="practice-branding"),
    path("brand/<int:practice_id>/<str:token>.png", views.practice_logo, name="practice-logo"),
    re_path(
        r"^brand/accent/(?P<colour>[0-9a-f]{6})\.css$",
        views.accent_stylesheet,
        name="accent-css",
    ),
]
