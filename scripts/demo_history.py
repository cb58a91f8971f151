#!/usr/bin/env python3
"""Generate the demo school as a Git repository with a school's history (Trường THCS Hòa Bình).

    python scripts/demo_history.py --out DIR

Creates a fresh repository at DIR whose `main` holds the repository root's demo school
(catalog.yml, people.yml, trust/, records/ made by scripts/make_demo.py, mkdocs.yml, site_src/)
and whose history is the one hoso's own commands would have recorded over the school years
2023-2024 and 2024-2025, made by the school's staff:

- the hiệu trưởng founds the repository: catalog.yml, people.yml, trust/, the site's sources
  (locks.yml, which hoso does not require, comes with the first khóa sổ);
- every record is submitted on `nop/<person>/<slug>` with its first signature (`Tieu-de:`),
  counter-signed on that branch (`Ký duyệt (<person>)`), then approved: a `--no-ff` merge
  into main with `Duyet-boi:`. The version after k signatures is the prefix of the final file
  up to the end of the k-th signature's revision (every signature is an incremental update),
  so nothing is re-signed; each version arrives a little after its signature's time;
- a teacher's lesson plan is sent back (`Tu-choi-boi:`, `Ly-do:`), resubmitted, approved;
- the học bạ of the class that graduated in 2024 is returned to its students: deleted with
  `Quyet-dinh-huy:` once its retention ended;
- the hiệu trưởng locks the year 2023-2024 (locks.yml), proved by his signed decision PDF
  (`Quyet-dinh:`), and later lets a correction into the locked year: a signed note appended
  to an approved record, carried by a change request he signed (`De-nghi-sua:`);
- one submission of the new school year waits for its tổ trưởng (chờ duyệt).

So the final main differs from the repository root in a few files: locks.yml holds the lock,
records/2023-2024/truong/hoc-ba/hoc-ba-lop-9a.pdf is gone, so-theo-doi-danh-gia-lop-6a.pdf of
2023-2024 carries the correction, quyet-dinh/ and de-nghi-sua/ hold the two decisions, and
.gitignore is the one `hoso init` writes. The few new PDFs are drawn and signed with
make_demo.py's functions, the demo keys and fixed times.

Running it twice gives the same commit ids (fixed names, e-mails, dates in +07:00, no
signed commits; the commits are written by `git fast-import`). DIR must be empty, missing, or
an earlier output of this script (marked by .git/hoso-demo.stamp): it is then replaced.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # make_demo and hoso are imported when generating, not for `stamp()`
    from make_demo import Signing, Spec

    from hoso.config.loader import Config
    from hoso.config.models import People

ROOT = Path(__file__).resolve().parent.parent
STAMP_FILE = "hoso-demo.stamp"  # inside DIR/.git: marks DIR as this script's output
# what the generated repository is made from: a change to any of them makes it stale
STAMP_INPUTS = (
    "scripts/demo_history.py",
    "scripts/make_demo.py",
    "scripts/demo_pki",
    "catalog.yml",
    "people.yml",
    "locks.yml",
    "mkdocs.yml",
    "trust",
    "site_src",
    "records",
    "src/hoso/templates/gitignore",
)
VN = timezone(timedelta(hours=7))
EMAIL_DOMAIN = "truong-mau.invalid"

# commit messages, as hoso's commands write them (hoso/messages/vi.py; tests/test_demo_history.py
# keeps them equal)
RESUBMIT = "Nộp lại: {subject}"
REJECT = "Trả lại hồ sơ"
APPROVE = "Duyệt {branch}"
COUNTERSIGN = "Ký duyệt ({person})"

SUBMIT_AFTER = timedelta(hours=1, minutes=25)  # a version reaches the repository after its signature
COUNTERSIGN_AFTER = timedelta(minutes=40)
MERGE_AFTER = timedelta(minutes=2)  # `hoso approve` counter-signs, then merges
REVIEW_AFTER = timedelta(days=1, hours=7)  # a record complete on submission waits for a reviewer

VAN_THU = "phan-thi-thuy"  # submits what the hiệu trưởng signed first (decisions, sổ đăng bộ…)
HIEU_TRUONG = "nguyen-van-hai"

# the stories told besides the plain submit → counter-sign → approve of every record
REJECTED = "records/2023-2024/gv/do-thi-lan/ke-hoach-bai-day/tuan-09-tin-hoc-8b.pdf"
RETURNED = "records/2023-2024/truong/hoc-ba/hoc-ba-lop-9a.pdf"
CORRECTED = "records/2023-2024/truong/so-theo-doi-danh-gia-hoc-sinh/so-theo-doi-danh-gia-lop-6a.pdf"
LOCK_DECISION = "quyet-dinh/qd-21-khoa-so-nam-hoc-2023-2024.pdf"
CHANGE_REQUEST = "de-nghi-sua/de-nghi-sua-so-theo-doi-danh-gia-lop-6a-2023-2024.pdf"
LOCKED_YEAR = "2023-2024"
LOCK_DAY = date(2024, 8, 20)
LOCK_ENTRY = f"""locks:
  - year: {LOCKED_YEAR}
    since: {LOCK_DAY.isoformat()}
    by: {HIEU_TRUONG}
    reason: Khóa sổ cuối năm học {LOCKED_YEAR} (Quyết định số 21/QĐ-THCSHB)
