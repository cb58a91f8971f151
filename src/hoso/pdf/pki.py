"""A small X.509 PKI built with `cryptography`: CAs, personal and organisation-seal certificates.

Used to make the demo school's PKI (scripts/make_demo.py) and, at test time, throw-away PKIs
with deliberate defects (expired, SHA-1, wrong key usage, self-signed, foreign root).

    root = make_root_ca("Example Root CA")
    inter = make_intermediate_ca("Example Sub CA", root)
    teacher = make_person_cert("Nguyễn Văn An", "nguyen-van-an", inter)
    seal = make_seal_cert("Trường THCS Hòa Bình", inter)
    write_pkcs12(path, teacher, chain=[inter.cert, root.cert], passphrase="demo")

Nothing here talks to pyHanko; see `hoso.pdf.sign` for signing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
KeyType = Literal["rsa2048", "rsa3072", "rsa4096", "ec-p256", "ec-p384"]
HashName = Literal["sha256", "sha384", "sha512", "sha1"]
# Key usage bits by their RFC 5280 names; "non_repudiation" is cryptography's content_commitment.
KeyUsageName = Literal[
    "digital_signature",
    "non_repudiation",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
]

SIGNING_USAGE: frozenset[KeyUsageName] = frozenset({"digital_signature", "non_repudiation"})
CA_USAGE: frozenset[KeyUsageName] = frozenset({"key_cert_sign", "crl_sign"})
# Validity used when the caller gives none: wide enough for any test scenario.
DEFAULT_NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
DEFAULT_NOT_AFTER = datetime(2045, 12, 31, 23, 59, 59, tzinfo=UTC)

_HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@dataclass(frozen=True)
class Issued:
    """A certificate together with its private key."""

    cert: x509.Certificate
    key: PrivateKey

    @property
    def fingerprint(self) -> str:
        return fingerprint_sha256(self.cert)


# ---- keys and names ----------------------------------------------------------------------


def generate_key(key_type: KeyType = "rsa2048") -> PrivateKey:
    if key_type.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(key_type[3:]))
    curve: ec.EllipticCurve = ec.SECP256R1() if key_type == "ec-p256" else ec.SECP384R1()
    return ec.generate_private_key(curve)


def make_name(
    common_name: str,
    *,
    organization: str | None = None,
    organizational_unit: str | None = None,
    uid: str | None = None,
    serial_number: str | None = None,
    locality: str | None = None,
    province: str | None = None,
    country: str | None = "VN",
) -> x509.Name:
    """A distinguished name; attributes left as None are omitted. Strings are UTF-8."""
    attrs: list[tuple[x509.ObjectIdentifier, str | None]] = [
        (NameOID.COUNTRY_NAME, country),
        (NameOID.STATE_OR_PROVINCE_NAME, province),
        (NameOID.LOCALITY_NAME, locality),
        (NameOID.ORGANIZATION_NAME, organization),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, organizational_unit),
        (NameOID.COMMON_NAME, common_name),
        (NameOID.USER_ID, uid),
        (NameOID.SERIAL_NUMBER, serial_number),
    ]
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attrs if value])


# ---- certificates ------------------------------------------------------------------------


def issue_certificate(
    subject: x509.Name,
    issuer: Issued | None,
    *,
    key: PrivateKey | None = None,
    key_type: KeyType = "rsa2048",
    hash_alg: HashName = "sha256",
    not_before: datetime = DEFAULT_NOT_BEFORE,
    not_after: datetime = DEFAULT_NOT_AFTER,
    ca: bool = False,
    path_length: int | None = None,
    key_usage: Iterable[KeyUsageName] | None = None,
    extended_key_usage: Sequence[x509.ObjectIdentifier] = (),
    serial: int | None = None,
) -> Issued:
    """Issue a certificate for `subject`, signed by `issuer` (None: self-signed).

    A new key of `key_type` is generated unless `key` is given. `key_usage` defaults to
    CA_USAGE for a CA and SIGNING_USAGE otherwise; pass any other set to make a defective
    certificate for tests.
    """
    subject_key = key if key is not None else generate_key(key_type)
    signing_key = issuer.key if issuer is not None else subject_key
    issuer_name = issuer.cert.subject if issuer is not None else subject
    usage = frozenset(key_usage if key_usage is not None else (CA_USAGE if ca else SIGNING_USAGE))
    public_key = subject_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), True)
        .add_extension(_key_usage(usage), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if issuer is not None:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())
        builder = builder.add_extension(aki, critical=False)
    if extended_key_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(extended_key_usage)), False)
    if hash_alg == "sha1":
        cert = _resign_sha1(builder.sign(signing_key, hashes.SHA256()), signing_key)
    else:
        cert = builder.sign(signing_key, _HASHES[hash_alg]())
    return Issued(cert, subject_key)


def _resign_sha1(cert: x509.Certificate, key: PrivateKey) -> x509.Certificate:
    """Re-sign a certificate with SHA-1 (cryptography refuses to build one; tests need it)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.asymmetric import padding

    parsed = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    tbs = parsed["tbs_certificate"]
    is_rsa = isinstance(key, rsa.RSAPrivateKey)
    algo: dict[str, str | None] = {"algorithm": "sha1_rsa" if is_rsa else "sha1_ecdsa"}
    if is_rsa:
        algo["parameters"] = None  # explicit NULL, as RFC 3279 requires for RSA
    tbs["signature"] = algo
    parsed["signature_algorithm"] = algo
    tbs_der = tbs.dump(force=True)
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(tbs_der, padding.PKCS1v15(), hashes.SHA1())
    else:
        signature = key.sign(tbs_der, ec.ECDSA(hashes.SHA1()))
    parsed["signature_value"] = signature
    return x509.load_der_x509_certificate(parsed.dump(force=True))


