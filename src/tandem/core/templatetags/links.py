from django import template

from tandem.core.links import link

register = template.Library()


@register.filter
def link_to(pk: int, url_name: str) -> str:
    """``{{ task.pk|link_to:"work:task-detail" }}``: that object's page (see core.links)."""
    return link(url_name, pk)
