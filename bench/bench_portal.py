#!/usr/bin/env python3
"""Time `hoso portal build` over a province of synthetic schools:
`python bench/bench_portal.py --sizes 100x10000 1000x1000`.

What is real and what is synthetic (also written into bench/out/portal-results-<S>x<N>.json):

- real: `hoso portal build` itself (a fresh Python process, the command's own code), the portal it
  writes, the browser (Playwright driving Debian's Chromium) and the Pagefind engine and indexes;
- how the schools are listed: as a province runs them, published sites (`url:` sources). The
  province folder is served over HTTP on 127.0.0.1 for the whole run (one threaded server,
  hoso.commands.site's, in a thread of this script; NO_PROXY set for it), every school listed as
  `url: http://127.0.0.1:PORT/schools/sNNNN/` with `verify_sample: 5` (VERIFY_SAMPLE, not the
  default 20): the portal fetches each index.json (8 at a time), draws and downloads 5 PDFs of
  each school whose index.json changed, and its search page merges the schools' Pagefind indexes
  from their addresses. The portal it builds is served by the same server (one origin, no CORS
  needed). A local network, not a province's: the figures leave out its latency and bandwidth;
- the template: one small real school site — bench/gen_repo.py's repository of
  TEMPLATE_RECORDS unsigned records, built by the real `hoso site build` (its pages, assets,
  record types and index.json, schema_version 2);
- synthetic, derived from a seed: each school of the province is a built-site folder whose
  index.json (valid against src/hoso/data/index.schema.json, checked for the first school of each
  size) lists N records cycled from the template's (their type, owner and year) with their own
  paths, titles, statuses (80 % đã duyệt, 15 % chờ duyệt, 5 % không hợp lệ), signers,
  timeliness, missing slots and locks; each record's PDF is a small one-page PDF (~600 bytes,
  its own text, so its own blob id: the portal downloads and hashes the ones it samples). Real
  records weigh about 90 KB each: downloading and hashing the sample is the part of a cold build
  these small files understate (the results give the measured hashing throughput, `hash_mb_s`).
  The template's pages and assets are hard-linked into every school (the file count of a real
  small site);
- each school's Pagefind index: the pagefind binary (hoso.site.search.write_index, as
  `hoso site build` writes it) over N small HTML pages of a school's records. About 0.5 s per
  thousand documents on this machine (measured each run, in the results): the schools of the
  widest search scope (at most MERGE_LIMIT schools and MERGE_RECORDS records a query merges)
  get their own index, the others share one real index of N documents by hard link (the portal
  never reads them; only their file count matters to it).

Measured, round by round (median and min of --repeat):
- cold build (no portal, no cache: every index.json fetched and parsed, `verify_sample` PDFs of
  every school downloaded and hashed, every page rendered), against fetching every index.json
  alone, 8 at a time, with the portal's own reader (hoso.portal.fetch.stream) in a fresh
  interpreter, bodies discarded (the floor of reading a province's published sites);
- rebuild after one school's index.json changes (a new record and its PDF): every index.json
  fetched again (only the changed one is parsed and sampled), against a cold portal of that
  school alone (its url: entry);
- peak RSS of the build (the process's own VmHWM, and the tree sampled from /proc), against
  `json.loads` of the largest index.json alone;
- the bytes a browser receives for one query on the portal's search page, in its widest scope (at most
  40 schools and 100,000 records merged, each index from its school's address), against the same
  query on one school of that scope's own search page (its served site).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import gen_repo
from bench_site import CHROMIUM, CHROMIUM_ARGS, TreeMemory, _received, _settle
from measure import Figure, machine, rounds, say

from hoso.git.objects import blob_id
from hoso.portal.build import default_cache

OUT = Path(__file__).parent / "out"
GENERATOR = 1  # raise when what is generated changes: cached provinces are made again
TEMPLATE_RECORDS = 200
SEED = 20251130
YEARS = gen_repo.YEARS
LEVELS = (("mam-non", 35), ("tieu-hoc", 35), ("thcs", 25), ("thpt", 5))  # a province's mix, %
SCHOOLS_PER_COMMUNE = 10
STATUSES = (("da-duyet", 80), ("cho-duyet", 15), ("khong-hop-le", 5))
QUERY = "tong hop"  # "tổng hợp": in every record's text ("… hồ sơ tổng hợp số …")
SEARCH_INPUT = "#hoso-search input[type=search]"
RESULT_LINK = "#hoso-search a.pagefind-ui__result-link"
GB = 1024**3
MIB = 1024**2
# A fresh interpreter: the portal build, then its own peak RSS (KiB) on the last line. VmHWM, not
# getrusage: after a vfork + exec, ru_maxrss starts from the parent's (this script's) peak.
_HWM = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
BUILD_PROBE = f"""
import json, sys
from hoso.cli import main
rc = main(["portal", "build", "--schools", sys.argv[1], "--out", sys.argv[2]])
print(json.dumps({{"rc": rc, "self_kib": {_HWM}}}))
"""
# The floor of a cold build over url: sources: every index.json fetched, 8 at a time (as the
# portal does), by the portal's own bounded reader, and discarded.
FETCH_PROBE = """
import sys
from concurrent.futures import ThreadPoolExecutor
from hoso.portal.fetch import stream
from hoso.portal.index import MAX_INDEX_BYTES

