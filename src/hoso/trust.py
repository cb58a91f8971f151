"""Trust anchors: the repository's trust/ folder and the bundles shipped with hoso."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hoso.repo import Snapshot

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
    from hoso.repo import WorktreeSnapshot

    anchors: list[Anchor] = []
    for path, data in pem_files(WorktreeSnapshot(root)).items():
        anchors.extend(parse_pem(data, path))
    return anchors


def digest(snapshot: Snapshot) -> str:
    """Digest of everything in trust/*.pem: part of the cache key of signature facts."""
    h = hashlib.sha256()
    for path, data in pem_files(snapshot).items():
        h.update(path.encode() + b"\0" + data + b"\0")
    return h.hexdigest()


def certificates(snapshot: Snapshot) -> list[Any]:
    """Every certificate of every trust/*.pem, as the verifier takes them."""
    from hoso.pdf.verify import load_pem_certs

    certs: list[Any] = []
    for data in pem_files(snapshot).values():
        certs.extend(load_pem_certs(data))
    return certs
