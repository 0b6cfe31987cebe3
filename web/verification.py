"""Alexa's request verification, ordered so that a forged request costs us less than it
costs the sender.

ask-sdk-webservice-support's ``RequestVerifier`` does the right checks, but in an order and
with a fetch that an unsigned request can exploit: it downloads the certificate chain
before looking at the signature, with no timeout, caches it under the raw URL (query string
included) forever, re-validates the whole chain on every request, and lets some failures
escape as errors other than ``VerificationException`` (so the host answered 500). We
subclass it, keeping its interface and its constants (host, path, port, Alexa's domain),
and replace those steps:

- the timestamp first (``check_timestamp``): the standard library's ISO 8601 parser on a
  string of at most 40 characters, never a general date parser;
- the headers' shape before any fetch: a signature that is base64 of an RSA-sized value,
  a certificate URL normalised (scheme, host, port, path; query and fragment dropped);
- the chain fetched with a short timeout and a size cap, one fetch at a time per URL and a
  few in all, failures remembered briefly, and only chains that validated kept, in a small
  LRU cache of parsed signing certificates;
- every failure a ``VerificationException`` (the host answers 400 "verification failed").

Trust roots and chains can be given up front (tests, air-gapped hosts), and ``origin``
points the fetch at a loopback server in tests; by default the system's roots and
Amazon's host are used.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ask_sdk_webservice_support.verifier import RequestVerifier, VerificationException
from ask_sdk_webservice_support.verifier_constants import (
    ALEXA_SKILL_EVENT_LIST,
    CERT_CHAIN_DOMAIN,
    CERT_CHAIN_URL_HOSTNAME,
    CERT_CHAIN_URL_PORT,
    MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS,
    MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS,
    SIGNATURE_CERT_CHAIN_URL_HEADER,
    SIGNATURE_HEADER,
)
from asn1crypto import pem
from certvalidator import CertificateValidator, ValidationContext
from certvalidator.errors import PathError, ValidationError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.x509 import (
    Certificate,
    DNSName,
    ExtensionNotFound,
    ExtensionOID,
    SubjectAlternativeName,
    load_pem_x509_certificate,
)

from skill.app import iso_timestamp
from skill.envelope import InvalidRequest

AMAZON_ORIGIN = f"https://{CERT_CHAIN_URL_HOSTNAME}"
CHAIN_PATH_PREFIX = "/echo.api/"
MAX_URL_CHARS = 256
SIGNATURE_BYTES = range(128, 513)  # RSA 1024 to 4096 bits; Alexa signs with 2048
FETCH_TIMEOUT_SECONDS = 2.0  # per socket operation, and for the whole download
MAX_CHAIN_BYTES = 32 * 1024  # Amazon's chain is about 5 KB
CONCURRENT_FETCHES = 2  # in all, per process; more are refused at once, not queued
CACHED_CHAINS = 8  # Alexa uses one chain at a time, two around a rotation
FAILED_FETCH_SECONDS = 30.0  # a URL that failed is not fetched again for this long
REMEMBERED_FAILURES = 64
NORMALISED_URLS = 16  # certificate URL headers whose normal form is kept


def check_timestamp(request: object, now: datetime | None = None) -> None:
    """Alexa's rule (150 s, an hour for skill events), on a timestamp parsed by shape only."""
    if not isinstance(request, dict):
        raise VerificationException("no request")
    try:
        stamp = iso_timestamp(request.get("timestamp"))
    except InvalidRequest as error:
        raise VerificationException("timestamp is not ISO 8601") from error
    if stamp is None or stamp.tzinfo is None:
        raise VerificationException("timestamp missing or without a time zone")
    age = abs(((now or datetime.now(UTC)) - stamp).total_seconds())
    skill_event = request.get("type") in ALEXA_SKILL_EVENT_LIST
    tolerance = MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS if skill_event else MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS
    if age > tolerance / 1000:
        raise VerificationException("timestamp outside the tolerance")


