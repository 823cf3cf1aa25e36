from django.apps import AppConfig


class InboundConfig(AppConfig):
    name = "tandem.inbound"
    label = "inbound"
    verbose_name = "Requests by e-mail"
