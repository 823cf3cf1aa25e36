from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "tandem.clients"
    label = "clients"
    verbose_name = "Clients"