@lru_cache(maxsize=NORMALISED_URLS)
def normalised_chain_url(url: str) -> str:
    """Amazon's rules for the certificate URL (https, s3.amazonaws.com, port 443, a path under
    /echo.api/ once normalised), as the one canonical string that is fetched and cached: a
    query or fragment cannot make a new cache entry or a new download. Alexa sends the same
    URL on every request, so the answer is kept for a few URLs (a pure function of the
    header's text, not a verdict on any request; a refused URL is not kept)."""
    if len(url) > MAX_URL_CHARS or "%" in url or "\\" in url:
        raise VerificationException("certificate URL")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise VerificationException("certificate URL") from error
    path = posixpath.normpath(parts.path) if parts.path else ""
    if (
        parts.scheme.lower() != "https"
        or (parts.hostname or "").lower() != CERT_CHAIN_URL_HOSTNAME
        or parts.username is not None
        or port not in (None, CERT_CHAIN_URL_PORT)
        or not path.startswith(CHAIN_PATH_PREFIX)
    ):
        raise VerificationException("certificate URL")
    return AMAZON_ORIGIN + path


def _header(headers: Mapping[str, str], name: str) -> str:
    """``name``'s value, whatever its case (werkzeug's headers already look up that way)."""
    value = headers.get(name)
    if value is not None:
        return value
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    raise VerificationException(f"missing {name}")


@dataclass(frozen=True)
class SigningCertificate:
    """A leaf whose chain validated: what a cache hit costs is a date check and the RSA check."""

    key: RSAPublicKey
    not_before: datetime
    not_after: datetime


