"""Agreements signed in Tandem (issue 14): the practice's templates, agreements issued to a
client and signed by both sides, their hash-chained record of signatures, the sealed PDF
and its verification, amendments, and "agreements before work". Beside ``planning`` and
``trust``: it reads ``clients``' rows; nothing below imports it. The access policy reads
the agreements in force from the client's row (``Client.service_agreement_at``, …), which
this app keeps current, through the requirement it registers here."""

from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "tandem.agreements"
    label = "agreements"
    verbose_name = "Agreements"

    def ready(self) -> None:
        from tandem.agreements import certificates, in_force, receivers  # noqa: F401
        from tandem.core import access, rotation
        from tandem.core.roles import Capability

        access.add_requirement(Capability.TAKE_ON_REQUEST, in_force.AGREEMENTS_IN_FORCE)
        rotation.register("agreements.certificate_keys", certificates.reseal_keys)
