from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "tandem.search"
    label = "search"
    verbose_name = "Search"