class AlexaRequestVerifier(RequestVerifier):
    """The SDK's RequestVerifier with the cheap checks first and a bounded, timed fetch."""

    def __init__(
        self,
        trust_roots: Iterable[bytes] | None = None,
        certificate_chains: Mapping[str, bytes] | None = None,
        origin: str = AMAZON_ORIGIN,
    ) -> None:
        super().__init__()
        self._trust_roots = list(trust_roots) if trust_roots is not None else None
        self._origin = origin.rstrip("/")
        self._preloaded = {
            normalised_chain_url(url): chain for url, chain in (certificate_chains or {}).items()
        }
        self._chains: OrderedDict[str, SigningCertificate] = OrderedDict()
        self._failures: OrderedDict[str, float] = OrderedDict()
        self._url_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._fetch_slots = threading.BoundedSemaphore(CONCURRENT_FETCHES)
        self.fetches = 0  # downloads attempted (for tests and the logs)

    def verify(self, headers: Any, serialized_request_env: Any, deserialized_request_env: Any = None) -> None:
        """``serialized_request_env``: the raw body (bytes or str), exactly as received."""
        body = serialized_request_env
        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        try:
            signature = base64.b64decode(_header(headers, SIGNATURE_HEADER), validate=True)
        except (binascii.Error, ValueError) as error:
            raise VerificationException("signature is not base64") from error
        if len(signature) not in SIGNATURE_BYTES:
            raise VerificationException("signature length")
        url = normalised_chain_url(_header(headers, SIGNATURE_CERT_CHAIN_URL_HEADER))
        signer = self._signing_certificate(url)
        now = datetime.now(UTC)
        if not signer.not_before <= now <= signer.not_after:
            raise VerificationException("signing certificate expired")
        try:
            signer.key.verify(signature, raw, PKCS1v15(), SHA256())
        except (InvalidSignature, ValueError) as error:
            raise VerificationException("signature does not match the body") from error

    def cached_urls(self) -> list[str]:
        with self._lock:
            return list(self._chains)

    def _signing_certificate(self, url: str) -> SigningCertificate:
        cached = self._cached(url)
        if cached is not None:
            return cached
        with self._lock:
            url_lock = self._url_locks.setdefault(url, threading.Lock())
        # One download per URL at a time: the others wait for its outcome (at most the fetch
        # timeout), then read it from the cache or the failure list.
        with url_lock:
            cached = self._cached(url)
            if cached is not None:
                return cached
            try:
                signer = self._retrieve_and_validate_certificate_chain(url)
            except VerificationException:
                with self._lock:
                    self._failures[url] = time.monotonic()
                    while len(self._failures) > REMEMBERED_FAILURES:
                        self._failures.popitem(last=False)
                raise
            finally:
                with self._lock:
                    self._url_locks.pop(url, None)
            with self._lock:
                self._chains[url] = signer
                while len(self._chains) > CACHED_CHAINS:
                    self._chains.popitem(last=False)
            return signer

    def _cached(self, url: str) -> SigningCertificate | None:
        with self._lock:
            signer = self._chains.get(url)
            if signer is not None:
                self._chains.move_to_end(url)
                return signer
            failed = self._failures.get(url)
        if failed is not None and time.monotonic() - failed < FAILED_FETCH_SECONDS:
            raise VerificationException("certificate chain failed recently")
        return None

    def _retrieve_and_validate_certificate_chain(self, cert_url: str, x509_backend: Any = None) -> Any:
        chain = self._load_cert_chain(cert_url)
        self._validate_cert_chain(chain)
        try:
            leaf = load_pem_x509_certificate(chain)
        except ValueError as error:
            raise VerificationException("signing certificate unreadable") from error
        self._validate_end_certificate(leaf)
        key = leaf.public_key()
        if not isinstance(key, RSAPublicKey):
            raise VerificationException("signing key is not RSA")
        return SigningCertificate(key, leaf.not_valid_before_utc, leaf.not_valid_after_utc)

    def _load_cert_chain(self, cert_url: str) -> bytes:
        """Pre-loaded, or downloaded with a deadline and a size cap (a failure is a refusal)."""
        if cert_url in self._preloaded:
            return self._preloaded[cert_url]
        if not self._fetch_slots.acquire(blocking=False):
            raise VerificationException("too many certificate downloads")
        try:
            self.fetches += 1
            return self._download(self._origin + cert_url[len(AMAZON_ORIGIN) :])
        finally:
            self._fetch_slots.release()

    @staticmethod
    def _download(url: str) -> bytes:
        deadline = time.monotonic() + FETCH_TIMEOUT_SECONDS
        try:
            with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
                if response.status != 200:
                    raise VerificationException("certificate download status")
                data = b""
                while chunk := response.read(4096):
                    data += chunk
                    if len(data) > MAX_CHAIN_BYTES or time.monotonic() > deadline:
                        raise VerificationException("certificate download too large or too slow")
                return data
        except (OSError, urllib.error.URLError, ValueError) as error:  # timeouts are OSErrors
            raise VerificationException("certificate download failed") from error

    def _validate_cert_chain(self, cert_chain: bytes) -> None:
        try:
            certificates = [der for _, _, der in pem.unarmor(cert_chain, multiple=True)]
            if not certificates:
                raise VerificationException("certificate chain is empty")
            context = ValidationContext(trust_roots=self._trust_roots) if self._trust_roots else None
            validator = CertificateValidator(certificates[0], certificates[1:], validation_context=context)
            validator.validate_usage(key_usage={"digital_signature"})
        except (PathError, ValidationError, ValueError, TypeError) as error:
            raise VerificationException("certificate chain is not valid") from error

    def _validate_end_certificate(self, x509_cert: Certificate) -> None:
        now = datetime.now(UTC)
        if not x509_cert.not_valid_before_utc <= now <= x509_cert.not_valid_after_utc:
            raise VerificationException("signing certificate expired")
        try:
            names = x509_cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        except ExtensionNotFound as error:
            raise VerificationException(f"{CERT_CHAIN_DOMAIN} missing in signing certificate") from error
        if not isinstance(
            names, SubjectAlternativeName
        ) or CERT_CHAIN_DOMAIN not in names.get_values_for_type(DNSName):
            raise VerificationException(f"{CERT_CHAIN_DOMAIN} missing in signing certificate")
