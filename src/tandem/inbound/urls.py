from django.urls import path

from tandem.inbound import views

app_name = "inbound"

urlpatterns = [
    path("inbound/messages/", views.receive, name="message-receive"),
]
