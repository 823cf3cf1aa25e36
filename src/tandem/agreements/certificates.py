"""Each practice's certificate that seals its signed agreements: a self-signed certificate
Tandem makes with ``cryptography`` on first use, its private key sealed by ``core.crypto``
under a context naming the practice and the certificate, so a copy of the database alone
cannot seal a forged agreement. ``reseal_keys`` lets ``rotate_keys`` move the keys to the
newest master key."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import IntegrityError, transaction

from tandem.agreements.models import PracticeCertificate
from tandem.core import crypto, rotation
from tandem.core.models import Practice

# Long enough to outlive the agreements it seals being read; the seal says when it was made.
VALID_DAYS = 20 * 365


@dataclass(frozen=True)
class SealingKey:
    certificate_der: bytes
    # PKCS#8 DER: only in memory, for the time of one sealing.
    private_key_der: bytes


def key_context(practice_id: int, fingerprint: str) -> str:
    return f"agreements.PracticeCertificate.sealed_key:{practice_id}:{fingerprint}"


def _make(practice: Practice) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{practice.name[:50]} (agreements)"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, practice.name[:60] or "Tandem"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"Tandem practice {practice.pk}"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.DER), der_key


def fingerprint_of(certificate_der: bytes) -> str:
    return hashlib.sha256(certificate_der).hexdigest()


def certificate_for(practice: Practice) -> PracticeCertificate:
    """The practice's certificate, made on first use (two workers at once: one wins, the
    other reads the winner's)."""
    found = PracticeCertificate.objects.filter(practice=practice).first()
    if found is not None:
        return found
    certificate_der, key_der = _make(practice)
    fingerprint = fingerprint_of(certificate_der)
    pem = x509.load_der_x509_certificate(certificate_der).public_bytes(serialization.Encoding.PEM)
    try:
        with transaction.atomic():
            return PracticeCertificate.objects.create(
                practice=practice,
                certificate_pem=pem.decode(),
                fingerprint=fingerprint,
                sealed_key=crypto.seal(key_der, context=key_context(practice.pk, fingerprint)),
            )
    except IntegrityError:
        return PracticeCertificate.objects.get(practice=practice)


def certificate_der(row: PracticeCertificate) -> bytes:
    return x509.load_pem_x509_certificate(row.certificate_pem.encode()).public_bytes(
        serialization.Encoding.DER
    )


def sealing_key(row: PracticeCertificate) -> SealingKey:
    """The certificate and its private key opened, for one sealing."""
    key_der = crypto.unseal(row.sealed_key, context=key_context(row.practice_id, row.fingerprint))
    return SealingKey(certificate_der(row), key_der)


def reseal_keys(batch_size: int) -> rotation.Tally:
    """Re-seal every practice's certificate key under the newest master key; each row is
    written only if its sealed key is still what was read (a conditional update)."""
    tally = rotation.Tally("agreement certificate keys")
    last_id = 0
    while True:
        rows = list(
            PracticeCertificate.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "practice_id", "fingerprint", "sealed_key")[:batch_size]
        )
        if not rows:
            return tally
        for pk, practice_id, fingerprint, sealed in rows:
            last_id = pk
            try:
                value, outcome = rotation.reseal_value(
                    sealed, context=key_context(practice_id, fingerprint)
                )
            except crypto.UnsealError as error:
                tally.add_unreadable(f"certificate {pk}", error)
                continue
            if outcome != rotation.Outcome.CURRENT:
                written = PracticeCertificate.objects.filter(pk=pk, sealed_key=sealed).update(
                    sealed_key=value
                )
                outcome = outcome if written else rotation.Outcome.CHANGED_MEANWHILE
            tally.add(outcome)
