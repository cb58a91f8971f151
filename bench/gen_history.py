#!/usr/bin/env python3
"""Synthetic school histories for `hoso log`: `python bench/gen_history.py OUT --commits N --records R`.

One `git fast-import` stream, no work tree, no PDF library: records are small blobs that look
like PDFs (`%PDF-1.4 … %%EOF`), unique per record. The history repeats a fixed pattern so a
test can predict every event:

- submissions: a branch `nop/<teacher>/<slug>` adds one record (author: the teacher), every
  third one gets a tổ trưởng counter-signature (the old bytes plus a new tail), then a
  `--no-ff`-style merge into main by the hiệu trưởng with `Duyet-boi:` trailers;
- corrections on main with `Ly-do:` (bytes rewritten), appended signatures on approved records
  (no trailer), deletions with `Quyet-dinh-huy:` and `Ly-do:`;
- configuration changes (people.yml) on a branch merged with `Duyet-boi:`;
- rejections left on unmerged branches: an empty commit with `Tu-choi-boi:` and `Ly-do:`, or a
  git note (refs/notes/commits) with the same trailers on the submission commit.

Shared by tests/test_log.py and bench/bench_log.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

YEAR = "2024-2025"
START = 1725498000  # 2024-09-05 08:00:00 +07:00
STEP = 600  # ten minutes between commits
TZ = "+0700"
HIEU_TRUONG = ("hieu-truong-a", "Hiệu Trưởng A", "hieutruong@truong.edu.vn")
TO_TRUONG = ("to-truong-a", "Tổ Trưởng A", "totruong@truong.edu.vn")
VAN_THU = ("van-thu-a", "Văn Thư A", "vanthu@truong.edu.vn")
TEACHERS = 12
# one cycle of 20 steps; each step is one of these
PATTERN = (
    ["submit"] * 6
    + ["correct", "append"]
    + ["submit"] * 5
    + ["config", "reject-commit"]
    + ["submit"] * 3
    + ["delete", "reject-note"]
)
CATALOG = b"version: 1\ntypes: []\n"  # hoso log reads no catalog: only that it changed
DISPOSAL = "Quyet-dinh-huy: 15/QĐ-THCS ngày 20/8/2025 của Hội đồng xác định giá trị tài liệu"


def teacher(i: int) -> tuple[str, str, str]:
    """Even teachers have an email in people.yml, odd ones are matched by their name."""
    return (f"giao-vien-{i:04d}", f"Giáo Viên {i:04d}", f"gv{i:04d}@truong.edu.vn")


def people_yml(extra: int = 0) -> bytes:
    lines = ["version: 1", "groups:", "  - {id: toan-tin, name: Tổ Toán - Tin}", "people:"]
    for pid, name, email in (HIEU_TRUONG, TO_TRUONG, VAN_THU):
        lines += [f"  - id: {pid}", f"    name: {name}", f"    email: {email}"]
        lines += ["    roles:", "      - {role: giao-vien, group: toan-tin, from: 2020-08-01}"]
    for i in range(TEACHERS):
        pid, name, email = teacher(i)
        lines += [f"  - id: {pid}", f"    name: {name}"] + ([f"    email: {email}"] if i % 2 == 0 else [])
        lines += ["    roles:", "      - {role: giao-vien, group: toan-tin, from: 2020-08-01}"]
    lines += [f"# thay đổi {n}" for n in range(extra)]
    return ("\n".join(lines) + "\n").encode()


def record_path(n: int) -> str:
    pid = teacher(n % TEACHERS)[0]
    return f"records/{YEAR}/gv/{pid}/ke-hoach-bai-day/ban-so-{n:06d}.pdf"


def record_bytes(n: int) -> bytes:
    return b"%%PDF-1.4\n%% ho so tong hop so %06d\n1 0 obj << /Type /Catalog >> endobj\n%%%%EOF\n" % n


@dataclass
class Expected:
    """What `hoso log` must report: events per kind, on main and with --all."""

    main: Counter[str] = field(default_factory=Counter)
    all: Counter[str] = field(default_factory=Counter)
    commits: int = 0
    records: int = 0
    corrected: list[str] = field(default_factory=list)  # paths with a `sua` event
    deleted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    first_submission: str = ""  # path of the first submitted record


class _Stream:
    """A `git fast-import` stream: kept in `parts`, or written to `sink` as it is made (a large
    history never held in memory; bench/gen_signed.py)."""

    def __init__(self, sink: BinaryIO | None = None) -> None:
        self.parts: list[bytes] = []
        self.sink = sink
        self.mark = 0
        self.time = START
        self.commits = 0

    def _next(self) -> int:
        self.mark += 1
        return self.mark

    def _put(self, *chunks: bytes) -> None:
        if self.sink is not None:
            for chunk in chunks:
                self.sink.write(chunk)
        else:
            self.parts.append(b"".join(chunks))

    def blob(self, data: bytes | memoryview) -> int:
        mark = self._next()
        self._put(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)), bytes(data), b"\n")
        return mark

    def reset(self, ref: str, mark: int) -> None:
        self._put(f"reset {ref}\nfrom :{mark}\n\n".encode())

    def commit(
        self,
        ref: str,
        who: tuple[str, str, str],
        message: str,
        parent: int | None,
        ops: list[str],
        merge: int | None = None,
        when: int | None = None,
    ) -> int:
        """A commit at `when` (seconds since the epoch), else STEP after the previous one."""
        mark = self._next()
        self.time = when if when is not None else self.time + STEP
        self.commits += 1
        _, name, email = who
        msg = message.encode()
        head = f"commit {ref}\nmark :{mark}\n"
        head += f"author {name} <{email}> {self.time} {TZ}\ncommitter {name} <{email}> {self.time} {TZ}\n"
        body = (f"from :{parent}\n" if parent else "") + (f"merge :{merge}\n" if merge else "")
        body += "".join(op + "\n" for op in ops)
        self._put(head.encode() + b"data %d\n%s\n" % (len(msg), msg) + body.encode() + b"\n")
        return mark

    def note(self, parent: int | None, who: tuple[str, str, str], target: int, text: str) -> int:
        mark = self._next()
        self.time += STEP
        _, name, email = who
        data = text.encode()
        msg = b"Notes added by 'git notes add'"
        head = f"commit refs/notes/commits\nmark :{mark}\ncommitter {name} <{email}> {self.time} {TZ}\n"
        tail = (f"from :{parent}\n" if parent else "") + f"N inline :{target}\n"
        self._put(
            head.encode()
            + b"data %d\n%s\n" % (len(msg), msg)
            + tail.encode()
            + b"data %d\n%s\n\n" % (len(data), data)
        )
        return mark


def generate(out: Path, commits: int, records: int = 0) -> Expected:
    """A repository at `out` with about `commits` commits (main and branches) and at least
    `records` records (the first commit holds whatever the submissions do not add)."""
    plan: list[str] = []
    cost = {"submit": 2.33, "correct": 1, "append": 1, "config": 2, "reject-commit": 2, "delete": 1}
    cost["reject-note"] = 1
    total = 1.0
    while total < commits:
        step = PATTERN[len(plan) % len(PATTERN)]
        plan.append(step)
        total += cost[step]
    added = sum(1 for s in plan if s in ("submit", "reject-commit", "reject-note"))
    initial = max(records - added, 12)

    s = _Stream()
    exp = Expected()
    blobs: dict[str, tuple[bytes, int]] = {}  # path -> (bytes, blob mark) on main
    n = 0
    ops = [f"M 100644 :{s.blob(CATALOG)} catalog.yml"]
    ops.append(f"M 100644 :{s.blob(people_yml())} people.yml")
    for _ in range(initial):
        data = record_bytes(n)
        blobs[record_path(n)] = (data, s.blob(data))
        ops.append(f"M 100644 :{blobs[record_path(n)][1]} {record_path(n)}")
        n += 1
    main = s.commit("refs/heads/main", VAN_THU, "Khởi tạo kho hồ sơ\n", None, ops)
    for c in (exp.main, exp.all):
        c["nop"] += 1
        c["cau-hinh"] += 1
    notes: int | None = None
    config_rev = 0
    approved: list[str] = []  # records brought by approvals, oldest first
    for i, step in enumerate(plan):
        if step == "submit":
            path, data = record_path(n), record_bytes(n)
            who = teacher(n % TEACHERS)
            branch = f"refs/heads/nop/{who[0]}/ban-so-{n:06d}"
            mark = s.blob(data)
            tip = s.commit(branch, who, f"Nộp {path}\n", main, [f"M 100644 :{mark} {path}"])
            counts = ["nop"]
            if i % 3 == 0:
                data = data.replace(b"%%EOF\n", b"%%EOF\n% chu ky to truong\n%%EOF\n")
                mark = s.blob(data)
                tip = s.commit(branch, TO_TRUONG, f"Ký bổ sung {path}\n", tip, [f"M 100644 :{mark} {path}"])
                counts.append("ky-bo-sung")
            message = f"Duyệt {path}\n\nDuyet-boi: {TO_TRUONG[0]}\nDuyet-boi: {HIEU_TRUONG[0]}\n"
            main = s.commit("refs/heads/main", HIEU_TRUONG, message, main, [f"M 100644 :{mark} {path}"], tip)
            blobs[path] = (data, mark)
            approved.append(path)
            if not exp.first_submission:
                exp.first_submission = path
            n += 1
            for c in (exp.main, exp.all):
                c.update([*counts, "duyet"])
        elif step == "correct":
            path = _pick(blobs, approved, i, avoid=exp.deleted)
            data = blobs[path][0].replace(b"ho so", b"ho so da sua")
            mark = s.blob(data)
            message = f"Sửa {path}\n\nLy-do: sai số liệu ở trang 1, sửa theo biên bản họp tổ\n"
            main = s.commit("refs/heads/main", VAN_THU, message, main, [f"M 100644 :{mark} {path}"])
            blobs[path] = (data, mark)
            exp.corrected.append(path)
            for c in (exp.main, exp.all):
                c["sua"] += 1
        elif step == "append":
            path = _pick(blobs, approved, i + 7, avoid=exp.deleted + exp.corrected)
            data = blobs[path][0] + b"% chu ky hieu truong\n%%EOF\n"
            mark = s.blob(data)
            main = s.commit(
                "refs/heads/main", HIEU_TRUONG, f"Ký bổ sung {path}\n", main, [f"M 100644 :{mark} {path}"]
            )
            blobs[path] = (data, mark)
            for c in (exp.main, exp.all):
                c["ky-bo-sung"] += 1
        elif step == "config":
            config_rev += 1
            mark = s.blob(people_yml(config_rev))
            branch = f"refs/heads/cau-hinh/{config_rev:04d}"
            tip = s.commit(branch, VAN_THU, "Cập nhật people.yml\n", main, [f"M 100644 :{mark} people.yml"])
            message = f"Duyệt cấu hình {config_rev}\n\nDuyet-boi: {HIEU_TRUONG[0]}\n"
            main = s.commit(
                "refs/heads/main", HIEU_TRUONG, message, main, [f"M 100644 :{mark} people.yml"], tip
            )
            for c in (exp.main, exp.all):
                c.update(["cau-hinh", "duyet"])
        elif step == "delete":
            path = _pick(blobs, list(blobs), i, avoid=exp.deleted + exp.corrected)
            message = f"Hủy {path}\n\nLy-do: hết thời hạn bảo quản\n{DISPOSAL}\n"
            main = s.commit("refs/heads/main", VAN_THU, message, main, [f"D {path}"])
            del blobs[path]
            exp.deleted.append(path)
            for c in (exp.main, exp.all):
                c["xoa"] += 1
        else:  # a rejected submission, left on its branch
            path, data = record_path(n), record_bytes(n)
            who = teacher(n % TEACHERS)
            branch = f"refs/heads/nop/{who[0]}/ban-so-{n:06d}"
            tip = s.commit(branch, who, f"Nộp {path}\n", main, [f"M 100644 :{s.blob(data)} {path}"])
            trailers = f"Tu-choi-boi: {TO_TRUONG[0]}\nLy-do: thiếu chữ ký của giáo viên\n"
            if step == "reject-commit":
                s.commit(branch, TO_TRUONG, f"Từ chối {path}\n\n{trailers}", tip, [])
            else:
                notes = s.note(notes, TO_TRUONG, tip, trailers)
            exp.rejected.append(path)
            exp.all.update(["nop", "tu-choi"])
            n += 1
        if s.time and step not in ("reject-commit", "reject-note"):
            exp.commits = s.commits
    exp.records = n

    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    subprocess.run(
        ["git", "fast-import", "--quiet", "--done"], cwd=out, input=b"".join(s.parts) + b"done\n", check=True
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=out, check=True)
    return exp


def _pick(blobs: dict[str, tuple[bytes, int]], among: list[str], i: int, avoid: list[str]) -> str:
    skip = set(avoid)
    live = [p for p in among if p in blobs and p not in skip] or [p for p in blobs if p not in skip]
    return live[(i * 7919) % len(live)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--records", type=int, default=0)
    args = parser.parse_args(argv)
    exp = generate(args.out, args.commits, args.records)
    print(f"{args.out}: {exp.commits} commits, {exp.records} records; events on main: {dict(exp.main)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
