"""The signed agreement as a PDF: rendered with WeasyPrint (the text, then a certificate page
with the signers, times, addresses, hashes and the chain), sealed with a PDF signature by
pyHanko under the practice's certificate, and checked again on the verify page.

The PDF's keywords carry ``tandem-agreement:<id>:<text sha256>``; the seal covers the whole
file, so that line cannot change without breaking it.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from django.template.loader import render_to_string

from tandem.agreements import certificates, chain
from tandem.agreements.models import Agreement, PracticeCertificate, Signature, State
from tandem.core.markdown import render_markdown

T = TypeVar("T")
KEYWORD = re.compile(r"tandem-agreement:(\d{1,18}):([0-9a-f]{64})")
# An upload past this is not one of our agreements (they are a few hundred kilobytes).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _without_a_running_loop(function: Callable[[], T]) -> T:
    """Call ``function``, which may use ``asyncio.run`` (pyHanko's signing and validation
    do): in a thread of its own when this thread already runs an event loop (a worker run
    inside something asynchronous, such as a browser test driving Playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def html_for(agreement: Agreement, signatures: list[Signature]) -> str:
    records = chain.chain_for(agreement.pk, agreement.practice_id)
    return render_to_string(
        "agreements/pdf.html",
        {
            "agreement": agreement,
            "body": render_markdown(agreement.body),
            "signatures": signatures,
            "records": records,
            "keywords": f"tandem-agreement:{agreement.pk}:{agreement.text_sha256}",
        },
    )


def render(agreement: Agreement, signatures: list[Signature]) -> bytes:
    """The unsealed PDF of a signed agreement."""
    import weasyprint
    from PIL import ImageFile
    from weasyprint.urls import URLFetcher

    # Importing WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process:
    # the worker that renders an agreement would then make thumbnails of broken uploads.
    # The only images here are our own drawn signatures, whole; turn it back off.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    # Only data: URIs (the drawn signatures) load: nothing from the network or the disk.
    only_data = URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(string=html_for(agreement, signatures), url_fetcher=only_data)
    pdf: bytes = document.write_pdf()
    return pdf


def warm_up() -> None:
    """Load WeasyPrint, its fonts and pyHanko before a worker takes its first job: loaded then,
    they made the first agreement's PDF take about three seconds longer than the next."""
    import pyhanko.sign.signers  # noqa: F401 (loaded for its import time only)
    import weasyprint
    from PIL import ImageFile

    weasyprint.HTML(string="<p>Tandem</p>").write_pdf()
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # see render()


def seal(pdf: bytes, certificate: PracticeCertificate, *, reason: str) -> bytes:
    """``pdf`` with a PDF signature over the whole file by the practice's certificate."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    opened = certificates.sealing_key(certificate)
    cert = asn1_x509.Certificate.load(opened.certificate_der)
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(opened.private_key_der),
        cert_registry=SimpleCertificateStore.from_certs([cert]),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(field_name="TandemSeal", reason=reason[:200])
    output = _without_a_running_loop(lambda: signers.sign_pdf(writer, metadata, signer=signer))
    sealed: bytes = output.getvalue()
    return sealed


def sealed_pdf(agreement: Agreement) -> bytes:
    """Render and seal ``agreement`` (signed by both sides) under its practice's certificate."""
    signatures = list(agreement.signatures.order_by("signed_at", "pk"))
    certificate = certificates.certificate_for(agreement.practice)
    reason = f"{agreement.number} signed by both sides in Tandem"
    return seal(render(agreement, signatures), certificate, reason=reason)


# Verifying an uploaded file ------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    is_genuine: bool
    # What the person is told, as a sentence.
    message: str
    agreement: Agreement | None = None


NOT_A_PDF = "This file is not a PDF. Choose the agreement's PDF as Tandem gave it to you."
UNREADABLE = "This PDF could not be read: it is damaged or was changed."
NO_SEAL = "This PDF carries no Tandem seal, so it is not a signed agreement from Tandem."
UNKNOWN_SEAL = "This PDF is sealed, but not by any practice's certificate that Tandem holds."
ALTERED = "This PDF was changed after Tandem sealed it: it is not the agreement as signed."
NO_MATCH = "The seal is Tandem's, but no signed agreement Tandem holds matches this text."
TOO_BIG = "This file is larger than any agreement Tandem makes (10 MB at most)."


def verify(data: bytes) -> Verdict:
    """Whether ``data`` is a true, unaltered Tandem agreement: a PDF whose seal validates
    against a practice certificate Tandem holds, covers the whole file, and whose embedded
    text hash matches a signed agreement of that practice."""
    if len(data) > MAX_UPLOAD_BYTES:
        return Verdict(False, TOO_BIG)
    if b"%PDF-" not in data[:1024]:
        return Verdict(False, NOT_A_PDF)
    try:
        return _verify_pdf(data)
    # The file is anyone's upload, parsed by pyHanko: whatever it raises on a mangled file
    # (its own errors, or ValueError/KeyError/TypeError deep in the parser) means the same
    # to the person: not a readable PDF.
    except Exception:
        return Verdict(False, UNREADABLE)


def _verify_pdf(data: bytes) -> Verdict:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    seals = reader.embedded_signatures
    if not seals:
        return Verdict(False, NO_SEAL)
    embedded = seals[-1]
    signer_der = embedded.signer_cert.dump()
    held = PracticeCertificate.objects.filter(
        fingerprint=hashlib.sha256(signer_der).hexdigest()
    ).first()
    if held is None:
        return Verdict(False, UNKNOWN_SEAL)
    root = asn1_x509.Certificate.load(certificates.certificate_der(held))
    context = ValidationContext(trust_roots=[root])
    status = _without_a_running_loop(lambda: validate_pdf_signature(embedded, context))
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not (status.intact and status.valid and status.trusted and whole):
        return Verdict(False, ALTERED)
    info = reader.trailer["/Info"]
    found = KEYWORD.search(str(info.get("/Keywords", "")))
    if found is None:
        return Verdict(False, NO_MATCH)
    agreement = (
        Agreement.objects.filter(
            pk=int(found.group(1)),
            practice_id=held.practice_id,
            text_sha256=found.group(2),
            state__in=[State.SIGNED, State.SUPERSEDED],
        )
        .select_related("client", "practice")
        .first()
    )
    if agreement is None:
        return Verdict(False, NO_MATCH)
    return Verdict(True, _genuine_sentence(agreement), agreement)


def _genuine_sentence(agreement: Agreement) -> str:
    superseded = (
        " It has since been replaced by an amendment."
        if agreement.state == State.SUPERSEDED
        else ""
    )
    return (
        f"This is a true, unaltered Tandem agreement: {agreement.number} between "
        f"{agreement.practice.name} and {agreement.client.name}, signed by both sides on "
        f"{agreement.signed_at:%d %b %Y}.{superseded}"
    )
