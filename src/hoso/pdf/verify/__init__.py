"""Verify the signatures of a PDF offline, under hoso's policy.

- `report`: reason ids, the verdict tree (the JSON contract) and its ETSI indication;
- `policy`: integrity — what may change after each signature, and what may follow it;
- `appearance`: appearances added later may not change what the signed pages show;
- `chain`: trust — paths to a trusted root, validity, key usage, algorithm strength;
- `roles`: persons, roles and claimed times against people.yml and the arrival;
- `core`: `examine_pdf` (bytes and certificates, cached by blob id), `verify_pdf` (all).
- `caches`: what stays the same from file to file in one process (names, certificates, trust
  anchors, validated paths), each keyed on complete encodings.
"""

from hoso.pdf.verify.chain import MIN_EC_BITS, MIN_RSA_BITS, WEAK_DIGESTS, load_pem_certs
from hoso.pdf.verify.core import examine_pdf, verify_pdf
from hoso.pdf.verify.policy import hoso_diff_policy
from hoso.pdf.verify.report import *  # noqa: F403  (the reason ids and the verdict types)
from hoso.pdf.verify.report import (
    INTEGRITY_REASONS,
    POLICY_VERSION,
    VN_TZ,
    ChainLink,
    FileVerdict,
    RoleHeld,
    SignatureVerdict,
    etsi_indication,
)
from hoso.pdf.verify.roles import assess

__all__ = [
    "INTEGRITY_REASONS",
    "MIN_EC_BITS",
    "MIN_RSA_BITS",
    "POLICY_VERSION",
    "VN_TZ",
    "WEAK_DIGESTS",
    "ChainLink",
    "FileVerdict",
    "RoleHeld",
    "SignatureVerdict",
    "assess",
    "etsi_indication",
    "examine_pdf",
    "hoso_diff_policy",
    "load_pem_certs",
    "verify_pdf",
]
