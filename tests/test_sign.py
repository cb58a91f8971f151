"""`hoso sign` with a PKCS#12 file and with a real PKCS#11 token (SoftHSM2).

Test files: a copy of the demo school's configuration (catalog.yml, people.yml, trust/) and of
one demo record, signed with the demo PKI in scripts/demo_pki/ (demo-only keys, passphrase
"demo"); the SoftHSM2 token is created in tmp_path and the demo hiệu trưởng's key imported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT, cli

from hoso.errors import ExitCode
from hoso.pdf.verify import verify_pdf

RECORD = "records/2024-2025/truong/ke-hoach-giao-duc-nha-truong/ke-hoach-giao-duc-nha-truong-2024-2025.pdf"
PRINCIPAL_P12 = REPO_ROOT / "scripts/demo_pki/people/nguyen-van-hai.p12"
SOFTHSM_LIB = Path("/usr/lib/softhsm/libsofthsm2.so")


@pytest.fixture
def demo_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "truong"
    root.mkdir()
    for name in ("catalog.yml", "people.yml", "locks.yml"):
        shutil.copy(REPO_ROOT / name, root / name)
    shutil.copytree(REPO_ROOT / "trust", root / "trust")
    (root / RECORD).parent.mkdir(parents=True)
    shutil.copy(REPO_ROOT / RECORD, root / RECORD)
    monkeypatch.chdir(root)
    return root


def _signatures(path: Path) -> int:
    return len(verify_pdf(path.read_bytes(), trust_roots=[], people=None).signatures)


def test_p12_signature_is_appended_and_verifies(demo_copy: Path, capsys, monkeypatch) -> None:
    record = demo_copy / RECORD
    before = record.read_bytes()
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "demo")
    run = cli(capsys, "sign", RECORD, "--role", "hieu-truong", "--p12", str(PRINCIPAL_P12), "--visible")
    assert run.code == ExitCode.OK, run.text
    after = record.read_bytes()
    assert after.startswith(before) and len(after) > len(before)  # incremental: signed bytes kept
    assert _signatures(record) == _signatures(REPO_ROOT / RECORD) + 1
    verified = cli(capsys, "verify", RECORD, "--format", "json")
    assert verified.code == ExitCode.OK, verified.text
    assert "Nguyễn Văn Hải" in run.err and "Hiệu trưởng" in run.err


@pytest.mark.parametrize(
    ("env", "args", "code", "needle"),
    [
        ({"HOSO_P12_PASSPHRASE": "sai"}, ["--role", "hieu-truong"], ExitCode.USAGE, "mật khẩu"),
        ({"HOSO_P12_PASSPHRASE": "demo"}, ["--role", "to-truong"], ExitCode.UNTRUSTED, "Tổ trưởng"),
        ({"HOSO_P12_PASSPHRASE": "demo"}, ["--role", "khong-co"], ExitCode.USAGE, "khong-co"),
    ],
)
def test_refusals_leave_the_record_untouched(demo_copy, capsys, monkeypatch, env, args, code, needle) -> None:
    record = demo_copy / RECORD
    before = record.read_bytes()
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    run = cli(capsys, "sign", RECORD, "--p12", str(PRINCIPAL_P12), *args)
    assert run.code == code and needle in run.text and "Traceback" not in run.text
    assert record.read_bytes() == before
    assert not list(record.parent.glob(".hoso-*"))  # no temporary file left behind


def test_secret_never_on_the_command_line(demo_copy: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "HOSO_P12_PASSPHRASE"}
    base = [
        sys.executable,
        "-m",
        "hoso",
        "sign",
        RECORD,
        "--role",
        "hieu-truong",
        "--p12",
        str(PRINCIPAL_P12),
    ]
    refused = subprocess.run([*base, "--passphrase", "demo"], env=env, capture_output=True, text=True)
    assert refused.returncode == ExitCode.USAGE  # there is no such option
    no_tty = subprocess.run(base, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert no_tty.returncode == ExitCode.USAGE and "HOSO_P12_PASSPHRASE" in no_tty.stderr


def _need(tool: str) -> None:
    if shutil.which(tool) is None and not Path(tool).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is required in CI (.ci/run installs softhsm2 and opensc)")
        pytest.skip(f"{tool} not installed")


@pytest.fixture
def token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for tool in ("softhsm2-util", "pkcs11-tool", str(SOFTHSM_LIB)):
        _need(tool)
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, pkcs12

    hsm = tmp_path / "hsm"
    (hsm / "tokens").mkdir(parents=True)
    conf = hsm / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {hsm / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    key, cert, _ = pkcs12.load_key_and_certificates(PRINCIPAL_P12.read_bytes(), b"demo")
    assert key is not None and cert is not None
    (hsm / "key.pem").write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    (hsm / "cert.der").write_bytes(cert.public_bytes(Encoding.DER))
    steps = [
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "hoso-test",
            "--pin",
            "1234",
            "--so-pin",
            "5678",
        ],
        [
            "softhsm2-util",
            "--import",
            str(hsm / "key.pem"),
            "--token",
            "hoso-test",
            "--label",
            "ky-so",
            "--id",
            "01",
            "--pin",
            "1234",
        ],
        [
            "pkcs11-tool",
            "--module",
            str(SOFTHSM_LIB),
            "--token-label",
            "hoso-test",
            "--login",
            "--pin",
            "1234",
            "--write-object",
            str(hsm / "cert.der"),
            "--type",
            "cert",
            "--label",
            "ky-so",
            "--id",
            "01",
        ],
    ]
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True, env=os.environ)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return "hoso-test"


def test_usb_token_through_pkcs11(demo_copy: Path, token: str, capsys, monkeypatch) -> None:
    record = demo_copy / RECORD
    before = record.read_bytes()
    args = [
        "sign",
        RECORD,
        "--role",
        "hieu-truong",
        "--pkcs11-lib",
        str(SOFTHSM_LIB),
        "--token",
        token,
        "--key-label",
        "ky-so",
    ]
    monkeypatch.setenv("HOSO_PKCS11_PIN", "0000")
    wrong = cli(capsys, *args)
    assert wrong.code != 0 and "PIN" in wrong.text and record.read_bytes() == before
    monkeypatch.setenv("HOSO_PKCS11_PIN", "1234")
    run = cli(capsys, *args)
    assert run.code == ExitCode.OK, run.text
    assert record.read_bytes().startswith(before)
    assert cli(capsys, "verify", RECORD).code == ExitCode.OK


def test_visible_signature_with_a_handwritten_signature_image(demo_copy: Path, capsys, monkeypatch) -> None:
    """NĐ 30/2020: the signature image sits between the title and the name in the visible box."""
    from PIL import Image, ImageDraw

    png = demo_copy / "chu-ky.png"
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))  # transparent, blue ink
    ImageDraw.Draw(image).line([(10, 90), (80, 20), (140, 100), (290, 30)], fill=(20, 40, 180, 255), width=6)
    image.save(png)
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "demo")
    before = (demo_copy / RECORD).stat().st_size
    run = cli(
        capsys, "sign", RECORD, "--role", "hieu-truong", "--p12", str(PRINCIPAL_P12), "--image", str(png)
    )
    assert run.code == ExitCode.OK, run.text
    appended = (demo_copy / RECORD).read_bytes()[before:]
    assert b"/Subtype /Image" in appended  # the picture is in the new signature's appearance
    assert cli(capsys, "verify", RECORD).code == ExitCode.OK
    (demo_copy / "khong-phai-anh.png").write_text("x")
    bad = cli(
        capsys,
        "sign",
        RECORD,
        "--role",
        "hieu-truong",
        "--p12",
        str(PRINCIPAL_P12),
        "--image",
        "khong-phai-anh.png",
    )
    assert bad.code == ExitCode.USAGE and "Traceback" not in bad.text


# ---- a trusted time: --tsa ------------------------------------------------------------------


def test_tsa_makes_the_signing_time_evidence(demo_copy: Path, capsys, monkeypatch) -> None:
    from tsa import tsa_server

    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "demo")
    with tsa_server() as url:
        run = cli(capsys, "sign", RECORD, "--role", "hieu-truong", "--p12", str(PRINCIPAL_P12), "--tsa", url)
    assert run.code == ExitCode.OK, run.text
    verified = cli(capsys, "verify", RECORD, "--format", "json")
    assert verified.code == ExitCode.OK, verified.text
    import json

    last = json.loads(verified.out)["files"][0]["signatures"][-1]
    assert last["person"] == "nguyen-van-hai" and last["time_source"] == "timestamp"
    assert last["timestamp_time"] is not None


@pytest.mark.parametrize(
    ("url", "code", "needle"),
    [
        ("ftp://127.0.0.1/", ExitCode.USAGE, "http://"),
        ("http://127.0.0.1:9/", ExitCode.FAILED, "dấu thời gian"),  # nothing listens on port 9
    ],
)
def test_a_tsa_that_cannot_answer_leaves_the_record_untouched(
    demo_copy: Path, capsys, monkeypatch, url: str, code: ExitCode, needle: str
) -> None:
    record = demo_copy / RECORD
    before = record.read_bytes()
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "demo")
    run = cli(capsys, "sign", RECORD, "--role", "hieu-truong", "--p12", str(PRINCIPAL_P12), "--tsa", url)
    assert run.code == code, run.text
    assert needle in run.err and "Traceback" not in run.text
    assert record.read_bytes() == before
