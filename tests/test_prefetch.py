"""Signatures verified on every core (`rules.signatures.prefetch`, `hoso.pdf.pool`).

Test files, all made at test time (nothing binary is checked in):

* the school: the real `hoso init --level thcs`, the people.yml of tests/test_signatures_rule.py
  (`people_yml()`: the certificates of the test PKI of tests/sigfixtures.py mapped to people)
  and `trust/test-root.pem` (that PKI's root and intermediate), committed on `main`.
* the records: every signed, counter-signed, tampered and unsigned record of
  tests/test_signatures_rule.py (`record(name)`, signed with `hoso.pdf.sign` through
  `sigfixtures.sign`) plus `sigfixtures.counter_signed()` — 13 distinct blobs, more than
  `pool.MIN_FILES`, with verdicts of every kind (valid, untrusted, invalid, unsigned).
* for the no-PDF check: plain text files under records/ (stray files).
"""

from __future__ import annotations

import concurrent.futures
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sigfixtures as F
from conftest import School, cli, git
from test_signatures_rule import people_yml, record

import hoso.pdf.verify
from hoso.cli import main
from hoso.config import load_config
from hoso.evidence import EvidenceCache, cache_dir
from hoso.git.objects import BlobReader, Entry, tree_entries
from hoso.pdf import pool
from hoso.records import RECORDS_DIR
from hoso.rules import signatures
from hoso.rules.base import Context, Subject
from hoso.rules.signatures import EXAMINED, prefetch, verdict_for

YEAR = "2024-2025"
TEACHER_FOLDER = f"records/{YEAR}/gv/nguyen-van-an/ke-hoach-bai-day"
SCHOOL_FOLDER = f"records/{YEAR}/truong/so-dang-bo"
TEACHER_RECORDS = (
    "unsigned",
    "full",
    "full-later",
    "owner-only",
    "head-first",
    "other-head",
    "unknown-signer",
    "changed",
    "foreign",
)
SCHOOL_RECORDS = ("sealed", "principal-twice", "seal-first")
ARRIVAL = datetime(2024, 9, 20, 10, 0, tzinfo=UTC)  # pinned: None would be "now", run by run


def _records() -> dict[str, Callable[[], bytes]]:
    found: dict[str, Callable[[], bytes]] = {}
    for name in TEACHER_RECORDS:
        found[f"{TEACHER_FOLDER}/{name}.pdf"] = partial(record, name)
    for name in SCHOOL_RECORDS:
        found[f"{SCHOOL_FOLDER}/{name}.pdf"] = partial(record, name)
    found[f"{TEACHER_FOLDER}/counter-signed.pdf"] = F.counter_signed
    return found


