from django import template

from tandem.core.links import link

register = template.Library()


@register.filter
def link_to(pk: int, url_name: str) -> str:
    """``{{ task.pk|link_to:"work:task-detail" }}``: that object's page (see core.links)."""
    return link(url_name, pk)


@register.simple_tag(name="link")
def link_tag(url_name: str, *ids: int) -> str:
    """``{% link "home:dashboard" %}``, ``{% link "clients:client-detail" client.pk %}``:
    ``{% url %}`` for URLs whose arguments are ids, reversed once (see core.links). The
    navigation of every page has about twenty of them."""
    return link(url_name, *ids)
