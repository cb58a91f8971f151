"""The Vietnamese trust anchors shipped with hoso, and `hoso trust add vn|FILE|list` / `hoso init --trust`.

Test files: the PEM files in src/hoso/data/trust/vn/ and its intermediates/ (copied from the public
CA pages and from real signed PDFs, see the README there); CA certificates, keys, PKCS#12 and
PKCS#7 files of the throw-away PKI of tests/sigfixtures.py, written at test time into tmp_path;
everything else is written by the commands under test in tmp_path.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sigfixtures as F
from conftest import School, cli, run_subprocess
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from hoso.errors import ExitCode
from hoso.pdf import pki
from hoso.trust import (
    MAX_CERT_FILE_BYTES,
    bundle_certificates,
    bundle_entries,
    bundle_files,
    installed_name,
    parse_pem,
)

VN_INSTALLED = [
    "vn-cpcag2.pem",
    "vn-easyca.pem",
    "vn-misa-ca-2019.pem",
    "vn-rootcag2.pem",
    "vn-vnpt-ca-sha2.pem",
    "vn-vnpt-smartca-rs.pem",
    "vn-vnrca256.pem",
]


def test_shipped_bundle_matches_the_fingerprints_its_readme_publishes() -> None:
    entries = dict(bundle_entries("vn"))
    readme = entries["README.md"].read_text(encoding="utf-8")
    published = dict(re.findall(r"\| (\S+\.pem) \|.*\| ((?:[0-9A-F]{2}:){31}[0-9A-F]{2}) \|", readme))
    pems = {rel: item for rel, item in entries.items() if rel.endswith(".pem")}
    assert set(published) == set(pems) and len(pems) == 7
    assert {"intermediates/vnpt-smartca-rs.pem", "intermediates/misa-ca-2019.pem"} <= set(pems)
    for rel, item in pems.items():
        anchors = parse_pem(item.read_bytes(), rel)
        assert [a.sha256 for a in anchors] == [published[rel]], rel
        assert all(a.ca for a in anchors), rel
    assert len(bundle_files("vn")) == 8  # the seven certificates and the README


def test_shipped_intermediates_chain_to_the_national_root() -> None:
    certs = {c.subject.native["common_name"]: c for c in bundle_certificates("vn")}
    root = certs["Vietnam National Root CA"]
    for cn in ("VNPT SmartCA RS", "MISA-CA", "EASYCA", "VNPT-CA SHA2"):
        assert certs[cn].issuer == root.subject, cn


def test_installed_names_are_flat_and_distinct() -> None:
    names = [installed_name("vn", rel) for rel, _ in bundle_entries("vn")]
    assert sorted(n for n in names if n.endswith(".pem")) == VN_INSTALLED
    assert "README-vn.md" in names and len(set(names)) == len(names)


def test_trust_add_is_idempotent_and_never_overwrites(school_repo: School, capsys) -> None:
    run = cli(capsys, "trust", "add", "vn")
    assert run.code == ExitCode.OK, run.text
    added = sorted(p.name for p in (school_repo.root / "trust").glob("vn-*.pem"))
    assert added == VN_INSTALLED
    assert cli(capsys, "trust", "add", "vn").code == ExitCode.OK  # same bytes: kept, not an error

    target = school_repo.root / "trust" / "vn-vnrca256.pem"
    target.write_bytes(target.read_bytes().replace(b"\n", b"\r\n"))
    before = target.read_bytes()
    (school_repo.root / "trust" / "vn-easyca.pem").unlink()
    run = cli(capsys, "trust", "add", "vn")
    assert run.code == ExitCode.EXISTS and "trust/vn-vnrca256.pem" in run.text
    assert target.read_bytes() == before
    assert not (school_repo.root / "trust" / "vn-easyca.pem").exists()  # all or nothing


def test_trust_add_vn_upgrades_an_older_bundle(school_repo: School, capsys) -> None:
    """A school that added the 4-certificate bundle of an older hoso gets the intermediates."""
    trust = school_repo.root / "trust"
    old_readme = "# Vietnamese public trust anchors\n\n(the README of an older hoso)\n"
    (trust / "README-vn.md").write_text(old_readme, encoding="utf-8")
    for rel, item in bundle_entries("vn"):
        if rel.endswith(".pem") and not rel.startswith("intermediates/"):
            (trust / installed_name("vn", rel)).write_bytes(item.read_bytes())
    run = cli(capsys, "trust", "add", "vn")
    assert run.code == ExitCode.OK, run.text
    assert sorted(p.name for p in trust.glob("vn-*.pem")) == VN_INSTALLED
    assert (trust / "README-vn.md").read_text(encoding="utf-8") == old_readme
    assert "trust/README-vn.md" in run.err and "giữ nguyên" in run.err


def test_trust_list_json_and_a_broken_pem(school_repo: School, capsys) -> None:
    cli(capsys, "trust", "add", "vn")
    run = cli(capsys, "trust", "list", "--format", "json")
    listed = json.loads(run.out)
    subjects = " ".join(a["subject"] for a in listed)
    assert run.code == 0 and "Vietnam National Root CA" in subjects and "Ban Cơ yếu Chính phủ" in subjects
    (school_repo.root / "trust" / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\nxx\n")
    run = cli(capsys, "trust", "list")
    assert run.code == ExitCode.CONFIG and "Traceback" not in run.text and "trust/" in run.text


def test_init_with_trust_vn(tmp_path, capsys) -> None:
    run = cli(capsys, "init", str(tmp_path / "truong"), "--level", "mam-non", "--trust", "vn")
    assert run.code == 0, run.text
    assert (tmp_path / "truong" / "trust" / "vn-rootcag2.pem").is_file()
    assert (tmp_path / "truong" / "trust" / "vn-vnpt-smartca-rs.pem").is_file()  # intermediates too
    assert (tmp_path / "truong" / "trust" / "README-vn.md").is_file()


# ---- hoso trust add FILE ---------------------------------------------------------------------


def trust_dir(school: School) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((school.root / "trust").iterdir())}


def ca_pem(folder: Path) -> Path:
    p = F.pki_fixture()
    target = folder / "test-ca.pem"
    target.write_bytes(pki.cert_pem(p.root.cert, p.inter.cert))
    return target


def test_trust_add_file_shows_then_adds_under_cn_names(school_repo: School, capsys, tmp_path: Path) -> None:
    p = F.pki_fixture()
    source = ca_pem(tmp_path)
    run = cli(capsys, "trust", "add", str(source), "--yes")
    assert run.code == ExitCode.OK, run.text
    for cert in (p.root, p.inter):
        assert f"SHA-256:   {cert.fingerprint.upper()}" in run.out  # shown before trusting
    assert "chủ thể:   CN=Test Root CA,C=VN" in run.out and "CA gốc (tự ký)" in run.out
    assert "cấp bởi:   CN=Test Root CA,C=VN" in run.out and "CA trung gian" in run.out
    assert "hiệu lực:" in run.out
    root_file = school_repo.root / "trust" / "test-root-ca.pem"
    inter_file = school_repo.root / "trust" / "test-sub-ca.pem"
    assert root_file.read_bytes() == pki.cert_pem(p.root.cert)
    assert inter_file.read_bytes() == pki.cert_pem(p.inter.cert)
    assert "đã thêm: trust/test-root-ca.pem" in run.err and "commit" in run.err
    # listed like any other anchor
    listed = json.loads(cli(capsys, "trust", "list", "--format", "json").out)
    assert {"trust/test-root-ca.pem", "trust/test-sub-ca.pem"} <= {a["file"] for a in listed}

    # the same certificates again, now as DER and as PKCS#7: kept, nothing written
    before = trust_dir(school_repo)
    der = tmp_path / "root.cer"
    der.write_bytes(p.root.cert.public_bytes(serialization.Encoding.DER))
    p7b = tmp_path / "chain.p7b"
    p7b.write_bytes(pkcs7.serialize_certificates([p.root.cert, p.inter.cert], serialization.Encoding.DER))
    for again in (source, der, p7b):
        run = cli(capsys, "trust", "add", str(again))  # no --yes needed: nothing to trust anew
        assert run.code == ExitCode.OK, run.text
        assert "giữ nguyên (đã có): trust/test-root-ca.pem" in run.err
    assert trust_dir(school_repo) == before


def test_trust_add_file_never_overwrites_another_file_of_that_name(
    school_repo: School, capsys, tmp_path: Path
) -> None:
    p = F.pki_fixture()
    other = school_repo.root / "trust" / "test-root-ca.pem"
    other.write_bytes(pki.cert_pem(p.foreign_root.cert))  # a different CA already has the name
    source = tmp_path / "root.pem"
    source.write_bytes(pki.cert_pem(p.root.cert))
    run = cli(capsys, "trust", "add", str(source), "--yes")
    assert run.code == ExitCode.OK, run.text
    short = p.root.fingerprint.replace(":", "").lower()[:8]
    assert (school_repo.root / "trust" / f"test-root-ca-{short}.pem").read_bytes() == source.read_bytes()
    assert other.read_bytes() == pki.cert_pem(p.foreign_root.cert)


def test_trust_add_vn_intermediate_file_is_kept(school_repo: School, capsys) -> None:
    """A CA from the bundle, added again by file: already trusted under its bundle name."""
    assert cli(capsys, "trust", "add", "vn").code == ExitCode.OK
    smartca = dict(bundle_entries("vn"))["intermediates/vnpt-smartca-rs.pem"]
    run = cli(capsys, "trust", "add", str(smartca))
    assert run.code == ExitCode.OK, run.text
    assert "VNPT SmartCA RS" in run.out and "giữ nguyên (đã có): trust/vn-vnpt-smartca-rs.pem" in run.err


def test_trust_add_file_needs_yes_without_a_terminal(school_repo: School, capsys, tmp_path: Path) -> None:
    before = trust_dir(school_repo)
    source = ca_pem(tmp_path)
    run = cli(capsys, "trust", "add", str(source))
    assert run.code == ExitCode.USAGE
    assert str(source) in run.err and "--yes" in run.err and "SHA-256" in run.err
    assert "Test Root CA" in run.out  # what would have been trusted was shown
    assert trust_dir(school_repo) == before
    # as a process, stdin not a terminal (a script, cron)
    run = run_subprocess(
        ["trust", "add", str(source)],
        school_repo.root,
        {**os.environ, "HOSO_LANG": "en"},
        stdin=subprocess.DEVNULL,
    )
    assert run.code == ExitCode.USAGE, run.err
    assert "needs a confirmation" in run.err and "--yes" in run.err and "Traceback" not in run.err
    assert trust_dir(school_repo) == before


def _at_a_terminal(args: list[str], cwd: Path, answer: bytes, lang: str = "vi") -> tuple[int, str]:
    """Run hoso with stdin a pseudo-terminal that already holds `answer`; (exit code, stderr)."""
    pty = pytest.importorskip("pty")
    primary, secondary = pty.openpty()
    try:
        os.write(primary, answer)
        run = run_subprocess(args, cwd, {**os.environ, "HOSO_LANG": lang}, stdin=secondary)
    finally:
        os.close(primary)
        os.close(secondary)
    return run.code, run.err


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_trust_add_file_asks_at_a_terminal(school_repo: School, tmp_path: Path) -> None:
    source = ca_pem(tmp_path)
    before = trust_dir(school_repo)
    code, err = _at_a_terminal(["trust", "add", str(source)], school_repo.root, b"\n")  # default: no
    assert code == ExitCode.FAILED, err
    assert "Tin cậy 2 chứng thư này?" in err and "[c/K]" in err and "không thêm gì" in err
    assert trust_dir(school_repo) == before
    code, err = _at_a_terminal(["trust", "add", str(source)], school_repo.root, b"k\n")
    assert code == ExitCode.FAILED and trust_dir(school_repo) == before
    code, err = _at_a_terminal(["trust", "add", str(source)], school_repo.root, b"c\n")
    assert code == ExitCode.OK, err
    assert (school_repo.root / "trust" / "test-root-ca.pem").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_trust_add_file_asks_in_english(school_repo: School, tmp_path: Path) -> None:
    source = tmp_path / "root.pem"
    source.write_bytes(pki.cert_pem(F.pki_fixture().root.cert))
    code, err = _at_a_terminal(["trust", "add", str(source)], school_repo.root, b"y\n", lang="en")
    assert code == ExitCode.OK, err
    assert "Trust this certificate? " in err and "[y/N]" in err


def _bad_inputs(folder: Path) -> dict[str, tuple[Path, int, str]]:
    """name -> (file, exit code, words the refusal must hold)."""
    p = F.pki_fixture()
    key = p.root.key
    files: dict[str, tuple[bytes | None, int, str]] = {
        "text.pem": (b"-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n", 2, "X.509"),
        "notes.txt": ("Chứng thư số của Sở".encode(), 2, "X.509"),
        "empty.cer": (b"", 2, "X.509"),
        "key.pem": (pki.key_pem(key), 2, "khóa bí mật"),
        "cert-and-key.pem": (pki.cert_pem(p.root.cert) + pki.key_pem(key, "mat-khau"), 2, "khóa bí mật"),
        "key.der": (
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            2,
            "khóa bí mật",
        ),
        "token.p12": (
            pkcs12.serialize_key_and_certificates(
                b"gv", key, p.root.cert, None, serialization.BestAvailableEncryption(b"mat-khau")
            ),
            2,
            "khóa bí mật",
        ),
        "huge.pem": (pki.cert_pem(p.root.cert) + b"\n" * MAX_CERT_FILE_BYTES, 2, "1 MiB"),
        "teacher.pem": (pki.cert_pem(p.teacher.cert), 2, "không phải chứng thư của CA"),
        "missing.pem": (None, ExitCode.NOT_FOUND, "không tìm thấy"),
    }
    out: dict[str, tuple[Path, int, str]] = {}
    for name, (data, code, words) in files.items():
        path = folder / name
        if data is not None:
            path.write_bytes(data)
        out[name] = (path, code, words)
    (folder / "a-folder").mkdir()
    out["a-folder"] = (folder / "a-folder", 2, "không phải một tệp")
    return out


def test_trust_add_file_refuses_bad_input_plainly(school_repo: School, capsys, tmp_path: Path) -> None:
    before = trust_dir(school_repo)
    for name, (path, code, words) in _bad_inputs(tmp_path).items():
        run = cli(capsys, "trust", "add", str(path), "--yes")
        assert run.code == code, (name, run.text)
        assert str(path) in run.err and words in run.err and " — " in run.err, (name, run.err)
        assert "Traceback" not in run.text and run.out == "", name
        assert trust_dir(school_repo) == before, name
    assert "issuer" not in run.err  # the refusal is in Vietnamese by default


def test_trust_add_teacher_certificate_names_its_ca(school_repo: School, capsys, tmp_path: Path) -> None:
    source = tmp_path / "gv.pem"
    source.write_bytes(pki.cert_pem(F.pki_fixture().teacher.cert))
    run = cli(capsys, "trust", "add", str(source), "--yes")
    assert run.code == ExitCode.USAGE
    assert "Test Sub CA" in run.err and "people.yml" in run.err


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file")
def test_trust_add_unreadable_file(school_repo: School, capsys, tmp_path: Path) -> None:
    source = ca_pem(tmp_path)
    source.chmod(0)
    run = cli(capsys, "trust", "add", str(source), "--yes")
    assert run.code == ExitCode.USAGE and str(source) in run.err and "Traceback" not in run.text


def test_trust_add_outside_a_school_is_refused(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "nha"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for source in ("vn", str(ca_pem(tmp_path))):
        run = cli(capsys, "trust", "add", source, "--yes")
        assert run.code == ExitCode.USAGE, run.text
        assert "catalog.yml" in run.err and "hoso verify --trust vn" in run.err
    assert list(folder.iterdir()) == []  # no stray trust/ folder


def test_trust_help_names_files_and_yes(capsys) -> None:
    run = cli(capsys, "trust", "add", "--help")
    assert run.code == 0 and "--yes" in run.out and "vn|TỆP" in run.out