def make_root_ca(
    common_name: str,
    *,
    organization: str | None = None,
    key_type: KeyType = "rsa3072",
    hash_alg: HashName = "sha256",
    not_before: datetime = DEFAULT_NOT_BEFORE,
    not_after: datetime = DEFAULT_NOT_AFTER,
) -> Issued:
    """A self-signed root CA."""
    name = make_name(common_name, organization=organization)
    return issue_certificate(
        name,
        None,
        key_type=key_type,
        hash_alg=hash_alg,
        not_before=not_before,
        not_after=not_after,
        ca=True,
    )


def make_intermediate_ca(
    common_name: str,
    issuer: Issued,
    *,
    organization: str | None = None,
    key_type: KeyType = "rsa3072",
    hash_alg: HashName = "sha256",
    not_before: datetime = DEFAULT_NOT_BEFORE,
    not_after: datetime = DEFAULT_NOT_AFTER,
) -> Issued:
    """A CA that issues end-entity certificates only (pathLen 0)."""
    name = make_name(common_name, organization=organization)
    return issue_certificate(
        name,
        issuer,
        key_type=key_type,
        hash_alg=hash_alg,
        not_before=not_before,
        not_after=not_after,
        ca=True,
        path_length=0,
    )


def make_person_cert(
    full_name: str,
    person_id: str,
    issuer: Issued | None,
    *,
    organization: str | None = None,
    key_type: KeyType = "rsa2048",
    hash_alg: HashName = "sha256",
    not_before: datetime = DEFAULT_NOT_BEFORE,
    not_after: datetime = DEFAULT_NOT_AFTER,
    key_usage: Iterable[KeyUsageName] = SIGNING_USAGE,
    key: PrivateKey | None = None,
) -> Issued:
    """A personal signing certificate: CN = full name (with diacritics), UID = person id.

    `issuer=None` makes it self-signed.
    """
    name = make_name(full_name, organization=organization, uid=person_id)
    return issue_certificate(
        name,
        issuer,
        key=key,
        key_type=key_type,
        hash_alg=hash_alg,
        not_before=not_before,
        not_after=not_after,
        key_usage=key_usage,
        extended_key_usage=[ExtendedKeyUsageOID.EMAIL_PROTECTION],
    )


