from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The pages that gather several apps' work: the dashboard, the portal, a client's page."""

    name = "tandem.home"
    label = "home"
    verbose_name = "Home pages"