@pytest.fixture
def school(tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> School:
    root = tmp_path / "truong"
    assert main(["init", str(root), "--level", "thcs", "--name", "Trường THCS Thử Nghiệm"]) == 0
    (root / "people.yml").write_text(people_yml(), encoding="utf-8")
    (root / "trust" / "test-root.pem").write_bytes(F.pki_fixture().trust[0])
    school = School(root)
    for rel, data in _records().items():
        school.write(rel, data())
    school.git("add", "-A")
    school.commit("hồ sơ ký số thử nghiệm")
    monkeypatch.chdir(root)
    return school


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool even on a one-core machine: what is tested is its answers, not its speed."""
    monkeypatch.setattr(pool, "workers", lambda: 2)


@contextmanager
def judging(root: Path, cache: EvidenceCache) -> Iterator[Context]:
    source = BlobReader(root)
    try:
        yield Context(config=load_config(root), source=source, cache=cache, arrival=lambda e: ARRIVAL)
    finally:
        source.close()
        cache.close()


def entries(root: Path) -> list[Entry]:
    found = tree_entries(root, "HEAD", RECORDS_DIR)
    assert len({e.oid for e in found}) == len(_records()) >= pool.MIN_FILES
    return found


def sequential(root: Path) -> list[dict[str, Any]]:
    """The verdicts as a run without a pool (and without a cache) gives them."""
    with judging(root, EvidenceCache(None)) as ctx:
        return [verdict_for(Subject(e), ctx) for e in entries(root)]


def stable(value: Any) -> Any:
    """A verdict with pyHanko's listings in one order: the detail of a refused modification
    lists a set, in the order of the verifying process's hash seed (a worker has its own)."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [stable(v) for v in value]
    if isinstance(value, str) and "AbsoluteContext(" in value:
        return sorted(re.split(r"[\s,]+", value))
    return value


def forbid_examine(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, this process verifies nothing: every verdict must come from `prefetch`."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("examine_pdf called after prefetch")

    monkeypatch.setattr(hoso.pdf.verify, "examine_pdf", refuse)


class Spy:
    """Stands for ProcessPoolExecutor: records that a pool was asked for, then refuses to start
    (a machine without processes): the files are then examined in this process."""

    started: list[int]

    def __init__(self, max_workers: int, **kwargs: Any) -> None:
        self.started.append(max_workers)
        raise OSError("no processes here")


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    started: list[int] = []
    monkeypatch.setattr(Spy, "started", started, raising=False)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Spy)
    return started


# ---- the same verdicts ---------------------------------------------------------------------


def test_prefetch_gives_the_sequential_verdicts(
    school: School, two_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = sequential(school.root)
    statuses = {v["status"] for v in expected}
    assert {"valid", "untrusted", "invalid", "unsigned"} <= statuses  # every kind of verdict
    found = entries(school.root)
    with judging(school.root, EvidenceCache(school.root)) as ctx:
        prefetch([Subject(e) for e in found], ctx)
        assert ctx.memo[EXAMINED] == {e.oid for e in found}
        forbid_examine(monkeypatch)
        assert stable([verdict_for(Subject(e), ctx) for e in found]) == stable(expected)
    # and kept: another run finds every verdict in the cache
    with judging(school.root, EvidenceCache(school.root)) as ctx:
        prefetch([Subject(e) for e in found], ctx)
        assert EXAMINED not in ctx.memo  # nothing was missing: no pool, nothing examined
        assert stable([verdict_for(Subject(e), ctx) for e in found]) == stable(expected)


def test_without_a_cache_the_verdicts_are_kept_for_the_run(
    school: School, two_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = sequential(school.root)
    found = entries(school.root)
    with judging(school.root, EvidenceCache(None)) as ctx:  # `--no-cache`
        prefetch([Subject(e) for e in found], ctx)
        forbid_examine(monkeypatch)
        assert stable([verdict_for(Subject(e), ctx) for e in found]) == stable(expected)
        assert ctx.memo[signatures.PREFETCHED] == {}  # each taken once, nothing held after


def test_check_all_reports_the_same_findings(
    school: School, two_workers: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled = cli(capsys, "check", "--all", "--format", "json")
    no_cache = cli(capsys, "check", "--all", "--no-cache", "--format", "json")
    monkeypatch.setattr(signatures, "prefetch", lambda subjects, ctx: None)
    cache_dir(school.root).joinpath("cache.sqlite").unlink()
    alone = cli(capsys, "check", "--all", "--format", "json")
    assert json.loads(pooled.out)["findings"]  # the tampered and untrusted records, at least
    assert (pooled.code, pooled.out) == (alone.code, alone.out) == (no_cache.code, no_cache.out)


def test_examine_many_keeps_the_order(school: School, two_workers: None) -> None:
    found = entries(school.root)
    items = [(e.path, (school.root / e.path).read_bytes()) for e in found]
    roots = [F.pki_fixture().trust[0]]  # PEM bytes, as trust/ holds them
    anchors = hoso.pdf.verify.load_pem_certs(roots[0])
    expected = [hoso.pdf.verify.examine_pdf(d, trust_roots=anchors, path=p).as_json() for p, d in items]
    assert stable(pool.examine_many(items, roots)) == stable(expected)
    assert pool.examine_many([], roots) == []


# ---- when no pool is started ---------------------------------------------------------------


def test_no_pool_below_the_threshold(school: School, two_workers: None, spy: list[int]) -> None:
    found = entries(school.root)[: pool.MIN_FILES - 1]
    with judging(school.root, EvidenceCache(school.root)) as ctx:
        prefetch([Subject(e) for e in found], ctx)
        key = signatures._trust_key(ctx)
        assert all(ctx.cache.get("examine", e.oid, key) is None for e in found)  # left to verdict_for
    items = [(e.path, (school.root / e.path).read_bytes()) for e in found]
    assert len(pool.examine_many(items, [F.pki_fixture().trust[0]])) == len(found)
    assert spy == []


def test_a_pool_that_cannot_start_is_not_a_failure(
    school: School, two_workers: None, spy: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = sequential(school.root)
    found = entries(school.root)
    with judging(school.root, EvidenceCache(school.root)) as ctx:
        prefetch([Subject(e) for e in found], ctx)
        assert spy == [2]  # asked for, refused: examined here instead
        forbid_examine(monkeypatch)
        assert stable([verdict_for(Subject(e), ctx) for e in found]) == stable(expected)


def test_check_of_no_pdf_imports_no_pyhanko(school: School) -> None:
    school.git("rm", "-q", "-r", RECORDS_DIR)
    for n in range(pool.MIN_FILES + 2):  # more than a pool's worth: none of them is a PDF
        school.write(f"{TEACHER_FOLDER}/ghi-chu-{n}.txt", b"not a record\n")
    school.git("add", "-A")
    code = (
        "import sys\n"
        "import hoso.rules.engine\n"
        "from hoso.cli import main\n"
        "code = main(['check', '--all'])\n"
        "heavy = sorted(m for m in sys.modules if m.startswith(('pyhanko', 'concurrent.futures.process')))\n"
        "print(code, heavy)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=school.root, capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.splitlines()[-1] == "4 []", proc.stdout + proc.stderr  # stray files: MISPLACED


# ---- hoso audit ----------------------------------------------------------------------------


def test_audit_counts_what_the_pool_verified(
    school: School, two_workers: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOSO_TEST_TODAY", "2025-06-01")
    judged = len(_records())
    first = json.loads(cli(capsys, "audit", "--format", "json").out)
    assert (first["counts"]["verified"], first["counts"]["cached"]) == (judged, 0)
    again = json.loads(cli(capsys, "audit", "--format", "json").out)
    assert (again["counts"]["verified"], again["counts"]["cached"]) == (0, judged)
    assert again["counts"]["statuses"] == first["counts"]["statuses"]


def test_audit_prefetch_skips_a_corrupt_blob(
    school: School, two_workers: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool never sees bytes the audit itself would refuse (here: another SHA-256)."""
    monkeypatch.setenv("HOSO_TEST_TODAY", "2025-06-01")
    cli(capsys, "audit", "--format", "json")
    state_file = cache_dir(school.root) / "audit.json"
    state = json.loads(state_file.read_text(encoding="utf-8"))
    victim = git(school.root, "rev-parse", f"HEAD:{TEACHER_FOLDER}/full.pdf").stdout.strip()
    state["blobs"][victim] = "0" * 64
    state_file.write_text(json.dumps(state), encoding="utf-8")
    cache_dir(school.root).joinpath("cache.sqlite").unlink()
    data = json.loads(cli(capsys, "audit", "--format", "json").out)
    assert ("sha256-mismatch", f"{TEACHER_FOLDER}/full.pdf") in [
        (n["kind"], n["path"]) for n in data["notes"]
    ]
    assert data["counts"]["verified"] == len(_records()) - 1
    with judging(school.root, EvidenceCache(school.root)) as ctx:
        assert ctx.cache.get("examine", victim, signatures._trust_key(ctx)) is None


def test_cache_presence_is_one_query_and_loads_nothing(tmp_path: Path) -> None:
    from hoso.evidence import EvidenceCache

    cache = EvidenceCache(tmp_path)
    try:
        oids = [f"{n:040x}" for n in range(1200)]  # more than one 500-blob query
        for oid in oids[::3]:
            cache.put("examine", oid, "k", {"n": oid})
        assert cache.present("examine", oids, "k") == set(oids[::3])
        assert cache.present("examine", oids, "other") == set()
        assert cache.present("verify", oids, "k") == set()
    finally:
        cache.close()
    assert EvidenceCache(None).present("examine", ["a"], "k") == set()
