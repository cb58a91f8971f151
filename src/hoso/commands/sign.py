"""`hoso sign FILE --role R (--p12 FILE | --pkcs11-lib LIB --token LABEL)`: add a signature.

The passphrase or PIN comes from HOSO_P12_PASSPHRASE / HOSO_PKCS11_PIN or a prompt, never
from the command line (it would land in the shell history and the process list). In a school's
repository the signer must hold the role at the signing time per people.yml; outside any school
(no catalog.yml, no -C) a teacher can still sign: the certificate holder's name (CN) is the
label, the role is written as given and hoso says it was not checked. The signature is appended
as an incremental update and the file replaced in one step, so the signed bytes before it stay.
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
from hoso.config.loader import CATALOG_FILE
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
            loaded = sign.load_signer(p12, _secret(PASS_ENV, "sign.prompt-passphrase"))
        except ValueError as exc:
            # load_signer chains the parser's complaint when the archive cannot be opened at all
            # (wrong passphrase, or not PKCS#12); without a cause, it opened but holds no key
            key = "sign.p12-wrong" if exc.__cause__ is not None else "sign.p12-no-key"
            raise HosoError(key, ExitCode.USAGE, path=args.p12, env=PASS_ENV) from exc
        yield loaded
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
    except Exception as exc:  # PKCS#11 libraries raise their own types
        raise _token_error(exc, args) from exc


def _token_error(exc: Exception, args: argparse.Namespace) -> HosoError:
    """What went wrong with a USB token, in words: the common cases by the library's exception
    name and text (python-pkcs11, pyHanko); anything else keeps its text as technical detail."""
    name, text = type(exc).__name__, str(exc)
    where = {"token": args.token, "lib": args.pkcs11_lib, "env": PIN_ENV}
    if name in ("PinIncorrect", "PinInvalid", "PinLenRange"):
        return HosoError("sign.token-pin", ExitCode.USAGE, **where)
    if name in ("PinLocked", "PinExpired"):
        return HosoError("sign.token-locked", ExitCode.USAGE, **where)
    if "No token matching" in text or name in ("NoSuchToken", "TokenNotPresent", "TokenNotRecognised"):
        return HosoError("sign.token-missing", ExitCode.USAGE, **where)
    if "while loading" in text:
        return HosoError("sign.token-lib", ExitCode.USAGE, **where)
    if "Could not find" in text:
        return HosoError("sign.token-no-key", ExitCode.USAGE, label=args.key_label or "-", **where)
    return HosoError("sign.token-failed", ExitCode.FAILED, detail=f"{name}: {text}"[:300])


def _fingerprint(signer: Any) -> str:
    import hashlib

    return hashlib.sha256(signer.signing_cert.dump()).hexdigest()


def run(args: argparse.Namespace) -> int:
    root, _ = repo_root(args.repo)
    # signing needs no school: outside one (no catalog.yml above the folder, and no -C naming
    # one) there is no people.yml, and the signature carries the certificate holder's name
    in_school = bool(args.repo) or (root / CATALOG_FILE).is_file()
    config = load_config(root) if in_school else None
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
    `config` None: no school (hoso sign outside a repository); the role is not checked.
    `tsa`: an RFC 3161 time-stamping service's URL; its token makes the signing time evidence
    (a claimed time grants no role that has ended by the time the record reaches the school).
    """
    if role not in (*ROLES, SIGNER_SEAL):
        raise UsageError("sign.bad-role", value=role, choices=", ".join((*ROLES, SIGNER_SEAL)))
    shown = shown or str(path)
    data = path.read_bytes()
    _refuse_non_pdf(data, shown)
    if config is None:
        person_id, label = _holder(signer)
        err(t("sign.no-school", name=label, role=role_name(role)))
    else:
        person_id, label = _who(config, _fingerprint(signer), role, datetime.now().astimezone())
    from hoso.pdf.sign import Appearance, sign_pdf

    # the seal's box says what it is once, then whose it is (the school's name)
    title = role_name(role) if role != SIGNER_SEAL else t("sign.seal-title")
    try:
        signed = sign_pdf(
            data,
            signer,
            field_name=f"Sig{_existing_signatures(data) + 1}-{person_id}",
            reason=t("sign.reason-seal") if role == SIGNER_SEAL else t("sign.reason", role=title),
            appearance=Appearance([title, label], image=image, seal=role == SIGNER_SEAL) if visible else None,
            timestamper=timestamper(tsa) if tsa else None,
        )
    except HosoError:
        raise  # already says what is wrong and what to do (no room for a visible signature…)
    except Exception as exc:  # pyHanko refuses some files (encrypted, broken xref…)
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError

        if isinstance(exc, TimestampRequestError):
            detail = str(exc)[:300]
            raise HosoError("sign.tsa-failed", ExitCode.FAILED, path=shown, url=tsa, detail=detail) from exc
        detail = f"{type(exc).__name__}: {exc}"[:300]
        raise HosoError("sign.failed-plain", ExitCode.FORMAT, path=shown, detail=detail) from exc
    write_atomic(path, signed)
    err(t("sign.done", path=shown, who=label, role=role_name(role)))
    return person_id


def _refuse_non_pdf(data: bytes, shown: str) -> None:
    """The file must be a readable, unencrypted PDF: said in words before pyHanko would say it
    in English ("Illegal PDF header"); the same judgement as `hoso check` (format.*)."""
    from hoso.pdf.structure import examine

    facts = examine(data)
    if facts.kind == "pdf":
        return
    if facts.kind == "not-pdf":
        raise HosoError("sign.not-pdf", ExitCode.FORMAT, path=shown, looks=_looks_like(facts.detail))
    if facts.kind == "unreadable":
        raise HosoError("sign.unreadable", ExitCode.FORMAT, path=shown)
    key = "format." + facts.kind
    raise HosoError("sign.bad-pdf", ExitCode.FORMAT, path=shown, problem=t(key), fix=t(key + ".fix"))


def _looks_like(sniffed: str) -> str:
    """hoso.pdf.structure.sniff's name for what a file holds, in the user's language."""
    if sniffed in ("HTML/XML", "text", "binary"):
        return t("sign.looks-" + sniffed.split("/")[0].lower())
    return t("sign.looks-file", kind=sniffed)


def _holder(signer: Any) -> tuple[str, str]:
    """Outside a school: (an id made from the name, the name) of the certificate's holder (CN)."""
    from slugify import slugify

    subject = signer.signing_cert.subject
    name = subject.native.get("common_name") if hasattr(subject, "native") else None
    if isinstance(name, list):
        name = name[0] if name else None
    label = str(name or subject.human_friendly)
    return str(slugify(label, max_length=40, word_boundary=True)) or "nguoi-ky", label


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
