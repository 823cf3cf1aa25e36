from django.urls import path

from tandem.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("start/", views.practice_create, name="practice-create"),
]