def make_tsa_cert(name: str, issuer: Issued, *, organization: str | None = None) -> Issued:
    """A time-stamping authority certificate (RFC 3161): extended key usage timeStamping only."""
    return issue_certificate(
        make_name(name, organization=organization),
        issuer,
        key_usage={"digital_signature", "non_repudiation"},
        extended_key_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
    )


def make_seal_cert(
    organization: str,
    issuer: Issued | None,
    *,
    org_id: str | None = None,
    key_type: KeyType = "rsa2048",
    hash_alg: HashName = "sha256",
    not_before: datetime = DEFAULT_NOT_BEFORE,
    not_after: datetime = DEFAULT_NOT_AFTER,
    key_usage: Iterable[KeyUsageName] = SIGNING_USAGE,
    key: PrivateKey | None = None,
) -> Issued:
    """An organisation (seal) certificate: CN = O = the organisation's name.

    `org_id` (e.g. the school code) goes in serialNumber.
    """
    name = make_name(organization, organization=organization, serial_number=org_id)
    return issue_certificate(
        name,
        issuer,
        key=key,
        key_type=key_type,
        hash_alg=hash_alg,
        not_before=not_before,
        not_after=not_after,
        key_usage=key_usage,
    )


def _key_usage(usage: frozenset[KeyUsageName]) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature="digital_signature" in usage,
        content_commitment="non_repudiation" in usage,
        key_encipherment="key_encipherment" in usage,
        data_encipherment="data_encipherment" in usage,
        key_agreement="key_agreement" in usage,
        key_cert_sign="key_cert_sign" in usage,
        crl_sign="crl_sign" in usage,
        encipher_only=False,
        decipher_only=False,
    )


# ---- fingerprints ------------------------------------------------------------------------


def fingerprint_sha256(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate as 'AB:CD:…' (uppercase, colon-separated)."""
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


# ---- serialisation -----------------------------------------------------------------------


def cert_pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def key_pem(key: PrivateKey, passphrase: str | None = None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def pkcs12_bytes(
    issued: Issued,
    *,
    chain: Sequence[x509.Certificate] = (),
    passphrase: str | None = None,
    friendly_name: str | None = None,
) -> bytes:
    """A PKCS#12 archive with the key, its certificate and the CA chain."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    name = friendly_name.encode() if friendly_name else None
    return pkcs12.serialize_key_and_certificates(
        name, issued.key, issued.cert, list(chain) or None, encryption
    )


def write_cert_pem(path: Path, *certs: x509.Certificate) -> None:
    _write(path, cert_pem(*certs))


def write_key_pem(path: Path, key: PrivateKey, passphrase: str | None = None) -> None:
    _write(path, key_pem(key, passphrase), private=True)


def write_pkcs12(
    path: Path,
    issued: Issued,
    *,
    chain: Sequence[x509.Certificate] = (),
    passphrase: str | None = None,
    friendly_name: str | None = None,
) -> None:
    data = pkcs12_bytes(issued, chain=chain, passphrase=passphrase, friendly_name=friendly_name)
    _write(path, data, private=True)


def load_certs_pem(data: bytes) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(data)


def load_key_pem(data: bytes, passphrase: str | None = None) -> PrivateKey:
    key = serialization.load_pem_private_key(data, passphrase.encode() if passphrase else None)
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise ValueError(f"unsupported key type: {type(key).__name__}")
    return key


def load_issued(cert_path: Path, key_path: Path, passphrase: str | None = None) -> Issued:
    """Read back a certificate (the first in the PEM file) and its key."""
    cert = load_certs_pem(cert_path.read_bytes())[0]
    return Issued(cert, load_key_pem(key_path.read_bytes(), passphrase))


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    if private:
        tmp.chmod(0o600)
    os.replace(tmp, path)