def get(url):
    return sum(len(chunk) for chunk in stream(url, MAX_INDEX_BYTES))

urls = sys.stdin.read().split()
with ThreadPoolExecutor(8) as pool:
    print(sum(pool.map(get, urls)))
"""
VERIFY_SAMPLE = 5  # PDFs drawn per published site whose index.json changed (schools.yml's default: 20)
LOADS_PROBE = f"""
import json, sys
with open(sys.argv[1], "rb") as f:
    json.loads(f.read())
print({_HWM})
"""


@dataclass
class Size:
    schools: int
    records: int  # per school

    @property
    def label(self) -> str:
        return f"{self.schools:,} × {self.records:,}"

    @property
    def total(self) -> int:
        return self.schools * self.records

    @classmethod
    def parse(cls, text: str) -> Size:
        schools, _, records = text.lower().partition("x")
        return cls(int(schools), int(records))


# ---- the template: one real small school site -------------------------------------------------


def template_site() -> Path:
    """bench/out/portal-template-<key>/site: `hoso site build` of gen_repo's small school."""
    from hoso.site.index_json import SCHEMA_VERSION

    key = hashlib.sha256(
        f"{GENERATOR};{TEMPLATE_RECORDS};{SCHEMA_VERSION}".encode() + Path(gen_repo.__file__).read_bytes()
    ).hexdigest()[:12]
    home = OUT / f"portal-template-{key}"
    if (home / "site" / "index.json").is_file():
        return home / "site"
    for stale in OUT.glob("portal-template-*"):
        shutil.rmtree(stale, ignore_errors=True)
    repo = home / "school"
    gen_repo.generate(repo, TEMPLATE_RECORDS)
    subprocess.run([sys.executable, "-m", "hoso", "site", "build"], cwd=repo, check=True, capture_output=True)
    shutil.move(repo / "site", home / "site")
    shutil.rmtree(repo)
    return home / "site"


# ---- a synthetic school -------------------------------------------------------------------------

_PDF_TEXT = "(Ke hoach bai day - ho so tong hop so {mark}) Tj"
_MARK = "S0000-R000000"


