"""The vault list's rows, written here rather than by a template loop: a client with two
hundred logins is a list of two hundred rows, and a dozen template nodes each were most of
the page's time. Every value is escaped; no secret is ever among them."""

from __future__ import annotations

from datetime import datetime
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from tandem.clients.models import Phase
from tandem.core.links import link
from tandem.core.templatetags.when import formatter, time_html
from tandem.vault.selectors import Row

register = template.Library()

_PHASES = {int(value): str(label) for value, label in Phase.choices}


@register.simple_tag
def vault_rows(rows: list[Row], is_client_side: bool) -> SafeString:
    write = formatter("j M Y, H:i")
    zone = timezone.get_current_timezone()

    def when(instant: datetime | None) -> str:
        if instant is None:
            return '<span class="muted">Never</span>'
        return time_html(instant, write, zone)

    def access(row: Row) -> str:
        credential = row.credential
        if is_client_side:
            names = ", ".join(escape(grant.user.display_name) for grant in row.named)
            return names or '<span class="muted">Nobody at the practice</span>'
        if row.refusal:
            return f'<span class="muted small">{escape(row.refusal)}</span>'
        reveal = link("vault:credential-reveal", credential.pk)
        return f'<a class="button small" href="{reveal}">Reveal</a>'

    def line(row: Row) -> str:
        credential = row.credential
        url = ""
        if credential.url:
            url = f' <span class="muted small">{escape(credential.url)}</span>'
        return (
            "<tr>\n"
            f'<td><a href="{link("vault:credential", credential.pk)}">'
            f"{escape(credential.name)}</a>{url}</td>\n"
            f"<td>{escape(credential.username or '—')}</td>\n"
            f"<td>{escape(_PHASES.get(credential.minimum_phase, ''))}</td>\n"
            f"<td>{access(row)}</td>\n"
            f"<td>{when(getattr(credential, 'last_revealed_at', None))}</td>\n"
            "</tr>\n"
        )

    return mark_safe("".join(line(row) for row in rows))  # noqa: S308 (escaped above)
