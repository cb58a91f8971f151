"""Attacks on what the verifier keeps from one file to the next (hoso.pdf.verify.caches), and
the exactness of its fast paths (fasthex, policy.object_headers).

The caches are keyed on complete encodings: a certificate forged with the genuine one's
subject, issuer, serial number and key identifiers (but its own key, under a fake CA of the
same name) must get its own verdict whichever file was verified first; a certificate path
validated at one time must be judged again at a time one of its certificates was not valid;
nothing is kept when the file carries revocation data. Every verdict given with warm caches
equals the one a fresh process gives.

Files are made at test time by tests/sigfixtures.py and tests/sigattacks.py; the forged twin
is built here with `cryptography` (`forged_twin`).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import sigattacks as A
import sigfixtures as F
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.pdf import pki
from hoso.pdf.verify import caches, chain, examine_pdf, fasthex, policy


def examine(data: bytes) -> dict[str, Any]:
    return examine_pdf(data, trust_roots=F.pki_fixture().trust, path="f.pdf").as_json()


# ---- the forged twin ------------------------------------------------------------------------


def _twin(genuine: x509.Certificate, key: Any, signing_key: Any) -> x509.Certificate:
    """`genuine`'s subject, issuer, serial, validity and every extension (subject and authority
    key identifiers included), with `key`'s public key, signed by `signing_key`."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(genuine.subject)
        .issuer_name(genuine.issuer)
        .public_key(key.public_key())
        .serial_number(genuine.serial_number)
        .not_valid_before(genuine.not_valid_before_utc)
        .not_valid_after(genuine.not_valid_after_utc)
    )
    for extension in genuine.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    return builder.sign(signing_key, hashes.SHA256())


@cache
def forged_twin() -> tuple[bytes, x509.Certificate]:
    """The teacher's signature, forged: a fake "Test Sub CA" (the real one's name, serial and
    key identifiers, signed by an attacker's key) issues a twin of the teacher's certificate
    (same subject, issuer, serial and key identifiers) for the attacker's key, which signs."""
    p = F.pki_fixture()
    attacker_root, attacker_ca, attacker = (pki.generate_key() for _ in range(3))
    fake_ca = _twin(p.inter.cert, attacker_ca, attacker_root)
    twin = _twin(p.teacher.cert, attacker, attacker_ca)
    data = F.sign(F.source_pdf(), pki.Issued(twin, attacker), "Sig1-giao-vien", chain=(fake_ca,))
    return data, twin


def test_the_twin_shares_names_and_key_ids_only() -> None:
    _, twin = forged_twin()
    genuine = F.pki_fixture().teacher.cert
    ski = x509.SubjectKeyIdentifier
    aki = x509.AuthorityKeyIdentifier
    assert twin.subject == genuine.subject and twin.issuer == genuine.issuer
    assert twin.serial_number == genuine.serial_number
    assert twin.extensions.get_extension_for_class(ski) == genuine.extensions.get_extension_for_class(ski)
    assert twin.extensions.get_extension_for_class(aki) == genuine.extensions.get_extension_for_class(aki)
    assert twin.public_bytes(serialization.Encoding.DER) != genuine.public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize("genuine_first", [True, False])
def test_same_name_and_key_id_never_share_a_result(genuine_first: bool) -> None:
    forged, _ = forged_twin()
    genuine = F.signed()
    caches.clear()
    order = [genuine, forged] if genuine_first else [forged, genuine]
    verdicts = {id(data): examine(data) for data in order}
    assert verdicts[id(genuine)]["status"] == "valid", verdicts[id(genuine)]["details"]
    bad = verdicts[id(forged)]
    assert bad["status"] == "untrusted", (bad["status"], bad["reasons"], bad["details"])
    sig = bad["signatures"][0]
    assert sig["chain_trusted"] is not True and "sig.untrusted-chain" in sig["reasons"]
    # and again, every cache warm with both
    assert examine(forged) == bad
    assert examine(genuine) == verdicts[id(genuine)]


