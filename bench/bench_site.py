#!/usr/bin/env python3
"""Time and size `hoso site build` and its search: `python bench/bench_site.py --records 1000 10000`.

For each size, on a synthetic school (bench/gen_repo.py, packed with `git gc`), each build being
the real `hoso site build` in a fresh Python process: wall time from outside (interpreter start
included); peak memory as the hoso process's own getrusage(RUSAGE_SELF) max RSS, pagefind's
VmHWM and the whole process tree's summed RSS, both sampled from /proc every 50 ms
(RUSAGE_CHILDREN is useless here: a child spawned by Python inherits its parent's high-water mark
across vfork + exec, so even `git` reports the Python process's peak). The cases:

- cold: no site, no generated pages in site_src/, no `.git/hoso/cache.sqlite` (every signature
  verified, every PDF's text extracted);
- cold site, verdicts warm: `hoso check --all` filled the verdict cache first (what a school
  that runs the hooks has); the PDF text is still extracted;
- cold site, cache warm: verdicts and PDF texts cached by an earlier build, only the site is gone;
- rebuild, nothing changed; and rebuild after one new record committed (the warm case);
- output: size of the site folder, of tep/ (the PDFs) and pagefind/, number of HTML pages;
- search, in headless Chromium (Playwright) against `hoso site serve --no-build`: open
  tim-kiem.html, type an accent-free query that matches text inside the PDFs, measure the time
  from typing to the first visible result (Pagefind UI's 300 ms debounce included) and every
  byte the browser received for it, split into engine (JS, WASM, metadata), index chunks and
  result fragments; a fresh browser context (empty cache) per run, median time of max(3, --repeat)
  runs; both times are taken in the page (first `input` event → first result title in the DOM);
  a broad query ("tong hop", in every PDF) and a selective one (one record's stamped number);
- the comparison point for Material's lunr search, which downloads its whole index before the
  first query: the same search text (search.content() of every record) as a Material-shaped
  search_index.json, raw and gzip — a lower bound, since Material also indexes every page.

--profile writes a cProfile of one more cold build to bench/out/site-N.prof and prints its top
cumulative entries. Results: Markdown on stdout, JSON in bench/out/site-<sizes>.json (with the
load average, the hoso commit and its modified files, and each query's request timeline).

Measured 2026-11-23, 2 CPUs, idle machine, 10,000 records (targets in brackets): cold build 54 s
(< 3 min); cold site with verdicts from `check --all` 45 s; rebuild after one new record 20 s
(< 30 s), of which MkDocs converting all 640 pages ≈ 12 s; peak RSS 390 MiB (hoso) + 300 MiB
(pagefind); site 451 MiB, of which PDFs 398 MiB and pagefind/ 3.9 MiB; first query: 173 KiB
received (< 2 MB) and 0.32 s for a selective query, 1.4 s for one matching every record (< 1 s:
missed, Pagefind's own search time in the browser's worker, not the transfer).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from gen_repo import MARK, generate, template_pdf

from hoso.evidence import CACHE_FILE, cache_dir

HOSO = [sys.executable, "-m", "hoso"]
OUT = Path(__file__).parent / "out"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SEARCH_INPUT = ".pagefind-ui__search-input"
RESULT_LINK = ".pagefind-ui__result-link"  # a result's title: shown once its fragment has loaded
BROAD_QUERY = "tong hop"  # "tổng hợp": in the text of every PDF (gen_repo.template_pdf), nowhere else
# Run by a fresh interpreter in the repository: the build itself, then its own peak RSS in KiB.
# (Not RUSAGE_CHILDREN: a child spawned by Python inherits the parent's high-water mark through
# vfork + exec, so every `git` or `pagefind` child would report the Python process's peak.)
BUILD_PROBE = """
import json, resource
from hoso.cli import main
rc = main(["site", "build"])
print(json.dumps({"rc": rc, "self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@hoso.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@hoso.invalid",
}


# ---- builds -----------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def _memory(pid: int) -> tuple[str, int, int]:
    """(name, VmRSS, VmHWM) in KiB; ("", 0, 0) once the process is gone."""
    try:
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
        return fields["Name"].strip(), int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError, IndexError):
        return "", 0, 0


class TreeMemory:
    """Samples the process tree under `pid` every `every` s: peak total RSS, peak VmHWM per name."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        import threading

        self.pid, self.every = pid, every
        self.total_kib = 0
        self.hwm_kib: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            todo, total = [self.pid], 0
            while todo:
                pid = todo.pop()
                name, rss, hwm = _memory(pid)
                if name:
                    total += rss
                    self.hwm_kib[name] = max(self.hwm_kib.get(name, 0), hwm)
                    todo += _children(pid)
            self.total_kib = max(self.total_kib, total)
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def build_once(repo: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", BUILD_PROBE],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = TreeMemory(proc.pid)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.stop()
    lines = stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"hoso site build failed ({proc.returncode}): {stderr[-800:]}")
    probe = json.loads(lines[-1])
    if probe["rc"] != 0:
        raise SystemExit(f"hoso site build failed ({probe['rc']}): {stderr[-800:]}")
    return {
        "s": wall,
        "rss_mib": probe["self_kib"] / 1024,  # exact: getrusage(RUSAGE_SELF) of the hoso process
        "pagefind_mib": sampler.hwm_kib.get("pagefind", 0) / 1024,  # sampled VmHWM
        "tree_mib": sampler.total_kib / 1024,  # sampled: hoso + pagefind + git at the same time
        "said": stderr.strip().splitlines()[-1],
    }


def build(repo: Path, repeat: int = 1, before: Any = None) -> dict[str, Any]:
    """Median wall time of `repeat` builds (`before` untimed before each); the largest peak RSS."""
    runs = []
    for _ in range(repeat):
        if callable(before):
            before()
        runs.append(build_once(repo))
    return summarise(runs)


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "s": statistics.median(r["s"] for r in runs),
        "rss_mib": max(r["rss_mib"] for r in runs),
        "pagefind_mib": max(r["pagefind_mib"] for r in runs),
        "tree_mib": max(r["tree_mib"] for r in runs),
        "said": runs[-1]["said"],
    }


def forget_site(repo: Path) -> None:
    """No site and no generated pages (hand-written site_src/ pages such as huong-dan.md stay)."""
    from hoso.site.pages import GENERATED

    shutil.rmtree(repo / "site", ignore_errors=True)
    for leftover in repo.glob(".site.*"):
        shutil.rmtree(leftover, ignore_errors=True)
    docs = repo / "site_src"
    for name in (*GENERATED, ".gitignore"):
        path = docs / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def forget_cache(repo: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        (cache_dir(repo) / (CACHE_FILE + suffix)).unlink(missing_ok=True)


def forget_all(repo: Path) -> None:
    forget_site(repo)
    forget_cache(repo)


def commit_one_record(repo: Path, n: int) -> None:
    new = repo / f"records/2024-2025/gv/giao-vien-0000/ke-hoach-bai-day/ban-moi-{n:06d}.pdf"
    new.write_bytes(template_pdf().replace(MARK, b"%08d" % n))
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "add", str(new)], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "one more record"], cwd=repo, check=True, env=env)


def pack(repo: Path) -> None:
    """`git gc`, once the detached `git gc --auto` that a commit of many files starts has ended."""
    for _ in range(600):
        while (repo / ".git" / "gc.pid").exists():
            time.sleep(0.2)
        proc = subprocess.run(["git", "gc", "-q"], cwd=repo, capture_output=True, text=True)
        if proc.returncode == 0:
            return
        if "already running" not in proc.stderr:
            raise SystemExit(f"git gc failed: {proc.stderr}")
        time.sleep(1)
    raise SystemExit("git gc: another gc never ended")


# ---- output -----------------------------------------------------------------------------------


def folder_size(path: Path) -> dict[str, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    du = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
    return {
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "disk_kib": int(du.stdout.split()[0]),
    }


def output_sizes(site: Path) -> dict[str, Any]:
    return {
        "site": folder_size(site),
        "tep": folder_size(site / "tep"),
        "pagefind": folder_size(site / "pagefind"),
        "pagefind_index": folder_size(site / "pagefind" / "index"),
        "pagefind_fragment": folder_size(site / "pagefind" / "fragment"),
        "html_pages": sum(1 for _ in site.rglob("*.html")),
    }


def lunr_comparison(repo: Path) -> dict[str, int]:
    """The records' search text as Material's search_index.json, which lunr downloads whole."""
    from hoso.site.model import collect
    from hoso.site.search import content, record_url

    site = collect(repo)
    index = {
        "config": {"lang": ["vi"], "separator": r"[\s\-]+", "pipeline": ["stopWordFilter"]},
        "docs": [{"location": record_url(r), "title": r.title, "text": content(r)} for r in site.records],
    }
    raw = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return {"docs": len(index["docs"]), "bytes": len(raw), "gzip_bytes": len(gzip.compress(raw, 6))}


# ---- search in a browser ----------------------------------------------------------------------


class Server:
    """`hoso site serve --no-build --port 0` in the background; `url` is what it printed."""

    def __init__(self, repo: Path) -> None:
        self.proc = subprocess.Popen(
            [*HOSO, "site", "serve", "--no-build", "--port", "0"],
            cwd=repo,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stderr is not None
        said = ""
        while True:
            line = self.proc.stderr.readline()
            said += line
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if found:
                self.url = found.group(0)
                break
            if not line:
                raise SystemExit(f"hoso site serve failed: {said[-800:]}")

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _kind(url: str) -> str:
    path = url.split("?")[0]
    if "/pagefind/index/" in path:
        return "index"
    if "/pagefind/fragment/" in path:
        return "fragment"
    if "/pagefind/" in path:
        return "engine"
    return "page"


def _received(response: Any) -> int:
    """Bytes on the wire for one response: headers + body (the server does not compress)."""
    try:
        sizes = response.request.sizes()
        return int(sizes["responseBodySize"]) + int(sizes["responseHeadersSize"])
    except Exception:
        return len(response.body())


def _summary(responses: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"requests": len(responses), "bytes": 0}
    for kind in ("page", "engine", "index", "fragment"):
        out[f"{kind}_requests"] = 0
        out[f"{kind}_bytes"] = 0
    for r in responses:
        size = _received(r)
        kind = _kind(r.url)
        out["bytes"] += size
        out[f"{kind}_requests"] += 1
        out[f"{kind}_bytes"] += size
    return out


def _settle(page: Any, responses: list[Any], quiet_ms: int = 500, limit_s: float = 30) -> None:
    """Wait until no response has arrived for `quiet_ms` (the other results' fragments)."""
    end = time.perf_counter() + limit_s
    count = -1
    while count != len(responses) and time.perf_counter() < end:
        count = len(responses)
        page.wait_for_timeout(quiet_ms)


# Installed in the page before typing: the time of the first `input` event on the search box and
# of the first result title in the DOM with a layout box, both on the page's clock
# (Playwright's own waiting polls every 100-500 ms: too coarse for this).
WATCH = """sel => {
  const b = (window.__bench = {typed: null, first: null, origin: performance.timeOrigin});
  document.querySelector(sel).addEventListener("input", () => { b.typed ??= performance.now(); }, true);
  const seen = () => {
    const a = document.querySelector(".pagefind-ui__result-link");
    if (b.first === null && a && a.textContent.trim() && a.getClientRects().length) {
      b.first = performance.now();
      watch.disconnect();
    }
  };
  const watch = new MutationObserver(seen);
  watch.observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


def _timeline(responses: list[Any], typed_epoch_ms: float) -> list[dict[str, Any]]:
    out = []
    for r in responses:
        timing = r.request.timing
        start = timing["startTime"] - typed_epoch_ms
        end = start + max(timing["responseEnd"], 0)
        name = r.url.split("?")[0].rsplit("/", 1)[-1]
        out.append({"start_ms": round(start), "end_ms": round(end), "kind": _kind(r.url), "file": name})
    return out


def search_once(browser: Any, url: str, query: str) -> dict[str, Any]:
    context = browser.new_context()  # an empty cache every time
    try:
        page = context.new_page()
        responses: list[Any] = []
        page.on("response", lambda r: responses.append(r))  # the worker's fetches are reported here too
        page.goto(url + "tim-kiem.html", wait_until="networkidle")
        page.wait_for_selector(SEARCH_INPUT, state="visible")
        page.evaluate(WATCH, SEARCH_INPUT)
        loaded = len(responses)
        page.fill(SEARCH_INPUT, query)  # focus (Pagefind UI then loads its engine) + the whole query
        page.wait_for_function("window.__bench.first !== null", timeout=60_000)
        at_first = len(responses)
        bench = page.evaluate("window.__bench")
        _settle(page, responses)
        message = page.inner_text(".pagefind-ui__message").strip()
        return {
            "first_result_s": (bench["first"] - bench["typed"]) / 1000,
            "message": message,
            "load": _summary(responses[:loaded]),
            "query_to_first": _summary(responses[loaded:at_first]),
            "query": _summary(responses[loaded:]),
            "total_bytes": sum(_received(r) for r in responses),
            "timeline": _timeline(responses[loaded:], bench["origin"] + bench["typed"]),
        }
    finally:
        context.close()


def search(repo: Path, queries: list[str], repeat: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    found: dict[str, Any] = {}
    with Server(repo) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            search_once(browser, server.url, queries[0])  # warm the OS page cache and the server
            for query in queries:
                runs = [search_once(browser, server.url, query) for _ in range(repeat)]
                best = dict(runs[-1])
                best["first_result_s"] = statistics.median(r["first_result_s"] for r in runs)
                best["first_result_runs_s"] = [r["first_result_s"] for r in runs]
                found[query] = best
        finally:
            browser.close()
    return found


# ---- profile ----------------------------------------------------------------------------------


def profile(repo: Path, size: int, top: int) -> str:
    import io
    import pstats

    forget_all(repo)
    prof = OUT / f"site-{size}.prof"
    code = (
        "import cProfile; from pathlib import Path; from hoso.site.build import build; "
        f"cProfile.run('build(Path(\".\").resolve())', {str(prof)!r})"
    )
    subprocess.run([sys.executable, "-c", code], cwd=repo, check=True, capture_output=True)
    text = io.StringIO()
    pstats.Stats(str(prof), stream=text).sort_stats("cumulative").print_stats(top)
    return text.getvalue()


# ---- the benchmark ----------------------------------------------------------------------------


def bench(size: int, workdir: Path, repeat: int, do_profile: bool, top: int) -> dict[str, Any]:
    repo = workdir / f"school-{size}"
    row: dict[str, Any] = {"records": size, "loadavg_start": os.getloadavg()[0], "cpus": os.cpu_count()}
    log = lambda what: print(f"[{size}] {what}", file=sys.stderr, flush=True)  # noqa: E731
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):  # `hoso init` talks: keep stdout for the tables
        generate(repo, size)
    row["generate_s"] = time.perf_counter() - t0
    pack(repo)  # a school repository is packed
    log(f"generated in {row['generate_s']:.1f} s")

    row["cold"] = build(repo, repeat, lambda: forget_all(repo))
    log(f"cold build {row['cold']['s']:.1f} s")

    def verdicts_only() -> None:
        forget_all(repo)
        t = time.perf_counter()
        subprocess.run([*HOSO, "check", "--all"], cwd=repo, capture_output=True, check=False)
        row["check_all_cold_s"] = time.perf_counter() - t

    row["cold_site_verdicts_warm"] = build(repo, repeat, verdicts_only)
    log(f"cold site, verdicts warm {row['cold_site_verdicts_warm']['s']:.1f} s")
    row["cold_site_cache_warm"] = build(repo, repeat, lambda: forget_site(repo))
    log(f"cold site, cache warm {row['cold_site_cache_warm']['s']:.1f} s")
    row["output"] = output_sizes(repo / "site")
    row["rebuild_unchanged"] = build(repo, repeat)
    log(f"rebuild, nothing changed {row['rebuild_unchanged']['s']:.1f} s")
    runs = []
    for i in range(repeat):
        commit_one_record(repo, 90_000_000 + i)
        runs.append(build_once(repo))
    row["rebuild_one_new"] = summarise(runs)
    log(f"rebuild after one new record {row['rebuild_one_new']['s']:.1f} s")
    row["lunr"] = lunr_comparison(repo)
    selective = f"{size // 2:08d}"  # the stamp of one record: in one PDF's text only
    row["search"] = search(repo, [BROAD_QUERY, selective], repeat=max(3, repeat))
    log("search measured")
    row["loadavg_end"] = os.getloadavg()[0]
    if do_profile:
        row["profile_top"] = profile(repo, size, top)
        log("profiled")
    return row


def _mib(n: float) -> str:
    return f"{n / 1048576:.1f} MiB"


def _kib(n: float) -> str:
    return f"{n / 1024:.0f} KiB" if n < 1048576 else _mib(n)


def report(rows: list[dict[str, Any]]) -> str:
    lines = [
        "Machine: "
        + "; ".join(
            f"{r['records']} records: {r['cpus']} CPUs, load average {r['loadavg_start']:.1f} at the start,"
            f" {r['loadavg_end']:.1f} at the end"
            for r in rows
        ),
        "",
        "### Build (wall time of `hoso site build`; peak memory)",
        "",
    ]
    lines += [
        "| records | case | time | hoso peak RSS | pagefind peak RSS | whole tree (sampled) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        for label, key in (
            ("cold: no site, empty cache", "cold"),
            ("cold site, verdicts warm (`check --all` ran)", "cold_site_verdicts_warm"),
            ("cold site, verdicts + PDF text warm", "cold_site_cache_warm"),
            ("rebuild, nothing changed", "rebuild_unchanged"),
            ("rebuild after one new record committed", "rebuild_one_new"),
        ):
            b = r[key]
            lines.append(
                f"| {r['records']} | {label} | {b['s']:.1f} s | {b['rss_mib']:.0f} MiB"
                f" | {b['pagefind_mib']:.0f} MiB | {b['tree_mib']:.0f} MiB |"
            )
    lines += ["", "### Output", ""]
    lines += [
        "| records | site | files | HTML pages | tep/ (PDFs) | pagefind/ | of which index/ | fragment/ |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        o = r["output"]
        lines.append(
            f"| {r['records']} | {_mib(o['site']['bytes'])} ({o['site']['disk_kib'] / 1024:.0f} MiB on disk)"
            f" | {o['site']['files']} | {o['html_pages']} | {_kib(o['tep']['bytes'])}"
            f" | {_kib(o['pagefind']['bytes'])} ({o['pagefind']['files']} files)"
            f" | {_kib(o['pagefind_index']['bytes'])} ({o['pagefind_index']['files']})"
            f" | {_kib(o['pagefind_fragment']['bytes'])} ({o['pagefind_fragment']['files']}) |"
        )
    lines += ["", "### Search in Chromium (fresh context: nothing cached)", ""]
    lines += [
        "| records | query | results | typing → first result | received for the query"
        " (engine / index / fragments) | index requests | page load | page load + query |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        for query, s in r["search"].items():
            q = s["query"]
            lines.append(
                f"| {r['records']} | `{query}` | {s['message']} | {s['first_result_s'] * 1000:.0f} ms"
                f" | {_kib(q['bytes'])} ({_kib(q['engine_bytes'])} / {_kib(q['index_bytes'])}"
                f" / {_kib(q['fragment_bytes'])}) | {q['index_requests']}"
                f" ({q['fragment_requests']} fragments) | {_kib(s['load']['bytes'])}"
                f" | {_kib(s['total_bytes'])} |"
            )
    lines += ["", "### Lunr (Material's search) would download, before the first query", ""]
    lines += ["| records | search_index.json (records only) | gzip |", "|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['records']} | {_kib(r['lunr']['bytes'])} | {_kib(r['lunr']['gzip_bytes'])} |")
    for r in rows:
        if "profile_top" in r:
            lines += ["", f"### cProfile of a cold build, {r['records']} records", "", "```"]
            lines += [r["profile_top"].strip(), "```"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=1, help="builds per case (median)")
    parser.add_argument("--profile", action="store_true", help="cProfile one more cold build per size")
    parser.add_argument("--top", type=int, default=30, help="profile entries shown")
    parser.add_argument("--keep", type=Path, help="build the schools here and keep them")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    here = Path(__file__).resolve().parent.parent
    source = {  # the code measured, as it was when the run started
        "commit": subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True
        ).stdout.strip(),
        "modified": subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=here, capture_output=True, text=True
        ).stdout.splitlines(),
    }
    name = OUT / f"site-{'-'.join(str(n) for n in args.records)}.json"
    rows: list[dict[str, Any]] = []

    def run_all(workdir: Path) -> None:
        for n in args.records:
            rows.append({**bench(n, workdir, args.repeat, args.profile, args.top), "source": source})
            name.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run_all(args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="hoso-bench-site-") as tmp:
            run_all(Path(tmp))
    print(report(rows))
    print(f"\n(JSON: {name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
