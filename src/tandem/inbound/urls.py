from django.urls import path

from tandem.inbound import views

app_name = "inbound"

urlpatterns = [
    path("inbound/messages/", views.receive, name="message-receive"),
    # The practice's log of what arrived by e-mail and what became of it.
    path("inbound/", views.message_list, name="message-list"),
]