def test_a_twin_is_a_different_certificate_object() -> None:
    from asn1crypto import x509 as asn1_x509

    caches.install()
    der = serialization.Encoding.DER
    genuine = asn1_x509.Certificate.load(F.pki_fixture().teacher.cert.public_bytes(der))
    twin = asn1_x509.Certificate.load(forged_twin()[1].public_bytes(der))
    assert genuine.subject == twin.subject and genuine.key_identifier == twin.key_identifier
    kept_genuine, kept_twin = caches.certificate(genuine), caches.certificate(twin)
    assert kept_genuine is not kept_twin
    assert kept_genuine.dump() == genuine.dump() and kept_twin.dump() == twin.dump()
    # a fresh parse of the same bytes gets the object kept for them
    assert caches.certificate(asn1_x509.Certificate.load(genuine.dump())) is kept_genuine


# ---- a kept path, at another time ------------------------------------------------------------


@pytest.mark.parametrize("valid_first", [True, False])
def test_a_kept_path_is_judged_again_where_a_certificate_was_not_valid(valid_first: bool) -> None:
    p = F.pki_fixture()  # p.expired: valid 2020-01-01 – 2021-12-31
    in_term = F.sign(F.source_pdf(), p.expired, "Sig1", when=datetime(2021, 6, 1, 8, 0))
    after = F.sign(F.source_pdf(), p.expired, "Sig1", when=datetime(2024, 9, 12, 8, 0))
    before = F.sign(F.source_pdf(), p.expired, "Sig1", when=datetime(2019, 6, 1, 8, 0))
    caches.clear()
    order = [in_term, after, before] if valid_first else [after, before, in_term]
    verdicts = {id(data): examine(data) for data in order}
    assert verdicts[id(in_term)]["status"] == "valid", verdicts[id(in_term)]["details"]
    assert "sig.expired-at-signing" in verdicts[id(after)]["reasons"]
    assert "sig.not-yet-valid-at-signing" in verdicts[id(before)]["reasons"]
    for data in order:  # warm, in another order
        assert examine(data) == verdicts[id(data)]


def _crl(revoked: x509.Certificate) -> Any:
    from asn1crypto import crl as asn1_crl

    inter = F.pki_fixture().inter
    now = datetime(2024, 9, 1, tzinfo=UTC)
    entry = (
        x509.RevokedCertificateBuilder()
        .serial_number(revoked.serial_number)
        .revocation_date(now - timedelta(days=30))
        .build()
    )
    built = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(inter.cert.subject)
        .last_update(now)
        .next_update(now + timedelta(days=365))
        .add_revoked_certificate(entry)
        .sign(inter.key, hashes.SHA256())
    )
    return asn1_crl.CertificateList.load(built.public_bytes(serialization.Encoding.DER))


def test_nothing_is_kept_with_revocation_data() -> None:
    from asn1crypto import x509 as asn1_x509

    p = F.pki_fixture()
    der = serialization.Encoding.DER
    roots, intermediates = chain.split_trust(p.trust)
    teacher = asn1_x509.Certificate.load(p.teacher.cert.public_bytes(der))
    moment = datetime(2024, 9, 12, tzinfo=UTC)

    def key_with(revinfo: tuple[list[Any], list[Any]]) -> Any:
        context = chain.validation_context(roots, intermediates, revinfo, moment)
        paths = asyncio.run(context.path_builder.async_build_paths(teacher))
        return caches._path_key(context, next(iter(paths)), None)

    assert key_with(([], [])) is not None
    assert key_with(([_crl(p.teacher.cert)], [])) is None


# ---- warm verdicts equal a fresh process's ---------------------------------------------------

# One script, two ways: "fresh" forks a process that has examined nothing for each file;
# "warm" examines every file in one process, in order then in reverse (each cache warm from the
# others). Both run with the same PYTHONHASHSEED: pyHanko words a refused modification from a
# set, whose order (not content) the hash seed decides.
EXAMINE = """
import json, os, sys
from pathlib import Path
import pyhanko.sign.validation, pyhanko.pdf_utils.reader  # imported once; nothing examined
from hoso.pdf.verify import examine_pdf
mode, trust, names = sys.argv[1], [Path(sys.argv[2]).read_bytes()], sys.argv[3:]

def examine(name):
    return examine_pdf(Path(name).read_bytes(), trust_roots=trust, path="f.pdf").as_json()

out = []
if mode == "warm":
    out = [[name, examine(name)] for name in [*names, *reversed(names)]]
for name in names if mode == "fresh" else []:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # every cache empty
        os.close(r)
        with os.fdopen(w, "wb") as pipe:
            pipe.write(json.dumps(examine(name)).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        out.append([name, json.loads(pipe.read())])
    os.waitpid(pid, 0)
print(json.dumps(out))
"""


