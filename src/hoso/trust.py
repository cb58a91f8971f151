"""Trust anchors: the repository's trust/ folder and the bundles shipped with hoso."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

TRUST_DIR = "trust"
BUNDLES = ("vn",)


@dataclass(frozen=True)
class Anchor:
    file: str
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    sha256: str  # "AB:CD:…"
    der: bytes


def bundle_files(name: str) -> list[Traversable]:
    """The files of a shipped bundle (PEM certificates and its README with provenance)."""
    folder = resources.files("hoso") / "data" / "trust" / name
    return sorted((f for f in folder.iterdir() if f.is_file()), key=lambda f: f.name)


def fingerprint(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def parse_pem(data: bytes, file: str) -> list[Anchor]:
    """Every certificate in a PEM file; raises ValueError when there is none or one is broken."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    certs = x509.load_pem_x509_certificates(data)
    return [
        Anchor(
            file=file,
            subject=c.subject.rfc4514_string(),
            issuer=c.issuer.rfc4514_string(),
            not_before=c.not_valid_before_utc,
            not_after=c.not_valid_after_utc,
            sha256=fingerprint(c.public_bytes(Encoding.DER)),
            der=c.public_bytes(Encoding.DER),
        )
        for c in certs
    ]


def pem_files(root: Path) -> list[Path]:
    folder = root / TRUST_DIR
    return sorted(folder.glob("*.pem")) if folder.is_dir() else []


def load_anchors(root: Path) -> list[Anchor]:
    anchors: list[Anchor] = []
    for path in pem_files(root):
        anchors.extend(parse_pem(path.read_bytes(), path.relative_to(root).as_posix()))
    return anchors


def digest(root: Path) -> str:
    """Digest of everything in trust/*.pem: part of the cache key of signature facts."""
    h = hashlib.sha256()
    for path in pem_files(root):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()