"""


# ==== the stamp (standard library only: scripts/dev.py calls it before any install) =========


def _stamp_files(root: Path) -> Iterator[Path]:
    for rel in STAMP_INPUTS:
        path = root / rel
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            yield path


def stamp(root: Path = ROOT) -> str:
    """A digest of everything the generated repository is made from."""
    digest = hashlib.sha256()
    for path in _stamp_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def stamp_of(out: Path) -> str | None:
    """The stamp an earlier run left in `out`, or None when `out` is not such an output."""
    path = out / ".git" / STAMP_FILE
    return path.read_text(encoding="ascii").strip() if path.is_file() else None


# ==== who, when ===============================================================================


@dataclass(frozen=True)
class Who:
    id: str
    name: str

    def ident(self, when: datetime) -> str:
        return f"{self.name} <{self.id}@{EMAIL_DOMAIN}> {int(when.timestamp())} +0700"


@dataclass
class Version:
    """A record's bytes after its k-th signature, who made that signature, and when."""

    data: bytes
    signer: str  # person id, or "con-dau"
    when: datetime


@dataclass
class Record:
    path: str
    title: str  # the short Vietnamese label, given to `hoso submit --title`
    spec: Spec
    versions: list[Version]


# ==== the commits: a git fast-import stream ===================================================


class Stream:
    """The repository's objects as a `git fast-import` stream (marks, no hashing here)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.marks = 0
        self.blobs: dict[bytes, int] = {}

    def _mark(self) -> int:
        self.marks += 1
        return self.marks

    def blob(self, data: bytes) -> int:
        key = hashlib.sha256(data).digest()
        if key not in self.blobs:
            mark = self._mark()
            self.parts.append(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data))
            self.blobs[key] = mark
        return self.blobs[key]

    def commit(
        self,
        ref: str,
        who: Who,
        when: datetime,
        message: str,
        parents: Sequence[int],
        files: dict[str, bytes | None],
    ) -> int:
        ops = []
        for path in sorted(files):
            data = files[path]
            ops.append(f"D {path}" if data is None else f"M 100644 :{self.blob(data)} {path}")
        mark = self._mark()
        text = message.encode("utf-8")
        head = [f"commit {ref}", f"mark :{mark}", f"author {who.ident(when)}", f"committer {who.ident(when)}"]
        links = [f"from :{parents[0]}"] if parents else []
        links += [f"merge :{p}" for p in parents[1:]]
        self.parts.append(
            "\n".join(head).encode()
            + b"\ndata %d\n%s\n" % (len(text), text)
            + "".join(line + "\n" for line in links + ops).encode()
            + b"\n"
        )
        return mark

    def reset(self, ref: str, mark: int) -> None:
        self.parts.append(f"reset {ref}\nfrom :{mark}\n\n".encode())


class Repo:
    """The school's repository as it grows: main, the submission branches, what each brings."""

    def __init__(self, staff: dict[str, Who]) -> None:
        self.stream = Stream()
        self.staff = staff
        self.main: int | None = None
        self.main_time: datetime | None = None
        self.tips: dict[str, int] = {}  # branch -> mark
        self.brings: dict[str, dict[str, bytes | None]] = {}  # branch -> files it changes

    def _who(self, person: str) -> Who:
        return self.staff[person]

    def on_main(self, person: str, when: datetime, message: str, files: dict[str, bytes | None]) -> None:
        parents = [self.main] if self.main is not None else []
        self.main = self.stream.commit("refs/heads/main", self._who(person), when, message, parents, files)
        self.main_time = when

    def on_branch(
        self, branch: str, person: str, when: datetime, message: str, files: dict[str, bytes | None]
    ) -> None:
        """A commit on a submission branch (a new branch starts from main's tip)."""
        if branch not in self.tips:
            assert self.main is not None, "the school is founded first"
            self.tips[branch] = self.main
            self.brings[branch] = {}
        ref = f"refs/heads/{branch}"
        self.tips[branch] = self.stream.commit(
            ref, self._who(person), when, message, [self.tips[branch]], files
        )
        self.brings[branch].update(files)

    def step(
        self, person: str, when: datetime, message: str, files: dict[str, bytes | None]
    ) -> Callable[[str], None]:
        """A commit on a submission branch named later (see Story.tell)."""
        return lambda branch: self.on_branch(branch, person, when, message, files)

    def approval(self, person: str, when: datetime) -> Callable[[str], None]:
        return lambda branch: self.merge(branch, person, when)

    def merge(self, branch: str, person: str, when: datetime) -> None:
        """`hoso approve`: a --no-ff merge of the submission into main with a Duyet-boi trailer."""
        assert self.main is not None
        message = f"{APPROVE.format(branch=branch)}\n\nDuyet-boi: {person}\n"
        parents = [self.main, self.tips[branch]]
        self.main = self.stream.commit(
            "refs/heads/main", self._who(person), when, message, parents, self.brings[branch]
        )
        self.main_time = when

    def finish(self) -> bytes:
        for branch, mark in sorted(self.tips.items()):
            self.stream.reset(f"refs/heads/{branch}", mark)
        assert self.main is not None
        self.stream.reset("refs/heads/main", self.main)
        return b"".join(self.stream.parts) + b"done\n"