def _corpus() -> dict[str, Callable[[], bytes]]:
    p = F.pki_fixture()
    when = datetime(2024, 9, 12, 8, 0)
    return {
        "signed": F.signed,
        "counter-signed": F.counter_signed,
        "changed-content": lambda: F.change_content(F.signed()),
        "added-page": lambda: F.add_page(F.signed()),
        "short-byte-range": lambda: F.shorten_byte_range(F.signed()),
        "garbage-after-eof": lambda: F.append_garbage(F.counter_signed()),
        "expired": lambda: F.sign(F.source_pdf(), p.expired, "Sig1"),
        "sha1-certificate": lambda: F.sign(F.source_pdf(), p.sha1, "Sig1"),
        "weak-key": lambda: F.sign(F.source_pdf(), p.weak_key, "Sig1"),
        "wrong-usage": lambda: F.sign(F.source_pdf(), p.wrong_usage, "Sig1"),
        "self-signed": lambda: F.sign(F.source_pdf(), p.self_signed, "Sig1", chain=()),
        "foreign-root": lambda: F.sign(F.source_pdf(), p.foreign_teacher, "Sig1", chain=()),
        "timestamped": lambda: A.timestamped_sign(F.source_pdf(), p.teacher, "Sig1", when),
        "doc-timestamp": lambda: A.doc_timestamp(F.counter_signed(), when + timedelta(days=9)),
        "dss": lambda: A.add_dss(A.timestamped_sign(F.source_pdf(), p.teacher, "Sig1", when)),
        "forged-twin": lambda: forged_twin()[0],
    }


def test_warm_verdicts_equal_a_fresh_process(tmp_path: Path) -> None:
    corpus = {name: make() for name, make in _corpus().items()}
    trust = tmp_path / "trust.pem"
    trust.write_bytes(b"".join(F.pki_fixture().trust))
    for name, data in corpus.items():
        (tmp_path / f"{name}.pdf").write_bytes(data)
    files = [str(tmp_path / f"{name}.pdf") for name in corpus]

    def run(mode: str) -> list[tuple[str, dict[str, Any]]]:
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        args = [sys.executable, "-c", EXAMINE, mode, str(trust), *files]
        proc = subprocess.run(args, capture_output=True, text=True, check=True, env=env)
        return [(Path(name).stem, verdict) for name, verdict in json.loads(proc.stdout)]

    fresh = dict(run("fresh"))
    assert fresh["signed"]["status"] == "valid" and fresh["forged-twin"]["status"] == "untrusted"
    assert fresh["expired"]["status"] != "valid" and fresh["changed-content"]["status"] == "invalid"
    warm = run("warm")
    assert len(warm) == 2 * len(corpus)
    for name, verdict in warm:
        assert verdict == fresh[name], name


# ---- the fast paths are exact ----------------------------------------------------------------


def _read_hex(reader: Any, data: bytes) -> tuple[Any, ...]:
    stream = io.BytesIO(b"xx" + data + b" tail")
    stream.seek(2)
    try:
        value = reader(stream)
    except Exception as exc:
        return ("error", type(exc))
    return (type(value), bytes(value) if isinstance(value, bytes) else str(value), stream.tell())


hex_bodies = st.lists(
    st.sampled_from([b"0", b"7", b"a", b"F", b"41", b"FEFF", b" ", b"\n", b"\r\n", b"\t", b"\x00", b"\x0c"])
    | st.sampled_from([b"%c\n", b"g", b">", b"<", b"\x0b", b"ab" * 3000]),
    max_size=40,
).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(body=hex_bodies, end=st.sampled_from([b">", b"", b">>", b"> 1 0 R"]))
def test_fast_hex_strings_read_as_pyhanko_reads_them(body: bytes, end: bytes) -> None:
    from pyhanko.pdf_utils import generic

    fasthex.install()
    fast = generic.read_hex_string_from_stream
    data = b"<" + body + end
    assert _read_hex(fast, data) == _read_hex(fast.original, data)


