"""Trust anchors: the repository's trust/ folder, the bundles shipped with hoso, certificate files.

A bundle (`vn`) is a folder under hoso/data/trust/: root and intermediate CA certificates (PEM,
intermediates in an `intermediates/` subfolder) and a README with their provenance and SHA-256
fingerprints. `hoso trust add vn` copies it flat into trust/ (`vn-<name>.pem`, `README-vn.md`).

`read_certificate_file` reads a certificate file a person names (`hoso trust add FILE`,
`hoso verify --trust FILE`): bounded in size, refusing private keys and anything that is not a
CA certificate, raising HosoError with a message that names the file, the rule and the fix.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoso.errors import ExitCode, HosoError, NotFoundError, UsageError

if TYPE_CHECKING:
    from hoso.git.objects import Snapshot

TRUST_DIR = "trust"
BUNDLES = ("vn",)
# A CA certificate is 1–2 KB, a chain a few; anything much larger is not a certificate file.
MAX_CERT_FILE_BYTES = 1024 * 1024

_PRIVATE_KEY_PEM = re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_PKCS7_PEM = re.compile(rb"-----BEGIN PKCS7-----")


@dataclass(frozen=True)
class Anchor:
    file: str
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    sha256: str  # "AB:CD:…"
    der: bytes
    common_name: str = ""  # the subject's CN ("" when it has none)
    ca: bool = True  # basicConstraints cA=TRUE
    self_signed: bool = False

    @property
    def pem(self) -> bytes:
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding

        return x509.load_der_x509_certificate(self.der).public_bytes(Encoding.PEM)


# ---- bundles -------------------------------------------------------------------------------


def _bundle_folder(name: str) -> Traversable:
    return resources.files("hoso") / "data" / "trust" / name


def bundle_entries(name: str) -> list[tuple[str, Traversable]]:
    """(path inside the bundle, file) for every file of a shipped bundle, intermediates/ included."""
    found: list[tuple[str, Traversable]] = []

    def walk(folder: Traversable, prefix: str) -> None:
        for item in folder.iterdir():
            if item.is_dir():
                walk(item, f"{prefix}{item.name}/")
            elif item.is_file() and not item.name.startswith("."):
                found.append((prefix + item.name, item))

    walk(_bundle_folder(name), "")
    return sorted(found, key=lambda pair: pair[0])


def bundle_files(name: str) -> list[Traversable]:
    """The files of a shipped bundle (PEM certificates, intermediates/ too, and its README)."""
    return [item for _, item in bundle_entries(name)]


def installed_name(bundle: str, rel: str) -> str:
    """The flat name in trust/ of a bundle file: vn-vnrca256.pem, vn-easyca.pem, README-vn.md."""
    base = rel.rsplit("/", 1)[-1]
    return f"{bundle}-{base}" if base.endswith(".pem") else f"README-{bundle}.md"


def bundle_certificates(name: str) -> list[Any]:
    """Every certificate of a shipped bundle, as asn1crypto certificates (what the verifier takes)."""
    if name not in BUNDLES:
        raise UsageError("trust.unknown-bundle", value=name, choices=", ".join(BUNDLES))
    certs: list[Any] = []
    for rel, item in bundle_entries(name):
        if rel.endswith(".pem"):
            certs.extend(asn1_certificates(item.read_bytes()))
    return certs


# ---- parsing ---------------------------------------------------------------------------------


def fingerprint(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def asn1_certificates(data: bytes) -> list[Any]:
    """Every certificate of a PEM file (or one DER certificate), as asn1crypto certificates."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    if not pem.detect(data):
        return [asn1_x509.Certificate.load(data)]
    return [
        asn1_x509.Certificate.load(der)
        for kind, _, der in pem.unarmor(data, multiple=True)
        if kind == "CERTIFICATE"
    ]


def _anchor(cert: Any, file: str) -> Anchor:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    der = cert.public_bytes(Encoding.DER)
    cns = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    try:
        ca = bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        ca = False
    return Anchor(
        file=file,
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        sha256=fingerprint(der),
        der=der,
        common_name=str(cns[-1].value) if cns else "",
        ca=ca,
        self_signed=cert.subject == cert.issuer,
    )


def parse_pem(data: bytes, file: str) -> list[Anchor]:
    """Every certificate in a PEM file; raises ValueError when there is none or one is broken."""
    from cryptography import x509

    return [_anchor(c, file) for c in x509.load_pem_x509_certificates(data)]


