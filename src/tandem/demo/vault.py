"""The demo's credential vault (issue 14): Bloom Florist (in Phase II) keeps three logins.
Mailchimp is shared with Ada from Phase I, with a TOTP seed; the Shopify admin with Ada from
Phase III, so she cannot reveal it yet; the supplier portal with nobody. Ada has revealed
Mailchimp three times over the last weeks, once late on a Sunday, and opened a one-time
share link Chloe sent with the shop's Wi-Fi password; Chloe's vault and its log show it all.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.vault import credentials, reveals, sharing
from tandem.vault.credentials import Secrets
from tandem.vault.models import Reveal

# (days ago, hour, reason): the log reads as weeks of real use.
REVEALS = [
    (20, 10, "Scheduling the spring newsletter"),
    (13, 22, "A subscriber complained the welcome mail bounced; checking it tonight"),
    (2, 9, "Building the Mother's Day campaign"),
]


def bloom_vault(clients: dict[str, Client], *, password: str) -> None:
    bloom = clients["Bloom Florist"]
    chloe = User.objects.get(email="chloe@bloom.example.com")
    ada = User.objects.get(email="ada@demo.example.com")
    mailchimp = credentials.store_credential(
        bloom,
        actor=chloe,
        name="Mailchimp",
        url="https://login.mailchimp.com",
        username="hello@bloom.example.com",
        secrets=Secrets(
            password="Peony-Tulip-4471!",  # noqa: S106 (a made-up demo login)
            totp_seed="JBSWY3DPEHPK3PXPJBSWY3DP",
            notes="Security question: first shop street. Answer: Market Row.",
        ),
        named=[ada],
    )
    credentials.store_credential(
        bloom,
        actor=chloe,
        name="Shopify admin",
        url="https://bloom-florist.myshopify.com/admin",
        username="chloe@bloom.example.com",
        secrets=Secrets(password="Ranunculus-9902"),  # noqa: S106 (demo)
        minimum_phase=3,
        named=[ada],
    )
    credentials.store_credential(
        bloom,
        actor=chloe,
        name="Supplier portal (Dutch flower auction)",
        url="https://supplier.example.com",
        username="bloom-london",
        secrets=Secrets(password="Lisianthus-3318"),  # noqa: S106 (demo)
    )
    now = timezone.now().replace(minute=5, second=0, microsecond=0)
    for days, hour, reason in REVEALS:
        shown = reveals.reveal_secret(mailchimp, actor=ada, reason=reason, password=password)
        when = (now - timedelta(days=days)).replace(hour=hour)
        # Seed data only: the reveals are dated over the past weeks for a believable log.
        Reveal.objects.filter(pk=shown.reveal.pk).update(
            revealed_at=when,
            outside_hours=reveals.is_outside_hours(bloom.practice.calendar(), when),
            ip_address="192.0.2.10",
            user_agent="Mozilla/5.0 (Macintosh) Firefox/128.0",
        )
    wifi = "Freesia-Guest-2030"
    made = sharing.make_share_link(
        bloom, actor=chloe, label="Shop Wi-Fi password", secret=wifi, lifetime="3d"
    )
    sharing.open_share_link(made.link, actor=ada)