# ==== the school, its records and their versions ===============================================


@dataclass
class School:
    root: Path
    config: Config
    people: People
    staff: dict[str, Who]
    records: dict[str, Record]
    tsa: Any
    signers: dict[str, Any] = field(default_factory=dict)

    def signer(self, key: str) -> Any:
        import make_demo as md

        from hoso.pdf.sign import load_signer

        if key not in self.signers:
            pki = self.root / md.PKI_DIR_NAME
            p12 = pki / "con-dau.p12" if key == "con-dau" else pki / "people" / f"{key}.p12"
            self.signers[key] = load_signer(p12, md.PASSPHRASE)
        return self.signers[key]

    def sign(self, data: bytes, n: int, s: Signing, appearance: Any = None) -> bytes:
        """Signature number `n` by `s`, the way make_demo.py signs (demo TSA, fixed time)."""
        import make_demo as md

        from hoso.pdf.sign import sign_pdf

        school = self.config.catalog.school
        return sign_pdf(
            data,
            self.signer(s.key),
            field_name=f"Sig{n}-{s.key}",
            signing_time=s.when,
            reason=s.reason,
            location=school.commune or school.province,
            appearance=appearance,
            timestamper=md.demo_timestamper(self.tsa, s.when),
        )

    def draw(self, spec: Spec, signings: Sequence[Signing], type_name: str, owner_line: str) -> bytes:
        import make_demo as md

        data, _ = md.render(spec, signings, self.config.catalog.school, type_name, owner_line)
        return data

    def owner_line(self, spec: Spec) -> str:
        import make_demo as md

        groups = {g.id: g.name for g in self.people.groups}
        return md._owner_line(spec, self.people, groups, self.config.catalog.school.name)


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def revision_ends(data: bytes) -> list[int]:
    """Where each signature's revision ends: ByteRange[2] + ByteRange[3], in file order."""
    return [int(m.group(3)) + int(m.group(4)) for m in _BYTE_RANGE.finditer(data)]


def load_school(root: Path) -> School:
    import make_demo as md

    from hoso.config import load_config

    config = load_config(root)
    people = config.people
    staff = {p.id: Who(p.id, p.name) for p in people.people}
    groups = {g.id: g.name for g in people.groups}
    type_ids = {rt.id for rt in config.catalog.record_types}
    records: dict[str, Record] = {}
    for year in md.YEARS:
        for spec in md.build_specs(year, people, groups, type_ids):
            rt = config.catalog.type_by_id(spec.type_id)
            assert rt is not None
            data = (root / spec.path).read_bytes()
            signings = md.resolve_signers(spec, rt, people)
            ends = revision_ends(data)
            if len(ends) != len(signings) or ends[-1] != len(data):
                raise SystemExit(f"demo_history: {spec.path} is not what make_demo.py makes: run it first")
            versions = [Version(data[:end], s.key, s.when) for end, s in zip(ends, signings, strict=True)]
            records[spec.path] = Record(spec.path, spec.label, spec, versions)
    on_disk = {p.relative_to(root).as_posix() for p in (root / "records").rglob("*.pdf")}
    if on_disk != set(records):
        raise SystemExit("demo_history: records/ differs from make_demo.py's list: run make_demo.py first")
    tsa = md.ensure_tsa(root / md.PKI_DIR_NAME)
    return School(root, config, people, staff, records, tsa)


