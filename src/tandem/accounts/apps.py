from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tandem.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # allauth and Django announce sign-ins and 2FA changes only through signals; the
        # receivers do nothing but write the audit entry.
        from tandem.accounts import receivers  # noqa: F401
        from tandem.accounts.mfa import reseal_authenticators
        from tandem.core import rotation

        rotation.register("accounts.two_factor", reseal_authenticators)
