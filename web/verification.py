"""Alexa's request verification (signature, certificate chain, timestamp), from
ask-sdk-webservice-support, with two additions a self-hosted skill needs.

- Trust roots and certificate chains can be given up front: a test (or an air-gapped
  host) can verify real signatures without fetching Amazon's chain or trusting a test
  root system-wide. By default the system's roots are used and chains are fetched.
- The signing certificate's validity is read with timezone-aware times
  (``not_valid_before_utc``), which current ``cryptography`` releases provide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from ask_sdk_webservice_support.verifier import RequestVerifier, VerificationException
from ask_sdk_webservice_support.verifier_constants import CERT_CHAIN_DOMAIN
from asn1crypto import pem
from certvalidator import CertificateValidator, ValidationContext
from certvalidator.errors import PathError, ValidationError
from cryptography.x509 import Certificate, DNSName, ExtensionNotFound, ExtensionOID, SubjectAlternativeName


class AlexaRequestVerifier(RequestVerifier):
    """The SDK's RequestVerifier (header ``Signature-256``, SHA-256), with optional
    trust roots (DER bytes) and pre-loaded chains (PEM bytes by certificate URL)."""

    def __init__(
        self,
        trust_roots: Iterable[bytes] | None = None,
        certificate_chains: Mapping[str, bytes] | None = None,
    ) -> None:
        super().__init__()
        self._trust_roots = list(trust_roots) if trust_roots is not None else None
        self._cert_cache.update(certificate_chains or {})

    def _validate_cert_chain(self, cert_chain: bytes) -> None:
        try:
            certificates = [der for _, _, der in pem.unarmor(cert_chain, multiple=True)]
            if not certificates:
                raise VerificationException("Certificate chain is empty")
            context = ValidationContext(trust_roots=self._trust_roots) if self._trust_roots else None
            validator = CertificateValidator(certificates[0], certificates[1:], validation_context=context)
            validator.validate_usage(key_usage={"digital_signature"})
        except (PathError, ValidationError, ValueError, TypeError) as error:
            raise VerificationException("Certificate chain is not valid", error) from error

    def _validate_end_certificate(self, x509_cert: Certificate) -> None:
        now = datetime.now(UTC)
        if not x509_cert.not_valid_before_utc <= now <= x509_cert.not_valid_after_utc:
            raise VerificationException("Signing certificate expired")
        try:
            names = x509_cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        except ExtensionNotFound as error:
            raise VerificationException(
                f"{CERT_CHAIN_DOMAIN} domain missing in signing certificate"
            ) from error
        if not isinstance(
            names, SubjectAlternativeName
        ) or CERT_CHAIN_DOMAIN not in names.get_values_for_type(DNSName):
            raise VerificationException(f"{CERT_CHAIN_DOMAIN} domain missing in signing certificate")