def _pdf_template() -> tuple[bytes, bytes]:
    """A one-page PDF whose text holds a fixed-width mark (replaced per record: offsets stay)."""
    stream = f"BT /F1 12 Tf 72 760 Td {_PDF_TEXT.format(mark=_MARK)} ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out), _MARK.encode()


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _oid(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


def school_facts(k: int, schools: int) -> dict[str, str]:
    rng = random.Random(SEED * 7919 + k)
    level = _weighted(rng, LEVELS)
    communes = max(1, schools // SCHOOLS_PER_COMMUNE)
    names = {"mam-non": "Mầm non", "tieu-hoc": "Tiểu học", "thcs": "THCS", "thpt": "THPT"}
    return {
        "name": f"Trường {names[level]} Số {k + 1}",
        "code": f"79{k:06d}",
        "level": level,
        "province": "Tỉnh Mẫu",
        "commune": f"Xã Mẫu {(k * 7) % communes + 1:03d}",
        "authority": "Sở Giáo dục và Đào tạo tỉnh Mẫu",
    }


def _signer(name: str, person: str, capacity: str, when: str) -> dict[str, Any]:
    return {
        "name": name,
        "certificate_name": name.upper(),
        "person": person,
        "roles": [capacity],
        "capacity": capacity,
        "capacity_name": None,
        "kind": "signature",
        "time": when,
        "time_source": "claimed",
        "status": "valid",
        "fingerprint": hashlib.sha256(person.encode()).hexdigest(),
    }


def synthetic_index(
    template: dict[str, Any], k: int, size: Size, version: int, pdf: tuple[bytes, bytes]
) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """School k's index.json (as data) and its PDFs (path in the site, bytes). `version` > 0 adds
    that many records (the "one school changed" rounds)."""
    rng = random.Random(SEED * 104729 + k)
    facts = school_facts(k, size.schools)
    base, mark = pdf
    commit = _oid(SEED, k, version)
    date = f"2025-06-{1 + k % 28:02d}T10:{k % 60:02d}:00+07:00"
    locked = k % 2 == 0  # half the schools have locked 2023-2024
    records: list[dict[str, Any]] = []
    files: list[tuple[str, bytes]] = []
    counts: dict[str, dict[str, int]] = {y: {s: 0 for s, _ in STATUSES} for y in YEARS}
    tpl = sorted(template["records"], key=lambda r: r["path"].rsplit("/", 1)[-1])  # years alternate
    for i in range(size.records + version):
        t = tpl[i % len(tpl)]
        data = base.replace(mark, f"S{k:04d}-R{i:06d}".encode())
        folder = t["path"].rsplit("/", 1)[0]
        path = f"{folder}/s{k:04d}-{i:06d}.pdf"
        status = _weighted(rng, STATUSES)
        year = t["year"]
        counts[year][status] += 1
        when = f"{year[:4]}-{9 + i % 3:02d}-{1 + i % 28:02d}T08:00:00+07:00"
        signers = []
        if status != "cho-duyet" or i % 3 == 0:
            signers.append(
                _signer(t["owner"]["name"], t["owner"]["id"] or "hieu-truong-a", "nguoi-lap", when)
            )
        if status == "da-duyet":
            signers.append(_signer("Hiệu Trưởng A", "hieu-truong-a", "hieu-truong", when))
        events: list[dict[str, str | None]] = [
            {"date": when, "kind": "nop", "commit": _oid(SEED, k, i, "nop")}
        ]
        if status == "da-duyet":
            events.append({"date": when, "kind": "duyet", "commit": _oid(SEED, k, i, "duyet")})
        if locked and year == YEARS[0]:
            events.append({"date": "2024-07-31", "kind": "khoa-so", "commit": None})
        late = rng.random() < 0.1
        records.append(
            {
                **t,
                "path": path,
                "blob": blob_id(data),
                "size": len(data),
                "title": f"{t['title'].split(' — ')[0]} — số {i:06d}, {facts['name']}",
                "status": status,
                "missing_signers": [] if status == "da-duyet" else t["missing_signers"],
                "signature_status": "valid" if signers else "unsigned",
                "signers": signers,
                "dates": {
                    "first_committed": when,
                    "last_event": when,
                    "signed": when[:10] if signers else None,
                },
                "events": events,
                "timeliness": {
                    "deadline": f"{year[:4]}-10-15",
                    "submitted": when,
                    "submitted_source": "commit",
                    "approved": when if status == "da-duyet" else None,
                    "approved_source": "commit" if status == "da-duyet" else None,
                    "state": "tre-han" if late else "dung-han",
                    "days_late": 1 + i % 20 if late else None,
                },
                "url": f"{t['url'].split('#', 1)[0]}#r-{i:06d}",
                "download": "tep/" + path,
            }
        )
        files.append(("tep/" + path, data))
    index = {
        **template,
        "commit": commit,
        "commit_date": date,
        "school": facts,
        "counts": {
            y: {"by_status": c, "confidential_hidden": 0, "timeliness": None}
            for y, c in sorted(counts.items())
        },
        "missing": template["missing"][: max(1, size.records // 100)],
        "locks": [{"year": YEARS[0], "types": [], "since": "2024-07-31"}] if locked else [],
        "records": records,
    }
    return index, files


def _link_tree(src: Path, dst: Path, skip: tuple[str, ...] = ()) -> None:
    for folder, dirs, names in os.walk(src):
        here = Path(folder)
        rel = here.relative_to(src)
        if rel.parts and rel.parts[0] in skip:
            dirs[:] = []
            continue
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in names:
            if not rel.parts and name in skip:
                continue
            os.link(here / name, dst / rel / name)


def write_school(home: Path, k: int, size: Size, version: int = 0) -> Path:
    """School k's site folder under `home`/schools (its PDFs, index.json, the template's pages and
    the shared Pagefind bundle, hard-linked)."""
    template = json.loads((home / "template.json").read_text(encoding="utf-8"))
    site = home / "schools" / f"s{k:04d}"
    index, files = synthetic_index(template, k, size, version, _pdf_template())
    if version == 0 and not site.exists():
        _link_tree(home / "template-site", site, skip=("tep", "index.json", "pagefind", "build-info.json"))
        _link_tree(home / "pagefind", site / "pagefind")
    made: set[str] = set()
    for rel, data in files[-1:] if version else files if not (site / "index.json").exists() else []:
        path = site / rel
        parent = str(path.parent)
        if parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    raw = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode()
    tmp = site / ".index.json.tmp"
    tmp.write_bytes(raw)
    os.replace(tmp, site / "index.json")
    info = {"built_at": "2025-06-01T00:00:00+00:00", "commit": index["commit"], "audience": "inspector"}
    (site / "build-info.json").write_text(json.dumps(info), encoding="utf-8")
    return site


def _write_one(args: tuple[str, int, int, int]) -> int:
    home, k, schools, records = args
    write_school(Path(home), k, Size(schools, records))
    return k


def widest_level_scope(schools: int, records: int) -> list[int]:
    """The schools of the portal's widest search scope, as hoso.portal.search makes its scopes
    (a level's schools in schools.yml order, in parts: `merge_parts`): the first largest part."""
    from hoso.portal.search import merge_parts
    from hoso.portal.tables import School

    by_level: dict[str, list[School]] = {}
    for k in range(schools):
        level = school_facts(k, schools)["level"]
        by_level.setdefault(level, []).append(School(str(k), k, str(k), str(k), records=records))
    parts = [part for _, members in sorted(by_level.items()) for part in merge_parts(members)]
    return [int(s.slug) for s in max(parts, key=len)]


def _own_index(args: tuple[str, int, int, int]) -> float:
    """School k's own Pagefind index (its own documents) in place of the shared one; seconds."""
    from hoso.site.search import write_index

    home, k, schools, records = Path(args[0]), args[1], args[2], args[3]
    template = json.loads((home / "template.json").read_text(encoding="utf-8"))
    index, _ = synthetic_index(template, k, Size(schools, records), 0, _pdf_template())
    site = home / "schools" / f"s{k:04d}"
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hoso-bench-pf-", dir=home) as tmp:
        write_index(search_documents(index), Path(tmp))
        shutil.rmtree(site / "pagefind")
        os.replace(Path(tmp) / "pagefind", site / "pagefind")
    return time.perf_counter() - t0


def search_documents(index: dict[str, Any]) -> list[Any]:
    """Search documents of a synthetic school's records, as hoso.site.search makes them."""
    from hoso.site.search import FILED_UNDER_WEIGHT, SIGNERS_WEIGHT, TEXT_WEIGHT, Document

    names = {rt["id"]: rt["name"] for rt in index["record_types"]}
    docs = []
    for r in index["records"]:
        number = r["path"].rsplit("-", 1)[-1].removesuffix(".pdf")
        text = f"Kế hoạch bài dạy — hồ sơ tổng hợp số {number} {index['school']['name']}"
        docs.append(
            Document(
                url=r["url"],
                title=r["title"],
                parts=(
                    (names.get(r["type"], r["type"]), FILED_UNDER_WEIGHT),
                    (r["owner"]["name"], FILED_UNDER_WEIGHT),
                    (r["year"], TEXT_WEIGHT),
                    (text, TEXT_WEIGHT),
                    (", ".join(s["name"] for s in r["signers"]), SIGNERS_WEIGHT),
                ),
                kind="record",
                detail=" · ".join([names.get(r["type"], r["type"]), r["owner"]["name"], r["year"]]),
                status=r["status"],
            )
        )
    return docs


def province(size: Size) -> tuple[Path, dict[str, Any]]:
    """bench/out/portal-<S>x<N>-<key>/: schools/, schools.yml, made once per size and kept."""
    tpl = template_site()
    key = hashlib.sha256(
        f"{GENERATOR};{SEED};{size.schools};{size.records}".encode() + (tpl / "index.json").read_bytes()
    ).hexdigest()[:12]
    home = OUT / f"portal-{size.schools}x{size.records}-{key}"
    manifest = home / "manifest.json"
    if manifest.is_file():
        return home, json.loads(manifest.read_text(encoding="utf-8"))
    rm(*OUT.glob(f"portal-{size.schools}x{size.records}-*"))
    t0 = time.perf_counter()
    home.mkdir(parents=True)
    template = json.loads((tpl / "index.json").read_text(encoding="utf-8"))
    (home / "template.json").write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
    _link_tree(tpl, home / "template-site")
    # One real Pagefind index of N documents (school 0's records), timed: its cost per school.
    from hoso.site.search import write_index

    first, _ = synthetic_index(template, 0, size, 0, _pdf_template())
    docs = search_documents(first)
    p0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hoso-bench-pf-") as tmp:
        write_index(docs, Path(tmp))
        shutil.move(Path(tmp) / "pagefind", home / "pagefind")
    pagefind_s = time.perf_counter() - p0
    say(f"[portal {size.label}] one school's Pagefind index ({len(docs)} documents): {pagefind_s:.1f} s")
    validated = _validate(first)
    g0 = time.perf_counter()
    jobs = [(str(home), k, size.schools, size.records) for k in range(size.schools)]
    with Pool(len(os.sched_getaffinity(0))) as pool:
        for done, _ in enumerate(pool.imap_unordered(_write_one, jobs, chunksize=4), start=1):
            if done % max(1, size.schools // 10) == 0:
                say(f"[portal {size.label}] {done} schools written, {time.perf_counter() - g0:.0f} s")
    # the schools one query merges at most get their own index: the measured transfer is theirs
    own = widest_level_scope(size.schools, size.records)
    o0 = time.perf_counter()
    with Pool(len(os.sched_getaffinity(0))) as pool:
        own_s = list(
            pool.imap_unordered(_own_index, [(str(home), k, size.schools, size.records) for k in own])
        )
    say(f"[portal {size.label}] {len(own)} schools' own Pagefind indexes: {time.perf_counter() - o0:.0f} s")
    info = {
        "schools": size.schools,
        "records_per_school": size.records,
        "records": size.total,
        "seed": SEED,
        "template_records": TEMPLATE_RECORDS,
        "pagefind_one_school_s": round(pagefind_s, 2),
        "pagefind_documents": len(docs),
        "pagefind_all_schools_estimate_min": round(pagefind_s * size.schools / 60, 1),
        "own_index_schools": own,
        "own_index_median_s": round(statistics.median(own_s), 2),
        "schema_validated": validated,
        "write_s": round(time.perf_counter() - g0, 1),
        "generate_s": round(time.perf_counter() - t0, 1),
        "index_json_bytes": sum(
            (home / "schools" / f"s{k:04d}" / "index.json").stat().st_size for k in range(size.schools)
        ),
    }
    manifest.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return home, info


def write_schools_yml(path: Path, root: str, schools: Sequence[int]) -> list[str]:
    """schools.yml listing `schools` as published sites under `root` (the served province); their
    index.json addresses."""
    lines = [
        "version: 1",
        "title: Sở GDĐT tỉnh Mẫu — đo hiệu năng",
        f"verify_sample: {VERIFY_SAMPLE}",
        "schools:",
    ]
    urls = [f"{root}schools/s{k:04d}/" for k in schools]
    lines += [f"  - url: {url}" for url in urls]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [url + "index.json" for url in urls]


def fetch_all(urls: Sequence[str]) -> float:
    """Seconds of a fresh interpreter fetching every index.json, 8 at a time (FETCH_PROBE)."""
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", FETCH_PROBE], input="\n".join(urls), capture_output=True, text=True, check=True
    )
    return time.perf_counter() - t0


def _validate(index: dict[str, Any]) -> str:
    """index.json of the first school against the shipped JSON Schema."""
    from importlib import resources

    import jsonschema  # type: ignore[import-untyped]

    schema = json.loads((resources.files("hoso") / "data" / "index.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(index, schema)
    return f"school 0 ({len(index['records'])} records) valid against index.schema.json"


# ---- builds -----------------------------------------------------------------------------------


def build_once(schools_yml: Path, out: Path, ok: Sequence[int] = (0,)) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", BUILD_PROBE, str(schools_yml), str(out)],
        cwd=schools_yml.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = TreeMemory(proc.pid, every=0.1)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    sampler.stop()
    lines = stdout.strip().splitlines()
    probe = json.loads(lines[-1]) if proc.returncode == 0 and lines else {"rc": proc.returncode}
    if probe["rc"] not in ok:
        raise SystemExit(f"hoso portal build failed ({probe['rc']}): {stderr[-1500:]}")
    return {
        "s": seconds,
        "rss_mib": probe.get("self_kib", 0) / 1024,
        "tree_mib": sampler.total_kib / 1024,
        # the command's last line, without this machine's folders
        "said": stderr.strip().splitlines()[-1].replace(str(OUT.parent.parent), ".")
        if stderr.strip()
        else "",
    }


def rm(*paths: Path) -> None:
    """`rm -rf` (millions of hard links: several times faster than shutil.rmtree)."""
    if paths:
        subprocess.run(["rm", "-rf", "--", *map(str, paths)], check=False)


def forget(out: Path) -> None:
    rm(out, default_cache(out.resolve()), *out.parent.glob(f".{out.name}.tmp-*"))


def peak_loads(path: Path) -> float:
    """Peak RSS (MiB) of an interpreter doing json.loads of `path` alone."""
    out = subprocess.run(
        [sys.executable, "-c", LOADS_PROBE, str(path)], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip()) / 1024


def hash_throughput(paths: Sequence[Path]) -> float:
    """MB/s of git's blob hash over real record PDFs (to scale the small synthetic files)."""
    from hoso.git.objects import hash_blob

    total, t0 = 0, time.perf_counter()
    for p in paths:
        size = p.stat().st_size
        with p.open("rb") as f:
            hash_blob(f, size, sha256=False)
        total += size
    return total / (time.perf_counter() - t0) / 1e6


# ---- search in a browser ------------------------------------------------------------------------


def _serve(folder: Path) -> tuple[Any, str]:
    """`folder` over HTTP on 127.0.0.1 (hoso site serve's threaded server and handler), in a thread."""
    from hoso.commands.site import _Handler, _Server

    class Server(_Server):
        request_queue_size = 128  # the portal's 8 fetches and samples, the browser's requests

    server = Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def widest_scope(portal: Path) -> tuple[str, list[str]]:
    """The scope of the portal's search page merging the most schools: (id, its bundles)."""
    page = (portal / "tim-kiem.html").read_text(encoding="utf-8")
    found = re.search(r'data-scopes="([^"]*)"', page)
    assert found, "no data-scopes on tim-kiem.html"
    import html

    scopes = json.loads(html.unescape(found.group(1)))["scopes"]
    best = max(scopes, key=lambda s: len(s["bundles"]))
    return best["id"], best["bundles"]


def query_bytes(browser: Any, url: str, input_sel: str, result_sel: str) -> dict[str, Any]:
    """Bytes received after typing QUERY (page load excluded), an empty cache each time."""
    context = browser.new_context()
    try:
        page = context.new_page()
        responses: list[Any] = []
        page.on("response", lambda r: responses.append(r))
        page.goto(url, wait_until="networkidle")
        page.wait_for_selector(input_sel, state="visible")
        loaded = len(responses)
        t0 = time.perf_counter()
        page.fill(input_sel, QUERY)
        page.wait_for_selector(result_sel, state="visible", timeout=120_000)
        first = time.perf_counter() - t0
        _settle(page, responses)
        after = responses[loaded:]
        kinds: dict[str, int] = {}
        for r in after:
            name = r.url.split("?")[0]
            kind = (
                "fragment"
                if "/fragment/" in name
                else "index"
                if "/index/" in name
                else name.rsplit(".", 1)[-1]
            )
            kinds[kind] = kinds.get(kind, 0) + _received(r)
        return {
            "bytes": sum(_received(r) for r in after),
            "requests": len(after),
            "load_bytes": sum(_received(r) for r in responses[:loaded]),
            "by_kind": kinds,
            "first_result_s": first,
        }
    finally:
        context.close()


def search(portal: Path, root: str, repeat: int) -> dict[str, Any]:
    """The portal (served under `root`, as the schools are: one origin) and one school's own
    search page, in the browser."""
    from playwright.sync_api import sync_playwright

    scope, bundles = widest_scope(portal)
    assert bundles and all(b.startswith(root) for b in bundles), f"bundles not from {root}: {bundles[:3]}"
    school = bundles[0].removesuffix("pagefind/")  # a school of the scope: its own index
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            portal_url = f"{root}{portal.name}/tim-kiem.html?pham-vi={scope}"
            school_url = f"{school}tim-kiem.html"
            school_input = ".pagefind-ui__search-input, #hoso-search input[type=search]"
            school_result = ".pagefind-ui__result-link"
            query_bytes(browser, portal_url, SEARCH_INPUT, RESULT_LINK)  # warm the server's files
            runs = {"portal": [], "school": []}  # type: dict[str, list[dict[str, Any]]]
            for _ in range(repeat):
                runs["portal"].append(query_bytes(browser, portal_url, SEARCH_INPUT, RESULT_LINK))
                runs["school"].append(query_bytes(browser, school_url, school_input, school_result))
        finally:
            browser.close()
    return {"scope": scope, "schools_merged": len(bundles), "school": school, "runs": runs}


# ---- the benchmark ------------------------------------------------------------------------------


@dataclass
class Row:
    """A figure of this benchmark: Figure's fields plus its unit and the province's size."""

    figure: Figure
    size: Size
    unit: str = "s"  # s | MiB | B

    def as_json(self) -> dict[str, Any]:
        return {**self.figure.as_json(), "unit": self.unit, "size": self.size.label}


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    if unit == "B":
        return f"{value / 1024:,.0f} KiB" if value < MIB else f"{value / MIB:,.2f} MiB"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| bench | figure | schools × records | median | min | baseline (median) | ratio (min/min)"
        " | goal | met? |",
        "|---|---|--:|--:|--:|---|--:|---|:-:|",
    ]
    for row in rows:
        f = row.figure
        base = f"{f.baseline} ({fmt(f.base_median, row.unit)})" if f.baseline else "—"
        ratio = f"{f.ratio:.2f}× ({f.ratio_low:.2f}×)" if f.ratio is not None and f.ratio_low else "—"
        met = {True: "yes", False: "**no**", None: "—"}[f.met]
        note = f" {f.note}" if f.note else ""
        lines.append(
            f"| {f.bench} | {f.name}{note} | {row.size.label} | {fmt(f.median, row.unit)}"
            f" | {fmt(f.low, row.unit)} | {base} | {ratio} | {f.goal or '—'} | {met} |"
        )
    return "\n".join(lines)


def change_school(home: Path, size: Size, k: int, version: int) -> None:
    """School k gains `version` records (its index.json rewritten, one new PDF)."""
    write_school(home, k, size, version)


def run(size: Size, repeat: int, cold_repeat: int, browser: bool = True) -> tuple[list[Row], dict[str, Any]]:
    """The province's rounds, its folder served over HTTP (the schools and the portal) meanwhile."""
    home, made = province(size)
    server, root = _serve(home)
    try:
        return _run(size, repeat, cold_repeat, home, made, root, browser)
    finally:
        server.shutdown()
        server.server_close()


def _run(
    size: Size, repeat: int, cold_repeat: int, home: Path, made: dict[str, Any], root: str, browser: bool
) -> tuple[list[Row], dict[str, Any]]:
    schools_yml = home / "schools.yml"
    urls = write_schools_yml(schools_yml, root, range(size.schools))
    out = home / "portal"
    details: dict[str, Any] = {
        "size": size.label,
        "province": made,
        "sources": f"url: {root}schools/sNNNN/, verify_sample: {VERIFY_SAMPLE}",
        "loadavg_start": os.getloadavg()[0],
    }
    builds: dict[str, list[dict[str, Any]]] = {"cold": [], "rebuild": [], "one_school": []}
    forget(out)
    say(f"[portal {size.label}] cold build / every index.json fetched alone, {cold_repeat} rounds")

    def cold() -> float:
        forget(out)
        found = build_once(schools_yml, out)
        builds["cold"].append(found)
        say(f"[portal {size.label}] cold {found['s']:.1f} s, {found['rss_mib']:.0f} MiB: {found['said']}")
        return float(found["s"])

    runs = rounds({"cold": cold, "fetch": lambda: fetch_all(urls)}, cold_repeat)
    rows = [
        Row(
            Figure(
                "portal",
                "`portal build`, cold (no portal, no cache)",
                size.total,
                runs["cold"],
                "every index.json fetched alone, 8 at a time",
                runs["fetch"],
                goal="< 10 min for 1M records",
                max_s=600.0 if size.total >= 1_000_000 else None,
            ),
            size,
        )
    ]
    details["output"] = {
        "files": sum(len(f) for _, _, f in os.walk(out)),
        "html_pages": sum(1 for _ in out.rglob("*.html")),
        "cache_bytes": sum(
            p.stat().st_size for p in (out.parent / f".{out.name}.cache").rglob("*") if p.is_file()
        ),
    }
    # the rebuild: school j gains a record; against a cold portal of school j alone
    j = size.schools // 2
    one_yml = home / "schools-one.yml"
    write_schools_yml(one_yml, root, [j])
    one_out = home / "portal-one"
    versions = iter(range(1, 1000))
    say(f"[portal {size.label}] rebuild after school {j} changed / that school alone, {repeat} rounds")

    def rebuild() -> float:
        change_school(home, size, j, next(versions))
        found = build_once(schools_yml, out)
        builds["rebuild"].append(found)
        say(f"[portal {size.label}] rebuild {found['s']:.1f} s: {found['said']}")
        return float(found["s"])

    def alone() -> float:
        forget(one_out)
        found = build_once(one_yml, one_out)
        builds["one_school"].append(found)
        return float(found["s"])

    again = rounds({"rebuild": rebuild, "alone": alone}, repeat)
    forget(one_out)
    write_school(home, j, size)  # school j back as generated (the province's cache stays valid)
    rows.append(
        Row(
            Figure(
                "portal",
                "`portal build` after one school's index.json changed",
                size.total,
                again["rebuild"],
                "a cold portal of that school alone",
                again["alone"],
                goal="< 30 s",
                max_s=30.0,
            ),
            size,
        )
    )
    largest = max((home / "schools").glob("*/index.json"), key=lambda p: p.stat().st_size)
    loads = [peak_loads(largest) for _ in range(min(repeat, 3))]
    peak = [b["rss_mib"] for b in builds["cold"]]
    rows.append(
        Row(
            Figure(
                "portal",
                "peak RSS of the cold build (the process; its tree in the results)",
                size.total,
                peak,
                "`json.loads` of the largest index.json alone",
                loads,
                goal="< 2 GB",
                max_s=2048.0,
            ),
            size,
            unit="MiB",
        )
    )
    details["builds"] = builds
    if browser:
        try:
            found = search(out, root, max(3, repeat))
            details["search"] = found
            rows.append(
                Row(
                    Figure(
                        "portal",
                        f"bytes received for the query `{QUERY}` (every record), {found['schools_merged']}"
                        f" schools merged (`{found['scope']}`)",
                        size.total,
                        [r["bytes"] for r in found["runs"]["portal"]],
                        "the same query on one school's own search page",
                        [r["bytes"] for r in found["runs"]["school"]],
                        goal="< 2 MB",
                        max_s=2e6,
                    ),
                    size,
                    unit="B",
                )
            )
        except Exception as exc:  # no browser here: the other figures stand
            details["search_error"] = repr(exc)
            say(f"[portal {size.label}] search not measured: {exc!r}")
    details["loadavg_end"] = os.getloadavg()[0]
    return rows, details


README = Path(__file__).parent / "README.md"
BEGIN, END = "<!-- bench_portal: begin (generated by bench/bench_portal.py) -->", "<!-- bench_portal: end -->"


def results_file(size: Size) -> Path:
    return OUT / f"portal-results-{size.schools}x{size.records}.json"


def load_results() -> list[tuple[dict[str, Any], list[Row]]]:
    """Every size's latest results (bench/out/portal-results-*.json), fewest records first."""
    keep = set(Figure.__dataclass_fields__)
    found = []
    for path in OUT.glob("portal-results-*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        size = Size.parse(path.stem.removeprefix("portal-results-"))
        rows = [
            Row(Figure(**{k: v for k, v in f.items() if k in keep}), size, f.get("unit", "s"))
            for f in data.pop("figures")
        ]
        found.append((data, rows))
    return sorted(
        found, key=lambda item: (item[1][0].size.total, item[1][0].size.schools) if item[1] else (0, 0)
    )


def write_readme() -> None:
    """The portal's table in bench/README.md, between its own markers (the rest is kept)."""
    text = README.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        return
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    lines, rows = ["Runs:", ""], []
    for info, found in load_results():
        modified = f" + {len(info['modified'])} files modified in src/" if info.get("modified") else ""
        lines.append(
            f"- {info['size']}: {info['date']}, {info['cores']} cores, load {info['load']:.1f} →"
            f" {info['load_end']:.1f}, hoso {info['commit']}{modified}; {info['minutes']:.0f} min"
        )
        rows += found
    body = "\n".join([*lines, "", table(rows)])
    README.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["100x10000", "1000x1000"], help="SCHOOLSxRECORDS")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the rebuild and the search")
    parser.add_argument("--cold-repeat", type=int, default=3, help="rounds of the cold build")
    parser.add_argument(
        "--big-cold-repeat", type=int, default=1, help="rounds of the cold build above 200,000 records"
    )
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--readme-only", action="store_true", help="the table again, from stored results")
    parser.add_argument("--drop", action="store_true", help="delete each generated province after its run")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    # the schools are served on 127.0.0.1: never through a proxy (this process, the builds, Chromium)
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = ",".join(filter(None, [os.environ.get(name), "127.0.0.1", "localhost"]))
    rows: list[Row] = []
    if not args.readme_only:
        sample = sorted((template_site() / "tep").rglob("*.pdf"))
        hashing = round(hash_throughput(sample), 1)
        for text in args.sizes:
            size = Size.parse(text)
            started = time.perf_counter()
            info = {**machine(), "size": size.label, "hash_mb_s": hashing}
            cold = args.cold_repeat if size.total <= 200_000 else args.big_cold_repeat
            found, detail = run(size, args.repeat, cold, browser=not args.no_browser)
            rows += found
            info.update(load_end=os.getloadavg()[0], minutes=(time.perf_counter() - started) / 60)
            data = {**info, "details": detail, "figures": [r.as_json() for r in found]}
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
            results_file(size).write_text(text, encoding="utf-8")
            write_readme()
            if args.drop:
                rm(province(size)[0])
        print(table(rows))
    write_readme()
    return 0


if __name__ == "__main__":
    sys.exit(main())