def test_a_long_contents_string_reads_as_pyhanko_reads_it() -> None:
    from pyhanko.pdf_utils import generic

    fasthex.install()
    fast = generic.read_hex_string_from_stream
    for data in (b"<" + b"3082" * 30000 + b">", b"<" + b"3082 " * 30000 + b"1>", b"<" + b"00" * 70000):
        assert _read_hex(fast, data) == _read_hex(fast.original, data)


numbers = st.sampled_from([b"", b"0", b"7", b"12", b"12345", b"123456", b"1234567890", b"12345678901"])
blanks = st.sampled_from([b"", b" ", b"\n", b"\r\n", b"\t", b"\x0b", b"\x0c", b"\x00", b"  \n"])
pieces = st.one_of(
    st.tuples(
        numbers, blanks, numbers, blanks, st.sampled_from([b"obj", b"objx", b"obj_", b"obj ", b"ob"])
    ).map(b"".join),
    st.sampled_from([b"x", b"7", b" ", b"endobj", b"<<", b"obj", b"9 ", b"a1 0 obj", b"%"]),
)


@settings(max_examples=1000, deadline=None)
@given(parts=st.lists(pieces, max_size=6), cut=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_object_headers_are_what_the_regex_finds(parts: list[bytes], cut: tuple[float, float]) -> None:
    data = b"".join(parts)
    start = int(len(data) * min(cut))
    end = int(len(data) * max(cut))
    found = list(policy.object_headers(data, start, end))
    assert found == [m.start() for m in policy._OBJ_HEADER.finditer(data, start, end)]


def test_object_headers_in_a_signed_file() -> None:
    data = F.counter_signed()
    assert list(policy.object_headers(data, 0, len(data))) == [
        m.start() for m in policy._OBJ_HEADER.finditer(data)
    ]


# ---- names -----------------------------------------------------------------------------------


def _name(value: str, kind: str = "utf8_string") -> Any:
    from asn1crypto import x509 as asn1_x509

    rdn = asn1_x509.RelativeDistinguishedName(
        [
            asn1_x509.NameTypeAndValue(
                {"type": "common_name", "value": asn1_x509.DirectoryString(name=kind, value=value)}
            )
        ]
    )
    return asn1_x509.Name.load(asn1_x509.Name(name="", value=asn1_x509.RDNSequence([rdn])).dump())


def test_names_compare_as_rfc_5280_says_with_the_memo() -> None:
    caches.install()
    same = (_name("Test  CA"), _name("test ca", "printable_string"))
    other = (_name("Test CA"), _name("Test CB"))
    for _ in range(2):  # computed, then remembered
        assert same[0] == same[1] and same[0].chosen == same[1].chosen
        assert other[0] != other[1] and other[0].chosen != other[1].chosen
        assert same[0].hashable == same[1].hashable != other[1].hashable
    assert (same[0] == 1) is False


def test_a_name_that_cannot_be_compared_raises_every_time() -> None:
    caches.install()
    bad, good = _name("\ue000"), _name("Test CA")  # private use: refused by RFC 4518
    for _ in range(2):
        with pytest.raises(ValueError):
            _ = bad == good
        with pytest.raises(ValueError):
            _ = bad.hashable


def test_memos_are_bounded() -> None:
    memo = caches.Memo(limit=2)
    assert [memo.get(k, lambda k=k: k * 2) for k in (1, 2, 1, 3, 4)] == [2, 4, 2, 6, 8]
    assert len(memo.data) <= 2 and memo.hits == 1


# ---- workers -----------------------------------------------------------------------------------


def test_workers_follow_the_affinity_and_hoso_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    from hoso.pdf import pool

    monkeypatch.delenv("HOSO_WORKERS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert pool.workers() == 1  # taskset -c 0: no pool
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert pool.workers() == 3
    monkeypatch.setenv("HOSO_WORKERS", "1")
    assert pool.workers() == 1
    monkeypatch.setenv("HOSO_WORKERS", "nonsense")
    assert pool.workers() == 3
