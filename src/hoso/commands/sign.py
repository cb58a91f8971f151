"""`hoso sign FILE --role R (--p12 FILE | --pkcs11-lib LIB --token LABEL)`: add a signature.

The passphrase or PIN comes from HOSO_P12_PASSPHRASE / HOSO_PKCS11_PIN or a prompt, never
from the command line (it would land in the shell history and the process list). The signer
must hold the role at the signing time per people.yml; the signature is appended as an
incremental update and the file replaced in one step, so the signed bytes before it stay.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from hoso.commands._common import err, out, repo_root
from hoso.config import load_config
from hoso.config.vocab import ROLES, SIGNER_SEAL, role_name
from hoso.errors import ExitCode, HosoError, NotFoundError, UsageError
from hoso.messages import t
from hoso.writes import write_atomic

PASS_ENV = "HOSO_P12_PASSPHRASE"
PIN_ENV = "HOSO_PKCS11_PIN"


def _secret(env: str, prompt_key: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageError("sign.no-secret", env=env)
    return getpass.getpass(t(prompt_key) + " ")


@contextlib.contextmanager
def signer_from_args(args: argparse.Namespace) -> Iterator[Any]:
    from hoso.pdf import sign

    if args.p12:
        p12 = Path(args.p12)
        if not p12.is_file():
            raise NotFoundError("sign.p12-missing", path=args.p12)
        try:
            yield sign.load_signer(p12, _secret(PASS_ENV, "sign.prompt-passphrase"))
        except ValueError as exc:
            raise HosoError("sign.p12-unreadable", ExitCode.USAGE, path=args.p12, detail=str(exc)) from exc
        return
    if not args.pkcs11_lib or not args.token:
        raise UsageError("sign.need-key")
    try:
        with sign.TokenSession(
            args.pkcs11_lib, args.token, _secret(PIN_ENV, "sign.prompt-pin"), args.key_label
        ) as signer:
            yield signer
    except HosoError:
        raise
    except Exception as exc:  # PKCS#11 libraries raise their own types; the user needs the text
        raise HosoError("sign.token-failed", ExitCode.FAILED, detail=f"{type(exc).__name__}: {exc}") from exc


def _fingerprint(signer: Any) -> str:
    import hashlib

    return hashlib.sha256(signer.signing_cert.dump()).hexdigest()


def run(args: argparse.Namespace) -> int:
    root, _ = repo_root(args.repo)
    config = load_config(root)
    path = Path(args.file)
    if not path.is_file():
        raise NotFoundError("sign.file-missing", path=args.file)
    with signer_from_args(args) as signer:
        image = _image(args.image) if args.image else None
        sign_file(
            config,
            path,
            args.role,
            signer,
            visible=args.visible or image is not None,
            shown=args.file,
            image=image,
            tsa=tsa_url(args),
        )
    out(str(path))
    return int(ExitCode.OK)


def tsa_url(args: argparse.Namespace) -> str | None:
    """`--tsa URL`, else HOSO_TSA_URL; an http(s) URL or nothing."""
    url = getattr(args, "tsa", None) or os.environ.get("HOSO_TSA_URL") or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise UsageError("sign.tsa-url", value=url)
    return url


def timestamper(url: str) -> Any:
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=15)  # type: ignore[no-untyped-call]


def _image(name: str) -> bytes:
    path = Path(name)
    if not path.is_file():
        raise NotFoundError("sign.image-missing", path=name)
    data = path.read_bytes()
    if not data.startswith((b"\x89PNG", b"\xff\xd8\xff")):
        raise UsageError("sign.image-format", path=name)
    return data


def sign_file(
    config: Any,
    path: Path,
    role: str,
    signer: Any,
    *,
    visible: bool = False,
    shown: str = "",
    image: bytes | None = None,
    tsa: str | None = None,
) -> str:
    """Append `signer`'s signature in `role` to the PDF at `path`; return the signer's person id.

    Used by `hoso sign` and by `hoso approve` (counter-signing before the approval merge).
    `tsa`: an RFC 3161 time-stamping service's URL; its token makes the signing time evidence
    (a claimed time grants no role that has ended by the time the record reaches the school).
    """
    if role not in (*ROLES, SIGNER_SEAL):
        raise UsageError("sign.bad-role", value=role, choices=", ".join((*ROLES, SIGNER_SEAL)))
    shown = shown or str(path)
    data = path.read_bytes()
    person_id, label = _who(config, _fingerprint(signer), role, datetime.now().astimezone())
    from hoso.pdf.sign import Appearance, sign_pdf

    title = role_name(role) if role != SIGNER_SEAL else label
    try:
        signed = sign_pdf(
            data,
            signer,
            field_name=f"Sig{_existing_signatures(data) + 1}-{person_id}",
            reason=t("sign.reason", role=title),
            appearance=Appearance([title, label], image=image) if visible else None,
            timestamper=timestamper(tsa) if tsa else None,
        )
    except Exception as exc:  # pyHanko refuses some files (encrypted, broken xref…)
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError

        if isinstance(exc, TimestampRequestError):
            detail = str(exc)[:300]
            raise HosoError("sign.tsa-failed", ExitCode.FAILED, path=shown, url=tsa, detail=detail) from exc
        raise HosoError("sign.failed", ExitCode.FORMAT, path=shown, detail=str(exc)[:300]) from exc
    write_atomic(path, signed)
    err(t("sign.done", path=shown, who=label, role=role_name(role)))
    return person_id


def _who(config: Any, fp: str, role: str, now: datetime) -> tuple[str, str]:
    """The person (or the seal) the certificate belongs to, who must hold `role` today."""
    if role == SIGNER_SEAL:
        seal = config.people.seal
        if seal is None or fp not in {c.normalized for c in seal.certificates}:
            raise HosoError("sign.not-seal", ExitCode.UNTRUSTED)
        return "con-dau", str(seal.name)
    for person in config.people.people:
        if fp in {c.normalized for c in person.certificates}:
            if not any(r.role == role and r.active_on(now.date()) for r in person.roles):
                raise HosoError(
                    "sign.role-not-held", ExitCode.UNTRUSTED, name=person.name, role=role_name(role)
                )
            return str(person.id), str(person.name)
    raise HosoError("sign.unknown-cert", ExitCode.UNTRUSTED, fingerprint=fp.upper())


def _existing_signatures(data: bytes) -> int:
    from hoso.pdf.verify import verify_pdf

    return len(verify_pdf(data, trust_roots=[], people=None).signatures)
