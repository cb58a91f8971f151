"""Examine many PDFs on every core: `examine_pdf` (bytes and certificates in, a JSON verdict
out — the expensive, pure part of verification) in a pool of worker processes.

Workers come from a "forkserver": a fresh interpreter that imports the verifier and pyHanko
once, then forks each worker from itself. A worker so starts with pyHanko loaded and inherits
nothing of the caller — not its SQLite cache, not its `git cat-file` pipes, which a plain fork
would share. Measured on 2 cores, start to first results: forkserver ~0.4 s, spawn 0.9–1.3 s
(every spawned worker imports pyHanko again).

Below MIN_FILES files no pool is started: its start-up costs more than it saves, and a hook
that judges a few files must stay light (nothing here imports pyHanko until a file is
examined). Work goes out in small batches, a bounded number in flight, so memory holds a few
files per worker whatever the number of files. A task whose worker fails (killed, crashed, an
exception) is examined again in this process: the answer, or the error, is then exactly the
one a run without a pool gives.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # multiprocessing and concurrent.futures are imported when a pool starts
    from concurrent.futures import Future, ProcessPoolExecutor

K = TypeVar("K")
Verdict = dict[str, Any]  # FileVerdict.as_json()

# Fewer files: no pool. Measured (2 cores, `check` of N signed records, cold cache): 8 files
# take as long either way (0.85 s), 16 are 15% faster with the pool, 32 are 28% faster.
MIN_FILES = 8
BATCH_FILES = 4  # files per task: few enough to balance the last tasks between workers
BATCH_BYTES = 4 * 1024 * 1024  # a batch closes at this size: a large scan travels alone
IN_FLIGHT = 2  # batches queued per worker: none idles, memory stays bounded
# imported once in the forkserver, so that every worker forked from it has them
PRELOAD = ["hoso.pdf.verify", "pyhanko.pdf_utils.reader", "pyhanko.sign.validation"]

_roots: list[Any] = []  # in a worker: the trust anchors, parsed once


def workers() -> int:
    """Worker processes: `HOSO_WORKERS` when set (1: no pool, every file examined in this
    process), else the cores this process may run on — `taskset -c 0 hoso verify …` is one
    core, so no pool (`os.cpu_count` counts the machine's, whatever the affinity)."""
    wanted = os.environ.get("HOSO_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def examine_many(items: Sequence[tuple[str, bytes]], trust_roots: Sequence[bytes]) -> list[Verdict]:
    """`examine_pdf(data, trust_roots=…, path=path).as_json()` of every (path, data), in order.

    `trust_roots`: certificates as DER or PEM bytes (cheap to send to the workers). On every
    core when there are MIN_FILES or more; in this process otherwise.
    """
    results: list[Verdict | None] = [None] * len(items)
    indexed = ((i, path, data) for i, (path, data) in enumerate(items))
    for index, verdict in examine_stream(indexed, trust_roots, len(items)):
        results[index] = verdict
    done = [v for v in results if v is not None]
    assert len(done) == len(items), "every file answered once"
    return done


def examine_stream(
    items: Iterable[tuple[K, str, bytes]], trust_roots: Sequence[bytes], count: int
) -> Generator[tuple[K, Verdict], None, None]:
    """(key, verdict) of every (key, path, data), as the answers come (not in order).

    `items` is consumed lazily (a reader may produce the bytes as they are needed); `count`,
    how many there are, decides whether a pool is worth starting.
    """
    roots = list(trust_roots)
    n = min(workers(), count)
    if count < MIN_FILES or n < 2:
        yield from _here(items, roots)
        return
    from concurrent.futures import ProcessPoolExecutor

    try:
        pool = ProcessPoolExecutor(n, mp_context=_context(), initializer=_init, initargs=(roots,))
    except (OSError, ValueError):  # no processes here (a sandbox, no /dev/shm): one core it is
        yield from _here(items, roots)
        return
    try:
        yield from _pooled(pool, n, iter(items), roots)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pooled(
    pool: ProcessPoolExecutor, n: int, items: Iterator[tuple[K, str, bytes]], roots: list[bytes]
) -> Iterator[tuple[K, Verdict]]:
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    pending: dict[Future[list[Verdict]], list[tuple[K, str, bytes]]] = {}
    broken = False
    while True:
        while not broken and len(pending) < n * IN_FLIGHT:
            batch = _next_batch(items)
            if not batch:
                break
            try:
                with _main_hidden():  # a submit may start a worker
                    future = pool.submit(_examine_batch, [(path, data) for _, path, data in batch])
            except (BrokenProcessPool, RuntimeError):
                broken = True
                yield from _here(batch, roots)
                break
            pending[future] = batch
        if not pending:
            break
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            batch = pending.pop(future)
            try:
                verdicts = future.result()
            except Exception:  # the worker failed: this process answers, as without a pool
                broken = broken or isinstance(future.exception(), BrokenProcessPool)
                yield from _here(batch, roots)
                continue
            for (key, _, _), verdict in zip(batch, verdicts, strict=True):
                yield key, verdict
    if broken:  # what was never sent
        yield from _here(items, roots)


def _next_batch(items: Iterator[tuple[K, str, bytes]]) -> list[tuple[K, str, bytes]]:
    batch: list[tuple[K, str, bytes]] = []
    size = 0
    for item in items:
        batch.append(item)
        size += len(item[2])
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            break
    return batch


def _here(items: Iterable[tuple[K, str, bytes]], roots: list[bytes]) -> Iterator[tuple[K, Verdict]]:
    """This process examines them, one after the other (what a run without a pool does)."""
    from hoso.pdf.verify import examine_pdf
    from hoso.pdf.verify.chain import load_pem_certs

    anchors = [cert for raw in roots for cert in load_pem_certs(raw)]
    for key, path, data in items:
        yield key, examine_pdf(data, trust_roots=anchors, path=path).as_json()


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Workers start without running the caller's main script again, as multiprocessing
    otherwise does: hooks/pre-receive, for one, has no `if __name__ == "__main__"` guard and
    would judge the push anew in every worker. Nothing a worker runs comes from `__main__`."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _context() -> Any:
    """The forkserver (see the module docstring), its preload set before it first starts."""
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _init(roots: list[bytes]) -> None:
    import signal

    from hoso.pdf.verify.chain import load_pem_certs

    # Ctrl-C reaches the whole process group: the caller stops the pool, workers finish quietly
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _roots[:] = [cert for raw in roots for cert in load_pem_certs(raw)]


def _examine_batch(batch: list[tuple[str, bytes]]) -> list[Verdict]:
    from hoso.pdf.verify import examine_pdf

    return [examine_pdf(data, trust_roots=_roots, path=path).as_json() for path, data in batch]
