from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = "Tandem core"

    def ready(self) -> None:
        # Unsent mail is sealed; `rotate_keys` re-seals every place registered like this.
        from django.core import checks

        from tandem.core import crypto, mail, rotation

        rotation.register("core.unsent_mail", mail.reseal_unsent_mail)
        checks.register(crypto.check_master_keys)
