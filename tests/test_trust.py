"""The Vietnamese trust anchors shipped with hoso, and `hoso trust add|list` / `hoso init --trust`.

Test files: the PEM files in src/hoso/data/trust/vn/ (copied from the public CA pages, see the
README there); everything else is written by the commands under test in tmp_path.
"""

from __future__ import annotations

import json
import re

from conftest import School, cli

from hoso.errors import ExitCode
from hoso.trust import bundle_files, parse_pem


def test_shipped_bundle_matches_the_fingerprints_its_readme_publishes() -> None:
    files = bundle_files("vn")
    readme = next(f for f in files if f.name == "README.md").read_text(encoding="utf-8")
    published = dict(re.findall(r"\| (\S+\.pem) \|.*\| ((?:[0-9A-F]{2}:){31}[0-9A-F]{2}) \|", readme))
    pems = {f.name: f for f in files if f.name.endswith(".pem")}
    assert set(published) == set(pems) and len(pems) == 4
    for name, item in pems.items():
        anchors = parse_pem(item.read_bytes(), name)
        assert [a.sha256 for a in anchors] == [published[name]], name


def test_trust_add_is_idempotent_and_never_overwrites(school_repo: School, capsys) -> None:
    run = cli(capsys, "trust", "add", "vn")
    assert run.code == ExitCode.OK, run.text
    added = sorted(p.name for p in (school_repo.root / "trust").glob("vn-*.pem"))
    assert added == ["vn-cpcag2.pem", "vn-rootcag2.pem", "vn-vnpt-ca-sha2.pem", "vn-vnrca256.pem"]
    assert cli(capsys, "trust", "add", "vn").code == ExitCode.OK  # same bytes: kept, not an error

    target = school_repo.root / "trust" / "vn-vnrca256.pem"
    target.write_bytes(target.read_bytes().replace(b"\n", b"\r\n"))
    before = target.read_bytes()
    run = cli(capsys, "trust", "add", "vn")
    assert run.code == ExitCode.EXISTS and "trust/vn-vnrca256.pem" in run.text
    assert target.read_bytes() == before


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
    assert (tmp_path / "truong" / "trust" / "README-vn.md").is_file()
