#!/usr/bin/env python3
"""Time `hoso site build` and its search on the signed school: `python bench/bench_site.py --records 1000`.

On a copy of bench/gen_signed.py's school, its verdict cache warm (every record's signatures
judged by an earlier `check --all`, as in a school that runs the hooks), each build the real
`hoso site build` in a fresh Python process, in the same rounds, --repeat times (median, min):

- a cold site: no site, no generated pages, no cached PDF text (every record's text extracted,
  every page generated, MkDocs, Pagefind, the PDFs copied), against the MkDocs build alone of
  the same pages with hoso's configuration (docs and configuration prepared once, untimed; a
  fresh process: interpreter, MkDocs and Material's start included);
- a rebuild after one new record committed (the warm case), against the same MkDocs build;
- with --cold, a build with an empty cache (every signature verified too);
- search in headless Chromium (Playwright) against `hoso site serve --no-build`: the time from
  typing to the first visible result of a query matching every record ("tong hop": "Hồ sơ tổng
  hợp số …" is on every page), against a query matching one record (its number); a fresh
  browser context per run, max(3, --repeat) runs.

Peak memory (hoso's own getrusage max RSS, pagefind's VmHWM and the whole tree sampled from
/proc), the output's sizes and each query's bytes and timeline go to bench/out/site.json.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import gen_signed
from measure import HOSO, Figure, failed, rounds, save, say, table, wall

from hoso.evidence import CACHE_FILE, cache_dir

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
BROAD_QUERY = "tong hop"  # "tổng hợp": on every record's page (gen_signed: "Hồ sơ tổng hợp số …")
# Run by a fresh interpreter in the repository: the build itself, then its own peak RSS in KiB.
# (Not RUSAGE_CHILDREN: a child spawned by Python inherits the parent's high-water mark through
# vfork + exec, so every `git` or `pagefind` child would report the Python process's peak.)
BUILD_PROBE = """
import json, resource
from hoso.cli import main
rc = main(["site", "build"])
print(json.dumps({"rc": rc, "self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
# Once, untimed, in the repository: this build's pages and hoso's MkDocs configuration for them,
# written to argv[1] (docs/, config.pickle), as `hoso.site.build.build` prepares them.
PREPARE_MKDOCS = """
import pickle, sys
from pathlib import Path
from hoso.site import build as B, pages, presentation, sources
from hoso.site.model import INSPECTOR, collect
root, work = Path.cwd(), Path(sys.argv[1])
src = sources.scan(root, pages.GENERATED)
look = presentation.read(root, src)
site = collect(root, INSPECTOR, "HEAD")
docs = work / "docs"
docs.mkdir(parents=True)
src.copy_into(docs)
B.write_docs(docs, pages.render(site))
config = B.mkdocs_config(docs, work / "out", site, look, src)
with open(work / "config.pickle", "wb") as f:
    pickle.dump((config, B._epoch(site.commit_date)), f)
"""
# Timed, a fresh process: the MkDocs build alone of those pages, as hoso drives it.
MKDOCS_ALONE = """
import os, pickle, sys
from pathlib import Path
work = Path(sys.argv[1])
with open(work / "config.pickle", "rb") as f:
    config, epoch = pickle.load(f)
os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
os.chdir(work)
from mkdocs.commands.build import build
from hoso.site.build import _load
build(_load(work, config))
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
    """What a request fetched; search in parts keeps each part's index under `pagefind/pN/`."""
    path = url.split("?")[0]
    if "/index/" in path and "/pagefind" in path:
        return "index"
    if "/fragment/" in path and "/pagefind" in path:
        return "fragment"
    if "/pagefind" in path:
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
        page.fill(SEARCH_INPUT, query)  # the whole query at once (the engine came with the page)
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


def forget_texts(repo: Path) -> None:
    """The cached PDF texts out of the evidence cache (the verdicts stay)."""
    db = cache_dir(repo) / CACHE_FILE
    if db.is_file():
        with contextlib.closing(sqlite3.connect(db)) as conn, conn:
            conn.execute("DELETE FROM evidence WHERE kind = 'text'")


def forget_site_and_texts(repo: Path) -> None:
    forget_site(repo)
    forget_texts(repo)


def commit_extra(repo: Path, signed: gen_signed.Signed, i: int) -> None:
    """One of the school's extra records (fully signed, outside history) committed on main."""
    rel, source = signed.extra()[i % len(signed.extra())]
    target = repo / rel
    if target.exists():  # more rounds than extra records: the same record, one more version
        rel = rel.replace(".pdf", f"-{i}.pdf")
        target = repo / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "add", rel], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", f"Thêm {rel}"], cwd=repo, check=True, env=env)


def run(
    signed: gen_signed.Signed, repeat: int, work: Path, *, cold: bool = False, browser: bool = True
) -> tuple[list[Figure], dict[str, Any]]:
    n = signed.records
    repo = gen_signed.fresh_copy(signed, work / "site", warm=True)
    details: dict[str, Any] = {"records": n, "loadavg_start": os.getloadavg()[0]}
    builds: dict[str, list[dict[str, Any]]] = {"cold_site": [], "rebuild": [], "empty_cache": []}

    def timed_build(kind: str, before: Any = None) -> float:
        if before is not None:
            before()
        found = build_once(repo)
        builds[kind].append(found)
        return float(found["s"])

    say(f"[site {n}] first build (untimed), then the MkDocs pages prepared once")
    build_once(repo)  # the warm cache completed with whatever it lacks (texts are forgotten below)
    prepared = work / "mkdocs-alone"
    shutil.rmtree(prepared, ignore_errors=True)
    subprocess.run([sys.executable, "-c", PREPARE_MKDOCS, str(prepared)], cwd=repo, check=True)
    mkdocs = [sys.executable, "-c", MKDOCS_ALONE, str(prepared)]
    base = "MkDocs build alone of the same pages"
    say(f"[site {n}] cold site (verdicts cached) / MkDocs alone, {repeat} rounds")
    runs = rounds(
        {
            "cold_site": lambda: timed_build("cold_site", lambda: forget_site_and_texts(repo)),
            "mkdocs": lambda: wall(mkdocs, prepared),
        },
        repeat,
    )
    details["output"] = output_sizes(repo / "site")
    figures = [
        Figure(
            "site",
            "`site build`, cold site, verdicts cached",
            n,
            runs["cold_site"],
            base,
            runs["mkdocs"],
        )
    ]
    say(f"[site {n}] rebuild after one new record, {repeat} rounds")
    counter = iter(range(1000))
    again = rounds(
        {
            "rebuild": lambda: timed_build("rebuild", lambda: commit_extra(repo, signed, next(counter))),
            "mkdocs": lambda: wall(mkdocs, prepared),
        },
        repeat,
    )
    figures.append(
        Figure(
            "site",
            "`site build` after one new record committed",
            n,
            again["rebuild"],
            base,
            again["mkdocs"],
            goal="< 30 s (earlier target)",
            max_s=30.0,
        )
    )
    if cold:
        say(f"[site {n}] empty cache, {repeat} rounds")

        def forget_all() -> None:
            forget_site(repo)
            forget_cache(repo)

        empty = rounds(
            {
                "empty": lambda: timed_build("empty_cache", forget_all),
                "mkdocs": lambda: wall(mkdocs, prepared),
            },
            repeat,
        )
        figures.append(
            Figure(
                "site",
                "`site build`, empty cache",
                n,
                empty["empty"],
                base,
                empty["mkdocs"],
                goal="< 3 min at 10k (earlier target)",
                max_s=180.0,
            )
        )
    details["builds"] = {k: summarise(v) for k, v in builds.items() if v}
    if browser:
        selective = f"{n // 2:08d}"  # one record's number: on one page only
        try:
            found = search(repo, [BROAD_QUERY, selective], repeat=max(3, repeat))
            details["search"] = found
            figures.append(
                Figure(
                    "site",
                    f"search `{BROAD_QUERY}` (every record), typing → first result",
                    n,
                    found[BROAD_QUERY]["first_result_runs_s"],
                    f"a query matching one record (`{selective}`)",
                    found[selective]["first_result_runs_s"],
                    goal="< 1 s at 10k",
                    max_s=1.0,
                )
            )
        except Exception as exc:  # no browser here: the other figures stand
            figures.append(
                failed(
                    "site",
                    f"search `{BROAD_QUERY}`, first result",
                    n,
                    repr(exc),
                    goal="< 1 s at 10k",
                    max_s=1.0,
                )
            )
    details["loadavg_end"] = os.getloadavg()[0]
    shutil.rmtree(repo, ignore_errors=True)
    shutil.rmtree(prepared, ignore_errors=True)
    return figures, details


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="also builds with an empty cache")
    parser.add_argument("--no-browser", action="store_true", help="no search measure")
    parser.add_argument("--profile", action="store_true", help="cProfile one more cold build per size")
    parser.add_argument("--top", type=int, default=30, help="profile entries shown")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    figures: list[Figure] = []
    details: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="hoso-bench-site-") as tmp:
        for n in args.records:
            signed = gen_signed.school(n)
            found, detail = run(signed, args.repeat, Path(tmp), cold=args.cold, browser=not args.no_browser)
            figures += found
            details.append(detail)
            if args.profile:
                repo = gen_signed.fresh_copy(signed, Path(tmp) / "profiled", warm=True)
                print(profile(repo, n, args.top))
    print(table(figures))
    save(figures, OUT / "site.json", {"details": details})
    return 0


if __name__ == "__main__":
    sys.exit(main())