def parse_certificates(data: bytes, file: str) -> list[Anchor]:
    """PEM (one or more certificates), DER, or PKCS#7 (.p7b/.p7c) certificates.

    Raises ValueError when the data holds no certificate or a broken one.
    """
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs7

    if b"-----BEGIN" in data:
        if _PKCS7_PEM.search(data):
            certs = pkcs7.load_pem_pkcs7_certificates(data)
        else:
            certs = x509.load_pem_x509_certificates(data)
    else:
        try:
            certs = [x509.load_der_x509_certificate(data)]
        except ValueError:
            certs = pkcs7.load_der_pkcs7_certificates(data)
    if not certs:
        raise ValueError("no certificate")
    anchors = [_anchor(c, file) for c in certs]
    for a in anchors:  # the verifier reads certificates with asn1crypto: it must read these too
        _ = asn1_x509.Certificate.load(a.der).subject.human_friendly
    return anchors


def _looks_like_private_key(data: bytes) -> bool:
    """A PEM private key, or DER PKCS#12 / PKCS#8 / PKCS#1 / SEC 1 data (which may hold a key)."""
    if _PRIVATE_KEY_PEM.search(data):
        return True
    if b"-----BEGIN" in data:
        return False
    from asn1crypto import keys, pkcs12

    for spec in (
        pkcs12.Pfx,
        keys.PrivateKeyInfo,
        keys.EncryptedPrivateKeyInfo,
        keys.RSAPrivateKey,
        keys.ECPrivateKey,
    ):
        try:
            _ = spec.load(data, strict=True).native
        except Exception:  # any parse failure: not that kind of data
            continue
        return True
    return False


def read_certificate_file(path: Path, *, require_ca: bool = True) -> list[Anchor]:
    """The certificates of a file a person names; HosoError (never a traceback) for bad input.

    Refused: a missing or unreadable file, one over MAX_CERT_FILE_BYTES, a private key (or a
    .p12/.pfx that may hold one), data that is not a certificate, and with `require_ca` any
    certificate that is not a CA certificate (people's certificates go into people.yml).
    """
    shown = str(path)
    if not path.exists():
        raise NotFoundError("trust.file-missing", path=shown)
    if not path.is_file():
        raise UsageError("trust.file-not-regular", path=shown)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_CERT_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError("trust.file-unreadable", path=shown, detail=exc.strerror or str(exc)) from exc
    if len(data) > MAX_CERT_FILE_BYTES:
        raise UsageError("trust.file-too-large", path=shown, limit="1 MiB")
    if not data.strip():
        raise UsageError("trust.not-certificate", path=shown)
    if _PRIVATE_KEY_PEM.search(data):  # even next to certificates: a key never goes into git
        raise UsageError("trust.private-key", path=shown)
    try:
        anchors = parse_certificates(data, shown)
    except Exception as exc:  # cryptography/asn1crypto raise ValueError, TypeError, …
        if _looks_like_private_key(data):
            raise UsageError("trust.private-key", path=shown) from exc
        raise UsageError("trust.not-certificate", path=shown) from exc
    if require_ca:
        for a in anchors:
            if not a.ca:
                raise HosoError(
                    "trust.not-ca",
                    ExitCode.USAGE,
                    path=shown,
                    subject=a.common_name or a.subject,
                    issuer=a.issuer,
                )
    return anchors


# ---- trust/ of a repository ------------------------------------------------------------------


def pem_files(snapshot: Snapshot) -> dict[str, bytes]:
    """trust/*.pem of a snapshot (work tree or commit): path -> bytes, in name order."""
    found: dict[str, bytes] = {}
    for path in snapshot.list(TRUST_DIR):
        if path.endswith(".pem"):
            data = snapshot.read(path)
            if data is not None:
                found[path] = data
    return found


def load_anchors(root: Path) -> list[Anchor]:
    from hoso.git.objects import WorktreeSnapshot

    anchors: list[Anchor] = []
    for path, data in pem_files(WorktreeSnapshot(root)).items():
        try:
            anchors.extend(parse_pem(data, path))
        except ValueError as exc:  # cryptography's English stays out: the file is what matters
            raise ValueError(path) from exc
    return anchors


def digest(snapshot: Snapshot) -> str:
    """Digest of everything in trust/*.pem: part of the cache key of signature facts."""
    h = hashlib.sha256()
    for path, data in pem_files(snapshot).items():
        h.update(path.encode() + b"\0" + data + b"\0")
    return h.hexdigest()


def certificates(snapshot: Snapshot) -> list[Any]:
    """Every certificate of every trust/*.pem, as the verifier takes them."""
    certs: list[Any] = []
    for data in pem_files(snapshot).values():
        certs.extend(asn1_certificates(data))
    return certs