def verify_versions(school: School, checked: Sequence[tuple[str, bytes, int]]) -> None:
    """Every version, with hoso's verifier: valid, with exactly the signatures it should hold."""
    from hoso.pdf.verify import verify_pdf

    anchors = [p.read_bytes() for p in sorted((school.root / "trust").glob("*.pem"))]
    for label, data, count in checked:
        verdict = verify_pdf(data, trust_roots=anchors, people=school.people, path=label)
        intact = [s for s in verdict.signatures if s.intact]
        if verdict.status != "valid" or len(intact) != count or len(verdict.signatures) != count:
            reasons = ", ".join(verdict.reasons) or verdict.status
            raise SystemExit(f"demo_history: {label}: {len(intact)}/{count} signatures intact ({reasons})")


# ==== the stories =============================================================================


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


@dataclass
class Plan:
    """One submission's commits; its branch is named when the story is told, in time order."""

    person: str
    slug: str
    steps: list[tuple[datetime, Callable[[str], None]]] = field(default_factory=list)

    def at(self, when: datetime, run: Callable[[str], None]) -> None:
        assert not self.steps or when > self.steps[-1][0], "a submission's commits follow each other"
        self.steps.append((when, run))


class Story:
    """What happened, as actions in time order, told to the repository at the end."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.plans: list[Plan] = []
        self.events: list[tuple[datetime, Callable[[], None]]] = []

    def submission(self, person: str, slug: str) -> Plan:
        plan = Plan(person, slug)
        self.plans.append(plan)
        return plan

    def on_main(self, when: datetime, person: str, message: str, files: dict[str, bytes | None]) -> None:
        self.events.append((when, lambda: self.repo.on_main(person, when, message, files)))

    def tell(self) -> None:
        actions: list[tuple[datetime, int, Callable[[], None]]] = []
        taken: set[str] = set()
        for plan in sorted(self.plans, key=lambda p: p.steps[0][0]):
            # `nop/<person>/<slug>`, numbered like `hoso submit` does when the name is taken
            name = branch = f"nop/{plan.person}/{plan.slug}"
            n = 2
            while branch in taken:
                branch, n = f"{name}-{n}", n + 1
            taken.add(branch)
            for when, run in plan.steps:
                actions.append((when, len(actions), _call(run, branch)))
        for when, run0 in self.events:
            actions.append((when, len(actions), run0))
        for _, _, run1 in sorted(actions, key=lambda a: (a[0], a[1])):
            run1()


def _call(run: Callable[[str], None], branch: str) -> Callable[[], None]:
    return lambda: run(branch)


def submission_message(subject: str, path: str, title: str) -> str:
    """What `hoso submit --title TITLE` writes."""
    return f"{subject}\n\nTieu-de: {path}: {title}\n"


def submitter(rec: Record) -> str:
    """Who submits: the first signer, or the văn thư for what the hiệu trưởng signed first."""
    first = rec.versions[0].signer
    return VAN_THU if first == HIEU_TRUONG else first


def approver(school: School, rec: Record) -> str:
    """Who merges: the last to sign (the hiệu trưởng applies the seal), else a reviewer."""
    import make_demo as md

    last = rec.versions[-1].signer
    if len(rec.versions) > 1:
        return HIEU_TRUONG if last == "con-dau" else last
    day = rec.versions[0].when.date()
    if rec.spec.owner_level == "giao-vien":
        owner = _person(school, rec.spec.owner_id or "")
        head = md.group_head(school.people, md.group_of(owner, day), day)
        if head.id != owner.id:
            return str(head.id)
    if last == HIEU_TRUONG:
        return HIEU_TRUONG
    return str(md.holders(school.people, "pho-hieu-truong", day)[0].id)


@dataclass
class Draft:
    """The first, rejected version of a record: other bytes, sent back with a reason."""

    data: bytes
    submitted: datetime
    rejected_by: str
    rejected: datetime
    reason: str


def record_plan(story: Story, school: School, rec: Record, draft: Draft | None = None) -> None:
    """Submit, (be sent back, submit again,) counter-sign, approve."""
    from hoso.records import make_slug

    repo = story.repo
    who, by = submitter(rec), approver(school, rec)
    plan = story.submission(who, make_slug(rec.title))
    first = rec.versions[0]
    arrived = first.when + SUBMIT_AFTER
    submitted = submission_message(rec.title, rec.path, rec.title)
    if draft is not None:
        plan.at(draft.submitted, repo.step(who, draft.submitted, submitted, {rec.path: draft.data}))
        rejection = f"{REJECT}\n\nTu-choi-boi: {draft.rejected_by}\nLy-do: {draft.reason}\n"
        plan.at(draft.rejected, repo.step(draft.rejected_by, draft.rejected, rejection, {}))
        submitted = submission_message(RESUBMIT.format(subject=rec.title), rec.path, rec.title)
    plan.at(arrived, repo.step(who, arrived, submitted, {rec.path: first.data}))
    last = arrived
    for version in rec.versions[1:]:
        person = by if version.signer == "con-dau" else version.signer
        last = version.when + COUNTERSIGN_AFTER
        message = COUNTERSIGN.format(person=person) + "\n"
        plan.at(last, repo.step(person, last, message, {rec.path: version.data}))
    merged = last + MERGE_AFTER if len(rec.versions) > 1 else first.when + REVIEW_AFTER
    plan.at(merged, repo.approval(by, merged))


def _person(school: School, pid: str) -> Any:
    person = school.people.person(pid)
    assert person is not None, pid
    return person


def rejected_draft(school: School) -> Draft:
    """Đỗ Thị Lan's first plan for week 9 had no objectives: a PDF of its own, signed 3 days earlier."""
    from dataclasses import replace

    import make_demo as md

    rec = school.records[REJECTED]
    rt = school.config.catalog.type_by_id(rec.spec.type_id)
    assert rt is not None
    spec = replace(
        rec.spec,
        made=rec.spec.made - timedelta(days=3),
        paragraphs=(
            "Thiết bị dạy học: máy chiếu, sách giáo khoa Tin học 8.",
            "Tiến trình: giáo viên trình chiếu và giảng giải cách sắp xếp dữ liệu; học sinh ghi chép, "
            "làm bài tập 1, 2 trong sách giáo khoa.",
        ),
    )
    signings = md.resolve_signers(spec, rt, school.people)
    data = school.sign(school.draw(spec, signings, rt.name, school.owner_line(spec)), 1, signings[0])
    signed = signings[0].when
    return Draft(
        data=data,
        submitted=signed + SUBMIT_AFTER,
        rejected_by=signings[1].key,  # the tổ trưởng who was to counter-sign it
        rejected=at(signed.date() + timedelta(days=1), 16, 10),
        reason="Thiếu mục tiêu bài học; tiến trình chưa có hoạt động luyện tập, vận dụng và phiếu học tập",
    )


