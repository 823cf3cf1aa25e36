"""The credential vault (issue 14): a client keeps the usernames and passwords its assistants
need, decides who may see each and from which phase, reads who revealed what and why, and
revokes access at once. Beside ``trust`` and ``planning``, above ``work`` and
``delegation``: it reads the client's phase through the access policy; nothing imports it."""

from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "tandem.vault"
    label = "vault"
    verbose_name = "Vault"

    def ready(self) -> None:
        from tandem.core import rotation
        from tandem.vault import reactions, sealing  # noqa: F401  (reactions register here)

        rotation.register("vault.credentials", sealing.reseal_credentials)
        rotation.register("vault.share_links", sealing.reseal_share_links)
