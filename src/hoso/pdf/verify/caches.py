"""What stays the same from one file to the next in one process, computed once.

`hoso verify` of a folder, `check --all`, the audit and every pool worker examine hundreds of
files signed with the same few certificates. Without these caches each file paid again for:

- comparing and hashing X.500 names (asn1crypto's RFC 4518 string preparation, character by
  character, for every name of every certificate of every CMS: pyHanko finds a signer by
  issuer and serial number, the registry indexes certificates by subject);
- every certificate embedded in a CMS (the signer's, its CA's, the TSA's): parsed anew from
  each file, so that its subject, extensions, key and key identifier were decoded again for
  every signature and every timestamp token. A certificate met before is now *the same object*
  (`certificate`), keyed by its complete DER: what was decoded stays decoded;
- the trust anchors (`SimpleTrustManager`), rebuilt for every ValidationContext;
- validating the same certificate path (RFC 5280 section 6.1) again: a successful result is
  kept when nothing it depended on can differ — no revocation data in the context (none
  embedded in the file: the usual case, and then nothing about revocation depends on the
  time), default trust qualifiers, the same tolerance and policies — and is reused only at a
  moment that every certificate of the path is valid at (`validate_path`). A failure is never
  kept: it is computed again, with its own message.

Every cache here is a memo of a pure function, keyed on *all* of its input — the full DER of
the names, of the certificates, of every trust anchor — never on a name, a key identifier or
a digest an attacker could make collide (the path memo keys on everything but the moment,
which it tests): a hit returns exactly what computing again would. Each is bounded (cleared
when full) so a long-running process cannot grow without end. tests/test_verify_caches.py
attacks them: a forged twin of a certificate (same names, serial and key identifiers), a
path at a time it was not valid, warm verdicts against a fresh process's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

V = TypeVar("V")

MAX_ENTRIES = 4096  # per memo: far more names than a school's PKI has; cleared when full

_lock = threading.Lock()
_installed = False


class Memo:
    """A bounded dictionary: `get(key, compute)` computes on a miss; cleared when full."""

    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self.limit = limit
        self.data: dict[Hashable, Any] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        try:
            value: V = self.data[key]
        except KeyError:
            pass
        else:
            self.hits += 1
            return value
        self.misses += 1
        value = compute()
        if len(self.data) >= self.limit:
            self.data.clear()
        self.data[key] = value
        return value

    def clear(self) -> None:
        self.data.clear()
        self.hits = self.misses = 0


# decoded certificates are large (some 10–30 kB each): fewer of them, still many more than
# the certificates of a school's signers, CAs and TSAs
certificates = Memo(1024)  # the full DER of a certificate -> the first object parsed from it
name_equal = Memo()  # (DER of a Name, DER of another) -> RFC 5280 equality
name_hashable = Memo()  # DER of a Name -> asn1crypto's `Name.hashable`
trust_managers = Memo(64)  # the DER of every trust anchor, in order -> SimpleTrustManager
# (anchor DER, DER of each certificate of the path, settings) -> (validity windows, policies)
paths = Memo(1024)


def clear() -> None:
    """Forget everything (tests; a process that changes trust/ keeps no stale anchors anyway:
    the anchors are part of the key)."""
    for memo in (certificates, name_equal, name_hashable, trust_managers, paths):
        memo.clear()


def certificate(cert: Any) -> Any:
    """The certificate object kept for `cert`'s DER: `cert` itself the first time.

    Keyed by the complete encoding, so the object returned dumps to exactly the bytes `cert`
    does; an asn1crypto certificate decodes lazily and keeps what it decoded (names,
    extensions, key, key identifier), all functions of those bytes alone."""
    return certificates.get(cert.dump(), lambda: cert)


def install() -> None:
    """Install the memos into asn1crypto and pyHanko (once per process).

    `Name.__eq__` (RFC 5280 section 7.1: case and space folding of every attribute, RFC 4518)
    and `Name.hashable` are pure functions of the encoded names; the memo keys on the
    complete encodings, so two names that differ in any byte are compared afresh.
    pyHanko's `extract_certificate_info` (how every CMS it validates — signatures, timestamp
    tokens — yields its signer's and other certificates) returns the kept objects
    (`certificate`); it still identifies the signer among the file's own certificates.
    """
    global _installed
    if _installed:
        return
    with _lock:
        if _installed:
            return
        from dataclasses import replace

        import pyhanko_certvalidator
        from asn1crypto import x509
        from pyhanko.sign.validation import generic_cms

        original_eq = x509.Name.__eq__
        original_hashable = x509.Name.hashable.fget
        assert original_hashable is not None

        def __eq__(self: Any, other: Any) -> bool:
            if not isinstance(other, x509.Name):
                return False
            return name_equal.get((self.dump(), other.dump()), lambda: bool(original_eq(self, other)))

        def hashable(self: Any) -> str:
            return name_hashable.get(self.dump(), lambda: str(original_hashable(self)))

        __eq__.__doc__ = original_eq.__doc__
        setattr(x509.Name, "__eq__", __eq__)  # noqa: B010  (mypy: no method assignment)
        setattr(x509.Name, "hashable", property(hashable, doc=x509.Name.hashable.__doc__))  # noqa: B010

        original_extract = getattr(generic_cms, "extract_certificate_info")  # noqa: B009

        def extract_certificate_info(signed_data: Any) -> Any:
            info = original_extract(signed_data)
            return replace(
                info,
                signer_cert=certificate(info.signer_cert),
                other_certs=[certificate(c) for c in info.other_certs],
            )

        setattr(generic_cms, "extract_certificate_info", extract_certificate_info)  # noqa: B010

        # pyHanko validates the signer of a timestamp token (of any CMS) with
        # `find_valid_path`, which calls this module-level name
        global _validate_path
        _validate_path = getattr(pyhanko_certvalidator, "async_validate_path")  # noqa: B009
        setattr(pyhanko_certvalidator, "async_validate_path", validate_path)  # noqa: B010
        _installed = True


def trust_manager(roots: Sequence[Any]) -> Any:
    """pyHanko's `SimpleTrustManager` of `roots` (asn1crypto certificates), built once per
    distinct list of anchors (keyed by every anchor's full DER, in order)."""
    from pyhanko_certvalidator.registry import SimpleTrustManager

    key = tuple(cert.dump() for cert in roots)
    return trust_managers.get(key, lambda: SimpleTrustManager.build(trust_roots=list(roots)))


# ---- certificate paths -----------------------------------------------------------------------

_validate_path: Any = None  # pyHanko's own async_validate_path, once `install` ran


def _path_key(context: Any, path: Any, parameters: Any) -> tuple[Any, ...] | None:
    """What a validation of `path` in `context` depends on besides the moment, or None when
    it may depend on more than this memo knows (then it is not kept)."""
    from asn1crypto import x509
    from pyhanko_certvalidator.authority import CertTrustAnchor, TrustQualifiers
    from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms

    if parameters is not None or type(context.algorithm_policy) is not AcceptAllAlgorithms:
        return None
    manager = context.revinfo_manager
    if manager.crls or manager.ocsps or context.fetching_allowed or getattr(manager, "_assertions", True):
        return None  # revocation data (or a way to fetch it): the time matters in ways not modelled
    anchor = path.trust_anchor
    if type(anchor) is not CertTrustAnchor or anchor.trust_qualifiers != TrustQualifiers():
        return None
    if path.pkix_len < 1 or not isinstance(path.leaf, x509.Certificate):
        return None
    certs = tuple(path[i].dump() for i in range(1, path.pkix_len + 1))
    settings = (
        repr(context.revinfo_policy),
        context.time_tolerance,
        type(context.sig_validator).__qualname__,
        type(context.sig_validator).__module__,
    )
    return (anchor.certificate.dump(), certs, settings)


def _valid_at(windows: tuple[tuple[Any, Any], ...], moment: Any, tolerance: Any) -> bool:
    """pyHanko's validity test (`_check_validity`) for every certificate of a path."""
    return all(moment + tolerance >= start and moment - tolerance <= end for start, end in windows)


async def validate_path(context: Any, path: Any, parameters: Any = None) -> Any:
    """`pyhanko_certvalidator.validate.async_validate_path`, with a successful result kept.

    Kept per anchor, certificates (full DER) and settings (`_path_key`): every check of RFC
    5280 section 6.1 then gives the same answer except the validity periods, which are tested
    again at this moment. A hit sets what a validation sets on the path (its qualified
    policies) and returns what it returns (the last certificate).
    """
    from pyhanko_certvalidator import validate

    original = _validate_path or validate.async_validate_path
    key = _path_key(context, path, parameters)
    if key is None:
        return await original(context, path, parameters)
    moment, tolerance = context.moment, context.time_tolerance
    kept = paths.data.get(key)
    if kept is not None and _valid_at(kept[0], moment, tolerance):
        paths.hits += 1
        path._set_qualified_policies(kept[1])
        return path[path.pkix_len]
    result = await original(context, path, parameters)
    windows = tuple(
        (
            path[i]["tbs_certificate"]["validity"]["not_before"].native,
            path[i]["tbs_certificate"]["validity"]["not_after"].native,
        )
        for i in range(1, path.pkix_len + 1)
    )
    if _valid_at(windows, moment, tolerance):  # what the validation just confirmed
        paths.get(key, lambda: (windows, path.qualified_policies()))
    return result