def signed_letter(
    school: School, spec: Spec, signings: Sequence[Signing], type_name: str, owner_line: str = ""
) -> bytes:
    """A document drawn like the demo's records and signed by each of `signings` in turn."""
    data = school.draw(
        spec, signings, type_name, owner_line or f"Đơn vị: {school.config.catalog.school.name}"
    )
    for n, s in enumerate(signings, start=1):
        data = school.sign(data, n, s)
    return data


def seal(school: School, when: datetime) -> Signing:
    import make_demo as md

    assert school.people.seal is not None
    return md.Signing(
        "con-dau",
        school.people.seal.name,
        "Con dấu nhà trường",
        "Đóng dấu (chứng thư số của nhà trường)",
        when,
    )


def principal(school: School, reason: str, when: datetime) -> Signing:
    import make_demo as md

    return md.Signing(HIEU_TRUONG, _person(school, HIEU_TRUONG).name, "Hiệu trưởng", reason, when)


# ---- the year's special events ----------------------------------------------------------------


def founding(story: Story, root: Path) -> None:
    """The hiệu trưởng founds the repository: configuration, trust anchors, the site's sources."""
    from importlib import resources

    files: dict[str, bytes | None] = {}
    # no locks.yml yet (it is optional): the first one is the khóa sổ of 2023-2024
    for rel in ("catalog.yml", "people.yml", "mkdocs.yml"):
        files[rel] = (root / rel).read_bytes()
    for folder in ("trust", "site_src"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    files[".gitignore"] = resources.files("hoso.templates").joinpath("gitignore").read_bytes()
    message = (
        "Thành lập kho hồ sơ điện tử của Trường THCS Hòa Bình\n\n"
        "Danh mục hồ sơ, sổ sách (catalog.yml), cán bộ, giáo viên và vai trò (people.yml), chứng thư\n"
        "tin cậy (trust/) và trang tra cứu (mkdocs.yml, site_src/).\n"
    )
    story.on_main(at(date(2023, 8, 21), 8, 30), HIEU_TRUONG, message, files)


def disposal(story: Story, school: School) -> None:
    """The học bạ of class 9A goes back to its students after they graduate (Quyet-dinh-huy)."""
    repo = story.repo
    plan = story.submission(VAN_THU, "tra-hoc-ba-lop-9a")
    day = date(2024, 8, 12)
    message = (
        "Trả học bạ lớp 9A cho học sinh đã tốt nghiệp\n\n"
        "Ly-do: Học sinh lớp 9A năm học 2023-2024 đã tốt nghiệp THCS và nhận lại học bạ\n"
        "Quyet-dinh-huy: 18/QĐ-THCSHB ngày 09/8/2024 của Hiệu trưởng (trả học bạ lớp 9A)\n"
    )
    plan.at(at(day, 10, 15), repo.step(VAN_THU, at(day, 10, 15), message, {RETURNED: None}))
    plan.at(at(day, 15, 40), repo.approval(HIEU_TRUONG, at(day, 15, 40)))


def lock(story: Story, school: School, root: Path) -> bytes:
    """Khóa sổ: locks.yml, proved by the hiệu trưởng's signed and sealed decision."""
    import make_demo as md

    title = f"Quyết định khóa sổ năm học {LOCKED_YEAR}"
    spec = md.Spec(
        LOCKED_YEAR,
        "truong",
        None,
        "quyet-dinh",
        title,
        f"QUYẾT ĐỊNH VỀ VIỆC KHÓA SỔ HỒ SƠ, SỔ SÁCH NĂM HỌC {LOCKED_YEAR}",
        LOCK_DAY,
        (
            "HIỆU TRƯỞNG TRƯỜNG THCS HÒA BÌNH. Căn cứ Thông tư 32/2020/TT-BGDĐT ban hành Điều lệ "
            "trường trung học cơ sở; căn cứ kết quả kiểm tra hồ sơ, sổ sách cuối năm học "
            f"{LOCKED_YEAR}, QUYẾT ĐỊNH:",
            f"Điều 1. Khóa sổ toàn bộ hồ sơ, sổ sách điện tử năm học {LOCKED_YEAR} của nhà trường kể từ "
            f"ngày {LOCK_DAY:%d/%m/%Y}: không thêm, thay hay xóa hồ sơ của năm học này.",
            "Điều 2. Việc đính chính hồ sơ đã khóa chỉ được thực hiện theo đề nghị bằng văn bản được "
            "Hiệu trưởng ký duyệt.",
            "Điều 3. Văn thư, tổ trưởng các tổ và giáo viên chịu trách nhiệm thi hành quyết định này.",
        ),
        f"Số: 21/QĐ-THCSHB – khóa sổ năm học {LOCKED_YEAR}",
    )
    signed = at(LOCK_DAY, 8, 5)
    data = signed_letter(
        school,
        spec,
        [principal(school, "Hiệu trưởng ký quyết định", signed), seal(school, signed + timedelta(minutes=7))],
        "Quyết định",
    )
    text = (root / "locks.yml").read_text(encoding="utf-8")
    if "\nlocks: []\n" not in text:
        raise SystemExit("demo_history: locks.yml of the repository root is expected to hold `locks: []`")
    locks = text.replace("\nlocks: []\n", "\n" + LOCK_ENTRY).encode("utf-8")
    message = f"Khóa sổ năm học {LOCKED_YEAR}\n\nQuyet-dinh: {LOCK_DECISION}\n"
    story.on_main(at(LOCK_DAY, 9, 30), HIEU_TRUONG, message, {"locks.yml": locks, LOCK_DECISION: data})
    return data


def correction(story: Story, school: School) -> tuple[bytes, bytes]:
    """A mark corrected after re-marking, in the locked year: the teacher asks, the hiệu trưởng
    agrees (a change request he signs) and appends a signed note to the approved record."""
    import make_demo as md

    from hoso.pdf.sign import Appearance

    rec = school.records[CORRECTED]
    klass = rec.spec.klass or "6A"
    roster = md.students(f"{LOCKED_YEAR}/{klass}", md._n(f"{LOCKED_YEAR}/{klass}/n", 30, 38))
    number = 12
    student = roster[number - 1]
    asked, agreed = at(date(2024, 11, 18), 8, 5), at(date(2024, 11, 19), 7, 50)
    teacher = _person(school, rec.versions[0].signer)
    spec = md.Spec(
        LOCKED_YEAR,
        "truong",
        None,
        "de-nghi-sua",
        "Đề nghị sửa hồ sơ đã khóa sổ",
        "ĐƠN ĐỀ NGHỊ ĐÍNH CHÍNH HỒ SƠ ĐÃ KHÓA SỔ",
        asked.date(),
        (
            "Kính gửi: Hiệu trưởng Trường THCS Hòa Bình.",
            f"Tôi là {teacher.name}, giáo viên chủ nhiệm lớp {klass} năm học {LOCKED_YEAR}. Sau khi phúc "
            f"khảo bài kiểm tra cuối học kỳ II, điểm trung bình môn Toán cả năm của em {student} (số thứ "
            f"tự {number}) được điều chỉnh thành 8.0.",
            f"Sổ theo dõi và đánh giá học sinh lớp {klass} năm học {LOCKED_YEAR} đã khóa sổ ngày "
            f"{LOCK_DAY:%d/%m/%Y}. Tôi đề nghị Hiệu trưởng cho ghi đính chính có chữ ký số vào sổ.",
            "Ý kiến của Hiệu trưởng: đồng ý cho đính chính.",
        ),
        f"Đề nghị đính chính điểm môn Toán của học sinh số thứ tự {number} lớp {klass}",
    )
    request = signed_letter(
        school,
        spec,
        [
            md.Signing(teacher.id, teacher.name, "Người đề nghị", "Giáo viên đề nghị đính chính", asked),
            principal(school, "Hiệu trưởng đồng ý đính chính", agreed),
        ],
        "Đề nghị đính chính",
    )
    noted = agreed + timedelta(minutes=15)
    note = Appearance(
        [
            f"ĐÍNH CHÍNH ngày {noted:%d/%m/%Y} (theo đề nghị ngày {asked:%d/%m/%Y})",
            f"Số thứ tự {number} – {student}: điểm trung bình môn Toán cả năm là 8.0 (sau phúc khảo).",
            f"Hiệu trưởng {_person(school, HIEU_TRUONG).name}",
        ],
        box=(56, 600, 539, 660),
        page=-1,
    )
    final = rec.versions[-1].data
    corrected = school.sign(
        final, len(rec.versions) + 1, principal(school, "Hiệu trưởng ghi đính chính", noted), note
    )
    message = (
        f"Đính chính sổ theo dõi và đánh giá học sinh lớp {klass} năm học {LOCKED_YEAR}\n\n"
        "Ly-do: Điều chỉnh điểm trung bình môn Toán cả năm của một học sinh sau phúc khảo\n"
        f"De-nghi-sua: {CHANGE_REQUEST}\n"
    )
    committed = noted + timedelta(minutes=55)
    repo = story.repo

    def commit() -> None:
        # a decision counts only when signed after the repository last changed (rules/decisions.py)
        if repo.main_time is None or repo.main_time >= agreed:
            raise SystemExit("demo_history: the change request must be signed after main's last commit")
        repo.on_main(HIEU_TRUONG, committed, message, {CORRECTED: corrected, CHANGE_REQUEST: request})

    story.events.append((committed, commit))
    return request, corrected


def open_submission(story: Story, school: School) -> bytes:
    """September 2025: a teacher's plan for the new year waits for the tổ trưởng (chờ duyệt)."""
    import make_demo as md

    from hoso.records import make_slug

    teacher = "pham-quoc-tuan"
    rt = school.config.catalog.type_by_id("ke-hoach-giao-duc-cua-giao-vien")
    assert rt is not None
    year = "2025-2026"
    spec = md.Spec(
        year,
        "giao-vien",
        teacher,
        rt.id,
        "Kế hoạch giáo dục môn Toán 6",
        "KẾ HOẠCH GIÁO DỤC CỦA GIÁO VIÊN – MÔN TOÁN 6",
        date(2025, 9, 11),
        (
            f"Kế hoạch dạy học môn Toán 6 năm học {year}: 35 tuần thực học, 140 tiết; kiểm tra, đánh giá "
            "định kỳ giữa và cuối mỗi học kỳ.",
            "Phương pháp: dạy học giải quyết vấn đề qua bài toán thực tế, học theo nhóm, dùng phần mềm "
            "hình học động.",
        ),
        f"Kế hoạch môn Toán 6 năm học {year} có dự án “Đo chiều cao cột cờ bằng tam giác đồng dạng”",
    )
    signings = md.resolve_signers(spec, rt, school.people)
    data = school.sign(school.draw(spec, signings, rt.name, school.owner_line(spec)), 1, signings[0])
    when = signings[0].when + SUBMIT_AFTER
    plan = story.submission(teacher, make_slug(spec.label))
    plan.at(
        when,
        story.repo.step(
            teacher, when, submission_message(spec.label, spec.path, spec.label), {spec.path: data}
        ),
    )
    return data


# ==== the whole ===============================================================================


@dataclass
class Result:
    stream: bytes
    commits: int
    branches: int
    checked: int


def build(root: Path, *, verify: bool = True) -> Result:
    """The fast-import stream of the demo school's history."""
    if str(root / "scripts") not in sys.path:
        sys.path.insert(0, str(root / "scripts"))  # make_demo (which finds hoso in src/ if need be)
    school = load_school(root)
    repo = Repo(school.staff)
    story = Story(repo)
    founding(story, root)
    draft = rejected_draft(school)
    for rec in school.records.values():
        record_plan(story, school, rec, draft if rec.path == REJECTED else None)
    disposal(story, school)
    lock_data = lock(story, school, root)
    request, corrected = correction(story, school)
    pending = open_submission(story, school)
    story.tell()
    stream = repo.finish()

    checked: list[tuple[str, bytes, int]] = [
        (f"{rec.path} (version {k})", v.data, k)
        for rec in school.records.values()
        for k, v in enumerate(rec.versions, start=1)
    ]
    checked += [
        (f"{REJECTED} (rejected draft)", draft.data, 1),
        (LOCK_DECISION, lock_data, 2),
        (CHANGE_REQUEST, request, 2),
        (f"{CORRECTED} (corrected)", corrected, len(school.records[CORRECTED].versions) + 1),
        ("open submission", pending, 1),
    ]
    if verify:
        verify_versions(school, checked)
    commits = sum(1 for part in repo.stream.parts if part.startswith(b"commit "))
    return Result(stream, commits, len(repo.tips), len(checked) if verify else 0)


# ==== writing DIR =============================================================================


def _git(cwd: Path, *args: str, data: bytes | None = None) -> None:
    from hoso.git.process import git_env  # without the GIT_DIR, GIT_INDEX_FILE… a hook or a test may set

    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=git_env(), input=data, capture_output=True, check=False
    )
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip()
        raise SystemExit(f"demo_history: git {args[0]} failed: {detail}")


