"""A test certificate authority and a signer that produce requests as Alexa signs them.

The root is trusted only by the verifier under test (in process, or a server started with
tools.signed_endpoint), so nothing is trusted system-wide and no network is touched.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
ALEXA_DOMAIN = "echo-api.amazon.com"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_usage(certificate_authority: bool, digital_signature: bool = True) -> x509.KeyUsage:
    """Signing for both; certificate signing for the authority, key encipherment for the leaf."""
    return x509.KeyUsage(
        digital_signature=digital_signature,
        key_cert_sign=certificate_authority,
        crl_sign=certificate_authority,
        content_commitment=False,
        key_encipherment=not certificate_authority,
        data_encipherment=False,
        key_agreement=False,
        encipher_only=False,
        decipher_only=False,
    )


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class Authority:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @classmethod
    def create(cls, name: str, issuer: Authority | None = None) -> Authority:
        """A root, or with ``issuer`` an intermediate authority that ``issuer`` signed."""
        key = _key()
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(issuer.certificate.subject if issuer else _name(name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                _key_usage(certificate_authority=True),
                critical=True,
            )
            .sign(issuer.key if issuer else key, hashes.SHA256())
        )
        return cls(key, certificate)

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def issue(
        self,
        dns_names: list[str] | None = (ALEXA_DOMAIN,),  # type: ignore[assignment]
        expires_in: datetime.timedelta = datetime.timedelta(days=7),
        digital_signature: bool = True,
    ) -> Signer:
        """A signing certificate for ``dns_names`` (None: no SAN extension at all), valid until
        ``expires_in`` from now (negative: already expired); ``digital_signature`` False leaves
        that key usage out, which Alexa's signing certificates always carry."""
        key = _key()
        now = datetime.datetime.now(datetime.UTC)
        not_after = now + expires_in
        not_before = min(now, not_after) - datetime.timedelta(hours=1)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(ALEXA_DOMAIN))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(
                _key_usage(certificate_authority=False, digital_signature=digital_signature),
                critical=True,
            )
        )
        if dns_names is not None:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(name) for name in dns_names]), critical=False
            )
        return Signer(key, builder.sign(self.key, hashes.SHA256()), self)


@dataclass(frozen=True)
class Signer:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    authority: Authority

    @property
    def chain_pem(self) -> bytes:
        """Leaf first, then the issuer, as Alexa's chain files are laid out."""
        return b"".join(
            cert.public_bytes(serialization.Encoding.PEM)
            for cert in (self.certificate, self.authority.certificate)
        )

    def headers(self, body: bytes, chain_url: str = CHAIN_URL) -> dict[str, str]:
        signature = self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())
        return {
            "Signature-256": base64.b64encode(signature).decode("ascii"),
            "SignatureCertChainUrl": chain_url,
            "Content-Type": "application/json",
        }


def write_authority(signer: Signer, directory: Path) -> Path:
    """The root (DER) and chain (PEM) a server needs to trust ``signer``, written to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "root.der").write_bytes(signer.authority.der)
    (directory / "chain.pem").write_bytes(signer.chain_pem)
    return directory
