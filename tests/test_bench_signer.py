"""The benchmark-only signer (bench/gen_signed.py) makes what hoso and poppler's pdfsig both
call intact and valid; one changed byte breaks every signature for both; and a school made by
the generator holds records `hoso check` calls đã duyệt.

A handful of records of the demo school, drawn and signed at test time (a few seconds). These
tests fail, never skip, when pdfsig is missing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, run_subprocess
from poppler import pdfsig

sys.path.insert(0, str(REPO_ROOT / "bench"))
import gen_signed as G

from hoso.config import load_config
from hoso.pdf.verify import R_DIGEST, verify_pdf

RECORDS = 8  # lesson plans (2 signatures), a tổ's sổ (1) and a teacher's kế hoạch (3)


@pytest.fixture(scope="module")
def made() -> list[tuple[G.Planned, G.Made]]:
    info = G.load_school()
    planned = G.plan(RECORDS, info)
    return [(planned[m.n], m) for m in G.make_all(planned, info, jobs=1)]


def anchors() -> list[bytes]:
    return [p.read_bytes() for p in sorted((REPO_ROOT / "trust").glob("*.pem"))]


def test_hoso_and_pdfsig_agree_every_version_is_valid(made: list[Any], tmp_path: Path) -> None:
    people = load_config(REPO_ROOT).people
    counts = set()
    for rec, m in made:
        counts.add(len(m.ends))
        for k, end in enumerate(m.ends, start=1):
            data = m.data[:end]
            arrival = rec.signings[k - 1].when + timedelta(hours=1)
            verdict = verify_pdf(data, trust_roots=anchors(), people=people, path=rec.path, arrival=arrival)
            assert verdict.status == "valid", (rec.path, k, verdict.reasons)
            assert [s.person for s in verdict.signatures] == [s.key for s in rec.signings[:k]]
            assert all(s.intact for s in verdict.signatures)
            said = pdfsig(data, tmp_path, f"{rec.n}-{k}")
            assert said == {s.field_name: "Signature is Valid." for s in verdict.signatures}, rec.path
    assert counts == {1, 2, 3}  # the handful covers one, two and three signers


def test_a_changed_byte_is_invalid_for_both(made: list[Any], tmp_path: Path) -> None:
    rec, m = next((r, m) for r, m in made if len(m.ends) == 2)
    title = m.data.index(b"/Title (") + len(b"/Title (")  # in the first revision: both signed it
    tampered = bytearray(m.data)
    tampered[title] ^= 0x01
    verdict = verify_pdf(bytes(tampered), trust_roots=anchors(), people=None, path=rec.path)
    assert verdict.status == "invalid"
    assert all(R_DIGEST in s.reasons and not s.intact for s in verdict.signatures)
    said = pdfsig(bytes(tampered), tmp_path, "tampered")
    assert len(said) == 2 and set(said.values()) == {"Digest Mismatch."}, said


def test_a_generated_school_calls_a_two_signer_record_approved(tmp_path: Path) -> None:
    home = tmp_path / "signed"
    manifest = G.generate(home, 1, quiet=True)  # one lesson plan: the teacher, then the tổ trưởng
    repo = home / "school"
    assert manifest["verified"] == 2  # both versions, checked by the generator with hoso's verifier
    (lesson,) = (repo / "records").rglob("*.pdf")
    assert "ke-hoach-bai-day" in lesson.parts
    assert len(verify_pdf(lesson.read_bytes(), trust_roots=anchors(), people=None).signatures) == 2
    # --all: each signature judged at its arrival, the commit that brought it (history)
    run = run_subprocess(["check", "--all", "--summary"], repo)
    assert run.code == 0, run.text
    # the summary's columns: year, level, records, đã duyệt, chờ duyệt, không hợp lệ
    total = [line for line in run.out.splitlines() if line.startswith("Tổng ")][-1]
    assert re.split(r"\s{2,}", total.strip())[1:] == ["1", "1", "0", "0"], run.out
    log = subprocess.run(["git", "log", "--format=%s%n%b", "main"], cwd=repo, capture_output=True, text=True)
    assert "Duyet-boi: " in log.stdout and "Ký duyệt (" in log.stdout
    branches = subprocess.run(["git", "branch", "--list", "nop/*"], cwd=repo, capture_output=True, text=True)
    assert len(branches.stdout.split()) == 1
    # the extra records, outside history, are as fully signed
    assert len(manifest["extra"]) == G.EXTRA