def _remove(path: Path) -> None:
    """Delete a tree, read-only files too (git's packs on Windows)."""

    def retry(func: Callable[[str], object], target: str, _: object) -> None:
        os.chmod(target, stat.S_IWRITE)
        func(target)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=retry)
    else:
        shutil.rmtree(path, onerror=retry)


def write(out: Path, stream: bytes, stamp_value: str) -> None:
    """Create the repository beside `out`, then put it in place of `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        _git(tmp, "init", "-q", "--template=")
        _git(tmp, "symbolic-ref", "HEAD", "refs/heads/main")
        _git(tmp, "fast-import", "--quiet", "--done", data=stream)
        _git(tmp, "-c", "core.autocrlf=false", "-c", "core.eol=lf", "reset", "-q", "--hard", "main")
        (tmp / ".git" / STAMP_FILE).write_text(stamp_value + "\n", encoding="ascii")
        if out.exists():
            _remove(out)
        os.replace(tmp, out)
    except BaseException:
        if tmp.exists():
            _remove(tmp)
        raise


def refusal(out: Path) -> str | None:
    """Why `out` may not be replaced: a non-empty folder this script did not make."""
    if not out.exists():
        return None
    if not out.is_dir():
        return f"{out} exists and is not a folder"
    if any(out.iterdir()) and stamp_of(out) is None:
        return f"{out} is not empty and is not an earlier output of demo_history.py ({STAMP_FILE})"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the repository to create (replaced if ours)")
    parser.add_argument(
        "--no-verify", action="store_true", help="skip verifying every version with hoso's verifier"
    )
    args = parser.parse_args(argv)
    out = args.out.resolve()
    problem = refusal(out)
    if problem:
        print(f"demo_history: {problem}: choose another --out", file=sys.stderr)
        return 2
    started = time.monotonic()
    value = stamp(ROOT)
    result = build(ROOT, verify=not args.no_verify)
    write(out, result.stream, value)
    verified = f", {result.checked} versions verified" if result.checked else ""
    print(
        f"demo_history: {out}: {result.commits} commits, {result.branches} submission branches"
        f"{verified}, {time.monotonic() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
